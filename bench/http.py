"""HTTP figures: `policybot serve` on 127.0.0.1, POST /v1/chat at 1, 8 and 32 concurrent clients.

The load generator is wrk (Debian's `apt-get install wrk`) when it is installed: compiled, it takes about a
tenth of the CPU per request that Python does, which on a 2-core machine is CPU taken away from the server
it measures. Without it (or with BENCH_CLIENT=python), asyncio over raw keep-alive sockets with
pre-encoded requests.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = (1, 8, 32)
SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "5"))
WARMUP_SECONDS = 1.0
QUESTIONS = (
    "首次流片费用800万元，最多能补贴多少？",
    "购买EDA工具花了300万元，有什么补贴？",
    "使用杭州人工智能计算中心算力，合同金额150万元，能补贴多少？",
    "本政策什么时候开始施行？",
    "第17条是什么内容？",
    "数据交易平台年交易额3亿元，运营补贴最多多少？",
    "今天天气怎么样？",
    "集成电路企业银行贷款贴息怎么算？",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, data_dir: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "POLICYBOT_DATA_DIR": data_dir,
        "HF_HUB_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    cmd = [sys.executable, "-m", "bot.cli", "serve", "--no-ui", "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("服务器启动失败：" + (proc.stderr.read().decode() if proc.stderr else ""))
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("服务器未在规定时间内就绪")


def encode_requests(port: int) -> list[bytes]:
    out = []
    for q in QUESTIONS:
        body = json.dumps({"message": q}, ensure_ascii=False).encode()
        head = (
            f"POST /v1/chat HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        out.append(head + body)
    return out


async def one_client(port: int, requests: list[bytes], offset: int, stop_at: float, lat: list[float]) -> int:
    """Send requests back to back on one keep-alive connection until stop_at; return non-200 count."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors, i = 0, offset
    clock = time.perf_counter
    try:
        while clock() < stop_at:
            t0 = clock()
            writer.write(requests[i % len(requests)])
            head = await reader.readuntil(b"\r\n\r\n")
            await reader.readexactly(_content_length(head))
            lat.append(clock() - t0)
            errors += not head.startswith(b"HTTP/1.1 200")
            i += 1
    finally:
        writer.close()
    return errors


def _content_length(head: bytes) -> int:
    at = head.lower().index(b"\r\ncontent-length:") + 17
    return int(head[at : head.index(b"\r\n", at)])


def wrk_binary() -> str | None:
    """The wrk load generator, unless BENCH_CLIENT=python asks for the Python one."""
    if os.environ.get("BENCH_CLIENT", "").lower() == "python":
        return None
    return shutil.which("wrk")


def client_name() -> str:
    return "wrk" if wrk_binary() else "Python asyncio"


def _lua_bytes(raw: bytes) -> str:
    return '"' + "".join(f"\\{b}" for b in raw) + '"'


def wrk_script(requests: list[bytes]) -> str:
    """A wrk script sending the pre-encoded requests in turn (each thread from its own offset)."""
    items = ",\n".join(_lua_bytes(r) for r in requests)
    return (
        f"local requests = {{\n{items}\n}}\n"
        "local i = 0\n"
        "function init(args) i = tonumber(args[1]) or 0 end\n"
        "function request() i = i + 1; return requests[i % #requests + 1] end\n"
    )


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _latency_ms(out: str, percent: int) -> float:
    found = re.search(rf"\b{percent}%\s+([\d.]+)(us|ms|s)\b", out)
    if found is None:
        raise RuntimeError("无法读取 wrk 的输出：" + out)
    return float(found.group(1)) * _UNIT_MS[found.group(2)]


def parse_wrk(out: str) -> tuple[int, float, float, float, int]:
    """(requests, seconds, p50 ms, p99 ms, errors: non-2xx/3xx replies and socket errors) from `wrk --latency`."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", out)
    if done is None:
        raise RuntimeError("无法读取 wrk 的输出：" + out)
    seconds = float(done.group(2)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[done.group(3)]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(n) for n in sockets.groups()) if sockets else 0
    return int(done.group(1)), seconds, _latency_ms(out, 50), _latency_ms(out, 99), errors


def run_wrk(
    port: int, requests: list[bytes], clients: int, seconds: float
) -> tuple[int, float, float, float, int]:
    """wrk with `clients` connections on one thread (the server keeps the other core) for whole seconds."""
    binary = wrk_binary()
    assert binary is not None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(requests))
    try:
        cmd = [binary, "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--latency", "-s", script.name]
        out = subprocess.run(
            [*cmd, f"http://127.0.0.1:{port}/", "--", "0"], capture_output=True, text=True, check=True
        )
        return parse_wrk(out.stdout)
    finally:
        os.unlink(script.name)


async def run_level(port: int, clients: int, seconds: float) -> tuple[list[float], int, float]:
    requests = encode_requests(port)
    warm: list[float] = []
    await asyncio.gather(
        *(one_client(port, requests, c, time.perf_counter() + WARMUP_SECONDS, warm) for c in range(clients))
    )
    lat: list[float] = []
    start = time.perf_counter()
    errors = await asyncio.gather(
        *(one_client(port, requests, c, start + seconds, lat) for c in range(clients))
    )
    return lat, sum(errors), time.perf_counter() - start


def level_figures(port: int, clients: int, seconds: float) -> tuple[int, float, float, float, int]:
    """(requests, rps, p50 ms, p99 ms, errors) at `clients` connections after a warm-up."""
    requests = encode_requests(port)
    if wrk_binary():
        run_wrk(port, requests, clients, WARMUP_SECONDS)
        n, elapsed, p50, p99, errors = run_wrk(port, requests, clients, seconds)
        return n, n / elapsed, p50, p99, errors
    lat, errors, elapsed = asyncio.run(run_level(port, clients, seconds))
    lat.sort()
    return len(lat), len(lat) / elapsed, pct(lat, 0.5), pct(lat, 0.99), errors


def pct(sorted_lat: list[float], q: float) -> float:
    return sorted_lat[min(len(sorted_lat) - 1, int(q * len(sorted_lat)))] * 1000


def main() -> None:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="policybot-bench-") as data_dir:
        proc = start_server(port, data_dir)
        try:
            wait_ready(port, proc)
            print(
                f"POST /v1/chat，{len(QUESTIONS)} 个问题轮换，每档 {SECONDS:g} 秒（另有 {WARMUP_SECONDS:g} 秒预热），"
                f"负载工具 {client_name()}"
            )
            print(f"{'并发':>4} {'请求数':>7} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'错误':>4}")
            for clients in CONCURRENCY:
                n, rps, p50, p99, errors = level_figures(port, clients, SECONDS)
                print(f"{clients:>4} {n:>7} {rps:>8.1f} {p50:>8.2f} {p99:>8.2f} {errors:>4}")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
