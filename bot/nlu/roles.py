"""The role of every figure in a message, from the words around it: which rule and slot it fills, or why it
fills none (hearsay, a claimed or asked-about result, a threshold, revenue, another year…).

The cue nearest before a figure (in its own clause, after any earlier figure of that clause) decides; a
figure with no cue of its own continues the list it belongs to, or takes the rule's default slot when its
clause names the rule. Cue words come from the pack's vocabulary (per slot) and bot/nlu/zh.yaml (roles that
are never inputs).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from bot.nlu.asides import guessed, never_input
from bot.nlu.figure import (
    CLAIM,
    DENIED,
    EXCLUDED,
    INPUT,
    NOT_INPUT,
    TOTAL,
    UNKNOWN,
    Figure,
    RuleHit,
)
from bot.nlu.lang import Language
from bot.nlu.mentions import COUNT, DATE, MONEY, NUMBER, PERCENT, YEAR, Mention
from bot.nlu.polarity import negated
from bot.nlu.spans import Hit, Layout, WordList, find_words
from bot.nlu.totals import totals
from bot.packs.vocabulary import RuleSpec

_SLOT_KINDS = {MONEY: ("money", "money_list"), COUNT: ("count",), PERCENT: ("percent",)}
# Words joining a figure to a description written after it ("600万的流片费", "300万是买IP做研发的").
_AFTER_LINK = ("的", "是", "用于", "用在", "花在", "做", "买", "给")


def _rule_of(
    pos: int,
    kind: str,
    hits: Sequence[RuleHit],
    layout: Layout,
    fallback: RuleSpec | None,
    figures_at: Sequence[int] = (),
) -> RuleSpec | None:
    """The rule a figure at pos belongs to: named in its clause (before, then after), earlier in its sentence
    or text, else named later in the message by a sentence with no figure of its own ("…一共采购了1000万。
    想问芯机联动这块能拿多少"); rules with no slot for this kind of figure ("租金") are passed over."""
    kinds = _SLOT_KINDS.get(kind, ())
    able = [h for h in hits if any(s.kind in kinds for s in h.rule.slots.values())]
    hits = [_enclosing(h, hits) for h in able or hits]
    own = [h for h in hits if layout.same_clause(h.start, pos)]
    before = [h for h in own if h.start < pos]
    if before:
        return before[-1].rule
    if own:
        return own[0].rule
    earlier = [h for h in hits if h.start < pos and layout.same_sentence(h.start, pos)]
    if earlier:
        return earlier[-1].rule
    earlier = [h for h in hits if h.start < pos]
    if earlier:
        return earlier[-1].rule
    # Not a rule named with figures of its own ("项目总投资8000万。另外…首次流片2300万").
    later = [
        h
        for h in hits
        if layout.same_period(h.start, pos)
        or not any(layout.same_sentence(h.start, at) for at in figures_at if at != pos)
    ]
    return later[0].rule if later else fallback


def _enclosing(hit: RuleHit, hits: Sequence[RuleHit]) -> RuleHit:
    """ "买了一家非关联企业自研首发的国产刻蚀设备2套": a name (刻蚀设备, 第4条's) that ends another rule's longer hit
    (the purchase pattern, whose object it is) stands for that rule; a name inside it does not ("买IP核450万用于
    先进工艺芯片": IP is bought, not chips)."""
    outer = [o for o in hits if o.rule.id != hit.rule.id and o.start < hit.start and hit.end == o.end]
    return RuleHit(outer[0].rule, hit.start, hit.end) if outer else hit


def _cue_words(
    rule: RuleSpec | None,
    kind: str,
    lang: Language,
    unit: str = "",
    siblings: Sequence[RuleSpec] = (),
) -> list[tuple[str, str]]:
    """(key, word): slot:<rule>:<name> for slot cues (the rule's own first, then its siblings': "自主研发投入"
    next to "EDA" is the R&D rule's, not the purchase rule's) and names, ex:<word> for exclusions, ni:<label>."""
    words: list[tuple[str, str]] = []
    slot_kinds = _SLOT_KINDS.get(kind, ())
    mine = [rule, *siblings] if rule is not None else []
    for i, owner in enumerate(mine):
        for name, slot in owner.slots.items():
            if slot.kind in slot_kinds and (not slot.units or unit in slot.units):
                words += [(f"slot:{owner.id}:{name}", w) for w in slot.cues]
                words += [(f"ex:{w}", w) for w in slot.excludes] if i == 0 else []
    if rule is not None:
        default = rule.default_slot()
        shared = {n for s in siblings for n in s.names}  # a name two rules share decides nothing
        if default and kind == MONEY:
            words += [(f"slot:{rule.id}:{default}", n) for n in rule.names if n not in shared]
            words += [(f"ex:{w}", w) for w in _other_objects(rule, lang)]
    cues = lang.not_inputs if kind != COUNT else lang.count_not_inputs
    for role in cues:
        words += [(f"ni:{role.label}", w) for w in role.cues]
    return words


# _cue_words by kind, unit and the identity of the rule, language and siblings (kept in the entry, so that no
# id is reused while it is cached): every figure of every message looks them up.
_CUES: dict[tuple[object, ...], tuple[tuple[object, ...], WordList]] = {}


def _cue_list(
    rule: RuleSpec | None, kind: str, lang: Language, unit: str, siblings: Sequence[RuleSpec]
) -> WordList:
    """_cue_words(...) built once (the vocabulary's rules and the language do not change)."""
    objects = (rule, lang, *siblings)
    key = (kind, unit, *map(id, objects))
    seen = _CUES.get(key)
    if seen is None or not all(a is b for a, b in zip(seen[0], objects, strict=True)):
        if len(_CUES) >= 4096:
            _CUES.clear()
        seen = _CUES[key] = (objects, WordList(tuple(_cue_words(rule, kind, lang, unit, siblings))))
    return seen[1]


def _other_objects(rule: RuleSpec, lang: Language) -> list[str]:
    """The objects of spending that are not this rule's (none the rule's names or cues mention)."""
    own = " ".join([*rule.names, *(c for s in rule.slots.values() for c in s.cues)])
    return [w for w in lang.other_objects if w not in own]


def _foreign_words(
    m: Mention,
    rule: RuleSpec | None,
    siblings: Sequence[RuleSpec],
    foreign: Sequence[tuple[str, str, str, str]],
) -> list[tuple[str, str]]:
    """Other rules' cues for this kind of figure, keyed other:<rule>:<slot> ("研发投入8000万" beside a tape-out
    question is not a tape-out fee)."""
    kinds = _SLOT_KINDS.get(m.kind, ())
    mine = {r.id for r in ([rule, *siblings] if rule is not None else [])}
    return [(f"other:{rid}:{sl}", w) for k, rid, sl, w in foreign if k in kinds and rid not in mine]


def _words_before(text: str, lo: int, hi: int, words: Iterable[tuple[str, str]], lang: Language) -> list[Hit]:
    """The words in the text, and those found in text[lo:hi] once the modifiers inside compound words are left
    out; a word inside a longer one found is not kept."""
    hits = find_words(text, words) + _squeezed_words(text, lo, hi, words, lang.cue_infixes)
    return [h for h in hits if not any(_covers(o, h) for o in hits)]


def _squeezed_words(
    text: str, lo: int, hi: int, words: Iterable[tuple[str, str]], infixes: re.Pattern[str]
) -> list[Hit]:
    """ "研发总投入8000万": words found in text[lo:hi] with its modifiers inside compound words left out (the
    language's cue_infixes), at their places in the text."""
    dropped = [x.span() for x in infixes.finditer(text, lo, hi)]
    if not dropped:
        return []
    keep = [i for i in range(lo, hi) if not any(a <= i < b for a, b in dropped)]
    out = []
    for h in find_words("".join(text[i] for i in keep), words):
        start, end = keep[h.start], keep[h.end - 1] + 1
        out.append(Hit(h.key, start, end, text[start:end]))
    return out


def _modified(text: str, cues: list[Hit], lo: int, hit: Hit, lang: Language) -> Hit:
    """ "关联方相互之间的成交额6000万", "预算里算力服务合同列了200万": a cue that modifies the nearest one (X的/X之间的/
    X里 + head) is the figure's — another slot's or a not-input's — unless it is denied (非关联企业的交易额)."""
    before = [
        h
        for h in cues
        if lo <= h.start and h.end <= hit.start and h.key != hit.key and h.key.startswith(("slot:", "ni:"))
    ]
    if not before:
        return hit
    # The nearest modifier first; a not-input one may stand before another cue of the figure's ("预算里EDA采购
    # 列了500万": the budget's, though EDA is nearer).
    for head in sorted(before, key=lambda h: -h.end):
        between = text[head.end : hit.start]
        # "2025年还计划再买1500万": a not-input word governing the verb cue right after it (only adverbs between).
        governs = head.key.startswith("ni:") and bool(lang.governs.fullmatch(between))
        linked = "的" in between or between[:1] in ("里", "中", "内") or governs
        if (
            len(between) <= 8
            and linked
            and not any(c in between for c in "，,；;。")
            and not negated(text, head.start, lang)
        ):
            return head
        if not head.key.startswith("slot:"):
            return hit
    return hit


def _nearest(hits: list[Hit], lo: int, hi: int) -> Hit | None:
    inside = [h for h in hits if lo <= h.start and h.end <= hi]
    return max(inside, key=lambda h: (h.end, h.end - h.start)) if inside else None


def _year_of(m: Mention, mentions: Sequence[Mention], layout: Layout) -> int | None:
    """The year a figure is dated by: the nearest year or date before it in its sentence."""
    dated = [
        x
        for x in mentions
        if x.kind in (YEAR, DATE)
        and x.end <= m.start
        and layout.same_sentence(x.start, m.start)
        and not x.founding
    ]
    if not dated:
        return None
    last = dated[-1]
    return int(last.value) if last.kind == YEAR else last.value.year


def _after_cue(text: str, m: Mention, hits: list[Hit], layout: Layout, nxt: int) -> Hit | None:
    """A cue written right after the figure: "600万的流片费", "300万是买IP做研发的"."""
    _, clause_end = layout.clause_span(m.start)
    rest = text[m.end : min(clause_end, nxt)].lstrip()  # "20 million RMB 是和关联企业" (glossed English)
    if not rest.startswith(_AFTER_LINK):
        return None
    inside = [h for h in hits if m.end <= h.start and h.end <= min(clause_end, nxt)]
    return inside[0] if inside else None


def _decide(
    text: str,
    m: Mention,
    rule: RuleSpec | None,
    layout: Layout,
    lang: Language,
    prev_end: int,
    nxt: int,
    siblings: Sequence[RuleSpec] = (),
    since: int = 0,
    foreign: Sequence[tuple[str, str, str, str]] = (),
    named: frozenset[str] = frozenset(),
    linked: int | None = None,
) -> tuple[str, str | None, str, str | None]:
    """(role, slot, label, rule id) of one figure from its cues alone (no list or default reasoning);
    `named` are the ids of the rules the message names; `linked`, where the previous clause starts when
    the figure's own clause only comments on its subject ("关联企业交易额说错了，是5000万")."""
    fixed = never_input(text, m, layout, lang, since)
    if fixed is not None:
        return fixed
    own = _cue_list(rule, m.kind, lang, m.unit, siblings)
    lo = max(layout.clause_span(m.start)[0], prev_end)
    other = _foreign_words(m, rule, siblings, foreign)
    alien = _words_before(text, lo, m.start, other, lang) if other else []
    # A cue of its own rule inside a longer one of another ("研发费用总共2000万，算力券能补多少": 费用 of the voucher
    # in 研发费用) is that one; only a figure with no cue of its own rule takes another's ("采购非关联企业…设备1200万"
    # keeps its own 采购).
    cues = [h for h in _words_before(text, lo, m.start, own, lang) if not any(_covers(o, h) for o in alien)]
    hit = _nearest(cues, lo, m.start) or _after_cue(text, m, cues, layout, nxt)
    if hit is None and linked is not None:
        lo = linked
        hit = _nearest(cues, lo, m.start)
    if hit is None:
        hit = _nearest(alien, lo, m.start)
    if hit is None:
        return (CLAIM, None, "", None) if guessed(text, m, layout, lang) else (UNKNOWN, None, "", None)
    hit = _modified(text, cues, lo, hit, lang)
    kind, _, name = hit.key.partition(":")
    if kind == "other" and (name.partition(":")[0] in named or (rule is not None and rule.tool is None)):
        # "用创新券…做了流片验证，技术合同60万": the cue is the voucher's, and the message names the voucher;
        # "建了一个昇腾创新中心…场地租赁和项目建设实际支出了600万": the rule named computes nothing, the cue's rule does.
        owner, _, slot = name.partition(":")
        return INPUT, slot, hit.word, owner
    excluded = _excluded_before(text, m, rule, cues, lo, hit) if kind == "slot" else None
    if excluded is None and kind == "slot":
        excluded = _excluded_object(text, m, rule, cues, layout, hit)
    if excluded is not None:
        return EXCLUDED, None, excluded.word, None
    if kind == "slot":
        owner, _, slot = name.partition(":")
        return INPUT, slot, hit.word, owner
    return (EXCLUDED if kind == "ex" else NOT_INPUT), None, hit.word, None


def _covers(outer: Hit, inner: Hit) -> bool:
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and outer.end - outer.start > inner.end - inner.start
    )


