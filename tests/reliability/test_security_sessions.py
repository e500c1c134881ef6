"""Sessions over real HTTP: ids are issued by the server, channels cannot reach each other, a flood of new
sessions (or of long messages) evicts the flooder's sessions and not a victim's."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.engine import Engine
from bot.http.wechat import wechat_signature
from bot.settings import Settings
from tests.api.live import live_server

pytestmark = pytest.mark.slow

TOKEN = "wx-security-token"
FOLLOWER = "o_victim_openid"
ASK_TAPEOUT = "首次流片费用800万元，最多能补贴多少？"
FOLLOW_UP = "那如果是1500万呢？"  # only a remembered tape-out makes this 15% × 1500万 = 225万


def _settings(data_dir: Path, **extra: Any) -> Settings:
    return Settings(
        data_dir=data_dir,
        embedding_model=None,
        llm_base_url=None,
        serve_ui=False,
        wechat_token=TOKEN,
        rate_limit_per_minute=0,
        **extra,
    )


@contextmanager
def serving(engine: Any, settings: Settings) -> Iterator[tuple[httpx.Client, Engine]]:
    """A real server on 127.0.0.1 around a fresh engine (own sessions) that shares the test index."""
    from bot.http.app import create_app

    fresh = Engine(settings, engine.corpus, engine.retriever)
    with live_server(create_app(settings, fresh)) as url, httpx.Client(base_url=url, timeout=60) as http:
        yield http, fresh


def chat(http: httpx.Client, message: str, session_id: str | None = None, **headers: str) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if session_id is not None:
        body["session_id"] = session_id
    resp = http.post("/v1/chat", json=body, headers=headers)
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


def wechat(http: httpx.Client, text: str, user: str = FOLLOWER) -> str:
    ts, nonce = str(int(time.time())), uuid.uuid4().hex[:12]
    params = {"signature": wechat_signature(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}
    xml = (
        f"<xml><ToUserName>gh_1</ToUserName><FromUserName>{user}</FromUserName><CreateTime>{ts}</CreateTime>"
        f"<MsgType>text</MsgType><Content><![CDATA[{text}]]></Content><MsgId>{nonce}</MsgId></xml>"
    )
    resp = http.post("/wechat", params=params, content=xml.encode())
    assert resp.status_code == 200, resp.text
    return resp.text


def test_a_client_chosen_session_id_is_replaced_by_an_issued_one(engine, tmp_path: Path) -> None:
    with serving(engine, _settings(tmp_path / "data")) as (http, _):
        chosen = chat(http, ASK_TAPEOUT, "attacker-chosen-1")
        issued = chosen["session_id"]
        token, dot, tag = issued.partition(".")
        assert issued != "attacker-chosen-1" and dot and len(token) >= 22 and len(tag) >= 22
        # The issued id continues the conversation; a forged variant of it does not.
        assert "225万元" in chat(http, FOLLOW_UP, issued)["answer"]
        forged = chat(http, FOLLOW_UP, token + ".AAAAAAAAAAAAAAAAAAAAAA")
        assert "225万元" not in forged["answer"] and "会话已过期" not in forged["answer"]
        assert forged["session_id"] not in (issued, token + ".AAAAAAAAAAAAAAAAAAAAAA")


def test_a_wechat_follower_is_unreachable_from_the_api(engine, tmp_path: Path) -> None:
    with serving(engine, _settings(tmp_path / "data")) as (http, _):
        assert "240万元" in wechat(http, ASK_TAPEOUT)
        for sid in (f"wx-{FOLLOWER}", FOLLOWER):
            assert "225万元" not in chat(http, FOLLOW_UP, sid)["answer"]
            for extra in ({"user": sid}, {"session_id": sid}):
                resp = http.post(
                    "/v1/chat/completions",
                    json={
                        "model": "policybot",
                        "messages": [{"role": "user", "content": FOLLOW_UP}],
                        **extra,
                    },
                )
                assert resp.status_code == 200 and "225万元" not in resp.text
            resp = http.post(
                "/v1/chat/completions",
                json={"messages": [{"role": "user", "content": FOLLOW_UP}]},
                headers={"X-Session-Id": sid},
            )
            assert resp.status_code == 200 and "225万元" not in resp.text
        # The follower's own conversation is intact and still theirs.
        assert "225万元" in wechat(http, FOLLOW_UP)


def test_a_conversation_continues_after_a_restart(engine, tmp_path: Path) -> None:
    settings = _settings(tmp_path / "data")
    with serving(engine, settings) as (http, _):
        sid = chat(http, "流片能补多少钱？")["session_id"]
    with serving(engine, settings) as (
        http,
        _,
    ):  # a new process: the session comes from data/sessions.sqlite3
        late = chat(http, "1200万", sid)
        assert "会话已过期" not in late["answer"] and late["total_max_subsidy_yuan"] == "1800000"
        assert late["session_id"] == sid


def test_an_issued_id_is_recognised_after_a_restart(engine, tmp_path: Path) -> None:
    settings = _settings(tmp_path / "data")
    with serving(engine, settings) as (http, _):
        sid = chat(http, "流片能补多少钱？")["session_id"]
    (tmp_path / "data" / "sessions.sqlite3").unlink()  # the conversation's state is lost, the key is not
    with serving(engine, settings) as (http, _):  # a new process: the key comes from data/session_key
        late = chat(http, "1200万", sid)
        assert "会话已过期" in late["answer"]
        made_up = chat(http, "1200万", "0123456789abcdef0123456789abcdef")
        assert "会话已过期" not in made_up["answer"] and made_up["session_id"] != sid
    assert (tmp_path / "data" / "session_key").stat().st_mode & 0o777 == 0o600


def _victims(http: httpx.Client, n: int) -> list[tuple[str, str]]:
    """n clients (behind the trusted local proxy) each half-way through a calculation."""
    out = []
    for i in range(n):
        addr = f"198.51.100.{i + 1}"
        first = chat(http, "流片能补多少钱？", **{"X-Forwarded-For": addr})
        assert first["status"] == "need_more_info"
        out.append((addr, first["session_id"]))
    return out


def _finish(http: httpx.Client, victims: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [chat(http, "1200万", sid, **{"X-Forwarded-For": addr}) for addr, sid in victims]


def test_a_flood_of_new_sessions_evicts_only_the_flooders(engine, tmp_path: Path) -> None:
    settings = _settings(
        tmp_path / "data", session_max=120, session_max_per_client=20, trusted_proxies=["127.0.0.1"]
    )
    with serving(engine, settings) as (http, fresh):
        victims = _victims(http, 5)
        for n in range(600):  # one address, then several: far beyond the store's 120 sessions
            flooder = "203.0.113.66" if n < 300 else f"203.0.113.{n % 10}"
            chat(http, "你好", **{"X-Forwarded-For": flooder})
        assert len(fresh.sessions) <= 120
        for answer in _finish(http, victims):
            assert answer["total_max_subsidy_yuan"] == "1800000", answer["answer"]
            assert "会话已过期" not in answer["answer"]


def test_long_messages_stay_within_the_byte_bound(engine, tmp_path: Path) -> None:
    bound = 400_000
    settings = _settings(tmp_path / "data", session_max_bytes=bound, trusted_proxies=["127.0.0.1"])
    long = ("首次流片费用一千二百万元，我们是集成电路设计企业，想了解政策。" * 100)[:1990]
    with serving(engine, settings) as (http, fresh):
        victims = _victims(http, 3)
        sid = None
        for n in range(150):  # ten long turns per session, fifteen sessions: several times the bound
            if n % 10 == 0:
                sid = None
            sid = chat(http, long + str(n), sid, **{"X-Forwarded-For": "203.0.113.66"})["session_id"]
        assert fresh.sessions.total_bytes <= bound
        assert all(a["total_max_subsidy_yuan"] == "1800000" for a in _finish(http, victims))
