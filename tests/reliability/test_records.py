"""RecordStore: every answer and feedback committed, IPs only hashed, retention purge, thread safety."""

from __future__ import annotations

import csv
import io
import os
import stat
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from bot.records.backends import open_records
from bot.records.recording import RecordingEngine, reset_request_context, set_request_context
from bot.records.store import (
    DB_NAME,
    SALT_NAME,
    RecordStore,
    UnknownAnswerError,
    export_csv,
    load_salt,
)
from bot.settings import Settings


def fake_answer(status: str = "answered", total: str | None = "3600000", **extra: Any) -> dict[str, Any]:
    return {
        "status": status,
        "answer": "可获不超过 360 万元补贴，最终以评审为准。",
        "citations": [
            {"clause_id": "m3", "title": "加大流片支持", "quote": "首次流片费用 1000 万元以上的……"}
        ],
        "calculations": [{"tool": "first_tapeout_subsidy", "clause_id": "m3", "max_subsidy_yuan": "3600000"}],
        "total_max_subsidy_yuan": total,
        "session_id": "s-" + uuid.uuid4().hex[:8],
        "answer_id": uuid.uuid4().hex,
        **extra,
    }


@pytest.fixture
def store(settings: Settings) -> RecordStore:
    return open_records(settings)


def test_answer_is_recorded_with_all_fields(store: RecordStore) -> None:
    ans = fake_answer()
    store.record_answer(
        ans, "首次流片 2400 万能补多少？", latency_ms=3.5, mode="deterministic", channel="/v1/chat"
    )
    row = store.get(ans["answer_id"])
    assert row is not None
    assert row["question"] == "首次流片 2400 万能补多少？"
    assert row["status"] == "answered" and row["mode"] == "deterministic" and row["channel"] == "/v1/chat"
    assert row["citations"][0]["clause_id"] == "m3"
    assert row["calculations"][0]["max_subsidy_yuan"] == "3600000"
    assert row["total_max_subsidy_yuan"] == "3600000" and row["latency_ms"] == 3.5
    assert row["session_id"] == ans["session_id"]


def test_wal_mode_and_normal_sync(store: RecordStore) -> None:
    mode = store._conn.execute("PRAGMA journal_mode").fetchone()[0]
    sync = store._conn.execute("PRAGMA synchronous").fetchone()[0]
    assert (mode, sync) == ("wal", 1)  # 1 = NORMAL


def test_ip_is_stored_only_as_salted_hash(settings: Settings, store: RecordStore) -> None:
    ip = "198.51.100.77"
    ans = fake_answer()
    store.record_answer(ans, "问题", client=ip)
    row = store.get(ans["answer_id"])
    assert row is not None and row["client_hash"] and ip not in row["client_hash"]
    assert row["client_hash"] == store.hash_client(ip)
    store.close()
    for f in settings.data_dir.glob(DB_NAME + "*"):
        assert ip.encode() not in f.read_bytes()
    # Another deployment (another salt) cannot correlate the same address.
    other = RecordStore(settings.data_dir / "other.sqlite3", b"another-salt")
    assert other.hash_client(ip) != row["client_hash"]


def test_salt_generated_once_private_and_reused(settings: Settings) -> None:
    first = load_salt(settings)
    path = settings.data_dir / SALT_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_salt(settings) == first and len(first) == 32
    configured = Settings(data_dir=settings.data_dir, ip_hash_salt="from-config")
    assert load_salt(configured) == b"from-config"


def test_feedback_on_known_and_unknown_answer(store: RecordStore) -> None:
    ans = fake_answer(status="not_covered", total=None)
    store.record_answer(ans, "杭州今天天气如何")
    store.add_feedback(ans["answer_id"], False, "没回答我的问题")
    with pytest.raises(UnknownAnswerError):
        store.add_feedback("no-such-answer", True)
    fb = store.feedback()
    assert [(f["answer_id"], f["helpful"], f["comment"]) for f in fb] == [
        (ans["answer_id"], 0, "没回答我的问题")
    ]
    counts = store.counts()
    assert counts["not_covered"] == 1 and counts["feedback"] == 1 and counts["feedback_helpful"] == 0
    recent = store.recent(5, statuses=["not_covered"])
    assert recent[0]["feedback_comment"] == "没回答我的问题"
    assert store.recent(5, statuses=["answered"]) == []


def test_purge_removes_only_expired_records(store: RecordStore) -> None:
    old, new = fake_answer(), fake_answer()
    store.record_answer(old, "旧问题")
    store.record_answer(new, "新问题")
    store.add_feedback(old["answer_id"], True)
    store.add_feedback(new["answer_id"], True)
    day = 86400
    store._conn.execute("UPDATE answers SET ts = ts - ? WHERE answer_id = ?", (200 * day, old["answer_id"]))
    store._conn.execute("UPDATE feedback SET ts = ts - ? WHERE answer_id = ?", (200 * day, old["answer_id"]))
    result = store.purge(older_than_days=180)
    assert (result.answers, result.feedback) == (1, 1)
    assert store.answer_ids() == {new["answer_id"]}
    assert store.counts()["feedback"] == 1
    assert store.purge(older_than_days=180).answers == 0


