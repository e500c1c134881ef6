"""A rule's arguments from one message: its figures (by role), its stated conditions (by polarity), its
dates, terms, choices and structured items — each slot filled only from what the message says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bot.nlu.asides import said_as_total
from bot.nlu.figure import BOUND, INPUT, Figure
from bot.nlu.items import structured_items
from bot.nlu.lang import Language, language
from bot.nlu.markers import kinds, net_of_parts
from bot.nlu.mentions import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    SPREAD,
    TERM,
    YEAR,
    Mention,
    loan_period,
    months_since_founding,
)
from bot.nlu.polarity import MET, NOT_MET, Signal, Stated, argument, negated, stated
from bot.nlu.spans import Layout
from bot.packs.vocabulary import ConditionSpec, RuleSpec, SlotSpec

Args = dict[str, Any]


@dataclass
class Frame:
    """What one message says for one rule: its arguments, and the figures left out (with why)."""

    rule: RuleSpec
    args: Args = field(default_factory=dict)
    excluded: list[tuple[Figure, str]] = field(default_factory=list)
    conditions: dict[str, Stated] = field(default_factory=dict)


def _values(text: str, rule: RuleSpec, figures: list[Figure], slots: list[str | None]) -> list[Decimal]:
    """Amounts, a part named after 其中 taken out of its total when both are items of lists; a part that has
    a slot of its own (关联企业交易额 inside 年交易额) is left for the calculator to take out."""
    values = [f.mention.value for f in figures]
    lists = [s is not None and rule.slots[s].kind == "money_list" for s in slots]
    netted = net_of_parts(text, figures, values)
    return [n if is_list else v for n, v, is_list in zip(netted, values, lists, strict=True)]


def _exact(figures: list[Figure]) -> list[Figure]:
    """A threshold named next to the exact figure is left out ("超过5000万，具体是5200万")."""
    exact = [f for f in figures if f.role == INPUT]
    return exact or [f for f in figures if f.role == BOUND and f.label != "tier"]


def _money_slots(rule: RuleSpec) -> list[tuple[str, SlotSpec]]:
    return [(n, s) for n, s in rule.slots.items() if s.kind in ("money", "money_list")]


def _slot_of_kind(text: str, rule: RuleSpec, figures: list[Figure], signoff_flag: bool) -> list[str | None]:
    """For rules whose money slots differ by kind marker (签核中心 vs 普通 EDA): each figure's slot."""
    markers = {n: s.markers for n, s in _money_slots(rule) if s.markers}
    found = kinds(text, figures, markers)
    default = rule.default_slot()
    marked = [n for n, s in _money_slots(rule) if s.markers and n != default]
    # An amount no kind is written next to is the default kind when others are marked; with the other
    # kind's word said once for the whole message ("签核中心企业研发的，花了120万"), it is that kind.
    unmarked_default = marked[0] if signoff_flag and not any(found) and marked else default
    slots = [k or unmarked_default for k in found]
    values = [f.mention.value for f in figures]
    netted = net_of_parts(text, figures, values)
    for i in range(1, len(slots)):
        # "一共300万，其中签核中心的100万": what is left of the total is the other kind.
        if netted[i - 1] != values[i - 1] and slots[i - 1] == slots[i]:
            slots[i - 1] = next((n for n, _ in _money_slots(rule) if n != slots[i]), slots[i - 1])
    return slots


def _fill_money(text: str, frame: Frame, figures: list[Figure], lang: Language) -> None:
    rule = frame.rule
    mine = _exact([f for f in figures if f.rule == rule.id and f.mention.kind == MONEY])
    if not mine:
        return
    # A threshold said alone ("超过6000万") is still the user's figure, in the rule's default slot.
    cue_slots = [f.slot or (rule.default_slot() if f.role == BOUND else None) for f in mine]
    if any(s.markers for _, s in _money_slots(rule)) and len(_money_slots(rule)) > 1:
        marked_words = any(re.search(p, text) for _, s in _money_slots(rule) for p in s.markers)
        slot_names = (
            _slot_of_kind(text, rule, mine, marked_words)
            if _kind_slots_share_cues(rule, cue_slots)
            else cue_slots
        )
    else:
        slot_names = cue_slots
    values = _values(text, rule, mine, slot_names)
    mine, values, slot_names = _item_conditions(text, frame, mine, values, slot_names, lang)
    for figure, value, slot_name in zip(mine, values, slot_names, strict=True):
        if slot_name is None or value <= 0:
            continue
        spec = rule.slots[slot_name]
        if spec.kind == "money":
            frame.args[slot_name] = frame.args.get(slot_name, Decimal(0)) + value * figure.times
        else:
            frame.args.setdefault(slot_name, []).extend([value] * figure.times)


