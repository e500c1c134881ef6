"""The policy office's console under /v1/admin: every figure equals a count taken directly from the records
database; lists filter by date and search; marking an answer wrong keeps a case; tokens and ids untrusted."""

from __future__ import annotations

import json
import random
import sqlite3
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.http.app import create_app
from bot.records.backends import open_records
from bot.records.console import RecordsConsole, open_console
from bot.records.store import RecordStore
from bot.settings import Settings
from tests.reliability.fakes import FakeEngine

TOKEN = "console-admin-token-0123456789"
AUTH = {"authorization": "Bearer " + TOKEN}
OUTSIDE = ("203.0.113.30", 50000)
CLAUSES = [
    ("hzgx-2024-7", "m3"),
    ("hzgx-2024-7", "m2"),
    ("hzgx-2024-7", "m17"),
    ("hzgx-2024-7", "a2"),
    ("other-doc", "m3"),
]
TOOLS = ["first_tapeout_subsidy", "eda_purchase_subsidy", "lpr_interest_subsidy", "talent_award"]
QUESTIONS = [
    "首次流片 800 万能补多少",
    "EDA 工具补贴怎么算",
    "贷款贴息",
    "杭州明天下雨吗",
    "100%_的补贴？",
    "人才奖励",
]
DAYS = 12


def _answer(rng: random.Random, status: str) -> dict[str, Any]:
    cited = rng.sample(CLAUSES, rng.randint(0, 3)) if status != "not_covered" else []
    tools = rng.sample(TOOLS, rng.randint(0, 2)) if status == "answered" else []
    return {
        "answer_id": uuid.uuid4().hex,
        "session_id": f"s{rng.randint(1, 15)}",
        "status": status,
        "answer": rng.choice(["最高 240 万元", "请补充金额", "不在范围内"]),
        "citations": [{"clause_id": c, "doc_id": d, "title": "", "quote": ""} for d, c in cited],
        "calculations": [{"tool": t, "max_subsidy_yuan": "1"} for t in tools],
        "total_max_subsidy_yuan": "2400000" if tools else None,
    }


def populate(store: RecordStore, n: int = 240, seed: int = 7) -> list[str]:
    """n answers spread over DAYS days (some at midnight edges), varied status, mode, latency and feedback."""
    rng = random.Random(seed)
    today = datetime.combine(date.today(), datetime.min.time())
    ids = []
    for _ in range(n):
        status = rng.choice(["answered", "answered", "need_more_info", "not_covered"])
        ans = _answer(rng, status)
        mode = rng.choice(["deterministic", "deterministic", "llm"])
        reason = rng.choice([None, None, "timeout", "bad_numbers"]) if mode == "deterministic" else None
        latency = None if rng.random() < 0.05 else round(rng.uniform(1, 900), 3)
        store.record_answer(ans, rng.choice(QUESTIONS), latency_ms=latency, mode=mode, fallback_reason=reason)
        when = today - timedelta(days=rng.randint(0, DAYS - 1), seconds=rng.choice([0, 1, 3600, 86399]))
        with sqlite3.connect(store.path) as conn:
            conn.execute("UPDATE answers SET ts=? WHERE answer_id=?", (when.timestamp(), ans["answer_id"]))
        for _ in range(rng.choice([0, 0, 1, 2])):
            store.add_feedback(
                ans["answer_id"], rng.random() < 0.4, rng.choice([None, "金额不对", "没答到点子上"])
            )
        ids.append(ans["answer_id"])
    return ids


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    s = Settings(**{**settings.model_dump(), "admin_token": TOKEN, "serve_ui": False})
    populate(open_records(s))
    with TestClient(create_app(s, engine=FakeEngine()), client=OUTSIDE) as c:
        yield c


def db(c: TestClient) -> sqlite3.Connection:
    conn = sqlite3.connect(c.app.state.records.path)  # type: ignore[attr-defined]
    return conn


