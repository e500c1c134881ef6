"""Recording around the engine: who asks through which path (a context of the HTTP request), and the engine
wrapper that commits every answer to the record store before it is handed back (or, on an event loop, leaves
the commit for the caller to await)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

from bot.records.store import RecordStore

# (client address, channel) of the HTTP request being served; set by bot.http.guards, read when recording.
_REQUEST: ContextVar[tuple[str | None, str | None]] = ContextVar("policybot_request", default=(None, None))


def set_request_context(client: str | None, channel: str | None) -> Token[tuple[str | None, str | None]]:
    """Remember who is asking and through which path, for the record written during this request."""
    return _REQUEST.set((client, channel))


def reset_request_context(token: Token[tuple[str | None, str | None]]) -> None:
    _REQUEST.reset(token)


def request_client() -> str | None:
    """The client address of the HTTP request being served (None outside a request)."""
    return _REQUEST.get()[0]


_DEFERRED: ContextVar[list[Future[None]] | None] = ContextVar("policybot_deferred_commits", default=None)


@contextmanager
def deferred_commits() -> Iterator[list[Future[None]]]:
    """Inside, RecordingEngine queues each record and leaves waiting for its commit to the caller: code on an
    event loop awaits the futures (asyncio.wrap_future) before it replies, instead of blocking the loop."""
    commits: list[Future[None]] = []
    token = _DEFERRED.set(commits)
    try:
        yield commits
    finally:
        _DEFERRED.reset(token)


class RecordingEngine:
    """Wraps an engine so every `ask` is committed to the store before the answer is handed back (inside
    `deferred_commits()`, before the caller awaiting the commits replies)."""

    def __init__(self, engine: Any, store: RecordStore) -> None:
        self._engine = engine
        self.store = store

    def ask(self, text: str, session_id: str | None = None, **kwargs: Any) -> Any:
        started = time.perf_counter()
        answer = self._engine.ask(text, session_id=session_id, **kwargs)
        latency_ms = (time.perf_counter() - started) * 1000
        client, channel = _REQUEST.get()
        committed = self.store.submit_answer(
            answer.to_dict(),
            text,
            latency_ms=latency_ms,
            mode=getattr(answer, "mode", None),
            fallback_reason=getattr(answer, "fallback_reason", None),
            channel=channel,
            client=client,
        )
        commits = _DEFERRED.get()
        if commits is None:
            committed.result()
        else:
            commits.append(committed)
        return answer

    def __getattr__(self, name: str) -> Any:
        # retriever, corpus, sessions... stay reachable through the wrapper.
        return getattr(self._engine, name)
