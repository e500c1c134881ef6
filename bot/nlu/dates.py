"""Calendar dates in a question ("2024年8月15日", "2024-08-15", "24年8月", "去年8月") and what each one dates.

Readings chosen (documented in the README's engine section):
- a month without a day is read as the first day of that month (the LPR table changes on the 20th-22nd,
  so only a loan in a month with an LPR change can differ; the answer shows the date used);
- two-digit years are 20xx; 今年/去年/前年/明年 are resolved against `today` (the server's date);
- a month and day with no year ("7月25号") is in the year of the date a follow-up corrects, else this year;
- a date right next to 成立/设立/注册/落户/引进/入驻 dates the enterprise, any other date dates the loan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_RELATIVE = {"今": 0, "本": 0, "去": -1, "上": -1, "前": -2, "明": 1}
_CN_DATE = re.compile(
    r"(?<!\d)(20\d{2}|\d{2}|(?<![以之])[今本去上前明])\s*年(?:度)?\s*(\d{1,2})\s*月(?:份)?(?:\s*(\d{1,2})\s*[日号])?"
)
# A period of a year standing for its first month ("23年Q4贷了200万", "2024年一季度", "上半年放款", "22年底成立"):
# the LPR of a loan dated so is the one of the period's start (the answer shows the date it used).
_PERIOD = re.compile(
    r"(?<!\d)(20\d{2}|\d{2}|(?<![以之])[今本去上前明])\s*年(?:度)?\s*"
    r"(Q[1-4]|q[1-4]|第?[一二三四1-4]季度|上半年|下半年|年初|年底|年末|初|底|末)"
)
_PERIOD_MONTH = {
    "一": 1,
    "1": 1,
    "二": 4,
    "2": 4,
    "三": 7,
    "3": 7,
    "四": 10,
    "4": 10,
    "上半年": 1,
    "下半年": 7,
    "年初": 1,
    "初": 1,
    "年底": 12,
    "底": 12,
    "年末": 12,
    "末": 12,
}
_NUMERIC_DATE = re.compile(r"(?<![\d.])(20\d{2})([-/.])(\d{1,2})(?:\2(\d{1,2}))?(?![\d.]|\s*[万亿元%])")
# "放款日期是7月25号": a month and day with no year (the year of the date it corrects, else this year).
_MONTH_DAY = re.compile(r"(?<![\d年.\-/])(\d{1,2})\s*月(?:份)?\s*(\d{1,2})\s*[日号]")
_RELATIVE_YEAR = re.compile(r"(?<![以之])([今本去上前明])年(?:度)?(?!\s*\d)")
# "2024年8月1日至2025年7月31日", "2024年8月放款，2026年8月到期": the loan's own period.
_RANGE = re.compile(r"^\s*(?:至|到|~|～|—|-)\s*$")
_DUE = re.compile(r"^\s*(?:还清|到期|还款|结清|归还)")
_FOUNDING_AFTER = re.compile(
    r"^\s*(?:份|的|就|才|刚|是)?\s*(?:(?:在|由|从)[^，,；;。\d]{1,10}?)?(?:整体|正式|全面)?(?:被)?(?:注册)?"
    r"(?:新设|新成立|成立|设立|注册|落户|引进|入驻|迁入|迁到|迁至|搬到|搬入|搬迁|创办)"
)
# "成立于2023年3月", "设立时间为…"; not "2023年3月成立 2024年9月贷了…", where the later date is the loan's.
_FOUNDING_BEFORE = re.compile(
    r"(?:成立|设立|注册|落户|引进|入驻|迁入|创办)(?:(?:于|在|时间(?:是|为)?|日期(?:是|为)?|时间应为|应为)\s*)?$"
)


@dataclass(frozen=True)
class DateMention:
    """One calendar date in the text and whether it dates the enterprise's founding or arrival."""

    value: date
    start: int
    end: int
    founding: bool
    has_day: bool = True
    yearless: bool = False  # no year written: this year, or the year of the date a follow-up corrects


def _year(token: str, today: date) -> int:
    if token in _RELATIVE:
        return today.year + _RELATIVE[token]
    return int(token) + (2000 if len(token) == 2 else 0)


def _mentions(text: str, today: date) -> list[tuple[int, int, date, bool, bool]]:
    found = []
    for m in _CN_DATE.finditer(text):
        found.append((m.start(), m.end(), _year(m.group(1), today), m.group(2), m.group(3), False))
    for m in _NUMERIC_DATE.finditer(text):
        found.append((m.start(), m.end(), int(m.group(1)), m.group(3), m.group(4), False))
    for m in _PERIOD.finditer(text):
        if not any(f[0] <= m.start() < f[1] for f in found):
            said = m.group(2).lstrip("第Qq").replace("季度", "")
            first = _PERIOD_MONTH.get(said, _PERIOD_MONTH.get(said[:1]))
            if first:
                found.append((m.start(), m.end(), _year(m.group(1), today), str(first), None, False))
    for m in _MONTH_DAY.finditer(text):
        if not any(f[0] <= m.start() < f[1] for f in found):
            found.append((m.start(), m.end(), today.year, m.group(1), m.group(2), True))
    out = []
    for start, end, year, month, day, yearless in sorted(found):
        try:
            out.append((start, end, date(year, int(month), int(day or 1)), day is not None, yearless))
        except ValueError:
            continue  # "2024年13月": not a date
    return out


def find_dates(text: str, today: date | None = None) -> list[DateMention]:
    """Every date in a normalized question, in order, each marked founding or not."""
    today = today or date.today()
    dates = []
    for start, end, value, has_day, yearless in _mentions(text, today):
        founding = bool(
            _FOUNDING_AFTER.search(text[end : end + 14])
            or _FOUNDING_BEFORE.search(text[max(0, start - 8) : start])
        )
        dates.append(DateMention(value, start, end, founding, has_day, yearless))
    return dates


def relative_year(text: str, today: date | None = None) -> int | None:
    """ "今年的保费" → this calendar year (from `today`); None when the text names no relative year."""
    m = _RELATIVE_YEAR.search(text)
    return _year(m.group(1), today or date.today()) if m else None


def loan_term(dates: list[DateMention], text: str) -> tuple[str, int] | None:
    """("term_days", n) from two exact dates, ("term_months", n) from two months, or None."""
    loans = [d for d in dates if not d.founding]
    if len(loans) < 2 or loans[1].value <= loans[0].value:
        return None
    first, second = loans[0], loans[1]
    if not (_RANGE.match(text[first.end : second.start]) or _DUE.match(text[second.end : second.end + 6])):
        return None
    if first.has_day and second.has_day:
        return "term_days", (second.value - first.value).days
    months = (second.value.year - first.value.year) * 12 + second.value.month - first.value.month
    return "term_months", months
