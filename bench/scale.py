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

from bench.http import (
    QUESTIONS,
    ROOT,
    SECONDS,
    client_name,
    encode_requests,
    free_port,
    one_client,
    pct,
    run_wrk,
    wait_ready,
    wrk_binary,
)

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


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process so far (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def healthz_requests(port: int) -> list[bytes]:
    return [f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()]


def measure(
    port: int, requests: list[bytes], seconds: float, cpu: list[float] | None = None, pid: int = 0
) -> tuple[float, float, int]:
    """(requests/s, p99 ms, errors) at CLIENTS keep-alive clients, after one second of warm-up; with `cpu`,
    appends the server process's CPU milliseconds per request."""
    if wrk_binary():
        run_wrk(port, requests, CLIENTS, 1.0)
        before = cpu_seconds(pid) if cpu is not None else None
        n, elapsed, _, p99, errors = run_wrk(port, requests, CLIENTS, seconds)
        after = cpu_seconds(pid) if cpu is not None else None
        if cpu is not None and before is not None and after is not None and n:
            cpu.append((after - before) * 1000 / n)
        return n / elapsed, p99, errors
    return asyncio.run(measure_python(port, requests, seconds, cpu, pid))


async def measure_python(
    port: int, requests: list[bytes], seconds: float, cpu: list[float] | None, pid: int
) -> tuple[float, float, int]:
    """measure() with the asyncio load generator of bench.http."""
    warm: list[float] = []
    await asyncio.gather(
        *(one_client(port, requests, c, time.perf_counter() + 1.0, warm) for c in range(CLIENTS))
    )
    before = cpu_seconds(pid) if cpu is not None else None
    lat: list[float] = []
    started = time.perf_counter()
    errors = await asyncio.gather(
        *(one_client(port, requests, c, started + seconds, lat) for c in range(CLIENTS))
    )
    elapsed = time.perf_counter() - started
    after = cpu_seconds(pid) if cpu is not None else None
    if cpu is not None and before is not None and after is not None and lat:
        cpu.append((after - before) * 1000 / len(lat))
    lat.sort()
    return len(lat) / elapsed, pct(lat, 0.99), sum(errors)


def run_server(
    data_dir: str, redis_url: str | None, workers: int, with_healthz: bool, cpu: dict[str, list[float]]
) -> dict[str, tuple[float, float, int]]:
    port = free_port()
    proc = start(port, data_dir, redis_url, workers)
    # One worker is the serve process itself: its CPU per request says where the ratio comes from.
    own = cpu.setdefault("chat", []) if workers == 1 else None
    try:
        wait_ready(port, proc)
        if workers > 1:
            time.sleep(3.0)  # /readyz answered by one worker: give the others time to load their engine
        out = {"chat": measure(port, encode_requests(port), SECONDS, own, proc.pid)}
        if with_healthz:
            health = cpu.setdefault("healthz", [])
            out["healthz"] = measure(port, healthz_requests(port), SECONDS, health, proc.pid)
        return out
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


ROUNDS = 2  # 1 and 2 workers measured alternately, so a slow spell of the machine hits both alike


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="policybot-bench-scale-") as tmp:
        redis = start_redis(tmp)
        url = redis[1] if redis else None
        data = str(Path(tmp) / "data")
        env = {**os.environ, "POLICYBOT_DATA_DIR": data}
        subprocess.run([sys.executable, "-m", "bot.cli", "index"], cwd=ROOT, env=env, capture_output=True)
        try:
            print(
                f"POST /v1/chat，{CLIENTS} 并发，{len(QUESTIONS)} 个问题轮换，每项 {SECONDS:g} 秒，"
                f"1 与 2 个工作进程交替测 {ROUNDS} 轮取平均；会话与限流在 Redis；负载工具 {client_name()}"
            )
            if url is None:
                print("未安装 redis-server：只测 1 个工作进程（多进程需要 Redis 共享会话）")
            counts = (1, 2) if url else (1,)
            runs: dict[int, list[tuple[float, float, int]]] = {n: [] for n in counts}
            health: list[tuple[float, float, int]] = []
            ratios: list[float] = []
            cpu: dict[str, list[float]] = {}
            for _ in range(ROUNDS):
                for n in counts:
                    out = run_server(data, url, n, with_healthz=n == 1, cpu=cpu)
                    runs[n].append(out["chat"])
                    if n == 1:
                        health.append(out["healthz"])
                        ratios.append(out["chat"][0] / out["healthz"][0])
            _report(runs, health, ratios, cpu, engine_cpu_ms(data))
        finally:
            if redis:
                redis[0].terminate()
                redis[0].wait(timeout=30)


def engine_cpu_ms(data_dir: str, rounds: int = 200) -> float:
    """CPU milliseconds per Engine.ask on the bench questions in this process: the share of a chat request
    that is the engine; the rest is the HTTP stack (what /healthz pays) and the session and rate-limit calls."""
    from bot import build_engine
    from bot.settings import Settings

    engine = build_engine(Settings(data_dir=Path(data_dir), embedding_model=None, llm_base_url=None))
    for question in QUESTIONS:
        engine.ask(question)
    started = time.process_time()
    for _ in range(rounds):
        for question in QUESTIONS:
            engine.ask(question)
    return (time.process_time() - started) * 1000 / (rounds * len(QUESTIONS))


def _mean(rows: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    return (
        sum(r[0] for r in rows) / len(rows),
        sum(r[1] for r in rows) / len(rows),
        sum(r[2] for r in rows),
    )


def _report(
    runs: dict[int, list[tuple[float, float, int]]],
    health: list[tuple[float, float, int]],
    ratios: list[float],
    cpu: dict[str, list[float]],
    engine_ms: float,
) -> None:
    print(f"{'':12} {'rps':>8} {'p99 ms':>8} {'错误':>4}   各轮 rps")
    for n, rows in runs.items():
        rps, p99, errors = _mean(rows)
        each = " / ".join(f"{r[0]:.0f}" for r in rows)
        print(f"{n} 个工作进程{'':4} {rps:>8.1f} {p99:>8.2f} {errors:>4}   {each}")
    if 2 in runs:
        print(f"2 个工作进程 / 1 个：{_mean(runs[2])[0] / _mean(runs[1])[0]:.2f} 倍（目标 ≥ 1.6）")
    rps, p99, _ = _mean(health)
    print(f"GET /healthz（同一 1 进程服务器）：{rps:.1f} rps，p99 {p99:.2f} ms")
    print(f"POST /v1/chat ÷ GET /healthz 吞吐：{sum(ratios) / len(ratios):.2f}（目标 ≥ 0.6）")
    if cpu.get("chat") and cpu.get("healthz"):
        chat, health_ms = (sum(cpu[k]) / len(cpu[k]) for k in ("chat", "healthz"))
        print(f"1 进程服务器每个请求的 CPU：POST /v1/chat {chat:.2f} ms，GET /healthz {health_ms:.2f} ms")
        print(
            f"其中引擎（同样问题、进程内 Engine.ask）{engine_ms:.2f} ms，其余 {chat - engine_ms:.2f} ms 为 HTTP 层与会话、限流；"
            f"比值 0.6 需要整个请求 ≤ {health_ms / 0.6:.2f} ms"
        )


if __name__ == "__main__":
    main()
