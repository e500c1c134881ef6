"""Re-run the security audit's attacks against a real `policybot serve` on 127.0.0.1 and print the figures.

    python scripts/security_audit.py [--root PROJECT] [--flood 10001]

Each attack starts its own server (web UI on) from PROJECT's code, so the same script measures any
checkout. Figures: requests sent, 5xx, sessions reachable across channels, requests answered past the
rate limit with spoofed headers, victim sessions evicted by a flood, formula cells in the export, and the
smaller findings. Nothing leaves 127.0.0.1."""

from __future__ import annotations

import argparse
import csv
import hashlib
import http.client
import io
import json
import os
import socket
import string
import subprocess
import sys
import tempfile
import time
import unicodedata
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ADMIN = "audit-admin-token-0123456789"
WX = "audit-wx-token"
TAPEOUT, FOLLOW_UP = "首次流片费用800万元，最多能补贴多少？", "那如果是1500万呢？"
LEAK = "225万元"  # only a conversation that remembers the 800万 tape-out answers this
STATS: Counter[str] = Counter()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(root: Path, data: Path, **env: str):  # type: ignore[no-untyped-def]
    port = free_port()
    log_path = data.parent / f"server-{port}.log"
    full = {
        **os.environ,
        "POLICYBOT_DATA_DIR": str(data),
        "POLICYBOT_ADMIN_TOKEN": ADMIN,
        "POLICYBOT_WECHAT_TOKEN": WX,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        **env,
    }
    cmd = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=root, env=full, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    yield None, log_path, proc
                    return
                try:
                    if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.3)
            with client_for(base) as client:
                yield client, log_path, proc
        finally:
            proc.kill()
            proc.wait(timeout=30)


def client_for(base: str) -> httpx.Client:
    # No keep-alive: a reply the server breaks off must not poison the next request's connection.
    limits = httpx.Limits(max_keepalive_connections=0)
    return httpx.Client(base_url=base, timeout=60, limits=limits, event_hooks={"response": [count]})


def count(resp: httpx.Response) -> None:
    STATS["requests"] += 1
    STATS["5xx"] += resp.status_code >= 500


def chat(c: httpx.Client, message: str, sid: str | None = None, **headers: str) -> dict[str, Any]:
    resp = c.post("/v1/chat", json={"message": message, "session_id": sid}, headers=headers)
    return resp.json() if resp.status_code == 200 else {"status": resp.status_code, "answer": ""}


def wechat(
    c: httpx.Client, text: str, user: str, ts: str | None = None, nonce: str | None = None
) -> httpx.Response:
    ts, nonce = ts or str(int(time.time())), nonce or uuid.uuid4().hex[:10]
    sig = hashlib.sha1("".join(sorted([WX, ts, nonce])).encode()).hexdigest()
    xml = (
        f"<xml><ToUserName>gh</ToUserName><FromUserName>{user}</FromUserName><CreateTime>{ts}</CreateTime>"
        f"<MsgType>text</MsgType><Content><![CDATA[{text}]]></Content><MsgId>{nonce}</MsgId></xml>"
    )
    return c.post("/wechat", params={"signature": sig, "timestamp": ts, "nonce": nonce}, content=xml.encode())


class Page:
    """The Gradio page's protocol: load, queue/join, read queue/data."""

    def __init__(self, c: httpx.Client, load: bool = True) -> None:
        self.c = client_for(str(c.base_url))
        if load:
            self.c.get("/ui/")
        config = self.c.get("/ui/config").json()
        self.box = next(
            x["id"] for x in config["components"] if x.get("props", {}).get("elem_id") == "chat-input"
        )
        self.fn = next(d["id"] for d in config["dependencies"] if [self.box, "submit"] in d["targets"])

    def join(self, session_hash: str, text: str, **headers: str) -> httpx.Response:
        body = {
            "data": [text, [], None],
            "fn_index": self.fn,
            "trigger_id": self.box,
            "session_hash": session_hash,
        }
        return self.c.post("/ui/gradio_api/queue/join", json=body, headers=headers)

    def ask(self, session_hash: str, text: str) -> str:
        if self.join(session_hash, text).status_code != 200:
            return ""
        with self.c.stream("GET", "/ui/gradio_api/queue/data", params={"session_hash": session_hash}) as st:
            for line in st.iter_lines():
                if '"process_completed"' in line:
                    return line
        return ""


