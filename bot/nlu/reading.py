"""One message read against a pack's vocabulary: typos fixed, figures with roles, rules named, places."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

from bot.nlu.figure import EXCLUDED, INPUT, Figure, RuleHit
from bot.nlu.gloss import gloss
from bot.nlu.lang import Language, language
from bot.nlu.mentions import MONEY, Mention, find_mentions
from bot.nlu.places import Places, find_places, own_zone_denied
from bot.nlu.roles import assign
from bot.nlu.spans import Layout, find_words
from bot.nlu.typos import Homophones
from bot.packs.vocabulary import RuleSpec, Vocabulary


@dataclass(frozen=True)
class Reading:
    """What a message says, before anything is decided."""

    text: str
    vocabulary: Vocabulary
    mentions: tuple[Mention, ...]
    hits: tuple[RuleHit, ...]
    figures: tuple[Figure, ...]
    places: Places
    lang: Language
    zone_denied: bool = False
    context: RuleSpec | None = None
    # What the deciders work out from this reading more than once (bot.decide.frame_cache), for its life.
    frames: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def rules(self) -> list[RuleSpec]:
        """The rules named, in order, each once."""
        return list({h.rule.id: h.rule for h in self.hits}.values())

    @property
    def first_rule(self) -> RuleSpec | None:
        """The rule the message is about: the most specific one named (vocabulary order)."""
        named = {h.rule.id for h in self.hits}
        return next((r for r in self.vocabulary.rules if r.id in named), None)

    @property
    def inputs(self) -> list[Figure]:
        return [f for f in self.figures if f.role == INPUT]

    @property
    def money_inputs(self) -> list[Figure]:
        return [f for f in self.inputs if f.mention.kind == MONEY]

    @cached_property
    def is_question(self) -> bool:
        return bool(self.lang.question.search(self.text))

    @cached_property
    def yes_no(self) -> bool:
        return bool(self.lang.yes_no.search(self.text))

    def act(self, name: str) -> bool:
        return bool(self.lang.acts[name].search(self.text))

    def asks(self, name: str) -> bool:
        """The act said of the conversation, not of one of this message's figures: "流通收益一共240万" states a
        figure ("一共" right before it), "一共能补多少" asks for the sum."""
        starts = {f.start for f in self.figures}
        return any(
            not any(
                self.lang.acts["of_figure"].fullmatch(self.text, m.end(), at)
                for at in starts
                if at >= m.end()
            )
            for m in self.lang.acts[name].finditer(self.text)
        )

    def unused(self) -> list[Figure]:
        """Figures in the message that fill no slot, for the answer to name."""
        return [f for f in self.figures if not f.used and f.role != "bound"]


def rule_hits(text: str, vocabulary: Vocabulary) -> list[RuleHit]:
    """Every place a rule is named, leftmost-longest (a name inside another rule's longer one is not a hit),
    rules tried in vocabulary order on overlaps; a name never
    runs over a clause break ("研发投入1.1亿元，其中EDA…" does not name the EDA R&D rule in its first clause)."""
    found: list[RuleHit] = []
    clauses = Layout.of(text).clause_starts
    spans = [(a, b - 1) for a, b in zip(clauses, clauses[1:], strict=False)] + [(clauses[-1], len(text))]
    # A clause that is only a noun phrase ("非关联企业自主研发、首次上市的模组，2025年一共采购了700万") is the
    # topic of the clause after it: the two are one span, so that a pattern may name the object and the act.
    topic = language().topic_clause
    spans += [(a, d) for (a, b), (_, d) in zip(spans, spans[1:], strict=False) if topic.fullmatch(text, a, b)]
    for rule in vocabulary.rules:
        rx = rule.name_regex
        if rx is None or (not rule.names_need_clause_scan and rx.search(text) is None):
            continue
        for lo, hi in spans:
            for m in rx.finditer(text, lo, max(lo, hi)):
                if m.end() > m.start() and all(
                    (h.start, h.end) != m.span() or h.rule is not rule for h in found
                ):
                    found.append(RuleHit(rule, m.start(), m.end()))
    ranked = {r.id: i for i, r in enumerate(vocabulary.rules)}
    found.sort(key=lambda h: (h.start, ranked[h.rule.id]))
    out: list[RuleHit] = []
    for hit in found:
        # A name inside a longer name of another rule is part of it ("专属算力资源" names no computing rule).
        inside = any(
            o.start <= hit.start and hit.end <= o.end and o.end - o.start > hit.end - hit.start
            for o in found
            if o.rule.id != hit.rule.id and text[o.start : o.end] in o.rule.names  # a name, not a pattern
        )
        if not inside and not any(
            o.start <= hit.start < o.end
            and o.rule.id != hit.rule.id
            and ranked[o.rule.id] < ranked[hit.rule.id]
            for o in out
        ):
            out.append(hit)
    return _family_members(text, out, vocabulary)


def _family_members(text: str, hits: list[RuleHit], vocabulary: Vocabulary) -> list[RuleHit]:
    """A name shared by a rule family ("换成另一家供应商的主控芯片": 供应商 names 芯机联动 as a whole) is the
    member whose marker its clause writes, when no marker of the named member's own is there."""
    layout = Layout.of(text)
    out = []
    for hit in hits:
        rule = hit.rule
        if rule.family and text[hit.start : hit.end] in rule.names:
            lo, hi = layout.clause_span(hit.start)
            marked = [
                r
                for r in vocabulary.family(rule.family)
                if any(re.search(mk, text[lo:hi]) for mk in r.markers)
            ]
            if len(marked) == 1 and marked[0] is not rule:
                hit = RuleHit(marked[0], hit.start, hit.end)
        out.append(hit)
    return out


def _as_applicant(
    text: str, figures: list[Figure], hits: Sequence[RuleHit], lang: Language
) -> tuple[Figure, ...]:
    """ "我们是经认定的集成电路公共技术平台，购置测试设备和IP核验证软件共投入2500万": the user is the applicant a rule
    names (`applicant: true`), so its spending with a cue of that rule in the figure's clause is that rule's
    input, whatever object another rule names there (IP, EDA, 设备采购)."""
    layout = Layout.of(text)
    rules = [
        h.rule
        for h in hits
        if h.rule.applicant and lang.applicant_before.search(text, layout.clause_span(h.start)[0], h.start)
    ]
    if not rules:
        return tuple(figures)
    rule = rules[0]
    slot = rule.default_slot()
    cues = [c for s in rule.slots.values() for c in s.cues]
    excludes = [c for s in rule.slots.values() for c in s.excludes]
    out = []
    for f in figures:
        start, _ = layout.clause_span(f.start)
        own = text[start : f.start]
        if (
            # "采购EDA服务器、测试机台等研发设备…8000万": servers are a platform's R&D equipment, not another object
            (f.role == INPUT or (f.role == EXCLUDED and f.label not in excludes))
            and f.mention.kind == MONEY
            and f.rule != rule.id
            and any(c in own for c in cues)
            and not any(c in own for c in excludes)
        ):
            f = replace(f, role=INPUT, rule=rule.id, slot=slot)
        out.append(f)
    return tuple(out)


def _without_parties(text: str, hits: tuple[RuleHit, ...], lang: Language) -> tuple[RuleHit, ...]:
    """ "买了一家国产刻蚀设备厂首次上市的设备": a name inside another rule's longer hit that, after a determiner of
    someone else, heads a party (厂, 公司: zh.yaml party_after) is who sold, not what — that rule's hit stands.
    So is a bare party word naming a rule ("采购一套EDA工具，供应商还在谈价格") beside a rule of another clause named in
    its sentence: the seller of that rule's thing."""
    layout = Layout.of(text)
    out = []
    for hit in hits:
        outer = any(o.rule.id != hit.rule.id and o.start <= hit.start and hit.end < o.end for o in hits)
        before = text[max(0, hit.start - 8) : hit.start]
        party = (
            outer
            and lang.party_after.match(text, hit.end)
            and re.search(f"(?:{lang.indefinite})[^，,。；;]{{0,4}}$", before)
        )
        seller = lang.party_after.fullmatch(text, hit.start, hit.end) and any(
            o.rule.clause != hit.rule.clause and o.rule.tool and layout.same_sentence(o.start, hit.start)
            for o in hits
        )
        if not party and not seller:
            out.append(hit)
    return tuple(out)


def _asked(text: str, hits: tuple[RuleHit, ...], lang: Language) -> tuple[RuleHit, ...]:
    """ "公共技术平台，主要对外提供IP核和先进封测服务，研发设备投入3000万": names inside what the subject offers
    are not what the message asks about, when some rule is named outside such a phrase."""
    spans = [(m.start(), m.end()) for m in lang.offers.finditer(text)]
    if not spans:
        return hits
    outside = tuple(h for h in hits if not any(a <= h.start and h.end <= b for a, b in spans))
    return outside or hits


_EXAMPLE = re.compile(r"[、和及与\sA-Za-z0-9\u4e00-\u9fff]{0,10}?等")
# Between a name and the cue word it qualifies: the rest of its word ("IP核软件") and more names joined to it
# ("IP核及EDA软件"); nothing else ("训练数据标注花了45万" is no modifier of 花了).
_QUALIFIES = r"[\u4e00-\u9fff]??(?:[、和及与/][A-Za-z0-9\u4e00-\u9fff]{1,6}?)*?"


def _without_examples(text: str, hits: tuple[RuleHit, ...], vocabulary: Vocabulary) -> tuple[RuleHit, ...]:
    """ "EDA、IP等软件投入900万" beside a platform: names listed as examples of a thing (X等 + a cue of another
    rule named in the message) are not what the message names; that rule's cue is. So is a name written
    before a cue of a rule named earlier in its sentence, which it qualifies ("经认定的…公共技术平台，研发设备和
    EDA软件投入三千六百万": the platform's software), unless the cue is one of the name's own rule or its
    siblings ("IP费用")."""
    layout = Layout.of(text)
    cues = {h.rule.id: [c for s in h.rule.slots.values() for c in s.cues] for h in hits}
    out = []
    for hit in hits:
        kin = {hit.rule.id, *(r.id for r in vocabulary.siblings(hit.rule))}
        others = [c for rid, words in cues.items() if rid not in kin for c in words]
        m = _EXAMPLE.match(text, hit.end) if "等" in text else None
        after = text[m.end() : m.end() + 8] if m else ""
        example = m is not None and any(after.startswith(c) for c in others)
        if not example and not _qualifies(text, hit, hits, kin, vocabulary, layout):
            out.append(hit)
    return tuple(out) if out else hits


def _qualifies(
    text: str, hit: RuleHit, hits: tuple[RuleHit, ...], kin: set[str], vocabulary: Vocabulary, layout: Layout
) -> bool:
    """Is the name at `hit` the modifier of a cue word of a rule named before it in its sentence?"""
    earlier = {h.rule.id for h in hits if h.start < hit.start and layout.same_sentence(h.start, hit.start)}
    theirs = [c for h in hits if h.rule.id in earlier - kin for s in h.rule.slots.values() for c in s.cues]
    if not theirs:
        return False
    own = {c for r in vocabulary.rules if r.id in kin for s in r.slots.values() for c in s.cues}
    found = re.match(
        _QUALIFIES + "(" + "|".join(map(re.escape, sorted(theirs, key=len, reverse=True))) + ")",
        text[hit.end :],
    )
    return found is not None and not any(text[hit.end + found.start(1) :].startswith(c) for c in own)


def _denied_name(text: str, hit: RuleHit, lang: Language) -> bool:
    """ "研发投入8000万（主要是芯片设计，不是EDA）": a name after 不是/并非 says what the message is not about —
    unless it is how the rule's own condition is denied ("不是首次流片" is about tape-out, and fails it)."""
    lo = Layout.of(text).clause_span(hit.start)[0]
    if not lang.denied.search(text[max(lo, hit.start - 5) : hit.start]):
        return False
    phrases = [(n, w) for n, c in hit.rule.conditions.items() for w in c.positive]
    return not any(h.start <= hit.start < h.end for h in find_words(text, phrases))


def inferred_rule(text: str, vocabulary: Vocabulary) -> RuleSpec | None:
    """A rule no name of which is written, told by a cue word only its slots use ("场地租赁支出400万")."""
    found = {rule_id for cue, rule_id in vocabulary.unique_cues.items() if cue in text}
    return vocabulary.rule(found.pop()) if len(found) == 1 else None


PlaceWords = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
_PLACE_TERMS: dict[int, tuple[Vocabulary, PlaceWords]] = {}  # the vocabulary kept: its id stays its own


def place_words(vocabulary: Vocabulary) -> PlaceWords:
    """The pack's jurisdiction, its own terms (a place name inside one of them, 杭州人工智能计算中心, is not a
    place) and its higher jurisdictions, as tuples built once per vocabulary."""
    key = id(vocabulary)
    if key not in _PLACE_TERMS or _PLACE_TERMS[key][0] is not vocabulary:
        document = vocabulary.document
        words = (
            tuple(document.jurisdiction),
            tuple(_place_terms(vocabulary)),
            tuple(document.higher_jurisdictions),
        )
        _PLACE_TERMS[key] = (vocabulary, words)
    return _PLACE_TERMS[key][1]


def _place_terms(vocabulary: Vocabulary) -> list[str]:
    words = [*vocabulary.document.domain]
    for rule in vocabulary.rules:
        words += rule.names
        for cond in rule.conditions.values():
            words += cond.positive + cond.negative + [cond.quote]
        for slot in rule.slots.values():
            words += [w for ws in slot.values.values() for w in ws]
            if slot.items:
                words += [
                    w for values in slot.items.attributes.values() for ws in values.values() for w in ws
                ]
    return words


def _asked_cues(
    text: str, hits: Sequence[RuleHit], layout: Layout, lang: Language
) -> tuple[tuple[str, str, str, str], ...]:
    """Every slot cue of a rule named in the clause that asks for the amount ("…合同80万已经登记了，…创新券能补
    多少"): a figure with no cue of its own rule and one of these is the asked rule's."""
    asked = {
        h.rule.id: h.rule
        for h in hits
        if h.rule.tool and lang.asks_amount.search(text, *layout.clause_span(h.start))
    }
    return tuple(
        (slot.kind, rule.id, name, cue)
        for rule in asked.values()
        for name, slot in rule.slots.items()
        for cue in slot.cues
        if len(cue) < 3
    )


def read(
    text: str,
    vocabulary: Vocabulary,
    homophones: Homophones | None = None,
    context: RuleSpec | None = None,
    today: date | None = None,
) -> Reading:
    """Read a normalized message; `context` is the rule the conversation is about (for bare figures)."""
    lang = language()
    fixed = gloss(text, vocabulary.glossary + lang.glossary)
    named_as_written = rule_hits(fixed, vocabulary)
    if homophones is not None:
        corrected = homophones.correct(fixed, short_terms=not named_as_written)
        if corrected != fixed:  # the names are found again only in a text that changed
            fixed, named_as_written = corrected, rule_hits(corrected, vocabulary)
    mentions = tuple(find_mentions(fixed, today))
    hits = _asked(fixed, tuple(h for h in named_as_written if not _denied_name(fixed, h, lang)), lang)
    hits = _without_parties(fixed, _without_examples(fixed, hits, vocabulary), lang)
    if not hits and context is None:
        context = inferred_rule(fixed, vocabulary)
    layout = Layout.of(fixed)

    def candidates(rule: RuleSpec, at: int) -> list[RuleSpec]:
        """Rules a figure may move to by its own cue: the rule's siblings, and the rules named in its clause."""
        kin = vocabulary.siblings(rule)
        named = {h.rule.id: h.rule for h in hits if h.rule.tool and layout.same_clause(h.start, at)}
        return kin + [r for r in named.values() if r.id != rule.id and r not in kin]

    named = {h.rule.id for h in hits}
    # A word only for an amount ("合同金额壹仟伍佰万" after a first tape-out is its fee) is a cue of its own rules
    # but never makes a figure another rule's (bot/nlu/zh.yaml generic_amounts).
    generic = lang.generic_amounts
    foreign = tuple(
        c
        for c in vocabulary.long_cues + tuple(c for c in vocabulary.sole_cues if c[1] in named)
        if c[3] not in generic
    )
    foreign += _asked_cues(fixed, hits, layout, lang)
    figures = _as_applicant(
        fixed, assign(fixed, mentions, hits, lang, context, candidates, foreign), hits, lang
    )
    jurisdiction, terms, higher = place_words(vocabulary)
    places = find_places(fixed, lang, jurisdiction, terms, higher)
    return Reading(
        fixed,
        vocabulary,
        mentions,
        hits,
        figures,
        places,
        lang,
        own_zone_denied(fixed, jurisdiction, lang),
        context,
    )
