"""Every result's trace: the inputs, exactly the dated parameters it applied, and the steps in order."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from calculators import run_calculator
from calculators.base import pct
from calculators.money import format_yuan, yuan_str
from calculators.params import parameters_for, parameters_path, using_parameters
from tests.calculators.test_registry import EXAMPLES

DOC_ID = "hzgx-2024-7"
OLD_KEYS = {"tool", "clause_id", "inputs", "eligible", "max_subsidy_yuan", "formula", "notes",
            "failed_conditions", "caps_applied", "clause_quote", "chosen_rule", "alternatives"}  # fmt: skip


def used(name: str, args: dict[str, Any]) -> dict[str, str]:
    """Parameter name → the date its applied value starts, from the trace."""
    trace = run_calculator(name, args).trace
    return {p.name: p.since for p in trace.parameters}


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        (
            "first_tapeout_subsidy",
            {"fees_yuan": "1200万"},
            {"tapeout_tier_boundary", "tapeout_large_rate", "tapeout_large_cap"},
        ),
        (
            "first_tapeout_subsidy",
            {"fees_yuan": "500万"},
            {"tapeout_tier_boundary", "tapeout_small_rate", "tapeout_small_cap"},
        ),
        (
            "first_tapeout_subsidy",
            {"fees_yuan": "1000万"},
            {
                "tapeout_tier_boundary",
                "tapeout_large_rate",
                "tapeout_large_cap",
                "tapeout_small_rate",
                "tapeout_small_cap",
            },
        ),
        ("eda_purchase_subsidy", {"ordinary_costs_yuan": "300万"}, {"eda_purchase_rate", "eda_purchase_cap"}),
        (
            "eda_purchase_subsidy",
            {"signoff_center_costs_yuan": "400万"},
            {"eda_purchase_rate", "eda_purchase_cap", "signoff_eda_rate", "signoff_eda_cap"},
        ),
        (
            "eda_rnd_subsidy",
            {"rd_investment_yuan": "900万"},
            {"eda_rnd_threshold", "eda_rnd_rate", "eda_rnd_cap"},
        ),
        (
            "dataset_circulation_reward",
            {"circulation_revenues_yuan": "100万", "non_affiliated_users": 4},
            {"dataset_more_than_users", "dataset_rate", "dataset_cap"},
        ),  # fmt: skip
        ("cyber_insurance_subsidy", {"premiums_yuan": "50万", "year": 2023}, {"cyber_cap"}),
        (
            "chip_machine_equipment_subsidy",
            {"purchase_amounts_yuan": "1200万"},
            {
                "chip_machine_equipment_threshold",
                "chip_machine_equipment_step",
                "chip_machine_equipment_award_per_step",
                "chip_machine_equipment_cap",
            },
        ),  # fmt: skip
        ("ai_achievement_award", {"tier": 2}, {"ai_award_tier2"}),
        (
            "high_level_platform_subsidy",
            {"level": "省级", "actual_spending_yuan": "300万"},
            {"high_platform_cap"},
        ),
        (
            "standards_award",
            {"standards": [{"level": "国际标准", "role": "主导"}, {"level": "国家标准", "role": "主导"}]},
            {"standard_international_lead_award", "standard_national_award"},
        ),
        ("talent_award", {}, {"talent_cap"}),
        (
            "lpr_interest_subsidy",
            {"principal_yuan": "800万", "lpr_percent": "3.1"},
            {"lpr_long_term_months", "lpr_principal_cap"},
        ),
        (
            "lpr_interest_subsidy",
            {
                "principal_yuan": "800万",
                "loan_date": "2024-08-01",
                "established_date": "2023-01-01",
                "term_months": 72,
            },
            {"lpr_window_years", "lpr_long_term_months", "lpr_5y", "lpr_principal_cap"},
        ),
    ],
)
def test_the_trace_names_exactly_the_parameters_the_calculation_applied(
    name: str, args: dict[str, Any], expected: set[str]
) -> None:
    assert set(used(name, args)) == expected


def test_each_dated_parameter_is_listed_with_the_entry_it_applied() -> None:
    assert (
        used("cyber_insurance_subsidy", {"premiums_yuan": "50万", "year": 2026})["cyber_compensation_rate"]
        == "2026-01-01"
    )
    assert (
        used("lpr_interest_subsidy", {"principal_yuan": "100万", "loan_date": "2024-10-20"})["lpr_1y"]
        == "2024-07-22"
    )
    assert (
        used("lpr_interest_subsidy", {"principal_yuan": "100万"})["lpr_1y"] == "2025-05-20"
    )  # latest when no date


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_listed_parameter_matches_its_file_and_shows_in_the_steps(name: str) -> None:
    res = run_calculator(name, EXAMPLES[name])
    declared = parameters_for(DOC_ID)
    steps = " ".join(f"{s.text} {s.value}" for s in res.trace.steps)
    assert res.trace.parameters, "every calculator applies at least one parameter"
    for entry in res.trace.parameters:
        param = declared.parameter(entry.name)
        applied = declared.value(entry.name, date.fromisoformat(entry.since))
        assert (entry.reference, entry.description) == (param.reference, param.description)
        assert Decimal(entry.value) == applied.value and applied.since.isoformat() == entry.since
        shown = {"ratio": pct(applied.value), "yuan": format_yuan(applied.value)}.get(param.unit, entry.value)
        if param.name not in (
            "lpr_long_term_months",
            "lpr_window_years",
        ):  # these decide a tenor or a deadline
            assert shown in steps, (entry.name, shown, steps)
    assert res.trace.inputs == res.inputs
    assert any(s.value == yuan_str(res.max_subsidy_yuan) for s in res.trace.steps)


def test_steps_follow_the_calculation_in_order() -> None:
    steps = [
        (s.text, s.value)
        for s in run_calculator(
            "first_tapeout_subsidy", {"fees_yuan": ["1200万", "2亿", "500万"]}
        ).trace.steps
    ]
    assert steps == [
        ("1000万元以上档：合计：12,000,000 + 200,000,000 = 212,000,000", "212000000"),
        ("1000万元以上档：212,000,000 × 15% = 31,800,000", "31800000"),
        ("1000万元以上档年度最高补贴 20,000,000 封顶", "20000000"),
        ("1000万元以下档：5,000,000 × 30% = 1,500,000", "1500000"),
        ("未超过1000万元以下档年度最高补贴 3,000,000", "1500000"),
        ("相加：20,000,000 + 1,500,000 = 21,500,000", "21500000"),
    ]


def test_thresholds_choices_and_failures_are_steps() -> None:
    low = run_calculator("eda_rnd_subsidy", {"rd_investment_yuan": "900万"}).trace.steps
    # The sign is the one that holds: a failed "≥" threshold reads "<", a failed "超过" reads "≤".
    assert (low[0].text, low[0].value) == ("年度自主研发投入：9,000,000 < 10,000,000", "不符合")
    assert low[-1].text.startswith("不符合条件：自主研发投入 1000 万元以上") and low[-1].value == "0"
    chosen = run_calculator("eda_purchase_subsidy", {"signoff_center_costs_yuan": "400万"}).trace.steps
    assert (
        chosen[0].text
        == "从高、从优、不重复：签核中心 EDA 50% 规则 2,000,000；EDA 购买 20% 规则 800,000；取签核中心 EDA 50% 规则"
    )
    users = run_calculator(
        "dataset_circulation_reward", {"circulation_revenues_yuan": "100万", "non_affiliated_users": 3}
    )
    assert (
        users.trace.steps[0].text == "区内非关联企业调用家数：3 ≤ 3"
        and users.trace.steps[0].value == "不符合"
    )


def test_to_dict_adds_trace_and_doc_id_and_keeps_every_old_key() -> None:
    data = run_calculator("first_tapeout_subsidy", {"fees_yuan": "1200万"}).to_dict()
    assert set(data) == OLD_KEYS | {"trace", "doc_id"}
    assert data["doc_id"] == DOC_ID
    assert set(data["trace"]) == {"inputs", "parameters", "steps"}
    assert data["trace"]["parameters"][0] == {
        "name": "tapeout_tier_boundary",
        "value": "10000000",
        "since": "2024-06-25",
        "reference": "m3",
        "description": parameters_for(DOC_ID).parameter("tapeout_tier_boundary").description,
    }
    assert all(set(s) == {"text", "value"} and isinstance(s["value"], str) for s in data["trace"]["steps"])


def with_entry(tmp_path: Path, name: str, since: str, value: str) -> Path:
    """A copy of the pack's parameters file with one more dated entry for `name`."""
    raw = yaml.safe_load(parameters_path(DOC_ID).read_text(encoding="utf-8"))
    raw["parameters"][name]["values"].append({"from": since, "value": value})
    if "known_valid_through" in raw["parameters"][name]:
        raw["parameters"][name]["known_valid_through"] = since
    path = tmp_path / "parameters.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def interest(loan_date: str | None) -> Decimal:
    args: dict[str, Any] = {"principal_yuan": "100万", "term_months": 12}
    if loan_date:
        args["loan_date"] = loan_date
    return run_calculator("lpr_interest_subsidy", args).max_subsidy_yuan