def bounds(since: date | None, until: date | None) -> tuple[float, float]:
    start = time.mktime(since.timetuple()) if since else 0.0
    end = time.mktime((until + timedelta(days=1)).timetuple()) if until else 1e12
    return start, end


def direct(conn: sqlite3.Connection, since: date | None, until: date | None) -> dict[str, Any]:
    """The console's figures, counted in SQL straight from the records database."""
    w = "ts >= :a AND ts < :b"
    aw = "a.ts >= :a AND a.ts < :b"
    p = dict(zip(("a", "b"), bounds(since, until), strict=True))
    one = lambda sql: conn.execute(sql, p).fetchone()[0]  # noqa: E731
    count_latency = f"(SELECT COUNT(*) FROM answers WHERE {w} AND latency_ms IS NOT NULL)"
    median = one(
        f"SELECT AVG(latency_ms) FROM (SELECT latency_ms FROM answers WHERE {w} AND latency_ms IS NOT NULL "
        f"ORDER BY latency_ms LIMIT 2 - {count_latency} % 2 OFFSET ({count_latency} - 1) / 2)"
    )
    top = (
        "SELECT {key}, COUNT(DISTINCT a.answer_id) AS n FROM answers a, json_each(a.{col}) j "
        f"WHERE {aw} GROUP BY 1 ORDER BY n DESC, 1 LIMIT 10"
    )
    clause_key = "CASE WHEN json_extract(j.value,'$.doc_id') != '' THEN json_extract(j.value,'$.doc_id') || ':' END || json_extract(j.value,'$.clause_id')"
    return {
        "questions": one(f"SELECT COUNT(*) FROM answers WHERE {w}"),
        "per_day": conn.execute(
            f"SELECT date(ts,'unixepoch','localtime'), COUNT(*) FROM answers WHERE {w} GROUP BY 1 ORDER BY 1",
            p,
        ).fetchall(),
        "by_status": dict(
            conn.execute(f"SELECT status, COUNT(*) FROM answers WHERE {w} GROUP BY 1", p).fetchall()
        ),
        "by_mode": dict(
            conn.execute(f"SELECT mode, COUNT(*) FROM answers WHERE {w} GROUP BY 1", p).fetchall()
        ),
        "llm_fallbacks": one(f"SELECT COUNT(*) FROM answers WHERE {w} AND fallback_reason IS NOT NULL"),
        "top_clauses": conn.execute(top.format(key=clause_key, col="citations"), p).fetchall(),
        "top_calculators": conn.execute(
            top.format(key="json_extract(j.value,'$.tool')", col="calculations"), p
        ).fetchall(),
        "median_latency_ms": None if median is None else round(median, 1),
        "unhelpful": one(
            f"SELECT COUNT(*) FROM feedback f JOIN answers a USING(answer_id) WHERE {aw} AND helpful=0"
        ),
        "helpful": one(
            f"SELECT COUNT(*) FROM feedback f JOIN answers a USING(answer_id) WHERE {aw} AND helpful=1"
        ),
        "negative": one(
            f"SELECT COUNT(DISTINCT answer_id) FROM feedback WHERE helpful=0 AND answer_id IN (SELECT answer_id FROM answers WHERE {w})"
        ),
        "not_covered": one(f"SELECT COUNT(*) FROM answers WHERE {w} AND status='not_covered'"),
        "need_more_info": one(f"SELECT COUNT(*) FROM answers WHERE {w} AND status='need_more_info'"),
    }


WINDOWS = [
    (None, None),
    (date.today() - timedelta(days=4), date.today() - timedelta(days=1)),
    (date.today(), date.today()),
    (date.today() - timedelta(days=40), date.today() - timedelta(days=30)),  # no data
]