def _kind_slots_share_cues(rule: RuleSpec, cue_slots: list[str | None]) -> bool:
    """Kind markers decide only between slots whose cues are the same words (the two EDA lists)."""
    slots = _money_slots(rule)
    return len({tuple(s.cues) for _, s in slots}) == 1 or not any(cue_slots)


def _item_conditions(
    text: str,
    frame: Frame,
    figures: list[Figure],
    values: list[Decimal],
    slots: list[str | None],
    lang: Language,
) -> tuple[list[Figure], list[Decimal], list[str | None]]:
    """A condition that can fail for one item only ("另一次300万不是首次", "一份是阿里云的40万"): items the
    user marks as failing leave the list; when every item fails, they stay and the condition is false."""
    for name, spec in frame.rule.conditions.items():
        if not spec.items or name not in frame.conditions or not figures:
            continue
        signals = frame.conditions[name].signals
        hits = [(s.start, MET if s.met else NOT_MET) for s in signals]
        marks = kinds(text, figures, {}, hits)
        marks = _contrasted(text, figures, _complement(text, figures, values, marks), lang)
        if len(figures) == 1:
            # One item whose own clause says the condition is met ("再加一份计算中心的30万"): that decides,
            # whatever another clause says about something else ("阿里云那份不算了").
            layout = Layout.of(text)
            own = [s for s in signals if layout.same_clause(s.start, figures[0].start)]
            if own and all(s.met for s in own):
                frame.conditions[name] = Stated(name, True, own[0].said, tuple(own))
            continue
        keep = [i for i, m in enumerate(marks) if m != NOT_MET]
        if keep and len(keep) < len(figures):
            for i, m in enumerate(marks):
                if m == NOT_MET:
                    frame.excluded.append((figures[i], spec.statement))
            figures = [figures[i] for i in keep]
            values = [values[i] for i in keep]
            slots = [slots[i] for i in keep]
            met = [s for s in signals if s.met]
            frame.conditions[name] = Stated(name, True, met[0].said if met else "", tuple(met))
    return figures, values, slots


def _complement(
    text: str, figures: list[Figure], values: list[Decimal], marks: list[str | None]
) -> list[str | None]:
    """ "一共2000万，其中首次流片的1200万": what is left of the total does not meet what the part meets."""
    out = list(marks)
    for i in range(len(figures) - 1):
        split = values[i] != figures[i].mention.value
        if split and out[i + 1] == MET and marks[i] is None:
            out[i] = NOT_MET
    return out


def _contrasted(
    text: str, figures: list[Figure], marks: list[str | None], lang: Language
) -> list[str | None]:
    """ "自研首发的设备1780万；同期其他进口设备3000万": an item its own clause sets against the items said to meet
    the condition (其他/其余…, before it, with no signal of its own) does not meet it."""
    if MET not in marks:
        return marks
    layout = Layout.of(text)
    out = list(marks)
    for i, f in enumerate(figures):
        start, _ = layout.clause_span(f.start)
        if out[i] is None and MET in marks[:i] and lang.contrast.search(text[start : f.start]):
            out[i] = NOT_MET
    return out


def _unmarked(text: str, figures: list[Figure], signals: tuple[Signal, ...]) -> bool:
    """Some figure's clause carries no signal of the condition at all (it keeps the default)."""
    markers = {"x": [re.escape(s.said) for s in signals]}
    return None in kinds(text, figures, markers)


def _fill_counts(text: str, frame: Frame, figures: list[Figure], mentions: list[Mention]) -> None:
    rule = frame.rule
    counts = [
        f for f in figures if f.rule == rule.id and f.mention.kind == COUNT and f.role == INPUT and f.slot
    ]
    # A count said as the running total ("又多了一家…现在一共4家了") wins, then one named by its cue ("其中非关联
    # 企业2家") over one that only took the default.
    said_total = {f.start for f in counts if said_as_total(text, f.start, language())}
    for f in sorted(counts, key=lambda f: (f.start not in said_total, not f.label)):
        slot = str(f.slot)
        if rule.slots[slot].kind == "count":
            frame.args.setdefault(slot, int(f.mention.value) - _excluded_part(text, f, figures))
    for name, spec in rule.slots.items():
        # "第4家非关联企业也接入了": the fourth one is the count now.
        nth = [m for m in mentions if m.kind == "ordinal" and spec.kind == "count" and m.unit in spec.units]
        if nth and name not in frame.args:
            frame.args[name] = int(nth[-1].value)


