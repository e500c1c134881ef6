"""Structured items a rule counts one by one (standards with a level, a role and whether each is published).

One item per occurrence of a trigger word ("国际标准", "国家标准"…), with the count written next to it ("参与
制定国家标准3项"). Each item's flags (published or not) are read with polarity from its own sentence: the
first status phrase after the item ("均已发布", "还没正式发布", "尚在征求意见阶段"), else one before it
("已发布的国家标准"), else the default; a split after 其中 ("3项，其中2项已发布、1项尚在征求意见阶段") gives
each part its own status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.nlu.lang import Language
from bot.nlu.polarity import negated
from bot.nlu.references import chinese_number
from bot.nlu.spans import Layout, find_words
from bot.packs.vocabulary import ItemsSpec

_COUNT_WORD = r"(\d+|[一二两三四五六七八九十]+)"


def _status_at(text: str, lo: int, hi: int, flag: Any, lang: Language, last: bool = False) -> bool | None:
    """The first (or last) status phrase of a flag between lo and hi: True, False (negated or a negative
    phrase) or None."""
    words = [("pos", w) for w in flag.positive] + [("neg", w) for w in flag.negative]
    hits = [h for h in find_words(text[:hi], words) if h.start >= lo]
    if not hits:
        return None
    hit = hits[-1] if last else hits[0]
    denied = negated(text, hit.start, lang)
    return (not denied) if hit.key == "pos" else denied


def _flags(text: str, spec: ItemsSpec, start: int, end: int, lang: Language) -> dict[str, bool]:
    """An item's flags from its sentence: after the item first, then before it; unsaid flags are left out."""
    layout = Layout.of(text)
    lo, hi = layout.sentence_span(start)
    out = {}
    for name, flag in spec.flags.items():
        said = _status_at(text, end, hi, flag, lang)
        if said is None:
            said = _status_at(text, lo, start, flag, lang)
        if said is not None:
            out[name] = said
    return out


def _split(text: str, spec: ItemsSpec, end: int, n: int, lang: Language) -> list[tuple[int, dict[str, bool]]]:
    """ "3项，其中2项已发布、1项尚在征求意见阶段", "两项国家标准，一项已发布、一项还在制定中": (count, flags)
    for each part, when two or more parts add up to n."""
    layout = Layout.of(text)
    _, hi = layout.sentence_span(end)
    rest = text[end:hi]
    at = end + rest.index("其中") if "其中" in rest else end
    unit = re.escape(spec.count_unit)
    parts = list(re.finditer(_COUNT_WORD + r"\s*" + unit, text[at:hi]))
    out: list[tuple[int, dict[str, bool]]] = []
    for i, m in enumerate(parts):
        lo = at + m.end()
        nxt = at + parts[i + 1].start() if i + 1 < len(parts) else hi
        close = text.find("）", lo, nxt)
        nxt = (
            close if close >= 0 else nxt
        )  # "（1项已发布，1项征求意见），参与一项…": the bracket ends the parts
        flags = {}
        for name, flag in spec.flags.items():
            said = _status_at(text, lo, nxt, flag, lang)
            if said is not None:
                flags[name] = said
        out.append((chinese_number(m.group(1)) or 0, flags))
        total = sum(c for c, _ in out)
        if total >= n:  # the first run of parts that adds up to n; the next item's count is not one of them
            return out if total == n and len(out) > 1 else []
    return []


def flags_said(text: str, spec: ItemsSpec, lang: Language) -> dict[str, bool]:
    """The flags a message states with no item named: the predicate, its last status phrase ("制定中的那项
    刚刚也正式发布了" → published)."""
    out = {}
    for name, flag in spec.flags.items():
        said = _status_at(text, 0, len(text), flag, lang, last=True)
        if said is not None:
            out[name] = said
    return out


@dataclass(frozen=True)
class _Grammar:
    """The patterns of one ItemsSpec: the trigger words, the role words, and what may follow a trigger."""

    words: dict[str, str]
    trigger: re.Pattern[str]
    roles: dict[str, tuple[str, str]]
    role_rx: re.Pattern[str] | None
    after: re.Pattern[str]
    count: re.Pattern[str]


def _grammar(spec: ItemsSpec) -> _Grammar:
    words = {w: value for value, ws in spec.attributes[spec.trigger].items() for w in ws}
    roles = {
        w: (attr, value)
        for attr, values in spec.attributes.items()
        if attr != spec.trigger
        for value, ws in values.items()
        for w in ws
    }
    role_rx = re.compile("|".join(re.escape(w) for w in roles)) if roles else None
    unit = re.escape(spec.count_unit)
    role = role_rx.pattern if role_rx else "(?!x)x"
    after = re.compile(rf"\s*(?:({role})(?:制定)?)?\s*(?:共|各)?\s*(?:{_COUNT_WORD}\s*{unit})?")
    return _Grammar(
        words=words,
        trigger=re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))),
        roles=roles,
        role_rx=role_rx,
        after=after,
        count=re.compile(_COUNT_WORD + r"\s*" + unit),
    )


def _roles_and_count(
    g: _Grammar, after: re.Match[str] | None, before: str
) -> tuple[list[tuple[str, str]], int]:
    """The roles and the count said right after a trigger word, else the last ones said before it."""
    if after and after.group(1):
        said = [after.group(1)]
    else:
        said = g.role_rx.findall(before) if g.role_rx else []
    counts = [after.group(2)] if after and after.group(2) else g.count.findall(before)
    n = max(1, min(chinese_number(counts[-1]) or 1, 20)) if counts else 1
    return [g.roles[w] for w in said], n


def _highest(spec: ItemsSpec, values: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One item said with two roles ("主导并参与制定了一项国际标准") has one role: the one the vocabulary lists
    first for that attribute (its highest; an item is counted once, in its best role)."""
    if len(set(values)) < 2:
        return values[-1:]
    order = {(attr, v): i for attr, vals in spec.attributes.items() for i, v in enumerate(vals)}
    return [min(values, key=lambda v: order.get(v, len(order)))]


def structured_items(text: str, spec: ItemsSpec, lang: Language) -> list[dict[str, Any]]:
    """ "主导1项国际标准，参与2项国家标准" / "国际标准主导1项" → one item per standard, with its role and flags."""
    g = _grammar(spec)
    items: list[dict[str, Any]] = []
    start = 0
    for m in g.trigger.finditer(text):
        after = g.after.match(text, m.end())
        values, n = _roles_and_count(g, after, text[start : m.start()])
        end = after.end() if after else m.end()
        flags = _flags(text, spec, m.start(), end, lang)
        parts = _split(text, spec, end, n, lang) or [(n, flags)]
        both = "各" in text[start:end] and len(set(values)) > 1
        chosen: list[tuple[str, str] | None] = (
            list(dict.fromkeys(values)) if both else [*_highest(spec, values)] or [None]
        )
        for value in chosen:
            for count, own in parts:
                item = {spec.trigger: g.words[m.group()], **spec.defaults, **flags, **own}
                if value is not None:
                    item[value[0]] = value[1]
                items += [dict(item) for _ in range(count)]
        start = end
    return items
