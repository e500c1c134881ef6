"""The persisted copy of in-process sessions: one SQLite row per live session next to the records, written
after each turn, read when a restarted process meets an id it does not hold."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from bot.sessions.codec import SessionDecodeError, decode_session, encode_session
from bot.sessions.store import Session

log = logging.getLogger(__name__)

DB_NAME = "sessions.sqlite3"
# Rows idle for longer than this many TTLs are deleted, so the file stays about as large as the live set.
SWEEP_EVERY_SECONDS = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    channel TEXT NOT NULL,
    id TEXT NOT NULL,
    saved REAL NOT NULL,
    state BLOB NOT NULL,
    PRIMARY KEY (channel, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_saved ON sessions(saved);
"""


class SessionSnapshots:
    """Save, load and delete session snapshots; failures are logged, never raised to the conversation."""

    def __init__(self, path: Path, ttl_seconds: float) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.ttl_seconds = ttl_seconds
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10.0)
        # Losing the last few turns on a power cut is acceptable for a conversation; fsync per turn is not.
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=OFF")
        self._conn.executescript(_SCHEMA)
        self._last_sweep = 0.0

    def save(self, key: tuple[str, str], session: Session) -> None:
        now = time.time()
        try:
            state = encode_session(session)
            with self._lock:
                self._conn.execute("INSERT OR REPLACE INTO sessions VALUES (?,?,?,?)", (*key, now, state))
                if now - self._last_sweep > SWEEP_EVERY_SECONDS:
                    self._conn.execute("DELETE FROM sessions WHERE saved < ?", (now - self.ttl_seconds,))
                    self._last_sweep = now
        except (sqlite3.Error, TypeError) as exc:
            log.warning("会话未能保存（重启后此会话将过期）：%s", exc)

    def load(self, key: tuple[str, str], ttl_seconds: float) -> tuple[bool, Session | None]:
        """(whether a row existed, the session when it is still live and readable)."""
        try:
            with self._lock:
                row = self._conn.execute(
                    "SELECT saved, state FROM sessions WHERE channel=? AND id=?", key
                ).fetchone()
        except sqlite3.Error as exc:
            log.warning("会话读取失败：%s", exc)
            return False, None
        if row is None:
            return False, None
        if time.time() - row[0] > ttl_seconds:
            return True, None
        try:
            return True, decode_session(row[1], last_seen=0.0)
        except SessionDecodeError as exc:
            log.warning("会话数据无法读取，按新会话处理：%s", exc)
            return True, None

    def delete(self, key: tuple[str, str]) -> None:
        try:
            with self._lock:
                self._conn.execute("DELETE FROM sessions WHERE channel=? AND id=?", key)
        except sqlite3.Error as exc:
            log.warning("会话删除失败：%s", exc)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