def _excluded_part(text: str, total: Figure, figures: list[Figure]) -> int:
    """ "一共5家企业调用，其中3家是我们的关联公司", "这6家里面3家是集团的子公司": the part the slot excludes
    comes off the total."""
    parts = [
        f
        for f in figures
        if f.mention.kind == COUNT
        and f.role == "excluded"
        and f.start > total.end
        and language().part_of.search(text[total.end : f.start])
    ]
    return int(parts[0].mention.value) if parts and parts[0].mention.value < total.mention.value else 0


_NONE_OF_IT = re.compile(r"\s*(?:的)?(?:一笔|一分|一家)?\s*(?:都|也)?\s*(?:没有|没|为零|为0|是0|是零|等于0)")


def _zero_slots(text: str, frame: Frame, lang: Language) -> None:
    """ "要是关联交易一笔都没有呢", "没有关联交易": an optional amount the user says is nil is 0."""
    from bot.nlu.polarity import negated

    default = frame.rule.default_slot()
    for name, spec in frame.rule.slots.items():
        if spec.kind != "money" or name == default or name in frame.args:
            continue
        for cue in spec.cues:
            for m in re.finditer(re.escape(cue), text):
                if _NONE_OF_IT.match(text, m.end()) or negated(text, m.start(), lang):
                    frame.args[name] = Decimal(0)


def _fill_percents(frame: Frame, figures: list[Figure]) -> None:
    for f in figures:
        if f.rule == frame.rule.id and f.mention.kind == PERCENT and f.role == INPUT and f.slot:
            frame.args.setdefault(f.slot, f.mention.value)


def _fill_spreads(frame: Frame, mentions: list[Mention]) -> None:
    """ "贷款利率是LPR减20个基点": the spread, for a slot of basis points."""
    spreads = [m for m in mentions if m.kind == SPREAD]
    for name, spec in frame.rule.slots.items():
        if spec.kind == "basis_points" and spreads:
            frame.args[name] = int(spreads[0].value)


_LIST_JOIN = re.compile(r"\s*(、|，|,|和|或|或者|及|以及|与)\s*")


def _fill_enums(text: str, frame: Frame, lang: Language) -> None:
    """A choice (级别, 档次) read from its words nearest to the rule's own name in that name's clause, else its
    own words first ("承担过国家重点研发项目，目前是市级…平台": 市级), then the first written; never a denied one."""
    rx = frame.rule.name_regex
    layout = Layout.of(text)
    names = [m.start() for m in rx.finditer(text)] if rx is not None else []
    for name, spec in frame.rule.slots.items():
        if spec.kind != "enum":
            continue
        # (not the value's own word, position, value): "市级" before the bare 国家 of 国家重点研发项目; a denied word
        # ("（只是市级，不是国家级也不是省级）") is no choice.
        said = sorted(
            (m.start(), m.end(), w != value, value)
            for value, words in spec.values.items()
            for w in words
            for m in re.finditer(re.escape(w), text)
            if not lang.options_after.match(text, m.end())  # "三档里中间那档": the set of choices, not one
        )
        # A denial covers the list it heads ("没有获得国家级、省级认定": neither is the choice).
        denied: list[bool] = []
        for i, (at, _, _, _) in enumerate(said):
            before = [j for j in range(i) if said[j][1] <= at]  # the last word ending before this one
            listed = bool(before) and _LIST_JOIN.fullmatch(text[said[before[-1]][1] : at]) is not None
            attained = lang.attainment_denied.search(text[max(0, at - 8) : at]) is not None
            denied.append(negated(text, at, lang) or attained or (listed and denied[before[-1]]))
        found = [(own, at, v) for (at, _, own, v), no in zip(said, denied, strict=True) if not no]
        if not found:
            if said and spec.otherwise:
                frame.args[name] = spec.otherwise  # every level said is denied: none of them
            continue
        near = [(abs(at - n), at, v) for _, at, v in found for n in names if layout.same_clause(at, n)]
        value = min(near)[2] if near else min(found)[2]
        frame.args[name] = int(value) if value.isdigit() else value


_PERIOD_END = re.compile(r"^\s*(?:至|到|~|～|—|-)\s*$")


