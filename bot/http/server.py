"""How uvicorn runs the app: client addresses are the app's business, no banner, one worker."""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger("policybot.api")


def server_config(app: Any, host: str, port: int, **options: Any) -> Any:
    """uvicorn.Config for app; `options` are passed on (log_level, access_log, workers...).

    proxy_headers is off: uvicorn would otherwise rewrite the client address from X-Forwarded-For for
    any request from 127.0.0.1 before the app could judge it (bot.http.clients does, from configured
    proxies only)."""
    import uvicorn

    options.setdefault("workers", 1)
    return uvicorn.Config(app, host=host, port=port, proxy_headers=False, server_header=False, **options)


def serve(app: Any, host: str, port: int, **options: Any) -> None:
    """Run app until interrupted."""
    import uvicorn

    freeze_heap()
    uvicorn.Server(server_config(app, host, port, **options)).run()


def freeze_heap() -> None:
    """Put what is loaded before serving (engine, index, vocabularies, the app) out of the garbage collector's
    reach: it lives as long as the process, and every full collection walked all of it while requests waited
    (measured: about 60 ms a time, which is what the slowest of a server's replies were waiting for)."""
    import gc

    gc.collect()
    gc.freeze()


def serve_workers(workers: int, host: str, port: int, **options: Any) -> None:
    """Run `workers` processes of bot.http.worker:build_app on one socket, their metrics in a shared
    directory (prometheus-client's multi-process mode) that starts empty."""
    import shutil
    import tempfile

    import uvicorn

    metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="policybot-metrics-")
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        uvicorn.run(
            "bot.http.worker:build_app",
            factory=True,
            host=host,
            port=port,
            proxy_headers=False,
            server_header=False,
            **{**options, "workers": workers},
        )
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