def _excluded_before(
    text: str, m: Mention, rule: RuleSpec | None, cues: list[Hit], lo: int, hit: Hit
) -> Hit | None:
    """ "封测花了200万", "自己买服务器花了300万": an excluded word before a generic cue (花了) still excludes
    the figure — unless the rule is named again after it ("封测之外的流片费600万")."""
    found = [c for c in cues if c.key.startswith("ex:") and lo <= c.start and c.end <= hit.start]
    if not found or rule is None:
        return None
    between = text[found[-1].end : m.start]
    return None if any(n.lower() in between.lower() for n in rule.names) else found[-1]


def _excluded_object(
    text: str, m: Mention, rule: RuleSpec | None, cues: list[Hit], layout: Layout, hit: Hit
) -> Hit | None:
    """ "另外自己采购了一批GPU服务器，花了400万": a cue opening its clause (花了, with no object of its own) spends on
    the object of the clause before it in the sentence, when that clause holds no figure — an excluded object
    there excludes the figure, unless the rule is named after it."""
    start, _ = layout.clause_span(m.start)
    if rule is None or start == 0 or text[start : hit.start].strip(" ，,、") or hit.start < start:
        return None
    before, _ = layout.clause_span(start - 1)
    if not layout.same_sentence(before, m.start) or any(c.isdigit() for c in text[before:start]):
        return None
    found = [c for c in cues if c.key.startswith("ex:") and before <= c.start and c.end <= start]
    if not found:
        return None
    after = text[found[-1].end : m.start].lower()
    return None if any(n.lower() in after for n in rule.names) else found[-1]


