"""Explicit fixtures shared across the test folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus import Corpus, load_corpus
from bot.settings import DEFAULT_CORPUS_DIR, Settings


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return load_corpus(DEFAULT_CORPUS_DIR)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedding_model=None, llm_base_url=None)
