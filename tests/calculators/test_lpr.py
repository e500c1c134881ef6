"""m17 LPR interest subsidy and the dated LPR table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from calculators import CalculatorInputError, run_calculator
from calculators.hzgx_2024_7.finance import add_years
from calculators.params import parameters_for


def subsidy(**args: Any) -> Any:
    return run_calculator("lpr_interest_subsidy", args)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"principal_yuan": "500万", "lpr_percent": 3.1, "term_months": 12}, Decimal(155000)),
        ({"principal_yuan": "800万", "lpr_percent": "3.1%", "term_months": 12}, Decimal(155000)),
        ({"principal_yuan": "300万", "lpr_percent": "3.1", "term_months": 12}, Decimal(93000)),
        ({"principal_yuan": "500万", "lpr_percent": "3.1", "term_months": 6}, Decimal(77500)),
        ({"principal_yuan": "500万", "lpr_percent": "3.1", "term_months": 36}, Decimal(465000)),
        ({"principal_yuan": "500万", "lpr_percent": "3.1", "term_days": 365}, Decimal(155000)),
        ({"principal_yuan": "500万", "lpr_percent": "3.1", "term_days": 100}, Decimal("42465.75")),
        ({"principal_yuan": "500万", "lpr_percent": "3.1", "actual_rate_percent": "2.8"}, Decimal(140000)),
        ({"principal_yuan": "500万", "lpr_percent": "3.1", "actual_rate_percent": "4.5"}, Decimal(155000)),
    ],
)
def test_interest_subsidy_amounts(args: dict[str, Any], expected: Decimal) -> None:
    result = subsidy(**args)
    assert result.eligible
    assert result.max_subsidy_yuan == expected


def test_principal_cap_is_reported() -> None:
    result = subsidy(principal_yuan="800万", lpr_percent="3.1")
    assert result.caps_applied == ["补贴贷款额度最高 500 万元"]
    assert result.formula == "min(8,000,000, 5,000,000) × 3.1% × 12/12 = 155,000"


@pytest.mark.parametrize(
    ("loan_date", "tenor_months", "rate"),
    [
        ("2023-06-20", 12, "3.55"),
        ("2023-08-20", 12, "3.55"),
        ("2023-08-21", 12, "3.45"),
        ("2024-08-01", 12, "3.35"),
        ("2024-08-01", 72, "3.85"),
        ("2024-10-21", 60, "3.10"),
        ("2024-10-21", 61, "3.60"),
        ("2025-05-20", 12, "3.00"),
    ],
)
def test_lpr_is_looked_up_by_loan_date_and_tenor(loan_date: str, tenor_months: int, rate: str) -> None:
    result = subsidy(principal_yuan="100万", loan_date=loan_date, term_months=tenor_months)
    expected = Decimal(1_000_000) * Decimal(rate) / 100 * tenor_months / 12
    assert result.max_subsidy_yuan == expected.quantize(Decimal("0.01"))
    assert any(f"LPR {rate}%" in note for note in result.notes)


def test_dates_after_the_table_use_the_last_value_and_say_so() -> None:
    result = subsidy(principal_yuan="100万", loan_date="2026-03-01")
    assert result.max_subsidy_yuan == Decimal(30000)
    assert any("晚于 LPR 表的核对日期" in note for note in result.notes)


def test_dates_before_the_table_need_the_lpr_as_input() -> None:
    with pytest.raises(CalculatorInputError) as info:
        subsidy(principal_yuan="100万", loan_date="2023-01-01")
    assert info.value.errors[0]["field"] == "lpr_percent"


@pytest.mark.parametrize(
    ("established", "loan", "eligible"),
    [
        ("2021-06-01", "2024-06-01", True),  # 三年内 includes the third anniversary
        ("2021-06-01", "2024-06-02", False),
        ("2024-02-29", "2027-02-28", True),
        ("2024-02-29", "2027-03-01", False),
    ],
)
def test_three_year_window(established: str, loan: str, eligible: bool) -> None:
    result = subsidy(principal_yuan="100万", lpr_percent="3", established_date=established, loan_date=loan)
    assert result.eligible is eligible
    if not eligible:
        assert result.max_subsidy_yuan == 0 and "三年内" in result.failed_conditions[0]


def test_not_an_ic_enterprise_is_ineligible() -> None:
    result = subsidy(principal_yuan="100万", lpr_percent="3", is_ic_enterprise=False)
    assert not result.eligible and result.failed_conditions == ["借款方为集成电路企业"]


def test_loan_before_founding_is_an_input_error() -> None:
    with pytest.raises(CalculatorInputError):
        subsidy(
            principal_yuan="100万", lpr_percent="3", established_date="2024-01-01", loan_date="2023-12-01"
        )


def test_add_years_handles_leap_day() -> None:
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert add_years(date(2024, 3, 1), 3) == date(2027, 3, 1)


def test_table_is_sorted_dated_data_with_its_source() -> None:
    for name in ("lpr_1y", "lpr_5y"):
        param = parameters_for("hzgx-2024-7").parameter(name)
        assert param.metadata["publisher"] and "输入" in param.metadata["maintenance_note"]
        dates = [v.since for v in param.values]
        assert dates == sorted(dates) and len(dates) == 6
        assert param.known_valid_through is not None and param.known_valid_through >= dates[-1]


def test_several_loans_each_take_their_own_lpr_and_share_the_principal_cap() -> None:
    # In loan-date order: 2024-01-10 300万 at 3.45% (LPR of 2023-08-21) uses 300万 of the 500万; the later
    # 2025-06-01 400万 at 3.00% gets the 200万 left: 103,500 + 60,000.
    res = subsidy(
        principal_yuan="400万",
        loan_date="2025-06-01",
        other_loans=[{"principal_yuan": "300万", "loan_date": "2024-01-10"}],
        established_date="2023-02-01",
        term_months=12,
    )
    assert res.max_subsidy_yuan == Decimal(163500)
    assert res.formula.startswith("min(3,000,000, 5,000,000) × 3.45%")
    assert any("还剩 200 万元" in c for c in res.caps_applied)


def test_a_loan_given_no_date_takes_the_latest_lpr_not_another_loans() -> None:
    # 2024-09-01 200万 at 3.35% = 67,000; the undated 100万 at the latest LPR (3.00%) = 30,000, last in order.
    res = subsidy(
        principal_yuan="200万",
        loan_date="2024-09-01",
        other_loans=[{"principal_yuan": "100万"}],
        established_date="2023-02-01",
        term_months=12,
    )
    assert res.max_subsidy_yuan == Decimal(97000)
    assert "× 3.00%" in res.formula and any("未给出放款日期" in n for n in res.notes)


def test_a_loan_outside_the_window_uses_none_of_the_cap() -> None:
    # Founded 2021-03-01: the window ends 2024-03-01, so the 2025 loan is out; the 2023-09-01 loan alone
    # counts: 500万 × 3.45%.
    res = subsidy(
        principal_yuan="500万",
        loan_date="2023-09-01",
        other_loans=[{"principal_yuan": "300万", "loan_date": "2025-01-02"}],
        established_date="2021-03-01",
    )
    assert res.eligible and res.max_subsidy_yuan == Decimal(172500)
    assert any("不计贴息" in n for n in res.notes)
    late = subsidy(
        principal_yuan="500万",
        loan_date="2025-09-01",
        other_loans=[{"principal_yuan": "300万", "loan_date": "2025-01-02"}],
        established_date="2021-03-01",
    )
    assert not late.eligible and late.max_subsidy_yuan == 0


def test_each_of_several_loans_may_have_its_own_term() -> None:
    # 2024-08 200万 × 3.35% × 12/12 + 2024-12 200万 × 3.10% × 12/12 + 2025-06 the 100万 left × 3.00% × 6/12.
    res = subsidy(
        principal_yuan="200万",
        loan_date="2024-08-01",
        term_months=12,
        established_date="2024-04-01",
        other_loans=[
            {"principal_yuan": "200万", "loan_date": "2024-12-01", "term_months": 12},
            {"principal_yuan": "300万", "loan_date": "2025-06-01", "term_months": 6},
        ],
    )
    assert res.max_subsidy_yuan == Decimal(144000)
