"""The eighth round's mechanisms (the last failures of holdout12/review12 and of holdout13 after it was measured),
on phrasings of our own, with amounts computed by hand from the policy."""

from __future__ import annotations

from typing import Any

from tests.fixtures import conversation


def test_a_noun_phrase_clause_is_the_topic_of_the_purchase_after_it(engine: Any) -> None:
    # "…首次上市的芯片，2025年共采购了500万": the object is named in its own clause; 500万 × 30% = 150万 (the cap).
    answers = conversation(engine, "无关联企业自研、首发的MCU芯片，2025年共采购了500万，芯机联动能补多少")
    assert answers[0]["total_max_subsidy_yuan"] == "1500000"
    # The same with equipment, in a numbered list: floor(1100万 ÷ 500万) × 10万 = 20万; the headcount is not used.
    answers = conversation(
        engine, "1. 第三方自研首发的量测设备，当年累计购买1100万\n2. 员工300人\n补贴多少？"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "200000"


def test_a_noun_phrase_clause_does_not_name_a_purchase_without_one(engine: Any) -> None:
    # "…的芯片，首次流片花了800万": a tape-out, not a purchase of chips: 800万 × 30% = 240万.
    answers = conversation(engine, "我们自己设计的AI芯片，首次流片花了800万，能补多少")
    assert answers[0]["total_max_subsidy_yuan"] == "2400000"
    assert answers[0]["citations"][0]["clause_id"] == "m3"


def test_two_readings_offered_by_the_user_are_results_and_thresholds_not_inputs(engine: Any) -> None:
    # "是按30%拿105万，还是超过门槛的部分50万再乘30%": 105万, 门槛 and 超过的部分 are the user's readings;
    # 350万 of chips × 30% = 105万.
    answers = conversation(
        engine,
        "我们2025年采购非关联企业自研首发的芯片350万，是按30%拿105万，还是300万的门槛以上超出的50万才算？",
    )
    assert answers[0]["status"] == "answered" and answers[0]["total_max_subsidy_yuan"] == "1050000"


def test_an_excess_over_a_threshold_is_no_second_purchase(engine: Any) -> None:
    # Equipment 1200万: floor(1200 ÷ 500) × 10万 = 20万; "超出门槛的部分700万" is the same money seen otherwise.
    answers = conversation(
        engine, "非关联企业首次上市的设备买了1200万，超出门槛的部分700万也能算吗，总共补多少"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "200000"


def test_a_loan_in_a_clause_of_its_own_without_a_date_is_undated(engine: Any) -> None:
    # 2025-01 loan of 300万 for one year at 3.10% = 9.3万; the other loan of 100万 has no date: the latest LPR
    # (3.00%) = 3万; 12.3万 — not 300万+100万 at January's rate (12.4万).
    answers = conversation(
        engine,
        "集成电路企业，2025年1月借了300万，一年期；此外还有一笔100万的流动资金贷款，也是一年。贴息多少",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "123000"


def test_loans_listed_in_one_clause_share_its_date(engine: Any) -> None:
    # Both loans of 2025-01: 400万 × 3.10% = 12.4万.
    answers = conversation(engine, "集成电路企业2025年1月贷款两笔，300万和100万，都是一年期，贴息能补多少")
    assert answers[0]["total_max_subsidy_yuan"] == "124000"


def test_correcting_one_part_of_a_summed_amount_keeps_the_other_parts(engine: Any) -> None:
    # m4: 设备研发投入3000万 + 材料研发投入2500万 = 5500万 ≥ 5000万 → 825万; 材料 corrected to 3500万: 6500万 →
    # 975万 (cap 5000万). The whole said again replaces the sum: 总投入 6000万 → 900万.
    answers = conversation(
        engine,
        "我们做刻蚀设备，已有销售，设备研发投入3000万，能补多少",
        "材料研发投入还有2500万，合起来算",
        "不对，材料研发投入其实是3500万",
        "算了，总的研发投入就按6000万算",
    )
    totals = [a["total_max_subsidy_yuan"] for a in answers]
    assert totals[1:] == ["8250000", "9750000", "9000000"]


def test_a_question_about_one_rule_computes_that_rule_only(engine: Any) -> None:
    # "…IP购买400万。EDA补贴多少？": EDA 250万 × 20% = 50万; the IP purchase is named as not asked about.
    answers = conversation(
        engine, "我们是芯片设计公司，2025年买EDA工具250万，另外IP购买400万用于先进工艺研发。EDA补贴多少？"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "500000"
    assert "400万（不属于所问的这项补贴" in answers[0]["answer"]
    # Asked for a total, both count: 50万 + 400万 × 20% = 130万.
    answers = conversation(
        engine,
        "我们是芯片设计公司，2025年买EDA工具250万，另外IP购买400万用于先进工艺研发。两项一共能补多少？",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "1300000"


def test_own_gpu_hardware_fails_the_computing_centre_and_a_later_switch_restores_it(engine: Any) -> None:
    # Own GPU cards: not the 杭州人工智能计算中心's computing power → 0, said first.
    answers = conversation(engine, "公司自己购置GPU搭了集群做训练，2025年机房托管合同120万，算力券能补多少")
    assert answers[0]["total_max_subsidy_yuan"] == "0" and answers[0]["answer"].startswith("不符合")
    # Switched since to the centre: 120万 × 50% = 60万 (cap 100万).
    answers = conversation(
        engine, "原来是自己买显卡，后来改用杭州人工智能计算中心的算力了，2025年合同120万，能补多少"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "600000"
