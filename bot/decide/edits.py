"""Edits of a calculation's arguments by a follow-up: listed items removed, replaced by value, split, failed,
kept, flipped or re-dated, and the merge of new facts into old ones (more items added, or replaced)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from bot.nlu.asides import said_as_total
from bot.nlu.figure import CLAIM, DENIED, HEARSAY, Figure
from bot.nlu.items import flags_said
from bot.nlu.mentions import DATE, MONEY
from bot.nlu.reading import Reading
from bot.nlu.references import chinese_number
from bot.nlu.spans import Layout
from bot.packs.vocabulary import RuleSpec
from bot.sessions.store import Pending

# A new loan term in days replaces one in months, and the other way round.
_EXCLUSIVE = (("term_months", "term_days"),)


def _by_value(old: list[Any], reading: Reading) -> int | None:
    """ "80万那笔去掉": the listed item whose amount the message names."""
    values = [f.mention.value for f in reading.figures if f.mention.kind == MONEY]
    for value in values:
        if value in old:
            return old.index(value)
    return None


def remove_item(
    old: dict[str, Any], reading: Reading, item: int | None, excluded: list[Decimal]
) -> dict[str, Any]:
    """Drop one listed item: by ordinal, by its amount, or the items the message says now fail a condition."""
    out = dict(old)
    for key, items in old.items():
        if not isinstance(items, list) or not items or not isinstance(items[0], Decimal):
            continue
        index = item if item is not None and item < len(items) else _by_value(items, reading)
        if index is None and excluded:
            kept = [v for v in items if v not in excluded]
            if len(kept) < len(items):
                return _with_items(out, key, kept)
        if index is not None:
            return _with_items(out, key, items[:index] + items[index + 1 :])
    return out


def remove_values(old: dict[str, Any], values: Sequence[Decimal]) -> dict[str, Any] | None:
    """ "刚才那笔去掉": the listed items of these amounts (those the previous message said) leave, each once;
    None when no list holds one of them."""
    out, left = dict(old), list(values)
    for key, items in old.items():
        if not isinstance(items, list) or not items or not isinstance(items[0], Decimal):
            continue
        kept = []
        for v in items:
            if v in left:
                left.remove(v)
            else:
                kept.append(v)
        if len(kept) < len(items):
            out = _with_items(out, key, kept)
    return out if out != old else None


def _with_items(args: dict[str, Any], key: str, items: list[Any]) -> dict[str, Any]:
    """The arguments with this list; a list left empty is no longer given (the call keeps its other kinds)."""
    out = {k: v for k, v in args.items() if k != key}
    return {**out, key: items} if items else out


def merge(
    old: dict[str, Any],
    new: dict[str, Any],
    adding: bool,
    item: int | None = None,
    summed: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """New facts replace old ones; when adding, lists of items (amounts) are extended instead, and amounts
    of `summed` slots (a money slot sums every figure: "软件投入还有2000万，一起算") added; an ordinal
    ("第二个是1500万") replaces only that item of the list."""
    merged = {k: v for k, v in {**old, **new}.items() if v != []}  # an emptied list is no longer given
    for key, value in new.items():
        items = old.get(key)
        if item is not None and isinstance(items, list) and isinstance(value, list) and len(value) == 1:
            if item <= len(items):  # "第三个是500万" after two items adds the third
                merged[key] = items[:item] + value + items[item + 1 :]
    for pair in _EXCLUSIVE:  # a new loan term in days replaces one in months, and the other way round
        for key in pair:
            if key in new:
                merged = {k: v for k, v in merged.items() if k not in pair or k == key}
    if adding:
        for key, value in new.items():
            if isinstance(value, list) and isinstance(old.get(key), list):
                merged[key] = old[key] + value
            elif key in summed and isinstance(value, Decimal) and isinstance(old.get(key), Decimal):
                merged[key] = old[key] + value
    return merged


def _part_name(reading: Reading, figure: Figure) -> str:
    """The words naming what a figure is an amount of, right before its cue ("软件投入是4000万" → 软件)."""
    start, _ = Layout.of(reading.text).clause_span(figure.start)
    before = reading.text[start : figure.start]
    at = before.rfind(figure.label) if figure.label else -1
    named = re.search(r"[\u4e00-\u9fffA-Za-z]{1,8}$", before[:at] if at >= 0 else before)
    return named.group() if named else ""


def summed_part(
    rule: RuleSpec,
    old: dict[str, Any],
    new: dict[str, Any],
    reading: Reading,
    earlier: Callable[[], list[Reading]],
) -> dict[str, Any] | None:
    """ "更正：软件投入是4000万" after "研发设备投入3000万" and "软件投入还有2000万，一起算": a money slot that sums
    the conversation's parts has the part the message names corrected, the others kept (7000万, not 4000万).
    Only when the earlier messages' parts of the slot add up to its amount, and one of them has that name."""
    if not (reading.act("correct") or reading.act("replace")):
        return None
    money = [f for f in reading.inputs if f.rule == rule.id and f.mention.kind == MONEY]
    slot = money[0].slot if len(money) == 1 else None
    if slot is None or rule.slots[slot].kind != "money" or not isinstance(old.get(slot), Decimal):
        return None
    name = _part_name(reading, money[0])
    parts = [
        (_part_name(r, f), f.mention.value * f.times)
        for r in (earlier() if name else [])
        for f in r.inputs
        if f.rule == rule.id and f.slot == slot and f.mention.kind == MONEY
    ]
    if len(parts) < 2 or sum(v for _, v in parts) != old[slot]:
        return None
    named = [v for n, v in parts if n and (n.endswith(name) or name.endswith(n))]
    if len(named) != 1:
        return None
    return {**old, **new, slot: old[slot] - named[0] + money[0].mention.value}


