"""Scale-out figures: POST /v1/chat at 32 clients on `serve` with 1 and with 2 workers (both on one Redis,
started here), and chat against GET /healthz throughput on the same one-worker server."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.http import QUESTIONS, ROOT, SECONDS, encode_requests, free_port, one_client, pct, wait_ready

CLIENTS = 32


def start_redis(workdir: str) -> tuple[subprocess.Popen[bytes], str] | None:
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    port = free_port()
    cmd = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        workdir,
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return proc, f"redis://127.0.0.1:{port}"


def start(port: int, data_dir: str, redis_url: str | None, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "POLICYBOT_DATA_DIR": data_dir,
        "HF_HUB_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    if redis_url:
        env["POLICYBOT_REDIS_URL"] = redis_url
    cmd = [sys.executable, "-m", "bot.cli", "serve", "--no-ui", "--port", str(port), "--log-level", "warning"]
    cmd += ["--workers", str(workers)]
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


def healthz_requests(port: int) -> list[bytes]:
    return [f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()]


async def measure(port: int, requests: list[bytes], seconds: float) -> tuple[float, float, int]:
    """(requests/s, p99 ms, errors) at CLIENTS keep-alive clients, after one second of warm-up."""
    warm: list[float] = []
    await asyncio.gather(
        *(one_client(port, requests, c, time.perf_counter() + 1.0, warm) for c in range(CLIENTS))
    )
    lat: list[float] = []
    started = time.perf_counter()
    errors = await asyncio.gather(
        *(one_client(port, requests, c, started + seconds, lat) for c in range(CLIENTS))
    )
    elapsed = time.perf_counter() - started
    lat.sort()
    return len(lat) / elapsed, pct(lat, 0.99), sum(errors)


def run_server(
    data_dir: str, redis_url: str | None, workers: int, with_healthz: bool
) -> dict[str, tuple[float, float, int]]:
    port = free_port()
    proc = start(port, data_dir, redis_url, workers)
    try:
        wait_ready(port, proc)
        if workers > 1:
            time.sleep(3.0)  # /readyz answered by one worker: give the others time to load their engine
        out = {"chat": asyncio.run(measure(port, encode_requests(port), SECONDS))}
        if with_healthz:
            out["healthz"] = asyncio.run(measure(port, healthz_requests(port), SECONDS))
        return out
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="policybot-bench-scale-") as tmp:
        redis = start_redis(tmp)
        url = redis[1] if redis else None
        try:
            print(
                f"POST /v1/chat，{CLIENTS} 并发，{len(QUESTIONS)} 个问题轮换，每项 {SECONDS:g} 秒；会话与限流在 Redis"
            )
            one = run_server(str(Path(tmp) / "data"), url, 1, with_healthz=True)
            rows = [("1 个工作进程", one["chat"])]
            if url is None:
                print("未安装 redis-server：跳过 2 个工作进程的测量")
            else:
                rows.append(
                    ("2 个工作进程", run_server(str(Path(tmp) / "data"), url, 2, with_healthz=False)["chat"])
                )
            print(f"{'':12} {'rps':>8} {'p99 ms':>8} {'错误':>4}")
            for label, (rps, p99, errors) in rows:
                print(f"{label:12} {rps:>8.1f} {p99:>8.2f} {errors:>4}")
            if len(rows) == 2:
                print(f"2 个工作进程 / 1 个：{rows[1][1][0] / rows[0][1][0]:.2f} 倍（目标 ≥ 1.6）")
            health = one["healthz"]
            print(f"GET /healthz（同一 1 进程服务器）：{health[0]:.1f} rps，p99 {health[1]:.2f} ms")
            print(f"POST /v1/chat ÷ GET /healthz 吞吐：{one['chat'][0] / health[0]:.2f}（目标 ≥ 0.6）")
        finally:
            if redis:
                redis[0].terminate()
                redis[0].wait(timeout=30)


if __name__ == "__main__":
    main()
