"""From a reading to calculator calls: one per rule the message gives facts for, split by kind (a rule
family's markers) and by year (rules whose rate and cap are per year); figures of another year left out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from bot.decide.frame_cache import frame_of
from bot.decide.frames import Frame
from bot.nlu.figure import INPUT, OTHER_ENTITY, OTHER_YEAR, Figure
from bot.nlu.markers import kinds
from bot.nlu.mentions import COUNT, MONEY, YEAR
from bot.nlu.places import AFFILIATE, Place, entities_named
from bot.nlu.polarity import MET, NOT_MET
from bot.nlu.reading import Reading
from bot.nlu.spans import Layout
from bot.nlu.totals import aggregates
from bot.packs.vocabulary import RuleSpec

# "各100万", "分别为120万、260万": figures listed against the years written before them.
_EACH = re.compile(r"各|分别|依次")


@dataclass
class Call:
    """One calculator call the reading supports, with the frame it came from."""

    tool: str
    args: dict[str, Any]
    rule: RuleSpec
    frame: Frame = field(repr=False, default=None)  # type: ignore[assignment]
    year: int | None = None  # the year whose figures these are, when a rule is computed per year


def _family_rules(reading: Reading, figures: list[Figure]) -> list[Figure]:
    """Amounts of a rule family go to the member whose markers are written next to them."""
    vocab = reading.vocabulary
    out = list(figures)
    by_family: dict[str, list[int]] = {}
    for i, f in enumerate(figures):
        rule = vocab.rule(f.rule) if f.rule else None
        if rule is not None and rule.family and f.role == INPUT and f.mention.kind == MONEY:
            by_family.setdefault(rule.family, []).append(i)
    for family, idx in by_family.items():
        members = vocab.family(family)
        markers = {r.id: r.markers for r in members}
        found = kinds(reading.text, [figures[i] for i in idx], markers)
        for i, kind in zip(idx, found, strict=True):
            if kind is not None:
                rule = vocab.rule(kind)
                slot = rule.default_slot() if rule else None
                out[i] = replace(figures[i], rule=kind, slot=slot)
    return out


def asked_year(reading: Reading) -> int | None:
    """The year a question asks about ("想问2024年度能补多少", "先问2024年这颗"), if it names one."""
    layout = Layout.of(reading.text)
    for m in reading.mentions:
        if m.kind != YEAR or m.founding:  # "2024年成立 2025年2月贷款…多少": a founding year asks nothing
            continue
        start, end = layout.clause_span(m.start)
        if reading.lang.hearsay.search(reading.text, start, end):
            continue  # "用2019年旧政策算…能补35%": the year of someone else's words asks nothing
        if any(w in reading.text[start:end] for w in reading.lang.asks_year):
            return int(m.value)
    return None


def _other_years(reading: Reading, figures: list[Figure], year: int | None = None) -> list[Figure]:
    """Figures dated by another year than the one asked about (or `year`) are left out (annual rules)."""
    year = year or asked_year(reading)
    if year is None:
        return figures
    out = []
    for f in figures:
        rule = reading.vocabulary.rule(f.rule) if f.rule else None
        other = f.role == INPUT and f.year is not None and f.year != year and rule is not None
        out.append(replace(f, role=OTHER_YEAR, label=f"{f.year}年") if other else f)
    return out


def _per_year(reading: Reading, rule: RuleSpec, figures: list[Figure]) -> list[Call]:
    """One call per year for a rule whose rate and cap are per year: figures dated by their own year
    ("2024年度620万、480万；2025年度1600万") go to that year's call; "2024年和2025年的保费各100万" or
    "…分别为120万、260万" pairs undated figures with the years listed. Other figures stay in every call."""
    if not rule.per_year:
        return []
    mine = [f for f in figures if f.rule == rule.id and f.role == INPUT and f.mention.kind == MONEY]
    years = list(dict.fromkeys(f.year for f in mine if f.year is not None))
    dated = {id(f): f.year for f in mine}
    if len(years) < 2 or any(f.year is None for f in mine):
        listed = [int(m.value) for m in reading.mentions if m.kind == YEAR and not m.founding]
        years = list(dict.fromkeys(listed))
        if len(years) < 2 or len(mine) not in (1, len(years)) or not _EACH.search(reading.text):
            return []
        dated = {id(f): y for f, y in zip(mine, years, strict=False)} if len(mine) > 1 else {}
    calls = []
    for year in years:
        own = [f for f in figures if id(f) not in dated or dated[id(f)] == year or not dated]
        frame = frame_of(reading, rule, own)
        place_conditions(reading, rule, frame.args, frame)
        year_slot = next((n for n, s in rule.slots.items() if s.kind == "year"), None)
        if year_slot:
            frame.args[year_slot] = year
        calls.append(Call(str(rule.tool), frame.args, rule, frame, year))
    return calls


def year_of_figures(rule: RuleSpec, figures: list[Figure]) -> int | None:
    """The one year a per-year rule's figures are dated by ("2024年度流片900万、450万"), if they are."""
    mine = [f for f in figures if f.rule == rule.id and f.role == INPUT and f.mention.kind == MONEY]
    years = {f.year for f in mine}
    return years.pop() if rule.per_year and len(years) == 1 and None not in years else None


