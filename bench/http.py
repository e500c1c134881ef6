"""HTTP figures: `policybot serve` on 127.0.0.1, POST /v1/chat at 1, 8 and 32 concurrent clients.

The load generator is asyncio over raw keep-alive sockets with pre-encoded requests, so on a 2-core machine
it takes as little CPU as possible away from the server it measures.
"""

from __future__ import annotations

import asyncio
import json
import os
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
    try:
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            writer.write(requests[i % len(requests)])
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            await reader.readexactly(length)
            lat.append(time.perf_counter() - t0)
            errors += not head.startswith(b"HTTP/1.1 200")
            i += 1
    finally:
        writer.close()
    return errors


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


def pct(sorted_lat: list[float], q: float) -> float:
    return sorted_lat[min(len(sorted_lat) - 1, int(q * len(sorted_lat)))] * 1000


def main() -> None:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="policybot-bench-") as data_dir:
        proc = start_server(port, data_dir)
        try:
            wait_ready(port, proc)
            print(
                f"POST /v1/chat，{len(QUESTIONS)} 个问题轮换，每档 {SECONDS:g} 秒（另有 {WARMUP_SECONDS:g} 秒预热）"
            )
            print(f"{'并发':>4} {'请求数':>7} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'错误':>4}")
            for clients in CONCURRENCY:
                lat, errors, elapsed = asyncio.run(run_level(port, clients, SECONDS))
                lat.sort()
                print(
                    f"{clients:>4} {len(lat):>7} {len(lat) / elapsed:>8.1f} {pct(lat, 0.5):>8.2f} "
                    f"{pct(lat, 0.99):>8.2f} {errors:>4}"
                )
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
