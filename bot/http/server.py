"""How uvicorn runs the app: client addresses are the app's business, no banner, one worker."""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger("policybot.api")


def server_config(app: Any, host: str, port: int, **options: Any) -> Any:
    """uvicorn.Config for app; `options` are passed on (log_level, access_log...).

    proxy_headers is off: uvicorn would otherwise rewrite the client address from X-Forwarded-For for
    any request from 127.0.0.1 before the app could judge it (bot.http.clients does, from configured
    proxies only). workers is 1 whatever WEB_CONCURRENCY says: sessions and limits live in this process."""
    import uvicorn

    workers = os.environ.get("WEB_CONCURRENCY", "").strip()
    if workers not in ("", "1"):
        log.warning("忽略 WEB_CONCURRENCY=%s：政策通以单进程运行（会话与限流状态在进程内存中）。", workers)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        proxy_headers=False,
        server_header=False,
        workers=1,
        **options,
    )


def serve(app: Any, host: str, port: int, **options: Any) -> None:
    """Run app until interrupted."""
    import uvicorn

    uvicorn.Server(server_config(app, host, port, **options)).run()
