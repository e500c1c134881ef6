"""Faults around the engine: a misbehaving LLM endpoint, a corrupt or missing index — the user still gets a
correct answer from the real server, and the record says why the fallback happened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.server import ROOT, Client, Server, running_server

TOKEN = "fault-admin-token"
QUESTION = "首次流片费用1200万元能补多少"  # m3: ≥1000万 → 15% = 180万
EXPECTED = "1800000"


class FlakyLLM(BaseHTTPRequestHandler):
    """An OpenAI chat-completions endpoint that fails in the way `mode` says."""

    mode = "ok"

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        mode = type(self).mode
        if mode == "timeout":
            time.sleep(3)
        if mode == "garbage":
            return self._raw(200, b"\x00\xff not json at all", "application/json")
        if mode == "truncated":
            return self._raw(200, b'{"id": "x", "choices": [{"message": {"role": "assist', "application/json")
        if mode == "html502":
            return self._raw(502, b"<html><body>Bad Gateway</body></html>", "text/html")
        after_tool = any(m.get("role") == "tool" for m in body["messages"])
        if mode == "refuse" or (after_tool and mode in ("ok", "invented")):
            text = {
                "refuse": "抱歉，我不能调用工具，但大概能补200万元左右。",
                "ok": "首次流片费用1200万元，最高可补贴180万元，以评审为准。",
                "invented": "首次流片费用1200万元，可补贴360万元。",
            }[mode]
            return self._reply({"role": "assistant", "content": text}, "stop")
        name, args = "first_tapeout_subsidy", json.dumps({"fees_yuan": ["1200万"]}, ensure_ascii=False)
        if mode == "bad_args":
            args = '{"fees_yuan": [tru'
        if mode == "unknown_tool":
            name = "transfer_money"
        call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": args}}
        return self._reply({"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls")

    def _reply(self, message: dict[str, Any], finish: str) -> None:
        payload = {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": "fake",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        self._raw(200, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

    def _raw(self, code: int, data: bytes, ctype: str) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (timeout mode)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def llm_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyLLM)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def last_record(client: Client) -> dict[str, Any]:
    code, body = client.request(
        "GET", "/v1/admin/records?limit=1", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert code == 200, body
    return body["records"][0]  # type: ignore[no-any-return]


@pytest.mark.slow
def test_llm_endpoint_failures_fall_back_to_a_correct_answer(tmp_path: Path, llm_url: str) -> None:
    env = {
        "POLICYBOT_LLM_BASE_URL": llm_url,
        "POLICYBOT_LLM_MODEL": "fake",
        "POLICYBOT_LLM_API_KEY": "sk-fault-test",
        "POLICYBOT_LLM_TIMEOUT_SECONDS": "0.5",
        "POLICYBOT_ADMIN_TOKEN": TOKEN,
    }
    with running_server(tmp_path / "data", **env) as server:
        client = Client(server.port)
        FlakyLLM.mode = "ok"
        code, body = client.post("/v1/chat", {"message": QUESTION})
        assert (code, body["total_max_subsidy_yuan"]) == (200, EXPECTED)
        assert last_record(client)["mode"] == "llm"  # the model path is really in use
        for mode in (
            "timeout",
            "garbage",
            "truncated",
            "html502",
            "refuse",
            "bad_args",
            "unknown_tool",
            "invented",
        ):
            FlakyLLM.mode = mode
            code, body = client.post("/v1/chat", {"message": QUESTION})
            assert code == 200, (mode, body)
            assert (body["status"], body["total_max_subsidy_yuan"]) == ("answered", EXPECTED), mode
            assert "180万" in body["answer"] and "360万" not in body["answer"], mode
            record = last_record(client)
            assert record["mode"] == "deterministic" and record["fallback_reason"], (mode, record)


def _corrupt(index_dir: Path) -> int:
    files = [p for p in index_dir.rglob("*") if p.is_file()]
    for path in files:
        path.write_bytes(os.urandom(64) + b"\x00garbage")
    return len(files)


def _ask_ok(server: Server) -> None:
    code, body = Client(server.port).post("/v1/chat", {"message": QUESTION})
    assert (code, body["total_max_subsidy_yuan"], body["citations"][0]["clause_id"]) == (200, EXPECTED, "m3")


def _log(server: Server) -> str:
    return (server.data_dir.parent / f"server-{server.port}.log").read_text(errors="replace")


@pytest.mark.slow
def test_missing_or_corrupt_index_at_start_up_is_rebuilt(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"POLICYBOT_ADMIN_TOKEN": TOKEN}
    with running_server(data, **env) as server:  # no index yet: built before listening
        _ask_ok(server)
        assert "Traceback" not in _log(server)
    assert _corrupt(data / "index") > 0
    with running_server(data, **env) as server:
        _ask_ok(server)
        log = _log(server)
        assert "Traceback" not in log and "索引" in log
        code, body = Client(server.port).request(
            "POST", "/v1/admin/reindex", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert code == 200 and body["ok"] is True and "bm25" in body["modes"]
        _ask_ok(server)  # the running engine uses the rebuilt index


def test_search_cli_with_corrupt_index_explains_and_recovers(tmp_path: Path) -> None:
    env = {**os.environ, "POLICYBOT_DATA_DIR": str(tmp_path / "data"), "POLICYBOT_EMBEDDING_MODEL": ""}
    run = [sys.executable, "-m", "bot.cli", "search", "流片补贴", "--json"]
    first = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    _corrupt(tmp_path / "data" / "index")
    second = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0 and "Traceback" not in second.stderr
    assert "索引" in second.stderr  # a clear Chinese note that the index was rebuilt
    assert json.loads(second.stdout)["results"][0]["clause_id"] == "m3"
