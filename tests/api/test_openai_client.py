"""The official openai client against our /v1/chat/completions on a real 127.0.0.1 server and the real engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.settings import Settings
from tests.api.live import live_server

pytestmark = pytest.mark.slow

QUESTION = "首次流片费用800万元，最多能补贴多少？"


@pytest.fixture(scope="module")
def base_url(real_engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from bot.http.app import create_app

    settings = Settings(
        data_dir=tmp_path_factory.mktemp("oa-data"), embedding_model=None, llm_base_url=None, serve_ui=False
    )
    with live_server(create_app(settings, real_engine)) as url:
        yield url


@pytest.fixture
def oa(base_url: str):
    from openai import OpenAI

    return OpenAI(base_url=base_url + "/v1", api_key="not-needed", max_retries=0, timeout=30)


def test_openai_client_non_streaming(oa) -> None:
    resp = oa.chat.completions.create(model="policybot", messages=[{"role": "user", "content": QUESTION}])
    text = resp.choices[0].message.content
    # 800万 is under the 1000万 tier: 30% = 240万, below the 300万 annual cap.
    assert "240万元" in text
    assert "【m3】加大流片支持" in text
    extra = resp.model_extra["policybot"]
    assert extra["total_max_subsidy_yuan"] == "2400000"
    assert extra["citations"][0]["clause_id"] == "m3"


def test_openai_client_streaming_with_usage(oa) -> None:
    stream = oa.chat.completions.create(
        model="policybot",
        messages=[{"role": "user", "content": QUESTION}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "240万元" in text and "【m3】" in text
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == len(text)
    assert all(c.usage is None for c in chunks[:-1])


def _amount(resp) -> str:
    return str(resp.model_extra["policybot"]["total_max_subsidy_yuan"])


@pytest.mark.parametrize("user", [None, "dify-user-1"])
def test_openai_client_regenerate_is_idempotent(oa, user) -> None:
    """Regenerating "再加一笔300万" replays the same history: 200万 + 300万 once, however often."""
    first = oa.chat.completions.create(
        model="policybot", messages=[{"role": "user", "content": "首次流片费用200万元能补多少？"}], user=user
    )
    assert _amount(first) == "600000"
    history = [
        {"role": "user", "content": "首次流片费用200万元能补多少？"},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "再加一笔300万"},
    ]
    extra = {"user": user} if user else {}
    replies = [oa.chat.completions.create(model="policybot", messages=history, **extra) for _ in range(3)]
    # (200万 + 300万) × 30% = 150万, each time.
    assert [_amount(r) for r in replies] == ["1500000"] * 3
    assert len({r.choices[0].message.content for r in replies}) == 1


def test_openai_client_same_user_new_conversation_starts_fresh(oa) -> None:
    """A new conversation of the same `user` is not answered from an older one."""
    oa.chat.completions.create(model="policybot", messages=[{"role": "user", "content": QUESTION}], user="u7")
    fresh = oa.chat.completions.create(
        model="policybot", messages=[{"role": "user", "content": "那如果是1500万呢"}], user="u7"
    )
    assert "225万元" not in fresh.choices[0].message.content
    assert _amount(fresh) != "2250000"


def test_openai_client_json_mode(oa) -> None:
    import json

    resp = oa.chat.completions.create(
        model="policybot",
        messages=[{"role": "user", "content": QUESTION}],
        response_format={"type": "json_object"},
    )
    data = json.loads(resp.choices[0].message.content)
    assert data["total_max_subsidy_yuan"] == "2400000" and data["calculations"][0]["clause_id"] == "m3"


def test_openai_client_errors_unknown_model_and_n(oa) -> None:
    import openai

    with pytest.raises(openai.NotFoundError) as err:
        oa.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": QUESTION}])
    assert "policybot" in str(err.value)
    with pytest.raises(openai.BadRequestError) as bad:
        oa.chat.completions.create(model="policybot", messages=[{"role": "user", "content": QUESTION}], n=2)
    assert bad.value.body["param"] == "n"


def test_openai_client_ignores_tools(oa) -> None:
    tools = [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]
    resp = oa.chat.completions.create(
        model="policybot", messages=[{"role": "user", "content": QUESTION}], tools=tools
    )
    assert "240万元" in resp.choices[0].message.content and not resp.choices[0].message.tool_calls


@pytest.mark.parametrize("user", [None, "fastgpt-user"])
def test_openai_client_follow_up_by_history(oa, user) -> None:
    """A client that resends the history (Dify, FastGPT) keeps context without a session id."""
    extra = {"user": user} if user else {}
    first = oa.chat.completions.create(
        model="policybot", messages=[{"role": "user", "content": "首次流片能补贴多少？"}], **extra
    )
    history = [
        {"role": "user", "content": "首次流片能补贴多少？"},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "1500万"},
    ]
    resp = oa.chat.completions.create(model="policybot", messages=history, **extra)
    # "1500万" alone is out of scope; with the replayed question it is a tape-out fee: 15% tier = 225万.
    assert "225万元" in resp.choices[0].message.content
    alone = oa.chat.completions.create(
        model="policybot", messages=[{"role": "user", "content": "1500万"}], **extra
    )
    assert "225万元" not in alone.choices[0].message.content


def test_openai_client_lists_model(oa) -> None:
    assert [m.id for m in oa.models.list()] == ["policybot"]
