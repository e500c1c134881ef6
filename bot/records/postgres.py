"""Conversation records and feedback in PostgreSQL (psycopg 3), shared by every instance: the same rows,
queries and guarantees as the SQLite store (bot.records.store). A commit returns once PostgreSQL has the
row on disk (synchronous_commit), so an answer the client got survives kill -9 of any instance."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from concurrent.futures import Future
from typing import Any, cast

from bot.records.store import PurgeResult, RecordStore, UnknownAnswerError, answer_row
from bot.settings import Settings

log = logging.getLogger(__name__)

# Each entry upgrades the schema by one version; applied in order, inside one transaction, at start-up.
MIGRATIONS = (
    """
    CREATE TABLE IF NOT EXISTS answers (
        answer_id TEXT PRIMARY KEY,
        ts DOUBLE PRECISION NOT NULL,
        session_id TEXT,
        channel TEXT,
        client_hash TEXT,
        question TEXT NOT NULL,
        status TEXT NOT NULL,
        answer TEXT NOT NULL,
        citations TEXT NOT NULL,
        calculations TEXT NOT NULL,
        total_max_subsidy_yuan TEXT,
        latency_ms DOUBLE PRECISION,
        mode TEXT,
        fallback_reason TEXT
    );
    CREATE INDEX IF NOT EXISTS answers_ts ON answers(ts);
    CREATE INDEX IF NOT EXISTS answers_status ON answers(status, ts);
    CREATE TABLE IF NOT EXISTS feedback (
        id BIGSERIAL PRIMARY KEY,
        answer_id TEXT NOT NULL REFERENCES answers(answer_id) ON DELETE CASCADE,
        ts DOUBLE PRECISION NOT NULL,
        helpful INTEGER NOT NULL,
        comment TEXT
    );
    CREATE INDEX IF NOT EXISTS feedback_answer ON feedback(answer_id);
    CREATE INDEX IF NOT EXISTS feedback_ts ON feedback(ts);
    """,
    # Answers the policy office marked wrong, kept as regression cases (bot.records.cases).
    """
    CREATE TABLE IF NOT EXISTS cases (
        id BIGSERIAL PRIMARY KEY,
        answer_id TEXT NOT NULL UNIQUE,
        ts DOUBLE PRECISION NOT NULL,
        question TEXT NOT NULL,
        context TEXT NOT NULL,
        recorded TEXT NOT NULL,
        expected TEXT NOT NULL,
        comment TEXT
    );
    """,
)

_UPSERT = (
    "INSERT INTO answers VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (answer_id) DO UPDATE SET "
    + ", ".join(
        f"{c} = EXCLUDED.{c}"
        for c in (
            "ts session_id channel client_hash question status answer citations calculations "
            "total_max_subsidy_yuan latency_ms mode fallback_reason"
        ).split()
    )
)


def migrate(conn: Any) -> int:
    """Bring the schema up to date (idempotent, safe when several instances start at once); its version."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(7131)")  # one migrator at a time
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT max(version) AS v FROM schema_version").fetchone()
        current = int(row["v"] or 0)
        for version, sql in enumerate(MIGRATIONS[current:], start=current + 1):
            conn.execute(sql)
            conn.execute("INSERT INTO schema_version VALUES (%s)", (version,))
    return len(MIGRATIONS)


class PostgresRecordStore(RecordStore):
    """RecordStore over a psycopg connection pool; reads and writes share it, each in its own transaction."""

    dialect = "postgresql"

    def __init__(self, url: str, salt: bytes, retention_days: int = 180, pool_size: int = 8) -> None:
        try:
            from psycopg.rows import dict_row
            from psycopg_pool import ConnectionPool
        except ImportError as exc:
            raise RuntimeError(
                "设置了 POLICYBOT_DATABASE_URL，但未安装 psycopg：pip install 'policybot[scale]'"
            ) from exc

        self.url = url
        self.path = None  # type: ignore[assignment]
        self._salt = salt
        self.retention_days = retention_days
        self._last_purge = 0.0
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={"row_factory": dict_row, "autocommit": True},
            open=True,
        )
        with self._pool.connection() as conn:
            migrate(conn)

    @classmethod
    def open(cls, settings: Settings) -> RecordStore:
        from bot.records.store import load_salt

        assert settings.database_url is not None
        return cls(
            settings.database_url.get_secret_value(), load_salt(settings), settings.records_retention_days
        )

    def submit_answer(self, answer: dict[str, Any], question: str, **details: Any) -> Future[None]:
        """Written at once on a pooled connection (the pool already runs several writes side by side)."""
        row = answer_row(
            answer,
            question,
            self.hash_client(details.get("client")),
            details.get("latency_ms"),
            details.get("mode"),
            details.get("fallback_reason"),
            details.get("channel"),
        )
        with self._pool.connection() as conn:
            conn.execute(_UPSERT, row)
        self._maybe_purge()
        done: Future[None] = Future()
        done.set_result(None)
        return done

    def add_feedback(self, answer_id: str, helpful: bool, comment: str | None = None) -> int:
        with self._pool.connection() as conn, conn.transaction():
            if conn.execute("SELECT 1 FROM answers WHERE answer_id=%s", (answer_id,)).fetchone() is None:
                raise UnknownAnswerError(answer_id)
            row = conn.execute(
                "INSERT INTO feedback(answer_id, ts, helpful, comment) VALUES (%s,%s,%s,%s) RETURNING id",
                (answer_id, time.time(), int(helpful), comment),
            ).fetchone()
        return int(cast(dict[str, Any], row)["id"])

    def purge(self, older_than_days: float | None = None) -> PurgeResult:
        days = self.retention_days if older_than_days is None else older_than_days
        cutoff = time.time() - days * 86400
        with self._pool.connection() as conn, conn.transaction():
            fb = conn.execute(
                "DELETE FROM feedback WHERE ts < %s OR answer_id IN (SELECT answer_id FROM answers WHERE ts < %s)",
                (cutoff, cutoff),
            ).rowcount
            ans = conn.execute("DELETE FROM answers WHERE ts < %s", (cutoff,)).rowcount
        self._last_purge = time.time()
        return PurgeResult(answers=ans, feedback=fb)

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        with self._pool.connection() as conn:
            return cast(list[dict[str, Any]], conn.execute(sql.replace("?", "%s"), list(params)).fetchall())

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        with self._pool.connection() as conn:
            return int(conn.execute(sql.replace("?", "%s"), list(params)).rowcount)

    def integrity_check(self) -> str:
        self._query("SELECT 1")
        return "ok"

    def close(self) -> None:
        self._pool.close()


__all__ = ["PostgresRecordStore", "PurgeResult", "answer_row", "migrate"]
