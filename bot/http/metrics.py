"""GET /metrics in Prometheus text format (prometheus-client): requests by route and status, answer latency,
answers by status and mode, LLM fallbacks, rate-limit rejections, live sessions. With several worker
processes (PROMETHEUS_MULTIPROC_DIR set by `policybot serve --workers`), every worker writes its own files
and a scrape of any worker adds them up."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
# Label values come from our own code, never from a request: paths are route templates, reasons their code.
_REASON = re.compile(r"[a-z_]{1,40}")
_MOUNTS = (("/ui", "/ui"), ("/docs-assets", "/docs-assets"))


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class Metrics:
    """The service's metrics, registered in a registry of their own (one per app)."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        reg = self.registry
        self.requests = Counter(
            "policybot_http_requests",
            "HTTP 请求数（按路由模板、方法、状态码）",
            ["route", "method", "status"],
            registry=reg,
        )
        self.answer_latency = Histogram(
            "policybot_answer_latency_seconds",
            "问答耗时（引擎；在事件循环上时不含记录的批量提交等待）",
            buckets=LATENCY_BUCKETS,
            registry=reg,
        )
        self.answers = Counter(
            "policybot_answers", "回答数（按状态、规则/大模型模式）", ["status", "mode"], registry=reg
        )
        self.llm_fallbacks = Counter(
            "policybot_llm_fallbacks", "大模型回退到规则路由的次数", ["reason"], registry=reg
        )
        self.rate_limited = Counter("policybot_rate_limited", "因限流拒绝的请求数", ["kind"], registry=reg)
        self.sessions_live = Gauge(
            "policybot_sessions_live", "活会话数", registry=reg, multiprocess_mode="mostrecent"
        )

    def observe_answer(self, answer: Any, seconds: float) -> None:
        self.answer_latency.observe(seconds)
        self.answers.labels(
            str(getattr(answer, "status", "")), str(getattr(answer, "mode", None) or "rules")
        ).inc()
        reason = getattr(answer, "fallback_reason", None)
        if reason:
            code = str(reason).split(":", 1)[0].strip()
            self.llm_fallbacks.labels(code if _REASON.fullmatch(code) else "other").inc()

    def render(self, live_sessions: int | None) -> bytes:
        from prometheus_client import CollectorRegistry, generate_latest
        from prometheus_client.multiprocess import MultiProcessCollector

        if live_sessions is not None:
            self.sessions_live.set(live_sessions)
        path = multiprocess_dir()
        if path is None:
            return bytes(generate_latest(self.registry))
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=path)  # type: ignore[no-untyped-call]
        return bytes(generate_latest(registry))


class MeteredEngine:
    """Wraps an engine so every answer is counted and timed."""

    def __init__(self, engine: Any, metrics: Metrics) -> None:
        self._engine = engine
        self._metrics = metrics

    def ask(self, text: str, session_id: str | None = None, **kwargs: Any) -> Any:
        started = time.perf_counter()
        answer = self._engine.ask(text, session_id=session_id, **kwargs)
        self._metrics.observe_answer(answer, time.perf_counter() - started)
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


class RequestMetrics:
    """Pure ASGI middleware counting every HTTP response by route template, method and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = [500]

        async def counting_send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            method = scope.get("method", "")
            self.metrics.requests.labels(
                _route(scope), method if method in _METHODS else "OTHER", str(status[0])
            ).inc()


_METHODS = frozenset({"GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"})


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    raw = str(scope.get("path", ""))
    return next((label for prefix, label in _MOUNTS if raw.startswith(prefix)), "unmatched")


def install_metrics(app: FastAPI, services: Any) -> Metrics:
    """Count answers through the engine wrapper and serve GET /metrics; returns the metrics for the guards."""
    metrics = Metrics()
    services.wrap_engine(lambda engine: MeteredEngine(engine, metrics))

    @app.get("/metrics", include_in_schema=False)
    def get_metrics() -> Response:
        live = len(services.engine().sessions) if services.engine_ready else None
        from prometheus_client import CONTENT_TYPE_LATEST

        return Response(metrics.render(live), media_type=CONTENT_TYPE_LATEST)

    return metrics
