"""The real `policybot serve` on 127.0.0.1: X-Forwarded-For counts only from configured proxies, an address
from a header is never exempt, and no server banner."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.reliability.server import running_server

pytestmark = pytest.mark.slow

LIMITED = {
    "POLICYBOT_RATE_LIMIT_PER_MINUTE": "60",
    "POLICYBOT_RATE_LIMIT_BURST": "5",
}
TRIES = 20


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("proxies") / "data"  # shared: the index is built once


def answered(port: int, forwarded: list[str | None]) -> int:
    """How many of these requests (one per X-Forwarded-For value) were answered rather than refused."""
    ok = 0
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        for value in forwarded:
            headers = {} if value is None else {"X-Forwarded-For": value}
            resp = http.post("/v1/chat", json={"message": "第3条是什么"}, headers=headers)
            assert resp.status_code in (200, 429), resp.text
            ok += resp.status_code == 200
    return ok


def test_forwarded_for_is_ignored_without_trusted_proxies(data_dir: Path) -> None:
    env = {**LIMITED, "POLICYBOT_RATE_LIMIT_EXEMPT": "[]", "POLICYBOT_TRUST_FORWARDED_FOR": "false"}
    with running_server(data_dir, **env) as server:
        rotating = [f"198.51.100.{i}" for i in range(TRIES)]
        assert answered(server.port, rotating) <= 6  # the burst of 5 (and at most one refilled token)
        with httpx.Client(base_url=f"http://127.0.0.1:{server.port}") as http:
            resp = http.get("/healthz")
        assert resp.status_code == 200 and "server" not in resp.headers


def test_only_a_trusted_proxy_names_the_client_and_never_exempts_it(data_dir: Path) -> None:
    env = {**LIMITED, "POLICYBOT_TRUSTED_PROXIES": '["127.0.0.1"]'}  # loopback stays exempt by default
    with running_server(data_dir, **env) as server:
        assert answered(server.port, ["127.0.0.1"] * TRIES) <= 6  # loopback named in a header: not exempt
        # The proxy appended the real client (203.0.113.7); the spoofed hops to its left do not count.
        spoofed = [f"10.0.0.{i}, 203.0.113.7" for i in range(TRIES)]
        assert answered(server.port, spoofed) <= 6
        assert answered(server.port, [f"203.0.113.{i}" for i in range(10, 20)]) == 10  # distinct clients
        assert answered(server.port, [None] * TRIES) == TRIES  # the proxy's own requests: loopback, exempt
