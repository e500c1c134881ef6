"""Measure retrieval on the labelled question set: top-1/top-3 accuracy, ours and the plain-BM25 baseline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.packs.corpus import Corpus

SearchFn = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class Question:
    clause_id: str
    text: str


@dataclass(frozen=True)
class Accuracy:
    top1: float
    top3: float
    n: int
    misses: tuple[tuple[str, str, tuple[str, ...]], ...]  # (gold, question, top-3 ids) not first

    def line(self, label: str) -> str:
        return f"{label}: top-1 {self.top1:.1%}  top-3 {self.top3:.1%}  （{self.n} 题）"


def load_questions(path: Path) -> list[Question]:
    """Read `gold_clause_id<TAB>question` lines; # comments and blank lines are skipped."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cid, text = line.split("\t", 1)
            rows.append(Question(cid.strip(), text.strip()))
    return rows


def evaluate(search: SearchFn, questions: Sequence[Question]) -> Accuracy:
    """Top-1 and top-3 accuracy of a search function that returns ranked clause ids."""
    top1 = top3 = 0
    misses = []
    for q in questions:
        ids = search(q.text, 3)[:3]
        top1 += ids[:1] == [q.clause_id]
        top3 += q.clause_id in ids
        if ids[:1] != [q.clause_id]:
            misses.append((q.clause_id, q.text, tuple(ids)))
    n = len(questions)
    return Accuracy(top1 / n, top3 / n, n, tuple(misses))


class PlainBM25:
    """The baseline: bm25s over default-jieba tokens of the verbatim clause text; nothing else."""

    def __init__(self, corpus: Corpus) -> None:
        import logging

        import bm25s

        from bot.retrieval.tokenize import PlainTokenizer

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self._ids = [c.id for c in corpus.clauses]
        self._tokenizer = PlainTokenizer()
        self._bm25 = bm25s.BM25()
        self._bm25.index([self._tokenizer.tokens(c.text) for c in corpus.clauses], show_progress=False)

    def search(self, query: str, k: int = 5) -> list[str]:
        vocab = self._bm25.vocab_dict
        ids = [vocab[t] for t in self._tokenizer.tokens(query) if t in vocab]
        if not ids:
            return []
        scores = self._bm25.get_scores_from_ids(ids)
        order = sorted(range(len(self._ids)), key=lambda i: (-scores[i], i))
        return [self._ids[i] for i in order[:k] if scores[i] > 0]
