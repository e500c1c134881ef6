"""POST /v1/chat: one question in, the same JSON as `policybot ask --json` out; optional SSE streaming."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from bot.http.errors import ApiError
from bot.http.services import JsonResponse, Services, services
from bot.http.text import text_pieces

router = APIRouter()

SESSION_ID_MAX = 128


class ChatRequest(BaseModel):
    """A question from a client (mini-program, web page, bot framework)."""

    message: str = Field(..., min_length=1, max_length=100_000, description="用户问题（中文）")
    session_id: str | None = Field(
        None, max_length=SESSION_ID_MAX, description="会话编号；首次为空，之后传回上次响应中的 session_id"
    )
    stream: bool = Field(False, description="为 true 时以 SSE（text/event-stream）逐段返回")


def checked_message(text: str, svc: Services, field: str = "message") -> str:
    """Reject blank and over-long messages with a 422 naming the field."""
    if not text.strip():
        raise ApiError(
            422, "invalid_request", f"字段“{field}”不能为空", [{"field": field, "message": "不能为空"}]
        )
    limit = svc.settings.max_message_chars
    if len(text) > limit:
        msg = f"字段“{field}”过长（最多 {limit} 个字符）"
        raise ApiError(422, "message_too_long", msg, [{"field": field, "message": msg}])
    return text


def sse(event: str, data: Any) -> bytes:
    return b"event: " + event.encode() + b"\ndata: " + orjson.dumps(data, default=str) + b"\n\n"


def _chat_events(result: dict[str, Any]) -> Iterator[bytes]:
    for piece in text_pieces(str(result.get("answer", ""))):
        yield sse("delta", {"text": piece})
    yield sse("answer", result)
    yield b"event: done\ndata: [DONE]\n\n"


@router.post(
    "/v1/chat",
    tags=["问答"],
    summary="提问（与 policybot ask --json 相同的 JSON）",
    responses={
        200: {"description": "status/answer/citations/calculations/total_max_subsidy_yuan/session_id"}
    },
)
async def chat(req: ChatRequest, svc: Services = Depends(services)) -> Any:
    result = await svc.ask_async(checked_message(req.message, svc), req.session_id)
    if not req.stream:
        # Answer.to_dict() holds only strings, booleans and None: FastAPI's jsonable_encoder would copy it unchanged.
        return JsonResponse(result)
    # The answer is complete before the first byte, so errors above still get a proper JSON status.
    return StreamingResponse(_chat_events(result), media_type="text/event-stream", headers=_SSE_HEADERS)


_SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
