"""In-memory conversation sessions: per-channel namespaces, server-issued ids, bounded by count, bytes,
idle time and a per-client quota; thread-safe, isolated slots."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.keys import persistent_key
from bot.sessions.ids import KEY_NAME, SessionIds
from bot.settings import Settings
from bot.tools.calls import ToolCall

log = logging.getLogger(__name__)

# How many turns of history a session keeps; older turns are dropped so memory stays bounded.
HISTORY_TURNS = 10
# Channels whose caller authenticates the id itself (the signed WeChat openid, the local process);
# on every other channel ids are issued by the server and a client cannot choose one.
TRUSTED_CHANNELS = frozenset({"local", "wechat"})
# Session object, its lock, the store's entry and indexes: measured once with tracemalloc, rounded up.
SESSION_OVERHEAD_BYTES = 1536
_PENDING_OVERHEAD_BYTES = 512


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
    clause: str | None = None  # the clause the last answer rested on ("要先过哪个平台审核？" asks about it)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def remember(self, question: str, status: str) -> None:
        self.history.append((question, status))
        del self.history[:-HISTORY_TURNS]

    def approx_bytes(self) -> int:
        """Estimated memory held by this session (within a factor of about 1.5 of tracemalloc's figure)."""
        size = SESSION_OVERHEAD_BYTES + sum(sys.getsizeof(q) + sys.getsizeof(s) + 64 for q, s in self.history)
        pendings = {id(p): p for p in (self.pending, self.last, *self.batch) if p is not None}
        return size + sum(_PENDING_OVERHEAD_BYTES + _deep_size(p.args) for p in pendings.values())


def _deep_size(obj: object, depth: int = 0) -> int:
    size = sys.getsizeof(obj)
    if depth > 4:
        return size
    if isinstance(obj, dict):
        return size + sum(_deep_size(k, depth + 1) + _deep_size(v, depth + 1) for k, v in obj.items())
    if isinstance(obj, list | tuple | set | frozenset):
        return size + sum(_deep_size(v, depth + 1) for v in obj)
    return size


@dataclass(frozen=True)
class Lookup:
    """The session a message belongs to and whether the id it named had expired."""

    session: Session
    expired: bool
    key: tuple[str, str] = ("", "")
    hold: Any = None  # what a shared store keeps until settle (its lock on the session)


@dataclass
class _Entry:
    session: Session
    client: str | None
    size: int = SESSION_OVERHEAD_BYTES


class SessionStore:
    """Sessions keyed by (channel, id); idle ones expire after ttl; beyond max_sessions or max_bytes the
    least recently used session of the client holding the most is evicted, so a flood evicts itself."""

    def __init__(
        self,
        max_sessions: int,
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_per_client: int | None = None,
        max_bytes: int | None = None,
        ids: SessionIds | None = None,
        backing: Any = None,
    ):
        self.max_sessions = max_sessions
        self.ttl_seconds = ttl_seconds
        self.max_per_client = max_per_client or max_sessions
        self.max_bytes = max_bytes
        self.ids = ids or SessionIds()
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._by_client: dict[str | None, OrderedDict[tuple[str, str], None]] = {}
        self._client_bytes: dict[str | None, int] = {}
        self._bytes = 0
        # Ids on trusted channels that expired or were evicted, so a late message gets "会话已过期"
        # instead of silently starting over (issued ids carry their own proof and need no list).
        self._gone: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()
        # A persisted copy of each session (bot.sessions.snapshots), so a restart keeps conversations.
        self.backing = backing

    @classmethod
    def from_settings(cls, settings: Settings, backing: Any = None) -> SessionStore:
        """The store the settings describe, its id key kept in the data directory across restarts."""
        try:
            key: bytes | None = persistent_key(settings.data_dir, KEY_NAME)
        except OSError as exc:
            log.warning("无法保存会话密钥（%s）：重启后旧会话编号不再被识别", exc)
            key = None
        return cls(
            settings.session_max,
            settings.session_ttl_seconds,
            max_per_client=settings.session_max_per_client,
            max_bytes=settings.session_max_bytes,
            ids=SessionIds(key),
            backing=backing,
        )

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @property
    def total_bytes(self) -> int:
        return self._bytes

    def open(self, session_id: str | None, *, channel: str = "local", client: str | None = None) -> Lookup:
        """The live session for (channel, session_id), else a new one; expired=True when the id had expired.

        On an issued channel an id the server did not issue (or issued for another channel) starts a
        new session under a fresh id: a client can never name a session it was not given."""
        now = self._clock()
        with self._lock:
            self._sweep(now)
            key = (channel, session_id or "")
            entry = self._entries.get(key) if session_id else None
            if entry is None and session_id and self.backing is not None:
                entry = self._restore(key, client, now)
            if entry is not None:
                entry.session.last_seen = now
                self._touch(key, entry.client)
                return Lookup(entry.session, expired=False, key=key)
            expired, sid = self._admit(channel, session_id)
            return self._create((channel, sid), client, now, expired)

    def settle(self, lookup: Lookup) -> None:
        """Re-measure a session after the engine changed it, and evict others if memory is over the bound."""
        size = lookup.session.approx_bytes()
        with self._lock:
            entry = self._entries.get(lookup.key)
            if entry is None or entry.session is not lookup.session:
                return
            self._resize(entry, size)
            self._evict_overflow(keep=lookup.key)
        if self.backing is not None and lookup.session.id:
            self.backing.save(lookup.key, lookup.session)

    def _restore(self, key: tuple[str, str], client: str | None, now: float) -> _Entry | None:
        """The persisted copy of a session this process does not hold (after a restart), if still live."""
        if key[0] not in TRUSTED_CHANNELS and not self.ids.valid(*key):
            return None
        found, session = self.backing.load(key, self.ttl_seconds)
        if session is None:
            if found and key[0] in TRUSTED_CHANNELS:
                self._gone[key] = None  # it existed and expired: "会话已过期"
            return None
        session.last_seen = now
        self._insert(key, session, client)
        return self._entries[key]

    def _admit(self, channel: str, session_id: str | None) -> tuple[bool, str]:
        """Whether the named id had expired, and the id the new session gets."""
        if channel in TRUSTED_CHANNELS:
            if not session_id:
                return False, self.ids.issue(channel)
            expired = (channel, session_id) in self._gone
            self._gone.pop((channel, session_id), None)
            return expired, session_id
        if session_id and self.ids.valid(channel, session_id):
            return True, session_id  # ours, but gone (expired, evicted or from before a restart)
        return False, self.ids.issue(channel)

    def _create(self, key: tuple[str, str], client: str | None, now: float, expired: bool) -> Lookup:
        session = Session(id=key[1], last_seen=now)
        self._insert(key, session, client)
        return Lookup(session, expired=expired, key=key)

    def _insert(self, key: tuple[str, str], session: Session, client: str | None) -> None:
        own = self._by_client.get(client)
        if client is not None and own is not None and len(own) >= self.max_per_client:
            self._forget(next(iter(own)))  # over its quota: a client makes room from its own sessions
        entry = _Entry(session, client)
        self._entries[key] = entry
        self._by_client.setdefault(client, OrderedDict())[key] = None
        self._client_bytes[client] = self._client_bytes.get(client, 0)
        self._resize(entry, session.approx_bytes(), new=True)
        self._evict_overflow(keep=key)

    def _resize(self, entry: _Entry, size: int, new: bool = False) -> None:
        change = size if new else size - entry.size
        entry.size = size
        self._bytes += change
        self._client_bytes[entry.client] += change

    def _touch(self, key: tuple[str, str], client: str | None) -> None:
        self._entries.move_to_end(key)
        self._by_client[client].move_to_end(key)

    def _sweep(self, now: float) -> None:
        # The dict is in last-use order, so idle sessions sit at the front.
        while self._entries:
            key, oldest = next(iter(self._entries.items()))
            if now - oldest.session.last_seen <= self.ttl_seconds:
                break
            self._forget(key)

    def _evict_overflow(self, keep: tuple[str, str]) -> None:
        while len(self._entries) > self.max_sessions or (self.max_bytes and self._bytes > self.max_bytes):
            by_bytes = len(self._entries) <= self.max_sessions
            victim = self._heaviest_client_oldest(by_bytes, keep)
            if victim is None:
                return
            self._forget(victim)

    def _heaviest_client_oldest(self, by_bytes: bool, keep: tuple[str, str]) -> tuple[str, str] | None:
        """The least recently used session of the client holding the most sessions (or bytes)."""
        heaviest, most = None, -1
        for client, keys in self._by_client.items():
            weight = self._client_bytes[client] if by_bytes else len(keys)
            if weight > most and not (len(keys) == 1 and keep in keys):
                heaviest, most = client, weight
        if most < 0:
            return None
        return next(k for k in self._by_client[heaviest] if k != keep)

    def _forget(self, key: tuple[str, str]) -> None:
        entry = self._entries.pop(key)
        self._bytes -= entry.size
        self._client_bytes[entry.client] -= entry.size
        own = self._by_client[entry.client]
        del own[key]
        if not own:
            del self._by_client[entry.client], self._client_bytes[entry.client]
        if self.backing is not None:
            self.backing.delete(key)
        if key[0] in TRUSTED_CHANNELS:
            self._gone[key] = None
            # Remember a bounded number of gone ids; beyond that an old id is simply treated as new.
            while len(self._gone) > 10 * self.max_sessions:
                self._gone.popitem(last=False)
