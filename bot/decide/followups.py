"""Follow-ups to the conversation's calculations: which call a message changes, and how (the dialogue act:
add items, replace one, remove one, correct or vary a fact, change a kind), merged into its arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.decide.calls import place_conditions
from bot.decide.edits import (
    dated_addition,
    dated_item,
    drop_failing_item,
    fail_item_by_value,
    failing_additions,
    flip_items,
    in_base_year,
    increments,
    keep_dated_items,
    keep_first,
    merge,
    moved_kind,
    remove_item,
    remove_named_kind,
    remove_values,
    replace_by_value,
    replace_items,
    running_total,
    split_part,
    summed_part,
    without_failed_items,
)
from bot.decide.frame_cache import frame_of
from bot.nlu.figure import DENIED
from bot.nlu.mentions import MONEY, ORDINAL
from bot.nlu.polarity import argument, negated, stated
from bot.nlu.reading import Reading
from bot.packs.vocabulary import RuleSpec
from bot.sessions.store import Pending, Session
from calculators.money import find_amounts

ADD, REMOVE, CHANGE, ONLY = "add", "remove", "change", "only"


# A label naming which item a correction changes: a month ("9月是150万", "3月份那笔改成100万") or a letter
# ("B是1800万", "产品B改成1800万" after "A产品1500万，B产品800万").
# The label may be followed by words saying it was wrong ("Q那个数记错了，其实是1200万"), or by a cancellation
# ("B项目后来撤了"): the item is the one changed or removed. A letter that is the message's subject names its item.
_ANCHOR = re.compile(
    r"(?:(\d{1,2}月)份?|(?<![A-Za-z])([A-Z])(?![A-Za-z])(?:产品|款|芯片|项目|公司|家|企业|供应商|平台)?|(?:产品|芯片|项目)([A-Z])(?![A-Za-z]))"
    r"(?:(?:的|[那这][颗款个笔次场家份项套台张单批]|那个数|这个数|的数|的金额|金额|费用|的费用)?(?:记错了|写错了|说错了|搞错了|录错了|填错了|看错了|不对)?[，,]?\s*"
    r"(?:是|改成|改为|应该是|其实是|实际是|应为)"
    r"|[^，,。；;\d]{0,6}?(?:撤了|取消|没做成|没流成|不做了|砍掉|砍了|不算了|去掉|不要了|不报了|不申报了|拿掉|(?:不打算|不准备|先不|暂不|暂时不|就不)(?:报|申报|申请)))"
    # A letter as the subject of the whole message ("B其实不是首次，之前流过", "更正：B芯片不是首次流片"), after a
    # short opening ("更正：", "不好意思，"): what it says is of that item.
    r"|^\s*(?:[^，,。；;：:A-Za-z\d]{1,6}[：:，,]\s*)?([A-Z])(?![A-Za-z0-9])(?:产品|款|芯片|项目)?(?=[\u4e00-\u9fff])"
)


@dataclass(frozen=True)
class Act:
    """What a follow-up does to one call: its kind, and which listed item (0-based) when it names one."""

    kind: str
    item: int | None = None
    value: Any = None  # the amount of the one item kept (ONLY), or the amounts removed (REMOVE)


def act_of(reading: Reading, previous: str, items: Sequence[Any] = (), earlier: Sequence[str] = ()) -> Act:
    """add ("再加一笔"), remove ("去掉第二笔"), or change (vary or correct) — with the item it names (`items`:
    the listed amounts of the call it changes; `earlier`: the messages before `previous`, latest first, where a
    label may have been introduced: "A那颗去掉" after "A 600万，B 500万" and "B其实不是首次")."""
    item = ordinal(reading) if ordinal(reading) is not None else anchored(reading.text, previous)
    if item is None:
        item = pointed(reading.text, previous, items)
    for message in earlier if item is None else ():
        value = anchored_value(reading.text, message) or _pointed_value(reading.text, message)
        if value is not None:
            item = list(items).index(value) if value in items else None
            break
    only = reading.lang.acts["only_labeled"].search(reading.text)
    if only is not None:
        kept = labeled(only.group(1), previous)
        if kept is not None:
            return Act(ONLY, value=kept)
    if reading.act("remove"):
        if item is None and reading.act("just_said") and not reading.figures:
            # "刚才那笔去掉": the items the previous message said.
            return Act(REMOVE, value=[a.value for a in find_amounts(previous) if a.value is not None])
        return Act(REMOVE, item)
    money = [f for f in reading.figures if f.mention.kind == MONEY]
    # "58万那份是和另一家云服务商签的": a listed item pointed at (by its label or its amount) with no new amount
    # is talked about, not added to.
    by_value = [f for f in money if f.mention.value in items and _THAT_ONE.match(reading.text, f.end)]
    about_item = (
        bool(money) and all(f.mention.value in items for f in money) and (item is not None or by_value)
    )
    if reading.act("remainder") or (reading.act("add") and not reading.act("replace") and not about_item):
        return Act(ADD, item)
    if reading.act("together") and not any(reading.act(a) for a in ("replace", "vary", "separately")):
        return Act(ADD, item)  # "还有2000万，一起算"; but "若2025年为980万，两年合计" changes that year
    return Act(CHANGE, item)


def ordinal(reading: Reading) -> int | None:
    """ "第二个改成1500万": the 0-based index of the listed item the message changes."""
    found = [m for m in reading.mentions if m.kind == ORDINAL]
    return int(found[0].value) - 1 if found else None


def labeled(label: str, previous: str) -> Any:
    """The amount a label written once in the previous message introduces ("训练集群120万、推理服务60万": 推理 →
    60万), or None."""
    places = [x.start() for x in re.finditer(re.escape(label), previous)]
    if len(places) != 1:
        return None
    # The label, or the amount itself ("只算70万那份").
    later = [a.value for a in find_amounts(previous) if a.value is not None and a.start >= places[0]]
    return later[0] if later else None


def anchored_value(text: str, previous: str) -> Any:
    """The amount the label of an edit (产品Y, 9月, B) introduced in the previous message, or None."""
    m = _ANCHOR.search(text)
    label = next((g for g in m.groups() if g), "") if m else ""
    return labeled(label, previous) if label else None


def anchored(text: str, previous: str) -> int | None:
    """ "不对，9月是150万" after "3月买了200万，9月又买了350万": the item the label (9月) introduced."""
    m = _ANCHOR.search(text)
    label = next((g for g in m.groups() if g), "") if m else ""
    places = [x.start() for x in re.finditer(rf"(?<![A-Za-z]){re.escape(label)}(?![A-Za-z])", previous)]
    if not label or len(places) != 1:
        return None
    at = places[0]
    starts = [a.start for a in find_amounts(previous) if a.value is not None]
    later = [i for i, start in enumerate(starts) if start > at]
    return later[0] if later and len(starts) > 1 else None


# An item pointed at by its label and a demonstrative measure word ("B那颗", "沙龙那场") or as a lettered party
# ("乙公司", "B厂"): the label is the clause's words right before it.
_POINTED = re.compile(
    r"([\u4e00-\u9fffA-Za-z0-9]{1,8}?)(?:那|这)一?[颗份笔项个款家场批单台套]|(?<![\u4e00-\u9fffA-Za-z])([甲乙丙丁A-Z](?:公司|厂|家))"
)


_THAT_ONE = re.compile(r"\s*的?(?:那|这)一?[颗份笔项个款家场批单台套]")


def pointed(text: str, previous: str, items: Sequence[Any]) -> int | None:
    """ "沙龙那场其实活动前没报" after "一场峰会场租240万，一场沙龙场租30万": the position in `items` (the changed
    call's listed amounts) of the amount the label (the longest tail of the words before 那场 written once in
    the previous message) introduced."""
    if len(items) < 2:
        return None
    value = _pointed_value(text, previous)
    return list(items).index(value) if value is not None and value in items else None


def _pointed_value(text: str, previous: str) -> Any:
    """The amount `previous` introduced under the label `text` points at ("沙龙那场"), or None."""
    m = _POINTED.search(text)
    if m is None:
        return None
    words = m.group(1) or m.group(2)
    amounts = [a for a in find_amounts(previous) if a.value is not None]
    for cut in range(len(words)):
        label = words[cut:]
        places = [x.start() for x in re.finditer(rf"(?<![A-Za-z]){re.escape(label)}(?![A-Za-z])", previous)]
        if len(places) == 1:
            if any(a.start == places[0] for a in amounts):
                return None  # the amount itself ("那350万那家"): the edit finds the item by its value
            later = [a.value for a in amounts if a.start > places[0]]
            return later[0] if later else None
    return None


def target(reading: Reading, session: Session) -> Pending | None:
    """Which call of the last answer a follow-up changes: the rule it names (and year), else the last one."""
    topic = reading.first_rule
    family = {r.tool for r in reading.vocabulary.family(topic.family)} if topic and topic.family else set()
    named = [p for p in session.batch if topic is not None and (p.tool == topic.tool or p.tool in family)]
    years = [int(m.value) for m in reading.mentions if m.kind == "year"]
    dated = [p for p in named if years and _year_of(p) == years[0]]
    item = ordinal(reading)
    if not named and item is not None and item < len(session.batch) and not listed(session.last):
        return session.batch[item]  # "第一个改成900万" after two rules: the first rule's call
    if named:
        return (dated or named)[0]
    amounts = {f.mention.value for f in reading.figures if f.mention.kind == MONEY}
    holding = [p for p in session.batch if amounts & set(listed_items(p))] if not topic else []
    if len(holding) == 1:
        return holding[0]  # "那350万那家先拿掉不算" after chips and equipment: the call listing 350万
    if years and session.batch and not topic:
        dated = [p for p in session.batch if _year_of(p) == years[0]]
        if dated:
            return dated[0]
    return session.last


def listed_items(call: Pending) -> list[Any]:
    """The call's first list of plain amounts (not dated or structured items), or []."""
    return next(
        (v for v in call.args.values() if isinstance(v, list) and v and not isinstance(v[0], dict)), []
    )


