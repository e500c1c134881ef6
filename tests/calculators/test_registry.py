"""The registry contract: names, descriptions, input validation, verbatim quotes, JSON-safe results."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import calculators
import calculators.hzgx_2024_7
from calculators import (
    CALCULATORS,
    CalculatorInputError,
    SubsidyResult,
    UnknownCalculatorError,
    get_calculator,
    run_calculator,
)
from calculators.base import CEILING_NOTE

CLAUSES_JSON = Path(__file__).resolve().parents[2] / "corpus" / "policies" / "hzgx-2024-7" / "clauses.json"
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# One valid call per calculator; also used to check every result's quote and shape.
EXAMPLES: dict[str, dict[str, Any]] = {
    "eda_rnd_subsidy": {"rd_investment_yuan": "1200万"},
    "eda_purchase_subsidy": {"ordinary_costs_yuan": "300万", "signoff_center_costs_yuan": "200万"},
    "ip_purchase_subsidy": {"ip_costs_yuan": "300万"},
    "first_tapeout_subsidy": {"fees_yuan": ["1000万", "1200万"]},
    "equipment_rnd_subsidy": {"rd_investment_yuan": "6000万"},
    "compute_voucher_subsidy": {"contract_amounts_yuan": "80万"},
    "data_trading_subsidy": {"annual_volume_yuan": "2亿"},
    "dataset_circulation_reward": {"circulation_revenues_yuan": "200万", "non_affiliated_users": 5},
    "cyber_insurance_subsidy": {"premiums_yuan": "50万", "year": 2025},
    "ic_platform_subsidy": {"investment_yuan": "3000万"},
    "innovation_voucher_subsidy": {"contract_amounts_yuan": "60万"},
    "chip_machine_equipment_subsidy": {"purchase_amounts_yuan": "1200万"},
    "chip_machine_chip_subsidy": {"purchase_amounts_yuan": "400万"},
    "ai_scene_platform_subsidy": {"investment_yuan": "800万", "enterprises_served": 60},
    "ai_achievement_award": {"tier": 2},
    "high_level_platform_subsidy": {"level": "国家级", "actual_spending_yuan": "300万"},
    "event_venue_subsidy": {"venue_rents_yuan": "80万"},
    "lpr_interest_subsidy": {"principal_yuan": "500万", "loan_date": "2024-08-01", "term_months": 12},
    "talent_award": {},
    "standards_award": {"standards": [{"level": "国际标准", "role": "主导"}]},
    "quality_award": {"level": "市"},
}


def clause_texts() -> str:
    return "\n".join(c["text"] for c in json.loads(CLAUSES_JSON.read_text(encoding="utf-8")))


def test_registry_is_an_explicit_tuple_with_unique_names() -> None:
    assert isinstance(CALCULATORS, tuple)
    names = [c.name for c in CALCULATORS]
    assert len(names) == len(set(names)) == len(EXAMPLES)
    assert set(names) == set(EXAMPLES)


def test_every_numeric_clause_has_a_calculator_and_the_others_none() -> None:
    covered = {c.clause_id for c in CALCULATORS}
    assert covered == {
        "m2",
        "m3",
        "m4",
        "m6",
        "m7",
        "m8",
        "m9",
        "m11",
        "m12",
        "m15",
        "m16",
        "m17",
        "m18",
        "m19",
    }
    assert covered.isdisjoint({"m1", "m5", "m10", "m13", "m14"})


@pytest.mark.parametrize("calc", CALCULATORS, ids=lambda c: c.name)
def test_calculator_metadata_is_chinese_and_schema_is_described(calc: calculators.Calculator) -> None:
    assert CHINESE.search(calc.title) and CHINESE.search(calc.description)
    assert "\n" not in calc.description
    assert calc.func.__doc__ and CHINESE.search(calc.func.__doc__)
    schema = calc.input_model.model_json_schema()
    for name, prop in schema.get("properties", {}).items():
        assert CHINESE.search(prop.get("description", "")), f"{calc.name}.{name} lacks a Chinese description"
    assert get_calculator(calc.name) is calc


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_results_have_the_contract_shape(name: str) -> None:
    result = run_calculator(name, EXAMPLES[name])
    assert isinstance(result, SubsidyResult)
    assert result.tool == name and result.clause_id == get_calculator(name).clause_id
    assert result.eligible and result.max_subsidy_yuan > 0
    assert CEILING_NOTE in result.notes
    data = result.to_dict()
    for key in ("tool", "clause_id", "inputs", "eligible", "max_subsidy_yuan", "formula", "notes",
                "failed_conditions", "caps_applied", "clause_quote"):  # fmt: skip
        assert key in data
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert Decimal(data["max_subsidy_yuan"]) == result.max_subsidy_yuan
    assert re.fullmatch(r"\d+(\.\d{1,2})?", data["max_subsidy_yuan"])
    assert all(isinstance(v, str) for v in data["inputs"].values())


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_clause_quote_is_verbatim_policy_text(name: str) -> None:
    texts = clause_texts()
    quote = run_calculator(name, EXAMPLES[name]).clause_quote
    for sentence in quote.split(" …… "):
        assert sentence in texts, sentence


def test_all_quote_constants_are_verbatim() -> None:
    texts = clause_texts()
    modules = [
        calculators.hzgx_2024_7.chips,
        calculators.hzgx_2024_7.data,
        calculators.hzgx_2024_7.ecosystem,
        calculators.hzgx_2024_7.finance,
        calculators.hzgx_2024_7.talent,
    ]
    quotes = [v for m in modules for k, v in vars(m).items() if k.endswith("_QUOTE")]
    assert len(quotes) >= 20
    for quote in quotes:
        assert quote in texts, quote


def test_unknown_calculator_is_a_key_error_in_chinese() -> None:
    with pytest.raises(UnknownCalculatorError) as info:
        get_calculator("calc3")
    assert isinstance(info.value, KeyError)
    assert "没有名为“calc3”的计算器" in str(info.value)
    with pytest.raises(KeyError):
        run_calculator("calc3", {})


@pytest.mark.parametrize(
    ("name", "args", "field", "words"),
    [
        ("first_tapeout_subsidy", {}, "fees_yuan", "缺少必填项"),
        ("first_tapeout_subsidy", {"fees_yuan": "-300万"}, "fees_yuan.0", "负数"),
        ("first_tapeout_subsidy", {"fees_yuan": -5}, "fees_yuan.0", "不能小于0"),
        ("first_tapeout_subsidy", {"fees_yuan": "1e13"}, "fees_yuan.0", "不能大于"),
        ("first_tapeout_subsidy", {"fees_yuan": "2万亿"}, "fees_yuan.0", "1万亿元"),
        ("first_tapeout_subsidy", {"fees_yuan": "NaN"}, "fees_yuan.0", "读出金额"),
        ("first_tapeout_subsidy", {"fees_yuan": Decimal("NaN")}, "fees_yuan.0", ""),
        ("first_tapeout_subsidy", {"fees_yuan": Decimal("Infinity")}, "fees_yuan.0", ""),
        ("first_tapeout_subsidy", {"fees_yuan": True}, "fees_yuan.0", "是/否"),
        ("first_tapeout_subsidy", {"fees_yuan": "100万", "fee": 1}, "fee", "不是该计算器的参数"),
        ("cyber_insurance_subsidy", {"premiums_yuan": "1万", "year": "明年"}, "year", "整数"),
        ("cyber_insurance_subsidy", {"premiums_yuan": "1万", "year": 1999}, "year", "不能小于2000"),
        ("ai_achievement_award", {"tier": 4}, "tier", "以下之一"),
        ("eda_purchase_subsidy", {}, "参数", "至少给出一笔"),
        ("lpr_interest_subsidy", {"principal_yuan": "1万", "lpr_percent": "三点一"}, "lpr_percent", "利率"),
        ("lpr_interest_subsidy", {"principal_yuan": "1万", "loan_date": "去年"}, "loan_date", "日期"),
    ],
)
def test_bad_input_raises_chinese_error_naming_the_field(
    name: str, args: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(CalculatorInputError) as info:
        run_calculator(name, args)
    assert isinstance(info.value, ValueError)
    fields = [e["field"] for e in info.value.errors]
    assert field in fields, info.value.errors
    assert words in str(info.value)
    assert CHINESE.search(str(info.value))


@pytest.mark.parametrize(
    "value",
    [
        "12000000",
        "12,000,000",
        12_000_000,
        Decimal(12_000_000),
        12000000.0,
        "1200万",
        "1200万元",
        "壹仟贰佰万元",
    ],
)
def test_money_inputs_accept_every_form_callers_have(value: object) -> None:
    result = run_calculator("first_tapeout_subsidy", {"fees_yuan": value})
    assert result.max_subsidy_yuan == Decimal(1_800_000)


def test_non_mapping_args_are_rejected() -> None:
    with pytest.raises(CalculatorInputError):
        run_calculator("talent_award", ["x"])  # type: ignore[arg-type]
