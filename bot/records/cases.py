"""Answers marked wrong, with what they should have been, kept as regression cases in the golden format.

A case copies the question and the conversation before it (the same session's earlier questions) out of the
records, so it outlives the records' retention. Exported, each case is one JSON line like
tests/data/golden.jsonl: {"id", "category": "case", "turns": [...]}; the earlier questions are turns with
"context": true (asked, not checked), the marked one carries the expected status, citation and total.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import IO, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.records.console import Console
from bot.records.store import RecordStore

CATEGORY = "case"
# SQLite's table; PostgreSQL creates the same one in its migrations (bot.records.postgres).
_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL UNIQUE,
    ts REAL NOT NULL,
    question TEXT NOT NULL,
    context TEXT NOT NULL,
    recorded TEXT NOT NULL,
    expected TEXT NOT NULL,
    comment TEXT
);
"""


class CaseError(ValueError):
    """A mark the console cannot keep; the message is Chinese."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


class Expected(BaseModel):
    """What the answer should have been."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["answered", "need_more_info", "not_covered"] = Field(..., description="应有的状态")
    clause_id: str | None = Field(
        None, max_length=80, description="应首先引用的条款编号，可加文件编号前缀（文件编号:条款编号）"
    )
    # Any JSON value: a number, "240万", or null; read (and refused in Chinese) by parse_amount.
    amount: Any = Field(None, description="应有的补贴上限合计（元，可写“240万”）；无金额为空")


class CaseIn(BaseModel):
    """标记一条回答有误：应有的状态、条款、金额和说明。"""

    model_config = ConfigDict(extra="forbid")

    answer_id: str = Field(
        ..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="回答编号"
    )
    expected: Expected
    comment: str | None = Field(None, max_length=1000, description="说明（可选）")


def parse_amount(value: object) -> str | None:
    """Yuan as a plain decimal string ("2400000"); Chinese money text is read by the calculators' parser."""
    from calculators.money import MoneyParseError, parse_money, yuan_str

    if isinstance(value, bool) or not isinstance(value, str | int | float | None):
        raise CaseError("金额应为数字或金额文字（如 2400000、240万），不能是“是/否”")
    text = "" if value is None else str(value)
    if not text.strip():
        return None
    if len(text) > 40:
        raise CaseError("金额过长")
    raw = text.strip().replace(",", "")
    try:
        value = Decimal(raw) if raw.replace(".", "", 1).isdigit() else parse_money(raw)
    except (InvalidOperation, MoneyParseError) as exc:
        raise CaseError(f"无法读取金额“{text[:40]}”：{exc}") from None
    return yuan_str(value)


def expectation(expected: Expected, resolve: Callable[[str], Any]) -> dict[str, Any]:
    """The expected turn's checks, validated: a known clause, an amount only where an answer can carry one."""
    amount = parse_amount(expected.amount)
    if amount is not None and expected.status != "answered":
        raise CaseError("只有“已答”（answered）的回答才有金额；待补充、未覆盖的金额请留空。")
    out: dict[str, Any] = {"status": expected.status, "cite": None, "doc_id": None, "total": amount}
    if expected.clause_id and expected.clause_id.strip():
        clause = resolve(expected.clause_id.strip())
        if clause is None:
            raise CaseError(f"没有条款“{expected.clause_id[:40]}”（其他文件的条款写成 doc_id:编号）")
        if expected.status == "not_covered":
            raise CaseError("未覆盖（not_covered）的回答不引用条款，请把条款留空。")
        out.update(cite=clause.id, doc_id=clause.doc_id)
    return out


