"""Request state every instance must agree on, in Redis when POLICYBOT_REDIS_URL is set: rate-limit buckets,
seen WeChat (timestamp, nonce) pairs and claimed MsgIds. Same limits and windows as the in-process versions
in bot.http.guards and bot.http.wechat_reply; keys expire on their own."""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from typing import Any

from bot.http.limits import RateLimiter, WechatReplayGuard, check_wechat_timestamp
from bot.sessions.redis_store import PREFIX, redis_client
from bot.settings import Settings

log = logging.getLogger(__name__)

# Token bucket on Redis's own clock (one clock for every machine): burst tokens, refilled at rate per second.
_BUCKET = """
local key, rate, burst = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', key, 'tokens', 'ts')
local tokens, last = tonumber(state[1]) or burst, tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - last) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', key, 'tokens', tokens, 'ts', now)
redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisRateLimiter:
    """RateLimiter.hit over a bucket in Redis; when Redis cannot be reached the request is let through."""

    def __init__(self, client: Any, per_minute: int, burst: int, kind: str) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.prefix = f"{PREFIX}rl:{kind}:"
        self._script = client.register_script(_BUCKET)

    def hit(self, key: str) -> float:
        try:
            return float(self._script(keys=[self.prefix + key], args=[self.rate, self.burst]))
        except Exception as exc:  # an unreachable Redis must not take the whole API down
            log.warning("限流状态不可用，本次放行：%s", exc)
            return 0.0


def make_limiter(settings: Settings, per_minute: int, burst: int, kind: str) -> Any:
    """A rate limiter for settings: shared in Redis when configured, else in this process."""
    if per_minute <= 0:
        return None
    if settings.redis_url is None:
        return RateLimiter(per_minute, burst)
    return RedisRateLimiter(redis_client(settings), per_minute, burst, kind)


class RedisReplayGuard:
    """WechatReplayGuard with the seen (timestamp, nonce) pairs in Redis, so a replay to another instance
    is refused too; kept for twice the window, after which the timestamp fails the window anyway."""

    def __init__(self, client: Any, settings: Settings) -> None:
        self.redis = client
        self.settings = settings

    def __call__(self, timestamp: str, nonce: str, body: bytes = b"") -> bool:
        if not check_wechat_timestamp(timestamp, self.settings):
            return False
        digest = hashlib.sha256(body).hexdigest()
        pair = hashlib.sha256(f"{str(timestamp).strip()}\n{nonce}".encode()).hexdigest()
        key = f"{PREFIX}wxnonce:{pair}"
        seconds = 2 * self.settings.wechat_replay_window_seconds
        if self.redis.set(key, digest, nx=True, ex=seconds):
            return True
        seen = self.redis.get(key)
        return seen is not None and hmac.compare_digest(seen, digest.encode())


def make_replay_guard(settings: Settings) -> Any:
    if settings.redis_url is None:
        return WechatReplayGuard(settings)
    return RedisReplayGuard(redis_client(settings), settings)


class LocalClaims:
    """One process: every message is this process's to answer (bot.http.wechat_reply de-duplicates it)."""

    def claim(self, message_key: Any) -> bool:
        return True

    def publish(self, message_key: Any, text: str) -> None:
        return None

    def wait(self, message_key: Any, seconds: float) -> str | None:
        return None


class RedisClaims:
    """Which instance answers a WeChat message: the first to claim its MsgId; a resend reaching another
    instance waits for the reply the first one publishes instead of asking the engine again."""

    POLL_SECONDS = 0.05

    def __init__(self, client: Any, ttl_seconds: float) -> None:
        self.redis = client
        self.ttl = math.ceil(ttl_seconds)

    def _key(self, kind: str, message_key: Any) -> str:
        return f"{PREFIX}wx{kind}:" + hashlib.sha256(repr(message_key).encode()).hexdigest()

    def claim(self, message_key: Any) -> bool:
        return bool(self.redis.set(self._key("msg", message_key), b"1", nx=True, ex=self.ttl))

    def publish(self, message_key: Any, text: str) -> None:
        self.redis.set(self._key("reply", message_key), text.encode(), ex=self.ttl)

    def wait(self, message_key: Any, seconds: float) -> str | None:
        deadline = time.monotonic() + seconds
        key = self._key("reply", message_key)
        while True:
            raw = self.redis.get(key)
            if raw is not None:
                return bytes(raw).decode()
            if time.monotonic() >= deadline:
                return None
            time.sleep(self.POLL_SECONDS)


def make_claims(settings: Settings, ttl_seconds: float) -> Any:
    if settings.redis_url is None:
        return LocalClaims()
    return RedisClaims(redis_client(settings), ttl_seconds)
