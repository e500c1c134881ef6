"""Calendar dates in a question ("2024年8月15日", "2024-08-15", "24年8月", "去年8月") and what each one dates.

Readings chosen (documented in the README's engine section):
- a month without a day is read as the first day of that month (the LPR table changes on the 20th-22nd,
  so only a loan in a month with an LPR change can differ; the answer shows the date used);
- two-digit years are 20xx; 今年/去年/前年/明年 are resolved against `today` (the server's date);
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
_NUMERIC_DATE = re.compile(r"(?<![\d.])(20\d{2})([-/.])(\d{1,2})(?:\2(\d{1,2}))?(?![\d.]|\s*[万亿元%])")
_RELATIVE_YEAR = re.compile(r"(?<![以之])([今本去上前明])年(?:度)?(?!\s*\d)")
_FOUNDING_AFTER = re.compile(r"^\s*(?:份|的|就|才|刚)?\s*(?:成立|设立|注册|落户|引进|入驻|迁入|创办)")
_FOUNDING_BEFORE = re.compile(r"(?:成立|设立|注册|落户|引进|入驻|迁入|创办)(?:于|在|时间(?:是|为)?)?\s*$")


@dataclass(frozen=True)
class DateMention:
    """One calendar date in the text and whether it dates the enterprise's founding or arrival."""

    value: date
    start: int
    end: int
    founding: bool


def _year(token: str, today: date) -> int:
    if token in _RELATIVE:
        return today.year + _RELATIVE[token]
    return int(token) + (2000 if len(token) == 2 else 0)


def _mentions(text: str, today: date) -> list[tuple[int, int, date]]:
    found = []
    for m in _CN_DATE.finditer(text):
        found.append((m.start(), m.end(), _year(m.group(1), today), m.group(2), m.group(3)))
    for m in _NUMERIC_DATE.finditer(text):
        found.append((m.start(), m.end(), int(m.group(1)), m.group(3), m.group(4)))
    out = []
    for start, end, year, month, day in sorted(found):
        try:
            out.append((start, end, date(year, int(month), int(day or 1))))
        except ValueError:
            continue  # "2024年13月": not a date
    return out


def find_dates(text: str, today: date | None = None) -> list[DateMention]:
    """Every date in a normalized question, in order, each marked founding or not."""
    today = today or date.today()
    dates = []
    for start, end, value in _mentions(text, today):
        founding = bool(
            _FOUNDING_AFTER.search(text[end : end + 6])
            or _FOUNDING_BEFORE.search(text[max(0, start - 8) : start])
        )
        dates.append(DateMention(value, start, end, founding))
    return dates


def relative_year(text: str, today: date | None = None) -> int | None:
    """ "今年的保费" → this calendar year (from `today`); None when the text names no relative year."""
    m = _RELATIVE_YEAR.search(text)
    return _year(m.group(1), today or date.today()) if m else None
