"""The console and its cases on both records back-ends: the figures equal counts taken straight from the
database (sqlite3 or psycopg, not the store), the lists filter by date and search words (wildcards taken
literally), and cases are kept, replaced, exported and deleted the same way."""

from __future__ import annotations

import io
import json
import sqlite3
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.records.backends import open_records
from bot.records.cases import CaseIn, open_cases
from bot.records.console import Window, open_console
from bot.records.store import RecordStore
from bot.settings import Settings

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path: Path) -> Iterator[tuple[RecordStore, Any]]:  # type: ignore[no-untyped-def]
    """The store, and a function running SQL on the database itself."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    settings = Settings(data_dir=tmp_path / "data", embedding_model=None, llm_base_url=None, database_url=url)
    store = open_records(settings)
    if url:
        import psycopg

        conn: Any = psycopg.connect(url, autocommit=True)
        raw = lambda sql, p=(): conn.execute(sql.replace("?", "%s"), p).fetchone()[0]  # noqa: E731
    else:
        conn = sqlite3.connect(settings.data_dir / "records.sqlite3")
        raw = lambda sql, p=(): conn.execute(sql, p).fetchone()[0]  # noqa: E731
    yield store, raw
    conn.close()
    store.close()


def _answer(
    answer_id: str, status: str, clause: str | None = None, tool: str | None = None
) -> dict[str, Any]:
    return {
        "answer_id": answer_id,
        "session_id": "s1",
        "status": status,
        "answer": f"答复 {answer_id}",
        "citations": [{"clause_id": clause, "doc_id": "doc-a", "title": "t", "quote": "q"}] if clause else [],
        "calculations": [{"tool": tool, "clause_id": clause}] if tool else [],
        "total_max_subsidy_yuan": Decimal("2400000") if tool else None,
    }


def _seed(store: RecordStore) -> None:
    rows = [
        ("y1", "not_covered", "昨天的问题", None, None, "deterministic", None, YESTERDAY),
        ("t1", "answered", "流片800万能补多少", "c3", "rule_x", "llm", None, TODAY),
        ("t2", "not_covered", "打100%_折扣吗", None, None, "deterministic", "timeout", TODAY),
        ("t3", "need_more_info", "流片能补多少", "c3", None, "deterministic", None, TODAY),
    ]
    for n, (aid, status, question, clause, tool, mode, fallback, day) in enumerate(rows):
        store.record_answer(
            _answer(aid, status, clause, tool),
            question,
            latency_ms=10.0 * (n + 1),
            mode=mode,
            fallback_reason=fallback,
        )
        noon = time.mktime(day.timetuple()) + 12 * 3600 + n
        store._execute("UPDATE answers SET ts = ? WHERE answer_id = ?", (noon, aid))  # noqa: SLF001
    store.add_feedback("t1", False, "金额不对")
    store.add_feedback("t3", True)


def test_console_figures_equal_the_database_counts(backend) -> None:  # type: ignore[no-untyped-def]
    store, raw = backend
    _seed(store)
    console = open_console(store)
    stats = console.summary(Window(YESTERDAY, TODAY))
    start = time.mktime(YESTERDAY.timetuple())
    count = lambda where, *p: raw(f"SELECT COUNT(*) FROM answers WHERE ts >= ? AND {where}", (start, *p))  # noqa: E731
    assert stats["questions"] == count("1=1") == 4
    assert stats["by_status"] == {
        s: count("status = ?", s) for s in ("answered", "need_more_info", "not_covered")
    }
    assert stats["by_mode"] == {m: count("mode = ?", m) for m in ("deterministic", "llm")}
    assert stats["llm_fallbacks"] == count("fallback_reason IS NOT NULL") == 1
    assert stats["per_day"] == [
        {"date": YESTERDAY.isoformat(), "questions": 1},
        {"date": TODAY.isoformat(), "questions": count("ts >= ?", time.mktime(TODAY.timetuple()))},
    ]
    helpful = raw("SELECT COUNT(*) FROM feedback WHERE helpful = 1")
    assert stats["feedback"] == {
        "helpful": helpful,
        "unhelpful": raw("SELECT COUNT(*) FROM feedback") - helpful,
    }
    assert stats["top_clauses"] == [{"clause": "doc-a:c3", "answers": 2}]
    assert stats["top_calculators"] == [{"tool": "rule_x", "answers": 1}]
    assert stats["median_latency_ms"] == 25.0  # 10, 20, 30, 40
    assert console.summary(Window(TODAY, TODAY))["questions"] == 3


def test_lists_filter_by_date_and_search_words_literally(backend) -> None:  # type: ignore[no-untyped-def]
    store, _ = backend
    _seed(store)
    console = open_console(store)
    ids = lambda kind, win, q=None: [r["answer_id"] for r in console.questions(kind, win, q)["rows"]]  # noqa: E731
    assert ids("not_covered", Window()) == ["t2", "y1"]  # newest first
    assert ids("not_covered", Window(TODAY, TODAY)) == ["t2"]
    assert ids("need_more_info", Window()) == ["t3"]
    assert ids("negative", Window()) == ["t1"]
    assert ids("all", Window(), "100%_") == ["t2"] and ids("all", Window(), "0%") == ["t2"]
    assert ids("all", Window(), "%") == ["t2"] and ids("all", Window(), "_") == ["t2"]
    assert ids("all", Window(), "金额不对") == ["t1"]  # the feedback comment is searched too
    listed = console.questions("negative", Window())["rows"][0]
    assert (listed["feedback_helpful"], listed["feedback_comment"], listed["clause_id"]) == (
        False,
        "金额不对",
        "c3",
    )
    assert console.session_before("t3") == ["昨天的问题", "流片800万能补多少", "打100%_折扣吗"]


def test_cases_are_kept_replaced_exported_and_deleted(backend) -> None:  # type: ignore[no-untyped-def]
    store, raw = backend
    _seed(store)
    cases = open_cases(store, open_console(store))
    clause = SimpleNamespace(id="c3", doc_id="doc-a")
    resolve = lambda key: clause if key == "c3" else None  # noqa: E731
    body = {"answer_id": "t1", "expected": {"status": "answered", "clause_id": "c3", "amount": "300万"}}
    first = cases.add(CaseIn.model_validate(body), resolve)
    again = cases.add(CaseIn.model_validate({**body, "comment": "应为300万"}), resolve)
    assert again["id"] == first["id"] and raw("SELECT COUNT(*) FROM cases") == 1
    out = io.StringIO()
    assert cases.export(out) == 1
    item = json.loads(out.getvalue())
    assert item["category"] == "case" and item["turns"][-1] == {
        "q": "流片800万能补多少",
        "status": "answered",
        "cite": "c3",
        "total": "3000000",
    }
    assert [t["q"] for t in item["turns"] if t.get("context")] == ["昨天的问题"]
    assert cases.delete(first["id"]) and not cases.delete(first["id"]) and cases.list() == []


def test_the_console_api_reads_the_configured_backend(engine, backend, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from bot.engine import Engine
    from bot.http.app import create_app

    store, raw = backend
    url = getattr(store, "url", None)
    token = "console-backend-token-0123456789"
    settings = Settings(
        data_dir=tmp_path / "data",
        embedding_model=None,
        llm_base_url=None,
        database_url=url,
        admin_token=token,
        rate_limit_per_minute=0,
    )
    auth = {"authorization": f"Bearer {token}"}
    with TestClient(create_app(settings, Engine(settings, engine.corpus, engine.retriever))) as client:
        asked = [
            client.post("/v1/chat", json={"message": q}).json() for q in ("帮我写一首诗", "EDA工具补贴多少")
        ]
        stats = client.get("/v1/admin/stats", headers=auth).json()
        assert stats["questions"] == raw("SELECT COUNT(*) FROM answers") == 2
        assert stats["by_status"]["not_covered"] == raw(
            "SELECT COUNT(*) FROM answers WHERE status = 'not_covered'"
        )
        mark = {
            "answer_id": asked[0]["answer_id"],
            "expected": {"status": "not_covered"},
            "comment": "范围外",
        }
        assert client.post("/v1/admin/cases", headers=auth, json=mark).status_code == 200
        exported = client.get("/v1/admin/cases/export", headers=auth)
        assert exported.status_code == 200 and json.loads(exported.text.splitlines()[0])["turns"][-1] == {
            "q": "帮我写一首诗",
            "status": "not_covered",
            "cite": None,
            "total": None,
        }
    assert raw("SELECT COUNT(*) FROM cases") == 1
