"""The turns that continue a conversation: a sum asked again, an explanation, an enterprise now inside, a fact
said earlier that still holds, and follow-ups that change the last calculation (add, remove, replace, another
year, another kind) — each a plan of tool calls, like the router's own."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from typing import Any, Protocol

from bot.decide import plan as P
from bot.decide import questions as Q
from bot.decide.calls import asked_year, calls_for, place_conditions, read_figures, year_of_figures
from bot.decide.edits import flip_items
from bot.decide.followups import (
    REMOVE,
    Act,
    act_of,
    anchored_value,
    changed_args,
    listed,
    listed_items,
    relabeled,
    sibling,
    target,
    varies_last,
)
from bot.decide.frame_cache import frame_of
from bot.decide.plan import Plan
from bot.nlu.figure import BOUND, OTHER_YEAR
from bot.nlu.mentions import COUNT, MONEY, ORDINAL, YEAR
from bot.nlu.polarity import Stated, argument, stated
from bot.nlu.reading import Reading
from bot.nlu.spans import Layout
from bot.packs.vocabulary import RuleSpec, Vocabulary
from bot.sessions.store import Session
from bot.tools import builtin as B
from bot.tools.calls import ToolCall


class RouterLike(Protocol):
    """What these plans need of the router."""

    @property
    def vocabulary(self) -> Vocabulary: ...

    def read(self, text: str, context: RuleSpec | None = None) -> Reading: ...

    def decide(self, text: str, session: Session | None = None) -> Plan: ...

    def context_rule(self, session: Session | None) -> RuleSpec | None: ...

    def clause(self, tool: str) -> str | None: ...


def carried(router: RouterLike, plan: Plan, reading: Reading, session: Session | None) -> Plan:
    """ "我们不做集成电路…" said in an earlier turn: a later calculation with that condition fails it too."""
    if session is None or not session.history or plan.kind != P.CALCULATE:
        return plan
    for call in plan.calculator_calls:
        rule = router.vocabulary.rule_for_tool(call.name)
        if rule is None:
            continue
        # The earlier turns are read once for all of the rule's conditions, and only if one is needed.
        said_before: list[dict[str, Stated]] | None = None
        for name, spec in rule.conditions.items():
            if not spec.enterprise or name in call.args:
                continue
            if said_before is None:
                said_before = [stated(q, rule, reading.lang) for q, _ in session.history]
            said = [earlier.get(name) for earlier in said_before]
            if any(s is not None and not s.met for s in said):
                call.args[name] = argument(spec, False)
    return plan


def continued(router: RouterLike, reading: Reading, topic: RuleSpec | None, session: Session) -> Plan | None:
    """An explanation of the last calculation, or a follow-up that changes it."""
    batch_tools = {p.tool for p in session.batch}
    inside = (
        now_inside(router, reading, topic, session)
        or split_across(router, reading, session)
        or year_set_aside(router, reading, topic, session)
        or one_year(router, reading, session)
        or revived(router, reading, session)
    )
    if inside is not None:
        return inside
    if not reading.money_inputs and any(
        a.overrides and Q.asked_in(reading, a) for a in reading.vocabulary.spec.annexes
    ):
        return None  # "市里也奖励过一次，区里这10万还能再叠加拿吗": the annex's question, whatever figure it quotes
    if session.batch and session.pending is None and asks_total(router, reading, topic, batch_tools):
        # "加起来一共多少": the last calculations again, summed — nothing new to compute.
        calls = [p.replay() for p in session.batch]
        clauses = list(dict.fromkeys(p.clause_id for p in session.batch))
        return Plan(
            calls, topic=router.context_rule(session), reading=reading, followup=True, clauses=clauses
        )
    if session.batch and session.pending is None and Q.explains(reading, topic, batch_tools):
        calls = [p.replay() for p in session.batch]
        clauses = list(dict.fromkeys(p.clause_id for p in session.batch))
        return P.marked(B.EXPLAIN, calls, router.context_rule(session), reading, clauses)
    if (topic is not None or reading.figures) and asks_rule_only(reading):
        return None  # "那采购芯片模组的补贴比例呢": the named rule's wording, not the last figures under it
    if topic is None or varies_last(reading, topic, session):
        return followup(router, reading, session)
    return None


def split_across(router: RouterLike, reading: Reading, session: Session) -> Plan | None:
    """ "这900万里有200万其实是IP" after EDA 900万, "这1500万里其实有400万是芯片" after equipment: a listed item of
    the last answer, and a part of it that is another rule's (or another kind's) — the part leaves the item for that
    rule's call; the rest stays."""
    if session.pending is not None or not session.batch:
        return None
    money = [f for f in reading.figures if f.mention.kind == MONEY]
    if len(money) != 2:
        return None
    between = reading.text[money[0].end : money[1].start]
    if not (reading.lang.part_of.search(between) or between[:1] in ("里", "中")):
        return None
    whole, part = (f.mention.value for f in money)
    homes = [p for p in session.batch for v in p.args.values() if isinstance(v, list) and whole in v]
    if len(homes) != 1 or part >= whole:
        return None
    home = homes[0]
    after = reading.text[money[1].end :]
    home_rule = router.vocabulary.rule_for_tool(home.tool)
    kin = router.vocabulary.family(home_rule.family) if home_rule and home_rule.family else []
    marked = [r for r in kin if any(re.search(mk, after) for mk in r.markers)]
    named = [h.rule for h in reading.hits if h.start >= money[1].end]
    target = next((r for r in [*named, *marked] if r.tool and r.tool != home.tool), None)
    slot = target.default_slot() if target is not None else None
    if target is None or slot is None:
        return None
    rest = {
        k: [whole - part if x == whole else x for x in v] if isinstance(v, list) and whole in v else v
        for k, v in home.args.items()
    }
    facts = {k: v for k, v in frame_of(reading, target).args.items() if isinstance(v, bool)}
    listed = target.slots[slot].kind == "money_list"
    calls = [ToolCall(home.tool, rest, year=home.year) if p is home else p.replay() for p in session.batch]
    joined = next((c for c in calls if c.name == target.tool), None)
    if joined is not None and listed:
        joined.args[slot] = list(joined.args.get(slot) or []) + [part]
    else:
        calls.append(ToolCall(str(target.tool), {**facts, slot: [part] if listed else part}, year=home.year))
    clauses = list(dict.fromkeys(c for c in (router.clause(c.name) for c in calls) if c))
    return Plan(calls, topic=target, reading=reading, followup=True, clauses=clauses)


