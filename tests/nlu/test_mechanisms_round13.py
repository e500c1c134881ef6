"""Mechanisms found by holdout21's first measurement (tests/data/understanding/RESULTS.md); each test uses
phrasings of its own, not the set's."""

from __future__ import annotations

from typing import Any

from tests.fixtures import conversation


def totals(answers: list[dict[str, Any]]) -> list[str]:
    return [a["total_max_subsidy_yuan"] for a in answers]


def test_an_events_other_costs_are_not_its_venue_rent(engine: Any) -> None:
    # Only the venue rent is m16's: 120万 × 50% = 60万; the catering, stand-building or materials are named unused.
    for other in ("另外茶歇和布展花了50万", "物料、安保又花了50万", "餐饮住宿共花了50万"):
        answers = conversation(
            engine, f"我们在滨江办了一场集成电路开发者大会，事前报批过，场地租金120万，{other}，能补多少"
        )
        assert totals(answers) == ["600000"], other
        assert "50万（" in answers[0]["answer"]


def test_one_of_something_is_an_article_not_an_unused_figure(engine: Any) -> None:
    # "一份…一份…", "办了一场": no figure; (80万 + 60万) × 50% = 70万.
    answers = conversation(engine, "用杭州人工智能计算中心的算力签了合同，一份80万，一份60万，补多少")
    assert totals(answers) == ["700000"]
    assert "一份（" not in answers[0]["answer"]


def test_a_count_said_as_the_running_total_wins_over_the_increment(engine: Any) -> None:
    # 3 users → 0 ("超过3家"); "又新接入了两家，总共5家了": 5 users, 200万 × 10% = 20万.
    answers = conversation(
        engine,
        "我们的行业数据集被区内3家非关联企业调用，2024年流通收益200万，能奖励多少",
        "后来又新接入了两家非关联企业，总共5家了，收益不变，现在能奖多少",
    )
    assert totals(answers) == ["0", "200000"]


def test_one_enterprise_in_a_cap_question_is_the_unit_not_a_count(engine: Any) -> None:
    # "一个主体一年最多拿多少": the rule's cap, not a calculation with 1 user (which would be 0).
    for question in ("数据集奖励一个主体一年最多拿多少", "数据集流通奖励，一家公司每年封顶多少？"):
        answers = conversation(engine, question)
        assert answers[0]["status"] == "answered", question
        assert totals(answers) == [None], question
        assert "100 万元" in answers[0]["answer"]
    # A real count of one stays a count: 1 user is not 超过3家.
    answers = conversation(engine, "数据集目前就一家企业调用，流通收益80万，能奖励多少")
    assert totals(answers) == ["0"]


def test_fixed_awards_for_the_users_own_facts_are_computed_when_amounts_are_asked(engine: Any) -> None:
    # 520万 (talent) + 20万 (a national standard, taken part) = 540万, asked as 各是多少/合计.
    answers = conversation(
        engine,
        "我司引进的一名专家入选了省级人才计划，我们还参与制定了一项已发布的国家标准，各是多少，合计是多少",
    )
    assert totals(answers) == ["5400000"]
    # Without the user's own facts, the same amount question about the rule is answered from the clause.
    answers = conversation(engine, "人才计划的奖励分别是多少")
    assert totals(answers) == [None]


def test_surprise_at_a_result_and_a_deictic_how_asks_for_the_last_calculation(engine: Any) -> None:
    # 1200万 > 1000万 → 15% = 180万; both follow-ups show that calculation again, computing nothing new.
    for follow in ("花得多了，补贴反而低了？", "这个是怎么算的"):
        answers = conversation(engine, "首次流片费用1200万，补多少", follow)
        assert totals(answers) == ["1800000", "1800000"], follow
        assert "这是按" in answers[1]["answer"], follow
    # A sub-item's rule asked how it is computed stays a rule question.
    answers = conversation(engine, "首次流片费用1200万，补多少", "1000万以下那档的标准是怎么算的")
    assert totals(answers)[1] is None


def test_a_failed_calculation_explained_says_it_does_not_qualify_first(engine: Any) -> None:
    # Founded 2019-03, loan 2024-05: outside the three-year window → 0; "哪里不符合" leads with 不符合.
    answers = conversation(
        engine, "我们2019年3月在滨江成立的集成电路企业，2024年5月贷款300万一年，贴息多少", "哪里不符合？为啥"
    )
    assert totals(answers) == ["0", "0"]
    assert answers[1]["answer"].startswith("不符合")
    assert "这是按" in answers[1]["answer"]


def test_a_supplier_said_to_have_nothing_to_do_with_the_user_is_non_affiliated(engine: Any) -> None:
    # A related supplier → 0; "换一家跟我们毫无关系的" → non-affiliated: 400万 ≥ 300万, 30% = 120万.
    answers = conversation(
        engine,
        "我们从集团旗下的芯片公司采购了他们自研首次上市的芯片400万，芯机联动能补多少",
        "如果换一家跟我们没有任何关系的芯片企业，也是400万呢",
    )
    assert totals(answers) == ["0", "1200000"]
