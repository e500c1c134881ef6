"""Who is calling: the socket peer, or behind a configured proxy the right-most hop it did not add itself."""

from __future__ import annotations

import functools
import ipaddress
import logging
import threading
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("policybot.api")

Scope = MutableMapping[str, Any]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK = ("127.0.0.0/8", "::1/128")
# Headers that only a trusted proxy may set; from anyone else they are dropped before the app sees them.
FORWARDED_HEADERS = frozenset({b"x-forwarded-for", b"x-forwarded-host", b"x-forwarded-proto", b"forwarded"})
MAX_HOP_CHARS = 64


@dataclass(frozen=True)
class Caller:
    """The client address, and whether it was read from a forwarded header (never exempt, then)."""

    address: str | None
    forwarded: bool = False


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    # Parsing takes microseconds, each request parses its peer more than once, and the same addresses come
    # back again and again: cached, for address-sized texts only, so header junk cannot fill the cache.
    return _parsed_ip(text) if len(text) <= MAX_HOP_CHARS else _parse_ip(text)


_ParsedIp = ipaddress.IPv4Address | ipaddress.IPv6Address | None


def _parse_ip(text: str) -> _ParsedIp:
    try:
        ip = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


_parsed_ip = functools.lru_cache(maxsize=4096)(_parse_ip)


def client_key(address: str | None) -> str | None:
    """The unit quotas are counted in: an IPv4 address, or the /64 an IPv6 host can pick addresses from."""
    if not address:
        return None
    return _cached_client_key(address) if len(address) <= MAX_HOP_CHARS else _client_key(address)


def _client_key(address: str) -> str:
    ip = _ip(address)
    if ip is None:
        return address[:MAX_HOP_CHARS]
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


_cached_client_key = functools.lru_cache(maxsize=4096)(_client_key)


class ProxyPolicy:
    """Forwarded headers count only from configured proxy addresses (settings.trusted_proxies)."""

    def __init__(self, proxies: Iterable[str]) -> None:
        self.networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(p.strip(), strict=False) for p in proxies
        )
        self._warned = threading.Event()

    def trusts(self, address: str | None) -> bool:
        ip = _ip(address) if address else None
        return ip is not None and any(ip in net for net in self.networks)

    def caller(self, scope: Scope) -> Caller:
        """The client of this request; forwarded headers from an untrusted peer are removed from scope."""
        client = scope.get("client")
        peer = str(client[0]) if client else None
        headers = scope.get("headers") or []
        if not self.trusts(peer):
            if any(name in FORWARDED_HEADERS for name, _ in headers):
                self._warn_once(peer)
                scope["headers"] = [(n, v) for n, v in headers if n not in FORWARDED_HEADERS]
            return Caller(peer)
        hops = [
            h.strip() for n, v in headers if n == b"x-forwarded-for" for h in v.decode("latin-1").split(",")
        ]
        # Each proxy appends the address it saw: walking from the right, the first untrusted hop is the client.
        for hop in reversed([h for h in hops if h]):
            if not self.trusts(hop):
                return Caller(hop[:MAX_HOP_CHARS], forwarded=True)
        first = next((h for h in hops if h), None)
        return Caller(first[:MAX_HOP_CHARS], forwarded=True) if first else Caller(peer)

    def _warn_once(self, peer: str | None) -> None:
        ip = _ip(peer) if peer else None
        if ip is not None and ip.is_loopback and not self._warned.is_set():
            self._warned.set()
            log.warning(
                "收到来自本机 %s 的转发请求头，但它不在 POLICYBOT_TRUSTED_PROXIES 中：已忽略该请求头。"
                "若服务位于本机反向代理之后，请把代理地址加入 POLICYBOT_TRUSTED_PROXIES，"
                "否则所有访客都显示为本机地址。",
                peer,
            )


def proxy_policy(trusted_proxies: Iterable[str], trust_forwarded_for: bool) -> ProxyPolicy:
    """The configured proxies; the old boolean switch alone means a proxy on this machine."""
    proxies = list(trusted_proxies)
    if trust_forwarded_for and not proxies:
        log.warning("POLICYBOT_TRUST_FORWARDED_FOR 已由 POLICYBOT_TRUSTED_PROXIES 取代：现只信任本机代理。")
        proxies = list(LOOPBACK)
    return ProxyPolicy(proxies)


class ConnectionCounter:
    """Requests in flight per client key, so one client cannot hold every connection (idle SSE streams)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> bool:
        with self._lock:
            count = self._open.get(key, 0)
            if count >= self.limit:
                return False
            self._open[key] = count + 1
            return True

    def release(self, key: str) -> None:
        with self._lock:
            count = self._open.get(key, 0) - 1
            if count > 0:
                self._open[key] = count
            else:
                self._open.pop(key, None)