def assign(
    text: str,
    mentions: Sequence[Mention],
    hits: Sequence[RuleHit],
    lang: Language,
    context: RuleSpec | None = None,
    siblings: Callable[[RuleSpec, int], Sequence[RuleSpec]] = lambda rule, at: (),
    foreign: Sequence[tuple[str, str, str, str]] = (),
) -> list[Figure]:
    """A Figure for every money, count, percent and quantity mention, in order; `siblings(rule, position)` are the
    rules a figure's own cue word may move it to; `foreign` the (kind, rule id, slot, cue) of other rules' cues."""
    layout = Layout.of(text)
    named = frozenset(h.rule.id for h in hits)
    wanted = [m for m in mentions if m.kind in (MONEY, COUNT, PERCENT)]
    figures: list[Figure] = []
    for i, m in enumerate(wanted):
        rule = _rule_of(m.start, m.kind, hits, layout, context, [x.start for x in wanted if x.kind == MONEY])
        same_clause = [
            f for f in figures if layout.same_clause(f.start, m.start) and f.mention.kind == m.kind
        ]
        prev_end = same_clause[-1].end if same_clause else 0
        nxt = wanted[i + 1].start if i + 1 < len(wanted) else len(text)
        kin = siblings(rule, m.start) if rule is not None else ()
        # A rule named after the previous figure starts a new statement of the user's own.
        since = min((h.start for h in hits if prev_end <= h.start < m.start), default=0) if prev_end else 0
        linked = _linked(text, m, layout, lang, mentions)
        role, slot, label, owner = _decide(
            text, m, rule, layout, lang, prev_end, nxt, kin, since, foreign, named, linked
        )
        rule = next((r for r in [*kin, *(h.rule for h in hits)] if r.id == owner), rule)
        if role == UNKNOWN and m.kind == MONEY and _sold(text, m, layout, lang):
            role, label = NOT_INPUT, "销售额"
        listed = _listed_after(text, m, figures, layout) if role == UNKNOWN else None
        if listed is not None:
            # "收益分别是120万、80万、260万": the items listed after an input are that input's rule's.
            role, slot = INPUT, listed.slot
            rule = next(
                (r for r in [*kin, *(h.rule for h in hits), context] if r and r.id == listed.rule), rule
            )
        if role == UNKNOWN:
            role, slot = _continue_or_default(text, m, rule, figures, hits, layout, len(wanted))
        if role == UNKNOWN and m.kind == COUNT:
            people = next((r for r in lang.count_not_inputs if m.unit in r.units), None)
            if people is not None:
                role, label = NOT_INPUT, people.label
        times = _times(text, m, mentions, layout) if m.kind == MONEY else 1
        # The owner of a cue may be a rule not named here (the named one computes nothing): its id stands.
        owned = owner if owner is not None and role == INPUT else (rule.id if rule else None)
        figures.append(Figure(m, role, owned, slot, label, None, times))
    # A quantity no rule counts ("200TB", "25片晶圆") is an input of nothing; the answer names it as unused.
    figures += [Figure(m, NOT_INPUT, None, None, "数量、规模", None, 1) for m in mentions if m.kind == NUMBER]
    figures.sort(key=lambda f: f.start)
    rules = {h.rule.id: h.rule for h in hits} | ({context.id: context} if context else {})
    figures = _retracted(text, figures, lang)
    return _stand_ins(
        totals(text, _dated(figures, mentions, layout), hits, lang.aggregate), rules, lang, text
    )


