"""Sessions: bounded by count and idle time, expired ids recognised, no slots shared under concurrency."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from bot.sessions.store import Pending, SessionStore


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_new_session_gets_an_id_and_is_reused() -> None:
    store = SessionStore(10, 60)
    first = store.open(None)
    assert not first.expired and len(first.session.id) == 32
    again = store.open(first.session.id)
    assert again.session is first.session and not again.expired


def test_client_chosen_unknown_id_starts_a_session_with_that_id() -> None:
    store = SessionStore(10, 60)
    lookup = store.open("wx-openid-123")
    assert lookup.session.id == "wx-openid-123" and not lookup.expired


def test_idle_session_expires_and_is_reported_once() -> None:
    clock = Clock()
    store = SessionStore(10, 60, clock=clock)
    sid = store.open(None).session.id
    clock.now = 60  # exactly the ttl: still alive
    assert not store.open(sid).expired
    clock.now = 121
    late = store.open(sid)
    assert late.expired and late.session.pending is None
    assert not store.open(sid).expired  # the id now names the new session


def test_least_recently_used_is_evicted_beyond_max() -> None:
    store = SessionStore(3, 3600)
    ids = [store.open(None).session.id for _ in range(3)]
    store.open(ids[0])  # touch the oldest so the second becomes least recently used
    store.open(None)
    assert len(store) == 3
    assert store.open(ids[1]).expired
    assert not store.open(ids[0]).expired


def test_memory_stays_bounded_under_many_sessions() -> None:
    store = SessionStore(50, 3600)
    for _ in range(2000):
        store.open(None)
    assert len(store) == 50
    assert len(store._gone) <= 500


def test_history_is_bounded() -> None:
    store = SessionStore(5, 60)
    session = store.open(None).session
    for i in range(50):
        session.remember(f"q{i}", "answered")
    assert len(session.history) == 10 and session.history[-1][0] == "q49"


def test_concurrent_opens_are_consistent() -> None:
    store = SessionStore(1000, 3600)
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda _: store.open(None).session.id, range(500)))
    assert len(set(ids)) == 500 and len(store) == 500


def test_pending_slots_belong_to_one_session() -> None:
    store = SessionStore(10, 60)
    a, b = store.open(None).session, store.open(None).session
    a.pending = Pending("first_tapeout_subsidy", {"fees_yuan": ["1"]}, [], "m3")
    assert b.pending is None


def test_hundred_concurrent_conversations_each_get_their_own_amount(engine) -> None:  # type: ignore[no-untyped-def]
    """100 threads each: ask without an amount, then give their own amount; each result is their own."""
    barrier = threading.Barrier(20)

    def conversation(i: int) -> tuple[int, str | None, str, str]:
        fee = 100 + i * 7  # 万元, all under 1000万 → 30% tier unless capped at 300万
        first = engine.ask("首次流片能补多少钱？")
        if i < 20:
            barrier.wait(timeout=30)  # make the second turns really overlap
        second = engine.ask(f"{fee}万", session_id=first.session_id)
        return fee, second.total_max_subsidy_yuan, first.status, second.session_id == first.session_id

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(conversation, range(100)))
    for fee, total, first_status, same in results:
        expected = min(Decimal(fee) * 10000 * Decimal("0.3"), Decimal(3_000_000))
        assert first_status == "need_more_info" and same
        assert total is not None and Decimal(total) == expected, (fee, total)