def _date_of_money(text: str, frame: Frame, dates: list[Mention], figures: list[Figure]) -> Mention:
    """The date written last before the rule's own money figure ("2024年2月被引进…2025年6月贷了400万": the
    loan's date is 2025年6月) — the start of a period that ends there ("2024年8月1日至2025年7月31日贷款") —
    else the first date."""
    money = [f for f in figures if f.rule == frame.rule.id and f.used and f.mention.kind == MONEY]
    before = [d for d in dates if money and d.end <= money[0].start]
    if not before:
        return dates[0]
    if len(before) > 1 and _PERIOD_END.match(text[before[-2].end : before[-1].start]):
        return before[-2]
    return before[-1]


def _dates(text: str, frame: Frame, mentions: list[Mention], figures: list[Figure]) -> None:
    """Loan date, founding or arrival date (the later of the two: 设立或引进), and the loan's term."""
    slots = frame.rule.slots
    dates = [m for m in mentions if m.kind == DATE]
    founding = [m.value for m in dates if m.founding]
    # A founding year alone dates from 1 January; a relative year ("去年成立") is too vague to date it.
    founding += [
        date(int(m.value), 1, 1) for m in mentions if m.kind == YEAR and m.raw[:1].isdigit() and m.founding
    ]
    if "established_date" in slots and founding:
        frame.args["established_date"] = max(founding)
    loans = [m for m in dates if not m.founding]
    if "loan_date" in slots and loans:
        frame.args["loan_date"] = _date_of_money(text, frame, loans, figures).value
    terms = [m for m in mentions if m.kind == TERM]
    if terms and "term_months" in slots:
        frame.args["term_months"] = terms[0].value
    elif "term_months" in slots and (period := loan_period(mentions, text)):
        frame.args[period[0]] = period[1]
    age = months_since_founding(text)
    if age is not None and "established_date" in slots and "established_date" not in frame.args:
        # "成立两年", "成立18个月": within the three-year window (inclusive); "成立三年多" is past it.
        months, more = age
        frame.args["within_three_years"] = months < 36 or (months == 36 and not more)


def _dated_items(text: str, frame: Frame, mentions: list[Mention], figures: list[Figure]) -> None:
    """ "贷款两笔：2024年6月300万、2025年1月200万": a money slot whose figures each have a date of their own
    (the last one written since the figure before) keeps the first, the others go to the slot's dated list.
    A figure with no date of its own shares the one before's in the same clause ("2024年9月贷了200万和100万");
    in a clause of its own ("…；另外还有一笔贷款100万") it is undated (SPEC: no loan date → the latest LPR)."""
    layout = Layout.of(text)
    for name, spec in frame.rule.slots.items():
        if spec.dated is None:
            continue
        mine = [f for f in figures if f.rule == frame.rule.id and f.used and f.slot == name]
        dates = [m for m in mentions if m.kind == DATE and not m.founding]
        own: list[date | None] = []
        since = 0
        for i, f in enumerate(mine):
            before = [d.value for d in dates if since <= d.start and d.end <= f.start]
            shared = i > 0 and layout.same_clause(mine[i - 1].start, f.start)
            own.append(before[-1] if before else own[-1] if shared else None)
            since = f.end
        if len(mine) < 2 or len(set(own)) < 2 or any(f.times != 1 for f in mine):
            continue
        key, day = spec.dated.list, spec.dated.date
        frame.args[name] = mine[0].mention.value
        if own[0] is None:
            frame.args.pop(day, None)
        else:
            frame.args[day] = own[0]
        frame.args[key] = [{name: f.mention.value, day: d} for f, d in zip(mine[1:], own[1:], strict=True)]
        terms = _own_terms(mentions, mine) if spec.dated.term else []
        if spec.dated.term and any(t is not None for t in terms):
            # "2024年8月200万一年期；2025年6月300万期限6个月": each loan its own term (else the first's).
            if terms[0] is not None:
                frame.args[spec.dated.term] = terms[0]
            for item, term in zip(frame.args[key], terms[1:], strict=True):
                if term is not None:
                    item[spec.dated.term] = term


def _own_terms(mentions: list[Mention], figures: list[Figure]) -> list[int | None]:
    """The term written after each figure and before the next one, if any."""
    out: list[int | None] = []
    for i, f in enumerate(figures):
        end = figures[i + 1].start if i + 1 < len(figures) else 10**9
        terms = [m.value for m in mentions if m.kind == TERM and f.end <= m.start < end]
        out.append(int(terms[0]) if terms else None)
    return out