def _year_of(call: Pending) -> int | None:
    year = call.year if call.year is not None else call.args.get("year")
    return int(year) if isinstance(year, int) else None


def listed(call: Pending | None) -> bool:
    """Does the call hold a list of several items an ordinal could pick from?"""
    return call is not None and any(isinstance(v, list) and len(v) > 1 for v in call.args.values())


def relabel(base: Pending, text: str, kinds: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """ "那如果EDA是签核中心的呢": the same amounts, now of the kind the message names."""
    for key, patterns in kinds:
        others = [k for k, _ in kinds if k != key and base.args.get(k)]
        if any(re.search(p, text) for p in patterns) and others:
            moved = [v for k in others for v in base.args[k]]
            return {key: list(base.args.get(key) or []) + moved, **dict.fromkeys(others, [])}
    return {}


def new_role(
    base: Pending, text: str, attribute: str, values: dict[str, list[str]], trigger_words: list[str]
) -> dict[str, Any]:
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


def varies_last(reading: Reading, topic: RuleSpec, session: Session) -> bool:
    """ "那如果贷款是300万呢" names the rule again but still varies the last calculation of that rule."""
    base = session.pending or session.last
    tools = {p.tool for p in session.batch} if session.pending is None else set()
    tools |= {base.tool} if base else set()
    acts = ("vary", "replace", "correct", "add", "together", "part_of_last", "remove")
    varies = any(reading.act(a) for a in acts)
    # "单次流通收益500万" answers the pending question of the same rule even though it names the rule.
    filling = session.pending is not None and session.pending.tool == topic.tool
    # A statement of more facts about the same rule ("LPR是3.45%，期限12个月") adds to the last calculation.
    statement = not reading.is_question
    family = {r.tool for r in reading.vocabulary.family(topic.family)} if topic.family else {topic.tool}
    # "银行实际执行利率是2.9%，那按哪个算": a fact of the rule that cannot be computed on its own goes with the rest.
    partial = topic.tool in tools and _partial(reading, topic)
    # "供应商是我们集团的兄弟公司，芯片采购这块还能补吗": a fact about the computed rule's condition.
    condition = topic.tool in tools and bool(stated(reading.text, topic, reading.lang))
    return bool(family & tools) and bool(varies or filling or statement or partial or condition)


def _partial(reading: Reading, topic: RuleSpec) -> bool:
    from bot.decide.questions import complete

    if not any(f.rule == topic.id for f in reading.inputs):
        return False
    frame = frame_of(reading, topic)
    return not complete(topic, frame.args)


def sibling(reading: Reading, rule: RuleSpec) -> RuleSpec | None:
    """ "说错了，是设备，不是芯片": the family member whose marker the message affirms instead."""
    if not rule.family:
        return None
    for other in reading.vocabulary.family(rule.family):
        if other.id == rule.id:
            continue
        said = [m for p in other.markers for m in re.finditer(p, reading.text)]
        if any(not negated(reading.text, m.start(), reading.lang) for m in said):
            return other
    return None


def relabeled(reading: Reading, rule: RuleSpec, base: Pending) -> dict[str, Any]:
    """ "那如果EDA是签核中心的呢": the same amounts, now of the kind named; "那参与的呢": the items' new role."""
    kinds = [(name, s.markers) for name, s in rule.slots.items() if s.markers]
    moved = relabel(base, reading.text, sorted(kinds, key=lambda k: not rule.slots[k[0]].default))
    if moved:
        return moved
    for slot in rule.slots.values():
        if slot.kind == "items" and slot.items is not None:
            attrs = {k: v for k, v in slot.items.attributes.items() if k != slot.items.trigger}
            triggers = [w for ws in slot.items.attributes[slot.items.trigger].values() for w in ws]
            for attribute, values in attrs.items():
                changed = new_role(base, reading.text, attribute, values, triggers)
                if changed:
                    return changed
    return {}


def _without_denied(reading: Reading, old: dict[str, Any]) -> dict[str, Any] | None:
    """ "如果不按3.2%，按政策规定的LPR算呢": a value of the last calculation the user now sets aside leaves it, and
    the rule's own default (the LPR in force) is used; None when no such value."""
    denied = {f.mention.value for f in reading.figures if f.role == DENIED}
    keys = [k for k, v in old.items() if not isinstance(v, list | bool) and v in denied]
    return {k: v for k, v in old.items() if k not in keys} if keys else None


def _replaced_items(rule: RuleSpec, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any] | None:
    triggers = [s.items.trigger for s in rule.slots.values() if s.kind == "items" and s.items is not None]
    return replace_items(old, new, triggers[0]) if triggers else None


def _scaled(reading: Reading, rule: RuleSpec, base: Pending) -> dict[str, Any] | None:
    """ "要是投入翻一倍呢": the last call's amounts times the factor a word says (zh.yaml `scale`), when the message
    gives no amount of its own."""
    if any(f.mention.kind == MONEY for f in reading.figures):
        return None
    factor = next((Decimal(f) for w, f in reading.lang.scale if w in reading.text), None)
    if factor is None:
        return None
    money = {n for n, s in rule.slots.items() if s.kind in ("money", "money_list")}
    out = dict(base.args)
    for name in money & set(out):
        value = out[name]
        if isinstance(value, Decimal):
            out[name] = value * factor
        elif isinstance(value, list) and all(isinstance(v, Decimal) for v in value):
            out[name] = [v * factor for v in value]
    return out if out != base.args else None


def changed_args(
    reading: Reading,
    rule: RuleSpec,
    base: Pending,
    act: Act,
    earlier: Callable[[], list[Reading]] = list,
) -> dict[str, Any] | None:
    """The base call's arguments after this message, or None when the message gives the rule nothing;
    `earlier` reads the conversation's messages before it (for a part of a summed amount)."""
    scaled = _scaled(reading, rule, base) if act.kind == CHANGE and rule.tool == base.tool else None
    if scaled is not None:
        return scaled
    frame = frame_of(reading, rule)
    place_conditions(reading, rule, frame.args)
    new = in_base_year(dict(frame.args), base.args, reading)
    if act.kind == CHANGE and rule.tool == base.tool:
        replaced = (
            summed_part(rule, base.args, new, reading, earlier)
            or fail_item_by_value(base.args, frame, reading)
            or (moved_kind(base.args, new) if reading.act("correct") or reading.act("vary") else None)
            or split_part(base.args, new, reading)
            or replace_by_value(base.args, reading)
            or _replaced_items(rule, base.args, new)
            or (flip_items(rule, base.args, reading) if not new else None)
        )
        if replaced is not None:
            return replaced
        kept = keep_first(base.args, reading)
        if kept is not None:
            return {**kept, **{k: v for k, v in new.items() if not isinstance(v, list)}}
    if act.kind == ONLY and act.value is not None:
        lists = [k for k, v in base.args.items() if isinstance(v, list) and act.value in v and len(v) > 1]
        if len(lists) == 1:
            return {**base.args, lists[0]: [act.value]}
        only = keep_dated_items(rule, base.args, lambda _, x: act.value in x.values())
        if only is not None:
            return only
    if act.kind == REMOVE:
        recent = remove_values(base.args, act.value) if act.value else None
        if recent is not None:
            return recent
        dropped = remove_item(base.args, reading, act.item, [f.mention.value for f, _ in frame.excluded])
        if dropped != base.args:
            return dropped
        named = [f.mention.value for f in reading.figures if f.mention.kind == MONEY]
        kept = keep_dated_items(
            rule, base.args, lambda i, x: i != act.item and not any(v in x.values() for v in named)
        )
        if kept is not None:
            return kept
        kinds = remove_named_kind(rule, base.args, reading.text)
        if kinds is not None:
            return kinds
        if reading.act("add"):
            act = Act(ADD, act.item)  # "阿里云那份不算了，再加一份…": nothing left to remove, the rest adds
        elif any(not isinstance(v, list) for v in new.values()):
            act = Act(CHANGE, act.item)  # "这里面有1亿是关联企业的交易，得剔除吧": a fact of its own slot
        else:
            return None
    if act.kind == ADD:
        new = {**new, **increments(reading, rule, base), **dated_addition(rule, base.args, new)}
        new = {k: v for k, v in new.items() if v is not None}
        new, restated = running_total(base.args, new, reading)
        if restated is not None:
            return restated
    adding = act.kind == ADD and bool(new)
    if not new:
        set_aside = _without_denied(reading, base.args)
        if set_aside is not None:
            return set_aside
        new = relabeled(reading, rule, base)  # the same amounts under another kind: never added twice
    if not new:
        return dict(base.args) if rule.tool != base.tool else None  # a sibling rule: the same facts
    item_conditions = {
        name: (spec.items, argument(spec, False)) for name, spec in rule.conditions.items() if spec.items
    }
    without = drop_failing_item(base.args, new, act.item, item_conditions)
    if without is not None:
        return without
    summed = frozenset(n for n, spec in rule.slots.items() if spec.kind == "money")
    old = without_failed_items(base.args, new, item_conditions) if adding else base.args
    if adding:
        new = failing_additions(old, new, item_conditions)
    old, new = dated_item(rule, old, new, act.item)
    return merge(old, new, adding=adding, item=act.item, summed=summed)
