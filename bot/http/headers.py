"""Response headers every reply carries: no MIME sniffing, a referrer policy, who may frame the page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from bot.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def security_headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    """The headers for settings: frame-ancestors from settings.frame_ancestors (a web-view or portal may embed)."""
    ancestors = " ".join(settings.frame_ancestors) or "'none'"
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", settings.referrer_policy.encode("latin-1")),
        (b"content-security-policy", f"frame-ancestors {ancestors}".encode("latin-1")),
    ]
    # Old browsers only know X-Frame-Options, which can say "nobody" or "this site" but not a list.
    legacy = {"'self'": b"SAMEORIGIN", "'none'": b"DENY"}.get(ancestors)
    if legacy is not None:
        headers.append((b"x-frame-options", legacy))
    return headers


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response (the API, the docs and the web UI alike)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.headers = security_headers(settings)
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message["headers"] = [*kept, *self.headers]
            await send(message)

        await self.app(scope, receive, sending)