def _sold(text: str, m: Mention, layout: Layout, lang: Language) -> bool:
    """ "产品已经卖给十几家客户了，累计合同额4000万": money the user received for what it sold (in the figure's
    clause or the clause before it in its sentence), with no cue of its own, is its sales, not a spending."""
    start, _ = layout.clause_span(m.start)
    prev = layout.clause_span(start - 1)[0] if start > 0 else start
    lo = prev if start > 0 and layout.same_sentence(prev, m.start) else start
    return bool(lang.sold.search(text, lo, m.start))


def _retracted(text: str, figures: list[Figure], lang: Language) -> list[Figure]:
    """ "EDA费用350万，抱歉打错了，应该是250万": a figure the next one of its slot corrects is not used; nor is a
    gross amount followed by its net ("3.2亿（不含关联企业交易额是2.9亿）")."""
    out = list(figures)
    stand_in = {w for r in lang.not_inputs if r.fallback for w in r.cues}
    money = [
        i
        for i, f in enumerate(figures)
        if f.mention.kind == MONEY and (f.used or (f.role == NOT_INPUT and f.label in stand_in))
    ]
    for i, j in zip(money, money[1:], strict=False):
        a, b = figures[i], figures[j]
        between = text[a.end : b.start]
        if (
            a.used
            and not b.used
            and a.rule == b.rule
            and len(between) <= 20
            and lang.retract_between.search(between)
        ):
            # "EDA采购了350万，不对，刚翻了发票是380万": the corrected figure takes the slot its evidence (发票) named.
            out[i] = replace(a, role=DENIED, slot=None, label="更正前")
            out[j] = replace(b, role=INPUT, slot=a.slot)
            continue
        if not (a.used and b.used):
            continue
        same = (a.rule, a.slot) == (b.rule, b.slot)
        if same and len(between) <= 20 and lang.retract_between.search(between):
            out[i] = replace(a, role=DENIED, slot=None, label="更正前")
        elif same and lang.net_cue.match(b.label) and "。" not in between:
            out[i] = replace(a, role=TOTAL, slot=None, label="扣除前的总额")
    return out


