"""A local stand-in for WeChat's API host: access_token and customer-service send, recording every call."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


class FakeWeChatApi:
    """`enqueue()` scripts the next customer-service send result (default: ok); `sent` holds the pushes."""

    def __init__(self) -> None:
        self.token_requests: list[dict[str, str]] = []
        self.sent: list[dict[str, Any]] = []
        self.sent_tokens: list[str] = []
        self._send_results: deque[dict[str, Any]] = deque()
        self._tokens = 0
        self.lock = threading.Lock()
        self.pushed = threading.Event()

    def enqueue(self, **result: Any) -> None:
        self._send_results.append(result)

    def token(self, query: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            self.token_requests.append(query)
            self._tokens += 1
            return {"access_token": f"TOKEN-{self._tokens}", "expires_in": 7200}

    def send(self, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            result = self._send_results.popleft() if self._send_results else {"errcode": 0, "errmsg": "ok"}
            self.sent_tokens.append(query.get("access_token", ""))
            if result.get("errcode", 0) == 0:
                self.sent.append(body)
                self.pushed.set()
            return result


def _handler(api: FakeWeChatApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _reply(self, data: dict[str, Any]) -> None:
            raw = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _query(self) -> dict[str, str]:
            return {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if urlparse(self.path).path == "/cgi-bin/token":
                self._reply(api.token(self._query()))
            else:
                self._reply({"errcode": 40004, "errmsg": "not found"})

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            if urlparse(self.path).path == "/cgi-bin/message/custom/send":
                self._reply(api.send(self._query(), body))
            else:
                self._reply({"errcode": 40004, "errmsg": "not found"})

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def fake_wechat_api() -> Iterator[tuple[FakeWeChatApi, str]]:
    api = FakeWeChatApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    thread = threading.Thread(target=server.serve_forever, name="fake-wechat-api", daemon=True)
    thread.start()
    try:
        yield api, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
