"""Mechanisms found by holdout14 (tests/data/understanding/RESULTS.md, session of 2026-12-03)."""

from __future__ import annotations

from typing import Any

from tests.fixtures import conversation


def test_a_place_reached_by_a_motion_verb_stays_under_the_negation(engine: Any) -> None:
    # "没去区里走事前报批": the approval was not sought, whatever office the user names between; 0, not 40万.
    for said in ("没去区里走事前报批", "没有到经信局办理事前报批"):
        answers = conversation(engine, f"办了个集成电路技术交流会，场租80万，{said}，能补多少？")
        assert answers[0]["total_max_subsidy_yuan"] == "0", said
        assert answers[0]["answer"].startswith("不符合"), said


def test_a_motion_verb_without_a_negation_or_behind_a_comma_leaves_the_approval_met(engine: Any) -> None:
    # 80万 × 50% = 40万 (under the 100万 cap per event): the approval was sought in both.
    for said in ("去区里走了事前报批", "没去区里，但走了事前报批"):
        answers = conversation(engine, f"办了个集成电路技术交流会，场租80万，{said}，能补多少？")
        assert answers[0]["total_max_subsidy_yuan"] == "400000", said


def test_a_count_after_an_amount_each_multiplies_it_when_it_names_the_same_unit(engine: Any) -> None:
    # "每次流通收益50万，一共流通了6次": 6 × 50万 × 10% = 30万 (under the 100万 annual cap); the 5家 are the users.
    answers = conversation(
        engine, "数据集被5家区内非关联企业调用，每次流通收益50万，一共流通了6次，能拿多少？"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "300000"
    # A count of another unit (家) says how many users, not how many circulations: 50万 × 10% = 5万.
    answers = conversation(engine, "每次流通收益50万，被5家区内非关联企业调用，能拿多少？")
    assert answers[0]["total_max_subsidy_yuan"] == "50000"


def test_a_respin_said_of_one_of_two_tape_outs_fails_that_one_only(engine: Any) -> None:
    # A 500万 first tape-out × 30% = 150万; B (去年流过的版本再流一次) is not a first tape-out and leaves the list.
    answers = conversation(
        engine,
        "我们今年两颗芯片流片：A芯片是首次流片，费用500万；B芯片是去年流过的版本再流一次，费用300万。两个加起来能补多少？",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "1500000"
    assert "流过的版本" in answers[0]["answer"]
