"""Mechanisms found by holdout22's first measurement (tests/data/understanding/RESULTS.md); each test uses
phrasings of its own, not the set's."""

from __future__ import annotations

from typing import Any

from tests.fixtures import conversation


def totals(answers: list[dict[str, Any]]) -> list[str]:
    return [a["total_max_subsidy_yuan"] for a in answers]


def test_an_event_as_the_subject_of_its_place_is_where_it_was_held(engine: Any) -> None:
    # "第一场在滨江…；另一场在苏州…": each event placed by its own clause; 90万 × 50% + 0 = 45万, not the other way.
    answers = conversation(
        engine,
        "我们办了两场人工智能交流活动，事前都报批了：第一场在滨江，场租90万；另一场在苏州，场租300万。能补多少",
    )
    assert totals(answers) == ["450000"]
    assert "300万（不满足" in answers[0]["answer"]


def test_a_letter_naming_a_group_member_outside_makes_its_figures_its_own(engine: Any) -> None:
    # 子公司D in 余杭: "D租了算力80万" is D's; the applicant's own 60万 × 50% = 30万.
    answers = conversation(
        engine,
        "我们在滨江，集团在余杭还有一家兄弟公司D。我们用杭州人工智能计算中心算力签了60万合同；D也签了80万。我们能补多少？",
    )
    assert totals(answers) == ["300000"]
    assert "80万（" in answers[0]["answer"]


def test_a_value_set_aside_in_a_what_if_leaves_the_calculation(engine: Any) -> None:
    # Stated LPR 2.9% on 400万 (2025-06 loan): 11.6万; "不用2.9%" → the LPR in force, 3.00%: 12万.
    answers = conversation(
        engine,
        "集成电路企业，2024年在滨江设立，2025年6月贷款400万一年期，LPR按2.9%，贴息多少",
        "要是不用2.9%，按当时的LPR呢",
    )
    assert totals(answers) == ["116000", "120000"]


def test_a_letter_after_a_short_opening_is_the_subject_of_the_message(engine: Any) -> None:
    # A 800万 → 240万, B 1200万 → 180万; "补充一下：A芯片其实不是首次流片" leaves B only.
    answers = conversation(
        engine,
        "两款芯片首次流片，A流片费800万，B流片费1200万，能补多少",
        "补充一下：A芯片其实不是首次流片，之前流过",
    )
    assert totals(answers) == ["4200000", "1800000"]


def test_a_count_of_the_items_computed_is_not_an_unused_figure(engine: Any) -> None:
    # "三份合同…另外2023年还有一份": the three computed; (30万 + 40万 + 50万) × 50% = 60万.
    answers = conversation(
        engine,
        "2024年用杭州人工智能计算中心算力签了三份合同：30万、40万、50万，另外2023年还有一份70万，2024年能补多少",
    )
    assert totals(answers) == ["600000"]
    assert "三份（" not in answers[0]["answer"]


def test_a_listed_item_pointed_at_by_its_amount_is_talked_about_not_added(engine: Any) -> None:
    # "另一家" describes the 45万 contract's provider, not another contract: 75万 × 50% = 37.5万 (not (75+45+45) × 50%).
    answers = conversation(
        engine,
        "我们和杭州人工智能计算中心签了两份算力合同，75万和45万，能补多少",
        "45万那份合同查了一下，是跟另一家云厂商签的",
    )
    assert totals(answers) == ["600000", "375000"]