class CaseStore:
    """Cases in the records database (SQLite or PostgreSQL), beside the answers they were marked on."""

    def __init__(self, store: RecordStore, console: Console) -> None:
        self.store = store
        self.console = console
        if store.dialect == "sqlite":
            store._execute(_SQLITE_SCHEMA)  # noqa: SLF001 - a table beside the records

    def add(self, case: CaseIn, resolve: Callable[[str], Any]) -> dict[str, Any]:
        """Keep (or replace) the case for one recorded answer; CaseError (404) for an unknown answer."""
        record = self.console.answer(case.answer_id)
        if record is None:
            raise CaseError("未找到该回答编号，无法标记。", status=404)
        expected = expectation(case.expected, resolve)
        recorded = {
            "status": record["status"],
            "cite": record["clause_id"],
            "total": record["total_max_subsidy_yuan"],
        }
        context = self.console.session_before(case.answer_id)
        comment = case.comment.strip() if case.comment else None
        row = (
            case.answer_id,
            time.time(),
            record["question"],
            _dump(context),
            _dump(recorded),
            _dump(expected),
            comment,
        )
        self.store._execute(  # noqa: SLF001 - a table beside the records
            "INSERT INTO cases(answer_id, ts, question, context, recorded, expected, comment) VALUES (?,?,?,?,?,?,?) "
            "ON CONFLICT(answer_id) DO UPDATE SET ts=excluded.ts, expected=excluded.expected, "
            "comment=excluded.comment, recorded=excluded.recorded, context=excluded.context",
            row,
        )
        found = self.get_by_answer(case.answer_id)
        assert found is not None
        return found

    def _select(self, where: str = "", params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        rows = self.store._query(f"SELECT * FROM cases {where} ORDER BY id", params)  # noqa: SLF001
        return [_case(r) for r in rows]

    def list(self) -> list[dict[str, Any]]:
        return self._select()

    def get_by_answer(self, answer_id: str) -> dict[str, Any] | None:
        rows = self._select("WHERE answer_id = ?", (answer_id,))
        return rows[0] if rows else None

    def delete(self, case_id: int) -> bool:
        return self.store._execute("DELETE FROM cases WHERE id = ?", (case_id,)) > 0  # noqa: SLF001

    def export(self, out: IO[str]) -> int:
        """Write every case as one golden-format JSON line; returns how many."""
        cases = self.list()
        for case in cases:
            out.write(json.dumps(golden_item(case), ensure_ascii=False) + "\n")
        return len(cases)

    def close(self) -> None:
        """Nothing of its own to close: the records store holds the connections."""


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _case(row: dict[str, Any]) -> dict[str, Any]:
    data = dict(row)
    for key in ("context", "recorded", "expected"):
        data[key] = json.loads(data[key])
    data["marked_at"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(data.pop("ts")))
    return data


def golden_item(case: dict[str, Any]) -> dict[str, Any]:
    """One case as a golden-format conversation: the earlier questions as context, then the checked turn."""
    expected = case["expected"]
    turns: list[dict[str, Any]] = [{"q": q, "context": True} for q in case["context"]]
    turns.append(
        {
            "q": case["question"],
            "status": expected["status"],
            "cite": expected["cite"],
            "total": expected["total"],
        }
    )
    source = {k: case[k] for k in ("answer_id", "marked_at", "comment", "recorded")}
    return {"id": f"case-{case['answer_id'][:12]}", "category": CATEGORY, "source": source, "turns": turns}


def check_case(item: dict[str, Any], ask: Callable[[str, str | None], dict[str, Any]]) -> list[str]:
    """Ask a case's turns in one fresh conversation; the problems of its checked turns ([] when right)."""
    from bot.evaluate import check_turn

    problems: list[str] = []
    session: str | None = None
    for turn in item["turns"]:
        data = ask(turn["q"], session)
        session = data.get("session_id") or session
        if turn.get("context"):
            continue
        found, overstated = check_turn(turn, data)
        problems += [f"{item['id']} {turn['q']!r}: {p}" for p in found]
        if overstated:
            problems.append(f"{item['id']} {turn['q']!r}: 金额高于应有的 {turn.get('total')}")
    return problems


def open_cases(store: Any, console: Console) -> CaseStore:
    """The case store for this records store (its own `cases()` when it has one)."""
    own = getattr(store, "cases", None)
    if callable(own):
        return own()  # type: ignore[no-any-return]
    return CaseStore(store, console)
