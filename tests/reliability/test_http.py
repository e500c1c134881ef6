"""The real server on 127.0.0.1: bounded load with mixed questions, 100 concurrent multi-turn conversations,
and hostile input over the wire — every answer right, no 5xx."""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.server import Client, Server, running_server

# (question, status, total, first cited clause) — amounts computed from the policy text:
# m3: first tape-out < 1000万 → 30%, cap 300万; m2: EDA purchase 20%, cap 100万; m6: 50%, cap 100万.
MIXED = [
    ("首次流片费用800万元能补多少", "answered", "2400000", "m3"),
    ("首次流片费用2400万元能补多少", "answered", "3600000", "m3"),
    ("购买EDA工具花了300万，能补贴多少", "answered", "600000", "m2"),
    ("使用杭州人工智能计算中心算力，合同金额300万能补多少", "answered", "1000000", "m6"),
    ("第3条是什么", "answered", None, "m3"),
    ("今天杭州天气怎么样", "not_covered", None, None),
]
LOAD_SECONDS = 4.0
LOAD_CLIENTS = 16


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(Path(tmp_path_factory.mktemp("http")) / "data") as srv:
        yield srv


def check(reply: dict[str, Any], status: str, total: str | None, first: str | None) -> bool:
    cites = [c["clause_id"] for c in reply.get("citations", [])]
    return (
        reply.get("status") == status
        and reply.get("total_max_subsidy_yuan") == total
        and (first is None or (cites[:1] == [first]))
    )


