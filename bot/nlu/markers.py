"""Which kind each amount of a sentence goes with, from marker words written next to it:
"签核中心EDA 200万，另外普通EDA 600万" → [签核, 普通]; "一份计算中心的90万，一份阿里云的40万" → [中心, 阿里云]."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Protocol

from bot.nlu.spans import Layout


class Spanned(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def _within(amounts: Sequence[Spanned], hits: list[tuple[int, str]]) -> list[str | None]:
    """Several amounts in one clause: "设备600万和芯片400万" (marker first) or "300万的普通EDA和200万的签核…"."""
    prefix = any(pos < amounts[0].start for pos, _ in hits)
    own: list[str | None] = []
    for i, amount in enumerate(amounts):
        if prefix:
            lo, hi = (amounts[i - 1].end if i else -1), amount.start
        else:
            lo, hi = amount.end, (amounts[i + 1].start if i + 1 < len(amounts) else 10**9)
        span = [role for pos, role in hits if lo <= pos < hi]
        own.append((span[-1] if prefix else span[0]) if span else None)
    # Unmarked amounts share the marker of the item they belong to: "签核中心EDA 100万和200万".
    order = range(len(own)) if prefix else range(len(own) - 1, -1, -1)
    carried: str | None = None
    for i in order:
        carried = own[i] = own[i] or carried
    return own


def marker_hits(text: str, markers: Mapping[str, Sequence[str]]) -> list[tuple[int, str]]:
    """(position, kind) of every marker pattern in text."""
    return sorted(
        (m.start(), kind)
        for kind, patterns in markers.items()
        for p in patterns
        for m in re.finditer(p, text)
    )


def kinds(
    text: str,
    amounts: Sequence[Spanned],
    markers: Mapping[str, Sequence[str]],
    hits: list[tuple[int, str]] | None = None,
) -> list[str | None]:
    """The kind each amount goes with; None where its clause names no marker (the caller's default).

    A marker belongs to the amounts of its own clause; a clause with markers but no amount describes the
    next amount when the text names a kind before its first amount ("一套是签核中心的，120万"), otherwise
    the previous one ("买了200万的EDA，是签核中心企业研发的") unless that one has a marker of its own. `hits`
    ((position, kind) pairs) may be given
    instead of marker patterns.
    """
    if not amounts:
        return []
    layout = Layout.of(text)
    clause = layout.clause_of
    hits = sorted(hits) if hits is not None else marker_hits(text, markers)
    with_amounts = sorted({clause[a.start] for a in amounts})
    forward = bool(hits) and hits[0][0] < amounts[0].start
    marked = {clause[pos] for pos, _ in hits if clause[pos] in with_amounts}
    local: dict[int, list[tuple[int, str]]] = {}
    for pos, kind in hits:
        before = [c for c in with_amounts if c <= clause[pos]]
        after = [c for c in with_amounts if c >= clause[pos]]
        # "买了200万的普通EDA；还有一套是签核中心企业研发的，花了180万": the amount before has a kind of its own,
        # so this one describes the next.
        ahead = forward or not before or (before[-1] != clause[pos] and before[-1] in marked)
        near = after[0] if after and ahead else before[-1]
        local.setdefault(near, []).append((pos, kind))
    out: list[str | None] = []
    for c in with_amounts:
        mine = [a for a in amounts if clause[a.start] == c]
        found = local.get(c, [])
        inside = [h for h in found if clause[h[0]] == c] or found  # a marker of its own clause first
        out += (
            _within(mine, found)
            if found and len(mine) > 1
            else [inside[-1][1] if inside else None] * len(mine)
        )
    return out


def net_of_parts(text: str, amounts: Sequence[Spanned], values: Sequence[Decimal]) -> list[Decimal]:
    """ "一共300万，其中签核中心的100万" → [200万, 100万]: a part named after 其中 (只有…) leaves its total."""
    from bot.nlu.lang import language

    part_of = language().part_of
    out = list(values)
    for i in range(1, len(amounts)):
        between = text[amounts[i - 1].end : amounts[i].start]
        if part_of.search(between) and out[i - 1] >= values[i]:
            out[i - 1] -= values[i]
    return out
