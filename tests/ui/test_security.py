"""The web UI over real HTTP, as a hostile client sees it: sessions bound to the browser, only the page's own
routes, CORS as configured for the API, per-client limits on every route, no tracebacks, pinned URLs."""

from __future__ import annotations

import http.client
import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.engine import Engine
from bot.settings import Settings
from tests.api.live import live_server

pytestmark = pytest.mark.slow

PUBLIC = "http://policy.example"  # the UI is served under a real host name, as the audit found it
PORTAL = "https://portal.example"
ASK_TAPEOUT = "首次流片费用800万元，最多能补贴多少？"
FOLLOW_UP = "那如果是1500万呢？"  # 225万 only with the tape-out remembered
MAX_CONNECTIONS = 8
PAGE_BURST = 40


class Records(logging.Handler):
    """Every log record of the server (uvicorn's loggers do not propagate to the root)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def server(engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from bot.http.app import create_app

    settings = Settings(
        data_dir=tmp_path_factory.mktemp("ui-sec") / "data",
        embedding_model=None,
        llm_base_url=None,
        serve_ui=True,
        public_base_url=PUBLIC,
        cors_origins=[PORTAL],
        frame_ancestors=["'self'", PORTAL],
        trusted_proxies=["127.0.0.1"],  # so tests can speak as different clients
        max_connections_per_client=MAX_CONNECTIONS,
        rate_limit_page_burst=PAGE_BURST,
    )
    app = create_app(settings, Engine(settings, engine.corpus, engine.retriever))
    with live_server(app) as url:
        yield url


@pytest.fixture
def log_records() -> Iterator[Records]:
    handler = Records()
    loggers = [logging.getLogger(n) for n in ("", "uvicorn", "uvicorn.error", "gradio")]
    for lg in loggers:
        lg.addHandler(handler)
    yield handler
    for lg in loggers:
        lg.removeHandler(handler)


class Page:
    """What the Gradio page does: load (getting the cookie), join the queue, read the answer stream."""

    def __init__(self, base: str, cookies: bool = True, client: str = "198.51.100.1") -> None:
        self.http = httpx.Client(base_url=base, timeout=60, headers={"X-Forwarded-For": client})
        if cookies:
            assert self.http.get("/ui/").status_code == 200
        config = self.http.get("/ui/config").json()
        box = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "chat-input")
        self.box = box
        self.fn = next(d["id"] for d in config["dependencies"] if [box, "submit"] in d["targets"])

    def join(self, session_hash: str, message: str, **headers: str) -> httpx.Response:
        body = {"data": [message, [], None], "fn_index": self.fn, "trigger_id": self.box}
        return self.http.post(
            "/ui/gradio_api/queue/join", json={**body, "session_hash": session_hash}, headers=headers
        )

    def ask(self, session_hash: str, message: str) -> str:
        assert self.join(session_hash, message).status_code == 200
        with self.http.stream(
            "GET", "/ui/gradio_api/queue/data", params={"session_hash": session_hash}
        ) as st:
            for line in st.iter_lines():
                if line.startswith("data:") and '"process_completed"' in line:
                    return json.dumps(json.loads(line[5:])["output"], ensure_ascii=False)
        raise AssertionError("no answer")


def test_a_reused_session_hash_does_not_reach_the_browsers_session(server: str) -> None:
    victim = Page(server)
    assert "240万元" in victim.ask("victimhash01", ASK_TAPEOUT)
    for attacker in (Page(server, cookies=False, client="203.0.113.9"), Page(server, client="203.0.113.9")):
        assert "225万元" not in attacker.ask("victimhash01", FOLLOW_UP)
    assert "225万元" in victim.ask("victimhash01", FOLLOW_UP)  # the browser itself still continues
    # Deep links (which wrote a session's chat to a shareable link) are off.
    assert (
        victim.http.get("/ui/gradio_api/deep_link", params={"session_hash": "victimhash01"}).status_code
        == 404
    )


def test_the_session_cookie_is_issued_by_the_server(server: str) -> None:
    resp = httpx.get(server + "/ui/", headers={"Cookie": "policybot_ui=chosen-by-client"})
    cookie = resp.headers["set-cookie"]
    assert "policybot_ui=" in cookie and "chosen-by-client" not in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/ui" in cookie


@pytest.mark.parametrize(
    "path",
    [
        "/ui/gradio_api/dev/reload",
        "/ui/monitoring",
        "/ui/gradio_api/monitoring",
        "/ui/gradio_api/info",
        "/ui/gradio_api/startup-events",
        "/ui/gradio_api/runs",
        "/ui/gradio_api/vibe-code",
        "/ui/gradio_api/upload_progress?upload_id=x",
    ],
)
def test_routes_the_page_does_not_use_are_404(server: str, path: str) -> None:
    resp = httpx.get(server + path, timeout=10)
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"


def test_uploads_and_the_gradio_http_api_are_closed(server: str) -> None:
    files = {"files": ("a.txt", b"x" * 1000, "text/plain")}
    for path in ("/ui/gradio_api/upload", "/ui/gradio_api/run/predict", "/ui/gradio_api/call/respond"):
        resp = httpx.post(server + path, files=files if "upload" in path else None, timeout=10)
        assert resp.status_code == 404, (path, resp.status_code)


def test_cors_on_the_ui_follows_the_configured_origins(server: str) -> None:
    evil = {"Host": "policy.example", "Origin": "https://evil.example"}
    page = httpx.get(server + "/ui/", headers=evil)
    assert "access-control-allow-origin" not in page.headers
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    for origin, allowed in (("https://evil.example", False), (PORTAL, True)):
        resp = httpx.options(server + "/ui/gradio_api/queue/join", headers={"Origin": origin, **preflight})
        assert (resp.headers.get("access-control-allow-origin") == origin) is allowed
        assert resp.headers.get("access-control-allow-credentials") != "true"
    # A cross-origin form or fetch cannot run the chat; the page's own origin can.
    page_client = Page(server)
    resp = page_client.join("crossorigin01", ASK_TAPEOUT, Origin="https://evil.example")
    assert resp.status_code == 403 and "access-control-allow-origin" not in resp.headers
    assert page_client.join("sameorigin01", ASK_TAPEOUT, Origin=PUBLIC).status_code == 200


def test_unknown_stream_is_404_without_a_traceback(server: str, log_records: Records) -> None:
    with httpx.Client(base_url=server, timeout=10) as http:
        for i in range(50):
            resp = http.get("/ui/gradio_api/queue/data", params={"session_hash": f"nobody{i}"})
            assert resp.status_code == 404
    time.sleep(0.2)
    assert not [r for r in log_records.records if r.exc_info or "Traceback" in r.getMessage()]


@pytest.mark.parametrize(
    "body",
    [
        {"data": [], "fn_index": 9999, "session_hash": "badfn00001"},
        {"data": [], "fn_index": "0", "session_hash": "badfn00002"},
        {"data": "x", "fn_index": 0, "session_hash": "badfn00003"},
        {"data": [], "fn_index": 0, "trigger_id": "x", "session_hash": "badfn00004"},
        {"data": [], "fn_index": 0},
        {"data": [], "fn_index": 0, "session_hash": "x" * 500},
        [1, 2, 3],
    ],
)
def test_malformed_queue_calls_are_4xx_without_internals(
    server: str, body: Any, log_records: Records
) -> None:
    resp = httpx.post(server + "/ui/gradio_api/queue/join", json=body, timeout=10)
    assert 400 <= resp.status_code < 500, resp.text
    assert resp.json()["error"]["message"] and "Traceback" not in resp.text and "Error(" not in resp.text
    assert not [r for r in log_records.records if r.exc_info]


def test_security_headers_no_banner_and_a_pinned_root(server: str) -> None:
    resp = httpx.get(server + "/ui/", headers={"Host": "evil.example", "X-Forwarded-Host": "evil2.example"})
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["referrer-policy"] == "same-origin"
    assert resp.headers["content-security-policy"] == f"frame-ancestors 'self' {PORTAL}"
    assert "x-frame-options" not in resp.headers  # it cannot list the portal; CSP does
    assert "server" not in resp.headers
    config = httpx.get(server + "/ui/config", headers={"X-Forwarded-Host": "evil.example"}).json()
    assert config["root"] == PUBLIC + "/ui"


def _open_stream(port: int, client: str) -> tuple[int, http.client.HTTPConnection]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "GET", f"/ui/gradio_api/heartbeat/hb{time.monotonic_ns()}", headers={"X-Forwarded-For": client}
    )
    return conn.getresponse().status, conn


def test_one_client_cannot_hold_every_connection(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    streams = [_open_stream(port, "203.0.113.50") for _ in range(3 * MAX_CONNECTIONS)]
    try:
        statuses = [status for status, _ in streams]
        assert statuses.count(200) == MAX_CONNECTIONS and statuses.count(429) == 2 * MAX_CONNECTIONS
        started = time.monotonic()
        assert "240万元" in Page(server, client="198.51.100.77").ask("othervisitor1", ASK_TAPEOUT)
        assert time.monotonic() - started < 10
    finally:
        for _, conn in streams:
            conn.close()


def test_page_requests_are_rate_limited_per_client(server: str) -> None:
    with httpx.Client(base_url=server, headers={"X-Forwarded-For": "203.0.113.60"}, timeout=10) as http:
        codes = [http.get("/ui/theme.css").status_code for _ in range(PAGE_BURST + 20)]
        assert codes.count(200) >= PAGE_BURST and 429 in codes
        limited = http.get("/ui/theme.css")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert httpx.get(server + "/ui/theme.css", headers={"X-Forwarded-For": "203.0.113.61"}).status_code == 200


def test_connections_are_released_when_streams_end(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    for _ in range(3):
        streams = [_open_stream(port, "203.0.113.70") for _ in range(MAX_CONNECTIONS)]
        assert all(status == 200 for status, _ in streams)
        for _, conn in streams:
            conn.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the server notices the disconnects within its heartbeat
            status, conn = _open_stream(port, "203.0.113.70")
            conn.close()
            if status == 200:
                break
            time.sleep(0.2)
    assert threading.active_count() < 200


def _server_fn_component(page: Page) -> dict[str, Any]:
    config = page.http.get("/ui/config").json()
    return next(c for c in config["components"] if c.get("props", {}).get("server_fns"))


def test_component_server_calls_only_a_components_declared_functions(server: str) -> None:
    page = Page(server)
    component = _server_fn_component(page)
    name = component["props"]["server_fns"][0]
    ok = {"session_hash": "serverfn0001", "component_id": component["id"], "fn_name": name, "data": None}
    resp = page.http.post("/ui/gradio_api/component_server/", json=ok)
    assert resp.status_code == 200 and resp.json()["sections"]  # the 政策体检 form, built from the packs
    others = [c["id"] for c in page.http.get("/ui/config").json()["components"] if c["id"] != component["id"]]
    for bad in (
        {**ok, "fn_name": "postprocess"},  # a method of the component, not a declared server function
        {**ok, "fn_name": "__init__"},
        {**ok, "component_id": others[0]},
        {**ok, "component_id": "1"},
        {k: v for k, v in ok.items() if k != "data"},
    ):
        resp = page.http.post("/ui/gradio_api/component_server/", json=bad)
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found", bad
    evil = page.http.post(
        "/ui/gradio_api/component_server/", json=ok, headers={"Origin": "https://evil.example"}
    )
    assert evil.status_code == 403
    assert page.http.post("/ui/gradio_api/component_server/", content=b"{").status_code == 400
