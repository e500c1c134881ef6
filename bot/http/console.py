"""The policy office's console over HTTP, under /v1/admin (admin token): figures, the questions the assistant
fell short on, and answers marked wrong kept as regression cases."""

from __future__ import annotations

import io
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from bot.http.errors import ApiError
from bot.http.guards import require_admin
from bot.records.cases import CaseError, CaseIn, CaseStore
from bot.records.console import Console, Window
from bot.settings import Settings

ANSWER_ID = Path(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="回答编号")


def window(
    since: date | None = Query(None, description="起始日期（含），如 2025-01-01"),
    until: date | None = Query(None, description="截止日期（含），如 2025-01-31"),
) -> Window:
    if since and until and since > until:
        raise ApiError(422, "invalid_window", "起始日期不能晚于截止日期")
    return Window(since, until)


def console_router(settings: Settings, console: Console, cases: CaseStore, resolve: Any) -> APIRouter:
    """Console routes; like every admin route, 404 without a configured token, 401/403 without the right one."""
    router = APIRouter(
        prefix="/v1/admin",
        tags=["运营台"],
        dependencies=[Depends(require_admin(settings))],
        include_in_schema=bool(settings.admin_token and settings.admin_token.get_secret_value()),
    )
    _read_routes(router, console, cases)
    _case_routes(router, cases, resolve)
    return router


def _read_routes(router: APIRouter, console: Console, cases: CaseStore) -> None:
    @router.get("/stats", summary="运营数据：每日问题数、按状态/模式、大模型回退、常用条款与测算器、中位耗时")
    def get_stats(win: Window = Depends(window)) -> dict[str, Any]:
        return console.summary(win)

    @router.get("/questions", summary="问题列表：未覆盖、待补充、差评（可按日期筛选、搜索）")
    def get_questions(
        kind: Literal["not_covered", "need_more_info", "negative", "all"] = Query(
            "not_covered", description="列表"
        ),
        q: str | None = Query(None, max_length=100, description="搜索问题、回答或反馈意见中的文字"),
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0, le=1_000_000),
        win: Window = Depends(window),
    ) -> dict[str, Any]:
        return console.questions(kind, win, q, limit, offset)

    @router.get("/answers/{answer_id}", summary="一条回答的完整记录")
    def get_answer(answer_id: str = ANSWER_ID) -> dict[str, Any]:
        found = console.answer(answer_id)
        if found is None:
            raise ApiError(404, "answer_not_found", "未找到该回答编号。")
        return {**found, "case": cases.get_by_answer(answer_id)}


def _case_routes(router: APIRouter, cases: CaseStore, resolve: Any) -> None:
    @router.post("/cases", summary="把一条回答标为错误，写明应有的条款、状态、金额（成为回归用例）")
    def post_case(body: CaseIn) -> dict[str, Any]:
        try:
            return cases.add(body, resolve)
        except CaseError as exc:
            code = "answer_not_found" if exc.status == 404 else "invalid_case"
            raise ApiError(exc.status, code, str(exc)) from None

    @router.get("/cases", summary="已标记的回归用例")
    def get_cases() -> dict[str, Any]:
        return {"cases": cases.list()}

    @router.get("/cases/export", summary="导出回归用例（JSON Lines，黄金集格式）")
    def export_cases() -> Response:
        out = io.StringIO()
        cases.export(out)
        headers = {"Content-Disposition": 'attachment; filename="policybot-cases.jsonl"'}
        return Response(out.getvalue(), media_type="application/x-ndjson; charset=utf-8", headers=headers)

    @router.delete("/cases/{case_id}", summary="删除一条回归用例")
    def delete_case(case_id: int = Path(..., ge=1, le=2**62)) -> dict[str, Any]:
        if not cases.delete(case_id):
            raise ApiError(404, "case_not_found", "未找到该用例。")
        return {"ok": True}
