"""Request guards: size/depth/count limits, per-client rate limiting, admin token, CORS, WeChat replay window."""

from __future__ import annotations

import hmac
import json
import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.http.clients import Caller, ConnectionCounter, ProxyPolicy, client_key, proxy_policy
from bot.records.recording import reset_request_context, set_request_context
from bot.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class GuardError(Exception):
    """A refused request: HTTP status, stable code, Chinese message, extra headers."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}

    def response(self) -> JSONResponse:
        body = {"error": {"code": self.code, "message": self.message}}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def client_address(scope: Scope, proxies: ProxyPolicy) -> Caller:
    """The caller; forwarded headers count only from a configured proxy (see bot.http.clients)."""
    return proxies.caller(scope)


def json_violation(body: bytes, settings: Settings) -> GuardError | None:
    """Return the first limit a JSON body breaks (message length, depth, item count), else None."""
    max_chars, max_depth, max_items = (
        settings.max_message_chars,
        settings.max_json_depth,
        settings.max_json_items,
    )
    # Cheap byte counts prove most bodies harmless without parsing them twice.
    if (
        len(body) <= max_chars
        and body.count(b"[") + body.count(b"{") <= max_depth
        and body.count(b",") < max_items
    ):
        return None
    try:
        data = json.loads(body)
    except RecursionError:
        return _too_deep(max_depth)
    except ValueError:
        return None  # malformed JSON or bad UTF-8: the app's own parser reports it as 400/422
    items = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if len(node) > max_chars:
                return GuardError(
                    422, "message_too_long", f"消息过长：单条内容最多 {max_chars} 字，请精简后重试。"
                )
            continue
        if not isinstance(node, dict | list):
            continue
        if depth > max_depth:
            return _too_deep(max_depth)
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        items += len(node)
        if items > max_items:
            return GuardError(
                422, "too_many_items", f"请求中的条目过多（最多 {max_items} 项），请拆分后重试。"
            )
        stack.extend((child, depth + 1) for child in children)
    return None


def _too_deep(max_depth: int) -> GuardError:
    return GuardError(422, "json_too_deep", f"请求 JSON 嵌套过深（最多 {max_depth} 层）。")


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers") or ():
        if name == b"content-type":
            return b"json" in value.lower()
    return True  # FastAPI parses a body without content-type as JSON too


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class GuardMiddleware:
    """Pure ASGI middleware (cheap per request): rate limits, connections per client, query/body size, JSON
    shape; puts the real client address into the scope and sets the record context."""

    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        limiter: Any = None,
        on_rejected: Callable[[str], None] | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.exempt = frozenset(settings.rate_limit_exempt)
        self.proxies = proxy_policy(settings.trusted_proxies, settings.trust_forwarded_for)
        from bot.http.shared_state import make_limiter  # in Redis when configured, else in this process

        self.limiter = limiter or make_limiter(
            settings, settings.rate_limit_per_minute, settings.rate_limit_burst, "api"
        )
        self.page_limiter = make_limiter(
            settings, settings.rate_limit_page_per_minute, settings.rate_limit_page_burst, "page"
        )
        self.on_rejected = on_rejected or (lambda kind: None)  # bot.http.metrics counts these
        self.connections = ConnectionCounter(settings.max_connections_per_client)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        caller = client_address(scope, self.proxies)
        if caller.address and caller.forwarded:
            scope["client"] = (caller.address, 0)  # so mounted apps (the web UI) see the real client too
        key = client_key(caller.address) or "?"
        token = set_request_context(caller.address, scope.get("path"))
        # /wechat is not counted: a few signed Tencent addresses carry all of its traffic.
        counted = str(scope.get("path", "")) != "/wechat"
        acquired = False
        try:
            error = self._check_head(scope, caller, key)
            if error is None and counted:
                acquired = self.connections.acquire(key)
                error = None if acquired else self._too_many_connections()
            await self._serve(scope, receive, send, error)
        finally:
            if acquired:
                self.connections.release(key)
            reset_request_context(token)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, error: GuardError | None) -> None:
        body: bytes | None = None
        if error is None and scope["method"] in BODY_METHODS:
            body, error = await self._read_body(scope, receive)
        if error is not None:
            await error.response()(scope, receive, send)
            return
        await self.app(scope, receive if body is None else replay_body(body, receive), send)

    def _check_head(self, scope: Scope, caller: Caller, key: str) -> GuardError | None:
        # Only the socket peer itself can be exempt: an address read from a header never is.
        exempt = not caller.forwarded and caller.address in self.exempt
        limiter = self.limiter if _api_request(scope) else self.page_limiter
        if limiter is not None and not exempt and str(scope.get("path", "")) != "/wechat":
            wait = limiter.hit(key)
            if wait > 0:
                self.on_rejected("api" if limiter is self.limiter else "page")
                seconds = max(1, math.ceil(wait))
                return GuardError(
                    429,
                    "rate_limited",
                    f"请求过于频繁，请 {seconds} 秒后再试。",
                    {"Retry-After": str(seconds)},
                )
        if len(scope.get("query_string") or b"") > self.settings.max_query_chars:
            return GuardError(
                422, "query_too_long", f"查询参数过长（最多 {self.settings.max_query_chars} 字符）。"
            )
        length = _content_length(scope)
        if length is not None and length > self.settings.max_body_bytes:
            return _too_large(self.settings.max_body_bytes)
        return None

    def _too_many_connections(self) -> GuardError:
        limit = self.settings.max_connections_per_client
        return GuardError(
            429,
            "too_many_connections",
            f"同时进行的请求过多（每个客户端最多 {limit} 个），请关闭多余的页面或稍后再试。",
            {"Retry-After": "1"},
        )

    async def _read_body(self, scope: Scope, receive: Receive) -> tuple[bytes, GuardError | None]:
        limit = self.settings.max_body_bytes
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # client went away; the app sees an empty body and the server drops the reply
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:  # chunked uploads carry no Content-Length: count as we go
                return b"", _too_large(limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and _is_json(scope):
            return body, json_violation(body, self.settings)
        return body, None


def _api_request(scope: Scope) -> bool:
    # API calls and every POST (including the web chat's queue) share the stricter bucket; page loads,
    # static assets and the web UI's streams have their own, larger one. /wechat is in neither: all its
    # traffic comes from a few Tencent addresses and must carry a valid signature, so an address-based
    # limit would throttle every WeChat user at once.
    return scope["method"] in BODY_METHODS or str(scope.get("path", "")).startswith("/v1/")


def _too_large(limit: int) -> GuardError:
    return GuardError(413, "payload_too_large", f"请求体过大（上限 {limit // 1024} KB），请缩短内容后重试。")


def replay_body(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the body already read, then waits for the disconnect as before."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # later calls wait for the disconnect, as streaming responses expect

    return replay


def require_admin(settings: Settings) -> Callable[[Request], None]:
    """FastAPI dependency: 404 when no admin token is configured, 401 without a token, 403 with a wrong one."""
    expected = None if settings.admin_token is None else settings.admin_token.get_secret_value().encode()

    def dependency(request: Request) -> None:
        if not expected:
            raise GuardError(404, "not_found", "未找到该接口。")
        given = request.headers.get("x-admin-token")
        auth = request.headers.get("authorization", "")
        if given is None and auth[:7].lower() == "bearer ":
            given = auth[7:].strip()
        if not given:
            raise GuardError(
                401,
                "admin_token_required",
                "需要管理令牌（请求头 Authorization: Bearer <令牌>）。",
                {"WWW-Authenticate": "Bearer"},
            )
        # Constant-time comparison so response timing reveals nothing about the token.
        if not hmac.compare_digest(given.encode(), expected):
            raise GuardError(403, "admin_token_invalid", "管理令牌不正确。")

    return dependency


async def _guard_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GuardError)
    return exc.response()


def install_guards(
    app: FastAPI, settings: Settings, on_rejected: Callable[[str], None] | None = None
) -> None:
    """Add limits, rate limiting and CORS to the app; call once at creation."""
    from starlette.middleware.cors import CORSMiddleware

    app.add_exception_handler(GuardError, _guard_error_handler)
    app.add_middleware(GuardMiddleware, settings=settings, on_rejected=on_rejected)
    # Added last, so it wraps the guards: a browser can read our 413/429 bodies too. Always present, even
    # with no origins: a mounted Gradio app then leaves CORS to it instead of granting its own.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Content-Type", "Authorization"],
        max_age=600,
    )
