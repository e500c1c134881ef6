"""In-memory conversation sessions: bounded by count (LRU) and idle time, thread-safe, isolated slots."""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.tools.calls import ToolCall

# How many turns of history a session keeps; older turns are dropped so memory stays bounded.
HISTORY_TURNS = 10


@dataclass
class Pending:
    """A calculation with the arguments known so far (and those still missing)."""

    tool: str
    args: dict[str, Any]
    missing: list[str]
    clause_id: str
    year: int | None = None  # the year of its figures, when the rule was computed year by year

    def replay(self) -> ToolCall:
        """The call again, as a tool call (its arguments copied)."""
        return ToolCall(self.tool, dict(self.args), year=self.year)


@dataclass
class Session:
    """One conversation: its id, last activity, the pending calculation and a short history."""

    id: str
    last_seen: float
    pending: Pending | None = None
    last: Pending | None = None  # the last completed calculation, for "那如果是1500万呢"
    # Every call of the last answer ("首次流片1200万，EDA 300万"), so "那如果EDA是500万呢" keeps the others.
    batch: list[Pending] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)
    doc_id: str | None = None  # the document the conversation is about, when it is not the primary one
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def remember(self, question: str, status: str) -> None:
        self.history.append((question, status))
        del self.history[:-HISTORY_TURNS]


@dataclass(frozen=True)
class Lookup:
    """The session a message belongs to and whether the id it named had expired."""

    session: Session
    expired: bool


class SessionStore:
    """Sessions keyed by id; least recently used evicted beyond max_sessions, idle ones after ttl."""

    def __init__(self, max_sessions: int, ttl_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.max_sessions = max_sessions
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        # Ids that expired or were evicted, so a late message gets "会话已过期" instead of silently starting over.
        self._gone: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def open(self, session_id: str | None) -> Lookup:
        """Return the live session for session_id, or a new one (expired=True when the id had expired)."""
        now = self._clock()
        with self._lock:
            self._sweep(now)
            if session_id and session_id in self._sessions:
                session = self._sessions[session_id]
                session.last_seen = now
                self._sessions.move_to_end(session_id)
                return Lookup(session, expired=False)
            expired = session_id is not None and session_id in self._gone
            if session_id is not None:
                self._gone.pop(session_id, None)
            session = Session(id=session_id or uuid.uuid4().hex, last_seen=now)
            self._sessions[session.id] = session
            self._evict_overflow()
            return Lookup(session, expired=expired)

    def _sweep(self, now: float) -> None:
        # The dict is in last-use order, so idle sessions sit at the front.
        while self._sessions:
            sid, oldest = next(iter(self._sessions.items()))
            if now - oldest.last_seen <= self.ttl_seconds:
                break
            self._forget(sid)

    def _evict_overflow(self) -> None:
        while len(self._sessions) > self.max_sessions:
            self._forget(next(iter(self._sessions)))

    def _forget(self, sid: str) -> None:
        del self._sessions[sid]
        self._gone[sid] = None
        # Remember a bounded number of gone ids; beyond that an old id is simply treated as new.
        while len(self._gone) > 10 * self.max_sessions:
            self._gone.popitem(last=False)
