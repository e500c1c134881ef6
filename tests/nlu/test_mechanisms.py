"""This round's understanding mechanisms, each on phrasings of its own (not the question sets' sentences):
excluded words before a generic cue, other rules' long cues, denied rule names, claimed results and quoted
caps, the together and separately acts, letter-labelled items, founding years, other cities' zones, venues,
English amounts, and an outside enterprise asking whether it may apply."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures import conversation


def _total(engine: Any, *questions: str) -> str | None:
    return conversation(engine, *questions)[-1]["total_max_subsidy_yuan"]


@pytest.mark.parametrize(
    ("message", "total"),
    [
        # An excluded kind of cost before a generic cue (花了) is still excluded: 600万 × 30%.
        ("首次流片600万，封测那块也花了200万，补多少", "1800000"),
        # The rule named again after the excluded word: the figure is the rule's.
        ("除了封测以外的流片费用700万，是首次流片，补多少", "2100000"),
        # Hardware the enterprise bought itself is not the computing-centre contract: 80万 × 50%.
        ("公司自购服务器花了500万，跟杭州人工智能计算中心签的算力合同80万，能补贴多少", "400000"),
        # R&D spending beside a tape-out question is not a tape-out fee (another rule's long cue).
        ("我们研发投入6000万，今年首次流片一款，费用900万，能补多少", "2700000"),
    ],
)
def test_figures_of_another_kind_are_not_inputs(engine: Any, message: str, total: str) -> None:
    assert _total(engine, message) == total


def test_a_denied_rule_name_does_not_name_the_rule(engine: Any) -> None:
    data = conversation(engine, "研发投入3000万（做的是模拟芯片，并不是EDA），首次流片500万，补多少")[0]
    assert data["citations"][0]["clause_id"] == "m3" and data["total_max_subsidy_yuan"] == "1500000"


def test_a_denied_condition_still_names_its_rule(engine: Any) -> None:
    data = conversation(engine, "这次不是首次流片了，是第三版，费用400万，能补吗")[0]
    assert data["total_max_subsidy_yuan"] == "0" and "不符合" in data["answer"].split("\n", 1)[0]


@pytest.mark.parametrize(
    ("message", "total"),
    [
        ("首次流片700万，补贴比例30%，那就是补210万对吧", "2100000"),  # 210万 is the claim, 700万 the fee
        ("首次流片花了500万，这样能补150万吗", "1500000"),
    ],
)
def test_claimed_results_are_not_added(engine: Any, message: str, total: str) -> None:
    assert _total(engine, message) == total


def test_a_quoted_cap_is_a_rule_question_not_a_fee(engine: Any) -> None:
    first, cap = conversation(engine, "买EDA工具花了200万能补多少", "这个100万上限是一年的还是总共的？")
    assert first["total_max_subsidy_yuan"] == "400000"
    assert cap["total_max_subsidy_yuan"] != "200000"  # 100万 never becomes a second EDA purchase


def test_together_adds_to_a_summed_amount(engine: Any) -> None:
    # m11 platform: equipment 2000万, then software 1000万 "一并算": 3000万 × 30% = 900万.
    totals = [
        t["total_max_subsidy_yuan"]
        for t in conversation(
            engine, "经认定的集成电路公共技术平台，研发设备投入2000万，能补多少", "软件投入另有1000万，一并算"
        )
    ]
    assert totals == ["6000000", "9000000"]


def test_together_puts_another_year_alongside(engine: Any) -> None:
    totals = [
        t["total_max_subsidy_yuan"]
        for t in conversation(
            engine,
            "网络安全服务企业，2025年网络安全保险保费80万，补多少",
            "2026年续保保费也是80万，两年加起来呢",
        )
    ]
    assert totals == ["480000", "880000"]  # 80万 × 60% + 80万 × 50%


def test_separately_keeps_the_new_rule_off_the_last_total(engine: Any) -> None:
    last = conversation(
        engine,
        "数据交易平台年交易额1亿，没有关联交易，运营补贴多少",
        "另外单独算一下：数据集被区内5家非关联企业调用，流通收益300万",
    )[-1]
    assert last["total_max_subsidy_yuan"] == "300000"


def test_a_letter_label_names_the_item_corrected(engine: Any) -> None:
    totals = [
        t["total_max_subsidy_yuan"]
        for t in conversation(engine, "今年首次流片两款，产品A 600万，产品B 500万，能补多少", "A其实是1200万")
    ]
    assert totals == ["3000000", "3300000"]  # min(180+150, 300) = 300万; then 1200万×15% + 150万


def test_a_founding_year_dates_nothing(engine: Any) -> None:
    assert _total(engine, "网安服务公司，2015年成立，2025年投保网络安全保险，保费50万，补偿多少") == "300000"
    assert _total(engine, "集成电路企业 2023年成立 2024年3月贷款300万 期限1年 贴息多少") == "103500"


@pytest.mark.parametrize("message", ["南京高新区的EDA补贴比例是多少", "广州那边流片补多少？"])
def test_another_citys_zone_or_policy_is_not_covered(engine: Any, message: str) -> None:
    data = conversation(engine, message)[0]
    assert data["status"] == "not_covered" and data["total_max_subsidy_yuan"] is None


def test_an_event_held_elsewhere_is_the_events_place(engine: Any) -> None:
    data = conversation(engine, "公司在滨江，集成电路论坛办在苏州，事前已报批，场租60万，能补多少")[0]
    assert data["citations"][0]["clause_id"] == "m16" and data["total_max_subsidy_yuan"] == "0"


def test_english_amounts(engine: Any) -> None:
    assert (
        _total(engine, "We are in Binjiang. First tape-out cost 8 million RMB, how much subsidy?")
        == "2400000"
    )


def test_outside_the_zone_asking_whether_it_may_apply(engine: Any) -> None:
    data = conversation(engine, "我们注册在临平区，可以申请滨江的EDA补贴吗？")[0]
    assert data["answer"].startswith("不符合") and data["total_max_subsidy_yuan"] is None
    assert data["citations"][0]["clause_id"] == "a1"


def test_affiliated_users_come_off_the_count(engine: Any) -> None:
    # 5 users, 2 of them the user's subsidiaries: 3 non-affiliated, not more than 3 → 0.
    message = "我们的数据集被区内5家企业调用，其中2家是我们的子公司，流通收益300万，能奖多少"
    assert _total(engine, message) == "0"


def test_a_figure_goes_to_the_named_rule_whose_own_cue_it_has(engine: Any) -> None:
    # The contract's cue (登记) is the voucher's only, and the voucher is named: not a tape-out fee; the
    # provider is invested in by the user's shareholder, so the voucher gives nothing.
    data = conversation(
        engine, "我们想用创新券请一家机构做芯片测试服务，合同已登记45万，这家机构是我们股东投资的，能补多少"
    )[0]
    assert data["citations"][0]["clause_id"] == "m11" and data["total_max_subsidy_yuan"] == "0"
    assert data["answer"].startswith("不符合")


def test_a_rule_question_after_a_calculation_computes_nothing_new(engine: Any) -> None:
    first, rule, supposed = conversation(
        engine,
        "芯机联动，采购非关联企业首次上市的设备600万，能补多少",
        "那采购芯片模组的补贴比例是多少？",
        "要是这600万买的是芯片模组呢？",
    )
    assert first["total_max_subsidy_yuan"] == "100000"
    assert rule["total_max_subsidy_yuan"] is None  # the chips rule's wording, not 600万 under it
    assert supposed["total_max_subsidy_yuan"] == "1500000"  # a supposition does recompute: 30%, cap 150万


def test_one_item_said_with_two_roles_counts_once_in_the_better_one(engine: Any) -> None:
    assert _total(engine, "我们牵头并参与起草了一项国际标准，已经发布，奖励多少") == "1000000"
    assert _total(engine, "主导、参与国际标准各1项，都已发布，奖励多少") == "1500000"  # two standards


@pytest.mark.parametrize(
    ("message", "total"),
    [
        ("首次流片900万，算下来应该是270万吧？", "2700000"),  # the guess is not a second fee
        ("和杭州人工智能计算中心签的算力服务合同140万，大概能有70万吧", "700000"),  # 50%, cap 100万
        ("首次流片费用应该是500万吧，能补多少", "1500000"),  # a hedged fee with its own cue is the fee
    ],
)
def test_a_guessed_result_is_not_an_input(engine: Any, message: str, total: str) -> None:
    assert _total(engine, message) == total


def test_when_the_policy_applies_is_the_documents_answer_even_with_a_measure_named(engine: Any) -> None:
    data = conversation(engine, "IP采购补贴是从什么时候开始施行的？")[0]
    assert data["citations"][0]["clause_id"] == "a4" and data["total_max_subsidy_yuan"] is None


def test_not_being_from_elsewhere_is_being_in_the_zone(engine: Any) -> None:
    assert _total(engine, "我们并非外地企业，首次流片400万，能补多少") == "1200000"


def test_english_m_before_a_currency_is_million(engine: Any) -> None:
    assert _total(engine, "Binjiang IC company, first tape-out 3M RMB, subsidy?") == "900000"