def cross_channel(c: httpx.Client) -> dict[str, Any]:
    """Which other channels reach a follower's, a browser's or a chosen session."""
    user = "o_audit_victim"
    wechat(c, TAPEOUT, user)
    reach = {
        "api session_id wx-<openid>": LEAK in chat(c, FOLLOW_UP, f"wx-{user}")["answer"],
        "openai user wx-<openid>": LEAK
        in c.post(
            "/v1/chat/completions",
            json={"messages": [{"role": "user", "content": FOLLOW_UP}], "user": f"wx-{user}"},
        ).text,
        "openai X-Session-Id": LEAK
        in c.post(
            "/v1/chat/completions",
            json={"messages": [{"role": "user", "content": FOLLOW_UP}]},
            headers={"X-Session-Id": f"wx-{user}"},
        ).text,
    }
    victim = Page(c)
    victim.ask("auditvictim1", TAPEOUT)
    reach["gradio session_hash reuse"] = LEAK in Page(c, load=False).ask("auditvictim1", FOLLOW_UP)
    link = c.get("/ui/gradio_api/deep_link", params={"session_hash": "auditvictim1"})
    reach["gradio deep_link"] = link.status_code == 200 and len(link.text) > 4
    chosen = chat(c, TAPEOUT, "attacker-chosen-1")
    reach["client-chosen id accepted"] = chosen.get("session_id") == "attacker-chosen-1"
    return {"sessions reachable across channels": sum(reach.values()), "of": len(reach), "detail": reach}


def ui_surface(c: httpx.Client, log_path: Path) -> dict[str, Any]:
    evil = {"Host": "policy.example", "Origin": "https://evil.example"}
    page = c.get("/ui/", headers=evil)
    cross = Page(c).join("auditcross01", TAPEOUT, Origin="https://evil.example")
    before = log_path.stat().st_size
    for i in range(500):
        try:
            c.get("/ui/gradio_api/queue/data", params={"session_hash": f"nobody{i}"})
        except httpx.TransportError:
            STATS["replies broken off"] += 1
    time.sleep(1)
    log_growth = log_path.stat().st_size - before
    bad = c.post("/ui/gradio_api/queue/join", json={"data": [], "fn_index": 9999, "session_hash": "x1"})
    config = c.get("/ui/config", headers={"X-Forwarded-Host": "evil.example"}).json()
    api = c.get("/v1/clauses")
    return {
        "ui ACAO for evil origin": page.headers.get("access-control-allow-origin"),
        "cross-origin queue/join status": cross.status_code,
        "dev/reload status": _status(c, "/ui/gradio_api/dev/reload"),
        "monitoring status": _status(c, "/ui/monitoring"),
        "upload status": c.post("/ui/gradio_api/upload", files={"files": ("a.txt", b"x")}).status_code,
        "log bytes for 500 unknown queue/data": log_growth,
        "tracebacks in log": log_path.read_text(errors="replace").count("Traceback"),
        "bad fn_index status": bad.status_code,
        "X-Forwarded-Host in root": "evil.example" in str(config.get("root")),
        "nosniff / referrer / frame-ancestors": [
            h in api.headers for h in ("x-content-type-options", "referrer-policy", "content-security-policy")
        ],
        "server banner": api.headers.get("server"),
    }


def _status(c: httpx.Client, path: str) -> int:
    with c.stream("GET", path, timeout=5) as resp:
        return resp.status_code


