"""Small fakes for reliability tests that must not depend on the real engine's wording."""

from __future__ import annotations

import threading
import uuid
from collections import deque
from typing import Any


class FakeAnswer:
    def __init__(self, data: dict[str, Any], mode: str = "deterministic") -> None:
        self._data = data
        self.mode = mode
        self.fallback_reason = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self._data)


class FakeEngine:
    """Echo engine; `enqueue()` scripts the next answers' status and total."""

    retriever = None
    corpus = None

    def __init__(self) -> None:
        self._queue: deque[tuple[str, str | None]] = deque()
        self._lock = threading.Lock()

    def enqueue(self, status: str, total: str | None = None) -> None:
        self._queue.append((status, total))

    def ask(self, text: str, session_id: str | None = None, **_: Any) -> FakeAnswer:
        with self._lock:
            status, total = self._queue.popleft() if self._queue else ("answered", None)
        return FakeAnswer(
            {
                "status": status,
                "answer": f"回答：{text}",
                "citations": [],
                "calculations": [],
                "total_max_subsidy_yuan": total,
                "session_id": session_id or uuid.uuid4().hex,
                "answer_id": uuid.uuid4().hex,
            }
        )
