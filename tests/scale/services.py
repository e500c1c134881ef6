"""Real redis-server and PostgreSQL for the tests, each on a free loopback port in a temporary directory,
stopped afterwards. Skipped (saying why) only when the Debian packages are not installed."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.server import free_port

START_SECONDS = 60.0


def _wait(check, what: str, proc: subprocess.Popen[bytes]) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} 启动失败（退出码 {proc.returncode}）")
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} 未在 {START_SECONDS:g} 秒内就绪")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """redis://127.0.0.1:<port> of a fresh redis-server (no persistence), for the whole test session."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("未安装 redis-server（Debian 包 redis-server；.ci/run 会安装），跳过需要 Redis 的测试")
    import redis

    port = free_port()
    workdir = tempfile.mkdtemp(prefix="policybot-redis-")
    cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen([*cmd, "--dir", workdir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}"
    try:
        _wait(lambda: redis.Redis.from_url(url).ping(), "redis-server", proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The test Redis, emptied for this test."""
    import redis

    redis.Redis.from_url(redis_server).flushall()
    return redis_server


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    return [runuser, "-u", "postgres", "--", *cmd] if runuser else ["su", "postgres", "-c", " ".join(cmd)]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """postgresql://postgres@127.0.0.1:<port> of a fresh cluster in a temporary directory."""
    initdb, postgres = _pg_bin("initdb"), _pg_bin("postgres")
    if initdb is None or postgres is None:
        pytest.skip("未安装 PostgreSQL（Debian 包 postgresql；.ci/run 会安装），跳过需要 PostgreSQL 的测试")
    import psycopg

    workdir = Path(tempfile.mkdtemp(prefix="policybot-pg-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    data = workdir / "data"
    init = [initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]
    subprocess.run(_as_postgres(init), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    cmd = [postgres, "-D", str(data), "-p", str(port), "-k", str(workdir), "-c", "listen_addresses=127.0.0.1"]
    proc = subprocess.Popen(_as_postgres(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        _wait(lambda: psycopg.connect(url, connect_timeout=2).close() is None, "PostgreSQL", proc)
        yield url
    finally:
        _stop_postgres(data, proc)
        shutil.rmtree(workdir, ignore_errors=True)


def _stop_postgres(data: Path, proc: subprocess.Popen[bytes]) -> None:
    """Fast shutdown of the postmaster itself (runuser does not pass signals on); SIGTERM would wait for
    every client to leave."""
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGINT)
    except (OSError, ValueError, IndexError):
        proc.kill()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A new, empty database on the test cluster, for this test."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres_server.rsplit("/", 1)[0] + "/" + name
