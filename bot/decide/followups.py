"""Follow-ups to the conversation's calculations: which call a message changes, and how (the dialogue act:
add items, replace one, remove one, correct or vary a fact, change a kind), merged into its arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.nlu.mentions import MONEY, ORDINAL
from bot.nlu.reading import Reading
from bot.nlu.references import chinese_number
from bot.sessions.store import Pending, Session
from calculators.money import find_amounts

ADD, REMOVE, CHANGE = "add", "remove", "change"
# A month or date label naming which item a correction changes: "9月是150万", "3月份那笔改成100万".
_ANCHOR = re.compile(r"(\d{1,2}月)份?(?:的|那笔|那次)?(?:是|改成|应该是|其实是)")
# A new loan term in days replaces one in months, and the other way round.
_EXCLUSIVE = (("term_months", "term_days"),)


@dataclass(frozen=True)
class Act:
    """What a follow-up does to one call: its kind, and which listed item (0-based) when it names one."""

    kind: str
    item: int | None = None


def act_of(reading: Reading, previous: str) -> Act:
    """add ("再加一笔"), remove ("去掉第二笔"), or change (vary or correct) — with the item it names."""
    item = ordinal(reading) if ordinal(reading) is not None else anchored(reading.text, previous)
    if reading.act("remove"):
        return Act(REMOVE, item)
    if reading.act("add"):
        return Act(ADD, item)
    return Act(CHANGE, item)


def ordinal(reading: Reading) -> int | None:
    """ "第二个改成1500万": the 0-based index of the listed item the message changes."""
    found = [m for m in reading.mentions if m.kind == ORDINAL]
    return int(found[0].value) - 1 if found else None


def anchored(text: str, previous: str) -> int | None:
    """ "不对，9月是150万" after "3月买了200万，9月又买了350万": the item the label (9月) introduced."""
    m = _ANCHOR.search(text)
    label = m.group(1) if m else ""
    if not label or previous.count(label) != 1:
        return None
    at = previous.find(label)
    starts = [a.start for a in find_amounts(previous) if a.value is not None]
    later = [i for i, start in enumerate(starts) if start > at]
    return later[0] if later and len(starts) > 1 else None


def target(reading: Reading, session: Session) -> Pending | None:
    """Which call of the last answer a follow-up changes: the rule it names (and year), else the last one."""
    topic = reading.first_rule
    family = {r.tool for r in reading.vocabulary.family(topic.family)} if topic and topic.family else set()
    named = [p for p in session.batch if topic is not None and (p.tool == topic.tool or p.tool in family)]
    years = [int(m.value) for m in reading.mentions if m.kind == "year"]
    dated = [p for p in named if years and p.args.get("year") == years[0]]
    item = ordinal(reading)
    if not named and item is not None and item < len(session.batch) and not _listed(session.last):
        return session.batch[item]  # "第一个改成900万" after two rules: the first rule's call
    if named:
        return (dated or named)[0]
    if years and session.batch and not topic:
        dated = [p for p in session.batch if p.args.get("year") == years[0]]
        if dated:
            return dated[0]
    return session.last


def _listed(call: Pending | None) -> bool:
    """Does the call hold a list of several items an ordinal could pick from?"""
    return call is not None and any(isinstance(v, list) and len(v) > 1 for v in call.args.values())


def _by_value(old: list[Any], reading: Reading) -> int | None:
    """ "80万那笔去掉": the listed item whose amount the message names."""
    values = [f.mention.value for f in reading.figures if f.mention.kind == MONEY]
    for value in values:
        if value in old:
            return old.index(value)
    return None


def remove_item(old: dict[str, Any], reading: Reading, act: Act, excluded: list[Decimal]) -> dict[str, Any]:
    """Drop one listed item: by ordinal, by its amount, or the items the message says now fail a condition."""
    out = dict(old)
    for key, items in old.items():
        if not isinstance(items, list) or not items or not isinstance(items[0], Decimal):
            continue
        index = act.item if act.item is not None and act.item < len(items) else _by_value(items, reading)
        if index is None and excluded:
            kept = [v for v in items if v not in excluded]
            if len(kept) < len(items):
                out[key] = kept
                return out
        if index is not None:
            out[key] = items[:index] + items[index + 1 :]
            return out
    return out


def merge(old: dict[str, Any], new: dict[str, Any], adding: bool, item: int | None = None) -> dict[str, Any]:
    """New facts replace old ones; when adding, lists of items (amounts) are extended instead; an ordinal
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
    return merged


def drop_failing_item(old: dict[str, Any], new: dict[str, Any], item: int | None, item_conditions: dict[str, str]) -> dict[str, Any] | None:
    """ "第一个不是首次流片": that item leaves the list; the others keep their condition."""
    if item is None:
        return None
    for flag, key in item_conditions.items():
        items = old.get(key)
        if new.get(flag) is False and isinstance(items, list) and 1 < len(items) and item < len(items):
            return {**old, key: items[:item] + items[item + 1 :], flag: old.get(flag, True)}
    return None


def relabel(base: Pending, text: str, kinds: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """ "那如果EDA是签核中心的呢": the same amounts, now of the kind the message names."""
    for key, patterns in kinds:
        others = [k for k, _ in kinds if k != key and base.args.get(k)]
        if any(re.search(p, text) for p in patterns) and others:
            moved = [v for k in others for v in base.args[k]]
            return {key: list(base.args.get(key) or []) + moved, **dict.fromkeys(others, [])}
    return {}


def new_role(base: Pending, text: str, attribute: str, values: dict[str, list[str]], trigger_words: list[str]) -> dict[str, Any]:
    """ "那参与的呢" after "主导制定了一项国际标准": the same items with the attribute's new value."""
    for slot, items in base.args.items():
        if not isinstance(items, list) or not items or not isinstance(items[0], dict):
            continue
        if any(w in text for w in trigger_words):
            return {}
        found = [(text.find(w), value) for value, words in values.items() for w in words if w in text]
        if found:
            value = min(found)[1]
            return {slot: [{**item, attribute: value} for item in items]}
    return {}


def count_word(text: str) -> int | None:
    m = re.search(r"(\d+|[一二两三四五六七八九十]+)\s*项", text)
    return chinese_number(m.group(1)) if m else None