def read_figures(reading: Reading, year: int | None = None, affiliates: bool = True) -> list[Figure]:
    """The message's figures as the calculations take them: a family's rule named, other years' and (unless
    the question is theirs) other legal persons' set aside."""
    figures = _aggregates(reading, _family_rules(reading, list(reading.figures)))
    return _other_years(reading, _of_affiliates(reading, figures) if affiliates else figures, year)


def _aggregates(reading: Reading, figures: list[Figure]) -> list[Figure]:
    """ "年度采购总额8000万，其中…芯片500万": an aggregate beside a smaller amount of its rule's family (once the
    kinds are regrouped) is no item."""
    vocab = reading.vocabulary

    def family(f: Figure) -> str | None:
        rule = vocab.rule(f.rule) if f.rule else None
        return (rule.family or rule.id) if rule else None

    return aggregates(reading.text, figures, reading.lang.aggregate, lambda f, g: family(f) == family(g))


def _of_affiliates(reading: Reading, figures: list[Figure]) -> list[Figure]:
    """ "在上海也有一家子公司。上海子公司首次流片900万，滨江本部首次流片600万": a figure about another legal
    person of the group outside the jurisdiction is that entity's, not the applicant's."""
    if not reading.places.with_role(AFFILIATE):
        return figures
    out = []
    for f in figures:
        other = _affiliate(reading, f) if f.role == INPUT else None
        out.append(f if other is None else replace(f, role=OTHER_ENTITY, label=other.name + other.entity))
    return out


def _affiliate(reading: Reading, figure: Figure) -> Place | None:
    start = Layout.of(reading.text).clause_span(figure.start)[0]
    return reading.places.affiliate_of(reading.text, start, figure.start)


def affiliate_asked(reading: Reading, figures: list[Figure]) -> Place | None:
    """The affiliate outside whose figures are the only amounts given ("在钱塘区有一家子公司，子公司首次流片500万
    能补吗"): the question is that entity's, which is outside."""
    money = [f for f in figures if f.mention.kind == MONEY]
    theirs = [f for f in money if f.role == OTHER_ENTITY]
    asked = entity_asked(reading, exact=True)
    if asked is not None:
        return asked  # "C公司…900万，D公司…500万。D公司能补多少？": D's question, whoever else has figures
    if not money:
        # "D公司注册在无锡。D公司那笔流片能补吗": no figure at all, and the question names that entity.
        return next(
            (
                p
                for p in reading.places.with_role(AFFILIATE)
                if not p.ours and p.entity and p.entity in reading.text[p.end :]
            ),
            None,
        )
    if not theirs or any(f.role == INPUT for f in money):
        return None
    return _affiliate(reading, theirs[0])


def entity_asked(reading: Reading, exact: bool = False) -> Place | None:
    """The group's legal person placed outside that the asking clause (the last one) names: by its own name
    ("D公司能补多少？"), or — unless `exact` — by any word for one ("那家子公司能申请…吗", "总部那边能不能也用这个
    政策申请")."""
    members = [p for p in reading.places.with_role(AFFILIATE) if not p.ours and p.entity]
    if not members:
        return None
    layout = Layout.of(reading.text)
    end = len(reading.text.rstrip("？?！!。 "))
    start, _ = layout.clause_span(max(end - 1, 0))
    asking = reading.text[start:end]
    named = next((p for p in members if p.entity in asking), None)
    if named is not None or exact:
        return named
    loosely = entities_named(asking, reading.lang) or ("总部" in asking)
    return members[-1] if loosely else None


def calls_for(
    reading: Reading, topic: RuleSpec, year: int | None = None, figures: list[Figure] | None = None
) -> list[Call]:
    """One call per rule with facts of its own; the topic's call alone when no other rule has any (the
    year asked is `year` when given, else the message's own; `figures` when read already)."""
    figures = read_figures(reading, year) if figures is None else figures
    rules = [r for r in _rules_with_inputs(reading, figures) if r.tool]
    if topic.tool and topic not in rules and not rules:
        rules = [topic]
    calls: list[Call] = []
    for rule in rules:
        yearly = _per_year(reading, rule, figures)
        if yearly:
            calls += yearly
            continue
        frame = frame_of(reading, rule, figures)
        place_conditions(reading, rule, frame.args, frame)
        calls.append(Call(str(rule.tool), frame.args, rule, frame, year_of_figures(rule, figures)))
    if len(calls) > 1:
        calls = [c for c in calls if c.args] or calls[:1]
    return _without_unasked(reading, calls)


