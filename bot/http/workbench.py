"""The two workbenches beside the chat: the enterprise's 政策体检 and the policy office's console."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from bot.settings import Settings


@dataclass(frozen=True)
class Workbench:
    """What the self-check and console routes and tabs share (the web UI gets the same objects)."""

    settings: Settings
    selfcheck: Any  # bot.selfcheck.SelfCheck
    console: Any  # bot.records.console.Console
    cases: Any  # bot.records.cases.CaseStore
    resolve: Callable[[str], Any]  # a clause id as written → the clause, or None


def install_workbench(app: FastAPI, settings: Settings) -> Workbench:
    """Self-check routes (public) and console routes (admin token), on the records store."""
    from bot.http.console import console_router
    from bot.http.selfcheck import selfcheck_router
    from bot.records.cases import open_cases
    from bot.records.console import open_console
    from bot.selfcheck import SelfCheck

    console = open_console(app.state.records)
    workbench = Workbench(
        settings=settings,
        selfcheck=SelfCheck(app.state.services.packs),
        console=console,
        cases=open_cases(app.state.records, console),
        resolve=app.state.services.corpus.resolve,
    )
    app.include_router(selfcheck_router(workbench.selfcheck))
    app.include_router(console_router(settings, console, workbench.cases, workbench.resolve))
    return workbench
