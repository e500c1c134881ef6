"""Where clauses and sentences of a message begin and end, and where words occur in it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CLAUSES = "，,；;。！!？?\n"
SENTENCES = "；;。！!？?\n"
PERIODS = "。！!？?\n"


@dataclass(frozen=True)
class Layout:
    """Clause and sentence number of every character position of a text."""

    text: str
    clause_of: tuple[int, ...]
    sentence_of: tuple[int, ...]
    clause_starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> Layout:
        clause, sentence, c, s, starts = [], [], 0, 0, [0]
        padded = text + "。"
        for i, ch in enumerate(padded):
            clause.append(c)
            sentence.append(s)
            if ch == "," and 0 < i and padded[i - 1].isdigit() and padded[i + 1 : i + 2].isdigit():
                continue  # "1,050万": a thousands separator, not a break
            if ch in CLAUSES:
                c += 1
                starts.append(i + 1)
            if ch in SENTENCES:
                s += 1
        return cls(text, tuple(clause), tuple(sentence), tuple(starts))

    def clause_span(self, pos: int) -> tuple[int, int]:
        """Start and end (exclusive, at the break) of the clause holding pos."""
        n = self.clause_of[min(pos, len(self.text))]
        start = self.clause_starts[n]
        end = self.clause_starts[n + 1] - 1 if n + 1 < len(self.clause_starts) else len(self.text)
        return start, end

    def sentence_span(self, pos: int) -> tuple[int, int]:
        n = self.sentence_of[min(pos, len(self.text))]
        start = next(i for i in range(len(self.text) + 1) if self.sentence_of[i] == n)
        end = start
        while end < len(self.text) and self.sentence_of[end] == n and self.text[end] not in SENTENCES:
            end += 1
        return start, end

    def same_clause(self, a: int, b: int) -> bool:
        return self.clause_of[a] == self.clause_of[b]

    def same_sentence(self, a: int, b: int) -> bool:
        return self.sentence_of[a] == self.sentence_of[b]

    def same_period(self, a: int, b: int) -> bool:
        """In one sentence up to a full stop: parts joined by semicolons ("2024年度…；2025年度…") count as one."""
        lo, hi = min(a, b), max(a, b)
        return not any(ch in PERIODS for ch in self.text[lo:hi])


@dataclass(frozen=True)
class Hit:
    """A word found in the text: what it stands for, and where."""

    key: str
    start: int
    end: int
    word: str


def find_words(text: str, words: Iterable[tuple[str, str]], lower: bool = True) -> list[Hit]:
    """Leftmost-longest occurrences of (key, word) pairs; ASCII words must stand alone ("ip" not in "ipo")."""
    hay = text.lower() if lower else text
    spans: list[Hit] = []
    for key, word in words:
        if not word:
            continue
        needle = word.lower() if lower else word
        at = hay.find(needle)
        while at >= 0:  # str.find, not a regex per word: hundreds of words per message
            end = at + len(needle)
            if _whole(needle, hay, at, end):
                spans.append(Hit(key, at, end, text[at:end]))
            at = hay.find(needle, at + 1)
    spans.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[Hit] = []
    end = -1
    for hit in spans:
        if hit.start >= end:
            out.append(hit)
            end = hit.end
    return out


def _whole(word: str, text: str, start: int, end: int) -> bool:
    """Latin words must not be glued to other Latin letters ("ip" in "ipo"); digits may touch ("LPR3.1%")."""
    if not word.isascii():
        return True
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())
