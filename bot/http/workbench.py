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
