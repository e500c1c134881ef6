"""Guards on a tiny app: body/message/depth/item limits, rate limiting, admin token, CORS, replay window."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from bot.http.guards import install_guards, json_violation, require_admin
from bot.http.limits import RateLimiter, check_wechat_timestamp
from bot.records.recording import _REQUEST
from bot.settings import Settings

OUTSIDE = ("203.0.113.9", 40000)  # a documentation address: not exempt like 127.0.0.1


class Echo(BaseModel):
    message: str
    items: list[object] = []


def tiny_app(settings: Settings) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/echo")
    def echo(body: Echo) -> dict[str, object]:
        client, channel = _REQUEST.get()  # runs in a worker thread: the context must have followed
        return {
            "len": len(body.message),
            "client": client,
            "channel": channel,
            "thread": threading.get_ident(),
        }

    @app.get("/v1/ping")
    def ping(q: str = "") -> dict[str, int]:
        return {"q": len(q)}

    @app.get("/static/asset.js")
    def asset() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/v1/admin/thing", dependencies=[Depends(require_admin(settings))])
    def admin_thing() -> dict[str, bool]:
        return {"ok": True}

    install_guards(app, settings)
    return app


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(tiny_app(settings), client=OUTSIDE) as c:
        yield c


def assert_error(resp, status: int, code: str) -> str:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert err["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"]), err["message"]
    return str(err["message"])


def test_normal_request_passes_and_sets_record_context(client: TestClient) -> None:
    resp = client.post("/v1/echo", json={"message": "流片补贴怎么申请？"})
    assert resp.status_code == 200
    assert resp.json()["client"] == OUTSIDE[0] and resp.json()["channel"] == "/v1/echo"


def test_oversized_body_413_by_header_and_by_chunks(settings: Settings, client: TestClient) -> None:
    big = json.dumps({"message": "流" * 10, "items": ["x" * 100] * 700}).encode()
    assert len(big) > settings.max_body_bytes
    assert_error(
        client.post("/v1/echo", content=big, headers={"content-type": "application/json"}),
        413,
        "payload_too_large",
    )

    def chunks() -> Iterator[bytes]:  # no Content-Length: the middleware has to count
        for i in range(0, len(big), 4096):
            yield big[i : i + 4096]

    assert_error(
        client.post("/v1/echo", content=chunks(), headers={"content-type": "application/json"}),
        413,
        "payload_too_large",
    )


def test_long_message_deep_json_and_many_items_are_422(settings: Settings, client: TestClient) -> None:
    msg = assert_error(
        client.post("/v1/echo", json={"message": "补" * (settings.max_message_chars + 1)}),
        422,
        "message_too_long",
    )
    assert str(settings.max_message_chars) in msg
    assert client.post("/v1/echo", json={"message": "补" * settings.max_message_chars}).status_code == 200
    deep: object = "x"
    for _ in range(settings.max_json_depth + 1):
        deep = [deep]
    assert_error(client.post("/v1/echo", json={"message": "a", "items": [deep]}), 422, "json_too_deep")
    many = {"message": "a", "items": list(range(settings.max_json_items + 1))}
    assert_error(client.post("/v1/echo", json=many), 422, "too_many_items")
    # Pathologically deep input that would blow Python's recursion limit is refused too, not a 500.
    bomb = b'{"message": "a", "items": ' + b"[" * 100000 + b"]" * 100000 + b"}"
    resp = client.post("/v1/echo", content=bomb, headers={"content-type": "application/json"})
    assert resp.status_code in (413, 422)


def test_malformed_json_is_left_to_the_app(client: TestClient) -> None:
    resp = client.post(
        "/v1/echo", content=b'{"message": "a",' + b" " * 3000, headers={"content-type": "application/json"}
    )
    assert 400 <= resp.status_code < 500
    resp = client.post(
        "/v1/echo",
        content=b'{"message": "\xff\xfe\xfd"}' + b" " * 3000,
        headers={"content-type": "application/json"},
    )
    assert 400 <= resp.status_code < 500


def test_query_string_limit(settings: Settings, client: TestClient) -> None:
    assert client.get("/v1/ping", params={"q": "流片"}).status_code == 200
    assert_error(
        client.get("/v1/ping", params={"q": "a" * (settings.max_query_chars + 1)}), 422, "query_too_long"
    )


def test_json_violation_fast_path_and_exact_boundaries(settings: Settings) -> None:
    assert json_violation(b'{"message": "hi"}', settings) is None
    ok = {"items": list(range(settings.max_json_items - 1))}
    assert json_violation(json.dumps(ok).encode(), settings) is None
    nested: object = 1
    for _ in range(settings.max_json_depth):
        nested = [nested]
    assert json_violation(json.dumps(nested).encode(), settings) is None
    assert json_violation(json.dumps([nested]).encode(), settings).code == "json_too_deep"  # type: ignore[union-attr]


def test_rate_limit_429_with_retry_after(settings: Settings) -> None:
    limited = settings.model_copy(update={"rate_limit_per_minute": 6, "rate_limit_burst": 3})
    with TestClient(tiny_app(limited), client=OUTSIDE) as c:
        codes = [c.post("/v1/echo", json={"message": "a"}).status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        resp = c.post("/v1/echo", json={"message": "a"})
        assert_error(resp, 429, "rate_limited")
        assert 1 <= int(resp.headers["retry-after"]) <= 10
        assert resp.headers["retry-after"] in resp.json()["error"]["message"]
        assert c.get("/static/asset.js").status_code == 200  # static assets are not counted
    with TestClient(tiny_app(limited), client=("127.0.0.1", 5000)) as local:  # loopback is exempt by default
        assert {local.post("/v1/echo", json={"message": "a"}).status_code for _ in range(10)} == {200}


def _codes(s: Settings, forwarded: list[str], peer: tuple[str, int] = OUTSIDE) -> list[int]:
    with TestClient(tiny_app(s), client=peer) as c:
        return [
            c.post("/v1/echo", json={"message": "a"}, headers={"x-forwarded-for": xff}).status_code
            for xff in forwarded
        ]


def test_rate_limit_keys_on_forwarded_for_only_from_trusted_proxies(settings: Settings) -> None:
    base = {"rate_limit_per_minute": 60, "rate_limit_burst": 1, "rate_limit_exempt": []}
    rotating = [f"1.2.3.4, 10.0.0.{i}" for i in range(2)]
    untrusted = settings.model_copy(update=base)
    assert _codes(untrusted, rotating) == [200, 429]  # headers from anyone else are ignored
    trusted = settings.model_copy(update={**base, "trusted_proxies": ["203.0.113.0/24"]})
    assert _codes(trusted, rotating) == [200, 200]  # the proxy saw two different clients
    # The right-most hop the proxy did not add is the client: spoofed hops to its left change nothing.
    assert _codes(trusted, [f"10.0.0.{i}, 1.2.3.4" for i in range(2)]) == [200, 429]
    chained = settings.model_copy(update={**base, "trusted_proxies": ["203.0.113.0/24", "10.9.0.0/16"]})
    assert _codes(chained, [f"6.6.6.{i}, 1.2.3.4, 10.9.0.1" for i in range(2)]) == [200, 429]


def test_exemption_never_comes_from_a_header(settings: Settings) -> None:
    s = settings.model_copy(
        update={"rate_limit_per_minute": 60, "rate_limit_burst": 1, "trusted_proxies": ["203.0.113.0/24"]}
    )
    assert _codes(s, ["127.0.0.1", "127.0.0.1"]) == [200, 429]
    assert _codes(s, ["::1", "::1"]) == [200, 429]


def test_ipv6_clients_are_counted_per_64(settings: Settings) -> None:
    s = settings.model_copy(
        update={"rate_limit_per_minute": 60, "rate_limit_burst": 1, "trusted_proxies": ["203.0.113.0/24"]}
    )
    assert _codes(s, ["2001:db8:1:2::1", "2001:db8:1:2::ffff"]) == [200, 429]
    assert _codes(s, ["2001:db8:1:2::1", "2001:db8:1:3::1"]) == [200, 200]


def test_token_bucket_refills_and_bounds_memory() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    assert [limiter.hit("a"), limiter.hit("a")] == [0.0, 0.0]
    assert limiter.hit("a") == pytest.approx(1.0)
    assert limiter.hit("b") == 0.0  # clients are independent
    now[0] += 1.0
    assert limiter.hit("a") == 0.0
    assert limiter.hit("a") > 0
    for i in range(70000):
        limiter.hit(f"k{i}")
    assert len(limiter._buckets) <= 65536


def test_admin_token_missing_wrong_right_and_disabled(settings: Settings) -> None:
    with TestClient(tiny_app(settings), client=OUTSIDE) as c:
        assert_error(c.post("/v1/admin/thing"), 404, "not_found")  # no token configured: endpoint hidden
        assert_error(c.post("/v1/admin/thing", headers={"authorization": "Bearer x"}), 404, "not_found")
    s = Settings(data_dir=settings.data_dir, admin_token="s3cret-token")
    with TestClient(tiny_app(s), client=OUTSIDE) as c:
        resp = c.post("/v1/admin/thing")
        assert_error(resp, 401, "admin_token_required")
        assert resp.headers["www-authenticate"] == "Bearer"
        assert_error(
            c.post("/v1/admin/thing", headers={"authorization": "Bearer s3cret-toke"}),
            403,
            "admin_token_invalid",
        )
        assert_error(
            c.post("/v1/admin/thing", headers={"x-admin-token": "S3CRET-TOKEN"}), 403, "admin_token_invalid"
        )
        assert c.post("/v1/admin/thing", headers={"authorization": "Bearer s3cret-token"}).json() == {
            "ok": True
        }
        assert c.post("/v1/admin/thing", headers={"x-admin-token": "s3cret-token"}).json() == {"ok": True}


PREFLIGHT = {"access-control-request-method": "POST", "access-control-request-headers": "content-type"}


def test_cors_closed_by_default(client: TestClient) -> None:
    origin = {"origin": "https://evil.example"}
    resp = client.options("/v1/echo", headers={**origin, **PREFLIGHT})
    assert "access-control-allow-origin" not in resp.headers
    resp = client.post("/v1/echo", json={"message": "a"}, headers=origin)
    assert "access-control-allow-origin" not in resp.headers


def test_cors_open_to_configured_origins_only(settings: Settings) -> None:
    s = settings.model_copy(update={"cors_origins": ["https://zc.example.gov.cn"]})
    with TestClient(tiny_app(s), client=OUTSIDE) as c:
        good = c.options("/v1/echo", headers={"origin": "https://zc.example.gov.cn", **PREFLIGHT})
        assert good.status_code == 200
        assert good.headers["access-control-allow-origin"] == "https://zc.example.gov.cn"
        bad = c.options("/v1/echo", headers={"origin": "https://evil.example", **PREFLIGHT})
        assert bad.headers.get("access-control-allow-origin") != "https://evil.example"
        post = c.post("/v1/echo", json={"message": "a"}, headers={"origin": "https://zc.example.gov.cn"})
        assert post.headers["access-control-allow-origin"] == "https://zc.example.gov.cn"


def test_wechat_timestamp_window(settings: Settings) -> None:
    now = 1_700_000_000.0
    window = settings.wechat_replay_window_seconds
    assert check_wechat_timestamp(str(int(now)), settings, now=now)
    assert check_wechat_timestamp(int(now - window), settings, now=now)
    assert not check_wechat_timestamp(int(now - window - 1), settings, now=now)
    assert not check_wechat_timestamp(int(now + window + 1), settings, now=now)
    for bad in (None, "", "abc", "1e9", "1700000000.5"):
        assert not check_wechat_timestamp(bad, settings, now=now)