def _linked(text: str, m: Mention, layout: Layout, lang: Language, mentions: Sequence[Mention]) -> int | None:
    """Where the previous clause starts (after any figure in it), when the figure's own clause is only a
    link word and the figure ("…说错了，是5000万"): the subject it comments on is there."""
    start, _ = layout.clause_span(m.start)
    if start == 0 or not lang.topic_link.match(text[start : m.start]):
        return None
    previous, _ = layout.clause_span(start - 1)
    ends = [x.end for x in mentions if previous <= x.start and x.end <= start]
    return max([previous, *ends])


def _kind(f: Figure) -> tuple[object, ...]:
    return (f.rule, f.role, f.label if f.role == NOT_INPUT else "")


def _dated(figures: list[Figure], mentions: Sequence[Mention], layout: Layout) -> list[Figure]:
    """Each figure's year: the nearest year or date before it in its sentence, unless a figure of another
    kind stands between ("去年营收1万 首次流片花了1万": 去年 dates the revenue, not the fee)."""
    out = []
    for f in figures:
        year = _year_of(f.mention, mentions, layout)
        if year is not None:
            at = max(
                x.end for x in mentions if x.kind in (YEAR, DATE) and x.end <= f.start and not x.founding
            )
            between = [g for g in figures if at <= g.start < f.start and g.mention.kind == f.mention.kind]
            if any(_kind(g) != _kind(f) for g in between):
                year = None
        out.append(replace(f, year=year))
    return out