def asks_total(router: RouterLike, reading: Reading, topic: RuleSpec | None, batch_tools: set[str]) -> bool:
    """A question for the sum of what was said, with no figure or fact of its own ("两项合计多少")."""
    # "期限改成两年呢" gives a term; "两项合计多少" only counts the items said.
    facts = [m for m in reading.mentions if m.kind not in (ORDINAL, COUNT) or m.unit in ("家", "人", "名")]
    if facts or not reading.act("total") or not reading.is_question or asks_rule_only(reading):
        return False
    if reading.act("remove") or reading.act("suppose"):
        # "流片那项不申报了，剩下两项合计多少", "征求意见那项如果年底发布了，一共多少": the sum after the change
        return False
    if topic is not None and topic.tool not in batch_tools:
        return False
    rules = [r for r in (router.vocabulary.rule_for_tool(t) for t in batch_tools) if r is not None]
    # "还主导了一项国家标准，合计多少": items of the rule are facts too.
    return not any(frame_of(reading, r).args for r in rules)


def now_inside(router: RouterLike, reading: Reading, topic: RuleSpec | None, session: Session) -> Plan | None:
    """ "更正一下，我们已经把注册地迁到滨江了", "如果改由我们滨江本部来流片呢" after an amount answered as not
    applicable (the enterprise was outside): the calculations of that question, for an enterprise inside."""
    if not reading.places.inside or reading.figures or not session.history:
        return None
    before = router.decide(session.history[-1][0])
    calls = before.calculator_calls
    if before.kind != P.NOT_APPLICABLE or not calls:
        return None
    if topic is not None and topic.tool not in {c.name for c in calls}:
        return None
    return Plan(calls, topic=before.topic, reading=reading, followup=True, clauses=before.clauses)


