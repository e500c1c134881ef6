"""Sessions in Redis, shared by every worker and machine: same ids, channels, TTL, per-client quota, count
and byte bounds as the in-process store (bot.sessions.store), evictions from the heaviest client first.

One Redis (not a cluster): a Lua script saves a session and applies the bounds atomically. A turn holds a
Redis lock on its session, so two turns of one conversation arriving at two servers run one after the
other."""

from __future__ import annotations

import logging
import time
from typing import Any

from bot.sessions.codec import SessionDecodeError, decode_session, encode_session
from bot.sessions.ids import KEY_NAME, SessionIds
from bot.sessions.store import TRUSTED_CHANNELS, Lookup, Session
from bot.settings import Settings

log = logging.getLogger(__name__)

PREFIX = "policybot:"
LOCK_SECONDS = 30.0  # longer than any turn; a crashed holder's lock frees itself after this
LOCK_WAIT_SECONDS = 10.0
KNOWN_TTLS = 10  # a trusted-channel id is remembered this many TTLs, to answer "会话已过期"

_SAVE = """
local p, member, client, state = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now, ttl = tonumber(ARGV[5]), tonumber(ARGV[6])
local per, maxs, maxb = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local function recount(c)
  local n = redis.call('ZCARD', p..'c:'..c)
  if n == 0 then redis.call('ZREM', p..'clients', c) else redis.call('ZADD', p..'clients', n, c) end
end
local function drop(m)
  local owner = redis.call('HGET', p..'owner', m)
  local size = tonumber(redis.call('HGET', p..'size', m) or '0')
  redis.call('DEL', p..'s:'..m)
  redis.call('ZREM', p..'all', m)
  redis.call('HDEL', p..'owner', m)
  redis.call('HDEL', p..'size', m)
  redis.call('DECRBY', p..'bytes', size)
  if owner then redis.call('ZREM', p..'c:'..owner, m); recount(owner) end
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', p..'all', '-inf', now - ttl, 'LIMIT', 0, 100)) do drop(m) end
local ms = math.floor(ttl * 1000)
redis.call('SET', p..'s:'..member, state, 'PX', ms)
if ARGV[10] == '1' then redis.call('SET', p..'known:'..member, '1', 'PX', ms * 10) end
local prev = redis.call('HGET', p..'owner', member)
if prev and prev ~= client then redis.call('ZREM', p..'c:'..prev, member); recount(prev) end
redis.call('HSET', p..'owner', member, client)
redis.call('DECRBY', p..'bytes', tonumber(redis.call('HGET', p..'size', member) or '0'))
redis.call('HSET', p..'size', member, #state)
redis.call('INCRBY', p..'bytes', #state)
redis.call('ZADD', p..'all', now, member)
redis.call('ZADD', p..'c:'..client, now, member)
recount(client)
while redis.call('ZCARD', p..'c:'..client) > per do drop(redis.call('ZRANGE', p..'c:'..client, 0, 0)[1]) end
while redis.call('ZCARD', p..'all') > maxs or tonumber(redis.call('GET', p..'bytes') or '0') > maxb do
  local top = redis.call('ZREVRANGE', p..'clients', 0, 0)[1]
  if not top then break end
  local victims = redis.call('ZRANGE', p..'c:'..top, 0, 1)
  local v = victims[1]
  if v == member then v = victims[2] end
  if not v then break end
  drop(v)
end
return 1
"""


def shared_secret(client: Any, name: str) -> bytes:
    """A random 32-byte secret every instance reads from Redis (created by whichever comes first)."""
    import secrets

    key = PREFIX + "key:" + name
    client.set(key, secrets.token_bytes(32).hex(), nx=True)
    return bytes.fromhex(client.get(key).decode())


def redis_client(settings: Settings) -> Any:
    """A redis-py client for settings.redis_url (thread-safe, pooled, short timeouts)."""
    try:
        import redis
    except ImportError as exc:
        raise RuntimeError(
            "设置了 POLICYBOT_REDIS_URL，但未安装 redis：pip install 'policybot[scale]'"
        ) from exc

    assert settings.redis_url is not None
    return redis.Redis.from_url(
        settings.redis_url.get_secret_value(),
        socket_timeout=5.0,
        socket_connect_timeout=5.0,
        health_check_interval=30,
    )


