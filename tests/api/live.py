"""A real uvicorn server in a background thread on a free 127.0.0.1 port, for clients that need a socket."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app: Any, timeout: float = 60.0) -> Iterator[str]:
    """Serve app until the block ends; yields the base URL."""
    import uvicorn

    from bot.http.server import server_config

    port = free_port()
    # The same uvicorn settings as `policybot serve` (no proxy-header rewriting, no banner).
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("测试服务器未能启动")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
