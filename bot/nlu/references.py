"""Direct clause references in a question: "第3条", "第十二条", "附则第2条", "m7", "发展目标", "文号"."""

from __future__ import annotations

import re
from collections.abc import Collection

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
# Bare ids such as m7, M7, a2, written the way the API and citations print them ("A4纸" is paper).
_ID_REF = re.compile(r"(?<![A-Za-z0-9])([mMaA])\s?([0-9]{1,2})(?![A-Za-z0-9]|纸)")
# Named parts of the document that are a clause of their own; the second pattern vetoes the name when
# the question is about another document's number (the repealed or referred-to file).
_NAMED = (
    (re.compile(r"发展目标|第一部分"), None, "goals"),
    (
        re.compile(r"文号|发文字号|文件编号"),
        re.compile(r"废止|作废|参照|原文件|老文件|旧文件|〔20(?!24)"),
        "header",
    ),
)


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


def find_reference(text: str, clause_ids: Collection[str]) -> str | None:
    """Return the clause id a normalized question names explicitly, or None; annex references win."""
    match = _ANNEX_REF.search(text)
    if match:
        cid = f"a{chinese_number(match.group(1))}"
        return cid if cid in clause_ids else None
    match = _MEASURE_REF.search(text)
    if match:
        cid = f"m{chinese_number(match.group(1))}"
        return cid if cid in clause_ids else None
    match = _ID_REF.search(text)
    if match:
        cid = f"{match.group(1).lower()}{int(match.group(2))}"
        if cid in clause_ids:
            return cid
    for pattern, veto, cid in _NAMED:
        if pattern.search(text) and not (veto and veto.search(text)) and cid in clause_ids:
            return cid
    return None
