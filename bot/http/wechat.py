"""WeChat official-account message push at /wechat: plaintext, compatibility and safe (AES) modes.

GET verifies the URL (sha1 of sorted token, timestamp, nonce; echo echostr); POST takes an XML message and
returns an XML text reply within WeChat's 5-second limit, encrypted when the message was (wechatpy's
WeChatCrypto, configured by `wechat_app_id` and `wechat_aes_key`). Every XML document is first read by
defusedxml, so entity tricks are refused before wechatpy's parser sees the text. Disabled (404) unless
`wechat_token` is set.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response

from bot.http.errors import ApiError
from bot.http.services import Services, services
from bot.http.wechat_push import CustomerService
from bot.http.wechat_reply import NON_TEXT, PUSHING, STILL_WORKING, Responder, clip_bytes, welcome
from bot.settings import Settings

__all__ = ["NON_TEXT", "PUSHING", "STILL_WORKING", "clip_bytes", "reply_xml", "wechat_signature", "welcome"]

router = APIRouter()

MAX_XML_BYTES = 64 * 1024
NEEDS_AES = "公众号使用安全模式（消息加密），请设置 POLICYBOT_WECHAT_APP_ID 和 POLICYBOT_WECHAT_AES_KEY"


def wechat_signature(token: str, timestamp: str, nonce: str) -> str:
    """WeChat's signature: sha1 hex of the three strings sorted and concatenated."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode("utf-8")).hexdigest()


async def _verified(
    request: Request,
    signature: str = Query("", max_length=64),
    timestamp: str = Query("", max_length=20),
    nonce: str = Query("", max_length=64),
    svc: Services = Depends(services),
) -> Services:
    """Dependency: 404 when WeChat is not configured, 403 on a bad signature or a replayed timestamp."""
    token = svc.settings.wechat_token
    if token is None or not token.get_secret_value():
        raise ApiError(404, "not_found", "接口不存在")
    expected = wechat_signature(token.get_secret_value(), timestamp, nonce)
    # Bytes, not str: compare_digest raises on non-ASCII text, and a forged signature may contain any.
    if not (timestamp and nonce and hmac.compare_digest(expected.encode(), signature.lower().encode())):
        raise ApiError(403, "bad_signature", "微信签名校验失败")
    # Replay window: bot.http.admin sets this to a callable(timestamp, nonce, body) -> bool; a signed URL
    # may come again only with the same body (WeChat's own retry), never with another one.
    replay_guard = getattr(request.app.state, "wechat_replay_guard", None)
    body = await request.body() if request.method == "POST" else b""
    if replay_guard is not None and not replay_guard(timestamp, nonce, body):
        raise ApiError(403, "replayed_request", "微信推送时间戳超出允许范围或重复")
    return svc


@router.get("/wechat", tags=["微信"], summary="微信服务器 URL 验证（回显 echostr）")
def wechat_verify(echostr: str = Query("", max_length=128), svc: Services = Depends(_verified)) -> Response:
    return PlainTextResponse(echostr)


def flat_xml(body: bytes | str) -> dict[str, str]:
    """A flat WeChat <xml> document → {tag: text}, read by defusedxml; 400 on malformed or hostile XML."""
    if len(body) > MAX_XML_BYTES:
        raise ApiError(413, "payload_too_large", "消息过大")
    try:
        root: Element = SafeET.fromstring(body)
    except Exception as exc:  # defusedxml raises several types for malformed or hostile XML
        raise ApiError(400, "invalid_xml", "消息不是合法的 XML") from exc
    return {child.tag: (child.text or "").strip() for child in root}


def _has_plain_fields(fields: dict[str, str]) -> bool:
    return all(fields.get(k) for k in ("FromUserName", "ToUserName", "MsgType"))


def _message(xml: bytes | str, fields: dict[str, str]) -> Any:
    from wechatpy import parse_message

    if not _has_plain_fields(fields):
        raise ApiError(400, "invalid_xml", "消息缺少 FromUserName、ToUserName 或 MsgType")
    return parse_message(xml)


@dataclass(frozen=True)
class Inbound:
    """A received message: its fields, wechatpy's object of it, and whether the reply must be encrypted."""

    fields: dict[str, str]
    message: Any
    encrypted: bool


