"""政策通 engine package. `from bot import build_engine, Engine, Answer` (imported lazily: `bot.cli` stays fast)."""

from __future__ import annotations

from typing import Any

__all__ = ["Answer", "Engine", "build_engine"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from bot import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'bot' has no attribute {name!r}")
