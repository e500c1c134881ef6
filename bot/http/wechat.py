"""WeChat official-account / customer-service message push at /wechat (plaintext mode).

GET verifies the URL (sha1 of sorted token, timestamp, nonce; echo echostr); POST takes an XML message and
returns an XML text reply within WeChat's 5-second limit. Disabled (404) unless `wechat_token` is set.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response

from bot.http.errors import ApiError
from bot.http.services import Services, services
from bot.http.text import clause_label

router = APIRouter()

MAX_XML_BYTES = 64 * 1024
# WeChat drops text replies above 2048 bytes; leave room for the ellipsis note.
MAX_REPLY_BYTES = 2000
PENDING_MAX = 1000
PENDING_TTL_SECONDS = 120.0

WELCOME = (
    "您好，这里是政策通，可解答杭高新〔2024〕7号（集成电路和算力产业政策）相关问题。"
    "例如：“首次流片费用800万元能补贴多少？”“购买EDA工具有什么补贴？”"
)
NON_TEXT = "目前只能回答文字问题，请直接输入您想咨询的政策问题，例如：“算力券怎么申请补贴？”"
STILL_WORKING = "问题正在查询中，请几秒后再次发送同一问题获取答复。"
TRUNCATED = "……（内容较长，完整答复请在网页版查看）"


def wechat_signature(token: str, timestamp: str, nonce: str) -> str:
    """WeChat's signature: sha1 hex of the three strings sorted and concatenated."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode("utf-8")).hexdigest()


def _verified(
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
    # Replay window (issue 6): bot.http.guards may set this to a callable(timestamp, nonce) -> bool.
    replay_guard = getattr(request.app.state, "wechat_replay_guard", None)
    if replay_guard is not None and not replay_guard(timestamp, nonce):
        raise ApiError(403, "replayed_request", "微信推送时间戳超出允许范围或重复")
    return svc


@router.get("/wechat", tags=["微信"], summary="微信服务器 URL 验证（回显 echostr）")
def wechat_verify(echostr: str = Query("", max_length=128), svc: Services = Depends(_verified)) -> Response:
    return PlainTextResponse(echostr)


def parse_message(body: bytes) -> dict[str, str]:
    """WeChat XML → {tag: text}; 400 on anything that is not a flat <xml> message."""
    if len(body) > MAX_XML_BYTES:
        raise ApiError(413, "payload_too_large", "消息过大")
    try:
        root: Element = SafeET.fromstring(body)
    except Exception as exc:  # defusedxml raises several types for malformed or hostile XML
        raise ApiError(400, "invalid_xml", "消息不是合法的 XML") from exc
    fields = {child.tag: (child.text or "").strip() for child in root}
    if "Encrypt" in fields:
        raise ApiError(
            400, "encrypted_not_supported", "暂不支持安全模式（加密消息），请在公众号后台选择明文模式"
        )
    if not fields.get("FromUserName") or not fields.get("ToUserName") or not fields.get("MsgType"):
        raise ApiError(400, "invalid_xml", "消息缺少 FromUserName、ToUserName 或 MsgType")
    return fields


def _cdata(text: str) -> str:
    # "]]>" would end the section early; split it across two CDATA sections.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def reply_xml(msg: dict[str, str], content: str, now: int | None = None) -> str:
    """A passive text reply: addressed back to the sender, from our account."""
    return (
        "<xml>"
        f"<ToUserName>{_cdata(msg['FromUserName'])}</ToUserName>"
        f"<FromUserName>{_cdata(msg['ToUserName'])}</FromUserName>"
        f"<CreateTime>{int(time.time()) if now is None else now}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(content)}</Content>"
        "</xml>"
    )


def clip_bytes(text: str, limit: int = MAX_REPLY_BYTES) -> str:
    """Cut text so its UTF-8 form fits WeChat's limit, marking the cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len(TRUNCATED.encode("utf-8"))
    return text.encode("utf-8")[:room].decode("utf-8", errors="ignore") + TRUNCATED


def format_answer(result: dict[str, Any], svc: Services) -> str:
    """Answer text plus short citation labels (no full quotes: WeChat replies are small)."""
    text = str(result.get("answer", "")).strip()
    labels = []
    for cite in result.get("citations") or []:
        clause = svc.corpus.clause(str(cite.get("clause_id")))
        labels.append(clause_label(svc.corpus, clause) if clause else str(cite.get("title")))
    if labels:
        text += "\n\n依据：杭高新〔2024〕7号 " + "、".join(dict.fromkeys(labels))
    return clip_bytes(text)


class Responder:
    """Answers within a deadline; slow answers stay cached so the user's resend gets them at once."""

    def __init__(self, svc: Services):
        self.svc = svc
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="policybot-wechat")
        self._pending: OrderedDict[tuple[str, str], tuple[float, Future[dict[str, Any]]]] = OrderedDict()
        self._lock = threading.Lock()

    def answer(self, user: str, question: str) -> str:
        deadline = self.svc.settings.wechat_reply_deadline_seconds
        future = self._future(user, question)
        try:
            result = future.result(timeout=deadline)
        except FutureTimeout:
            return STILL_WORKING
        except ApiError as exc:
            self._forget(user, question)
            return exc.message
        self._forget(user, question)
        return format_answer(result, self.svc)

    def _future(self, user: str, question: str) -> Future[dict[str, Any]]:
        now = time.monotonic()
        with self._lock:
            for key in [k for k, (t, _) in self._pending.items() if now - t > PENDING_TTL_SECONDS]:
                del self._pending[key]
            entry = self._pending.get((user, question))
            if entry is not None:
                return entry[1]
            context = contextvars.copy_context()  # keeps the request's client/path for the records
            future = self._pool.submit(context.run, self.svc.ask, question, f"wx-{user}")
            self._pending[(user, question)] = (now, future)
            while len(self._pending) > PENDING_MAX:
                self._pending.popitem(last=False)
            return future

    def _forget(self, user: str, question: str) -> None:
        with self._lock:
            self._pending.pop((user, question), None)


_RESPONDER_LOCK = threading.Lock()


def responder(request: Request) -> Responder:
    """One Responder per app, created on first WeChat message."""
    with _RESPONDER_LOCK:
        if getattr(request.app.state, "wechat_responder", None) is None:
            request.app.state.wechat_responder = Responder(request.app.state.services)
    return request.app.state.wechat_responder  # type: ignore[no-any-return]


def reply_for(msg: dict[str, str], bot: Responder) -> str | None:
    """The reply text for one message, or None when WeChat expects no reply (most events)."""
    kind = msg.get("MsgType", "")
    if kind == "event":
        return WELCOME if msg.get("Event", "").lower() == "subscribe" else None
    # With speech recognition on, WeChat sends the transcript of a voice message in Recognition.
    question = (
        msg.get("Content", "") if kind == "text" else msg.get("Recognition", "") if kind == "voice" else ""
    )
    if not question.strip():
        return NON_TEXT
    # Over-long questions get the engine's own "问题太长" reply, like every other channel.
    return bot.answer(msg["FromUserName"], question)


@router.post("/wechat", tags=["微信"], summary="接收微信消息推送并被动回复（明文模式）")
async def wechat_receive(request: Request, svc: Services = Depends(_verified)) -> Response:
    msg = parse_message(await request.body())
    # The engine blocks; keep the event loop free while it (and the deadline wait) runs.
    text = await run_in_threadpool(reply_for, msg, responder(request))
    if text is None:
        return PlainTextResponse("success")
    return Response(reply_xml(msg, text), media_type="application/xml")
