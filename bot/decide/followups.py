"""Follow-ups to the last calculation: which call a message changes and how its arguments merge."""

from __future__ import annotations

import re
from typing import Any

from bot.nlu.extract import Facts
from bot.nlu.references import chinese_number
from bot.nlu.topics import find_topic
from bot.sessions.store import Pending, Session
from calculators.money import find_amounts

# "第二个/第2款/第一笔": which item of a list a follow-up changes ("第二次" is a repeat tape-out, not an item).
_ORDINAL = re.compile(r"第([一二两三四五六七八九十]|\d{1,2})(?:个|款|笔|项|件|批|份|家|套|台|单)")
# Amount lists a follow-up can move to another kind without restating them (non-kind first: 非签核 wins).
_KINDS = {
    "eda_purchase_subsidy": (
        ("ordinary_costs_yuan", r"普通|一般|非签核|不是签核"),
        ("signoff_center_costs_yuan", r"签核"),
    )
}
# A condition that can fail for one listed item only: the list it belongs to.
_ITEM_FLAGS = {"is_first_tapeout": "fees_yuan"}
# A month or date label naming which item a correction changes: "9月是150万", "3月份那笔改成100万".
_ANCHOR = re.compile(r"(\d{1,2}月)份?(?:的|那笔|那次)?(?:是|改成|应该是|其实是)")
_STANDARD_LEVEL = re.compile(r"(国际|国家|行业|浙江制造)标准")
# A new loan term in days replaces one in months, and the other way round.
_EXCLUSIVE = (("term_months", "term_days"),)


def target(text: str, facts: Facts, session: Session) -> Pending | None:
    """Which call of the last answer a variation changes: the rule it names (and year), else the last one."""
    topic = find_topic(text)
    named = [p for p in session.batch if topic is not None and p.tool == topic.tool]
    dated = [p for p in named if facts.year is not None and p.args.get("year") == facts.year]
    item = ordinal(text)
    if not named and item is not None and item < len(session.batch) and not _listed(session.last):
        return session.batch[item]  # "第一个改成900万" after two rules: the first rule's call
    return (dated or named)[0] if named else session.last


def _listed(call: Pending | None) -> bool:
    """Does the call hold a list of several items an ordinal could pick from?"""
    return call is not None and any(isinstance(v, list) and len(v) > 1 for v in call.args.values())


def relabel(base: Pending, text: str) -> dict[str, Any]:
    """ "那如果EDA是签核中心的呢": the same amounts, now of the kind the message names."""
    if base.tool == "standards_award":
        return _new_role(base, text)
    for key, pattern in _KINDS.get(base.tool, ()):
        others = [k for k, _ in _KINDS[base.tool] if k != key and base.args.get(k)]
        if re.search(pattern, text) and others:
            moved = [v for k in others for v in base.args[k]]
            return {key: list(base.args.get(key) or []) + moved, **dict.fromkeys(others, [])}
    return {}


def _new_role(base: Pending, text: str) -> dict[str, Any]:
    """ "那参与的呢" after "主导制定了一项国际标准": the same standards with the role named."""
    role = re.search(r"主导|牵头|参与|参加", text)
    items = base.args.get("standards")
    if not role or not items or _STANDARD_LEVEL.search(text):
        return {}
    lead = "主导" if role.group() in ("主导", "牵头") else "参与"
    return {"standards": [{**item, "role": lead} for item in items]}


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


def ordinal(text: str) -> int | None:
    """ "第二个改成1500万": the 0-based index of the listed item the message changes."""
    m = _ORDINAL.search(text)
    n = chinese_number(m.group(1)) if m else None
    return n - 1 if n else None


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
    return _drop_flagged(old, new, item, merged) if item is not None else merged


def _drop_flagged(
    old: dict[str, Any], new: dict[str, Any], item: int, merged: dict[str, Any]
) -> dict[str, Any]:
    """ "第一个不是首次流片": that item leaves the list; the others keep their condition."""
    for flag, key in _ITEM_FLAGS.items():
        items = old.get(key)
        if new.get(flag) is False and isinstance(items, list) and 1 < len(items) and item < len(items):
            merged = {**merged, key: items[:item] + items[item + 1 :], flag: old.get(flag, True)}
    return merged