class RedisSessionStore:
    """The SessionStore interface (open, settle, len) over Redis."""

    def __init__(self, client: Any, settings: Settings, ids: SessionIds | None = None) -> None:
        self.redis = client
        self.ttl_seconds = settings.session_ttl_seconds
        self.max_sessions = settings.session_max
        self.max_per_client = settings.session_max_per_client
        self.max_bytes = settings.session_max_bytes
        self.ids = ids or SessionIds(shared_secret(client, KEY_NAME))
        self._save = client.register_script(_SAVE)

    @classmethod
    def from_settings(cls, settings: Settings) -> RedisSessionStore:
        return cls(redis_client(settings), settings)

    def __len__(self) -> int:
        return int(self.redis.zcount(PREFIX + "all", time.time() - self.ttl_seconds, "+inf"))

    def open(self, session_id: str | None, *, channel: str = "local", client: str | None = None) -> Lookup:
        """The live session for (channel, session_id), else a new one; as SessionStore.open."""
        if not session_id or not self._ours(channel, session_id):
            return Lookup(
                Session(id=self.ids.issue(channel), last_seen=time.time()),
                expired=False,
                key=(channel, ""),
                hold=_New(client),
            )
        key = (channel, session_id)
        lock = self.redis.lock(_name("lock:", key), timeout=LOCK_SECONDS, blocking_timeout=LOCK_WAIT_SECONDS)
        if not lock.acquire():
            log.warning("会话 %s 的锁等待超时，本轮不加锁处理", session_id[:12])
            lock = None
        hold = _Held(client, lock)
        try:
            session = self._load(key)
        except Exception:
            hold.release()
            raise
        if session is not None:
            return Lookup(session, expired=False, key=key, hold=hold)
        expired = channel not in TRUSTED_CHANNELS or bool(self.redis.exists(_name("known:", key)))
        return Lookup(Session(id=session_id, last_seen=time.time()), expired=expired, key=key, hold=hold)

    def settle(self, lookup: Lookup) -> None:
        """Save the session after its turn (applying the bounds) and release its lock."""
        hold = lookup.hold
        channel = lookup.key[0]
        key = (channel, lookup.session.id)
        try:
            self._save(
                args=[
                    PREFIX,
                    _member(key),
                    str(getattr(hold, "client", None) or "?"),
                    encode_session(lookup.session),
                    time.time(),
                    self.ttl_seconds,
                    self.max_per_client,
                    self.max_sessions,
                    self.max_bytes,
                    "1" if channel in TRUSTED_CHANNELS else "0",
                ]
            )
        finally:
            if isinstance(hold, _Held):
                hold.release()

    def _ours(self, channel: str, session_id: str) -> bool:
        return len(session_id) <= 128 and (channel in TRUSTED_CHANNELS or self.ids.valid(channel, session_id))

    def _load(self, key: tuple[str, str]) -> Session | None:
        raw = self.redis.get(_name("s:", key))
        if raw is None:
            return None
        try:
            return decode_session(raw, last_seen=time.time())
        except SessionDecodeError as exc:
            log.warning("会话数据无法读取，按新会话处理：%s", exc)
            return None


class _New:
    """A session nobody else can name yet: nothing to lock."""

    def __init__(self, client: str | None) -> None:
        self.client = client


class _Held(_New):
    def __init__(self, client: str | None, lock: Any) -> None:
        super().__init__(client)
        self.lock = lock

    def release(self) -> None:
        if self.lock is None:
            return
        try:
            self.lock.release()
        except Exception as exc:  # expired meanwhile (a turn longer than LOCK_SECONDS): nothing to free
            log.warning("会话锁释放失败：%s", exc)
        self.lock = None


def _member(key: tuple[str, str]) -> str:
    return f"{key[0]}:{key[1]}"


def _name(kind: str, key: tuple[str, str]) -> str:
    return PREFIX + kind + _member(key)
