"""Fixtures for API tests: an app without the web UI, rate limiting off, on a fake or the real engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.packs.corpus import Corpus
from bot.settings import Settings
from tests.api.fakes import FakeEngine


@pytest.fixture
def api_settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        embedding_model=None,
        llm_base_url=None,
        serve_ui=False,
        rate_limit_per_minute=0,
        wechat_token="wx-test-token",
    )


@pytest.fixture
def fake_engine(corpus: Corpus) -> FakeEngine:
    return FakeEngine(corpus)


@pytest.fixture
def client(api_settings: Settings, fake_engine: FakeEngine) -> Iterator[TestClient]:
    from bot.http.app import create_app

    with TestClient(create_app(api_settings, fake_engine), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def real_engine(tmp_path_factory: pytest.TempPathFactory):
    """The real engine on a lexical index built once per test session in a temporary data directory."""
    from bot import build_engine

    data = tmp_path_factory.mktemp("engine-data")
    return build_engine(Settings(data_dir=data, embedding_model=None, llm_base_url=None))