def asked_rule(reading: Reading, in_sentence: bool = True) -> RuleSpec | None:
    """The one rule named in the clauses that ask ("区里的配套资金能给多少？"), if one is; else (`in_sentence`) the
    one named in their sentences. Without `in_sentence`, only clauses that are the user's own questions count
    (a question word or mark, no hearsay: not "同行说设备研发能补20%", not a table's "金额" header)."""
    layout = Layout.of(reading.text)
    text, lang = reading.text, reading.lang
    asks = lang.asks_amount if in_sentence else lang.question
    asking = [
        (a, b)
        for a, b in (layout.clause_span(s) for s in layout.clause_starts)
        if (asks.search(text, a, b) or text[b : b + 1] in ("？", "?"))
        and (in_sentence or not lang.hearsay.search(text, a, b))
    ]
    named = {h.rule.id: h.rule for h in reading.hits for a, b in asking if a <= h.start < b}
    if not named and in_sentence:
        # "区里按要求配套，能拿多少？": the asking clause names nothing, its sentence does.
        named = {
            h.rule.id: h.rule for h in reading.hits for a, _ in asking if layout.same_sentence(h.start, a)
        }
    return next(iter(named.values())) if len(named) == 1 else None


def _without_unasked(reading: Reading, calls: list[Call]) -> list[Call]:
    """ "…应用成果落地推广，前期研发投入了900万，认定为第三档，奖励多少": beside a complete calculation of a rule the
    message names, rules it does not name are not computed (their figures are listed as unused); so are rules
    it names beside the one its question asks about, unless it asks for a total ("首次流片600万；另外买了GPU
    服务器，合同金额200万。流片补贴多少？": the tape-out alone)."""
    from bot.decide.questions import complete

    named = {h.rule.id for h in reading.hits}
    families = {h.rule.family for h in reading.hits if h.rule.family}
    named |= {c.rule.id for c in calls if c.rule.family in families}  # "采购设备600万和芯片400万": one family
    named |= _of_business(reading)
    done = [c for c in calls if c.rule.id in named and complete(c.rule, c.args)]
    if not done:
        return calls
    asked = asked_rule(reading, in_sentence=False) if len({c.rule.id for c in calls}) > 1 else None
    if asked is not None and not (reading.act("total") or reading.act("combine")):

        def of_asked(c: Call) -> bool:
            return c.rule is asked or bool(asked.family and c.rule.family == asked.family)

        if any(of_asked(c) for c in done):
            return [c for c in calls if of_asked(c)]
    # "公司研发总投入一年1.2亿，IP部分补多少": a rule the message never names takes no figure from a named one.
    return [c for c in calls if c.rule.id in named]


def _of_business(reading: Reading) -> set[str]:
    """ "我们是做EDA的，公司成立于2019年，2024年自主研发投入1500万": a rule named in the user's own line of
    business names its clause's other rules too — an EDA company's R&D investment is its EDA R&D."""
    subjects = reading.lang.subjects or {}
    business = (
        [m.span() for m in subjects["enterprise"].finditer(reading.text)] if "enterprise" in subjects else []
    )
    return {
        r.id
        for h in reading.hits
        if any(a <= h.start < b for a, b in business)
        for r in reading.vocabulary.siblings(h.rule)
        if r.clause == h.rule.clause
    }


def place_conditions(
    reading: Reading, rule: RuleSpec, args: dict[str, Any], frame: Frame | None = None
) -> None:
    """Conditions decided by a place: an event held outside the zone or data users outside it fail; held or
    located only inside it ("如果这5家都在滨江呢"), they are met. A condition of each item (`items`) fails only
    for the items placed outside when others are not ("第一场在滨江办…，第二场放在上海办…"): those leave the list."""
    roles = {"event": "event", "users": "others"}
    for name, spec in rule.conditions.items():
        role = roles.get(spec.place or "")
        if role is None:
            continue
        if role == "others" and _users_inside(reading, rule, args, name):
            continue
        found = reading.places.with_role(role)
        if spec.items and _placed_items(reading, rule, args, name, found, frame):
            args[name] = True
        elif any(not p.ours for p in found):
            args[name] = False
        elif found:
            args[name] = True


