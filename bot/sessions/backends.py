"""The session store the settings ask for: Redis when POLICYBOT_REDIS_URL is set, else in-process with a
SQLite snapshot next to the records so a restarted single instance keeps its conversations."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from bot.settings import Settings

log = logging.getLogger(__name__)


def open_sessions(settings: Settings) -> Any:
    """A store with open(session_id, channel=, client=) -> Lookup, settle(lookup) and len()."""
    if settings.redis_url is not None:
        from bot.sessions.redis_store import RedisSessionStore

        return RedisSessionStore.from_settings(settings)
    from bot.sessions.snapshots import DB_NAME, SessionSnapshots
    from bot.sessions.store import SessionStore

    try:
        backing = SessionSnapshots(settings.data_dir / DB_NAME, settings.session_ttl_seconds)
    except (OSError, sqlite3.Error) as exc:
        log.warning("无法保存会话（%s）：重启后进行中的对话将过期", exc)
        backing = None
    return SessionStore.from_settings(settings, backing)
