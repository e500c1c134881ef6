"""Direct clause references in a question: "第3条", "第十二条", "附则第2条", a bare clause id, a named part."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUM = r"[0-9]{1,2}|[零〇一二两三四五六七八九十]{1,3}"
# 条/项/点 name a numbered item. A 款 only narrows within a clause ("第三条第二款" is clause 3), so a
# bare "第二款" is not read as clause 2.
_UNIT = r"(?:条|项|点)"
_ANNEX_REF = re.compile(rf"(?:实施)?附则(?:的|中|里|里面)?第?({_NUM}){_UNIT}?")
# "第3条" but not "第3年", "第3家", "3月": the unit is required, and a preceding digit means a longer number.
_MEASURE_REF = re.compile(rf"(?<![0-9])第\s*({_NUM})\s*{_UNIT}")
# Bare clause ids written the way the API and citations print them (a letter and a number; "A4纸" is paper).
_ID_REF = re.compile(r"(?<![A-Za-z0-9])([A-Za-z])\s?([0-9]{1,2})(?![A-Za-z0-9]|纸)")
_ANNEX_SECTION = "附则"


def chinese_number(text: str) -> int | None:
    """Parse 1..99 written as digits or Chinese numerals (三, 十二, 二十, 十九); None if not a number."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


class References:
    """The clause a question names explicitly, resolved in one document by its printed numbers and sections:
    "附则第2条" is the clause numbered 2 in the section whose heading says 附则, "第3条" the clause numbered 3
    elsewhere, a bare id (a letter and a number) that id; named parts come from the pack's vocabulary."""

    def __init__(self, clauses: Sequence[Any], named_parts: Sequence[Any] = ()) -> None:
        self._ids: dict[str, str] = {str(c.id).lower(): str(c.id) for c in clauses}
        # Numbers as printed ("3", "十二", "二") compared as numbers.
        numbered = [(str(chinese_number(c.number)), c) for c in clauses if chinese_number(c.number or "x")]
        self._annex = {n: c.id for n, c in numbered if _ANNEX_SECTION in c.section}
        self._numbered: dict[str, str] = {}
        for n, c in numbered:
            if _ANNEX_SECTION not in c.section:
                self._numbered.setdefault(n, c.id)
        self._named = list(named_parts)

    def find(self, text: str) -> str | None:
        """The clause id the normalized question names, or None; annex references win."""
        match = _ANNEX_REF.search(text)
        if match:
            return self._annex.get(str(chinese_number(match.group(1))))
        match = _MEASURE_REF.search(text)
        if match:
            return self._numbered.get(str(chinese_number(match.group(1))))
        match = _ID_REF.search(text)
        if match:
            cid = self._ids.get(f"{match.group(1).lower()}{int(match.group(2))}")
            if cid is not None:
                return cid
        named = [str(p.clause) for p in self._named if p.named(text) and p.clause.lower() in self._ids]
        return named[0] if named else None
