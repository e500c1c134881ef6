"""Sessions: bounded by count and idle time, expired ids recognised, no slots shared under concurrency."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from bot.sessions.ids import SessionIds
from bot.sessions.store import Pending, Session, SessionStore


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_new_session_gets_an_issued_id_and_is_reused() -> None:
    store = SessionStore(10, 60)
    first = store.open(None, channel="api")
    token, _, tag = first.session.id.partition(".")
    assert not first.expired and len(token) == 22 and len(tag) == 22  # 128 random bits + an HMAC tag
    again = store.open(first.session.id, channel="api")
    assert again.session is first.session and not again.expired


def test_client_chosen_id_on_an_issued_channel_starts_a_new_session() -> None:
    store = SessionStore(10, 60)
    chosen = store.open("attacker-chosen-1", channel="api")
    assert chosen.session.id != "attacker-chosen-1" and not chosen.expired
    forged = chosen.session.id[:-2] + ("AA" if not chosen.session.id.endswith("AA") else "BB")
    assert store.open(forged, channel="api").session is not chosen.session


def test_channels_are_separate_namespaces() -> None:
    store = SessionStore(10, 60)
    follower = store.open("wx-openid-123", channel="wechat")  # the signed openid names it on WeChat
    assert follower.session.id == "wx-openid-123" and not follower.expired
    assert store.open("wx-openid-123", channel="api").session is not follower.session
    web = store.open(None, channel="web").session
    assert store.open(web.id, channel="api").session is not web  # an id is only valid on its channel


def test_issued_id_from_before_a_restart_is_recognised_as_expired() -> None:
    key = b"k" * 32
    sid = SessionStore(10, 60, ids=SessionIds(key)).open(None, channel="api").session.id
    restarted = SessionStore(10, 60, ids=SessionIds(key))
    late = restarted.open(sid, channel="api")
    assert late.expired and late.session.id == sid
    other_key = SessionStore(10, 60, ids=SessionIds(b"o" * 32)).open(sid, channel="api")
    assert not other_key.expired and other_key.session.id != sid


def test_client_quota_evicts_the_clients_own_sessions() -> None:
    store = SessionStore(100, 3600, max_per_client=5)
    victim = store.open(None, channel="api", client="198.51.100.1").session.id
    flood = [store.open(None, channel="api", client="203.0.113.66").session.id for _ in range(50)]
    assert len(store) == 6
    assert not store.open(victim, channel="api", client="198.51.100.1").expired
    assert store.open(flood[0], channel="api", client="203.0.113.66").expired


def test_full_store_evicts_from_the_heaviest_client() -> None:
    store = SessionStore(40, 3600, max_per_client=10)
    victims = [store.open(None, channel="api", client=f"198.51.100.{i}").session.id for i in range(10)]
    for n in range(200):  # many flooding addresses, each at its quota
        store.open(None, channel="api", client=f"203.0.113.{n % 8}")
    assert len(store) == 40
    assert not any(store.open(v, channel="api", client="x").expired for v in victims)


def test_byte_bound_evicts_the_biggest_client_first() -> None:
    store = SessionStore(1000, 3600, max_bytes=200_000)
    victim = store.open(None, channel="api", client="198.51.100.1")
    victim.session.remember("首次流片能补多少钱？", "need_more_info")
    store.settle(victim)
    for _ in range(100):
        big = store.open(None, channel="api", client="203.0.113.66")
        for i in range(10):
            big.session.remember("流" * 1990 + str(i), "answered")
        store.settle(big)
    assert store.total_bytes <= 200_000
    assert not store.open(victim.session.id, channel="api", client="198.51.100.1").expired


def test_approx_bytes_tracks_real_memory() -> None:
    """A session's estimate is within a factor of two of what tracemalloc sees it allocate."""
    import tracemalloc
    from decimal import Decimal

    def build() -> Session:
        session = Session(id="x", last_seen=0)
        for i in range(10):
            session.remember(("首次流片费用1200万元" * 200)[:1990] + str(i), "answered")
        session.pending = Pending(
            "first_tapeout_subsidy", {"fees_yuan": [Decimal(i) for i in range(70)]}, [], "m3"
        )
        session.batch = [Pending("eda_subsidy", {"fees_yuan": [Decimal("3000000")]}, [], "m2")]
        return session

    build()  # warm caches (interned strings, Decimal context) before measuring
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        session = build()
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert used / 2 <= session.approx_bytes() <= used * 2, (used, session.approx_bytes())


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