def _year(text: str, frame: Frame, mentions: list[Mention], figures: list[Figure]) -> None:
    slot = next((n for n, s in frame.rule.slots.items() if s.kind == "year"), None)
    if slot is None:
        return
    # The year of the figures used, when they share one ("2025年保费40万，2026年续保后50万，2026年那笔…");
    # else the first year or date written, founding ones aside ("2012年成立…2024年投保" insures in 2024).
    used = {f.year for f in figures if f.rule == frame.rule.id and f.used and f.mention.kind == MONEY}
    if len(used) == 1 and None not in used:
        frame.args[slot] = used.pop()
        return
    dated = [m for m in mentions if m.kind in (YEAR, DATE) and not m.founding]
    own = [m.value.year if m.kind == DATE else int(m.value) for m in dated]
    if own:
        frame.args[slot] = own[0]


def _fill_conditions(frame: Frame) -> None:
    # A condition decided by a place ("在滨江办") takes its phrasing here; the places of the message, when
    # found, decide over it (bot.decide.calls.place_conditions).
    for name, said in frame.conditions.items():
        spec: ConditionSpec = frame.rule.conditions[name]
        frame.args[name] = argument(spec, said.met)


def _without_hearsay(text: str, lang: Language) -> str:
    """The text with every clause that reports someone else's words blanked ("听说国家标准能拿30万，我们主导了
    一项国家标准…": the standard in the hearsay is nobody's item), unless the user's own words restart in it."""
    layout = Layout.of(text)
    out = text
    for start in layout.clause_starts:
        _, end = layout.clause_span(start)
        marker = lang.hearsay.search(text, start, end) if start < len(text) else None
        if marker is not None and not lang.restart.search(text, marker.end(), end):
            out = out[:start] + " " * (end - start) + out[end:]
    return out


def _items(text: str, frame: Frame, lang: Language) -> None:
    text = _without_hearsay(text, lang)
    for name, spec in frame.rule.slots.items():
        if spec.kind == "items" and spec.items is not None:
            items = structured_items(text, spec.items, lang)
            if items:
                frame.args[name] = items


# Figures that are not the user's own facts (a not-input is, unless it is someone else's: "别家报价要100万";
# "新引进的一位教授入选了…", "我们这家25人的小公司不做集成电路" state the user's facts beside a headcount).
_NOT_THE_USERS = ("hearsay", "claim", "excluded", "other_year", "denied", "other_entity")


def _own_statements(
    text: str,
    said: dict[str, Stated],
    figures: list[Figure],
    rule: RuleSpec,
    mentions: list[Mention],
    lang: Language,
) -> dict[str, Stated]:
    """Signals written in the clause of a figure that is not the user's ("别家报价要100万") describe that
    figure, not the user: they decide nothing. Nor do signals in a sentence whose amounts are all another
    call's ("设备1600万，供应商非关联；芯片400万，供应商是同一集团的": the related supplier is the chips' only)."""
    layout = Layout.of(text)
    theirs_labels = {r.label for r in lang.not_inputs if r.others}
    foreign = {
        layout.clause_of[f.start]
        for f in figures
        if f.role in _NOT_THE_USERS or (f.role == "not_input" and f.label in theirs_labels)
    }
    own = {layout.clause_of[f.start] for f in figures if f.used}
    money = [f for f in figures if f.used and f.mention.kind == MONEY]
    mine = {layout.sentence_of[f.start] for f in money if f.rule == rule.id}
    given = {f.start for f in figures}  # a per-year call is given its own year's figures only
    theirs = {layout.sentence_of[f.start] for f in money if f.rule != rule.id}
    theirs |= {layout.sentence_of[m.start] for m in mentions if m.kind == MONEY and m.start not in given}
    others = theirs - mine if mine else set()
    out = {}
    for name, st in said.items():
        kept = tuple(
            s
            for s in st.signals
            if layout.clause_of[s.start] not in foreign - own and layout.sentence_of[s.start] not in others
        )
        if kept:
            failing = [s for s in kept if not s.met]
            out[name] = Stated(name, not failing, (failing or list(kept))[0].said, kept)
    return out


def frame_for(
    rule: RuleSpec, text: str, mentions: list[Mention], figures: list[Figure], lang: Language
) -> Frame:
    """Everything this message gives for one rule (absent facts are left out, not guessed)."""
    frame = Frame(
        rule, conditions=_own_statements(text, stated(text, rule, lang), figures, rule, mentions, lang)
    )
    _fill_money(text, frame, figures, lang)
    _zero_slots(text, frame, lang)
    _fill_counts(text, frame, figures, mentions)
    _fill_percents(frame, figures)
    _fill_spreads(frame, mentions)
    _fill_enums(text, frame, lang)
    _dates(text, frame, mentions, figures)
    _dated_items(text, frame, mentions, figures)
    _year(text, frame, mentions, figures)
    _items(text, frame, lang)
    _fill_conditions(frame)
    return frame
