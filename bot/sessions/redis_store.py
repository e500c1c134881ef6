"""Sessions in Redis, shared by every worker and machine: same ids, channels, TTL, per-client quota, count
and byte bounds as the in-process store (bot.sessions.store), evictions from the heaviest client first.

One Redis (not a cluster): a Lua script saves a session and applies the bounds atomically. A turn holds a
Redis lock on its session, so two turns of one conversation arriving at two servers run one after the
other. A turn costs one round trip for a new session (the save) and two for a known one: taking the lock
returns the stored state in the same script, and the save releases the lock. The event loop uses the async
client (open_async, settle_async), so it never blocks on Redis; threads use the same scripts synchronously."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import weakref
from typing import Any

from bot.sessions.codec import SessionDecodeError, decode_session, encode_session
from bot.sessions.ids import KEY_NAME, SessionIds
from bot.sessions.store import TRUSTED_CHANNELS, Lookup, Session
from bot.settings import Settings

log = logging.getLogger(__name__)

PREFIX = "policybot:"
LOCK_SECONDS = 30.0  # longer than any turn; a crashed holder's lock frees itself after this
LOCK_WAIT_SECONDS = 10.0
LOCK_POLL_SECONDS = 0.1  # as redis-py's Lock
LOCK_MS = int(LOCK_SECONDS * 1000)
KNOWN_TTLS = 10  # a trusted-channel id is remembered this many TTLs, to answer "会话已过期"

# Take a session's lock (token, milliseconds) and, when it was free, read the session and whether its id was
# known: {state or false, 0|1}; false when another turn holds the lock.
_OPEN = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
return {redis.call('GET', KEYS[2]) or false, redis.call('EXISTS', KEYS[3])}
"""

# Release a lock still held by this token (when the session could not even be encoded for _SAVE).
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# Save a session, apply the bounds and release the turn's lock (ARGV[11], when its token ARGV[12] still
# holds it). The release comes first: the script is atomic either way, and an error later still frees it.
_SAVE = """
if ARGV[11] ~= '' and redis.call('GET', ARGV[11]) == ARGV[12] then redis.call('DEL', ARGV[11]) end
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


_CLIENT_OPTIONS: dict[str, Any] = {
    "socket_timeout": 5.0,
    "socket_connect_timeout": 5.0,
    "health_check_interval": 30,
}


def redis_client(settings: Settings) -> Any:
    """A redis-py client for settings.redis_url (thread-safe, pooled, short timeouts)."""
    try:
        import redis
    except ImportError as exc:
        raise RuntimeError(
            "设置了 POLICYBOT_REDIS_URL，但未安装 redis：pip install 'policybot[scale]'"
        ) from exc

    assert settings.redis_url is not None
    return redis.Redis.from_url(settings.redis_url.get_secret_value(), **_CLIENT_OPTIONS)


class AsyncClients:
    """One redis.asyncio client, with the store's scripts, per event loop (its connections belong to the
    loop that opened them)."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    def get(self) -> _AsyncClient:
        loop = asyncio.get_running_loop()
        found = self._clients.get(loop)
        if found is None:
            import redis.asyncio

            assert self.url is not None
            found = _AsyncClient(redis.asyncio.Redis.from_url(self.url, **_CLIENT_OPTIONS))
            self._clients[loop] = found
        return found