def year_set_aside(
    router: RouterLike, reading: Reading, topic: RuleSpec | None, session: Session
) -> Plan | None:
    """ "那2024年那份合同当时能补多少" after an answer that set 2024's figures aside as another year's: the
    question that gave them, asked for that year (answered alone; the conversation keeps both years)."""
    years = [int(m.value) for m in reading.mentions if m.kind == YEAR and not m.founding]
    sole = years[0] if len(years) == len(reading.mentions) == 1 and reading.is_question else None
    year, rule = asked_year(reading) or sole, router.context_rule(session)  # "那2024年的呢"
    if year is None or reading.money_inputs or rule is None or not rule.per_year or not session.batch:
        return None
    if (topic is not None and topic is not rule) or any(p.year == year for p in session.batch):
        return None
    for question, _ in reversed(session.history):
        before = router.read(question, rule)
        dated = [
            f for f in read_figures(before) if f.rule == rule.id and f.role == OTHER_YEAR and f.year == year
        ]
        if dated:
            calls = [c for c in calls_for(before, rule, year=year) if c.rule is rule]
            added = [ToolCall(c.tool, c.args, year=c.year) for c in calls]
            kept = [p.replay() for p in session.batch] + added
            return Plan(added, topic=rule, reading=reading, followup=True, clauses=[rule.clause], keep=kept)
    return None


def one_year(router: RouterLike, reading: Reading, session: Session) -> Plan | None:
    """ "搞错了，两款都是2025年流的" after a rule computed year by year: its items are all of that year — one
    call, the year's cap over all of them."""
    years = [m for m in reading.mentions if m.kind == YEAR and not m.founding]
    if len(years) != 1 or reading.money_inputs:
        return None
    at = years[0].start
    if not reading.lang.acts["all_items"].search(reading.text[max(0, at - 4) : at]):
        return None
    by_tool: dict[str, list[Any]] = {}
    for p in session.batch:
        by_tool.setdefault(p.tool, []).append(p)
    split = next((calls for calls in by_tool.values() if len({c.year for c in calls}) > 1), None)
    rule = router.vocabulary.rule_for_tool(split[0].tool) if split else None
    if split is None or rule is None:
        return None
    year = int(years[0].value)
    merged: dict[str, Any] = {}
    for call in split:
        for name, value in call.args.items():
            if isinstance(value, list):
                merged[name] = merged.get(name, []) + value
            elif isinstance(value, Decimal) and name in merged:
                merged[name] += value
            else:
                merged.setdefault(name, value)
    year_slot = next((n for n, s in rule.slots.items() if s.kind == "year"), None)
    if year_slot:
        merged[year_slot] = year
    one = ToolCall(split[0].tool, merged, year=year)
    calls = [one] + [p.replay() for p in session.batch if p not in split]
    clauses = list(dict.fromkeys(c for c in (router.clause(c.name) for c in calls) if c))
    return Plan(calls, topic=rule, reading=reading, followup=True, clauses=clauses)


_LABEL = re.compile(r"(?<![A-Za-z])([A-Z])(?![A-Za-z])")


