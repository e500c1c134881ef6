"""Feedback endpoint and token-protected admin endpoints (reindex, record export, purge)."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from bot.http.guards import GuardError, require_admin
from bot.http.shared_state import make_replay_guard
from bot.records.backends import open_records
from bot.records.recording import RecordingEngine
from bot.records.store import RecordStore, UnknownAnswerError, export_csv
from bot.settings import Settings

log = logging.getLogger(__name__)

STATUSES = ("answered", "need_more_info", "not_covered")


class FeedbackIn(BaseModel):
    """反馈：对某条回答是否有用，可附简短意见。"""

    model_config = ConfigDict(extra="forbid")

    answer_id: str = Field(
        ..., min_length=1, max_length=64, description="回答编号（/v1/chat 返回的 answer_id）"
    )
    helpful: bool = Field(..., strict=True, description="是否有用")
    comment: str | None = Field(None, max_length=1000, description="意见（可选，最多 1000 字）")


class FeedbackOut(BaseModel):
    ok: bool = True
    feedback_id: int


class PurgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    older_than_days: float | None = Field(
        None, ge=0, le=36500, description="删除多少天以前的记录；为空则按配置的保留天数"
    )


class PurgeOut(BaseModel):
    answers_deleted: int
    feedback_deleted: int


def feedback_router(store: RecordStore) -> APIRouter:
    """`POST /v1/feedback`: public, rate-limited like every other POST."""
    router = APIRouter(prefix="/v1", tags=["feedback"])

    @router.post("/feedback", response_model=FeedbackOut, summary="对回答提交反馈")
    def post_feedback(body: FeedbackIn) -> FeedbackOut:
        comment = body.comment.strip() if body.comment else None
        try:
            fid = store.add_feedback(body.answer_id, body.helpful, comment or None)
        except UnknownAnswerError:
            raise GuardError(404, "answer_not_found", "未找到该回答编号，无法提交反馈。") from None
        return FeedbackOut(feedback_id=fid)

    return router


def admin_router(settings: Settings, store: RecordStore, reindex: Callable[[], dict[str, Any]]) -> APIRouter:
    """Admin endpoints under /v1/admin; every one needs the admin token and is 404 when none is set."""
    # Without a token the routes answer 404, and the API docs do not list them either.
    router = APIRouter(
        prefix="/v1/admin",
        tags=["admin"],
        dependencies=[Depends(require_admin(settings))],
        include_in_schema=bool(settings.admin_token and settings.admin_token.get_secret_value()),
    )
    reindex_lock = threading.Lock()

    @router.post("/reindex", summary="重建检索索引")
    def post_reindex() -> dict[str, Any]:
        if not reindex_lock.acquire(blocking=False):
            raise GuardError(409, "reindex_running", "索引正在重建，请稍后再试。")
        try:
            return {"ok": True, **reindex()}
        finally:
            reindex_lock.release()

    @router.get("/records", summary="导出问答记录（JSON 或 CSV）")
    def get_records(
        limit: int = Query(100, ge=1, le=100000),
        status: Literal["answered", "need_more_info", "not_covered"] | None = None,
        since_days: float | None = Query(None, ge=0, le=36500),
        format: Literal["json", "csv"] = "json",
    ) -> Any:
        rows = store.recent(limit, statuses=[status] if status else None, since_days=since_days)
        if format == "json":
            return {"records": rows}
        out = io.StringIO()
        export_csv(rows, out)
        # BOM so Excel/WPS open the Chinese text correctly.
        return Response(
            "\ufeff" + out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="policybot-records.csv"'},
        )

    @router.get("/feedback", summary="最近的反馈")
    def get_feedback(limit: int = Query(100, ge=1, le=100000)) -> dict[str, Any]:
        return {"feedback": store.feedback(limit), "counts": store.counts()}

    @router.post("/purge", response_model=PurgeOut, summary="按保留期删除旧记录")
    def post_purge(body: PurgeIn | None = None) -> PurgeOut:
        result = store.purge(body.older_than_days if body else None)
        return PurgeOut(answers_deleted=result.answers, feedback_deleted=result.feedback)

    return router


def rebuild_index(settings: Settings, engine: Any) -> dict[str, Any]:
    """Rebuild the retrieval index on disk and swap it into the running engine."""
    from bot.retrieval.retriever import Retriever

    inner = getattr(engine, "_engine", engine)
    retriever = Retriever.build(settings, inner.corpus)
    inner.retriever = retriever
    router = getattr(inner, "router", None)
    if router is not None and hasattr(router, "retriever"):
        router.retriever = retriever  # the deterministic router searches through its own reference
    log.info("检索索引已重建：%s", retriever.modes)
    return {"modes": list(retriever.modes)}


def install_reliability(app: FastAPI, settings: Settings) -> RecordStore:
    """Conversation records, feedback and admin routes on the app from bot.http.app.create_app."""
    store = open_records(settings)
    app.state.records = store
    services = app.state.services
    # Every engine.ask the app makes (chat, OpenAI-compatible, WeChat, web UI) is recorded.
    services.wrap_engine(lambda engine: RecordingEngine(engine, store))
    # bot.http.wechat calls this after checking the signature: an old timestamp or a nonce already seen
    # inside the window (a replayed URL, perhaps with a forged body) gets 403.
    app.state.wechat_replay_guard = make_replay_guard(settings)
    app.include_router(feedback_router(store))
    app.include_router(admin_router(settings, store, lambda: rebuild_index(settings, services.engine())))
    return store
