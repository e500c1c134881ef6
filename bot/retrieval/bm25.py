"""The BM25 index as plain postings: built with bm25s, read and scored without it.

bm25s (and the numpy and scipy it imports, about half a second) is needed only to build the index. A
query needs only each token's precomputed per-clause scores, so they are saved as JSON postings and summed
here in float32 arithmetic, exactly as bm25s's `get_scores_from_ids` does, so the ranking is the same.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = 1


def _f32(x: float) -> float:
    """x rounded to float32, as numpy's float32 arrays hold it."""
    return float(struct.unpack("f", struct.pack("f", x))[0])


@dataclass(frozen=True)
class Postings:
    """Token → id, and for each id the (clause index, BM25 score) pairs of the clauses holding it."""

    vocab: dict[str, int]
    postings: list[list[tuple[int, float]]]
    num_docs: int

    @classmethod
    def from_bm25s(cls, bm25: Any) -> Postings:
        """The scores bm25s computed at indexing (its CSC matrix: one column of clause scores per token)."""
        data, indices, indptr = (bm25.scores[k].tolist() for k in ("data", "indices", "indptr"))
        postings = [
            [(int(indices[j]), float(data[j])) for j in range(indptr[t], indptr[t + 1])]
            for t in range(len(indptr) - 1)
        ]
        # bm25s keeps a vocabulary entry for the empty token with no column of its own: it scores nothing.
        vocab = {t: i for t, i in bm25.vocab_dict.items() if i < len(postings)}
        return cls(vocab, postings, int(bm25.scores["num_docs"]))

    def save(self, path: Path) -> None:
        body = {"format": FORMAT, "num_docs": self.num_docs, "vocab": self.vocab, "postings": self.postings}
        path.write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Postings:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("format") != FORMAT:
            raise ValueError(f"BM25 倒排格式 {body.get('format')!r} 不是 {FORMAT}")
        postings = [[(int(d), float(s)) for d, s in row] for row in body["postings"]]
        vocab, num_docs = dict(body["vocab"]), int(body["num_docs"])
        if any(not 0 <= i < len(postings) for i in vocab.values()) or any(
            not 0 <= d < num_docs for row in postings for d, _ in row
        ):
            raise ValueError("BM25 倒排与词表或条款数不一致")
        return cls(vocab, postings, num_docs)

    def scores(self, weights: dict[int, float]) -> list[float]:
        """Σ weight × score per clause, in the order and precision bm25s and numpy use (float32)."""
        out = [0.0] * self.num_docs
        for token_id, weight in weights.items():
            w = _f32(weight)
            for doc, score in self.postings[token_id]:
                out[doc] = _f32(out[doc] + _f32(w * score))
        return out
