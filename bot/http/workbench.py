"""The two workbenches beside the chat: the enterprise's 政策体检 and the policy office's console."""

from __future__ import annotations

from fastapi import FastAPI

from bot.settings import Settings


def install_workbench(app: FastAPI, settings: Settings) -> None:
    """Self-check routes (public) and console routes (admin token); after the guards and the records store."""
    from bot.http.selfcheck import selfcheck_router
    from bot.selfcheck import SelfCheck

    app.state.selfcheck = SelfCheck(app.state.services.packs)
    app.include_router(selfcheck_router(app.state.selfcheck))
    _install_console(app, settings)


def _install_console(app: FastAPI, settings: Settings) -> None:
    """The console reads whichever records store the app writes (app.state.records)."""
    from bot.http.console import console_router
    from bot.records.cases import open_cases
    from bot.records.console import open_console

    console = open_console(app.state.records)
    cases = open_cases(app.state.records, console)
    app.state.console, app.state.cases = console, cases
    resolve = app.state.services.corpus.resolve
    app.include_router(console_router(settings, console, cases, resolve))