def drop_failing_item(
    old: dict[str, Any], new: dict[str, Any], item: int | None, item_conditions: dict[str, tuple[str, bool]]
) -> dict[str, Any] | None:
    """ "第一个不是首次流片": that item leaves the list; the others keep their condition. `item_conditions`:
    flag → (the list it applies to, the flag's value when it fails — True for an inverted one)."""
    if item is None:
        return None
    for flag, (key, fails) in item_conditions.items():
        items = old.get(key)
        if new.get(flag) is fails and isinstance(items, list) and 1 < len(items) and item < len(items):
            return {**old, key: items[:item] + items[item + 1 :], flag: old.get(flag, not fails)}
    return None


def increments(reading: Reading, rule: RuleSpec, base: Pending) -> dict[str, Any]:
    """ "后来又新增了10家": under an add, a count is added to the one given before."""
    out: dict[str, Any] = {}
    for name, spec in rule.slots.items():
        if spec.kind != "count" or not isinstance(base.args.get(name), int):
            continue
        added = [
            f
            for f in reading.figures
            if f.mention.kind == "count" and (not spec.units or f.mention.unit in spec.units)
        ]
        if added:
            out[name] = base.args[name] + sum(int(f.mention.value) for f in added)
    return out


def running_total(
    old: dict[str, Any], new: dict[str, Any], reading: Reading
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """ "年底又采购了一批，全年累计1600万了" after 800万: under an add, the one amount said as the running total of a
    listed slot adds what it exceeds the list by (800万), never itself; a total at or under the list replaces it
    (the lower reading: adding would overstate). Returns the addition's new values, and the call's arguments when
    the total replaces the list."""
    totals = [
        f.mention.value
        for f in reading.figures
        if f.mention.kind == MONEY and said_as_total(reading.text, f.start, reading.lang)
    ]
    if len(totals) != 1:
        return new, None
    for key, items in new.items():
        before = old.get(key)
        if items != totals or not isinstance(before, list) or not before:
            continue
        rest = totals[0] - sum(before)
        return ({**new, key: [rest]}, None) if rest > 0 else (new, {**old, **new})
    return new, None


def replace_by_value(old: dict[str, Any], reading: Reading) -> dict[str, Any] | None:
    """ "那700万那款 实际是1100万的话呢", "设备那块是2400万 不是2600万": the listed item one amount names, now
    the other amount — never a figure someone else said or a result claimed ("别人说800万以下按30%，那应该是240万吧")."""
    figures = [f for f in reading.figures if f.mention.kind == MONEY and f.role not in (HEARSAY, CLAIM)]
    denied = any(f.role == DENIED for f in figures)
    acts = ("replace", "vary", "correct")
    if len(figures) != 2 or not (denied or any(reading.act(a) for a in acts)):
        return None
    if reading.lang.part_of.search(reading.text, figures[0].end, figures[1].start):
        return None  # "一共180万，其中60万其实是跟阿里云签的": a part of the item, not its new amount
    a, b = (f.mention.value for f in figures)
    for key, items in old.items():
        if not isinstance(items, list):
            continue
        if (a in items) == (b in items):
            continue
        was, now = (a, b) if a in items else (b, a)
        at = items.index(was)
        return {**old, key: items[:at] + [now] + items[at + 1 :]}
    return None


_PART = re.compile(r"中|里|其中")


def split_part(old: dict[str, Any], new: dict[str, Any], reading: Reading) -> dict[str, Any] | None:
    """ "上述650万元中，有300万元系向签核中心创建企业采购的": the part leaves the listed item for the kind the
    message gives it."""
    figures = [f for f in reading.figures if f.mention.kind == MONEY]
    if len(figures) != 2 or not _PART.search(reading.text[figures[0].end : figures[1].start]):
        return None
    whole, part = (f.mention.value for f in figures)
    home = next((k for k, v in old.items() if isinstance(v, list) and whole in v), None)
    target = next((k for k, v in new.items() if isinstance(v, list) and part in v and k != home), None)
    if home is None or target is None or part >= whole:
        return None
    items = list(old[home])
    items[items.index(whole)] = whole - part
    return {**old, home: items, target: list(old.get(target) or []) + [part]}


def fail_item_by_value(old: dict[str, Any], frame: Any, reading: Reading) -> dict[str, Any] | None:
    """ "如260万元那一场改在上海举办，其余不变": the listed item the amount names now fails a condition (the
    message says so, or its place does), so it leaves the list; the other items keep their facts."""
    figures = [f for f in reading.figures if f.mention.kind == MONEY]
    failing = [n for n, s in frame.conditions.items() if not s.met] + [
        n for n, v in frame.args.items() if v is False and n in frame.rule.conditions
    ]
    if len(figures) != 1 or not failing:
        return None
    value = figures[0].mention.value
    for key, items in old.items():
        if isinstance(items, list) and value in items and len(items) > 1:
            at = items.index(value)
            return {**old, key: items[:at] + items[at + 1 :]}
    return None


def keep_first(old: dict[str, Any], reading: Reading) -> dict[str, Any] | None:
    """ "收益是前面4笔": only the first N listed items stay."""
    m = reading.lang.acts["keep_first"].search(reading.text)
    n = chinese_number(m.group(1)) if m else None
    if not n:
        return None
    lists = [k for k, v in old.items() if isinstance(v, list) and len(v) > n]
    return {**old, lists[0]: old[lists[0]][:n]} if lists else None


def replace_items(old: dict[str, Any], new: dict[str, Any], trigger: str) -> dict[str, Any] | None:
    """ "行业标准那个其实是他们主导的": an item of the same kind (its trigger value) is replaced, not the list."""
    out = dict(old)
    changed = False
    for key, items in new.items():
        before = old.get(key)
        if not (
            isinstance(items, list) and isinstance(before, list) and before and isinstance(before[0], dict)
        ):
            continue
        merged = list(before)
        for item in items:
            same = [i for i, b in enumerate(merged) if b.get(trigger) == item.get(trigger)]
            if not same:
                # "如果参与的那项其实是国家标准呢": the one item agreeing on every other attribute said.
                said = {k: v for k, v in item.items() if k != trigger}
                same = [
                    i for i, b in enumerate(merged) if said and all(b.get(k) == v for k, v in said.items())
                ]
                if len(same) != 1 or len(merged) < 2:
                    return None
            merged[same[0]] = {**merged[same[0]], **item}
        out[key], changed = merged, True
    return out if changed else None


def flip_items(rule: RuleSpec, old: dict[str, Any], reading: Reading) -> dict[str, Any] | None:
    """ "制定中的那项刚刚也正式发布了": the items whose flag was the opposite now have the flag said."""
    for key, spec in rule.slots.items():
        items = old.get(key)
        if spec.items is None or not isinstance(items, list):
            continue
        said = flags_said(reading.text, spec.items, reading.lang)
        flipped = [{**i, **{f: v for f, v in said.items() if i.get(f) == (not v)}} for i in items]
        if flipped != items:
            return {**old, key: flipped}
    return None


def in_base_year(new: dict[str, Any], old: dict[str, Any], reading: Reading) -> dict[str, Any]:
    """ "查了一下，放款日期是7月25号" after "2024年7月放款": a date written without its year is in the year of
    the date it corrects."""
    if not any(m.kind == DATE and m.yearless for m in reading.mentions):
        return new
    for key, value in new.items():
        before = old.get(key)
        if isinstance(value, date) and isinstance(before, date) and value.year != before.year:
            try:
                new[key] = value.replace(year=before.year)
            except ValueError:
                continue  # 2月29日 in a year without it: the date as read
    return new


def dated_addition(rule: RuleSpec, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """ "又在2025年3月贷了100万" after a dated loan: one more dated item, at its own date (None entries are
    dropped by the caller)."""
    out: dict[str, Any] = {}
    for name, spec in rule.slots.items():
        dated = spec.dated
        if dated is None or name not in new or dated.date not in old:
            continue
        item = {name: new[name], dated.date: new.get(dated.date)}
        out.update({name: None, dated.date: None, dated.list: [item]})
    return out


def without_failed_items(
    old: dict[str, Any], new: dict[str, Any], item_conditions: dict[str, tuple[str, bool]]
) -> dict[str, Any]:
    """ "再加上和杭州人工智能计算中心签的40万合同" after a contract with another provider (the item condition
    failed): the new items meet it, the earlier ones still do not — they leave the list rather than count."""
    out = dict(old)
    for flag, (key, fails) in item_conditions.items():
        if old.get(flag) is fails and new.get(flag) is not fails and isinstance(new.get(key), list):
            out[key], out[flag] = [], not fails
    return out


def dated_item(
    rule: RuleSpec, old: dict[str, Any], new: dict[str, Any], item: int | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """ "更正：第二笔是11月5日放的款" after two dated loans: the date of that item (the first is the slot's own,
    the others are the dated list's), not of the first."""
    for spec in rule.slots.values():
        dated = spec.dated
        if dated is None or not item or dated.date not in new or not isinstance(old.get(dated.list), list):
            continue
        others = [dict(x) for x in old[dated.list]]
        if item - 1 < len(others):
            others[item - 1][dated.date] = new[dated.date]
            rest = {k: v for k, v in new.items() if k != dated.date}
            return {**old, dated.list: others}, rest
    return old, new


def _dated_fields(spec: Any, name: str) -> list[str]:
    """The arguments one dated item fills: the slot, its date and (when it has one) its term."""
    return [name, spec.date, *([spec.term] if spec.term else [])]


def _dated_items(spec: Any, name: str, args: dict[str, Any]) -> list[dict[str, Any]]:
    """The items of a dated slot, the slot's own first: [{slot: amount, date: day, term: …}, *the list]."""
    own = {k: args[k] for k in _dated_fields(spec, name) if k in args}
    return [own, *(dict(x) for x in args.get(spec.list) or [])] if name in args else []


def remove_named_kind(rule: RuleSpec, old: dict[str, Any], text: str) -> dict[str, Any] | None:
    """ "国际标准那项…先不算": the structured items whose kind (their trigger attribute, in any of its words) the
    message names leave; None when it names none of them, or all."""
    marked = [
        n for n, spec in rule.slots.items() if spec.markers and isinstance(old.get(n), list) and old.get(n)
    ]
    said = [n for n in marked if any(re.search(p, text) for p in rule.slots[n].markers)]
    if len(said) == 1 and len(marked) > 1:
        return _with_items(
            old, said[0], []
        )  # "签核那笔去掉" after ordinary and sign-off EDA: that kind leaves
    for name, spec in rule.slots.items():
        items = old.get(name)
        if spec.items is None or not isinstance(items, list) or not items:
            continue
        words = spec.items.attributes.get(spec.items.trigger, {})
        named = {kind for kind, said in words.items() if any(w in text for w in said)}
        kept = [x for x in items if not (isinstance(x, dict) and x.get(spec.items.trigger) in named)]
        if named and 0 < len(kept) < len(items):
            return {**old, name: kept}
    return None


def keep_dated_items(
    rule: RuleSpec, old: dict[str, Any], keep: Callable[[int, dict[str, Any]], bool]
) -> dict[str, Any] | None:
    """ "第一笔不申请了" or "只算2024年8月那笔" after several dated loans: the items `keep` holds (by position and
    item) stay, the first of them becoming the slot's own; None when there are not several or none goes."""
    for name, spec in rule.slots.items():
        dated = spec.dated
        if dated is None:
            continue
        items = _dated_items(dated, name, old)
        kept = [x for i, x in enumerate(items) if keep(i, x)]
        if len(items) < 2 or not kept or len(kept) == len(items):
            continue
        fields = _dated_fields(dated, name)
        out = {k: v for k, v in old.items() if k not in fields}
        first, *rest = kept
        out.update(first)
        out[dated.list] = rest
        return out
    return None


def moved_kind(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any] | None:
    """ "抱歉搞错了，这180万的EDA是签核中心创建企业开发的": an amount listed under one kind, now said to be of
    another, moves there (never counted under both)."""
    for key, values in new.items():
        if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], Decimal):
            continue
        value = values[0]
        homes = [k for k, v in old.items() if k != key and isinstance(v, list) and value in v]
        if len(homes) == 1 and value not in (old.get(key) or []):
            home = homes[0]
            rest = list(old[home])
            rest.remove(value)
            moved = {**old, home: rest, key: [*(old.get(key) or []), value]}
            return {k: v for k, v in moved.items() if v != []}  # an emptied list is no longer given
    return None


def failing_additions(
    old: dict[str, Any], new: dict[str, Any], item_conditions: dict[str, tuple[str, bool]]
) -> dict[str, Any]:
    """ "另外在腾讯云也采购了50万算力，能一并计入吗" after a qualifying contract: the new items fail the condition
    the earlier ones meet — they do not join the list (and do not fail the earlier ones)."""
    out = dict(new)
    for flag, (key, fails) in item_conditions.items():
        if new.get(flag) is fails and old.get(flag) is not fails and isinstance(new.get(key), list):
            out.pop(key, None)
            out.pop(flag, None)
    return out
