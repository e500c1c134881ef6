"""Figures that are not the user's facts whatever their rule: someone else's words (hearsay, a quoted source),
a claimed or guessed result, a quoted cap, a denied figure, a bound or tier, a rate's step, a difference."""

from __future__ import annotations

from bot.nlu.figure import BOUND, CLAIM, DENIED, HEARSAY, NOT_INPUT, OWN_RESULT, QUOTED_CAP
from bot.nlu.lang import Language
from bot.nlu.mentions import COUNT, MONEY, PERCENT, Mention
from bot.nlu.spans import Layout


def _hearsay(text: str, m: Mention, layout: Layout, lang: Language, since: int = 0) -> str | None:
    """The hearsay marker ("听说", "网上说"…) earlier in the figure's own clause, if any — after `since`, where
    the user's own statement restarts ("听说最高能补1万 首次流片花了1万": 流片 starts their own words)."""
    clause_start, _ = layout.clause_span(m.start)
    found = list(lang.hearsay.finditer(text, max(clause_start, since), m.start))
    return found[-1].group() if found else None


def _claimed(text: str, m: Mention, layout: Layout, lang: Language) -> bool:
    clause_start, _ = layout.clause_span(m.start)
    before = text[max(clause_start, m.start - 10) : m.start]
    return bool(lang.claim.search(before))


def guessed(text: str, m: Mention, layout: Layout, lang: Language) -> bool:
    """ "…，应该是240万吧？", "…，是25万吗", "那我们是225万吧": a guess word right before the figure (or the clause
    only that word and the figure) and a question tail right after it."""
    clause_start, clause_end = layout.clause_span(m.start)
    before = text[max(clause_start, m.start - 6) : m.start]
    after = text[m.end : clause_end + 1].strip()
    tails = (*lang.question_tail, "吧")
    # "那我们是225万吧", "所以我司就是180万吧": an opening word and the subject do not change what the clause
    # says about the figure.
    said = lang.first_person.sub("", text[clause_start : m.start]).strip()
    alone = lang.guess_lead.sub("", said, count=1) in lang.guess_alone
    return (alone or bool(lang.guess.search(before))) and any(after.startswith(t) for t in tails)


def never_input(
    text: str, m: Mention, layout: Layout, lang: Language, since: int
) -> tuple[str, str | None, str, str | None] | None:
    """The roles the words right around a figure decide whatever its rule: hearsay, a claimed result or a
    quoted cap, a denied figure, a bound or a tier ("1000万以下的首次流片")."""
    marker = _hearsay(text, m, layout, lang, since)
    if marker:
        return HEARSAY, None, marker, None
    clause_start, _ = layout.clause_span(m.start)
    if m.kind in (MONEY, PERCENT) and _claimed(text, m, layout, lang):
        capped = lang.cap_before.search(text[clause_start : m.start])
        return CLAIM, None, QUOTED_CAP if capped else "", None  # "最高就是500万对吧": the cap quoted back
    if m.kind == MONEY and lang.own_result.search(text[max(clause_start, m.start - 12) : m.start]):
        return CLAIM, None, OWN_RESULT, None  # "我们自己算的是120万": a result being checked
    if m.kind == MONEY and lang.own_result_after.match(text, m.end):
        return CLAIM, None, OWN_RESULT, None  # "应该按30%补，450万才对": the user's result against the answer
    if m.kind in (MONEY, PERCENT) and lang.claim_after.match(text, m.end):
        return CLAIM, None, QUOTED_CAP, None
    if lang.denied.search(text[max(0, m.start - 5) : m.start]):
        return DENIED, None, "", None
    if lang.difference_before.search(text[clause_start : m.start]):
        return NOT_INPUT, None, "增减额", None  # "较2024年增加了150万": the change, not an amount
    if lang.bound.search(text[max(clause_start, m.start - 6) : m.start]):
        # "超过1000万的按30%算": a tier of the rule; "超过6000万" alone is still the user's figure.
        return BOUND, None, "tier" if lang.tier_after.match(text, m.end) else "", None
    if m.kind == COUNT and m.value == 1 and lang.per_entity_after.match(text, m.end):
        return BOUND, None, "per", None  # "一家企业一年封顶多少": the unit the cap is per
    if lang.bound_after.match(text, m.end) or lang.step_before.search(
        text[max(clause_start, m.start - 3) : m.start]
    ):
        return BOUND, None, "tier", None  # "1000万以下的首次流片", "每满500万给10万
    return None


def said_as_total(text: str, start: int, lang: Language) -> bool:
    """ "全年累计1600万了", "现在一共4家了": the figure at `start` is said as the running total (the word before it,
    in its clause)."""
    return bool(lang.acts["running_total"].search(text, Layout.of(text).clause_span(start)[0], start))
