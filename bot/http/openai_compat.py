"""OpenAI-compatible /v1/chat/completions and /v1/models, so OpenAI clients, Dify or FastGPT can use policybot."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Depends, Header
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from bot.http.chat import SESSION_ID_MAX, checked_message
from bot.http.errors import ApiError
from bot.http.services import JsonResponse, Services, services
from bot.http.text import text_pieces

router = APIRouter()

MODEL_ID = "policybot"
# Without a session id, earlier user turns are replayed into a fresh session so follow-ups keep context.
REPLAY_TURNS = 4


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str = Field(..., max_length=40)
    text: str | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None


class CompletionRequest(BaseModel):
    """The subset of the OpenAI chat-completions request policybot reads; other fields are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(MODEL_ID, max_length=200)
    messages: list[Message] = Field(..., min_length=1, max_length=200)
    stream: bool = False
    user: str | None = Field(None, max_length=SESSION_ID_MAX, description="终端用户标识，兼作会话编号")
    session_id: str | None = Field(None, max_length=SESSION_ID_MAX, description="policybot 扩展：会话编号")


def message_text(message: Message) -> str:
    if isinstance(message.content, str):
        return message.content
    return "".join(p.text or "" for p in message.content or [] if p.type in ("text", "input_text"))


def user_turns(req: CompletionRequest) -> list[str]:
    return [message_text(m) for m in req.messages if m.role == "user"]


def render_content(result: dict[str, Any]) -> str:
    """Answer text followed by its citations, so plain OpenAI clients still show where it comes from."""
    text = str(result.get("answer", ""))
    cites = result.get("citations") or []
    if not cites:
        return text
    lines = [f"【{c.get('clause_id')}】{c.get('title')}：{c.get('quote')}" for c in cites]
    return text + "\n\n依据（杭高新〔2024〕7号）：\n" + "\n".join(lines)


async def _answer(req: CompletionRequest, svc: Services, header_session: str | None) -> dict[str, Any]:
    turns = user_turns(req)
    if not turns:
        raise ApiError(422, "invalid_request", "字段“messages”中没有用户消息（role 为 user）")
    question = checked_message(turns[-1], svc, field="messages")
    session = req.session_id or header_session or req.user
    if session:
        return await svc.ask_async(question, session)
    session = f"oa-{uuid.uuid4().hex}"
    for earlier in turns[:-1][-REPLAY_TURNS:]:
        if earlier.strip() and len(earlier) <= svc.settings.max_message_chars:
            await svc.ask_async(earlier, session)
    return await svc.ask_async(question, session)


def _usage(req: CompletionRequest, content: str) -> dict[str, int]:
    # Characters stand in for tokens: there is no tokenizer, and clients only need plausible numbers.
    prompt = sum(len(message_text(m)) for m in req.messages)
    return {"prompt_tokens": prompt, "completion_tokens": len(content), "total_tokens": prompt + len(content)}


def completion(req: CompletionRequest, result: dict[str, Any]) -> dict[str, Any]:
    content = render_content(result)
    return {
        "id": f"chatcmpl-{result.get('answer_id') or uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": req.model or MODEL_ID,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": _usage(req, content),
        "policybot": result,
    }


def _chunk(base: dict[str, Any], delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
    body = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
    return b"data: " + orjson.dumps(body, default=str) + b"\n\n"


def completion_chunks(req: CompletionRequest, result: dict[str, Any]) -> Iterator[bytes]:
    """The same completion as server-sent `chat.completion.chunk` events, then `data: [DONE]`."""
    base = {
        "id": f"chatcmpl-{result.get('answer_id') or uuid.uuid4().hex}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": req.model or MODEL_ID,
    }
    yield _chunk(base, {"role": "assistant", "content": ""})
    for piece in text_pieces(render_content(result)):
        yield _chunk(base, {"content": piece})
    yield _chunk(base, {}, "stop", policybot=result)
    yield b"data: [DONE]\n\n"


@router.post("/v1/chat/completions", tags=["OpenAI 兼容"], summary="OpenAI 兼容的对话接口（支持 stream）")
async def chat_completions(
    req: CompletionRequest,
    svc: Services = Depends(services),
    x_session_id: str | None = Header(None, max_length=SESSION_ID_MAX, description="会话编号（可选）"),
) -> Any:
    result = await _answer(req, svc, x_session_id)
    headers = {"X-Session-Id": str(result.get("session_id") or "")}
    if not req.stream:
        return JsonResponse(completion(req, result), headers=headers)
    headers.update({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    return StreamingResponse(completion_chunks(req, result), media_type="text/event-stream", headers=headers)


@router.get("/v1/models", tags=["OpenAI 兼容"], summary="模型列表（仅 policybot）")
def list_models() -> Any:
    model = {"id": MODEL_ID, "object": "model", "created": 1716508800, "owned_by": "policybot"}
    return {"object": "list", "data": [model]}