@pytest.mark.slow
def test_bounded_load_all_answers_correct(server: Server) -> None:
    latencies: list[float] = []
    wrong: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + LOAD_SECONDS

    def worker(n: int) -> None:
        client = Client(server.port)
        i = n
        while time.monotonic() < stop_at:
            question, status, total, first = MIXED[i % len(MIXED)]
            i += 1
            started = time.perf_counter()
            try:
                code, body = client.post("/v1/chat", {"message": question})
            except Exception as exc:  # noqa: BLE001 - any failure is counted and reported
                with lock:
                    errors.append(repr(exc))
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if code != 200:
                    errors.append(f"{code} {question}")
                elif not check(body, status, total, first):
                    wrong.append(question)
        client.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(LOAD_CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    print(
        f"\n[负载] {LOAD_CLIENTS} 客户端 {wall:.1f}s：请求 {len(latencies) + len(errors)}，"
        f"{len(latencies) / wall:.0f} 次/秒，p50 {q[49] * 1000:.1f} ms，p99 {q[98] * 1000:.1f} ms，"
        f"错误 {len(errors)}，答错 {len(wrong)}"
    )
    assert errors == []
    assert wrong == []
    assert len(latencies) >= LOAD_CLIENTS


def expected_tapeout(wan: int) -> str:
    """m3 by hand: ≥1000万 → 15% (cap 2000万); below → 30% (cap 300万)."""
    fee = Decimal(wan) * 10000
    amount = (
        min(fee * Decimal("0.15"), Decimal(20_000_000))
        if wan >= 1000
        else min(fee * Decimal("0.3"), Decimal(3_000_000))
    )
    return format(amount.normalize(), "f")


@pytest.mark.slow
def test_100_concurrent_conversations_keep_their_own_amounts(server: Server) -> None:
    n = 100
    amounts = [50 + 29 * i for i in range(n)]  # 50万 … 2921万: both tiers, all different
    barrier = threading.Barrier(n, timeout=120)
    results: list[tuple[str, Any, Any] | None] = [None] * n

    def conversation(i: int) -> None:
        client = Client(server.port, timeout=60)
        try:
            _, first = client.post("/v1/chat", {"message": "首次流片补贴能拿多少？"})
            barrier.wait()  # every conversation is mid-way before any of them answers the question
            _, second = client.post(
                "/v1/chat", {"message": f"{amounts[i]}万", "session_id": first["session_id"]}
            )
            results[i] = (first["session_id"], first, second)
        finally:
            client.close()

    threads = [threading.Thread(target=conversation, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r is not None for r in results)
    sessions = {r[0] for r in results if r}
    assert len(sessions) == n
    bad = []
    for i, r in enumerate(results):
        assert r is not None
        sid, first, second = r
        if first["status"] != "need_more_info" or second["session_id"] != sid:
            bad.append((i, "session", first["status"]))
        elif (second["status"], second["total_max_subsidy_yuan"]) != (
            "answered",
            expected_tapeout(amounts[i]),
        ):
            bad.append((i, second["status"], second["total_max_subsidy_yuan"], expected_tapeout(amounts[i])))
    print(f"\n[并发会话] {n} 个两轮会话，结果错误 {len(bad)}")
    assert bad == []


HOSTILE_MESSAGES = [
    "首次流片\x00费用\x07800万元\x1b[31m能补多少",  # control characters
    "首次流片费用800万元能补多少😀🚀💰",  # emoji
    "首次流片fee是800万RMB，能补多少？ありがとう 감사합니다 спасибо",  # mixed scripts
    "首次流片费用1e100万元能补多少",  # absurd exponent
    "首次流片费用负五百万能补多少",  # negative in words
    "首次流片费用-500万元能补多少",
    "1e100万",
    "负五百万",
    "首次流片费用" + "9" * 60 + "万元",
    "\u202e\u200b\ufeff首次流片费用800万元",  # bidi override, zero-width, BOM
    "𠀀𠀁𠀂" * 50,  # astral-plane CJK
    " \t\n ",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]


@pytest.mark.slow
def test_hostile_messages_get_sane_answers(server: Server) -> None:
    client = Client(server.port)
    for message in HOSTILE_MESSAGES:
        code, body = client.post("/v1/chat", {"message": message})
        assert code < 500, (message, code, body)
        if code == 200:
            assert body["status"] in ("answered", "need_more_info", "not_covered")
            total = body["total_max_subsidy_yuan"]
            assert total is None or 0 <= Decimal(total) <= Decimal(20_000_000), (message, total)
        else:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in body["error"]["message"])
    # The emoji/control-character variants still get the policy's amount.
    for message in HOSTILE_MESSAGES[:2]:
        _, body = client.post("/v1/chat", {"message": message})
        assert body["total_max_subsidy_yuan"] == "2400000", message


def _raw(
    client: Client, body: bytes, path: str = "/v1/chat", ctype: str = "application/json"
) -> tuple[int, Any]:
    return client.request("POST", path, raw=body, headers={"Content-Type": ctype})


@pytest.mark.slow
def test_limits_and_broken_bodies_over_the_wire(server: Server) -> None:
    client = Client(server.port)
    cases: list[tuple[str, tuple[int, Any], set[int]]] = [
        ("oversized body", _raw(client, json.dumps({"message": "流" * 40000}).encode()), {413}),
        ("long message", client.post("/v1/chat", {"message": "补" * 2001}), {422}),
        ("deep JSON", _raw(client, b'{"message": "a", "x": ' + b"[" * 50 + b"]" * 50 + b"}"), {422}),
        ("recursion bomb", _raw(client, b"[" * 30000 + b"]" * 30000), {413, 422}),
        (
            "too many items",
            client.post("/v1/calculators/first_tapeout_subsidy", {"fees_yuan": [1] * 300}),
            {422},
        ),
        (
            "101 fees",
            client.post("/v1/calculators/first_tapeout_subsidy", {"fees_yuan": ["1万"] * 101}),
            {422},
        ),
        ("invalid UTF-8", _raw(client, b'{"message": "\xff\xfe\xc0\xaf"}'), {400, 422}),
        ("broken JSON", _raw(client, b'{"message": "a"'), {400, 422}),
        ("not JSON", _raw(client, b"message=hello", ctype="application/x-www-form-urlencoded"), {400, 422}),
        ("wrong type", client.post("/v1/chat", {"message": 12345}), {422}),
        ("null", _raw(client, b"null"), {400, 422}),
        (
            "huge number",
            _raw(client, b'{"message": "a", "session_id": 1' + b"0" * 5000 + b"}"),
            {400, 413, 422},
        ),
        ("bad feedback", client.post("/v1/feedback", {"answer_id": "nope", "helpful": True}), {404}),
    ]
    failures = []
    for name, (code, body), allowed in cases:
        message = body["error"]["message"] if isinstance(body, dict) and "error" in body else ""
        if code not in allowed or not any("\u4e00" <= ch <= "\u9fff" for ch in message):
            failures.append((name, code, str(body)[:200]))
    assert failures == []