class WeChatChannel:
    """The account's crypto (safe/compatibility mode), the responder and the optional customer-service push."""

    def __init__(self, svc: Services):
        self.settings: Settings = svc.settings
        self.crypto = _crypto(svc.settings)
        self.responder = Responder(svc, CustomerService.from_settings(svc.settings))

    def receive(self, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> Inbound:
        fields = flat_xml(body)
        if "Encrypt" not in fields:
            return Inbound(fields, _message(body, fields), encrypted=False)
        if self.crypto is None:
            if _has_plain_fields(fields):  # compatibility mode: the plaintext copy, answered in plaintext
                return Inbound(fields, _message(body, fields), encrypted=False)
            raise ApiError(400, "encrypted_not_supported", NEEDS_AES)
        inner = self._decrypt(fields, msg_signature, timestamp, nonce)
        inner_fields = flat_xml(inner)
        return Inbound(inner_fields, _message(inner, inner_fields), encrypted=True)

    def _decrypt(self, fields: dict[str, str], msg_signature: str, timestamp: str, nonce: str) -> str:
        from wechatpy.exceptions import InvalidSignatureException

        assert self.crypto is not None
        try:
            return str(self.crypto.decrypt_message(fields, msg_signature, timestamp, nonce))
        except InvalidSignatureException as exc:
            raise ApiError(403, "bad_signature", "微信消息签名（msg_signature）校验失败") from exc
        except Exception as exc:  # wrong key or app id: the padding or the app id inside does not match
            msg = "消息解密失败：请核对 POLICYBOT_WECHAT_AES_KEY 和 POLICYBOT_WECHAT_APP_ID 与公众号后台一致"
            raise ApiError(400, "decrypt_failed", msg) from exc

    def render(self, inbound: Inbound, text: str, nonce: str) -> str:
        xml = reply_xml(inbound.message, text)
        if not inbound.encrypted:
            return xml
        assert self.crypto is not None
        return str(self.crypto.encrypt_message(xml, nonce, str(int(time.time()))))


def _crypto(settings: Settings) -> Any:
    if settings.wechat_aes_key is None or not settings.wechat_app_id or settings.wechat_token is None:
        return None
    from wechatpy.crypto import WeChatCrypto

    key = settings.wechat_aes_key.get_secret_value()
    return (
        WeChatCrypto(settings.wechat_token.get_secret_value(), key, settings.wechat_app_id) if key else None
    )


def reply_xml(message: Any, content: str) -> str:
    """A passive text reply addressed back to the sender, from our account (wechatpy's TextReply)."""
    from wechatpy.replies import TextReply

    # wechatpy puts the text in one CDATA section as is; "]]>" would end it early, so split it across two.
    safe = content.replace("]]>", "]]]]><![CDATA[>")
    return str(TextReply(message=message, content=safe).render())


def message_key(msg: dict[str, str]) -> tuple[str, ...]:
    """What identifies one message across WeChat's retries: MsgId, or sender and CreateTime for events."""
    ids = (msg.get("ToUserName", ""), msg.get("FromUserName", ""))
    if msg.get("MsgId"):
        return (*ids, msg["MsgId"])
    return (*ids, msg.get("CreateTime", ""), msg.get("Event", ""))


def reply_for(msg: dict[str, str], bot: Responder) -> str | None:
    """The reply text for one message, or None when WeChat expects no reply (most events)."""
    kind = msg.get("MsgType", "").lower()
    if kind == "event":
        subscribed = msg.get("Event", "").lower() == "subscribe"
        return welcome(bot.svc.corpus, bot.svc.examples) if subscribed else None
    # With speech recognition on, WeChat sends the transcript of a voice message in Recognition.
    question = (
        msg.get("Content", "") if kind == "text" else msg.get("Recognition", "") if kind == "voice" else ""
    )
    if not question.strip():
        return NON_TEXT
    # Over-long questions get the engine's own "问题太长" reply, like every other channel.
    return bot.answer(msg["FromUserName"], question, message_key(msg))


_CHANNEL_LOCK = threading.Lock()


def channel(request: Request) -> WeChatChannel:
    """One WeChatChannel per app, created on the first WeChat message."""
    with _CHANNEL_LOCK:
        if getattr(request.app.state, "wechat_channel", None) is None:
            request.app.state.wechat_channel = WeChatChannel(request.app.state.services)
    return request.app.state.wechat_channel  # type: ignore[no-any-return]


@router.post("/wechat", tags=["微信"], summary="接收微信消息推送并被动回复（明文、兼容、安全模式）")
async def wechat_receive(
    request: Request,
    timestamp: str = Query("", max_length=20),
    nonce: str = Query("", max_length=64),
    msg_signature: str = Query("", max_length=64),
    svc: Services = Depends(_verified),
) -> Response:
    wx = channel(request)
    inbound = wx.receive(await request.body(), msg_signature, timestamp, nonce)
    # The engine blocks; keep the event loop free while it (and the deadline wait) runs.
    text = await run_in_threadpool(reply_for, inbound.fields, wx.responder)
    if text is None:
        return PlainTextResponse("success")
    return Response(wx.render(inbound, text, nonce), media_type="application/xml")