class _AsyncClient:
    def __init__(self, client: Any) -> None:
        self.client = client
        # Scripts re-load themselves if Redis restarted and forgot them (NOSCRIPT).
        self.open = client.register_script(_OPEN)
        self.save = client.register_script(_SAVE)
        self.unlock = client.register_script(_UNLOCK)


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
        self._open = client.register_script(_OPEN)
        self._unlock = client.register_script(_UNLOCK)
        url = settings.redis_url.get_secret_value() if settings.redis_url is not None else None
        self._async = AsyncClients(url)

    @classmethod
    def from_settings(cls, settings: Settings) -> RedisSessionStore:
        return cls(redis_client(settings), settings)

    def __len__(self) -> int:
        return int(self.redis.zcount(PREFIX + "all", time.time() - self.ttl_seconds, "+inf"))

    def open(self, session_id: str | None, *, channel: str = "local", client: str | None = None) -> Lookup:
        """The live session for (channel, session_id), else a new one; as SessionStore.open."""
        if not session_id or not self._ours(channel, session_id):
            return self._new(channel, client)
        key = (channel, session_id)
        token = secrets.token_hex(16)
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while (found := self._open(keys=_open_keys(key), args=[token, LOCK_MS])) is None:
            if time.monotonic() >= deadline:
                return self._unlocked(key, client, self.redis.get(_name("s:", key)))
            time.sleep(LOCK_POLL_SECONDS)
        return self._opened(key, client, token, found)

    async def open_async(
        self, session_id: str | None, *, channel: str = "local", client: str | None = None
    ) -> Lookup:
        """`open` on the event loop: the lock is waited for without blocking the loop."""
        if not session_id or not self._ours(channel, session_id):
            return self._new(channel, client)
        key = (channel, session_id)
        token = secrets.token_hex(16)
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        shared = self._async.get()
        while (found := await shared.open(keys=_open_keys(key), args=[token, LOCK_MS])) is None:
            if time.monotonic() >= deadline:
                return self._unlocked(key, client, await shared.client.get(_name("s:", key)))
            await asyncio.sleep(LOCK_POLL_SECONDS)
        return self._opened(key, client, token, found)

    def settle(self, lookup: Lookup) -> None:
        """Save the session after its turn (applying the bounds) and release its lock."""
        try:
            args = self._save_args(lookup)
        except Exception:
            if held := _held_lock(lookup):
                self._unlock(keys=held[:1], args=held[1:])
            raise
        self._save(args=args)
        _released(lookup)

    async def settle_async(self, lookup: Lookup) -> None:
        """`settle` on the event loop."""
        shared = self._async.get()
        try:
            args = self._save_args(lookup)
        except Exception:
            if held := _held_lock(lookup):
                await shared.unlock(keys=held[:1], args=held[1:])
            raise
        await shared.save(args=args)
        _released(lookup)

    def _new(self, channel: str, client: str | None) -> Lookup:
        session = Session(id=self.ids.issue(channel), last_seen=time.time())
        return Lookup(session, expired=False, key=(channel, ""), hold=_New(client))

    def _unlocked(self, key: tuple[str, str], client: str | None, raw: Any) -> Lookup:
        log.warning("会话 %s 的锁等待超时，本轮不加锁处理", key[1][:12])
        return self._lookup(key, raw, False, _Held(client, None, ""))

    def _opened(self, key: tuple[str, str], client: str | None, token: str, found: Any) -> Lookup:
        """The Lookup for what _OPEN returned (the stored state, whether the id was known), lock held."""
        return self._lookup(key, found[0], bool(int(found[1])), _Held(client, _name("lock:", key), token))

    def _lookup(self, key: tuple[str, str], raw: Any, known: bool, hold: _Held) -> Lookup:
        session = None if raw is None else self._decode(raw)
        if session is not None:
            return Lookup(session, expired=False, key=key, hold=hold)
        expired = key[0] not in TRUSTED_CHANNELS or known
        return Lookup(Session(id=key[1], last_seen=time.time()), expired=expired, key=key, hold=hold)

    def _save_args(self, lookup: Lookup) -> list[Any]:
        hold = lookup.hold
        channel = lookup.key[0]
        key = (channel, lookup.session.id)
        lock, token = (hold.lock, hold.token) if isinstance(hold, _Held) and hold.lock else ("", "")
        return [
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
            lock,
            token,
        ]

    def _ours(self, channel: str, session_id: str) -> bool:
        return len(session_id) <= 128 and (channel in TRUSTED_CHANNELS or self.ids.valid(channel, session_id))

    def _decode(self, raw: bytes) -> Session | None:
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
    """A known session's lock (its key and this turn's token; no key when the wait timed out)."""

    def __init__(self, client: str | None, lock: str | None, token: str) -> None:
        super().__init__(client)
        self.lock = lock
        self.token = token


def _held_lock(lookup: Lookup) -> list[str]:
    hold = lookup.hold
    return [hold.lock, hold.token] if isinstance(hold, _Held) and hold.lock else []


def _released(lookup: Lookup) -> None:
    # The save script released the lock; the turn holds nothing any more.
    if isinstance(lookup.hold, _Held):
        lookup.hold.lock = None


def _open_keys(key: tuple[str, str]) -> list[str]:
    return [_name("lock:", key), _name("s:", key), _name("known:", key)]


def _member(key: tuple[str, str]) -> str:
    return f"{key[0]}:{key[1]}"


def _name(kind: str, key: tuple[str, str]) -> str:
    return PREFIX + kind + _member(key)
