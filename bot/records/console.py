"""What the policy office's console reads from the records: questions per day, answers by status and mode,
LLM fallbacks, top clauses and calculators, median latency, and the questions the assistant fell short on.

`open_console(store)` picks the implementation for the configured records store: a store that offers its
own `console()` answers with it; SQLite and PostgreSQL are read here with the same queries, through the
store's own reads (SQLite's read-only connections never block the writer), only the calendar day differs.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal, Protocol

from bot.records.store import RecordStore

ListKind = Literal["not_covered", "need_more_info", "negative", "all"]
STATUSES = ("answered", "need_more_info", "not_covered")
TOP = 10


@dataclass(frozen=True)
class Window:
    """Local calendar days from `since` to `until`, both included; open ends are unbounded."""

    since: date | None = None
    until: date | None = None

    def bounds(self) -> tuple[float, float]:
        start = time.mktime(self.since.timetuple()) if self.since else 0.0
        end = time.mktime((self.until + timedelta(days=1)).timetuple()) if self.until else 1e12
        return start, end


class Console(Protocol):
    """The console's reads and the cases it keeps, whatever the records backend."""

    def summary(self, window: Window) -> dict[str, Any]: ...

    def questions(
        self, kind: ListKind, window: Window, search: str | None = None, limit: int = 50, offset: int = 0
    ) -> dict[str, Any]: ...

    def answer(self, answer_id: str) -> dict[str, Any] | None: ...

    def session_before(self, answer_id: str, limit: int = 10) -> list[str]: ...


def open_console(store: Any) -> Console:
    """The console for this records store."""
    own = getattr(store, "console", None)
    if callable(own):
        return own()  # type: ignore[no-any-return]
    if isinstance(store, RecordStore):
        return RecordsConsole(store)
    raise TypeError(f"不支持的问答记录存储：{type(store).__name__}")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _keys(rows: Iterable[Any], column: str, field: str) -> Counter[str]:
    """How many answers name each value of `field` in their JSON `column` (each answer counted once)."""
    counts: Counter[str] = Counter()
    for row in rows:
        try:
            items = json.loads(row[column] or "[]")
        except ValueError:
            continue
        counts.update({_key(item, field) for item in items if isinstance(item, dict) and item.get(field)})
    return counts


def _key(item: dict[str, Any], field: str) -> str:
    doc = item.get("doc_id")
    return f"{doc}:{item[field]}" if field == "clause_id" and doc else str(item[field])


def _day(store: RecordStore) -> tuple[str, list[Any]]:
    """SQL for an answer's calendar day in the server's local time (as `policybot log` shows), and its params."""
    if (
        store.dialect == "postgresql"
    ):  # PostgreSQL's session time zone need not be the server's: shift by hand
        return "to_char(to_timestamp(a.ts + ?) AT TIME ZONE 'UTC', 'YYYY-MM-DD')", [
            time.localtime().tm_gmtoff
        ]
    return "date(a.ts, 'unixepoch', 'localtime')", []


