"""Property tests: never negative, never above the cap, monotone within a tier, no float anywhere."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from calculators import run_calculator

W = Decimal(10_000)
# Amounts in fen up to 20 亿元, as Decimal yuan.
money = st.integers(min_value=0, max_value=200_000_000_000).map(lambda fen: Decimal(fen) / 100)

# (calculator, args for one amount, overall ceiling, tier boundaries where monotonicity may break)
SINGLE_AMOUNT: list[tuple[str, Callable[[Decimal], dict[str, Any]], Decimal]] = [
    ("eda_rnd_subsidy", lambda a: {"rd_investment_yuan": a}, 2000 * W),
    ("eda_purchase_subsidy", lambda a: {"ordinary_costs_yuan": a}, 100 * W),
    ("eda_purchase_subsidy", lambda a: {"signoff_center_costs_yuan": a}, 250 * W),
    ("ip_purchase_subsidy", lambda a: {"ip_costs_yuan": a}, 200 * W),
    ("first_tapeout_subsidy", lambda a: {"fees_yuan": a}, 2000 * W),
    ("equipment_rnd_subsidy", lambda a: {"rd_investment_yuan": a}, 5000 * W),
    ("compute_voucher_subsidy", lambda a: {"contract_amounts_yuan": a}, 100 * W),
    ("data_trading_subsidy", lambda a: {"annual_volume_yuan": a}, 500 * W),
    (
        "dataset_circulation_reward",
        lambda a: {"circulation_revenues_yuan": a, "non_affiliated_users": 4},
        100 * W,
    ),
    ("cyber_insurance_subsidy", lambda a: {"premiums_yuan": a, "year": 2024}, 100 * W),
    ("ic_platform_subsidy", lambda a: {"investment_yuan": a}, 2000 * W),
    ("innovation_voucher_subsidy", lambda a: {"contract_amounts_yuan": a}, 50 * W),
    ("chip_machine_equipment_subsidy", lambda a: {"purchase_amounts_yuan": a}, 100 * W),
    ("chip_machine_chip_subsidy", lambda a: {"purchase_amounts_yuan": a}, 150 * W),
    ("ai_scene_platform_subsidy", lambda a: {"investment_yuan": a, "enterprises_served": 50}, 300 * W),
    ("high_level_platform_subsidy", lambda a: {"level": "省级", "actual_spending_yuan": a}, 500 * W),
    ("event_venue_subsidy", lambda a: {"venue_rents_yuan": a}, 100 * W),
    (
        "lpr_interest_subsidy",
        lambda a: {"principal_yuan": a, "lpr_percent": "3.45", "term_months": 12},
        Decimal(172500),
    ),
]
TAPEOUT_BOUNDARY = 1000 * W


def contains_float(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(contains_float(k) or contains_float(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_float(v) for v in value)
    return False


@settings(max_examples=60, deadline=None)
@given(index=st.integers(0, len(SINGLE_AMOUNT) - 1), amount=money)
def test_bounded_and_float_free(index: int, amount: Decimal) -> None:
    name, build, ceiling = SINGLE_AMOUNT[index]
    result = run_calculator(name, build(amount))
    assert Decimal(0) <= result.max_subsidy_yuan <= ceiling
    assert result.max_subsidy_yuan <= amount  # no rule pays more than the amount spent
    assert isinstance(result.max_subsidy_yuan, Decimal)
    assert not contains_float(result.model_dump())
    assert not contains_float(result.to_dict())


def same_tier(name: str, low: Decimal, high: Decimal) -> bool:
    """m3 has two tiers with different rates; monotonicity is only promised inside one."""
    if name != "first_tapeout_subsidy":
        return True
    return (high <= TAPEOUT_BOUNDARY) or (low > TAPEOUT_BOUNDARY)


@settings(max_examples=60, deadline=None)
@given(index=st.integers(0, len(SINGLE_AMOUNT) - 1), a=money, b=money)
def test_non_decreasing_in_spend_within_a_tier(index: int, a: Decimal, b: Decimal) -> None:
    name, build, _ = SINGLE_AMOUNT[index]
    low, high = min(a, b), max(a, b)
    if same_tier(name, low, high):
        assert (
            run_calculator(name, build(low)).max_subsidy_yuan
            <= run_calculator(name, build(high)).max_subsidy_yuan
        )


@settings(max_examples=40, deadline=None)
@given(items=st.lists(money, min_size=1, max_size=6))
def test_aggregating_items_never_beats_the_annual_cap(items: list[Decimal]) -> None:
    for name, field, cap in [
        ("compute_voucher_subsidy", "contract_amounts_yuan", 100 * W),
        ("ip_purchase_subsidy", "ip_costs_yuan", 200 * W),
        ("innovation_voucher_subsidy", "contract_amounts_yuan", 50 * W),
    ]:
        together = run_calculator(name, {field: items}).max_subsidy_yuan
        assert together <= cap
        assert together == run_calculator(name, {field: sum(items, Decimal(0))}).max_subsidy_yuan


@settings(max_examples=40, deadline=None)
@given(
    fees=st.lists(st.sampled_from([500 * W, 999 * W, 1000 * W, 1200 * W, 3000 * W]), min_size=1, max_size=5)
)
def test_tapeout_a2_choice_is_at_least_every_fixed_reading(fees: list[Decimal]) -> None:
    result = run_calculator("first_tapeout_subsidy", {"fees_yuan": fees})
    large = sum((f for f in fees if f >= TAPEOUT_BOUNDARY), Decimal(0))
    small = sum((f for f in fees if f < TAPEOUT_BOUNDARY), Decimal(0))
    reading_all_large = min(large * Decimal("0.15"), 2000 * W) + min(small * Decimal("0.30"), 300 * W)
    assert result.max_subsidy_yuan >= reading_all_large
    assert result.max_subsidy_yuan <= 2300 * W
