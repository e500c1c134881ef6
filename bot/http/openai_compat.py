"""OpenAI-compatible /v1/chat/completions and /v1/models, so OpenAI clients, Dify or FastGPT can use policybot.

The conversation is what the client sends: earlier user turns in `messages` are replayed into a fresh,
throw-away session (deterministically, no LLM), so regenerating a reply gives the same reply and `user`
never ties two conversations together. Only a request with a single user turn may continue a stored session,
named by the `session_id` field or the X-Session-Id header.
"""

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
# Earlier user turns replayed per request; older ones are dropped (sessions keep a short history anyway).
REPLAY_TURNS = 20
# Public answer fields in JSON mode; ids are left out so the same messages give the same content.
JSON_FIELDS = ("status", "answer", "citations", "calculations", "total_max_subsidy_yuan")


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str = Field(..., max_length=40)
    text: str | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


class ResponseFormat(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str = Field("text", max_length=40)


class CompletionRequest(BaseModel):
    """The OpenAI chat-completions request; fields policybot has no use for (tools, temperature…) are ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(MODEL_ID, max_length=200, description="只有 policybot")
    messages: list[Message] = Field(..., min_length=1, max_length=200)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int | None = Field(None, ge=1, le=128, description="只支持 1")
    max_tokens: int | None = Field(None, ge=1, description="回复最多字数（按字符计）")
    max_completion_tokens: int | None = Field(None, ge=1, description="同 max_tokens")
    stop: str | list[str] | None = Field(None, description="停止词，最多 4 个")
    response_format: ResponseFormat | None = Field(None, description="text 或 json_object")
    logprobs: bool | None = None
    user: str | None = Field(None, max_length=256, description="终端用户标识（仅用于统计，不作会话编号）")
    session_id: str | None = Field(
        None, max_length=SESSION_ID_MAX, description="policybot 扩展：会话编号（仅单条用户消息时使用）"
    )


def message_text(message: Message) -> str:
    if isinstance(message.content, str):
        return message.content
    return "".join(p.text or "" for p in message.content or [] if p.type in ("text", "input_text"))


def user_turns(req: CompletionRequest) -> list[str]:
    return [message_text(m) for m in req.messages if m.role == "user"]


def _unsupported(param: str, message: str) -> ApiError:
    return ApiError(400, "unsupported_parameter", message, param=param)


def check_supported(req: CompletionRequest) -> None:
    """400/404 in the OpenAI error shape (with `param`) for what policybot cannot do."""
    if req.model != MODEL_ID:
        raise ApiError(
            404, "model_not_found", f"模型“{req.model[:60]}”不存在，可用模型：{MODEL_ID}", param="model"
        )
    if (req.n or 1) > 1:
        raise _unsupported("n", "暂不支持一次生成多个回复（n 只能为 1）：同一问题的答复总是相同的")
    if req.logprobs:
        raise _unsupported("logprobs", "不支持 logprobs：回答不是逐词采样生成的")
    kind = req.response_format.type if req.response_format else "text"
    if kind not in ("text", "json_object"):
        raise _unsupported(
            "response_format", f"不支持 response_format 类型“{kind[:40]}”，可用：text、json_object"
        )
    stops = [req.stop] if isinstance(req.stop, str) else req.stop or []
    if len(stops) > 4:
        raise _unsupported("stop", "stop 最多 4 个")


def render_content(result: dict[str, Any]) -> str:
    """Answer text followed by its citations, so plain OpenAI clients still show where it comes from."""
    return str(result.get("answer", "")) + _citations_text(result)


def _citations_text(result: dict[str, Any]) -> str:
    cites = result.get("citations") or []
    if not cites:
        return ""
    by_doc: dict[str, list[str]] = {}
    for c in cites:
        by_doc.setdefault(str(c.get("doc_number") or ""), []).append(
            f"【{c.get('clause_id')}】{c.get('title')}：{c.get('quote')}"
        )
    return "".join(f"\n\n依据（{doc}）：\n" + "\n".join(lines) for doc, lines in by_doc.items())


def json_content(result: dict[str, Any]) -> str:
    return orjson.dumps({k: result.get(k) for k in JSON_FIELDS}, default=str).decode()


def reply_content(req: CompletionRequest, result: dict[str, Any]) -> tuple[str, str]:
    """The assistant content and its finish_reason, after response_format, stop and max_tokens."""
    json_mode = req.response_format is not None and req.response_format.type == "json_object"
    content = json_content(result) if json_mode else render_content(result)
    for stop in [req.stop] if isinstance(req.stop, str) else req.stop or []:
        if stop and stop in content:
            content = content[: content.index(stop)]
    limit = req.max_completion_tokens or req.max_tokens
    if limit is None or len(content) <= limit:
        return content, "stop"
    bare = str(result.get("answer", ""))
    if not json_mode and len(bare) <= limit:
        return bare, "stop"  # the citations stay in the `policybot` field
    return content[:limit], "length"


async def _answer(req: CompletionRequest, svc: Services, header_session: str | None) -> dict[str, Any]:
    turns = user_turns(req)
    if not turns:
        raise ApiError(422, "invalid_request", "字段“messages”中没有用户消息（role 为 user）")
    question = checked_message(turns[-1], svc, field="messages")
    history = [t for t in turns[:-1] if t.strip()][-REPLAY_TURNS:]
    if history:
        return await svc.ask_async(question, None, history)
    return await svc.ask_async(question, req.session_id or header_session)


def usage(req: CompletionRequest, content: str) -> dict[str, int]:
    # Characters stand in for tokens: there is no tokenizer, and clients only need plausible numbers.
    prompt = sum(len(message_text(m)) for m in req.messages)
    return {"prompt_tokens": prompt, "completion_tokens": len(content), "total_tokens": prompt + len(content)}


def _base(result: dict[str, Any], kind: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{result.get('answer_id') or uuid.uuid4().hex}",
        "object": kind,
        "created": int(time.time()),
        "model": MODEL_ID,
    }


def completion(req: CompletionRequest, result: dict[str, Any]) -> dict[str, Any]:
    content, finish = reply_content(req, result)
    message = {"role": "assistant", "content": content}
    return {
        **_base(result, "chat.completion"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": usage(req, content),
        "policybot": result,
    }


def _chunk(body: dict[str, Any]) -> bytes:
    return b"data: " + orjson.dumps(body, default=str) + b"\n\n"


def completion_chunks(req: CompletionRequest, result: dict[str, Any]) -> Iterator[bytes]:
    """The same completion as server-sent `chat.completion.chunk` events, then `data: [DONE]`."""
    content, finish = reply_content(req, result)
    with_usage = req.stream_options is not None and req.stream_options.include_usage
    base = {**_base(result, "chat.completion.chunk"), **({"usage": None} if with_usage else {})}

    def chunk(delta: dict[str, Any], reason: str | None = None, **extra: Any) -> bytes:
        return _chunk({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": reason}], **extra})

    yield chunk({"role": "assistant", "content": ""})
    for piece in text_pieces(content) if content else []:
        yield chunk({"content": piece})
    yield chunk({}, finish, policybot=result)
    if with_usage:  # the spec's last chunk: no choices, the usage of the whole reply
        yield _chunk({**base, "choices": [], "usage": usage(req, content)})
    yield b"data: [DONE]\n\n"


@router.post(
    "/v1/chat/completions",
    tags=["OpenAI 兼容"],
    summary="OpenAI 兼容的对话接口（messages 中的历史即对话；支持 stream、json_object）",
)
async def chat_completions(
    req: CompletionRequest,
    svc: Services = Depends(services),
    x_session_id: str | None = Header(None, max_length=SESSION_ID_MAX, description="会话编号（可选）"),
) -> Any:
    check_supported(req)
    result = await _answer(req, svc, x_session_id)
    session = str(result.get("session_id") or "")
    headers = {"X-Session-Id": session} if session else {}
    if not req.stream:
        return JsonResponse(completion(req, result), headers=headers)
    headers.update({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    return StreamingResponse(completion_chunks(req, result), media_type="text/event-stream", headers=headers)


@router.get("/v1/models", tags=["OpenAI 兼容"], summary="模型列表（仅 policybot）")
def list_models() -> Any:
    model = {"id": MODEL_ID, "object": "model", "created": 1716508800, "owned_by": "policybot"}
    return {"object": "list", "data": [model]}
