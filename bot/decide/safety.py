"""Wording guard for model-written answers: no promises, no leaked instructions, the computed amount stated.

The numeric guard in bot/llm.py checks that every number comes from a tool or a clause; this one catches what
a number check cannot: "保证到账", a copy of the hidden instructions, or a reply that quotes a cap from the
clause ("最高可获300万") instead of the amount the tools computed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

# Positive commitments about money or outcomes; the policy only sets ceilings subject to review.
PROMISE = re.compile(
    r"保证|担保|我承诺|承诺(您|你|贵)|(一定|肯定|必定|必然|绝对)(能|会|可以|可|兑现|到账|拿|获|批)|稳拿|包过|"
    r"百分之百|100\s*%\s*(能|可以|会|拿|获)|具有法律效力|无需评审|不用评审|不需要评审|已(经)?(特批|批准|审批通过)|"
    r"\bguarantee|\bpromise|\bdefinitely\b|\bfor sure\b|\bcertainly will\b|\bwill (definitely |surely )?(get|receive)\b",
    re.I,
)
WINDOW = 12  # characters: long enough that policy wording shared with the prompt does not trip it


def leaked_instructions(text: str, hidden: str) -> bool:
    """True when text repeats any WINDOW-character stretch of the hidden instructions."""
    compact = re.sub(r"\s+", "", text)
    body = re.sub(r"\s+", "", hidden)
    return any(body[i : i + WINDOW] in compact for i in range(0, max(0, len(body) - WINDOW + 1), 3))


def unsafe_wording(text: str, *, hidden: str = "", required: Iterable[Decimal] = ()) -> str | None:
    """Why a model-written answer must not be shown (a promise, leaked instructions, the amount missing)."""
    if m := PROMISE.search(text):
        return f"wording_guard: promise “{m.group()}”"
    if hidden and leaked_instructions(text, hidden):
        return "wording_guard: leaked instructions"
    stated = {v.normalize() for v in numbers_in(text)}
    for amount in required:
        if amount > 0 and amount.normalize() not in stated:
            return f"wording_guard: computed amount {amount} not stated"
    return None


# Bare integers this small are list numbering, months or counts of items, not amounts the guard must trace.
SMALL_INT = 12
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def numbers_in(text: str) -> list[Decimal]:
    """Every number in text as values: money mentions in yuan (万/亿 applied) and plain numbers."""
    from calculators.money import find_amounts

    values: list[Decimal] = []
    spans: list[tuple[int, int]] = []
    for mention in find_amounts(text):
        if mention.value is not None:
            values.append(mention.value)
            spans.append((mention.start, mention.end))
    for match in _NUMBER.finditer(text):
        if any(s <= match.start() < e for s, e in spans):
            continue
        try:
            values.append(Decimal(match.group().replace(",", "")))
        except InvalidOperation:
            continue
    return values


def unsupported_numbers(text: str, sources: list[str]) -> list[Decimal]:
    """Numbers in text that no source contains in any spelling (180万 = 1,800,000 = 1800000元)."""
    allowed: set[Decimal] = set()
    for source in sources:
        for value in numbers_in(source):
            allowed.add(value.normalize())
    bad = []
    for value in numbers_in(text):
        if value == value.to_integral_value() and abs(value) <= SMALL_INT:
            continue
        if value.normalize() not in allowed:
            bad.append(value)
    return bad