def replay_and_exports(c: httpx.Client, root: Path, data: Path) -> dict[str, Any]:
    ts, nonce = str(int(time.time())), "auditnonce1"
    first = wechat(c, "第3条是什么", "o_real", ts, nonce).status_code
    forged = wechat(c, TAPEOUT, "o_forged", ts, nonce).status_code
    hostile = [
        " =1+1",
        "\u200b=1+1",
        "\u202e=1+1",
        "＝1+1",
        "＋1",
        "－1",
        "＠SUM(A1)",
        '=HYPERLINK("x")',
        "\x1b[2J清屏",
    ]
    for text in hostile:
        answer = chat(c, text)
        if answer.get("answer_id"):
            c.post("/v1/feedback", json={"answer_id": answer["answer_id"], "helpful": False, "comment": text})
    for _ in range(30):
        chat(c, "第3条是什么")
    export = c.get(
        "/v1/admin/records",
        params={"format": "csv", "limit": 5000},
        headers={"authorization": "Bearer " + ADMIN},
    )
    cells = [cell for row in list(csv.reader(io.StringIO(export.text.lstrip("\ufeff"))))[1:] for cell in row]
    strip = string.whitespace + "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff\u3000"
    formula = [
        x
        for x in cells
        if (p := x.lstrip(strip)) and unicodedata.normalize("NFKC", p[0]) in "=+-@" and not x.startswith("'")
    ]
    env = {**os.environ, "POLICYBOT_DATA_DIR": str(data)}
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "log", "-n", "100"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    return {
        "wechat: signed URL replayed with a forged body": f"{first} then {forged}",
        "formula cells in export": len(formula),
        "raw ESC in `policybot log`": out.stdout.count("\x1b"),
    }


def spoofed_limits(root: Path, data: Path) -> dict[str, Any]:
    limited = {"POLICYBOT_RATE_LIMIT_PER_MINUTE": "60", "POLICYBOT_RATE_LIMIT_BURST": "20"}
    out: dict[str, Any] = {}
    env = {**limited, "POLICYBOT_RATE_LIMIT_EXEMPT": "[]", "POLICYBOT_TRUST_FORWARDED_FOR": "false"}
    with server(root, data, **env) as (c, _, _):
        codes = [
            c.post(
                "/v1/chat", json={"message": "第3条是什么"}, headers={"X-Forwarded-For": f"10.9.{i}.1"}
            ).status_code
            for i in range(40)
        ]
        out["rotating XFF, trust off: answered past a limit of 20"] = max(0, codes.count(200) - 20)
    env = {**limited, "POLICYBOT_TRUST_FORWARDED_FOR": "true", "POLICYBOT_TRUSTED_PROXIES": '["127.0.0.1"]'}
    with server(root, data, **env) as (c, _, _):
        codes = [
            c.post(
                "/v1/chat", json={"message": "第3条是什么"}, headers={"X-Forwarded-For": "127.0.0.1"}
            ).status_code
            for _ in range(40)
        ]
        out["XFF 127.0.0.1 via trusted proxy: answered past a limit of 20"] = max(0, codes.count(200) - 20)
        codes = [
            c.post(
                "/v1/chat",
                json={"message": "第3条是什么"},
                headers={"X-Forwarded-For": f"10.9.{i}.1, 203.0.113.7"},
            ).status_code
            for i in range(40)
        ]
        out["spoofed left-most hops via trusted proxy: answered past 20"] = max(0, codes.count(200) - 20)
    return out


