"""kill -9 the real server in the middle of a burst: every acknowledged answer is on disk, the DB is intact."""

from __future__ import annotations

import http.client
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.records.store import DB_NAME
from tests.reliability.server import Client, running_server

QUESTIONS = (
    "首次流片费用800万元能补多少",
    "购买EDA工具花了300万，能补贴多少",
    "第3条是什么",
    "算力券怎么申请",
    "今天杭州天气怎么样",
)
CLIENTS = 12
KILL_AFTER_ACKS = 150


@pytest.mark.slow
def test_acknowledged_records_survive_kill_9(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    acked: list[str] = []
    sent = [0]
    lock = threading.Lock()
    enough = threading.Event()
    with running_server(data_dir) as server:

        def fire(n: int) -> None:
            client = Client(server.port, timeout=10)
            i = n
            while True:
                with lock:
                    sent[0] += 1
                try:
                    status, body = client.post("/v1/chat", {"message": QUESTIONS[i % len(QUESTIONS)]})
                except (OSError, http.client.HTTPException):
                    return  # the server is gone: this request was never (fully) acknowledged
                i += 1
                if status == 200:
                    with lock:
                        acked.append(body["answer_id"])
                        if len(acked) >= KILL_AFTER_ACKS:
                            enough.set()

        threads = [threading.Thread(target=fire, args=(n,), daemon=True) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        assert enough.wait(timeout=120), "服务未在限定时间内应答足够多的请求"
        server.kill9()  # mid-burst: the other threads still have requests in flight
        killed_at = time.monotonic()
        for t in threads:
            t.join(timeout=30)
        assert server.proc.returncode == -9

    conn = sqlite3.connect(data_dir / DB_NAME)  # opening replays the WAL left by the killed process
    recorded = {r[0] for r in conn.execute("SELECT answer_id FROM answers")}
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    lost = set(acked) - recorded
    print(
        f"\n[kill -9] 发送 {sent[0]}，已确认 {len(acked)}，落库 {len(recorded)}，丢失 {len(lost)}，"
        f"完整性 {integrity}（kill 后 {time.monotonic() - killed_at:.2f}s 检查）"
    )
    assert integrity == "ok"
    assert not lost
    assert len(acked) >= KILL_AFTER_ACKS
