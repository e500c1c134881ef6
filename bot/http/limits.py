"""In-process request limits: per-client token buckets and the WeChat replay window (bot.http.shared_state
holds the same in Redis when several instances serve)."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from bot.settings import Settings

MAX_TRACKED_CLIENTS = 65536


class RateLimiter:
    """Token bucket per client: `burst` requests at once, refilled at `per_minute` per minute."""

    def __init__(self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Take one token for key; returns 0 when allowed, else the seconds to wait before retrying."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self._buckets[key] = (tokens - 1 if wait == 0 else tokens, now)
            # Memory stays bounded however many addresses call: forget the least recently seen.
            while len(self._buckets) > MAX_TRACKED_CLIENTS:
                self._buckets.popitem(last=False)
        return wait


def check_wechat_timestamp(timestamp: str | int | None, settings: Settings, now: float | None = None) -> bool:
    """True when a WeChat push timestamp lies inside the replay window (either direction)."""
    try:
        ts = int(str(timestamp).strip())
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    return abs(current - ts) <= settings.wechat_replay_window_seconds


class WechatReplayGuard:
    """Signed WeChat pushes inside the time window; a (timestamp, nonce) pair carries one body only.

    WeChat resends a message it got no reply to, unchanged: that passes (bot.http.wechat_reply answers a
    resent MsgId once). A captured signed URL sent again with another body is refused."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.time, max_seen: int = 100_000):
        self.settings = settings
        self._clock = clock
        self._max_seen = max_seen
        self._seen: OrderedDict[tuple[str, str], tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, timestamp: str, nonce: str, body: bytes = b"") -> bool:
        now = self._clock()
        if not check_wechat_timestamp(timestamp, self.settings, now=now):
            return False
        digest = hashlib.sha256(body).digest()
        horizon = now - 2 * self.settings.wechat_replay_window_seconds  # older pairs fail the window anyway
        with self._lock:
            while self._seen and next(iter(self._seen.values()))[0] < horizon:
                self._seen.popitem(last=False)
            key = (str(timestamp).strip(), nonce)
            seen = self._seen.get(key)
            if seen is not None:
                return hmac.compare_digest(seen[1], digest)
            self._seen[key] = (now, digest)
            while len(self._seen) > self._max_seen:
                self._seen.popitem(last=False)
        return True
