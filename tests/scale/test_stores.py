"""The shared stores against real servers: sessions in Redis behave as in-process ones, rate limits, WeChat
nonces and MsgIds are shared between instances, records and feedback work the same on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import io
import time
from decimal import Decimal
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.http.shared_state import RedisClaims, RedisRateLimiter, RedisReplayGuard
from bot.records.backends import open_records
from bot.records.store import UnknownAnswerError, export_csv
from bot.sessions.codec import decode_session, encode_session
from bot.sessions.redis_store import RedisSessionStore, redis_client
from bot.sessions.store import Pending, Session
from bot.settings import Settings

CONVERSATIONS = (
    (("流片能补多少钱？", None), ("350万", "1050000")),
    (("首次流片1200万，EDA 300万", "2400000"), ("那如果EDA是500万呢", "2800000")),
    (("首次流片费用800万元，最多能补贴多少？", "2400000"), ("那如果是1500万呢？", "2250000")),
)


def _settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedding_model=None, llm_base_url=None, **extra)  # type: ignore[arg-type]


def test_codec_keeps_types_and_the_last_calculation_identity() -> None:
    first = Pending(
        "rule_a", {"fees_yuan": Decimal("12000000.5"), "items": [{"role": "lead", "n": 2}]}, [], "c1"
    )
    second = Pending(
        "rule_b", {"when": __import__("datetime").date(2024, 8, 1), "pair": (1, "x")}, [], "c2", 2024
    )
    session = Session(id="s", last_seen=0, batch=[first, second], history=[("q", "answered")], doc_id="d")
    session.last = second
    back = decode_session(encode_session(session), last_seen=5.0)
    assert back.batch == session.batch and back.last is back.batch[1] and back.history == session.history
    assert isinstance(back.batch[0].args["fees_yuan"], Decimal) and back.batch[1].args["pair"] == (1, "x")


@pytest.mark.parametrize("turns", CONVERSATIONS)
def test_conversations_through_redis_sessions_match_in_process_ones(
    engine, redis_url, tmp_path, turns
) -> None:
    settings = _settings(tmp_path, redis_url=redis_url)
    # Two engines on one Redis stand for two servers: each turn goes to the other one.
    servers = [Engine(settings, engine.corpus, engine.retriever) for _ in range(2)]
    session_id = None
    for i, (question, total) in enumerate(turns):
        answer = (
            servers[i % 2].ask(question, session_id=session_id, channel="api", client="203.0.113.9").to_dict()
        )
        assert answer["total_max_subsidy_yuan"] == total, answer["answer"]
        session_id = answer["session_id"]


def test_redis_sessions_issue_ids_keep_channels_apart_and_bound_each_client(redis_url, tmp_path) -> None:
    store = RedisSessionStore(
        redis_client(_settings(tmp_path, redis_url=redis_url)),
        _settings(tmp_path, redis_url=redis_url, session_max_per_client=3),
    )
    made_up = store.open("chosen-by-client", channel="api", client="a")
    assert made_up.session.id != "chosen-by-client" and not made_up.expired
    store.settle(made_up)
    assert store.open(made_up.session.id, channel="web", client="a").session.id != made_up.session.id
    ids = []
    for _ in range(4):
        lookup = store.open(None, channel="api", client="flooder")
        store.settle(lookup)
        ids.append(lookup.session.id)
    assert len(store) == 4  # one of a's and three of the flooder's: its first one made room
    gone = store.open(ids[0], channel="api", client="flooder")
    assert gone.expired and gone.session.id == ids[0]
    store.settle(gone)
    kept = store.open(made_up.session.id, channel="api", client="a")
    assert not kept.expired
    store.settle(kept)


def test_a_trusted_channel_session_lost_in_redis_is_reported_expired(redis_url, tmp_path) -> None:
    settings = _settings(tmp_path, redis_url=redis_url)
    store = RedisSessionStore.from_settings(settings)
    lookup = store.open("wx-openid", channel="wechat", client="wx:openid")
    assert not lookup.expired
    store.settle(lookup)
    store.redis.delete("policybot:s:wechat:wx-openid")  # as when its TTL ran out
    again = store.open("wx-openid", channel="wechat", client="wx:openid")
    store.settle(again)
    assert again.expired


def test_turns_of_one_session_on_the_event_loop_and_in_a_thread_run_one_after_the_other(
    redis_url, tmp_path
) -> None:
    settings = _settings(tmp_path, redis_url=redis_url)
    store, other = RedisSessionStore.from_settings(settings), RedisSessionStore.from_settings(settings)
    first = store.open(None, channel="api", client="a")
    first.session.remember("q0", "answered")
    store.settle(first)
    sid = first.session.id
    order: list[str] = []

    async def turn(name: str, pause: float) -> None:
        lookup = await store.open_async(sid, channel="api", client="a")
        order.append(f"{name} sees {len(lookup.session.history)}")
        await asyncio.sleep(pause)  # the loop keeps serving while this turn holds the lock
        lookup.session.remember(name, "answered")
        await store.settle_async(lookup)

    def threaded() -> None:
        time.sleep(0.05)
        lookup = other.open(sid, channel="api", client="a")  # waits for the lock the loop's turns hold
        order.append(f"thread sees {len(lookup.session.history)}")
        lookup.session.remember("thread", "answered")
        other.settle(lookup)

    async def main() -> None:
        await asyncio.gather(turn("one", 0.3), asyncio.to_thread(threaded), turn("two", 0.0))

    asyncio.run(main())
    # Whichever turn takes the lock first, each one sees every turn settled before it, and no two overlap.
    assert [o.split()[-1] for o in order] == ["1", "2", "3"]
    assert sorted(o.split()[0] for o in order) == ["one", "thread", "two"]
    final = store.open(sid, channel="api", client="a")
    store.settle(final)
    assert [q for q, _ in final.session.history] == ["q0", *(o.split()[0] for o in order)]


def test_rate_limit_buckets_are_shared_between_instances(redis_url) -> None:
    one, two = (RedisRateLimiter(redis_client_for(redis_url), 60, 3, "api") for _ in range(2))
    waits = [(one if i % 2 else two).hit("198.51.100.7") for i in range(4)]
    assert waits[:3] == [0.0, 0.0, 0.0] and waits[3] > 0
    assert one.hit("198.51.100.8") == 0.0  # another client has its own bucket


def test_a_replayed_wechat_url_is_refused_by_another_instance(redis_url, tmp_path) -> None:
    settings = _settings(tmp_path, redis_url=redis_url)
    one, two = (
        RedisReplayGuard(redis_client_for(redis_url), settings),
        RedisReplayGuard(redis_client_for(redis_url), settings),
    )
    stamp = str(int(time.time()))
    assert one(stamp, "n1", b"<xml>a</xml>")
    assert two(stamp, "n1", b"<xml>a</xml>")  # WeChat's own resend, same body
    assert not two(stamp, "n1", b"<xml>forged</xml>")
    assert not one(str(int(time.time()) - 3600), "n2", b"")


def test_a_wechat_message_is_claimed_once_and_its_reply_shared(redis_url) -> None:
    one, two = RedisClaims(redis_client_for(redis_url), 60), RedisClaims(redis_client_for(redis_url), 60)
    key = ("gh_account", "openid", "12345")
    assert one.claim(key) and not two.claim(key)
    assert two.wait(key, 0) is None
    one.publish(key, "答复")
    assert two.wait(key, 1.0) == "答复"


def redis_client_for(url: str):  # type: ignore[no-untyped-def]
    import redis

    return redis.Redis.from_url(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def records(request, tmp_path):  # type: ignore[no-untyped-def]
    extra = {"database_url": request.getfixturevalue("postgres_url")} if request.param == "postgresql" else {}
    store = open_records(_settings(tmp_path, **extra))
    yield store
    store.close()


def _answer(answer_id: str, status: str = "answered") -> dict[str, object]:
    cites = [{"clause_id": "c1", "title": "t", "quote": "原文"}]
    return {
        "answer_id": answer_id,
        "session_id": "s",
        "status": status,
        "answer": "=答复",
        "citations": cites,
        "calculations": [],
        "total_max_subsidy_yuan": Decimal("2400000"),
    }


def test_records_feedback_export_and_purge_work_on_both_backends(records) -> None:
    records.record_answer(
        _answer("a1"),
        "问题一",
        latency_ms=1.5,
        mode="deterministic",
        channel="/v1/chat",
        client="203.0.113.1",
    )
    records.record_answer(_answer("a2", "not_covered"), "问题二")
    assert records.get("a1")["citations"][0]["clause_id"] == "c1"
    assert records.get("a1")["client_hash"] not in (None, "203.0.113.1")
    assert records.add_feedback("a1", True, "有用") > 0
    with pytest.raises(UnknownAnswerError):
        records.add_feedback("missing", False)
    assert records.counts() == {"answered": 1, "not_covered": 1, "feedback": 1, "feedback_helpful": 1}
    assert [r["answer_id"] for r in records.recent(10, statuses=["not_covered"])] == ["a2"]
    out = io.StringIO()
    assert (
        export_csv(records.recent(10), out) == 2 and "'=答复" in out.getvalue() and "有用" in out.getvalue()
    )
    assert records.feedback(5)[0]["question"] == "问题一"
    assert records.purge(older_than_days=1).answers == 0
    result = records.purge(older_than_days=0)
    assert (result.answers, result.feedback) == (2, 1) and records.answer_ids() == set()
