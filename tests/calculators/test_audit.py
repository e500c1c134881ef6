"""Second-reader audit: money spellings that used to parse silently wrong, and rounding to the fen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from calculators import CalculatorInputError, run_calculator
from calculators.money import MoneyParseError, find_amounts, parse_money

W = Decimal(10_000)

# Each of these used to come back as a wrong number (e.g. "1,2000万" → 0, "1200万美元" → 1200万元).
REFUSED = [
    ("1200万美元", "外币"),
    ("1200万美金", "外币"),
    ("1200万港币", "外币"),
    ("1200万港元", "外币"),
    ("300万欧元", "外币"),
    ("100万日元", "外币"),
    ("50万英镑", "外币"),
    ("USD 100万", "外币"),
    ("$100万", "外币"),
    ("US$100万", "外币"),
    ("一千二百万美元", "外币"),
    ("1,2000万", "无法确定"),
    ("12,00万", "无法确定"),
    ("1200 0000元", "无法确定"),
    ("12 000 000元", "无法确定"),
    ("1200..5万", "无法确定"),
    ("1.2.3万", "无法确定"),
    ("1,2,3万", "无法确定"),
    ("1/2亿", "无法确定"),
    ("0x10万", "无法确定"),
    ("500~600万", "范围"),
    ("500万～600万", "范围"),
    ("幺二零零万", "无法确定"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_parse_money_refuses_instead_of_guessing(text: str, reason: str) -> None:
    with pytest.raises(MoneyParseError, match=reason):
        parse_money(text)


STILL_READ = [
    ("1200万元人民币", 1200 * W),
    ("1200万RMB", 1200 * W),
    ("1200万CNY", 1200 * W),
    ("共计1200万元", 1200 * W),
    ("1200万元（含税）", 1200 * W),
    ("每年100万", 100 * W),
    ("一亿零五百万", 10500 * W),
    ("二百五十万零五千", Decimal(2_505_000)),
    ("0.0001亿", Decimal(10_000)),
    ("12000000.5元", Decimal("12000000.5")),
    ("壹亿贰仟万", 12000 * W),
]


@pytest.mark.parametrize(("text", "expected"), STILL_READ)
def test_parse_money_still_reads_yuan_spellings(text: str, expected: Decimal) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    "sentence",
    ["1200万美元的流片", "买了300万港币的IP", "合同是USD 100万", "花了$50万"],
)
def test_find_amounts_does_not_report_foreign_currency_as_yuan(sentence: str) -> None:
    assert [m for m in find_amounts(sentence) if m.value is not None] == []


def test_find_amounts_does_not_read_the_tail_of_a_misgrouped_number() -> None:
    assert [m.value for m in find_amounts("投资1,2000万") if m.value is not None] != [Decimal(0)]


def test_find_amounts_keeps_yuan_next_to_foreign_currency() -> None:
    found = [m.value for m in find_amounts("流片1200万元，另有50万美元不算") if m.value is not None]
    assert found == [1200 * W]


def test_calculator_refuses_a_foreign_currency_amount_naming_the_field() -> None:
    with pytest.raises(CalculatorInputError) as info:
        run_calculator("first_tapeout_subsidy", {"fees_yuan": "1200万美元"})
    assert info.value.errors[0]["field"].startswith("fees_yuan")
    assert "外币" in info.value.errors[0]["message"]


@pytest.mark.parametrize(
    ("spending", "expected"),
    [
        ("1234.567", Decimal("1234.56")),
        ("0.009", Decimal(0)),
        ("6000000.999", Decimal(5_000_000)),
    ],
)
def test_high_level_platform_rounds_down_to_the_fen_like_every_other_rule(
    spending: str, expected: Decimal
) -> None:
    res = run_calculator(
        "high_level_platform_subsidy", {"level": "国家级", "actual_spending_yuan": [spending]}
    )
    assert res.max_subsidy_yuan == expected


@pytest.mark.parametrize("principal", [10**13, "10000000000000"])
def test_an_absurd_amount_is_refused_with_a_plain_number_not_a_python_repr(principal: object) -> None:
    with pytest.raises(CalculatorInputError) as info:
        run_calculator("lpr_interest_subsidy", {"principal_yuan": principal})
    message = info.value.errors[0]["message"]
    assert "Decimal" not in message
    assert message.endswith("不能大于1000000000000")


@pytest.mark.parametrize(("value", "expected"), [("12,000", Decimal(12000)), ("12000", Decimal(12000))])
def test_a_bare_yuan_number_with_proper_grouping_is_read(value: str, expected: Decimal) -> None:
    res = run_calculator("compute_voucher_subsidy", {"contract_amounts_yuan": [value]})
    assert res.inputs["contract_amounts_yuan"] == str(expected)


@pytest.mark.parametrize("value", ["1,2000", "12,00", "1,2,3"])
def test_a_bare_yuan_number_with_misplaced_commas_is_refused_not_glued(value: str) -> None:
    with pytest.raises(CalculatorInputError) as info:
        run_calculator("compute_voucher_subsidy", {"contract_amounts_yuan": [value]})
    assert info.value.errors[0]["field"].startswith("contract_amounts_yuan")