def revived(router: RouterLike, reading: Reading, session: Session) -> Plan | None:
    """ "B其实是一款全新芯片，也是首次流片" after B left the list as failing a per-item condition (再次流片): the
    question that listed it, without the words that failed it — only that item's when several failed."""
    rule = router.context_rule(session)
    if rule is None or reading.money_inputs or not session.history or not session.batch:
        return None
    refers = reading.lang.acts["refers"]
    name, pointed = None, []
    for n, st in stated(reading.text, rule, reading.lang).items():
        # "假如二次流片的B那颗也能算首次呢", "阿里云那份": failing words that only point at an item select it.
        points = [s for s in st.signals if not s.met and refers.match(reading.text, s.end)]
        rest = [s for s in st.signals if s not in points]
        if rule.conditions[n].items and rest and all(s.met for s in rest):
            name, pointed = n, points
            break
    if name is None:
        return None
    # The question that listed the items: the last one with amounts ("为啥不是339万？" may stand between).
    earlier = (router.read(q, rule) for q, _ in reversed(session.history))
    before = next((r for r in earlier if r.money_inputs), None) or router.read(session.history[-1][0], rule)
    said = stated(before.text, rule, reading.lang).get(name)
    failing = [s for s in said.signals if not s.met] if said is not None else []
    label = _LABEL.search(reading.text)
    every = failing
    if pointed:
        failing = [s for s in failing if s.said in {p.said for p in pointed}]
    elif label is not None:
        at = before.text.find(label.group(1))
        failing = [s for s in failing if at >= 0 and s.start > at]
    layout = Layout.of(before.text)
    # All the failing words of that item's clause ("改版重流（不是首次）": both go).
    failing = [s for s in every if failing and layout.same_clause(s.start, failing[0].start)]
    left = router.decide(before.text).excluded if failing else []
    if not left:
        return None
    drop = {i for s in failing for i in range(s.start, s.end)}  # the item's failing words
    text = "".join(ch for i, ch in enumerate(before.text) if i not in drop)
    again = router.decide(text)
    if again.kind != P.CALCULATE or len(again.excluded) >= len(left):
        return None
    return Plan(
        again.calls,
        topic=rule,
        reading=reading,
        followup=True,
        clauses=again.clauses,
        excluded=again.excluded,
    )


def followup(router: RouterLike, reading: Reading, session: Session) -> Plan | None:
    """Fill a pending calculation's missing slots, or change the last one ("那如果是1500万呢")."""
    base = session.pending or target(reading, session)
    rule = router.vocabulary.rule_for_tool(base.tool) if base else None
    if base is None or rule is None:
        return None
    kin = sibling(reading, rule)
    if kin is not None and asks_rule_only(reading) and not session.pending:
        return None  # "设备类的标准是怎么算的" after chips: the other kind's rule, not the chips recomputed
    removed = removed_member(router, reading, rule, session.batch)
    rule = (
        removed
        or kin
        or _labeled_call(router, reading, session)
        or _flagged_call(router, reading, session)
        or _owner(router, reading, session)
        or _enum_call(router, reading, session)
        or rule
    )
    if rule.tool != base.tool and not session.pending:
        # "设备那块是2400万" after equipment and chips: the sibling's own call is the one changed.
        base = next((p for p in session.batch if p.tool == rule.tool), base)
    if rule is not router.context_rule(session) or reading.act("part_of_last"):
        part = reading.lang.acts["part_of_last"].match(reading.text) if session.history else None
        # The part joins the last message; an apology before it is no correction of that message's figure.
        apology = part.end(1) if part is not None and part.group(1) else 0
        text = (
            _stated(session.history[-1][0], reading) + "，" + reading.text[apology:] if part else reading.text
        )
        reading = router.read(text, rule)
    if not session.pending and not changes(reading, rule, base):
        return None
    previous = session.history[-1][0] if session.history else ""
    batch = [] if session.pending else session.batch
    earlier = [q for q, _ in reversed(session.history[:-1])]
    said = act_of(reading, previous, listed_items(base), earlier)
    # "只保留算力那一项，保险的不申请了": the rule named and not kept leaves.
    act = Act(REMOVE, said.item) if removed is not None and said.kind != REMOVE else said
    dropped = without(router, reading, rule, base, batch, act)
    if dropped is not None:
        return dropped
    added = alongside(router, reading, rule, base, batch)
    if added is not None:
        return added
    history = [q for q, _ in session.history]
    args = changed_args(reading, rule, base, said, lambda: [router.read(q, rule) for q in history])
    if args is None:
        return None  # facts the rule has no use for ("今年还有哪些政策"): not an answer to its question
    year = year_of_figures(rule, list(reading.figures)) or base.year
    changed = ToolCall(str(rule.tool), args, year=year)
    # The other calls of a multi-rule answer stay as they were: only the one the message names changes.
    calls = [changed if p is base else p.replay() for p in batch] or [changed]
    clauses = [c for c in (router.clause(c.name) for c in calls) if c] or [base.clause_id]
    removed_items = _taken_out(base.args, args) if rule.tool == base.tool else []
    plan = Plan(
        calls,
        topic=rule,
        reading=reading,
        followup=True,
        clauses=list(dict.fromkeys(clauses)),
        removed=removed_items,
    )
    return own_items(router, plan, reading, rule, base, year)


