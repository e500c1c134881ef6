"""Small fakes for serving tests that check HTTP behaviour independent of the engine's wording."""

from __future__ import annotations

import threading
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any

from bot.packs.corpus import Corpus


@dataclass(frozen=True)
class FakeHit:
    clause_id: str
    title: str
    score: float
    doc_id: str = ""

    @property
    def key(self) -> str:
        return f"{self.doc_id}:{self.clause_id}"


class FakeRetriever:
    """Ranks clauses whose title occurs in the query first; everything else in corpus order."""

    modes = ["fake"]

    def __init__(self, corpus: Corpus):
        self.corpus = corpus

    def search(self, query: str, k: int = 5, doc_id: str | None = None) -> list[FakeHit]:
        pool = [c for c in self.corpus.clauses if doc_id in (None, c.doc_id)]
        ranked = sorted(pool, key=lambda c: c.title not in query)
        return [FakeHit(c.id, c.title, 1.0 / (i + 1), c.doc_id) for i, c in enumerate(ranked[:k])]

    def direct_reference(self, query: str) -> str | None:
        return "m3" if "第3条" in query else None


class FakeAnswer:
    def __init__(self, data: dict[str, Any]):
        self._data = data

    def to_dict(self) -> dict[str, Any]:
        return dict(self._data)


class FakeEngine:
    """Answers "回答：<question>" citing m3; `enqueue()` scripts the next answer's text and citations."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.retriever = FakeRetriever(corpus)
        self.calls: list[tuple[str, str | None]] = []
        self.histories: list[tuple[str, ...]] = []  # the replayed turns of each call (empty: none)
        self._queue: deque[dict[str, Any]] = deque()
        self._lock = threading.Lock()

    def enqueue(self, **fields: Any) -> None:
        self._queue.append(fields)

    def ask(
        self, text: str, session_id: str | None = None, history: tuple[str, ...] = (), **_: Any
    ) -> FakeAnswer:
        with self._lock:
            self.calls.append((text, session_id))
            self.histories.append(tuple(history))
            scripted = self._queue.popleft() if self._queue else {}
        m3 = self.corpus.clause("m3")
        assert m3 is not None
        data = {
            "status": "answered",
            "answer": f"回答：{text}。第二句！",
            "citations": [
                {"clause_id": "m3", "title": m3.title, "quote": m3.text.split("；")[0].split("。", 1)[1]}
            ],
            "calculations": [],
            "total_max_subsidy_yuan": None,
            "session_id": "" if history else session_id or f"s-{uuid.uuid4().hex[:8]}",
            "answer_id": uuid.uuid4().hex,
        }
        data.update(scripted)
        return FakeAnswer(data)