def _stand_ins(figures: list[Figure], rules: dict[str, RuleSpec], lang: Language, text: str) -> list[Figure]:
    """ "预算600万，请测算": a planned figure is the input when no actual one is given for its rule and year;
    beside an actual figure ("实际1100万，立项预算1500万") it stays unused, and so it does beside actual figures
    of other rules only (a project's budget, not a cost of a rule of its own). A plan for another year than the
    actual figures' is one more year's item only when the message asks about the years together ("2026年打算投保
    100万…三年合计多少"); otherwise ("2024年采购2380万，2025年还计划再买1500万，能拿多少") it is not spent yet."""
    stand_in = {w for r in lang.not_inputs if r.fallback for w in r.cues}
    years_asked = bool(lang.acts["total"].search(text))
    actual_rules = {g.rule for g in figures if g.used and g.mention.kind == MONEY}
    out = list(figures)
    for i, f in enumerate(figures):
        rule = rules.get(f.rule or "")
        if f.role != NOT_INPUT or f.label not in stand_in or rule is None or f.mention.kind != MONEY:
            continue
        actual = [
            g
            for g in figures
            if g.used
            and g.rule == f.rule
            and g.mention.kind == MONEY
            and (not years_asked or g.year is None or f.year is None or g.year == f.year)
        ]
        slot = rule.default_slot()
        if not actual and slot and (not actual_rules or f.rule in actual_rules):
            out[i] = replace(f, role=INPUT, slot=slot)
    return out


