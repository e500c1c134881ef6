"""Explicit fixtures shared across the test folders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.packs.corpus import Corpus, load_corpus
from bot.settings import DEFAULT_CORPUS_DIR, Settings


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return load_corpus(DEFAULT_CORPUS_DIR)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedding_model=None, llm_base_url=None)


@pytest.fixture(scope="session")
def engine_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for one lexical-only, deterministic engine shared by a whole test session."""
    return Settings(
        data_dir=tmp_path_factory.mktemp("engine") / "data", embedding_model=None, llm_base_url=None
    )


@pytest.fixture(scope="session")
def engine(engine_settings: Settings):  # type: ignore[no-untyped-def]
    """The real engine (deterministic router, real calculators and index), built once per session."""
    from bot import build_engine

    return build_engine(engine_settings)


def conversation(engine: Any, *questions: str) -> list[dict[str, Any]]:
    """Ask the questions in one session, in order; every answer as Answer.to_dict()."""
    session, out = None, []
    for q in questions:
        data = engine.ask(q, session_id=session).to_dict()
        session = data["session_id"]
        out.append(data)
    return out
