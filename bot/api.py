"""The HTTP app: `create_app(settings, engine=None)` serves the API under /v1, /wechat and the Gradio UI at /ui."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from bot.api_errors import ApiError, install_error_handlers
from bot.corpus import Corpus, load_corpus
from bot.settings import Settings


class Engine(Protocol):
    """What the API needs from `bot.build_engine(settings)` (contract in the engine issue)."""

    retriever: Any
    corpus: Corpus

    def ask(self, text: str, session_id: str | None = None) -> Any: ...


log = logging.getLogger("policybot.api")

API_DESCRIPTION = (
    "政策通 HTTP 接口：杭高新〔2024〕7号《关于进一步推动集成电路和算力产业高质量发展的若干政策》问答、"
    "条款查询、检索、补贴测算，以及 OpenAI 兼容的 /v1/chat/completions。"
    '错误统一为 {"error": {"code": "...", "message": "中文说明"}}。'
)


class JsonResponse(Response):
    """JSON via orjson: non-ASCII kept as UTF-8, Decimal and other odd values as strings."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=str)


class Services:
    """What the endpoints share: settings, the corpus, and the engine (built once, on first use)."""

    def __init__(self, settings: Settings, engine: Engine | None = None):
        self.settings = settings
        self.corpus: Corpus = load_corpus(settings.corpus_dir)
        self._engine = engine
        self._lock = threading.Lock()
        self._error: str | None = None
        self._wrappers: list[Callable[[Engine], Engine]] = []
        # Deterministic answers are pure CPU under the GIL: two workers, first come first served, keep the tail
        # short. An LLM call waits on the network, so more of them may wait at once.
        workers = 2 if settings.llm_base_url is None else 16
        self._ask_pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="policybot-ask")

    @property
    def engine_ready(self) -> bool:
        return self._engine is not None

    def wrap_engine(self, wrapper: Callable[[Engine], Engine]) -> None:
        """Decorate the engine (e.g. record every ask); applied now if built, else right after building."""
        with self._lock:
            self._wrappers.append(wrapper)
            if self._engine is not None:
                self._engine = wrapper(self._engine)

    def engine(self) -> Engine:
        """The engine, building it (and its index) on first call; 503 if that fails."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._build()
        return self._engine

    def _build(self) -> Engine:
        from bot import build_engine

        try:
            engine: Engine = build_engine(self.settings)
        except Exception as exc:  # the index or a model may be missing; report it, keep serving the rest
            log.exception("engine build failed")
            self._error = str(exc)
            raise ApiError(503, "engine_unavailable", f"问答引擎暂不可用：{exc}") from exc
        self._error = None
        for wrapper in self._wrappers:
            engine = wrapper(engine)
        return engine

    def ask(self, text: str, session_id: str | None) -> dict[str, Any]:
        """Run the engine and return Answer.to_dict()."""
        return self.engine().ask(text, session_id=session_id or None).to_dict()  # type: ignore[no-any-return]

    async def ask_async(self, text: str, session_id: str | None) -> dict[str, Any]:
        """`ask` on the engine worker pool, so the event loop keeps serving while the engine works."""
        loop = asyncio.get_running_loop()
        # Carry the request's context (client, path: set by bot.guards for the conversation record).
        context = contextvars.copy_context()
        return await loop.run_in_executor(self._ask_pool, context.run, self.ask, text, session_id)

    def warm_in_background(self) -> None:
        """Start building the engine without blocking the caller (used by /readyz)."""
        if self._engine is None and not self._lock.locked():
            threading.Thread(target=self._warm, name="policybot-warm", daemon=True).start()

    def _warm(self) -> None:
        try:
            self.engine()
        except ApiError:
            pass

    @property
    def last_error(self) -> str | None:
        return self._error


async def services(request: Request) -> Services:
    """FastAPI dependency: the Services object of the running app."""
    return request.app.state.services  # type: ignore[no-any-return]


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """Build the FastAPI app; the engine is built lazily when None."""
    app = FastAPI(
        title="政策通 policybot",
        description=API_DESCRIPTION,
        version="0.1.0",
        default_response_class=JsonResponse,
        docs_url=None,  # served by _install_docs from local files: the default page loads a CDN
        redoc_url=None,
    )
    app.state.services = Services(settings, engine)
    app.state.settings = settings
    install_error_handlers(app)
    _install_docs(app)
    _include_routes(app)
    _install_guards(app, settings)
    if settings.serve_ui:
        _mount_ui(app)
    return app


def _include_routes(app: FastAPI) -> None:
    from bot import api_chat, api_routes, openai_compat, wechat

    app.include_router(api_routes.router)
    app.include_router(api_chat.router)
    app.include_router(openai_compat.router)
    app.include_router(wechat.router)


def _install_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the swagger-ui-bundle package, so the page works offline."""
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="政策通 API 文档",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )


def _install_guards(app: FastAPI, settings: Settings) -> None:
    """Reliability hook (issue 6): body limits, rate limit, records, admin, CORS live in bot.guards."""
    try:
        from bot import guards
    except ModuleNotFoundError as exc:
        if exc.name != "bot.guards":
            raise
        return
    guards.install(app, settings)


def _mount_ui(app: FastAPI) -> None:
    # Imported here: gradio takes seconds to import and API-only uses must not pay for it.
    import gradio as gr

    from ui.app import CSS, build_ui, ui_theme

    blocks = build_ui(app.state.services)
    gr.mount_gradio_app(
        app, blocks, path="/ui", theme=ui_theme(), css=CSS, footer_links=[], ssr_mode=False, show_error=True
    )

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/", status_code=307)
