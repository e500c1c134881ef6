"""JSON errors with stable codes and Chinese messages; no bad input ever reaches a 500."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("policybot.api")

# Stable codes by HTTP status for errors raised by the framework itself (unknown path, wrong method...).
STATUS_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求格式有误"),
    401: ("unauthorized", "未授权"),
    403: ("forbidden", "禁止访问"),
    404: ("not_found", "接口不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("payload_too_large", "请求体过大"),
    415: ("unsupported_media_type", "不支持的请求内容类型"),
    422: ("invalid_request", "请求参数有误"),
    429: ("rate_limited", "请求过于频繁，请稍后再试"),
    503: ("unavailable", "服务暂不可用，请稍后再试"),
}

# Pydantic error types → Chinese wording; {ctx} keys come from the error's ctx dict.
_TYPE_MESSAGES: dict[str, str] = {
    "missing": "缺少必填字段",
    "string_type": "应为字符串",
    "string_too_short": "不能为空",
    "string_too_long": "过长（最多 {max_length} 个字符）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "bool_type": "应为布尔值（true/false）",
    "bool_parsing": "应为布尔值（true/false）",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "list_type": "应为数组",
    "dict_type": "应为对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "literal_error": "取值无效，应为 {expected} 之一",
    "enum": "取值无效，应为 {expected} 之一",
    "extra_forbidden": "不支持该字段",
    "too_long": "元素过多（最多 {max_length} 个）",
    "too_short": "元素过少（至少 {min_length} 个）",
}


class ApiError(Exception):
    """An error a handler raises on purpose: HTTP status, stable code, Chinese message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: list[dict[str, Any]] | None = None,
        param: str | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []
        # OpenAI-compatible errors also name the offending request field (`param`) and an error `type`.
        self.param = param


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The one error shape every endpoint returns."""
    err: dict[str, Any] = {"code": code, "message": message}
    if details:
        err["details"] = details
    return {"error": err}


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """Dotted field path without the 'body'/'query'/'path' prefix, e.g. messages.0.content."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "请求体"


def describe_error(err: dict[str, Any]) -> dict[str, str]:
    """One pydantic error as {field, message} in Chinese."""
    name = field_name(err.get("loc", ()))
    template = _TYPE_MESSAGES.get(str(err.get("type")), "取值无效")
    try:
        text = template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        text = template
    if err.get("type") == "missing":
        return {"field": name, "message": f"缺少必填字段“{name}”"}
    return {"field": name, "message": f"字段“{name}”{text}"}


def validation_response(errors: list[dict[str, Any]]) -> JSONResponse:
    """422 for bad fields, 400 when the body is not JSON at all."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(400, "invalid_json", "请求体不是合法的 JSON")
    details = [describe_error(e) for e in errors]
    message = "；".join(d["message"] for d in details[:5]) or STATUS_CODES[422][1]
    return error_response(422, "invalid_request", message, details)


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    response = error_response(exc.status, exc.code, exc.message, exc.details)
    if exc.param is not None:
        body = error_body(exc.code, exc.message, exc.details)
        body["error"].update(type="invalid_request_error", param=exc.param)
        response = JSONResponse(body, status_code=exc.status)
    return response


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return validation_response(list(exc.errors()))


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = STATUS_CODES.get(exc.status_code, ("http_error", "请求失败"))
    # Handlers that raise HTTPException with a Chinese detail keep their wording.
    if isinstance(exc.detail, str) and exc.detail and not exc.detail.isascii():
        message = exc.detail
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # A bug, not bad input: log it with the traceback, answer in the same JSON shape.
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "服务内部错误，请稍后再试")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the JSON error shape."""
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)
