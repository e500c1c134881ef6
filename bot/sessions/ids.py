"""Server-issued session ids: 128 random bits plus an HMAC tag, so an id we issued is recognised after a
restart and a made-up one is not."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

KEY_NAME = "session_key"  # in the data directory, beside ip_salt (bot.keys.persistent_key)
TAG_BYTES = 16


class SessionIds:
    """Issues and checks ids of the form <22 random chars>.<22 tag chars>; the tag binds the channel."""

    def __init__(self, key: bytes | None = None) -> None:
        # Without a persisted key (tests, one-off engines) ids are only recognised by this process.
        self._key = key or secrets.token_bytes(32)

    def issue(self, channel: str) -> str:
        token = secrets.token_urlsafe(16)
        return f"{token}.{self._tag(channel, token)}"

    def valid(self, channel: str, session_id: str) -> bool:
        token, dot, tag = session_id.partition(".")
        if not dot or not token or len(session_id) > 128:
            return False
        return hmac.compare_digest(self._tag(channel, token).encode(), tag.encode("utf-8", "replace"))

    def _tag(self, channel: str, token: str) -> str:
        mac = hmac.new(self._key, f"{channel}\n{token}".encode(), hashlib.sha256).digest()[:TAG_BYTES]
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
