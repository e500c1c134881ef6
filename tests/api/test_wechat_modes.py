"""WeChat safe mode and compatibility mode built and read with wechatpy, retried MsgIds, customer-service push."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto

from bot.http.wechat import PUSHING, wechat_signature
from bot.settings import Settings
from tests.api.fakes import FakeEngine
from tests.api.test_basics import assert_error
from tests.api.test_wechat import TOKEN, message
from tests.api.wechat_fake import fake_wechat_api

APP_ID = "wx0123456789abcdef"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 letters and digits, as the admin console shows


def crypto(key: str = AES_KEY, app_id: str = APP_ID) -> WeChatCrypto:
    return WeChatCrypto(TOKEN, key, app_id)


def encrypted_push(plain: bytes, compat: bool = False, key: str = AES_KEY, nonce: str = "n0nce"):
    """What WeChat sends in safe mode (Encrypt only) or compatibility mode (plaintext fields and Encrypt)."""
    ts = str(int(time.time()))
    envelope = crypto(key).encrypt_message(plain.decode(), nonce, ts)
    from xml.etree import ElementTree as ET

    root = ET.fromstring(envelope)
    encrypt, msg_signature = root.findtext("Encrypt"), root.findtext("MsgSignature")
    inner = (
        plain.decode()[len("<xml>") : -len("</xml>")]
        if compat
        else "<ToUserName><![CDATA[gh_account]]></ToUserName>"
    )
    body = f"<xml>{inner}<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>".encode()
    params = {
        "signature": wechat_signature(TOKEN, ts, nonce),
        "timestamp": ts,
        "nonce": nonce,
        "openid": "o_user1",
        "encrypt_type": "aes",
        "msg_signature": msg_signature,
    }
    return params, body


def decrypted_reply(resp) -> dict[str, str]:
    """Decrypt a safe-mode reply the way WeChat does, with wechatpy."""
    from xml.etree import ElementTree as ET

    assert resp.status_code == 200, resp.text
    root = ET.fromstring(resp.content)
    assert root.findtext("Encrypt") and root.find("Content") is None  # nothing in the clear
    inner = crypto().decrypt_message(
        resp.text, root.findtext("MsgSignature"), root.findtext("TimeStamp"), root.findtext("Nonce")
    )
    reply = parse_message(inner)
    return {"to": reply.target, "from": reply.source, "type": reply.type, "content": reply.content}


@pytest.fixture
def aes_settings(api_settings: Settings) -> Settings:
    return api_settings.model_copy(update={"wechat_app_id": APP_ID, "wechat_aes_key": SecretStr(AES_KEY)})


@pytest.fixture
def aes_client(aes_settings: Settings, fake_engine: FakeEngine) -> Iterator[TestClient]:
    from bot.http.app import create_app

    with TestClient(create_app(aes_settings, fake_engine), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("compat", [False, True], ids=["safe", "compatibility"])
def test_encrypted_message_gets_encrypted_reply(aes_client: TestClient, fake_engine, compat: bool) -> None:
    params, body = encrypted_push(message(Content="流片怎么补贴"), compat=compat)
    reply = decrypted_reply(aes_client.post("/wechat", params=params, content=body))
    assert reply["to"] == "o_user1" and reply["from"] == "gh_account" and reply["type"] == "text"
    assert reply["content"].startswith("回答：流片怎么补贴")
    assert "依据：杭高新〔2024〕7号 第3条（加大流片支持）" in reply["content"]
    assert fake_engine.calls == [("流片怎么补贴", "wx-o_user1")]


def test_compatibility_mode_without_aes_key_answers_the_plaintext_copy(client: TestClient) -> None:
    params, body = encrypted_push(message(Content="流片怎么补贴"), compat=True)
    resp = client.post("/wechat", params=params, content=body)
    assert resp.status_code == 200
    assert "回答：流片怎么补贴" in resp.text


def test_safe_mode_without_aes_key_says_what_to_configure(client: TestClient, fake_engine) -> None:
    params, body = encrypted_push(message(Content="流片"))
    err = assert_error(client.post("/wechat", params=params, content=body), 400, "encrypted_not_supported")
    assert "POLICYBOT_WECHAT_AES_KEY" in err["message"]
    assert fake_engine.calls == []


def test_bad_msg_signature_is_403_and_wrong_key_is_400(aes_client: TestClient, fake_engine) -> None:
    params, body = encrypted_push(message(Content="流片"))
    params["msg_signature"] = "0" * 40
    assert_error(aes_client.post("/wechat", params=params, content=body), 403, "bad_signature")
    other_key = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"
    params, body = encrypted_push(message(Content="流片"), key=other_key, nonce="n2")
    assert_error(aes_client.post("/wechat", params=params, content=body), 400, "decrypt_failed")
    assert fake_engine.calls == []


def test_hostile_xml_inside_the_encryption_is_refused(aes_client: TestClient, fake_engine) -> None:
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml>'
        b"<ToUserName>a</ToUserName><FromUserName>b</FromUserName><MsgType>text</MsgType>"
        b"<Content>&e;</Content></xml>"
    )
    params, body = encrypted_push(evil)
    assert_error(aes_client.post("/wechat", params=params, content=body), 400, "invalid_xml")
    assert fake_engine.calls == []


def test_bad_aes_key_setting_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="EncodingAESKey"):
        Settings(wechat_aes_key="too-short")


def signed(nonce: str) -> dict[str, str]:
    ts = str(int(time.time()))
    return {"signature": wechat_signature(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}


def test_retried_msg_id_is_answered_once_with_the_stored_reply(api_settings: Settings, real_engine) -> None:
    """WeChat resends a slow message with the same MsgId: "再加一笔300万" is added once, not per resend."""
    from bot.http.app import create_app

    with TestClient(create_app(api_settings, real_engine)) as c:
        first = c.post(
            "/wechat",
            params=signed("a1"),
            content=message(Content="首次流片费用200万元能补多少？", MsgId="1"),
        )
        assert "60万元" in first.text
        add = message(Content="再加一笔300万", FromUserName="o_user1", MsgId="2")
        replies = [c.post("/wechat", params=signed(f"r{i}"), content=add).text for i in range(3)]
    # (200万 + 300万) × 30% = 150万 every time; a second addition would have made it 240万.
    assert all("150万元" in r for r in replies)
    contents = {r.split("<Content>")[1].split("</Content>")[0] for r in replies}
    assert len(contents) == 1


def test_retry_while_computing_waits_for_the_same_answer(api_settings: Settings, corpus) -> None:
    from bot.http.app import create_app

    release = threading.Event()

    class Slow(FakeEngine):
        def ask(self, text, session_id=None, history=(), **kwargs):
            release.wait(5)
            return super().ask(text, session_id)

    engine = Slow(corpus)
    with TestClient(create_app(api_settings, engine)) as c:
        results: list[str] = []
        first = threading.Thread(
            target=lambda: results.append(
                c.post("/wechat", params=signed("t1"), content=message(Content="问题")).text
            )
        )
        first.start()
        time.sleep(0.3)
        threading.Timer(0.3, release.set).start()
        retry = c.post("/wechat", params=signed("t2"), content=message(Content="问题")).text
        first.join(10)
    assert [q for q, _ in engine.calls] == ["问题"]
    assert "回答：问题" in retry and "回答：问题" in results[0]


@pytest.fixture
def slow_engine(corpus):
    release = threading.Event()

    class Slow(FakeEngine):
        def ask(self, text, session_id=None, history=(), **kwargs):
            release.wait(10)
            return super().ask(text, session_id)

    engine = Slow(corpus)
    engine.release = release
    return engine


def _push_settings(api_settings: Settings, base_url: str) -> Settings:
    return api_settings.model_copy(
        update={
            "wechat_app_id": APP_ID,
            "wechat_app_secret": SecretStr("app-secret"),
            "wechat_api_base_url": base_url,
            "wechat_push_wait_seconds": 0.2,
        }
    )


def test_slow_answer_replies_at_once_and_is_pushed_as_customer_service_message(
    api_settings: Settings, slow_engine
) -> None:
    from bot.http.app import create_app

    with (
        fake_wechat_api() as (api, base_url),
        TestClient(create_app(_push_settings(api_settings, base_url), slow_engine)) as c,
    ):
        started = time.monotonic()
        first = c.post("/wechat", params=signed("p1"), content=message(Content="复杂问题"))
        assert time.monotonic() - started < 2
        assert PUSHING in first.text
        slow_engine.release.set()
        assert api.pushed.wait(10)
        api.pushed.clear()
        second = c.post("/wechat", params=signed("p2"), content=message(Content="另一个问题", MsgId="2"))
        assert "回答：另一个问题" in second.text  # fast answers are still passive replies
    (push,) = api.sent
    assert push["touser"] == "o_user1" and push["msgtype"] == "text"
    assert push["text"]["content"].startswith("回答：复杂问题")
    assert "依据：杭高新〔2024〕7号" in push["text"]["content"]
    assert api.token_requests == [
        {"grant_type": "client_credential", "appid": APP_ID, "secret": "app-secret"}
    ]


def test_access_token_is_cached_and_refreshed_when_wechat_says_it_expired(
    api_settings: Settings, slow_engine
) -> None:
    from bot.http.app import create_app

    with (
        fake_wechat_api() as (api, base_url),
        TestClient(create_app(_push_settings(api_settings, base_url), slow_engine)) as c,
    ):
        slow_engine.release.clear()
        for i, expired in enumerate([False, True]):
            if expired:
                api.enqueue(errcode=42001, errmsg="access_token expired")
            api.pushed.clear()
            c.post("/wechat", params=signed(f"x{i}"), content=message(Content=f"问题{i}", MsgId=str(10 + i)))
            slow_engine.release.set()
            assert api.pushed.wait(10)
            slow_engine.release.clear()
    assert [p["text"]["content"][:5] for p in api.sent] == ["回答：问题", "回答：问题"]
    assert len(api.token_requests) == 2  # once at first use, once after "expired"
    assert api.sent_tokens == ["TOKEN-1", "TOKEN-1", "TOKEN-2"]


def test_without_push_permission_the_resend_gets_the_answer(api_settings: Settings, slow_engine) -> None:
    from bot.http.app import create_app

    with (
        fake_wechat_api() as (api, base_url),
        TestClient(create_app(_push_settings(api_settings, base_url), slow_engine)) as c,
    ):
        api.enqueue(errcode=48001, errmsg="api unauthorized")
        assert PUSHING in c.post("/wechat", params=signed("q1"), content=message(Content="复杂问题")).text
        slow_engine.release.set()
        deadline = time.monotonic() + 10
        while len(api.sent_tokens) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.1)
        again = c.post("/wechat", params=signed("q2"), content=message(Content="复杂问题", MsgId="99"))
    assert "回答：复杂问题" in again.text and api.sent == []
    assert [q for q, _ in slow_engine.calls] == ["复杂问题"]
