"""Every figure in a normalized message, with its span: money, counts, percents, years, dates, loan terms,
ordinals. What each figure *means* (its role) is decided later, from the words around it (bot.nlu.roles).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bot.nlu.dates import find_dates, loan_term, relative_year
from bot.nlu.references import chinese_number
from calculators.money import find_amounts

# A spread from a reference rate: "LPR减20个基点", "LPR下浮30bp", "LPR+15BP" (signed basis points).
_SPREAD = re.compile(
    r"LPR\s*(减|下浮|下调|下降|少|-|－|加|上浮|上调|\+|＋)\s*(\d{1,3})\s*个?\s*(?:基点|bps?|BPS?|BP)", re.I
)
SPREAD = "spread"
MONEY, COUNT, PERCENT, YEAR, DATE, TERM, ORDINAL, NUMBER = (
    "money",
    "count",
    "percent",
    "year",
    "date",
    "term",
    "ordinal",
    "number",
)
_NUM = r"(\d+|[一二两三四五六七八九十百]+)"
# 1-2 digit counts only, and never the year of a date ("贷款2024年8月", "成立，24年8月").
_SMALL = r"(?<![\d年.])(\d{1,2}|[一二两三四五六七八九十半]+)"
# "60多家", "十余家": at least that many (approximate).
_COUNT = re.compile(
    r"(?<![\d.第])"
    + _NUM
    + r"\s*(多|余|来)?\s*(个人|家|个|项|人|名|位|颗|款|份|笔|台|套|场|次|单|件|张|篇)(?!月|年)"
)
# "年出货800万颗", "300万片": a count in 万 or 亿 (never money: calculators.money leaves such figures alone).
_COUNT_MAGNITUDE = re.compile(
    r"(?<![\d.第])(\d+(?:\.\d+)?)\s*(万|亿)\s*(多|余)?\s*(颗|片|粒|枚|台|套|个|件|家|人|股)(?!月|年)"
)
# A quantity of something no rule counts ("数据集规模200TB", "投了25片晶圆", "机房800平方米"): an input of
# nothing, named in the answer as a figure it did not use.
_QUANTITY = re.compile(
    r"(?<![\d.第A-Za-z])(\d+(?:\.\d+)?)\s*(TB|PB|GB|EB|T|P|PFlops|TFlops|平方米|平米|㎡|亩|米|公里|吨|千瓦|兆瓦|MW|kW|"
    r"片|张卡|块卡|卡|小时|条|GPU)(?![A-Za-z])"
)
_PERCENT = re.compile(
    r"(\d+(?:\.\d+)?)\s*(%|％|个点)|(?<=LPR)\s*(?:是|为|按)?\s*(\d\.\d{1,3})(?![\d%％万亿元])"
)
_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*(?:年|年度)")
_TERM = re.compile(
    r"(?:期限|贷款期|借款期|为期|借了?|贷了?)\D{0,4}?" + _SMALL + r"\s*(年半|年(?!\s*\d)|个月|月(?!\s*\d|份))"
)
# Never the enterprise's age ("成立18个月"): that is _SINCE_FOUNDING's.
_TERM_LOOSE = re.compile(
    r"(?<!成立)(?<!设立)(?<!引进)(?<!落户)(?<!注册)(?<!入驻)"
    + _SMALL
    + r"\s*(个月|年半期|年期|年的期限|年半(?!\s*[前后内以]))"
)
_RELATIVE_YEAR = re.compile(r"(?<![以之])[今本去上前明]年(?:度)?(?!\s*\d)")
_ORDINAL = re.compile(r"第([一二两三四五六七八九十]|\d{1,2})(个|款|笔|项|件|批|份|家|套|台|单|颗|场|张)")
# A circled list number pointing at its item ("第③笔", "③那笔"); alone ("①2023年9月借款…") it only lists.
_CIRCLED = re.compile(r"第?([\u2460-\u2473])\s*(?:那|这)?(个|款|笔|项|件|批|份|家|套|台|单|颗|场|张)")
# "2015年成立", "成立于2023年": the enterprise's year, not the year of any figure.
_FOUNDING_YEAR = re.compile(
    r"\s*(?:年)?[^，,；;。\d]{0,8}?(?:新设|成立|设立|注册成立|注册|创办|落户|引进|迁入|迁到|搬到|搬来)"
)
_FOUNDED_IN = re.compile(r"(?:成立|设立|注册|创办|落户|引进|迁入)(?:于|在|时间是)?\s*$")
_SINCE_FOUNDING = re.compile(
    r"(?:成立|设立|引进|落户|注册|入驻)\D{0,2}?第?" + _SMALL + r"\s*(年|个月)(多|半)?(?!\s*\d)"
)


@dataclass(frozen=True)
class Mention:
    """One figure: kind, value (Decimal for money and percent, int for counts, years and ordinals, date for
    dates, months for terms), span and raw text; `unit` is the counter of a count (家, 人, 项 ...)."""

    kind: str
    value: Any
    start: int
    end: int
    raw: str
    unit: str = ""
    approximate: bool = False
    founding: bool = False  # a date written next to 成立/设立/引进 (the enterprise's, not the loan's)
    yearless: bool = False  # a date written without its year ("7月25号")

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end


def _number(token: str) -> int | None:
    if token == "半":
        return None
    if token.isdigit():
        return int(token)
    if token.endswith("百"):
        head = chinese_number(token[:-1] or "一")
        return head * 100 if head else None
    return chinese_number(token)


def _money(text: str) -> list[Mention]:
    out = []
    for m in find_amounts(text):
        if m.value is None:
            continue
        out.append(
            Mention(MONEY, m.value, m.start, m.end, text[m.start : m.end], m.unit or "", m.approximate)
        )
    return out


def _counts(text: str) -> list[Mention]:
    out = []
    for m in _COUNT.finditer(text):
        value = _number(m.group(1))
        if value is not None:
            unit = "人" if m.group(3) == "个人" else m.group(3)  # "团队30个人"
            out.append(Mention(COUNT, value, m.start(), m.end(), m.group(), unit, bool(m.group(2))))
    for m in _COUNT_MAGNITUDE.finditer(text):
        scale = 10000 if m.group(2) == "万" else 100000000
        value = int(Decimal(m.group(1)) * scale)
        out.append(Mention(COUNT, value, m.start(), m.end(), m.group(), m.group(4), bool(m.group(3))))
    return out


def _quantities(text: str) -> list[Mention]:
    return [
        Mention(NUMBER, Decimal(m.group(1)), m.start(), m.end(), m.group(), m.group(2), False)
        for m in _QUANTITY.finditer(text)
    ]


def _spreads(text: str) -> list[Mention]:
    out = []
    for m in _SPREAD.finditer(text):
        sign = 1 if m.group(1) in ("加", "上浮", "上调", "+", "＋") else -1
        out.append(Mention(SPREAD, sign * int(m.group(2)), m.start(), m.end(), m.group(), "bp"))
    return out


def _percents(text: str) -> list[Mention]:
    return [
        Mention(PERCENT, Decimal(m.group(1) or m.group(3)), m.start(), m.end(), m.group())
        for m in _PERCENT.finditer(text)
    ]


def _terms(text: str) -> list[Mention]:
    out: list[Mention] = []
    for pattern in (_TERM, _TERM_LOOSE):
        for m in pattern.finditer(text):
            token, unit = m.group(1), m.group(2)
            n = 0.5 if token == "半" else _number(token)
            if n is None:
                continue
            months = int(n) if "月" in unit else int(n * 12) + (6 if "半" in unit else 0)  # 两年半: 30
            start = m.start(1)
            if months and not any(t.start == start for t in out):
                out.append(Mention(TERM, months, start, m.end(), text[start : m.end()], "months"))
    return out


def _dates(text: str, today: date | None) -> list[Mention]:
    return [
        Mention(
            DATE,
            d.value,
            d.start,
            d.end,
            text[d.start : d.end],
            "day" if d.has_day else "month",
            False,
            d.founding,
            d.yearless,
        )
        for d in find_dates(text, today)
    ]


def _years(text: str, dates: list[Mention], today: date | None) -> list[Mention]:
    """Years written out ("2025年") and relative ones ("今年的保费"), resolved against today."""
    out = []
    for m in _YEAR.finditer(text):
        if not any(d.start <= m.start() < d.end for d in dates):
            founding = bool(
                _FOUNDING_YEAR.match(text, m.end())
                or _FOUNDED_IN.search(text[max(0, m.start() - 6) : m.start()])
            )
            out.append(Mention(YEAR, int(m.group(1)), m.start(), m.end(), m.group(), founding=founding))
    for m in _RELATIVE_YEAR.finditer(text):
        if not any(d.start <= m.start() < d.end for d in dates):
            year = relative_year(m.group(), today)
            if year is not None:
                out.append(Mention(YEAR, year, m.start(), m.end(), m.group()))
    return sorted(out, key=lambda y: y.start)


def _ordinals(text: str) -> list[Mention]:
    out = []
    for m in _ORDINAL.finditer(text):
        n = chinese_number(m.group(1))
        if n:
            out.append(Mention(ORDINAL, n, m.start(), m.end(), m.group(), m.group(2)))
    for m in _CIRCLED.finditer(text):
        n = ord(m.group(1)) - 0x2460 + 1
        out.append(Mention(ORDINAL, n, m.start(), m.end(), m.group(), m.group(2)))
    return sorted(out, key=lambda o: o.start)


def find_mentions(text: str, today: date | None = None) -> list[Mention]:
    """All figures in reading order; a span belongs to one figure (money wins over a count inside it)."""
    dates = _dates(text, today)
    found = _money(text)
    for group in (
        dates,
        _terms(text),
        _spreads(text),
        _percents(text),
        _years(text, dates, today),
        _ordinals(text),
        _counts(text),
        _quantities(text),
    ):
        found += [m for m in group if not any(m.overlaps(o) for o in found)]
    return sorted(found, key=lambda m: (m.start, m.end))


def loan_period(mentions: list[Mention], text: str) -> tuple[str, int] | None:
    """("term_days", n) or ("term_months", n) from a loan's own period ("2024年8月1日至2025年7月31日")."""
    from bot.nlu.dates import DateMention

    dates = [
        DateMention(m.value, m.start, m.end, m.founding, m.unit == "day") for m in mentions if m.kind == DATE
    ]
    return loan_term(dates, text)


def months_since_founding(text: str) -> tuple[int, bool] | None:
    """ "成立两年" → (24, False), "成立18个月" → (18, False), "成立三年多" → (36, True): the enterprise's age
    in months and whether it is more than that, when no founding date is given."""
    m = _SINCE_FOUNDING.search(text)
    if m is None:
        return None
    n = 0.5 if m.group(1) == "半" else _number(m.group(1))
    if n is None:
        return None
    months = int(n) if m.group(2) == "个月" else int(n * 12)
    return months + (6 if m.group(3) == "半" else 0), m.group(3) == "多"
