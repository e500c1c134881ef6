"""Real `policybot serve` processes sharing one Redis and one PostgreSQL: conversations whose turns alternate
between two servers (or land on any of two workers) stay right, every answer is in PostgreSQL, and kill -9
of a server mid-burst loses no answer a client was given."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from pathlib import Path

import pytest

from tests.reliability.server import ROOT, Client, Server, _wait_healthy, free_port

pytestmark = pytest.mark.slow

CONVERSATIONS = 40


def _env(data_dir: Path, redis_url: str, postgres_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "POLICYBOT_DATA_DIR": str(data_dir),
        "POLICYBOT_EMBEDDING_MODEL": "",
        "POLICYBOT_LLM_BASE_URL": "",
        "POLICYBOT_REDIS_URL": redis_url,
        "POLICYBOT_DATABASE_URL": postgres_url,
        "POLICYBOT_IP_HASH_SALT": "cluster-test-salt",
        "HF_HUB_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        **extra,
    }


@contextmanager
def serving(data_dir: Path, env: dict[str, str], *args: str) -> Iterator[Server]:
    """`policybot serve --no-ui` with the given environment and options, killed afterwards."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log = open(data_dir.parent / f"server-{port}.log", "wb")  # noqa: SIM115 - closed below
    cmd = [
        sys.executable,
        "-m",
        "bot.cli",
        "serve",
        "--no-ui",
        "--port",
        str(port),
        "--log-level",
        "warning",
        *args,
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = Server(port, proc, data_dir)
    try:
        _wait_healthy(server, log.name)
        yield server
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)  # the worker processes too
            proc.wait(timeout=30)
        log.close()


def _amount(i: int) -> int:
    return 100 + 10 * i  # 万元, all below the 1000万 tier: 30% of it


def converse(ports: list[int], i: int) -> list[str]:
    """One two-turn conversation, turn n on ports[n % len(ports)] over a new connection; its answer ids."""
    first = Client(ports[0]).post("/v1/chat", {"message": "流片能补多少钱？"})
    assert first[0] == 200 and first[1]["total_max_subsidy_yuan"] is None, first
    # A bare amount: only the session on the shared store makes it a tape-out fee.
    body = {"message": f"{_amount(i)}万", "session_id": first[1]["session_id"]}
    second = Client(ports[1 % len(ports)]).post("/v1/chat", body)
    assert second[0] == 200, second
    expected = Decimal(_amount(i)) * 10000 * Decimal("0.3")
    assert Decimal(second[1]["total_max_subsidy_yuan"]) == expected, second[1]["answer"]
    return [first[1]["answer_id"], second[1]["answer_id"]]


def _recorded(postgres_url: str) -> set[str]:
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        return {r[0] for r in conn.execute("SELECT answer_id FROM answers")}


def _run_all(ports: list[int], n: int = CONVERSATIONS) -> list[str]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        return [aid for ids in pool.map(lambda i: converse(ports, i), range(n)) for aid in ids]


def test_two_servers_share_conversations_and_records(tmp_path, redis_url, postgres_url) -> None:
    with ExitStack() as stack:
        one, two = (
            stack.enter_context(serving(tmp_path / name, _env(tmp_path / name, redis_url, postgres_url)))
            for name in ("one", "two")
        )
        ids = _run_all([one.port, two.port])
        assert len(set(ids)) == 2 * CONVERSATIONS
        assert set(ids) <= _recorded(postgres_url)
        status, metrics = Client(two.port).get("/metrics")
        assert (
            status == 200
            and 'policybot_http_requests_total{method="POST",route="/v1/chat",status="200"}' in metrics
        )


def test_kill_9_mid_burst_loses_no_acknowledged_record(tmp_path, redis_url, postgres_url) -> None:
    acknowledged: list[str] = []
    lock = threading.Lock()
    with ExitStack() as stack:
        one, two = (
            stack.enter_context(serving(tmp_path / name, _env(tmp_path / name, redis_url, postgres_url)))
            for name in ("one", "two")
        )

        def burst(port: int) -> None:
            client = Client(port, timeout=10)
            for k in range(200):
                try:
                    status, body = client.post("/v1/chat", {"message": f"首次流片费用{100 + k}万元能补多少"})
                except OSError:
                    return  # the server is gone: this request was never acknowledged
                if status == 200:
                    with lock:
                        acknowledged.append(body["answer_id"])

        threads = [threading.Thread(target=burst, args=(port,)) for port in (one.port, one.port, two.port)]
        for t in threads:
            t.start()
        while len(acknowledged) < 60:
            threads[0].join(0.05)
        one.kill9()
        for t in threads:
            t.join(60)
    assert len(acknowledged) > 60
    assert set(acknowledged) <= _recorded(postgres_url)


def test_two_workers_keep_conversations_right(tmp_path, redis_url, postgres_url) -> None:
    env = _env(tmp_path / "w", redis_url, postgres_url)
    with serving(tmp_path / "w", env, "--workers", "2") as server:
        ids = _run_all([server.port, server.port])
        assert set(ids) <= _recorded(postgres_url)
        status, text = Client(server.port).get("/metrics")
        # The scrape adds up both workers' counts: every chat answer of the run is there.
        line = next(
            x
            for x in text.splitlines()
            if x.startswith('policybot_http_requests_total{method="POST",route="/v1/chat",status="200"}')
        )
        assert status == 200 and float(line.rsplit(" ", 1)[1]) == 2 * CONVERSATIONS


def test_workers_without_redis_are_refused_with_a_reason(tmp_path) -> None:
    env = {**os.environ, "POLICYBOT_DATA_DIR": str(tmp_path / "d"), "WEB_CONCURRENCY": "2"}
    env.pop("POLICYBOT_REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--no-ui"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "POLICYBOT_REDIS_URL" in done.stderr