class RecordsConsole:
    """The console over the records store, SQLite or PostgreSQL (the store's reads, rows as dicts)."""

    def __init__(self, store: RecordStore) -> None:
        self.store = store

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return self.store._query(sql, params)  # noqa: SLF001 - the store's read path, either backend

    def summary(self, window: Window) -> dict[str, Any]:
        start, end = window.bounds()
        scope: tuple[str, list[Any]] = ("a.ts >= ? AND a.ts < ?", [start, end])
        return {
            "since": window.since.isoformat() if window.since else None,
            "until": window.until.isoformat() if window.until else None,
            **self._counts(scope, window),
            **self._tops(scope),
            "median_latency_ms": self._median_latency(scope),
            "feedback": self._feedback(scope),
        }

    def _counts(self, scope: tuple[str, list[Any]], window: Window) -> dict[str, Any]:
        where, params = scope
        day, day_params = _day(self.store)
        per_day = self._rows(
            f"SELECT {day} AS day, COUNT(*) AS n FROM answers a WHERE {where} GROUP BY 1", day_params + params
        )
        status = {
            r["status"]: r["n"]
            for r in self._rows(
                f"SELECT status, COUNT(*) AS n FROM answers a WHERE {where} GROUP BY 1", params
            )
        }
        modes = self._rows(
            f"SELECT COALESCE(mode, '') AS mode, COUNT(*) AS n FROM answers a WHERE {where} GROUP BY 1",
            params,
        )
        reasons = self._rows(
            "SELECT fallback_reason AS reason, COUNT(*) AS n FROM answers a "
            f"WHERE {where} AND fallback_reason IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1",
            params,
        )
        return {
            "questions": sum(int(n) for n in status.values()),
            "per_day": _fill_days([(r["day"], r["n"]) for r in per_day], window),
            "by_status": {s: int(status.get(s, 0)) for s in STATUSES}
            | {k: int(v) for k, v in status.items() if k not in STATUSES},
            "by_mode": {(r["mode"] or "unknown"): int(r["n"]) for r in modes},
            "llm_fallbacks": sum(int(r["n"]) for r in reasons),
            "fallback_reasons": [{"reason": r["reason"], "answers": int(r["n"])} for r in reasons[:TOP]],
        }

    def _tops(self, scope: tuple[str, list[Any]]) -> dict[str, Any]:
        where, params = scope
        rows = self._rows(f"SELECT citations, calculations FROM answers a WHERE {where}", params)
        return {
            "top_clauses": _top(_keys(rows, "citations", "clause_id"), "clause"),
            "top_calculators": _top(_keys(rows, "calculations", "tool"), "tool"),
        }

    def _median_latency(self, scope: tuple[str, list[Any]]) -> float | None:
        where, params = scope
        sql = f"SELECT latency_ms FROM answers a WHERE {where} AND latency_ms IS NOT NULL"
        values = [float(r["latency_ms"]) for r in self._rows(sql, params)]
        return round(statistics.median(values), 1) if values else None

    def _feedback(self, scope: tuple[str, list[Any]]) -> dict[str, int]:
        where, params = scope
        sql = (
            "SELECT f.helpful AS helpful, COUNT(*) AS n FROM feedback f JOIN answers a USING(answer_id) "
            f"WHERE {where} GROUP BY 1"
        )
        rows = self._rows(sql, params)
        return {"helpful": _count(rows, 1), "unhelpful": _count(rows, 0)}

    def questions(
        self, kind: ListKind, window: Window, search: str | None = None, limit: int = 50, offset: int = 0
    ) -> dict[str, Any]:
        start, end = window.bounds()
        where: list[str] = ["a.ts >= ?", "a.ts < ?"]
        params: list[Any] = [start, end]
        if kind in ("not_covered", "need_more_info"):
            where.append("a.status = ?")
            params.append(kind)
        elif kind == "negative":
            where.append(
                "EXISTS (SELECT 1 FROM feedback n WHERE n.answer_id = a.answer_id AND n.helpful = 0)"
            )
        if search and search.strip():
            where.append(
                "(a.question LIKE ? ESCAPE '\\' OR a.answer LIKE ? ESCAPE '\\' OR EXISTS "
                "(SELECT 1 FROM feedback s WHERE s.answer_id = a.answer_id AND s.comment LIKE ? ESCAPE '\\'))"
            )
            params += [_like(search.strip())] * 3
        clause = " WHERE " + " AND ".join(where)
        total = int(self._rows("SELECT COUNT(*) AS n FROM answers a" + clause, params)[0]["n"])
        sql = (
            "SELECT a.*, f.helpful AS feedback_helpful, f.comment AS feedback_comment FROM answers a "
            "LEFT JOIN feedback f ON f.id = (SELECT MAX(id) FROM feedback WHERE answer_id = a.answer_id)"
            f"{clause} ORDER BY a.ts DESC LIMIT ? OFFSET ?"
        )
        rows = self._rows(sql, [*params, limit, offset])
        return {"kind": kind, "total": total, "offset": offset, "rows": [_row(r) for r in rows]}

    def answer(self, answer_id: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM answers a WHERE answer_id = ?", [answer_id])
        return _row(rows[0], full=True) if rows else None

    def session_before(self, answer_id: str, limit: int = 10) -> list[str]:
        """The questions asked earlier in the same conversation (oldest first): the context of a case."""
        sql = (
            "SELECT b.question FROM answers a JOIN answers b ON b.session_id = a.session_id AND b.ts < a.ts "
            "WHERE a.answer_id = ? AND COALESCE(a.session_id, '') != '' ORDER BY b.ts DESC LIMIT ?"
        )
        return [r["question"] for r in reversed(self._rows(sql, [answer_id, limit]))]


def _count(rows: list[dict[str, Any]], helpful: int) -> int:
    return sum(int(r["n"]) for r in rows if int(r["helpful"]) == helpful)


def _top(counts: Counter[str], name: str) -> list[dict[str, Any]]:
    return [
        {name: key, "answers": n} for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    ]


def _fill_days(rows: list[tuple[str, int]], window: Window) -> list[dict[str, Any]]:
    """One entry per day from the first to the last day of the window (or of the data), zeros included."""
    counts = {day: int(n) for day, n in rows}
    days = sorted(counts)
    first = window.since or (date.fromisoformat(days[0]) if days else None)
    last = window.until or (date.fromisoformat(days[-1]) if days else None)
    if first is None or last is None or (last - first).days > 3660:
        return [{"date": d, "questions": counts[d]} for d in days]
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [{"date": d.isoformat(), "questions": counts.get(d.isoformat(), 0)} for d in span]


def _row(row: Any, full: bool = False) -> dict[str, Any]:
    data = dict(row)
    citations = json.loads(data.get("citations") or "[]")
    calculations = json.loads(data.get("calculations") or "[]")
    out = {
        "answer_id": data["answer_id"],
        "time": datetime.fromtimestamp(data["ts"]).isoformat(timespec="seconds"),
        "session_id": data.get("session_id"),
        "channel": data.get("channel"),
        "question": data["question"],
        "status": data["status"],
        "mode": data.get("mode"),
        "fallback_reason": data.get("fallback_reason"),
        "clause_id": citations[0].get("clause_id") if citations else None,
        "doc_id": citations[0].get("doc_id") if citations else None,
        "tools": [c.get("tool") for c in calculations if c.get("tool")],
        "total_max_subsidy_yuan": data.get("total_max_subsidy_yuan"),
        "latency_ms": data.get("latency_ms"),
        "answer": data["answer"],
        "feedback_helpful": None if data.get("feedback_helpful") is None else bool(data["feedback_helpful"]),
        "feedback_comment": data.get("feedback_comment"),
    }
    if full:
        out["citations"], out["calculations"] = citations, calculations
    return out