@pytest.mark.parametrize(("since", "until"), WINDOWS)
def test_figures_equal_direct_counts_from_the_records_database(
    client: TestClient, since: date | None, until: date | None
) -> None:
    params = {k: v.isoformat() for k, v in (("since", since), ("until", until)) if v}
    stats = client.get("/v1/admin/stats", params=params, headers=AUTH).json()
    want = direct(db(client), since, until)
    assert stats["questions"] == want["questions"]
    assert [(d["date"], d["questions"]) for d in stats["per_day"] if d["questions"]] == want["per_day"]
    assert sum(d["questions"] for d in stats["per_day"]) == want["questions"]
    assert {k: v for k, v in stats["by_status"].items() if v} == want["by_status"]
    assert stats["by_mode"] == want["by_mode"] and stats["llm_fallbacks"] == want["llm_fallbacks"]
    assert [(t["clause"], t["answers"]) for t in stats["top_clauses"]] == want["top_clauses"]
    assert [(t["tool"], t["answers"]) for t in stats["top_calculators"]] == want["top_calculators"]
    assert stats["median_latency_ms"] == want["median_latency_ms"]
    assert stats["feedback"] == {"helpful": want["helpful"], "unhelpful": want["unhelpful"]}
    for kind in ("not_covered", "need_more_info", "negative"):
        listed = client.get("/v1/admin/questions", params={**params, "kind": kind}, headers=AUTH).json()
        assert listed["total"] == want[kind], kind


def test_lists_are_newest_first_paged_searchable_and_escape_wildcards(client: TestClient) -> None:
    conn = db(client)
    page = client.get(
        "/v1/admin/questions", params={"kind": "all", "limit": 7, "offset": 7}, headers=AUTH
    ).json()
    newest = [r[0] for r in conn.execute("SELECT answer_id FROM answers ORDER BY ts DESC LIMIT 7 OFFSET 7")]
    assert [r["answer_id"] for r in page["rows"]] == newest
    for words in ("流片", "100%_", "金额不对"):
        like = "%" + words.replace("%", "\\%").replace("_", "\\_") + "%"
        want = conn.execute(
            "SELECT COUNT(*) FROM answers a WHERE status='not_covered' AND (question LIKE ?1 ESCAPE '\\' OR answer LIKE ?1 "
            "ESCAPE '\\' OR EXISTS (SELECT 1 FROM feedback f WHERE f.answer_id=a.answer_id AND comment LIKE ?1 ESCAPE '\\'))",
            (like,),
        ).fetchone()[0]
        got = client.get(
            "/v1/admin/questions", params={"kind": "not_covered", "q": words}, headers=AUTH
        ).json()
        assert got["total"] == want, words
    literal = client.get(
        "/v1/admin/questions", params={"kind": "all", "q": "%", "limit": 500}, headers=AUTH
    ).json()
    everything = conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    assert 0 < literal["total"] < everything  # "%" is a character searched for, not a wildcard
    assert all("%" in r["question"] for r in literal["rows"])


