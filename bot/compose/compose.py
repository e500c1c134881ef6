"""One composition for every plan: the answer is read from the tools' outcomes (and, for the figures a
numeric answer did not use, from the plan's reading), whichever decider made the plan."""

from __future__ import annotations

from typing import Any

from bot.compose import answer as A
from bot.compose.calc import (
    compose_calculation,
    compose_cases,
    compose_disqualified,
    compose_not_applicable,
    explanation,
    stated_failures,
)
from bot.compose.lookup import lookup_answer, overview_answer
from bot.packs.loader import Packs
from bot.tools import builtin as B
from bot.tools.calls import ToolOutcome


def compose(plan: Any, outcomes: list[ToolOutcome], packs: Packs, text: str) -> A.Answer:
    """The answer to one message from the outcomes of its plan."""
    corpus, pack = packs.corpus, packs.primary
    first = outcomes[0] if outcomes else None
    result = first.result if first is not None else B.Declined("off_topic")
    if first is not None and not first.ok and first.call.name in B.BY_NAME:
        result = B.Declined("off_topic")  # a builtin the decider called wrongly: say what we answer
    if isinstance(result, B.Declined):
        if result.reason == "other_document":
            return A.compose_not_covered(pack, document=result.place)
        return A.compose_not_covered(
            pack, result.reason == "injection", result.reason == "greeting", result.place
        )
    if isinstance(result, B.Clauses):
        points = packs.points(result.doc_id or pack.doc_id)
        if result.overview:
            return overview_answer(corpus, points, result.clause_ids)
        answer = lookup_answer(corpus, points, result.clause_ids, text, result.topic, result.doc_id)
        repealer = packs.repeal_of(result.doc_id) if result.doc_id else None
        return repealed_notice(answer, corpus, packs, result, repealer) if repealer else answer
    if isinstance(result, B.RuleOnly):
        return A.compose_rule_only(corpus, result.clause_id)
    calcs = [o for o in outcomes if o.call.name not in B.BY_NAME]
    if isinstance(result, B.NotApplicable):
        return compose_not_applicable(corpus, result, plan)
    return _calculations(plan, calcs, packs, result)


def repealed_notice(answer: A.Answer, corpus: Any, packs: Packs, result: Any, repealer: Any) -> A.Answer:
    """An answer from a repealed document says so first: repealed, by which document, and today's rule."""
    doc = corpus.document(result.doc_id)
    annex = repealer.vocabulary.annex("repeal") if repealer.vocabulary else None
    where = A.where(corpus, annex.clause, repealer.doc_id) if annex else ""
    current = [A.where(corpus, cid, repealer.doc_id) for cid in result.see_also]
    head = f"注意：{doc.doc_number}《{doc.title}》已废止（{repealer.doc_number}{where}规定该文件同时废止），以下原文仅供查阅，不再作为申请依据。"
    if current:
        head += f"现行规定见{repealer.doc_number}{'、'.join(current)}。"
    answer.answer = head + "\n" + answer.answer
    cited = [annex.clause] if annex else []
    answer.citations += A.citations_for(corpus, [*result.see_also, *cited], repealer.doc_id)
    return answer


def _calculations(plan: Any, calcs: list[ToolOutcome], packs: Packs, marker: Any) -> A.Answer:
    corpus = packs.corpus
    clause_id = _clause_of(calcs, packs) or (plan.clause_ids[0] if plan.clause_ids else "")
    missing = next((o for o in calcs if o.missing), None)
    if missing is not None:
        clause = _clause_of([missing], packs) or clause_id
        stated = stated_failures(plan, missing.call.name)
        if stated:
            return compose_disqualified(clause, corpus, stated)
        return A.compose_missing(missing, corpus, clause)
    failed = next((o for o in calcs if not o.ok), None)
    if failed is not None:
        return A.compose_tool_error(failed, corpus, _clause_of([failed], packs) or clause_id)
    if isinstance(marker, B.Marker) and marker.kind == B.ASK_WHICH:
        return compose_cases(calcs, corpus, plan)
    vocab = packs.primary.vocabulary
    combining = vocab.annex("combining") if vocab else None
    # A rule chosen among several that fit (从高、从优、不重复): the annex saying so is cited too.
    extra = [combining.clause] if combining and any(o.result.chosen_rule for o in calcs) else []
    answer = compose_calculation(calcs, corpus, extra, plan)
    if isinstance(marker, B.Marker) and marker.kind == B.EXPLAIN:
        why = explanation(calcs, corpus, packs, plan)
        # "为什么不行": a calculation that does not qualify says so first, then how the clause reads.
        qualifies = any(o.result.eligible for o in calcs)
        answer.answer = why + "\n" + answer.answer if qualifies else answer.answer + "\n" + why
    return answer


def _clause_of(outcomes: list[ToolOutcome], packs: Packs) -> str | None:
    for o in outcomes:
        found = packs.rule_for_tool(o.call.name)
        if found is not None:
            return found[1].clause
    return None
