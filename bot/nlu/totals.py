"""Figures that are sums of other figures of the same message, and so not inputs themselves."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal

from bot.nlu.figure import TOTAL, Figure, RuleHit
from bot.nlu.mentions import MONEY
from bot.nlu.spans import Layout


def _broader(total: Figure, parts: list[Figure], hits: Sequence[RuleHit], layout: Layout) -> bool:
    """ "研发投入1.1亿元，其中EDA工具自主研发投入2600万元": the parts' clause names their rule, the total's does
    not — a broader sum. ("首次流片共2000万，其中一款1500万" splits the total instead, the rest of the same
    rule; "年交易额5亿，其中关联企业交易8000万" is netted by the rule.)"""

    def named(f: Figure) -> bool:
        return any(
            h.rule.id == f.rule
            and layout.same_clause(h.start, f.start)
            and layout.same_clause(h.end - 1, f.start)
            for h in hits
        )

    same = all(g.rule == total.rule and g.slot == total.slot for g in parts)
    return same and not named(total) and all(named(g) for g in parts)


def totals(
    text: str, figures: list[Figure], hits: Sequence[RuleHit] = (), aggregate: re.Pattern[str] | None = None
) -> list[Figure]:
    """ "一共花了900万，其中600万…，300万…": a figure whose parts follow 其中 is not an input itself — a total
    when they add up to it, else a larger sum only the parts named of which count ("研发投入1.1亿元，其中EDA
    工具自主研发投入2600万元")."""
    layout = Layout.of(text)
    out = list(figures)
    for i, f in enumerate(figures):
        if not f.used or f.mention.kind != MONEY:
            continue
        later = [
            g for g in figures[i + 1 :] if g.mention.kind == MONEY and layout.same_sentence(f.start, g.start)
        ]
        if not later or "其中" not in text[f.end : later[0].start] or not later[0].used:
            continue
        parts: list[Figure] = []
        total = Decimal(0)
        for g in (g for g in later if g.used):
            if total + g.mention.value > f.mention.value:
                break
            parts.append(g)
            total += g.mention.value
        if total == f.mention.value and len(parts) > 1:
            out[i] = replace(f, role=TOTAL, slot=None, label="合计")
        elif parts and total < f.mention.value and _broader(f, parts, hits, layout):
            out[i] = replace(f, role=TOTAL, slot=None, label="总额")
    out = _sums_after(text, out, layout)
    return aggregates(text, out, aggregate) if aggregate is not None else out


def aggregates(
    text: str,
    figures: list[Figure],
    aggregate: re.Pattern[str],
    kin: Callable[[Figure, Figure], bool] = lambda f, g: f.rule == g.rule and f.slot == g.slot,
) -> list[Figure]:
    """ "购买EDA工具花了420万，公司全年软件采购总额约3000万": a larger aggregate of the same spending (…总额),
    beside a smaller figure of its kin (same rule and slot; the deciders pass the rule's family), is no item."""
    layout = Layout.of(text)
    out = list(figures)
    for i, f in enumerate(figures):
        if not f.used or f.mention.kind != MONEY:
            continue
        start, _ = layout.clause_span(f.start)
        if not aggregate.search(text[max(start, f.start - 12) : f.start]):
            continue
        if any(
            j != i and g.used and g.mention.kind == MONEY and kin(f, g) and g.mention.value < f.mention.value
            for j, g in enumerate(out)
        ):
            out[i] = replace(f, role=TOTAL, slot=None, label="总额")
    return out


_SUM_BEFORE = re.compile(r"(合计|共计|总计|一共|总共|加起来|共)\s*(是|为|约)?\s*$")


def _sums_after(text: str, figures: list[Figure], layout: Layout) -> list[Figure]:
    """ "产品A 1020万元，产品B 980万元，合计2000万元": a sum written after its parts is not another item."""
    out = list(figures)
    for i, f in enumerate(figures):
        if (
            not f.used
            or f.mention.kind != MONEY
            or not _SUM_BEFORE.search(text[max(0, f.start - 5) : f.start])
        ):
            continue
        parts = [
            g
            for g in out[:i]
            if g.used
            and g.mention.kind == MONEY
            and g.rule == f.rule
            and layout.same_period(g.start, f.start)
        ]
        if len(parts) > 1 and sum(g.mention.value for g in parts) == f.mention.value:
            out[i] = replace(f, role=TOTAL, slot=None, label="合计")
    return out
