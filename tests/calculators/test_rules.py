"""Every numeric rule: exact Decimal ceilings below, at and above thresholds and caps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from calculators import CalculatorInputError, run_calculator

W = Decimal(10_000)


def wan(text: str) -> Decimal:
    return Decimal(text) * W


# (calculator, args, expected max_subsidy_yuan); amounts in the expectations are exact.
ELIGIBLE = [
    # m2 EDA 攻关: threshold 1000万 (以上 includes it), 15%, cap 2000万
    ("eda_rnd_subsidy", {"rd_investment_yuan": "1000万"}, wan("150")),
    ("eda_rnd_subsidy", {"rd_investment_yuan": "1亿"}, wan("1500")),
    ("eda_rnd_subsidy", {"rd_investment_yuan": 133_333_333}, Decimal("19999999.95")),
    ("eda_rnd_subsidy", {"rd_investment_yuan": "13333.3334万"}, wan("2000")),
    ("eda_rnd_subsidy", {"rd_investment_yuan": "2亿"}, wan("2000")),
    # m2 EDA 购买: 20%, 100万/年
    ("eda_purchase_subsidy", {"ordinary_costs_yuan": "400万"}, wan("80")),
    ("eda_purchase_subsidy", {"ordinary_costs_yuan": "500万"}, wan("100")),
    ("eda_purchase_subsidy", {"ordinary_costs_yuan": "600万"}, wan("100")),
    ("eda_purchase_subsidy", {"ordinary_costs_yuan": ["200万", "200万"]}, wan("80")),
    ("eda_purchase_subsidy", {"ordinary_costs_yuan": ["200万", "350万"]}, wan("100")),
    ("eda_purchase_subsidy", {"ordinary_costs_yuan": "200万，350万"}, wan("100")),
    # m2 签核中心 EDA: 50%, 250万/年
    ("eda_purchase_subsidy", {"signoff_center_costs_yuan": "400万"}, wan("200")),
    ("eda_purchase_subsidy", {"signoff_center_costs_yuan": "500万"}, wan("250")),
    ("eda_purchase_subsidy", {"signoff_center_costs_yuan": "600万"}, wan("250")),
    ("eda_purchase_subsidy", {"signoff_center_costs_yuan": ["300万", "300万"]}, wan("250")),
    (
        "eda_purchase_subsidy",
        {"signoff_center_costs_yuan": "100万", "ordinary_costs_yuan": "100万"},
        wan("70"),
    ),
    # m2 IP: 20%, 200万/年
    ("ip_purchase_subsidy", {"ip_costs_yuan": "999万"}, Decimal("1998000")),
    ("ip_purchase_subsidy", {"ip_costs_yuan": "1000万"}, wan("200")),
    ("ip_purchase_subsidy", {"ip_costs_yuan": "1200万"}, wan("200")),
    ("ip_purchase_subsidy", {"ip_costs_yuan": ["300万", "400万"]}, wan("140")),
    # m3 首次流片
    ("first_tapeout_subsidy", {"fees_yuan": "500万"}, wan("150")),
    ("first_tapeout_subsidy", {"fees_yuan": "999万"}, Decimal("2997000")),
    ("first_tapeout_subsidy", {"fees_yuan": "1000万"}, wan("300")),
    ("first_tapeout_subsidy", {"fees_yuan": 10_000_001}, Decimal("1500000.15")),
    ("first_tapeout_subsidy", {"fees_yuan": "1200万"}, wan("180")),
    ("first_tapeout_subsidy", {"fees_yuan": "13333.3334万"}, wan("2000")),
    ("first_tapeout_subsidy", {"fees_yuan": "2亿"}, wan("2000")),
    ("first_tapeout_subsidy", {"fees_yuan": ["600万", "800万"]}, wan("300")),
    ("first_tapeout_subsidy", {"fees_yuan": ["1200万", "500万"]}, wan("330")),
    ("first_tapeout_subsidy", {"fees_yuan": ["1000万", "1000万"]}, wan("450")),
    ("first_tapeout_subsidy", {"fees_yuan": ["1000万", "200万"]}, wan("300")),
    # m4 核心设备、关键材料: threshold 5000万, 15%, cap 5000万
    ("equipment_rnd_subsidy", {"rd_investment_yuan": "5000万"}, wan("750")),
    ("equipment_rnd_subsidy", {"rd_investment_yuan": "3亿"}, wan("4500")),
    ("equipment_rnd_subsidy", {"rd_investment_yuan": "33333.3334万"}, wan("5000")),
    ("equipment_rnd_subsidy", {"rd_investment_yuan": "4亿"}, wan("5000")),
    # m6 算力: 50%, 100万/年, contracts aggregated
    ("compute_voucher_subsidy", {"contract_amounts_yuan": "150万"}, wan("75")),
    ("compute_voucher_subsidy", {"contract_amounts_yuan": "200万"}, wan("100")),
    ("compute_voucher_subsidy", {"contract_amounts_yuan": "300万"}, wan("100")),
    ("compute_voucher_subsidy", {"contract_amounts_yuan": ["80万", "150万"]}, wan("100")),
    ("compute_voucher_subsidy", {"contract_amounts_yuan": ["80万", "60万"]}, wan("70")),
    # m7 数据交易: 1% of volume minus affiliated, 500万/年
    ("data_trading_subsidy", {"annual_volume_yuan": "4亿"}, wan("400")),
    ("data_trading_subsidy", {"annual_volume_yuan": "5亿"}, wan("500")),
    ("data_trading_subsidy", {"annual_volume_yuan": "6亿"}, wan("500")),
    ("data_trading_subsidy", {"annual_volume_yuan": "6亿", "affiliated_volume_yuan": "1亿"}, wan("500")),
    ("data_trading_subsidy", {"annual_volume_yuan": "3亿", "affiliated_volume_yuan": "1亿"}, wan("200")),
    # m8 数据集: 超过3家 = at least 4, 10% per circulation summed, 100万/年
    (
        "dataset_circulation_reward",
        {"circulation_revenues_yuan": "500万", "non_affiliated_users": 4},
        wan("50"),
    ),
    (
        "dataset_circulation_reward",
        {"circulation_revenues_yuan": ["300万", "500万"], "non_affiliated_users": 9},
        wan("80"),
    ),
    (
        "dataset_circulation_reward",
        {"circulation_revenues_yuan": "1000万", "non_affiliated_users": 4},
        wan("100"),
    ),
    (
        "dataset_circulation_reward",
        {"circulation_revenues_yuan": ["600万", "600万"], "non_affiliated_users": 5},
        wan("100"),
    ),
    # m9 网络安全保险 at the cap
    ("cyber_insurance_subsidy", {"premiums_yuan": "200万", "year": 2024}, wan("100")),
    ("cyber_insurance_subsidy", {"premiums_yuan": ["100万", "100万"], "year": 2025}, wan("100")),
    # m11 平台 30% cap 2000万; 创新券 30% 50万/年
    ("ic_platform_subsidy", {"investment_yuan": "5000万"}, wan("1500")),
    ("ic_platform_subsidy", {"investment_yuan": "6666.6667万"}, wan("2000")),
    ("ic_platform_subsidy", {"investment_yuan": "1亿"}, wan("2000")),
    ("innovation_voucher_subsidy", {"contract_amounts_yuan": "100万"}, wan("30")),
    ("innovation_voucher_subsidy", {"contract_amounts_yuan": "200万"}, wan("50")),
    ("innovation_voucher_subsidy", {"contract_amounts_yuan": ["100万", "80万"]}, wan("50")),
    # m12 设备、材料: ≥500万, 10万 per whole 500万, cap 100万
    ("chip_machine_equipment_subsidy", {"purchase_amounts_yuan": "500万"}, wan("10")),
    ("chip_machine_equipment_subsidy", {"purchase_amounts_yuan": "999万"}, wan("10")),
    ("chip_machine_equipment_subsidy", {"purchase_amounts_yuan": "1000万"}, wan("20")),
    ("chip_machine_equipment_subsidy", {"purchase_amounts_yuan": "1200万"}, wan("20")),
    ("chip_machine_equipment_subsidy", {"purchase_amounts_yuan": "5000万"}, wan("100")),
    ("chip_machine_equipment_subsidy", {"purchase_amounts_yuan": "6000万"}, wan("100")),
    ("chip_machine_equipment_subsidy", {"purchase_amounts_yuan": ["300万", "250万"]}, wan("10")),
    # m12 芯片、模组: ≥300万, 30%, cap 150万
    ("chip_machine_chip_subsidy", {"purchase_amounts_yuan": "300万"}, wan("90")),
    ("chip_machine_chip_subsidy", {"purchase_amounts_yuan": "500万"}, wan("150")),
    ("chip_machine_chip_subsidy", {"purchase_amounts_yuan": "600万"}, wan("150")),
    ("chip_machine_chip_subsidy", {"purchase_amounts_yuan": ["200万", "150万"]}, wan("105")),
    # m15 平台: ≥50家 (含), 20%, cap 300万; 成果奖励三档
    ("ai_scene_platform_subsidy", {"investment_yuan": "1000万", "enterprises_served": 50}, wan("200")),
    ("ai_scene_platform_subsidy", {"investment_yuan": "1500万", "enterprises_served": 80}, wan("300")),
    ("ai_scene_platform_subsidy", {"investment_yuan": "2000万", "enterprises_served": 80}, wan("300")),
    ("ai_achievement_award", {"tier": 1}, wan("50")),
    ("ai_achievement_award", {"tier": 2}, wan("30")),
    ("ai_achievement_award", {"tier": 3}, wan("10")),
    # m16 高能级平台 ≤ 实际支出, 500万/年; 活动 50%, 每次 ≤100万
    ("high_level_platform_subsidy", {"level": "国家级", "actual_spending_yuan": "300万"}, wan("300")),
    ("high_level_platform_subsidy", {"level": "省级", "actual_spending_yuan": "500万"}, wan("500")),
    (
        "high_level_platform_subsidy",
        {"level": "省级", "actual_spending_yuan": ["200万", "400万"]},
        wan("500"),
    ),
    ("event_venue_subsidy", {"venue_rents_yuan": "150万"}, wan("75")),
    ("event_venue_subsidy", {"venue_rents_yuan": "200万"}, wan("100")),
    ("event_venue_subsidy", {"venue_rents_yuan": "300万"}, wan("100")),
    ("event_venue_subsidy", {"venue_rents_yuan": ["300万", "100万"]}, wan("150")),
    # m18, m19
    ("talent_award", {}, wan("520")),
    ("quality_award", {"level": "省", "status": "提名"}, wan("200")),
]


def run(name: str, args: dict[str, Any]) -> Any:
    return run_calculator(name, args)


@pytest.mark.parametrize(("name", "args", "expected"), ELIGIBLE)
def test_eligible_amounts(name: str, args: dict[str, Any], expected: Decimal) -> None:
    result = run(name, args)
    assert result.eligible, result.failed_conditions
    assert result.max_subsidy_yuan == expected
    assert result.formula.endswith(f"= {expected:,.0f}" if expected == expected.to_integral_value() else "")


INELIGIBLE = [
    ("eda_rnd_subsidy", {"rd_investment_yuan": 9_999_999}, "1000 万元以上"),
    ("eda_rnd_subsidy", {"rd_investment_yuan": "1200万", "has_actual_sales": False}, "实际销售"),
    ("eda_purchase_subsidy", {"ordinary_costs_yuan": "100万", "is_ic_enterprise": False}, "集成电路企业"),
    ("ip_purchase_subsidy", {"ip_costs_yuan": "100万", "for_key_chip_or_process_rnd": False}, "关键芯片"),
    ("first_tapeout_subsidy", {"fees_yuan": "1200万", "is_first_tapeout": False}, "首次流片"),
    (
        "first_tapeout_subsidy",
        {"fees_yuan": "1200万", "is_key_chip_in_supported_field": False},
        "重点支持领域",
    ),
    ("equipment_rnd_subsidy", {"rd_investment_yuan": "4999.99万"}, "5000 万元以上"),
    (
        "compute_voucher_subsidy",
        {"contract_amounts_yuan": "100万", "uses_hangzhou_ai_computing_center": False},
        "杭州人工智能计算中心",
    ),
    ("data_trading_subsidy", {"annual_volume_yuan": "1亿", "is_certified_platform": False}, "经认定"),
    (
        "dataset_circulation_reward",
        {"circulation_revenues_yuan": "500万", "non_affiliated_users": 3},
        "超过 3 家",
    ),
    ("cyber_insurance_subsidy", {"premiums_yuan": "100万", "year": 2023}, "自 2024 年起"),
    ("cyber_insurance_subsidy", {"premiums_yuan": "100万", "year": 2031}, "递减为 0"),
    (
        "cyber_insurance_subsidy",
        {"premiums_yuan": "100万", "year": 2025, "provides_security_services": False},
        "网络安全服务",
    ),
    ("ic_platform_subsidy", {"investment_yuan": "1亿", "is_certified_platform": False}, "公共技术平台"),
    (
        "innovation_voucher_subsidy",
        {"contract_amounts_yuan": "100万", "has_investment_relation": True},
        "无投资关联",
    ),
    ("chip_machine_equipment_subsidy", {"purchase_amounts_yuan": 4_999_999}, "500万元以上"),
    (
        "chip_machine_equipment_subsidy",
        {"purchase_amounts_yuan": "800万", "supplier_non_affiliated": False},
        "非关联",
    ),
    ("chip_machine_chip_subsidy", {"purchase_amounts_yuan": "299万"}, "300万元以上"),
    (
        "chip_machine_chip_subsidy",
        {"purchase_amounts_yuan": "400万", "self_developed_first_launch": False},
        "首次上市",
    ),
    ("ai_scene_platform_subsidy", {"investment_yuan": "1000万", "enterprises_served": 49}, "50 家（含）以上"),
    ("ai_achievement_award", {"tier": 1, "landed_and_promoted": False}, "落地并推广"),
    ("high_level_platform_subsidy", {"level": "市级", "actual_spending_yuan": "300万"}, "国家级、省级"),
    ("event_venue_subsidy", {"venue_rents_yuan": "100万", "prior_approval": False}, "事前报批"),
    ("event_venue_subsidy", {"venue_rents_yuan": "100万", "held_in_district": False}, "在我区举办"),
    ("talent_award", {"selected_in_talent_program": False}, "人才计划"),
    ("standards_award", {"standards": [{"level": "国际标准", "role": "主导", "published": False}]}, "已发布"),
]


@pytest.mark.parametrize(("name", "args", "condition"), INELIGIBLE)
def test_ineligible_returns_zero_and_names_the_condition(
    name: str, args: dict[str, Any], condition: str
) -> None:
    result = run(name, args)
    assert not result.eligible
    assert result.max_subsidy_yuan == 0
    assert any(condition in text for text in result.failed_conditions), result.failed_conditions
    assert condition in result.formula  # the formula line says why it is 0


CYBER_YEARS = [
    (2024, "70"),
    (2025, "60"),
    (2026, "50"),
    (2027, "40"),
    (2028, "30"),
    (2029, "20"),
    (2030, "10"),
    (2031, "0"),
    (2032, "0"),
]


@pytest.mark.parametrize(("year", "expected_wan"), CYBER_YEARS)
def test_cyber_insurance_ratio_falls_ten_points_a_year(year: int, expected_wan: str) -> None:
    result = run("cyber_insurance_subsidy", {"premiums_yuan": "100万", "year": year})
    assert result.max_subsidy_yuan == wan(expected_wan)
    assert result.eligible == (expected_wan != "0")
    assert any("10 个百分点" in note for note in result.notes)


def test_first_tapeout_at_exactly_ten_million_applies_a2() -> None:
    result = run("first_tapeout_subsidy", {"fees_yuan": "1000万"})
    assert result.chosen_rule is not None and "30%" in result.chosen_rule
    amounts = sorted(Decimal(a["max_subsidy_yuan"]) for a in result.alternatives)
    assert amounts == [wan("150"), wan("300")]
    assert any("从高、从优、不重复" in note and "1000 万元" in note for note in result.notes)
    assert "从高、从优、不重复" in result.clause_quote


def test_first_tapeout_just_above_boundary_has_no_a2_choice() -> None:
    result = run("first_tapeout_subsidy", {"fees_yuan": 10_000_001})
    assert result.chosen_rule is None and result.alternatives == []


def test_signoff_eda_takes_the_better_rule_not_the_sum() -> None:
    result = run("eda_purchase_subsidy", {"signoff_center_costs_yuan": "400万"})
    assert result.max_subsidy_yuan == wan("200")  # not 200万 + 80万
    assert result.chosen_rule == "签核中心 EDA 50% 规则"
    assert {a["max_subsidy_yuan"] for a in result.alternatives} == {"2000000", "800000"}
    assert any("从高、从优、不重复" in note for note in result.notes)


def test_caps_are_reported_when_they_bind() -> None:
    capped = run("compute_voucher_subsidy", {"contract_amounts_yuan": ["80万", "150万"]})
    assert capped.caps_applied and "100万元" in capped.caps_applied[0]
    assert capped.formula == "min((800,000 + 1,500,000) × 50%, 1,000,000) = 1,000,000"
    assert run("compute_voucher_subsidy", {"contract_amounts_yuan": "150万"}).caps_applied == []


def test_formula_matches_the_issue_example() -> None:
    assert run("first_tapeout_subsidy", {"fees_yuan": "1200万"}).formula == (
        "min(12,000,000 × 15%, 20,000,000) = 1,800,000"
    )


def test_data_trading_rejects_affiliated_above_total() -> None:
    with pytest.raises(CalculatorInputError) as info:
        run("data_trading_subsidy", {"annual_volume_yuan": "1亿", "affiliated_volume_yuan": "2亿"})
    assert "关联企业交易额" in str(info.value)


STANDARDS = [
    ([{"level": "国际标准", "role": "主导"}], wan("100")),
    ([{"level": "国际标准", "role": "参与"}], wan("50")),
    ([{"level": "国家标准", "role": "参与"}], wan("20")),
    ([{"level": "国家标准", "role": "主导"}], wan("20")),
    ([{"level": "行业标准", "role": "参与"}], wan("10")),
    ([{"level": "浙江制造标准", "role": "主导"}], wan("10")),
    ([{"level": "浙江制造标准", "role": "参与"}], wan("5")),
    ([{"level": "国际标准", "role": "主导"}, {"level": "国家标准"}, {"level": "行业标准"}], wan("130")),
    (
        [
            {"level": "国际标准", "role": "参与", "name": "IEEE 1234"},
            {"level": "国际标准", "role": "主导", "name": "IEEE 1234"},
        ],
        wan("100"),
    ),
    ([{"level": "国际标准", "role": "主导"}, {"level": "国家标准", "published": False}], wan("100")),
]


@pytest.mark.parametrize(("standards", "expected"), STANDARDS)
def test_standards_add_up_each_standard_once(standards: list[dict[str, Any]], expected: Decimal) -> None:
    assert run("standards_award", {"standards": standards}).max_subsidy_yuan == expected