def _taken_out(old: dict[str, Any], new: dict[str, Any]) -> list[Decimal]:
    """The listed amounts of `old` that `new` no longer has (each as often as it left)."""

    def amounts(items: Any) -> Counter[Decimal]:
        return Counter(v for v in items if isinstance(v, Decimal)) if isinstance(items, list) else Counter()

    out: Counter[Decimal] = Counter()
    for key, items in old.items():
        out += amounts(items) - amounts(new.get(key))
    return list(out.elements())


def _alone(reading: Reading) -> bool:
    """ "这批能补多少", "单独算": this message's items asked about alone — not "加上这套一共多少"."""
    asked_alone = reading.act("this_item") or reading.act("separately")
    return asked_alone and (reading.act("separately") or not (reading.act("combine") or reading.act("total")))


def own_items(
    router: RouterLike, plan: Plan, reading: Reading, rule: RuleSpec, base: Any, year: int | None
) -> Plan:
    """ "另外还采购了一批普通EDA，这批能补多少": more items asked about alone — answered alone, kept joined."""
    if not _alone(reading) or not reading.act("add"):
        return plan
    frame = frame_of(reading, rule)
    place_conditions(reading, rule, frame.args)
    amounts = {k: v for k, v in frame.args.items() if isinstance(v, list | Decimal)}
    # Alone only where its amount cannot depend on the earlier items: another kind (its own cap) or items
    # with awards of their own; more items of the same list share its cap, so the running total is shown.
    shared = [k for k, v in amounts.items() if k in base.args and not _own_awards(v)]
    if not amounts or shared:
        return plan
    facts = {k: v for k, v in base.args.items() if isinstance(v, bool)}  # the enterprise's own facts
    own = ToolCall(str(rule.tool), {**facts, **frame.args}, year=year)
    return Plan([own], topic=rule, reading=reading, followup=True, clauses=[rule.clause], keep=plan.calls)


def _computed_rules(router: RouterLike, session: Session) -> list[RuleSpec]:
    """The rules of the last answer's calls, in order."""
    rules = (router.vocabulary.rule_for_tool(p.tool) for p in session.batch)
    return [r for r in rules if r is not None]


def _owner(router: RouterLike, reading: Reading, session: Session) -> RuleSpec | None:
    """ "服务企业数我看错了 是48家" after a platform and an award were computed: the one computed rule all the
    message's figures belong to by their own cues is the call it changes."""
    if not reading.inputs or not all(f.label for f in reading.inputs):
        return None  # "第一个改成900万": a figure with no cue of its own says no rule
    owners = {f.rule for f in reading.inputs if f.rule}
    rule = router.vocabulary.rule(owners.pop()) if len(owners) == 1 else None
    tools = {p.tool for p in session.batch}
    return rule if rule is not None and rule.tool in tools else None


def _labeled_call(router: RouterLike, reading: Reading, session: Session) -> RuleSpec | None:
    """ "产品Y金额录错了，应为12,000万元" after tape-outs and an IP purchase: the call holding the item the label
    introduced is the one changed."""
    if not session.history:
        return None
    value = anchored_value(reading.text, session.history[-1][0])
    holders = [p for p in session.batch for v in p.args.values() if isinstance(v, list) and value in v]
    if value is None or len(holders) != 1:
        return None
    return router.vocabulary.rule_for_tool(holders[0].tool)


