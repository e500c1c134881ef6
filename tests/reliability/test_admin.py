"""The reliability layer inside the real app: records before replying, feedback, admin endpoints, WeChat replay."""

from __future__ import annotations

import csv
import hashlib
import io
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.http.app import create_app
from bot.records.store import RecordStore
from bot.settings import Settings
from tests.reliability.fakes import FakeEngine

OUTSIDE = ("203.0.113.20", 50000)
TOKEN = "admin-token-0123456789"
AUTH = {"authorization": "Bearer " + TOKEN}


@pytest.fixture
def app_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"serve_ui": False})


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    s = Settings(**{**app_settings.model_dump(), "admin_token": TOKEN})
    with TestClient(create_app(s, engine=FakeEngine()), client=OUTSIDE) as c:
        yield c


def store_of(c: TestClient) -> RecordStore:
    return c.app.state.records  # type: ignore[attr-defined,no-any-return]


def test_chat_is_recorded_before_the_reply(client: TestClient) -> None:
    resp = client.post("/v1/chat", json={"message": "首次流片 800 万能补多少", "session_id": "sess-1"})
    assert resp.status_code == 200
    row = store_of(client).get(resp.json()["answer_id"])
    assert row is not None and row["question"] == "首次流片 800 万能补多少"
    assert row["session_id"] == "sess-1" and row["channel"] == "/v1/chat" and row["mode"] == "deterministic"
    assert row["client_hash"] == store_of(client).hash_client(OUTSIDE[0]) != OUTSIDE[0]
    assert row["latency_ms"] is not None and row["latency_ms"] >= 0


def test_openai_compatible_endpoint_is_recorded_too(client: TestClient) -> None:
    body = {"model": "policybot", "messages": [{"role": "user", "content": "算力券怎么补贴"}]}
    resp = client.post("/v1/chat/completions", json=body)
    assert resp.status_code == 200
    rows = store_of(client).recent(5)
    assert rows[0]["question"] == "算力券怎么补贴" and rows[0]["channel"] == "/v1/chat/completions"


def test_feedback_known_unknown_and_invalid(client: TestClient) -> None:
    answer_id = client.post("/v1/chat", json={"message": "你好"}).json()["answer_id"]
    ok = client.post("/v1/feedback", json={"answer_id": answer_id, "helpful": False, "comment": "金额不对"})
    assert ok.status_code == 200 and ok.json()["ok"] is True
    fb = store_of(client).feedback()
    assert (fb[0]["answer_id"], fb[0]["helpful"], fb[0]["comment"]) == (answer_id, 0, "金额不对")
    missing = client.post("/v1/feedback", json={"answer_id": "0" * 32, "helpful": True})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "answer_not_found"
    assert "未找到" in missing.json()["error"]["message"]
    for bad in (
        {"answer_id": answer_id},
        {"answer_id": answer_id, "helpful": "是"},
        {"answer_id": "", "helpful": True},
        {"answer_id": answer_id, "helpful": True, "comment": "长" * 1001},
    ):
        resp = client.post("/v1/feedback", json=bad)
        assert resp.status_code == 422, bad
        assert "字段" in resp.json()["error"]["message"]


def test_admin_disabled_without_token(app_settings: Settings) -> None:
    with TestClient(create_app(app_settings, engine=FakeEngine()), client=OUTSIDE) as c:
        for method, path in (
            ("get", "/v1/admin/records"),
            ("post", "/v1/admin/purge"),
            ("post", "/v1/admin/reindex"),
        ):
            resp = c.request(method.upper(), path, headers=AUTH)
            assert resp.status_code == 404, path


def test_admin_requires_the_right_token(client: TestClient) -> None:
    for path in ("/v1/admin/records", "/v1/admin/feedback"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"authorization": "Bearer wrong"}).status_code == 403
        assert client.get(path, headers=AUTH).status_code == 200
    assert client.post("/v1/admin/purge").status_code == 401
    assert client.post("/v1/admin/reindex", headers={"x-admin-token": TOKEN[:-1]}).status_code == 403


def test_admin_export_json_csv_and_purge(client: TestClient) -> None:
    engine: FakeEngine = client.app.state.services.engine()._engine  # type: ignore[attr-defined]
    engine.enqueue("not_covered")
    engine.enqueue("answered", "3000000")
    client.post("/v1/chat", json={"message": "今天天气如何"})
    client.post("/v1/chat", json={"message": "首次流片2000万补多少"})
    only = client.get("/v1/admin/records", params={"status": "not_covered"}, headers=AUTH).json()["records"]
    assert [r["question"] for r in only] == ["今天天气如何"]
    resp = client.get("/v1/admin/records", params={"format": "csv"}, headers=AUTH)
    assert resp.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text.lstrip("\ufeff"))))
    assert {r["question"] for r in rows} == {"今天天气如何", "首次流片2000万补多少"}
    assert {r["total_max_subsidy_yuan"] for r in rows} == {"", "3000000"}
    assert client.post("/v1/admin/purge", headers=AUTH).json() == {
        "answers_deleted": 0,
        "feedback_deleted": 0,
    }
    resp = client.post("/v1/admin/purge", json={"older_than_days": 0}, headers=AUTH)
    assert resp.json()["answers_deleted"] == 2
    assert client.post("/v1/admin/purge", json={"older_than_days": -1}, headers=AUTH).status_code == 422


def _signed(token: str, timestamp: str, nonce: str = "n0nce") -> dict[str, str]:
    sig = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    return {"signature": sig, "timestamp": timestamp, "nonce": nonce}


def test_wechat_replayed_timestamp_is_403(app_settings: Settings) -> None:
    s = Settings(**{**app_settings.model_dump(), "wechat_token": "wxtoken"})
    with TestClient(create_app(s, engine=FakeEngine()), client=OUTSIDE) as c:
        now = int(time.time())
        fresh = c.get("/wechat", params={**_signed("wxtoken", str(now)), "echostr": "hello"})
        assert fresh.status_code == 200 and fresh.text == "hello"
        old = str(now - s.wechat_replay_window_seconds - 60)
        replay = c.get("/wechat", params={**_signed("wxtoken", old), "echostr": "hello"})
        assert replay.status_code == 403 and replay.json()["error"]["code"] == "replayed_request"
        xml = (
            "<xml><ToUserName>gh_1</ToUserName><FromUserName>u1</FromUserName><CreateTime>1</CreateTime>"
            "<MsgType>text</MsgType><Content>流片补贴</Content><MsgId>1</MsgId></xml>"
        )
        assert c.post("/wechat", params=_signed("wxtoken", old), content=xml.encode()).status_code == 403
        fresh_nonce = _signed("wxtoken", str(now), nonce="n1")
        assert c.post("/wechat", params=fresh_nonce, content=xml.encode()).status_code == 200
