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


def test_openai_client_streaming(oa) -> None:
    stream = oa.chat.completions.create(
        model="policybot", messages=[{"role": "user", "content": QUESTION}], stream=True
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "240万元" in text and "【m3】" in text
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_openai_client_follow_up_by_history(oa) -> None:
    """A client that resends the history (Dify, FastGPT) keeps context without a session id."""
    first = oa.chat.completions.create(
        model="policybot", messages=[{"role": "user", "content": "首次流片能补贴多少？"}]
    )
    history = [
        {"role": "user", "content": "首次流片能补贴多少？"},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "1500万"},
    ]
    resp = oa.chat.completions.create(model="policybot", messages=history)
    # "1500万" alone is out of scope; with the replayed question it is a tape-out fee: 15% tier = 225万.
    assert "225万元" in resp.choices[0].message.content
    alone = oa.chat.completions.create(model="policybot", messages=[{"role": "user", "content": "1500万"}])
    assert "225万元" not in alone.choices[0].message.content


def test_openai_client_lists_model(oa) -> None:
    assert [m.id for m in oa.models.list()] == ["policybot"]