def _flagged_call(router: RouterLike, reading: Reading, session: Session) -> RuleSpec | None:
    """ "征求意见那项如果年底发布了" after standards and a quality award: an item pointed at by a status of one
    computed rule's items (its flags) is that rule's."""
    refers = reading.lang.acts["refers"]
    for rule in _computed_rules(router, session):
        specs = [s.items for s in rule.slots.values() if s.items is not None]
        words = [
            w for spec in specs for flag in spec.flags.values() for w in (*flag.positive, *flag.negative)
        ]
        if any(
            refers.match(reading.text, m.end())
            for w in words
            for m in re.finditer(re.escape(w), reading.text)
        ):
            return rule
    return None


def _enum_call(router: RouterLike, reading: Reading, session: Session) -> RuleSpec | None:
    """ "What if our platform is only city-level (市级)?" after a platform and an event: the one computed rule with
    a choice (a level, a tier) the message names is the call it changes. Only its longer words count (市级, not 市)."""
    found = []
    for rule in _computed_rules(router, session):
        choices = [s for s in rule.slots.values() if s.kind == "enum"]
        words = [w for s in choices for ws in s.values.values() for w in ws if len(w) >= 2]
        if any(w in reading.text for w in words):
            found.append(rule)
    return found[0] if len(found) == 1 else None


def _stated(text: str, reading: Reading) -> str:
    """A message without the question it ends with ("…一共180万，补多少" → "…一共180万"): what a part joins."""
    layout = Layout.of(text)
    end = len(text.rstrip("？?！!。 "))
    while end > 0:
        start, _ = layout.clause_span(end - 1)
        if start == 0 or not reading.lang.question.search(text, start, end):
            break
        end = start - 1
    return text[:end]


def removed_member(router: RouterLike, reading: Reading, rule: RuleSpec, batch: list[Any]) -> RuleSpec | None:
    """ "芯片那块供应商资料有点问题，先去掉，只算设备", "IP那块算了不报了，就只报EDA": in a removal, the computed rule
    whose kind (a family member's marker) or name the message names and does not keep is the one removed,
    whichever other rule's word (供应商, EDA) it also names."""
    if not reading.act("remove"):
        return None
    text, lang = reading.text, reading.lang
    tools = {p.tool for p in batch}
    spots: dict[str, tuple[RuleSpec, list[tuple[int, int]]]] = {}
    for member in router.vocabulary.family(rule.family) if rule.family else []:
        found = [m.span() for mk in member.markers for m in re.finditer(mk, text)]
        if found:
            spots[member.id] = (member, found)
    if len(tools) > 1:
        # The rules of the last answer named by their own words ("IP", "EDA"): one of them is removed.
        for hit in reading.hits:
            if hit.rule.tool in tools:
                spots.setdefault(hit.rule.id, (hit.rule, []))[1].append((hit.start, hit.end))
    named = []
    for member, found in spots.values():
        kept = any(
            lang.acts["keep_before"].search(text, 0, a) or lang.acts["keep_after"].match(text[b:])
            for a, b in found
        )
        if found and not kept and member.tool in tools:
            named.append(member)
    return named[0] if len(named) == 1 else None


def without(
    router: RouterLike, reading: Reading, rule: RuleSpec, base: Any, batch: list[Any], act: Any
) -> Plan | None:
    """ "第③项国际标准尚未发布，请剔除后重新计算", "EDA部分拟不申报": the call the message names leaves the
    batch (no item of it is named: no amount, no ordinal within its list); the others stay as they were."""
    if act.kind != "remove" or len(batch) < 2 or base not in batch or rule.tool != base.tool:
        return None
    named = {f.mention.value for f in reading.figures if f.mention.kind == "money"}
    if (named and not _all_items(base.args, named)) or (act.item is not None and listed(base)):
        return None  # an amount names one item of the call ("80万那笔去掉"), not the call
    calls = [p.replay() for p in batch if p is not base]
    clauses = list(dict.fromkeys(c for c in (router.clause(c.name) for c in calls) if c))
    topic = router.vocabulary.rule_for_tool(calls[-1].name)
    return Plan(calls, topic=topic, reading=reading, followup=True, clauses=clauses)


