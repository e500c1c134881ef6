"""The records store the settings ask for: PostgreSQL for a postgresql:// POLICYBOT_DATABASE_URL, else SQLite
under the data directory."""

from __future__ import annotations

from bot.records.store import RecordStore
from bot.settings import Settings


def open_records(settings: Settings) -> RecordStore:
    """Open (creating if needed) the configured records store."""
    if settings.database_url is not None:
        from bot.records.postgres import PostgresRecordStore

        return PostgresRecordStore.open(settings)
    return RecordStore.open(settings)
