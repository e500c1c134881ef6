"""Hypothesis on the parsers users reach first: the money parser and the reading of a message.

The bar is the one the API promises: any text gives a value or a clear Chinese error, never a crash.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.nlu.normalize import normalize
from bot.nlu.reading import read
from bot.packs.loader import load_packs
from bot.settings import DEFAULT_CORPUS_DIR
from calculators.money import MAX_YUAN, MoneyParseError, find_amounts, parse_money

# Text that looks like what people type about money: digits, Chinese numerals, units, signs, noise.
MONEYISH = st.text(
    alphabet=st.sampled_from(
        list("0123456789.,，eE+-−负约多余万亿千百十元块kKwW¥人民币一二两三五九零壹贰拾佰仟 第年月家%条　")
    ),
    max_size=30,
)
ANY_TEXT = st.text(max_size=80)  # every code point, including controls, surrogates and emoji
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _is_chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


@FUZZ
@given(st.one_of(MONEYISH, ANY_TEXT))
@example("1e100万")
@example("负五百万")
@example("-500万元")
@example("9" * 40 + "亿")
@example("\x00\x01万元")
@example("💰1200万元🚀")
@example("壹仟贰佰万元")
def test_parse_money_gives_a_sane_value_or_a_chinese_error(text: str) -> None:
    try:
        value = parse_money(text)
    except MoneyParseError as exc:
        assert _is_chinese(str(exc)), str(exc)
        return
    assert isinstance(value, Decimal) and value.is_finite()
    assert 0 <= value <= MAX_YUAN


@FUZZ
@given(
    st.integers(min_value=0, max_value=10**8), st.sampled_from([("万元", 10**4), ("亿元", 10**8), ("元", 1)])
)
def test_parse_money_reads_well_formed_amounts_exactly(number: int, unit: tuple[str, int]) -> None:
    word, factor = unit
    if number * factor > MAX_YUAN:
        return
    assert parse_money(f"{number}{word}") == Decimal(number) * factor


@FUZZ
@given(st.one_of(MONEYISH, ANY_TEXT))
def test_find_amounts_positions_match_the_text(text: str) -> None:
    for m in find_amounts(text):
        assert 0 <= m.start < m.end <= len(text)
        # raw is the width-folded spelling (full-width digits → ASCII), one character per character.
        assert len(text[m.start : m.end]) == len(m.raw)
        assert m.value is None or m.value.is_finite()


@FUZZ
@given(st.one_of(MONEYISH, ANY_TEXT, st.text(alphabet=st.characters(codec="utf-8"), max_size=200)))
@example("首次流片费用1e100万元")
@example("我们买EDA花了负五百万")
@example("流片\u202e费用\u0000 1200 万元")
def test_reading_never_crashes(text: str) -> None:
    vocab = load_packs(DEFAULT_CORPUS_DIR).primary.vocabulary
    assert vocab is not None
    reading = read(normalize(text), vocab)
    assert all(0 <= f.start < f.end <= len(reading.text) for f in reading.figures)
