"""Conversation records and feedback in SQLite (WAL) under the data directory; IPs only as salted hashes."""

from __future__ import annotations

import csv
import fcntl
import hashlib
import hmac
import json
import logging
import os
import sqlite3
import string
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from bot.keys import persistent_key
from bot.records.commit import GroupCommitter
from bot.settings import Settings

log = logging.getLogger(__name__)

DB_NAME = "records.sqlite3"
SALT_NAME = "ip_salt"
PURGE_EVERY_SECONDS = 24 * 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    answer_id TEXT PRIMARY KEY,
    ts REAL NOT NULL,
    session_id TEXT,
    channel TEXT,
    client_hash TEXT,
    question TEXT NOT NULL,
    status TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    calculations TEXT NOT NULL,
    total_max_subsidy_yuan TEXT,
    latency_ms REAL,
    mode TEXT,
    fallback_reason TEXT
);
CREATE INDEX IF NOT EXISTS answers_ts ON answers(ts);
CREATE INDEX IF NOT EXISTS answers_status ON answers(status, ts);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL REFERENCES answers(answer_id) ON DELETE CASCADE,
    ts REAL NOT NULL,
    helpful INTEGER NOT NULL,
    comment TEXT
);
CREATE INDEX IF NOT EXISTS feedback_answer ON feedback(answer_id);
CREATE INDEX IF NOT EXISTS feedback_ts ON feedback(ts);
"""

EXPORT_COLUMNS = (
    "time",
    "answer_id",
    "session_id",
    "channel",
    "status",
    "mode",
    "question",
    "answer",
    "citations",
    "total_max_subsidy_yuan",
    "latency_ms",
    "feedback_helpful",
    "feedback_comment",
)


class UnknownAnswerError(KeyError):
    """Feedback named an answer_id that is not in the records."""


@dataclass(frozen=True)
class PurgeResult:
    answers: int
    feedback: int


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, timeout=10.0, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA foreign_keys=ON")
    if not readonly:
        # WAL + NORMAL: a commit is in the OS page cache before we answer, so a killed process loses
        # nothing; only a power cut could lose the last transactions, and the file never corrupts.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    return conn


class WriterLock:
    """The writer's turn: one thread of this process, and one process of those sharing the file (`serve
    --workers N`). Without the file lock a second process's BEGIN IMMEDIATE meets a busy database and SQLite
    retries after sleeps of up to 100 ms: the answers waiting on that commit waited that long (measured with two
    workers: p99 about 640 ms against 210 ms for one). flock wakes the next writer as soon as the lock is free."""

    def __init__(self, path: Path) -> None:
        self._thread = threading.Lock()
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def __enter__(self) -> WriterLock:
        self._thread.acquire()
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread.release()

    def close(self) -> None:
        os.close(self._fd)


def load_salt(settings: Settings) -> bytes:
    """Salt for IP hashes: from settings, else a random one kept in data_dir (created once, mode 0600)."""
    if settings.ip_hash_salt is not None:
        return settings.ip_hash_salt.get_secret_value().encode()
    return persistent_key(settings.data_dir, SALT_NAME)


class RecordStore:
    """Thread-safe store of questions, answers and feedback; one writer connection behind a lock."""

    dialect = "sqlite"  # SQL differences the readers must know (bot.records.console)

    def __init__(self, path: Path, salt: bytes, retention_days: int = 180) -> None:
        self.path = path
        self._salt = salt
        self.retention_days = retention_days
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = WriterLock(path.with_name(path.name + ".lock"))
        self._conn = _connect(path)
        self._conn.executescript(_SCHEMA)
        self._last_purge = 0.0
        self._committer = GroupCommitter(self._write_answers, after=self._maybe_purge)

    @classmethod
    def open(cls, settings: Settings) -> RecordStore:
        """Open (creating if needed) the SQLite store under settings.data_dir (bot.records.backends.open_records
        chooses PostgreSQL when a database_url is set)."""
        return cls(settings.data_dir / DB_NAME, load_salt(settings), settings.records_retention_days)

    def hash_client(self, address: str | None) -> str | None:
        """Keyed hash of a client address: enough to count repeat askers, useless to recover the IP."""
        if not address:
            return None
        return hmac.new(self._salt, address.encode(), hashlib.sha256).hexdigest()[:20]

    def record_answer(
        self,
        answer: dict[str, Any],
        question: str,
        *,
        latency_ms: float | None = None,
        mode: str | None = None,
        fallback_reason: str | None = None,
        channel: str | None = None,
        client: str | None = None,
    ) -> None:
        """Commit one question and its answer (Answer.to_dict() shape) before the caller replies."""
        self.submit_answer(
            answer,
            question,
            latency_ms=latency_ms,
            mode=mode,
            fallback_reason=fallback_reason,
            channel=channel,
            client=client,
        ).result()

    def submit_answer(
        self,
        answer: dict[str, Any],
        question: str,
        *,
        latency_ms: float | None = None,
        mode: str | None = None,
        fallback_reason: str | None = None,
        channel: str | None = None,
        client: str | None = None,
    ) -> Future[None]:
        """Queue one answer for the writer's next transaction; the future is done once it has committed (the
        caller replies only then), or holds the error."""
        row = answer_row(
            answer, question, self.hash_client(client), latency_ms, mode, fallback_reason, channel
        )
        return self._committer.submit(row)

    def _write_answers(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Several answers in one transaction: one commit (one WAL append) for a burst of requests."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO answers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def add_feedback(self, answer_id: str, helpful: bool, comment: str | None = None) -> int:
        """Store feedback on a recorded answer; UnknownAnswerError when the answer_id is not recorded."""
        with self._lock:
            found = self._conn.execute("SELECT 1 FROM answers WHERE answer_id=?", (answer_id,)).fetchone()
            if found is None:
                raise UnknownAnswerError(answer_id)
            cur = self._conn.execute(
                "INSERT INTO feedback(answer_id, ts, helpful, comment) VALUES (?,?,?,?)",
                (answer_id, time.time(), int(helpful), comment),
            )
        return int(cur.lastrowid or 0)

    def purge(self, older_than_days: float | None = None) -> PurgeResult:
        """Delete answers (and their feedback) older than the retention period."""
        days = self.retention_days if older_than_days is None else older_than_days
        cutoff = time.time() - days * 86400
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                fb = self._conn.execute(
                    "DELETE FROM feedback WHERE ts < ? OR answer_id IN (SELECT answer_id FROM answers WHERE ts < ?)",
                    (cutoff, cutoff),
                ).rowcount
                ans = self._conn.execute("DELETE FROM answers WHERE ts < ?", (cutoff,)).rowcount
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._last_purge = time.time()
        return PurgeResult(answers=ans, feedback=fb)

    def _maybe_purge(self) -> None:
        # Retention is enforced by the running server too, not only by a cron job someone may forget.
        if time.time() - self._last_purge > PURGE_EVERY_SECONDS:
            try:
                self.purge()
            except Exception:  # sqlite3 or psycopg: a failed clean-up must not fail the answer
                log.exception("问答记录定期清理失败")

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        # Readers get their own connection so exports never hold the writer's lock.
        conn = _connect(self.path, readonly=True)
        try:
            yield conn
        finally:
            conn.close()

    def recent(
        self, limit: int = 20, *, statuses: Iterable[str] | None = None, since_days: float | None = None
    ) -> list[dict[str, Any]]:
        """Most recent answers, newest first, each with its latest feedback (if any)."""
        where: list[str] = []
        params: list[object] = []
        if statuses:
            st = list(statuses)
            where.append(f"a.status IN ({','.join('?' * len(st))})")
            params.extend(st)
        if since_days is not None:
            where.append("a.ts >= ?")
            params.append(time.time() - since_days * 86400)
        sql = (
            "SELECT a.*, f.helpful AS feedback_helpful, f.comment AS feedback_comment FROM answers a "
            "LEFT JOIN feedback f ON f.id = (SELECT MAX(id) FROM feedback WHERE answer_id = a.answer_id)"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY a.ts DESC LIMIT ?"
        )
        return [_row_dict(r) for r in self._query(sql, [*params, limit])]

    def feedback(self, limit: int = 20) -> list[dict[str, Any]]:
        """Most recent feedback with the question and answer it refers to."""
        sql = (
            "SELECT f.ts, f.answer_id, f.helpful, f.comment, a.question, a.status FROM feedback f "
            "JOIN answers a USING(answer_id) ORDER BY f.ts DESC LIMIT ?"
        )
        return self._query(sql, (limit,))

    def get(self, answer_id: str) -> dict[str, Any] | None:
        rows = self._query("SELECT * FROM answers WHERE answer_id=?", (answer_id,))
        return _row_dict(rows[0]) if rows else None

    def answer_ids(self) -> set[str]:
        return {r["answer_id"] for r in self._query("SELECT answer_id FROM answers")}

    def counts(self) -> dict[str, int]:
        """Answers per status plus feedback totals, for `policybot log` and doctor."""
        rows = self._query("SELECT status, COUNT(*) AS n FROM answers GROUP BY status")
        out = {r["status"]: int(r["n"]) for r in rows}
        fb = self._query("SELECT COUNT(*) AS n, COALESCE(SUM(helpful), 0) AS helpful FROM feedback")[0]
        out["feedback"], out["feedback_helpful"] = int(fb["n"]), int(fb["helpful"])
        return out

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        with self._reader() as conn:
            return [dict(r) for r in conn.execute(sql, list(params)).fetchall()]

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One write on the writer connection (for tables kept beside the records); rows affected."""
        with self._lock:
            return int(self._conn.execute(sql, list(params)).rowcount)

    def integrity_check(self) -> str:
        with self._reader() as conn:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        self._committer.close()
        with self._lock:
            self._conn.close()
        self._lock.close()


def answer_row(
    answer: dict[str, Any],
    question: str,
    client_hash: str | None,
    latency_ms: float | None,
    mode: str | None,
    fallback_reason: str | None,
    channel: str | None,
) -> tuple[Any, ...]:
    """The answers-table row for one answer, in column order."""
    total = answer.get("total_max_subsidy_yuan")
    return (
        str(answer["answer_id"]),
        time.time(),
        answer.get("session_id"),
        channel,
        client_hash,
        question,
        str(answer.get("status", "")),
        str(answer.get("answer", "")),
        _json(answer.get("citations") or []),
        _json(answer.get("calculations") or []),
        None if total is None else str(total),
        latency_ms,
        mode,
        fallback_reason,
    )


def _json(value: Any) -> str:
    # orjson: a tenth of json.dumps's time on the clause quotes every answer carries; still UTF-8 text.
    return orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def _row_dict(row: Any) -> dict[str, Any]:
    d = dict(row)
    for key in ("citations", "calculations"):
        if key in d and isinstance(d[key], str):
            d[key] = json.loads(d[key])
    return d


def export_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Write answers (as from `recent`) to CSV with a fixed column order; returns the row count.

    Every cell is neutralised, not only the free-text ones: ids and labels pass through clients too."""
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    n = 0
    for r in rows:
        cites = ";".join(c.get("clause_id", "") for c in r.get("citations") or [])
        helpful = r.get("feedback_helpful")
        cells = [
            time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["ts"])),
            r["answer_id"],
            r.get("session_id") or "",
            r.get("channel") or "",
            r["status"],
            r.get("mode") or "",
            r["question"],
            r["answer"],
            cites,
            r.get("total_max_subsidy_yuan") or "",
            "" if r.get("latency_ms") is None else f"{r['latency_ms']:.1f}",
            "" if helpful is None else ("有用" if helpful else "无用"),
            r.get("feedback_comment") or "",
        ]
        writer.writerow([csv_safe(str(cell)) for cell in cells])
        n += 1
    return n


# What a spreadsheet skips or folds before it decides a cell is a formula: whitespace, zero-width and
# direction marks, and full-width forms (＝＋－＠ are read as = + - @).
_INVISIBLE = "".join(chr(c) for c in (*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070)))
_INVISIBLE += "\ufeff\u00a0\u3000"
_FORMULA_START = frozenset("=+-@")


def csv_safe(text: str) -> str:
    """A cell Excel/WPS/LibreOffice show as text, never run as a formula (CSV injection)."""
    probe = text.lstrip(string.whitespace + _INVISIBLE)
    if text[:1] in ("\t", "\r") or (probe and unicodedata.normalize("NFKC", probe[0])[:1] in _FORMULA_START):
        return "'" + text
    return text


def printable(text: str) -> str:
    """Text for a terminal: control and format characters (ESC, bidi overrides...) shown as escapes."""
    return "".join(
        ch if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf") else _escape(ch) for ch in text
    )


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