def test_concurrent_writers_lose_nothing(store: RecordStore) -> None:
    threads, per_thread = 8, 150
    ids: list[list[str]] = [[] for _ in range(threads)]

    def work(n: int) -> None:
        for _ in range(per_thread):
            ans = fake_answer()
            store.record_answer(ans, f"线程{n}", client=f"10.0.0.{n}")
            ids[n].append(ans["answer_id"])

    started = time.perf_counter()
    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    total = threads * per_thread
    print(f"\n[records] {total} 条并发写入（{threads} 线程）：{elapsed * 1e6 / total:.0f} µs/条")
    assert store.answer_ids() == {i for chunk in ids for i in chunk}
    assert store.integrity_check() == "ok"


def test_csv_export_escapes_formulas_and_keeps_chinese(store: RecordStore) -> None:
    ans = fake_answer()
    store.record_answer(ans, '=HYPERLINK("http://evil")流片补贴')
    store.add_feedback(ans["answer_id"], True, "很有用")
    out = io.StringIO()
    assert export_csv(store.recent(10), out) == 1
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["question"].startswith("'=HYPERLINK")
    assert rows[0]["citations"] == "m3" and rows[0]["feedback_helpful"] == "有用"
    assert rows[0]["total_max_subsidy_yuan"] == "3600000"


class _Answer:
    mode = "llm"
    fallback_reason = "numeric_guard"

    def __init__(self, text: str, session_id: str | None) -> None:
        self._d = fake_answer()
        self._d["answer"] = "答：" + text
        self._d["session_id"] = session_id or "new"

    def to_dict(self) -> dict[str, Any]:
        return dict(self._d)


class _Engine:
    corpus = "the corpus"

    def ask(self, text: str, session_id: str | None = None, **_: Any) -> _Answer:
        return _Answer(text, session_id)


def test_recording_engine_commits_before_returning(store: RecordStore) -> None:
    engine = RecordingEngine(_Engine(), store)
    token = set_request_context("203.0.113.5", "/v1/chat")
    try:
        answer = engine.ask("第3条是什么", session_id="abc")
    finally:
        reset_request_context(token)
    row = store.get(answer.to_dict()["answer_id"])
    assert row is not None and row["question"] == "第3条是什么" and row["session_id"] == "abc"
    assert (row["mode"], row["fallback_reason"], row["channel"]) == ("llm", "numeric_guard", "/v1/chat")
    assert row["client_hash"] == store.hash_client("203.0.113.5")
    assert engine.corpus == "the corpus"  # the wrapper is transparent for everything else


def test_empty_store_reads_cleanly(tmp_path: Path) -> None:
    store = RecordStore(tmp_path / "d" / DB_NAME, b"s")
    assert store.recent() == [] and store.counts()["feedback"] == 0
    assert os.path.exists(tmp_path / "d" / DB_NAME)


def test_group_commit_acknowledges_each_record_only_once_committed(store: RecordStore) -> None:
    import sqlite3

    from bot.records.commit import GroupCommitter

    batches: list[int] = []
    real = store._write_answers

    def slow_write(rows: Any) -> None:
        batches.append(len(rows))
        time.sleep(0.02)  # while one transaction commits, the next requests queue up behind it
        real(rows)

    store._committer = GroupCommitter(slow_write)
    answers = [fake_answer() for _ in range(40)]
    futures = [store.submit_answer(a, f"问题{i}") for i, a in enumerate(answers)]
    for answer, future in zip(answers, futures, strict=True):
        future.result(timeout=10)
        # Acknowledged means committed: another connection already sees it.
        with sqlite3.connect(store.path) as other:
            assert other.execute("SELECT 1 FROM answers WHERE answer_id=?", (answer["answer_id"],)).fetchone()
    assert sum(batches) >= 40 and max(batches) > 1


def test_one_bad_record_fails_only_its_own_request(store: RecordStore) -> None:
    from bot.records.commit import GroupCommitter

    started = threading.Event()

    def write(rows: Any) -> None:
        started.wait(5)
        if any(row[5] == "坏" for row in rows):
            raise ValueError("bad row")
        store._write_answers(rows)

    store._committer = GroupCommitter(write)
    good = [store.submit_answer(fake_answer(), "好") for _ in range(3)]
    bad = store.submit_answer(fake_answer(), "坏")
    started.set()
    for future in good:
        future.result(timeout=10)
    with pytest.raises(ValueError):
        bad.result(timeout=10)
    assert store.counts()["answered"] == 3