def _placed_items(
    reading: Reading, rule: RuleSpec, args: dict[str, Any], name: str, found: list[Place], frame: Frame | None
) -> bool:
    """Several items, each placed by the words next to it (markers.kinds, with the condition's own phrasings
    such as "在滨江办"): True when some are outside and some are not — the outside ones are taken out of the
    list (and listed in the frame as excluded)."""
    spec = rule.conditions[name]
    key = str(spec.items)
    items = args.get(key)
    if not isinstance(items, list) or len(items) < 2 or not any(not p.ours for p in found):
        return False
    figures = [f for f in reading.figures if f.rule == rule.id and f.slot == key and f.role == INPUT]
    if len(figures) != len(items):
        return False
    hits = [(p.start, MET if p.ours else NOT_MET) for p in found]
    said = frame.conditions.get(name) if frame is not None else None
    hits += [(s.start, MET if s.met else NOT_MET) for s in (said.signals if said else ())]
    marks = kinds(reading.text, figures, {}, hits)
    outside = [i for i, m in enumerate(marks) if m == NOT_MET]
    if not outside or len(outside) == len(items):
        return False
    args[key] = [v for i, v in enumerate(items) if i not in outside]
    if frame is not None:
        frame.excluded += [(figures[i], spec.statement) for i in outside]
    return True


_LOCATED_AFTER = re.compile(r"\s*(都|均|全|全部)?\s*(在|位于|来自|是)\s*")


def _users_inside(reading: Reading, rule: RuleSpec, args: dict[str, Any], condition: str) -> bool:
    """ "一共6家：滨江3家、上海2家、宁波1家", "8家，其中3家在苏州，其余5家都在滨江": parts of the users' count located by
    a place; the count is those inside (those said inside, else the total less those outside), and the place
    condition is met when any is. False when no part of the count is located."""
    slots = [n for n, s in rule.slots.items() if s.kind == "count"]
    if not slots:
        return False
    slot, unit = slots[0], (rule.slots[slots[0]].units or ("家",))[0]
    text = reading.text
    parts: list[tuple[int, bool]] = []
    for f in reading.figures:
        if f.mention.kind != COUNT or f.mention.unit != unit:
            continue
        for p in reading.places.items:
            before = p.end <= f.start and text[p.end : f.start].strip() in ("", "有")
            after = f.end <= p.start and _LOCATED_AFTER.fullmatch(text, f.end, p.start) is not None
            if before or after:
                parts.append((int(f.mention.value), p.ours))
                break
    if not parts:
        return False
    outside = sum(n for n, ours in parts if not ours)
    said_inside = [n for n, ours in parts if ours]
    total = args.get(slot)
    inside = sum(said_inside) if said_inside else (int(total) - outside if isinstance(total, int) else 0)
    args[slot] = max(inside, 0)
    args[condition] = inside > 0
    return True


_ALTERNATIVE = re.compile(r"要么|或者|还是|或|也许|可能|或许|不然就是")
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?\s*(?:到|至|~|～|—|-)\s*(\d+(?:\.\d+)?)\s*(万|亿)")


def alternatives(reading: Reading) -> list[Any]:
    """Two values offered for one figure ("要么320万要么280万", "900到1100万之间"): both, to be asked back."""
    from decimal import Decimal

    m = _RANGE.search(reading.text)
    if m is not None:
        unit = Decimal(10000) if (m.group(2) or m.group(4)) == "万" else Decimal(100_000_000)
        return [Decimal(m.group(1)) * unit, Decimal(m.group(3)) * unit]
    money = [f for f in reading.figures if f.used and f.mention.kind == MONEY]
    for a, b in zip(money, money[1:], strict=False):
        between = reading.text[a.end : b.start]
        if a.slot == b.slot and a.rule == b.rule and _ALTERNATIVE.search(between) and len(between) <= 6:
            return [a.mention.value, b.mention.value]
    return []


def _rules_with_inputs(reading: Reading, figures: list[Figure]) -> list[RuleSpec]:
    ids = list(dict.fromkeys(f.rule for f in figures if f.role == INPUT and f.rule))
    found = [reading.vocabulary.rule(i) for i in ids]
    rules = [r for r in found if r is not None]
    # Rules whose facts are not figures (a standard's items, an award's tier) count when named.
    for rule in reading.rules:
        if rule not in rules and rule.tool and _has_own_facts(reading, rule):
            rules.append(rule)
    # In the order the message gives their figures ("采购设备600万和芯片400万": equipment, then chips).
    first = {}
    for f in figures:
        if f.role == INPUT and f.rule and f.rule not in first:
            first[f.rule] = f.start
    named = {h.rule.id: h.start for h in reading.hits}
    return sorted(rules, key=lambda r: first.get(r.id, named.get(r.id, len(reading.text))))


def _has_own_facts(reading: Reading, rule: RuleSpec) -> bool:
    money_slots = [s for s in rule.slots.values() if s.kind in ("money", "money_list")]
    if money_slots:
        return False
    frame = frame_of(reading, rule)
    return bool(frame.args)