def idle_streams(root: Path, data: Path, n: int = 2000) -> dict[str, Any]:
    env = {"POLICYBOT_TRUST_FORWARDED_FOR": "true", "POLICYBOT_TRUSTED_PROXIES": '["127.0.0.1"]'}
    with server(root, data, **env) as (c, _, _):
        port = int(str(c.base_url).rsplit(":", 1)[1].strip("/"))
        page = Page(c)
        page.ask("warmup000001", TAPEOUT)
        conns, accepted = [], 0
        for i in range(n):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                path = f"/ui/gradio_api/heartbeat/idle{i}" if i % 2 else f"/ui/gradio_api/dev/reload?i={i}"
                conn.request("GET", path, headers={"X-Forwarded-For": "203.0.113.99"})
                accepted += conn.getresponse().status == 200
                STATS["requests"] += 1
            except OSError:
                pass
            conns.append(conn)
        started = time.monotonic()
        answered = "240万元" in page.ask(f"during{uuid.uuid4().hex[:6]}", TAPEOUT)
        latency = time.monotonic() - started
        for conn in conns:
            conn.close()
    return {
        f"idle SSE/dev-reload streams accepted from one client (of {n})": accepted,
        "chat latency meanwhile (s)": round(latency, 2),
        "answered": answered,
    }


def flood(root: Path, data: Path, n: int) -> dict[str, Any]:
    env = {
        "POLICYBOT_TRUST_FORWARDED_FOR": "true",
        "POLICYBOT_TRUSTED_PROXIES": '["127.0.0.1"]',
        "POLICYBOT_RATE_LIMIT_PER_MINUTE": "0",
        "POLICYBOT_SESSION_MAX_BYTES": str(8 * 1024 * 1024),  # a small bound, so the long messages reach it
    }
    with server(root, data, **env) as (c, _, proc):
        victims = []
        for i in range(10):
            addr = f"198.51.100.{i + 1}"
            victims.append((addr, chat(c, "流片能补多少钱？", **{"X-Forwarded-For": addr})["session_id"]))
        started = time.monotonic()
        for _ in range(n):
            chat(c, "你好", **{"X-Forwarded-For": "203.0.113.66"})
        elapsed = time.monotonic() - started
        long = ("首次流片费用一千二百万元，我们是集成电路设计企业。" * 120)[:1990]
        rss, sid = [_rss(proc.pid)], None
        for i in range(4000):  # long messages, ten per session; RSS read after each thousand
            headers = {"X-Forwarded-For": "203.0.113.67"}
            sid = chat(c, long + str(i), None if i % 10 == 0 else sid, **headers).get("session_id")
            if i % 1000 == 999:
                rss.append(_rss(proc.pid))
        evicted = sum(
            "会话已过期" in chat(c, "1200万", s, **{"X-Forwarded-For": a})["answer"] for a, s in victims
        )
    return {
        f"victim sessions evicted by {n} new sessions from one client (+4000 long messages)": f"{evicted} of 10",
        "flood seconds": round(elapsed, 1),
        "server RSS growth per 1000 long messages (MB)": [
            round((b - a) / 1e6, 1) for a, b in zip(rss, rss[1:], strict=False)
        ],
        "session byte bound configured (MB)": 8.4,
    }


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def web_concurrency(root: Path, data: Path) -> str:
    with server(root, data, WEB_CONCURRENCY="2", POLICYBOT_SERVE_UI="false") as (c, _, proc):
        return "starts" if c is not None else f"exits with {proc.returncode}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--flood", type=int, default=10001)
    args = parser.parse_args()
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        with server(args.root, data) as (c, log_path, _):
            report["cross-channel"] = cross_channel(c)
            report["ui"] = ui_surface(c, log_path)
            report["replay and exports"] = replay_and_exports(c, args.root, data)
        with server(args.root, data, POLICYBOT_ADMIN_TOKEN="", POLICYBOT_SERVE_UI="false") as (c, _, _):
            paths = c.get("/openapi.json").json()["paths"]
            report["ui"]["admin paths in /openapi.json (admin off)"] = sum(
                p.startswith("/v1/admin") for p in paths
            )
        report["spoofed headers"] = spoofed_limits(args.root, data)
        report["idle streams"] = idle_streams(args.root, data)
        report["flood"] = flood(args.root, data, args.flood)
        report["WEB_CONCURRENCY=2"] = web_concurrency(args.root, data)
    report["totals"] = dict(STATS)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
