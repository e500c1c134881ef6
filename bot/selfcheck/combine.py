"""从高、从优、不重复 across measures: items the enterprise names as the same expenditure count once, in the
placement that gives the highest total; equal amounts in fields the pack lists as overlapping are flagged.

Reading: a2 says “同一项目按照‘从高、从优、不重复’原则执行”. An expenditure (one EDA licence, one platform's
equipment, one service contract) is one 项目 however many measures it fits: it is counted under exactly one of
them, the one that makes the enterprise's total (after every annual cap) highest; ties keep the first entered.
Which entries are the same expenditure is the enterprise's statement (the same 支出名称), never guessed from
equal amounts; equal amounts only trigger a reminder to check.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bot.selfcheck.catalogue import Catalogue
from bot.selfcheck.compute import quoted
from bot.selfcheck.request import Entered

MAX_COMBINATIONS = 1024
Total = Callable[[frozenset[int]], Decimal]  # excluded item indexes → the enterprise's total


def same_expense_groups(entered: list[Entered]) -> dict[str, list[int]]:
    """支出名称 → the indexes of the items carrying it, for names used more than once."""
    groups: dict[str, list[int]] = {}
    for e in entered:
        if e.expense:
            groups.setdefault(e.expense, []).append(e.index)
    return {name: idx for name, idx in groups.items() if len(idx) > 1}


def _excluded(groups: list[list[int]], kept: tuple[int, ...]) -> frozenset[int]:
    return frozenset(i for g, k in zip(groups, kept, strict=True) for i in g if i != k)


def _combinations(groups: list[list[int]], total: Total) -> tuple[int, ...]:
    """The kept item of each group giving the highest total; the first on a tie."""
    count = 1
    for g in groups:
        count *= len(g)
    if count <= MAX_COMBINATIONS:
        best: tuple[Decimal, tuple[int, ...]] | None = None
        for kept in itertools.product(*groups):
            value = total(_excluded(groups, kept))
            if best is None or value > best[0]:
                best = (value, kept)
        assert best is not None
        return best[1]
    kept_list = [g[0] for g in groups]  # too many to try all: improve one name at a time
    for n, group in enumerate(groups):
        scores = [(total(_excluded(groups, (*kept_list[:n], i, *kept_list[n + 1 :]))), -i) for i in group]
        kept_list[n] = -max(scores)[1]
    return tuple(kept_list)


def choose(
    entered: list[Entered], total: Total, describe: Callable[[int], str], quote: str
) -> tuple[frozenset[int], list[str]]:
    """Which items to leave out so each named expenditure counts once, and a note per name saying why."""
    named = same_expense_groups(entered)
    if not named:
        return frozenset(), []
    groups = list(named.values())
    kept = _combinations(groups, total)
    excluded = _excluded(groups, kept)
    notes = []
    for n, (name, group) in enumerate(named.items()):
        options = []
        for i in group:
            trial = (*kept[:n], i, *kept[n + 1 :])
            options.append(f"计入{describe(i)}时合计最高 {_wan(total(_excluded(groups, trial)))}")
        notes.append(
            f"“{name}”填在{len(group)}处，是同一笔支出：按{quoted(quote)}只计一次，计入{describe(kept[n])}"
            f"（{'；'.join(options)}）。"
        )
    return excluded, notes


def _wan(value: Decimal) -> str:
    from calculators.money import format_wan

    return format_wan(value)


def _amounts(e: Entered, name: str) -> list[Decimal]:
    value = getattr(e.model, name, None)
    if isinstance(value, Decimal):
        return [value]
    return [v for v in value or [] if isinstance(v, Decimal)]


def overlap_reminders(catalogue: Catalogue, entered: list[Entered], excluded: frozenset[int]) -> list[str]:
    """Equal amounts entered in two fields the pack lists as possibly the same spending, not named alike."""
    notes: list[str] = []
    live = [e for e in entered if e.model is not None and e.index not in excluded]
    for check in catalogue.checks:
        for group in check.spec.overlaps:
            notes += _pair_reminders(catalogue, live, group)
    return list(dict.fromkeys(notes))


def _pair_reminders(catalogue: Catalogue, live: list[Entered], group: list[str]) -> list[str]:
    found: dict[Decimal, list[tuple[Entered, str]]] = {}
    for ref in group:
        tool, _, name = ref.partition(".")
        for e in live:
            if e.measure.tool == tool:
                for amount in _amounts(e, name):
                    found.setdefault(amount, []).append((e, name))
    notes = []
    for amount, places in found.items():
        fields = {(e.measure.key, name) for e, name in places}
        names = {e.expense for e, _ in places}
        if len(fields) > 1 and None in names:
            where = "与".join(dict.fromkeys(_place(e, n) for e, n in places))
            notes.append(
                f"{where}都填了 {_wan(amount)}：如是同一笔支出，请给这几项写相同的“支出名称”，只计一次；"
                "否则按不同支出分别计算。"
            )
    return notes


def _place(e: Entered, name: str) -> str:
    label = next((f.label for f in e.measure.fields if f.name == name), name)
    return f"第{e.index + 1}项（{e.measure.title}）的“{label.split('（')[0].split('，')[0]}”"


def describe_item(entered: list[Entered]) -> Callable[[int], str]:
    by_index: dict[int, Any] = {e.index: e for e in entered}
    return lambda i: f"第{i + 1}项（{by_index[i].measure.title}）"
