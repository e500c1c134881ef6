"""POST /v1/chat and the OpenAI-compatible endpoint, on a fake engine: shapes, sessions, streaming, bad input."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.api.fakes import FakeEngine
from tests.api.test_basics import assert_error
from tests.bot.test_engine import KEYS as ANSWER_KEYS


def sse_events(text: str) -> list[tuple[str, str]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields.get("event", "message"), fields["data"]))
    return events


def test_chat_returns_engine_answer_and_passes_session(client: TestClient, fake_engine: FakeEngine) -> None:
    body = client.post("/v1/chat", json={"message": "流片补贴", "session_id": "abc"}).json()
    assert set(body) == ANSWER_KEYS
    assert body["answer"].startswith("回答：流片补贴")
    assert body["session_id"] == "abc"
    assert fake_engine.calls == [("流片补贴", "abc")]


def test_chat_without_session_lets_engine_choose(client: TestClient, fake_engine: FakeEngine) -> None:
    body = client.post("/v1/chat", json={"message": "你好"}).json()
    assert fake_engine.calls == [("你好", None)]
    assert body["session_id"].startswith("s-")


def test_chat_sse_stream_pieces_rebuild_the_answer(client: TestClient) -> None:
    resp = client.post("/v1/chat", json={"message": "流片", "stream": True})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/event-stream")
    events = sse_events(resp.text)
    deltas = [json.loads(d)["text"] for e, d in events if e == "delta"]
    final = [json.loads(d) for e, d in events if e == "answer"]
    assert len(deltas) >= 2  # "回答：流片。" and "第二句！"
    assert "".join(deltas) == final[0]["answer"]
    assert events[-1] == ("done", "[DONE]")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "message"),
        ({"message": 123}, "message"),
        ({"message": None}, "message"),
        ({"message": ["a"]}, "message"),
        ({"message": ""}, "message"),
        ({"message": "   \n "}, "message"),
        ({"message": "hi", "session_id": 5}, "session_id"),
        ({"message": "hi", "session_id": "x" * 200}, "session_id"),
        ({"message": "hi", "stream": "maybe"}, "stream"),
    ],
)
def test_chat_bad_fields_are_422_naming_the_field(client: TestClient, payload: dict, field: str) -> None:
    resp = client.post("/v1/chat", json=payload)
    assert resp.status_code == 422, resp.text
    assert f"“{field}”" in resp.json()["error"]["message"]


def test_chat_oversized_message_is_rejected(client: TestClient, fake_engine: FakeEngine) -> None:
    resp = client.post("/v1/chat", json={"message": "流片" * 2000})
    assert resp.status_code in (413, 422)
    assert "message_too_long" in resp.text or "payload_too_large" in resp.text
    assert fake_engine.calls == []


@pytest.mark.parametrize(
    "raw", [b"{bad json", b'{"message": "a",}', b"\xff\xfe", b"[1, 2]", b'"just a string"', b""]
)
def test_chat_broken_or_non_object_json_is_4xx(client: TestClient, raw: bytes) -> None:
    resp = client.post("/v1/chat", content=raw, headers={"content-type": "application/json"})
    assert resp.status_code in (400, 422), resp.text
    assert resp.json()["error"]["code"] in ("invalid_json", "invalid_request")


def test_engine_failure_is_503_not_500(api_settings, corpus) -> None:
    from bot.http.app import create_app
    from bot.http.errors import ApiError

    class Broken(FakeEngine):
        def ask(self, text, session_id=None, **kwargs):
            raise ApiError(503, "engine_unavailable", "问答引擎暂不可用")

    with TestClient(create_app(api_settings, Broken(corpus))) as c:
        assert_error(c.post("/v1/chat", json={"message": "流片"}), 503, "engine_unavailable")


def completion(client: TestClient, **body) -> dict:
    resp = client.post("/v1/chat/completions", json={"model": "policybot", **body})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_completion_shape_and_citations_in_text_and_extra(client: TestClient) -> None:
    body = completion(
        client, messages=[{"role": "system", "content": "你是助手"}, {"role": "user", "content": "流片"}]
    )
    assert body["object"] == "chat.completion"
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
    assert choice["message"]["content"].startswith("回答：流片")
    assert "【m3】加大流片支持" in choice["message"]["content"]
    assert body["policybot"]["citations"][0]["clause_id"] == "m3"
    assert (
        body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]
    )


def test_completion_content_parts_and_session_sources(client: TestClient, fake_engine: FakeEngine) -> None:
    parts = [{"type": "text", "text": "流片"}, {"type": "text", "text": "补贴"}]
    completion(client, messages=[{"role": "user", "content": parts}], user="u1")
    completion(client, messages=[{"role": "user", "content": "再问"}], session_id="s9", user="u1")
    resp = client.post(
        "/v1/chat/completions",
        json={"messages": [{"role": "user", "content": "三问"}]},
        headers={"X-Session-Id": "hdr"},
    )
    assert resp.headers["x-session-id"] == "hdr"
    # `user` names a person, not a conversation: it is never a session key.
    assert fake_engine.calls == [("流片补贴", None), ("再问", "s9"), ("三问", "hdr")]


def test_completion_history_is_the_conversation(client: TestClient, fake_engine: FakeEngine) -> None:
    msgs = [
        {"role": "system", "content": "你是助手"},
        {"role": "user", "content": "首次流片费用多少能补贴"},
        {"role": "assistant", "content": "请问流片费用是多少？"},
        {"role": "user", "content": "800万"},
    ]
    resp = client.post(
        "/v1/chat/completions",
        json={"model": "policybot", "messages": msgs, "user": "u1", "session_id": "s9"},
        headers={"X-Session-Id": "hdr"},
    )
    assert resp.status_code == 200
    # Earlier user turns are replayed into a throw-away session; a stored session is not consulted.
    assert fake_engine.calls == [("800万", None)]
    assert fake_engine.histories == [("首次流片费用多少能补贴",)]
    assert "x-session-id" not in resp.headers


def test_completion_tools_and_tool_messages_are_ignored(client: TestClient, fake_engine: FakeEngine) -> None:
    tool = {"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}
    msgs = [
        {"role": "user", "content": "流片"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function"}]},
        {"role": "tool", "tool_call_id": "c1", "content": "晴"},
        {"role": "user", "content": "800万"},
    ]
    body = completion(client, messages=msgs, tools=[tool], tool_choice="auto", temperature=0.2, seed=1)
    assert body["choices"][0]["message"]["content"].startswith("回答：800万")
    assert "tool_calls" not in body["choices"][0]["message"]
    assert fake_engine.histories == [("流片",)]


def openai_error(resp, status: int, param: str) -> str:
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert err["param"] == param and err["type"] == "invalid_request_error"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"])
    return str(err["message"])


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"n": 2}, "n"),
        ({"logprobs": True}, "logprobs"),
        ({"response_format": {"type": "json_schema", "json_schema": {"name": "x"}}}, "response_format"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
    ],
)
def test_completion_unsupported_options_are_400(client: TestClient, extra: dict, param: str) -> None:
    body = {"model": "policybot", "messages": [{"role": "user", "content": "流片"}], **extra}
    openai_error(client.post("/v1/chat/completions", json=body), 400, param)


def test_completion_unknown_model_is_404_naming_policybot(client: TestClient, fake_engine) -> None:
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "流片"}]}
    assert "policybot" in openai_error(client.post("/v1/chat/completions", json=body), 404, "model")
    assert fake_engine.calls == []
    assert completion(client, messages=[{"role": "user", "content": "流片"}], n=1)["model"] == "policybot"


def test_completion_json_mode_returns_the_structured_answer(client: TestClient) -> None:
    body = completion(
        client, messages=[{"role": "user", "content": "流片"}], response_format={"type": "json_object"}
    )
    data = json.loads(body["choices"][0]["message"]["content"])
    assert data["status"] == "answered" and data["citations"][0]["clause_id"] == "m3"
    assert "answer_id" not in data and "session_id" not in data  # same messages, same content


def test_completion_stop_and_max_tokens(client: TestClient, fake_engine: FakeEngine) -> None:
    body = completion(client, messages=[{"role": "user", "content": "流片"}], stop="第二句")
    assert body["choices"][0]["message"]["content"] == "回答：流片。"
    assert body["choices"][0]["finish_reason"] == "stop"
    # Too short for the citations: the answer alone (citations stay in the policybot field).
    body = completion(client, messages=[{"role": "user", "content": "流片"}], max_tokens=20)
    assert body["choices"][0]["message"]["content"] == "回答：流片。第二句！"
    assert body["choices"][0]["finish_reason"] == "stop" and body["policybot"]["citations"]
    body = completion(client, messages=[{"role": "user", "content": "流片"}], max_completion_tokens=3)
    assert body["choices"][0]["message"]["content"] == "回答："
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["completion_tokens"] == 3


def test_completion_stream_include_usage_ends_with_usage_chunk(client: TestClient) -> None:
    resp = client.post(
        "/v1/chat/completions",
        json={
            "messages": [{"role": "user", "content": "流片"}],
            "stream": True,
            "stream_options": {"include_usage": True},
        },
    )
    datas = [line[6:] for line in resp.text.splitlines() if line.startswith("data: ")]
    assert datas[-1] == "[DONE]"
    chunks = [json.loads(d) for d in datas[:-1]]
    assert all(c["usage"] is None for c in chunks[:-1])
    last = chunks[-1]
    assert last["choices"] == []
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks[:-1])
    assert last["usage"]["completion_tokens"] == len(text)


def test_completion_stream_chunks_then_done(client: TestClient) -> None:
    resp = client.post(
        "/v1/chat/completions", json={"messages": [{"role": "user", "content": "流片"}], "stream": True}
    )
    assert resp.headers["content-type"].startswith("text/event-stream")
    datas = [line[6:] for line in resp.text.splitlines() if line.startswith("data: ")]
    assert datas[-1] == "[DONE]"
    chunks = [json.loads(d) for d in datas[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text.startswith("回答：流片") and "【m3】" in text
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["policybot"]["citations"][0]["clause_id"] == "m3"


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"messages": []},
        {"messages": "hi"},
        {"messages": [{"role": "user"}]},
        {"messages": [{"role": "wizard", "content": "hi"}]},
        {"messages": [{"role": "system", "content": "only system"}]},
        {"messages": [{"role": "user", "content": "  "}]},
        {"messages": [{"role": "user", "content": 42}]},
        {"messages": [{"role": "user", "content": "hi"}], "stream": "maybe"},
    ],
)
def test_completion_bad_input_is_422(client: TestClient, payload: dict) -> None:
    resp = client.post("/v1/chat/completions", json=payload)
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["message"]


def test_models_lists_policybot(client: TestClient) -> None:
    assert [m["id"] for m in client.get("/v1/models").json()["data"]] == ["policybot"]
