"""The app factory each `policybot serve --workers N` process runs: settings from the environment (the
parent wrote its command-line options there), the engine loaded from the index on disk."""

from __future__ import annotations

from typing import Any


def build_app() -> Any:
    from bot import build_engine
    from bot.http.app import create_app
    from bot.http.server import freeze_heap
    from bot.settings import Settings

    settings = Settings()
    app = create_app(settings, build_engine(settings))
    freeze_heap()
    return app