def test_marking_an_answer_keeps_a_case_in_the_golden_format(client: TestClient) -> None:
    answer_id = client.post(
        "/v1/chat", json={"message": "首次流片 800 万能补多少", "session_id": "sess-x"}
    ).json()["answer_id"]
    body = {
        "answer_id": answer_id,
        "expected": {"clause_id": "m3", "status": "answered", "amount": "240万"},
        "comment": "应按30%档",
    }
    case = client.post("/v1/admin/cases", json=body, headers=AUTH).json()
    assert case["expected"] == {
        "status": "answered",
        "cite": "m3",
        "doc_id": "hzgx-2024-7",
        "total": "2400000",
    }
    assert case["question"] == "首次流片 800 万能补多少" and case["comment"] == "应按30%档"
    again = client.post(
        "/v1/admin/cases", json={**body, "expected": {**body["expected"], "amount": 2500000}}, headers=AUTH
    )
    assert (
        again.json()["id"] == case["id"] and again.json()["expected"]["total"] == "2500000"
    )  # re-marking replaces
    export = client.get("/v1/admin/cases/export", headers=AUTH)
    assert export.headers["content-type"].startswith("application/x-ndjson")
    line = json.loads(export.text.splitlines()[0])
    assert line["category"] == "case" and line["turns"][-1] == {
        "q": "首次流片 800 万能补多少",
        "status": "answered",
        "cite": "m3",
        "total": "2500000",
    }
    detail = client.get(f"/v1/admin/answers/{answer_id}", headers=AUTH).json()
    assert detail["case"]["id"] == case["id"] and detail["question"] == "首次流片 800 万能补多少"
    assert client.delete(f"/v1/admin/cases/{case['id']}", headers=AUTH).json() == {"ok": True}
    assert client.get("/v1/admin/cases", headers=AUTH).json() == {"cases": []}


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "words"),
    [
        (
            "post",
            "/v1/admin/cases",
            {"answer_id": "0" * 32, "expected": {"status": "answered"}},
            404,
            "未找到",
        ),
        (
            "post",
            "/v1/admin/cases",
            {"answer_id": "../../etc", "expected": {"status": "answered"}},
            422,
            "answer_id",
        ),
        (
            "post",
            "/v1/admin/cases",
            {"answer_id": "abc", "expected": {"status": "wrong"}},
            422,
            "expected.status",
        ),
        (
            "post",
            "/v1/admin/cases",
            {"answer_id": "abc", "expected": {"status": "answered"}, "x": 1},
            422,
            "不支持该字段",
        ),
        ("get", "/v1/admin/answers/abc'--", None, 422, "answer_id"),
        ("get", "/v1/admin/answers/" + "0" * 32, None, 404, "未找到"),
        ("delete", "/v1/admin/cases/999", None, 404, "未找到"),
        ("delete", "/v1/admin/cases/-1", None, 422, "case_id"),
        ("get", "/v1/admin/stats?since=2025-13-01", None, 422, "since"),
        ("get", "/v1/admin/stats?since=2025-02-01&until=2025-01-01", None, 422, "起始日期不能晚于截止日期"),
        ("get", "/v1/admin/questions?kind=everything", None, 422, "kind"),
        ("get", "/v1/admin/questions?limit=100000", None, 422, "limit"),
    ],
)
def test_untrusted_ids_and_filters_get_chinese_4xx(
    client: TestClient, method: str, path: str, body: Any, status: int, words: str
) -> None:
    resp = client.request(method.upper(), path, json=body, headers=AUTH)
    assert resp.status_code == status, resp.text
    assert words in resp.text


@pytest.mark.parametrize(
    ("expected", "words"),
    [
        ({"status": "not_covered", "amount": "100"}, "金额请留空"),
        ({"status": "not_covered", "clause_id": "m3"}, "不引用条款"),
        ({"status": "answered", "clause_id": "m99"}, "没有条款“m99”"),
        ({"status": "answered", "amount": "很多钱"}, "无法读取金额"),
        ({"status": "answered", "amount": True}, "是/否"),
    ],
)
def test_bad_expectations_are_explained(client: TestClient, expected: dict[str, Any], words: str) -> None:
    answer_id = client.post("/v1/chat", json={"message": "你好"}).json()["answer_id"]
    resp = client.post("/v1/admin/cases", json={"answer_id": answer_id, "expected": expected}, headers=AUTH)
    assert resp.status_code == 422 and words in resp.json()["error"]["message"], resp.text


def test_console_needs_the_admin_token(client: TestClient, settings: Settings) -> None:
    for path in ("/v1/admin/stats", "/v1/admin/questions", "/v1/admin/cases", "/v1/admin/cases/export"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"authorization": "Bearer wrong"}).status_code == 403
    plain = Settings(**{**settings.model_dump(), "serve_ui": False})
    with TestClient(create_app(plain, engine=FakeEngine()), client=OUTSIDE) as c:
        assert c.get("/v1/admin/stats", headers=AUTH).status_code == 404  # console off without a token


def test_the_console_reads_whichever_store_is_configured(settings: Settings) -> None:
    assert isinstance(open_console(open_records(settings)), RecordsConsole)

    class OtherStore:  # a PostgreSQL store brings its own console
        def console(self) -> str:
            return "its own"

    assert open_console(OtherStore()) == "its own"
    with pytest.raises(TypeError):
        open_console(object())
