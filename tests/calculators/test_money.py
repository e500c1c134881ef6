"""The Chinese money parser: real-world spellings, errors, and extraction from sentences."""

from __future__ import annotations

from decimal import Decimal

import pytest

from calculators.money import MoneyParseError, find_amounts, format_wan, format_yuan, parse_money

W = Decimal(10_000)

SPELLINGS = [
    ("1200万", 1200 * W),
    ("1,200万元", 1200 * W),
    ("1.2亿", 12000 * W),
    ("1.2亿元", 12000 * W),
    ("一千二百万", 1200 * W),
    ("一千两百万", 1200 * W),
    ("五百万", 500 * W),
    ("800萬", 800 * W),
    ("八百萬元", 800 * W),
    ("12000000元", 1200 * W),
    ("12,000,000元", 1200 * W),
    ("12,000,000.50元", Decimal("12000000.50")),
    ("300w", 300 * W),
    ("300W", 300 * W),
    ("1.5w", Decimal(15000)),
    ("3百万", 300 * W),
    ("6.5百万", 650 * W),
    ("1200万元整", 1200 * W),
    ("壹仟贰佰万元", 1200 * W),
    ("壹仟贰佰万元整", 1200 * W),
    ("两千万", 2000 * W),
    ("兩千萬", 2000 * W),
    ("0.5亿", 5000 * W),
    ("5kw", 5000 * W),
    ("50k", 5 * W),
    ("1200 万", 1200 * W),
    ("100 万元", 100 * W),
    ("１２００万", 1200 * W),
    ("１，２００万元", 1200 * W),
    ("十二万五千", Decimal(125000)),
    ("一万五", Decimal(15000)),
    ("1万5", Decimal(15000)),
    ("三千五百万", 3500 * W),
    ("3千5百万", 3500 * W),
    ("一百零五万", 105 * W),
    ("一千零五十万", 1050 * W),
    ("1亿2000万", 12000 * W),
    ("1亿2千万", 12000 * W),
    ("一亿两千万", 12000 * W),
    ("¥5,000", Decimal(5000)),
    ("￥5000", Decimal(5000)),
    ("人民币50万元", 50 * W),
    ("RMB 80万", 80 * W),
    ("1200万元人民币", 1200 * W),
    ("一点五亿", 15000 * W),
    ("一點五億", 15000 * W),
    ("零点五亿", 5000 * W),
    ("1200万（壹仟贰佰万元）", 1200 * W),
    ("2千万", 2000 * W),
    ("2.5千万", 2500 * W),
    ("5000块", Decimal(5000)),
    ("5000块钱", Decimal(5000)),
    ("3.5万元", Decimal(35000)),
    ("0.35万", Decimal(3500)),
    ("十万", 10 * W),
    ("二十万", 20 * W),
    ("贰拾万元整", 20 * W),
    ("伍佰万元", 500 * W),
    ("捌佰万元", 800 * W),
    ("叁佰万", 300 * W),
    ("壹亿元", 10000 * W),
    ("壹億圓", 10000 * W),
    ("1.25亿元", 12500 * W),
    ("九千九百万", 9900 * W),
    ("两百万", 200 * W),
    ("两亿", 20000 * W),
    ("六百五十万", 650 * W),
    ("3000元", Decimal(3000)),
    ("三千元", Decimal(3000)),
    ("3千元", Decimal(3000)),
    ("15万", 15 * W),
    ("1000万元", 1000 * W),
    ("一千万", 1000 * W),
    ("1万亿", Decimal(10) ** 12),
    ("0元", Decimal(0)),
    ("  500万  ", 500 * W),
]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_parse_money_reads_real_world_spellings(text: str, expected: Decimal) -> None:
    value = parse_money(text)
    assert isinstance(value, Decimal)
    assert value == expected
    assert "E" not in str(value)  # plain digits, no exponent notation


def test_there_are_at_least_sixty_spellings() -> None:
    assert len(SPELLINGS) >= 60


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("负五百万", "负数"),
        ("-300万", "负数"),
        ("－300万", "负数"),
        ("", "为空"),
        ("   ", "为空"),
        ("1e100万", "离谱"),
        ("1e10万", "1万亿"),
        ("10001亿", "1万亿"),
        ("200万和300万", "多个不同金额"),
        ("200万，300万", "多个不同金额"),
        ("abc", "读出金额"),
        ("NaN", "读出金额"),
        ("12000000", "缺少单位"),
        ("五千", "缺少单位"),
        ("500多万", "约数"),
        ("约500万", "约数"),
        ("1200万左右", "约数"),
        ("1万2万", "顺序"),
        ("一二三万", "连续的数字"),
    ],
)
def test_parse_money_rejects_with_a_chinese_reason(text: str, reason: str) -> None:
    with pytest.raises(MoneyParseError) as info:
        parse_money(text)
    assert reason in str(info.value)
    assert isinstance(info.value, ValueError)


def _values(text: str) -> list[Decimal | None]:
    return [m.value for m in find_amounts(text)]


