"""政策体检 over HTTP: the form's fields, the self-check as JSON, and its printable report."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Body
from fastapi.responses import HTMLResponse

from bot.http.errors import ApiError
from bot.selfcheck import SelfCheck, SelfCheckError


def _run(selfcheck: SelfCheck, body: Any) -> dict[str, Any]:
    try:
        return selfcheck.run(body)
    except SelfCheckError as exc:
        raise ApiError(422, "invalid_selfcheck", str(exc), exc.errors) from None


def selfcheck_router(selfcheck: SelfCheck) -> APIRouter:
    """Routes on one SelfCheck built at start-up (a bad selfcheck.yaml stops start-up)."""
    from bot.selfcheck.form import example_request

    router = APIRouter(prefix="/v1/selfcheck", tags=["政策体检"])
    example = example_request(selfcheck.catalogue, date.today().year)

    @router.get("/form", summary="政策体检表单：基本情况与各措施的参数（按政策包生成）")
    def get_form() -> Any:
        from bot.selfcheck.form import form_spec

        return form_spec(selfcheck.catalogue)

    @router.post("", summary="政策体检：列出每项措施的结果、最高金额、理由和责任单位，以及合计")
    def post_selfcheck(body: Any = Body(..., examples=[example])) -> Any:
        return _run(selfcheck, body)

    @router.post(
        "/report",
        summary="政策体检报告（可打印的 HTML，A4）",
        response_class=HTMLResponse,
        responses={200: {"content": {"text/html": {}}}},
    )
    def post_report(body: Any = Body(..., examples=[example])) -> HTMLResponse:
        from bot.selfcheck.report import report_html

        return HTMLResponse(report_html(_run(selfcheck, body)))

    return router
