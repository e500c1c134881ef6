"""Fixtures for the self-check tests: one SelfCheck over the built-in packs."""

from __future__ import annotations

import pytest

from bot.packs.loader import load_packs
from bot.selfcheck import SelfCheck
from bot.settings import DEFAULT_CORPUS_DIR


@pytest.fixture(scope="session")
def selfcheck() -> SelfCheck:
    return SelfCheck(load_packs(DEFAULT_CORPUS_DIR))