# Chinese digits written digit by digit (〇/零 as 0), as in dates and amounts copied from forms.
DIGIT_BY_DIGIT = [
    ("二〇〇〇万", 2000 * W),
    ("一〇〇〇万", 1000 * W),
    ("二〇二四万", 2024 * W),
    ("二零零零万元", 2000 * W),
    ("五〇万", 50 * W),
    ("一亿二〇〇〇万", 12000 * W),
    ("〇.八亿", Decimal(80_000_000)),
    ("零.八亿", Decimal(80_000_000)),
    ("〇点八亿", Decimal(80_000_000)),
]


@pytest.mark.parametrize(("text", "expected"), DIGIT_BY_DIGIT)
def test_chinese_digits_written_one_by_one_are_read_positionally(text: str, expected: Decimal) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("650 w", 650 * W), ("1200W元", 1200 * W), ("0.12亿", 1200 * W), ("1200 W", 1200 * W)],
)
def test_latin_w_and_decimal_yi_spellings(text: str, expected: Decimal) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("贷款500万一年期", 500 * W),
        ("贷款500万一年", 500 * W),
        ("贷款500万两年期", 500 * W),
        ("贷款300万三个月", 300 * W),
        ("500万一期", 500 * W),
        ("贷款500万一笔", 500 * W),
        ("采购500万一项", 500 * W),
        ("服务500万三家", 500 * W),
        ("流片1000万一次", 1000 * W),
    ],
)
def test_a_numeral_naming_a_term_or_count_after_the_unit_is_not_part_of_the_amount(
    text: str, expected: Decimal
) -> None:
    assert _values(text) == [expected]
    assert parse_money(text) == expected


def test_a_year_written_digit_by_digit_is_still_not_money() -> None:
    assert _values("二〇二四年贷款500万") == [500 * W]


def test_find_amounts_skips_months_and_finds_both_purchases() -> None:
    assert _values("3月买了200万，9月又买了350万") == [200 * W, 350 * W]


@pytest.mark.parametrize(
    "text",
    [
        "2024年",
        "3家企业",
        "比例15%",
        "第3条",
        "LPR 3.1%",
        "2023-06-20",
        "千万不要统一口径",
        "500万人次",
        "百分之三十",
    ],
)
def test_find_amounts_ignores_things_that_are_not_money(text: str) -> None:
    assert find_amounts(text) == []


def test_a_numeral_counting_the_next_noun_is_not_part_of_the_amount() -> None:
    # "1200万两个产品": 两 counts products; "一万五" / "3万两千元" are still one amount each.
    assert _values("首次流片1000万和1200万两个产品") == [1000 * W, 1200 * W]
    assert _values("采购300万三家企业") == [300 * W]
    assert _values("一万五") == [Decimal(15000)]
    assert _values("3万两千元") == [Decimal(32000)]
    assert _values("1万两千个") == []


def test_find_amounts_reports_positions_in_the_original_text() -> None:
    text = "流片费１２００万元，另有IP费用300w。"
    mentions = find_amounts(text)
    assert [m.value for m in mentions] == [1200 * W, 300 * W]
    assert [text[m.start : m.end] for m in mentions] == ["１２００万元", "300w"]
    assert [m.unit for m in mentions] == ["万元", "万元"]


def test_find_amounts_reports_unitless_numbers_without_a_value() -> None:
    (mention,) = find_amounts("我们预算5000")
    assert mention.value is None and mention.unit is None
    assert mention.number == Decimal(5000)


def test_find_amounts_flags_approximate_amounts() -> None:
    (mention,) = find_amounts("今年大概投了500多万")
    assert mention.approximate and mention.value == 500 * W


def test_find_amounts_mixed_sentence() -> None:
    text = "2024年我们服务了60家企业，平台投资额1.5亿，其中关联交易3000万元"
    assert _values(text) == [15000 * W, 3000 * W]


@pytest.mark.parametrize(
    ("value", "wan", "yuan"),
    [
        (Decimal(1_800_000), "180万元", "1,800,000"),
        (Decimal(125_000), "12.5万元", "125,000"),
        (Decimal("5000"), "0.5万元", "5,000"),
        (Decimal("0"), "0万元", "0"),
        (Decimal("1234.5"), "0.12345万元", "1,234.50"),
        (Decimal("1.2E+8"), "12000万元", "120,000,000"),
    ],
)
def test_formatting(value: Decimal, wan: str, yuan: str) -> None:
    assert format_wan(value) == wan
    assert format_yuan(value) == yuan


@pytest.mark.parametrize(
    ("text", "yuan"), [("3个亿", "300000000"), ("3.5个亿", "350000000"), ("三个亿", "300000000")]
)
def test_ge_yi_is_said_for_yi(text: str, yuan: str) -> None:
    assert parse_money(text) == Decimal(yuan)
    assert [m.value for m in find_amounts(f"年产值{text}，")] == [Decimal(yuan)]


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("Our first tape-out cost 5 million RMB.", "5000000"),
        ("EDA licences: 1.2 million yuan", "1200000"),
        ("revenue of 2 billion", "2000000000"),
        ("about 300 thousand CNY", "300000"),
    ],
)
def test_find_amounts_reads_english_scale_words(text: str, yuan: str) -> None:
    found = find_amounts(text)
    assert [a.value for a in found] == [Decimal(yuan)]


def test_an_english_amount_in_another_currency_is_not_yuan() -> None:
    assert find_amounts("the tape-out cost 2 million USD") == []
