"""The HTTP app: `create_app(settings, engine=None)` serves the API under /v1, /wechat and the Gradio UI at /ui."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse, Response

from bot.http.errors import install_error_handlers
from bot.http.services import Engine, JsonResponse, Services
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.http.workbench import Workbench

log = logging.getLogger("policybot.api")

API_DESCRIPTION = (
    "政策通 HTTP 接口：{documents}问答、条款查询、检索、补贴测算，以及 OpenAI 兼容的 /v1/chat/completions。"
    '错误统一为 {{"error": {{"code": "...", "message": "中文说明"}}}}。'
)


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """Build the FastAPI app; the engine is built lazily when None."""
    services = Services(settings, engine)
    documents = "、".join(f"{d.doc_number}《{d.title}》" for d in services.corpus.documents)
    app = FastAPI(
        title="政策通 policybot",
        description=API_DESCRIPTION.format(documents=documents),
        version="0.1.0",
        default_response_class=JsonResponse,
        docs_url=None,  # served by _install_docs from local files: the default page loads a CDN
        redoc_url=None,
    )
    app.state.services = services
    app.state.settings = settings
    install_error_handlers(app)
    _install_docs(app)
    _include_routes(app)
    _install_records(app, settings)
    workbench = _install_workbench(app, settings)
    metrics = _install_metrics(app, settings, services)
    if settings.serve_ui:
        _mount_ui(app, settings, workbench)
    _install_guards(app, settings, metrics)
    return app


def _install_metrics(app: FastAPI, settings: Settings, services: Services) -> Any:
    if not settings.metrics_enabled:
        return None
    from bot.http.metrics import install_metrics

    return install_metrics(app, services)


def _include_routes(app: FastAPI) -> None:
    from bot.http import chat, openai_compat, routes, wechat

    app.include_router(routes.router)
    app.include_router(chat.router)
    app.include_router(openai_compat.router)
    app.include_router(wechat.router)


def _install_docs(app: FastAPI) -> None:
    """Swagger UI 5 at /docs from the fastapi-swagger package's files, so the page works offline.

    FastAPI writes OpenAPI 3.1; Swagger UI 4 cannot read it ("does not specify a valid version field").
    """
    from importlib import resources

    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    assets = resources.files("fastapi_swagger") / "resources"
    app.mount("/docs-assets", StaticFiles(directory=str(assets)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="政策通 API 文档",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )


def _install_records(app: FastAPI, settings: Settings) -> None:
    """Conversation records, feedback and admin routes (bot.http.admin)."""
    from bot.http.admin import install_reliability

    install_reliability(app, settings)


def _install_workbench(app: FastAPI, settings: Settings) -> Workbench:
    """政策体检 and the policy office's console (bot.http.workbench), on the records store."""
    from bot.http.workbench import install_workbench

    return install_workbench(app, settings)


def _install_guards(app: FastAPI, settings: Settings, metrics: Any) -> None:
    """Middleware, innermost first (each add wraps the ones before): the UI shield (added when mounting),
    limits and rate limits with the real client address, CORS, the security headers on every reply, then
    the request counter (so refused requests are counted too)."""
    from bot.http.guards import install_guards
    from bot.http.headers import SecurityHeadersMiddleware

    rejected = None if metrics is None else (lambda kind: metrics.rate_limited.labels(kind).inc())
    install_guards(app, settings, on_rejected=rejected)
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
    if metrics is not None:
        from bot.http.metrics import RequestMetrics

        app.add_middleware(RequestMetrics, metrics=metrics)


def _mount_ui(app: FastAPI, settings: Settings, workbench: Workbench) -> None:
    # Imported here: gradio takes seconds to import and API-only uses must not pay for it.
    import gradio as gr

    from bot.http.ui_shield import UiShield
    from ui.app import CSS, build_ui, ui_theme

    blocks = build_ui(app.state.services, workbench)
    gr.mount_gradio_app(
        app,
        blocks,
        path="/ui",
        theme=ui_theme(),
        css=CSS,
        footer_links=[],
        ssr_mode=False,
        show_error=False,  # exception texts stay in our log, not in the page
        enable_monitoring=False,
        run_history=False,
        mcp_server=False,
    )
    # The shield also pins the page's own URLs to settings.public_base_url (Gradio builds them from headers).
    app.add_middleware(UiShield, settings=settings, blocks=blocks)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/", status_code=307)
