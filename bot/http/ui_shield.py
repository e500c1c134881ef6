"""The web UI's front door: only the routes the page uses, same-origin calls only, Gradio sessions bound
to a server-issued cookie, malformed queue calls refused as 4xx, and no tracebacks for client errors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.exceptions import HTTPException

from bot.http.errors import error_body
from bot.http.guards import replay_body
from bot.sessions.ids import SessionIds
from bot.settings import Settings

log = logging.getLogger("policybot.ui")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "policybot_ui"
COOKIE_CHANNEL = "ui-cookie"
MAX_HASH_CHARS = 64
# Everything the page needs (measured with a real browser); dev/reload, monitoring, deep links, uploads,
# the HTTP API, run history and the rest of Gradio's routes answer 404.
_GET_ROUTES = re.compile(
    r"/(|assets/.+|static/.+|theme\.css|favicon\.ico|manifest\.json|robots\.txt|config/?"
    r"|gradio_api/heartbeat/[^/]+|gradio_api/queue/data)"
)
_POST_ROUTES = frozenset({"/gradio_api/queue/join", "/gradio_api/cancel"})
# A component's own server functions (gr.HTML(server_functions=...)): only those, by component and name.
_COMPONENT_ROUTES = frozenset({"/gradio_api/component_server", "/gradio_api/component_server/"})
_HEARTBEAT = "/gradio_api/heartbeat/"


class Refusal(Exception):
    """A UI request refused before Gradio sees it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class UiShield:
    """ASGI middleware in front of the Gradio app mounted at `prefix`."""

    def __init__(self, app: ASGIApp, settings: Settings, blocks: Any, prefix: str = "/ui"):
        self.app = app
        self.settings = settings
        self.blocks = blocks
        # Cookies and bindings name Gradio sessions, which live in memory: keys need not outlive the process.
        self.ids = SessionIds()
        self.prefix = prefix
        self._key = secrets.token_bytes(32)
        self._allowed_origins = {_netloc(o) for o in settings.cors_origins}
        self._public = _netloc(settings.public_base_url) if settings.public_base_url else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not path.startswith(self.prefix + "/"):
            await self.app(scope, receive, send)
            return
        sub = path[len(self.prefix) :]
        self._pin_origin(scope)
        try:
            cookie = self._check(scope, sub)
            receive = await self._bind(scope, sub, cookie, receive)
        except Refusal as refusal:
            await _send_json(send, refusal.status, error_body(refusal.code, refusal.message))
            return
        if sub == "/" and cookie is None:
            send = self._setting_cookie(scope, send)
        await self._guarded(scope, receive, send)

    def _pin_origin(self, scope: Scope) -> None:
        """Gradio writes its root URL from X-Forwarded-Host/-Proto, X-Gradio-Server or Host: with a public
        address configured, those say exactly that address; X-Gradio-Server never comes from outside."""
        headers = [(k, v) for k, v in scope.get("headers") or () if k != b"x-gradio-server"]
        public = self.settings.public_base_url
        if public:
            pinned = {b"x-forwarded-host", b"x-forwarded-proto"}
            headers = [(k, v) for k, v in headers if k not in pinned]
            headers += [
                (b"x-forwarded-host", self._public.encode()),
                (b"x-forwarded-proto", public.split(":")[0].encode()),
            ]
        scope["headers"] = headers

    def _check(self, scope: Scope, sub: str) -> str | None:
        """Route and origin checks; returns this browser's cookie token when it has a valid one."""
        method = scope["method"]
        allowed = (
            _GET_ROUTES.fullmatch(sub)
            if method in ("GET", "HEAD")
            else method == "POST" and (sub in _POST_ROUTES or sub in _COMPONENT_ROUTES)
        )
        if not allowed:
            raise Refusal(404, "not_found", "接口不存在")
        origin = _header(scope, b"origin")
        if origin is not None and not self._same_origin(scope, origin):
            raise Refusal(403, "cross_origin", "不允许从其他网站调用本页面的接口")
        token = _cookie(scope, COOKIE)
        return token if token and self.ids.valid(COOKIE_CHANNEL, token) else None

    def _same_origin(self, scope: Scope, origin: str) -> bool:
        netloc = _netloc(origin)
        if netloc in self._allowed_origins:
            return True
        if self._public:
            return netloc == self._public
        # X-Forwarded-Host is only still present when a trusted proxy sent it (bot.http.clients).
        host = _header(scope, b"x-forwarded-host") or _header(scope, b"host") or ""
        return bool(netloc) and netloc == _netloc("//" + host.split(",")[0].strip())

    async def _bind(self, scope: Scope, sub: str, cookie: str | None, receive: Receive) -> Receive:
        """Replace the page's session_hash by one bound to this browser, wherever the request names it."""
        owner = cookie or "addr:" + str((scope.get("client") or ("",))[0])
        if sub.startswith(_HEARTBEAT):
            bound = self._bound(owner, sub[len(_HEARTBEAT) :])
            scope["path"] = self.prefix + _HEARTBEAT + bound
            scope["raw_path"] = scope["path"].encode()
            return receive
        if sub == "/gradio_api/queue/data":
            query = dict(parse_qsl(bytes(scope.get("query_string", b"")).decode("latin-1")))
            bound = self._bound(owner, query.get("session_hash", ""))
            if not self._streaming(bound):
                raise Refusal(404, "session_not_found", "页面会话不存在或已结束，请刷新页面")
            scope["query_string"] = urlencode({**query, "session_hash": bound}).encode()
            return receive
        if sub in _POST_ROUTES or sub in _COMPONENT_ROUTES:
            body = self._checked_body(sub, await _read(receive))
            body["session_hash"] = self._bound(owner, body["session_hash"])
            return _replaying(scope, json.dumps(body).encode(), receive)
        return receive

    def _bound(self, owner: str, session_hash: str) -> str:
        if not 0 < len(session_hash) <= MAX_HASH_CHARS:
            raise Refusal(422, "invalid_request", "session_hash 缺失或过长")
        mac = hmac.new(self._key, f"{owner}\n{session_hash}".encode(), hashlib.sha256).digest()[:18]
        return "pb" + base64.urlsafe_b64encode(mac).decode()

    def _streaming(self, bound: str) -> bool:
        # An unknown session would fail inside Gradio's stream with a logged traceback: answer 404 here.
        queue = getattr(self.blocks, "_queue", None)
        pending = getattr(queue, "pending_messages_per_session", None)
        return pending is None or bound in pending

    def _checked_body(self, sub: str, raw: bytes) -> dict[str, Any]:
        try:
            body = json.loads(raw)
        except ValueError:
            raise Refusal(400, "invalid_json", "请求体不是合法的 JSON") from None
        if not isinstance(body, dict) or not isinstance(body.get("session_hash"), str):
            raise Refusal(422, "invalid_request", "缺少 session_hash")
        if sub in _COMPONENT_ROUTES:
            self._check_server_fn(body)
            return body
        fn_index = body.get("fn_index")
        if isinstance(fn_index, bool) or not isinstance(fn_index, int) or fn_index not in self.blocks.fns:
            raise Refusal(422, "invalid_request", "fn_index 无效")
        if sub.endswith("/queue/join"):
            trigger = body.get("trigger_id")
            if not isinstance(body.get("data"), list) or not (trigger is None or type(trigger) is int):
                raise Refusal(422, "invalid_request", "data 应为数组，trigger_id 应为整数")
        elif not isinstance(body.get("event_id"), str):
            raise Refusal(422, "invalid_request", "缺少 event_id")
        return body

    def _check_server_fn(self, body: dict[str, Any]) -> None:
        """A component server call names a component of this page and one of its declared server functions."""
        component = body.get("component_id")
        block = None if type(component) is not int else getattr(self.blocks, "blocks", {}).get(component)
        names = {fn.__name__ for fn in getattr(block, "server_fns", None) or ()}
        if not names or body.get("fn_name") not in names or "data" not in body:
            raise Refusal(404, "not_found", "接口不存在")

    def _setting_cookie(self, scope: Scope, send: Send) -> Send:
        secure = self._https(scope)
        attrs = (
            "; Path="
            + self.prefix
            + "; HttpOnly; "
            + ("SameSite=None; Secure; Partitioned" if secure else "SameSite=Lax")
        )
        value = f"{COOKIE}={self.ids.issue(COOKIE_CHANNEL)}{attrs}".encode()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", value)]
            await send(message)

        return sending

    def _https(self, scope: Scope) -> bool:
        if self.settings.public_base_url:
            return self.settings.public_base_url.startswith("https:")
        return scope.get("scheme") == "https" or _header(scope, b"x-forwarded-proto") == "https"

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run Gradio; a 5xx body is replaced by ours (no Python reprs), an exception ends the reply quietly."""
        state = {"started": False, "masked": False, "done": False}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
                if message["status"] >= 500:
                    state["masked"] = True
                    await _send_json(
                        send, message["status"], error_body("internal_error", "服务内部错误，请稍后再试")
                    )
                    return
            if state["masked"]:
                return
            state["done"] = message["type"] == "http.response.body" and not message.get("more_body", False)
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except HTTPException as exc:  # a client error raised inside a stream: no traceback for those
            log.info("网页请求 %s 结束：%s", scope.get("path"), exc.status_code)
            await self._finish(send, state, exc.status_code)
        except Exception:
            log.exception("网页请求 %s 出错", scope.get("path"))
            await self._finish(send, state, 500)

    async def _finish(self, send: Send, state: dict[str, bool], status: int) -> None:
        if not state["started"]:
            await _send_json(send, status, error_body("request_failed", "请求失败，请刷新页面后重试"))
        elif not state["done"] and not state["masked"]:
            await send({"type": "http.response.body", "body": b"", "more_body": False})


def _netloc(url: str) -> str:
    parts = urlsplit(url if "//" in url else "//" + url)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port
    except ValueError:
        return ""
    return host if port in (None, default) else f"{host}:{port}"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _cookie(scope: Scope, name: str) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed Cookie header is simply no cookie
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(scope: Scope, body: bytes, receive: Receive) -> Receive:
    """The rewritten body handed on, its Content-Length corrected."""
    headers = [(k, v) for k, v in scope.get("headers") or () if k != b"content-length"]
    scope["headers"] = [*headers, (b"content-length", str(len(body)).encode())]
    return replay_body(body, receive)


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload, "more_body": False})
