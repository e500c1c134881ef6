"""WeChat push endpoint: URL verification, signed XML in → XML reply out, 403 on bad signatures."""

from __future__ import annotations

import threading
import time
import uuid
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from bot.http.wechat import NON_TEXT, STILL_WORKING, clip_bytes, reply_xml, wechat_signature
from tests.api.fakes import FakeEngine
from tests.api.test_basics import assert_error

TOKEN = "wx-test-token"


def signed(token: str = TOKEN, timestamp: str | None = None, nonce: str | None = None) -> dict[str, str]:
    """Signed query parameters; each call a fresh nonce, as WeChat sends (a nonce is accepted once)."""
    ts = timestamp or str(int(time.time()))
    nonce = nonce or uuid.uuid4().hex[:16]
    return {"signature": wechat_signature(token, ts, nonce), "timestamp": ts, "nonce": nonce}


def message(kind: str = "text", **fields: str) -> bytes:
    body = {
        "ToUserName": "gh_account",
        "FromUserName": "o_user1",
        "CreateTime": "1716508800",
        "MsgType": kind,
        "MsgId": "1001",
        **fields,
    }
    inner = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in body.items())
    return f"<xml>{inner}</xml>".encode()


def reply_fields(resp) -> dict[str, str]:
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("application/xml")
    return {child.tag: child.text or "" for child in ET.fromstring(resp.content)}


def test_signature_matches_wechat_algorithm() -> None:
    import hashlib

    # Sorted: "1409304348" < "token" < "xxxxxx", concatenated, sha1 hex.
    expected = hashlib.sha1(b"1409304348tokenxxxxxx").hexdigest()
    assert wechat_signature("token", "1409304348", "xxxxxx") == expected


def test_url_verification_echoes(client: TestClient) -> None:
    resp = client.get("/wechat", params={**signed(), "echostr": "echo123"})
    assert resp.status_code == 200 and resp.text == "echo123"


@pytest.mark.parametrize("tamper", ["signature", "timestamp", "nonce"])
def test_bad_signature_is_403(client: TestClient, tamper: str) -> None:
    params = {**signed(), "echostr": "e"}
    params[tamper] = params[tamper][:-1] + ("0" if params[tamper][-1] != "0" else "1")
    assert_error(client.get("/wechat", params=params), 403, "bad_signature")
    assert_error(client.post("/wechat", params=params, content=message(Content="流片")), 403, "bad_signature")


def test_missing_signature_and_wrong_token_are_403(client: TestClient) -> None:
    assert client.get("/wechat", params={"echostr": "e"}).status_code == 403
    assert (
        client.post("/wechat", params=signed(token="other"), content=message(Content="流片")).status_code
        == 403
    )


def test_old_timestamp_is_rejected_as_replay(client: TestClient) -> None:
    resp = client.post(
        "/wechat", params=signed(timestamp=str(int(time.time()) - 3600)), content=message(Content="x")
    )
    assert resp.status_code == 403


def test_disabled_without_token(api_settings, fake_engine) -> None:
    from bot.http.app import create_app

    app = create_app(api_settings.model_copy(update={"wechat_token": None}), fake_engine)
    with TestClient(app) as c:
        assert_error(c.get("/wechat", params={**signed(), "echostr": "e"}), 404, "not_found")


def test_text_message_gets_xml_text_reply(client: TestClient, fake_engine: FakeEngine) -> None:
    fields = reply_fields(client.post("/wechat", params=signed(), content=message(Content="流片怎么补贴")))
    assert fields["ToUserName"] == "o_user1" and fields["FromUserName"] == "gh_account"
    assert fields["MsgType"] == "text" and fields["CreateTime"].isdigit()
    assert fields["Content"].startswith("回答：流片怎么补贴")
    assert "依据：杭高新〔2024〕7号 第3条（加大流片支持）" in fields["Content"]
    # Each WeChat user is one conversation.
    assert fake_engine.calls == [("流片怎么补贴", "wx-o_user1")]


def test_voice_with_recognition_is_answered(client: TestClient, fake_engine: FakeEngine) -> None:
    fields = reply_fields(
        client.post("/wechat", params=signed(), content=message("voice", Recognition="算力券"))
    )
    assert fields["Content"].startswith("回答：算力券")


@pytest.mark.parametrize("kind", ["image", "voice", "video", "location", "link"])
def test_non_text_messages_get_polite_reply(client: TestClient, kind: str, fake_engine: FakeEngine) -> None:
    fields = reply_fields(
        client.post("/wechat", params=signed(), content=message(kind, PicUrl="http://x/y.jpg"))
    )
    assert fields["Content"] == NON_TEXT
    assert fake_engine.calls == []


def test_subscribe_gets_welcome_other_events_success(client: TestClient) -> None:
    fields = reply_fields(
        client.post("/wechat", params=signed(), content=message("event", Event="subscribe"))
    )
    assert fields["Content"].startswith("您好，这里是政策通，可解答杭高新〔2024〕7号《")
    resp = client.post("/wechat", params=signed(), content=message("event", Event="unsubscribe"))
    assert resp.status_code == 200 and resp.text == "success"


@pytest.mark.parametrize(
    "raw",
    [
        b"not xml",
        b"<xml><MsgType>text</MsgType></xml>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><MsgType>text</MsgType>"
        b"<Content>&e;</Content></xml>",
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><MsgType>text</MsgType>"
        b"<Content>&b;</Content></xml>",
        b"<xml><ToUserName>a</ToUserName><Encrypt>xxxx</Encrypt></xml>",
    ],
)
def test_malformed_or_hostile_xml_is_400(client: TestClient, raw: bytes, fake_engine: FakeEngine) -> None:
    resp = client.post("/wechat", params=signed(), content=raw)
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"]["code"] in ("invalid_xml", "encrypted_not_supported")
    assert fake_engine.calls == []


def test_slow_answer_replies_politely_then_resend_gets_it(api_settings, corpus) -> None:
    from bot.http.app import create_app

    release = threading.Event()

    class Slow(FakeEngine):
        def ask(self, text, session_id=None, **kwargs):
            release.wait(5)
            return super().ask(text, session_id, **kwargs)

    engine = Slow(corpus)
    settings = api_settings.model_copy(update={"wechat_reply_deadline_seconds": 0.2})
    with TestClient(create_app(settings, engine)) as c:
        first = reply_fields(c.post("/wechat", params=signed(), content=message(Content="复杂问题")))
        assert first["Content"] == STILL_WORKING
        release.set()
        second = reply_fields(
            c.post("/wechat", params=signed(nonce="n2"), content=message(Content="复杂问题"))
        )
        assert second["Content"].startswith("回答：复杂问题")
    assert [q for q, _ in engine.calls] == ["复杂问题"]  # the resend reused the pending answer


def test_reply_xml_escapes_cdata_end_and_clips_long_text() -> None:
    from wechatpy import parse_message

    msg = parse_message(message(Content="x").decode())
    root = ET.fromstring(reply_xml(msg, "a]]>b"))
    assert root.findtext("Content") == "a]]>b"
    assert (root.findtext("ToUserName"), root.findtext("FromUserName")) == ("o_user1", "gh_account")
    long = clip_bytes("流" * 2000)
    assert len(long.encode()) <= 2000 and long.endswith("网页版查看）")


@pytest.mark.parametrize("bad", ["é" * 40, "签名", "\u0000"])
def test_non_ascii_signature_is_403_not_500(client: TestClient, bad: str) -> None:
    params = {**signed(), "signature": bad, "echostr": "e"}
    assert_error(client.get("/wechat", params=params), 403, "bad_signature")