def test_a_later_lpr_entry_changes_only_loans_from_its_date(tmp_path: Path) -> None:
    dates = ["2024-08-01", "2025-06-01", "2025-08-19", "2025-08-20", "2025-09-01", None]
    before = {d: interest(d) for d in dates}
    with using_parameters(DOC_ID, with_entry(tmp_path, "lpr_1y", "2025-08-20", "2.90")):
        after = {d: interest(d) for d in dates}
        latest = run_calculator(
            "lpr_interest_subsidy", {"principal_yuan": "100万", "loan_date": "2025-08-20"}
        )
    for d in ["2024-08-01", "2025-06-01", "2025-08-19"]:
        assert after[d] == before[d], d
    for d in ["2025-08-20", "2025-09-01", None]:
        assert after[d] == Decimal(29000) != before[d], d
    assert {p.name: p.since for p in latest.trace.parameters}["lpr_1y"] == "2025-08-20"
    assert not any("晚于 LPR 表的核对日期" in n for n in latest.notes)
    assert interest("2025-09-01") == before["2025-09-01"]  # the override ends with the block


def test_a_later_cap_does_not_change_a_calculation_made_today(tmp_path: Path) -> None:
    before = run_calculator("first_tapeout_subsidy", {"fees_yuan": "2亿"})
    with using_parameters(DOC_ID, with_entry(tmp_path, "tapeout_large_cap", "2099-01-01", "25000000")):
        after = run_calculator("first_tapeout_subsidy", {"fees_yuan": "2亿"})
    assert after.max_subsidy_yuan == before.max_subsidy_yuan == Decimal(20_000_000)
    assert after.trace == before.trace


def test_a_changed_schedule_year_changes_only_that_year(tmp_path: Path) -> None:
    path = tmp_path / "parameters.yaml"
    text = parameters_path(DOC_ID).read_text(encoding="utf-8")
    path.write_text(
        re.sub(r'\{from: 2027-01-01, value: "0\.40"\}', '{from: 2027-01-01, value: "0.45"}', text),
        encoding="utf-8",
    )
    years = range(2024, 2032)
    before = {
        y: run_calculator("cyber_insurance_subsidy", {"premiums_yuan": "100万", "year": y}).max_subsidy_yuan
        for y in years
    }
    with using_parameters(DOC_ID, path):
        after = {
            y: run_calculator(
                "cyber_insurance_subsidy", {"premiums_yuan": "100万", "year": y}
            ).max_subsidy_yuan
            for y in years
        }
    assert {y for y in years if after[y] != before[y]} == {2027}
    assert after[2027] == Decimal(450_000)