def _all_items(args: dict[str, Any], named: set[Any]) -> bool:
    """ "芯片那350万先不算了": the amounts named are the call's only listed items, so the call goes."""
    items = {v for value in args.values() if isinstance(value, list) for v in value if isinstance(v, Decimal)}
    return bool(items) and items == named


def alongside(
    router: RouterLike, reading: Reading, rule: RuleSpec, base: Any, batch: list[Any]
) -> Plan | None:
    """A call beside the others, not more items of the last one: another year's figures of a per-year
    rule ("另，2025年度有一款产品首次流片2200万" after 2024: rate and cap apply year by year), or items of a
    sibling rule ("还买了芯片 350万" after equipment: each kind has its own rate and cap)."""
    year = year_of_figures(rule, list(reading.figures))
    if not any(reading.act(a) for a in ("total", "add", "combine", "together")):
        return None  # "换成2025年的保费呢": the year of the same calculation changes
    if any(p.tool == rule.tool and p.year == year for p in batch) and rule.tool != base.tool:
        return None  # the sibling is already computed: the message changes that call
    if reading.act("next_year") and year is None:
        year = base.year + 1 if base.year is not None else None
        if not any(p.tool == rule.tool and p.year == year and p is not base for p in batch):
            return added(router, reading, rule, base, batch, year)
    other_year = year is not None and base.year is not None and year != base.year
    if not (other_year and not any(p.year == year for p in batch)) and rule.tool == base.tool:
        return None
    return added(router, reading, rule, base, batch, year)


def added(
    router: RouterLike, reading: Reading, rule: RuleSpec, base: Any, batch: list[Any], year: int | None
) -> Plan:
    """The batch as it was, and this message's call of `rule` (the enterprise's yes/no facts kept)."""
    frame = frame_of(reading, rule)
    facts = {k: v for k, v in base.args.items() if isinstance(v, bool)}  # the enterprise's own facts
    added = ToolCall(str(rule.tool), {**facts, **frame.args}, year=year)
    calls = [p.replay() for p in batch] + [added]
    clauses = list(dict.fromkeys(c for c in (router.clause(c.name) for c in calls) if c))
    if _alone(reading) or asked_year(reading) == year is not None:
        # "2025年又有一款首次流片1500万，2025年这一款补多少": that year's call answered, both kept.
        return Plan([added], topic=rule, reading=reading, followup=True, clauses=[rule.clause], keep=calls)
    return Plan(calls, topic=rule, reading=reading, followup=True, clauses=clauses)


def changes(reading: Reading, rule: RuleSpec, base: Any) -> bool:
    """Does the message change the base call at all (an act, a fact, a kind, a sibling rule)?"""
    if any(reading.act(a) for a in ("vary", "replace", "correct", "remove", "add")) or rule.tool != base.tool:
        return True
    frame = frame_of(reading, rule)
    return (
        bool(frame.args)
        or bool(relabeled(reading, rule, base))
        or flip_items(rule, base.args, reading) is not None
    )


def _own_awards(value: Any) -> bool:
    """Structured items (standards), each with an award of its own."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def asks_rule_only(reading: Reading) -> bool:
    """A question about a rule's rate, cap or conditions with no figure of its own and no supposition (or with
    only the rule's thresholds as figures)."""
    lang = reading.lang
    asks = lang.asks_rule.search(reading.text) is not None and reading.is_question
    if reading.figures and all(f.role == BOUND for f in reading.figures):
        return asks  # "那假设流片费高于1000万的话，补贴标准是怎样的": a threshold of the rule, not a fee
    return asks and not reading.figures and not reading.act("suppose")