# "每场130万", "每场场租130万", "每份合同金额35万": a few words of the item (its cue) may stand between.
_EACH = re.compile(
    r"(?:每|各)([款个项份笔台套场次单颗家])?[\u4e00-\u9fff]{0,5}?\s*(?:均为|均|都是|为|是)?\s*$"
)


def _times(text: str, m: Mention, mentions: Sequence[Mention], layout: Layout) -> int:
    """ "2026年度三款，每款300万", "两份合同各50万": how many items one amount stands for (1 if not said). The
    count may also follow when it names the same unit: "每次流通收益50万，一共流通了6次"."""
    start, end = layout.sentence_span(m.start)
    each = _EACH.search(text[max(start, m.start - 10) : m.start])
    if each is None:
        return 1
    unit = each.group(1)
    counts = [
        x for x in mentions if x.kind == COUNT and start <= x.start < end and (unit is None or x.unit == unit)
    ]
    before = [x for x in counts if x.start < m.start]
    after = [x for x in counts if x.start >= m.end] if unit is not None else []
    counted = before[-1:] or after[:1]
    return int(counted[0].value) if counted and 1 < int(counted[0].value) <= 50 else 1


_LIST_JOIN = re.compile(r"\s*(?:、|和|及|与|以及|跟)?\s*")


def _listed_after(text: str, m: Mention, figures: list[Figure], layout: Layout) -> Figure | None:
    """The input this figure is listed right after, in its clause ("120万、80万"), if any."""
    prev = figures[-1] if figures else None
    if (
        prev is None
        or not prev.used
        or prev.mention.kind != m.kind
        or not layout.same_clause(prev.start, m.start)
    ):
        return None
    return prev if _LIST_JOIN.fullmatch(text, prev.end, m.start) else None


def _continue_or_default(
    text: str,
    m: Mention,
    rule: RuleSpec | None,
    figures: list[Figure],
    hits: Sequence[RuleHit],
    layout: Layout,
    n_figures: int,
) -> tuple[str, str | None]:
    """A figure with no cue: the next item of a list ("800万和1200万", "一份90万一份130万"), or the rule's
    default slot when its clause or sentence names that rule, or the message's only figure."""
    inputs = [
        f
        for f in figures
        if f.used
        and f.mention.kind == m.kind
        and f.mention.unit == m.unit
        and layout.same_period(f.start, m.start)
    ]
    if inputs and inputs[-1].rule == (rule.id if rule else None):
        return INPUT, inputs[-1].slot
    if rule is None:
        return UNKNOWN, None
    slot = rule.default_slot() if m.kind == MONEY else _only_slot(rule, m.kind, m.unit)
    if slot is None:
        return UNKNOWN, None
    # The figure's own rule named there ("刚完成A轮1.5亿…用大模型" names no rule of the contract it is given).
    names_rule = any(
        h.rule.id == rule.id
        and (layout.same_clause(h.start, m.start) or layout.same_sentence(h.start, m.start))
        for h in hits
    )
    if names_rule or not hits or n_figures == 1:
        return INPUT, slot
    return UNKNOWN, None


def _only_slot(rule: RuleSpec, kind: str, unit: str = "") -> str | None:
    slots = [
        n
        for n, s in rule.slots.items()
        if s.kind in _SLOT_KINDS.get(kind, ()) and (not s.units or unit in s.units)
    ]
    return slots[0] if len(slots) == 1 else None
