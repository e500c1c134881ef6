"""Subsidy-against-spend curve for one calculator: sampling, thresholds, caps and the x range to draw.

Drawn by ui.chart_svg as plain SVG (no plotting library, no downloads).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

Run = Callable[[Decimal], Decimal | None]

POINTS = 160
# Coarse grid used to find where the curve stops rising (its overall cap), 1万 … 100亿.
_PROBE = [Decimal(m) * Decimal(10) ** k for k in range(4, 11) for m in (1, 2, 5)]
# A threshold above the user's amount is worth showing when it is this close (the next tier they may reach).
NEXT_EVENT_FACTOR = Decimal(3)


@dataclass(frozen=True)
class Threshold:
    """Where the ceiling jumps: at x (元), from y_before to y_after."""

    x: Decimal
    y_before: Decimal
    y_after: Decimal


@dataclass
class Curve:
    """Sampled subsidy ceiling y (元) against one spend parameter x (元), with thresholds and caps found."""

    segments: list[list[tuple[Decimal, Decimal]]]
    thresholds: list[Threshold] = field(default_factory=list)
    caps: list[Decimal] = field(default_factory=list)
    x_max: Decimal = Decimal(0)
    y_max: Decimal = Decimal(0)
    cap_starts: list[Decimal] = field(default_factory=list)  # where each cap is first reached


def wan(value: Decimal) -> str:
    """元 → a short 万元 label: 12345678 → 1234.57万元."""
    text = f"{(value / 10000).quantize(Decimal('0.01')).normalize():f}"
    return f"{text}万元"


def overall_top(run: Run) -> Decimal:
    """The highest ceiling the rule gives for any amount (its overall cap), probed from 1万 to 100亿."""
    return max((run(x) or Decimal(0)) for x in _PROBE)


def _wide_range(run: Run) -> Decimal:
    """Past the point where the curve first reaches its overall maximum (for a form without an amount)."""
    ys = [(x, run(x) or Decimal(0)) for x in _PROBE]
    top = max(y for _, y in ys)
    first_top = next((x for x, y in ys if y == top and top > 0), None)
    return first_top * Decimal("1.5") if first_top is not None else Decimal(10_000_000)


def nice_ceiling(x: Decimal) -> Decimal:
    """x rounded up to a whole number of nice ticks, so the axis ends on a labelled value."""
    step = nice_step(x)
    return (x / step).to_integral_value(rounding=ROUND_CEILING) * step


def choose_range(run: Run, user_value: Decimal | None) -> Decimal:
    """Upper end of x, scaled to the user's amount and the thresholds near it.

    About twice the amount, stretched to show the next threshold or cap above it when that is within
    NEXT_EVENT_FACTOR times the amount; so an 800万 tape-out shows 0–2000万 with the 1000万 tier, not 0–3亿; farther caps are
    named in the legend instead.
    """
    wide = _wide_range(run)
    if not user_value or user_value <= 0:
        return nice_ceiling(wide)
    scan = sample(run, max(wide, user_value * NEXT_EVENT_FACTOR))
    events = sorted([t.x for t in scan.thresholds] + scan.cap_starts)
    x_max = user_value * 2
    above = [x for x in events if x > user_value]
    if above and above[0] <= user_value * NEXT_EVENT_FACTOR:
        x_max = max(x_max, above[0] * Decimal("1.25"))
    return nice_ceiling(x_max)


def _narrow(run: Run, lo: Decimal, hi: Decimal) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Halve [lo, hi] towards the larger change until it is 1 元 wide; return the ends and their values."""
    y_lo, y_hi = run(lo) or Decimal(0), run(hi) or Decimal(0)
    for _ in range(64):
        if hi - lo <= 1:
            break
        mid = ((lo + hi) / 2).quantize(Decimal(1))
        y_mid = run(mid) or Decimal(0)
        if abs(y_mid - y_lo) >= abs(y_hi - y_mid):
            hi, y_hi = mid, y_mid
        else:
            lo, y_lo = mid, y_mid
    return lo, hi, y_lo, y_hi


def sample(run: Run, x_max: Decimal, n: int = POINTS) -> Curve:
    """Sample y on a uniform grid, split the polyline at jumps (thresholds) and record plateaus as caps."""
    xs = [x_max * i / n for i in range(n + 1)]
    pts = [(x, run(x) or Decimal(0)) for x in xs]
    deltas = [b[1] - a[1] for a, b in zip(pts, pts[1:], strict=False)]
    segments: list[list[tuple[Decimal, Decimal]]] = [[pts[0]]]
    thresholds: list[Threshold] = []
    for i, delta in enumerate(deltas):
        # Piecewise-linear curves change slope only at a few points; only those can hide a jump.
        odd = (i == 0 or delta != deltas[i - 1]) and (i + 1 == len(deltas) or delta != deltas[i + 1])
        if odd and delta != 0:
            lo, hi, y_lo, y_hi = _narrow(run, pts[i][0], pts[i + 1][0])
            if abs(y_hi - y_lo) > 100:  # a 1-元 step cannot move a rate-based ceiling by more than 1 元
                thresholds.append(Threshold(_round_edge(lo, hi), y_lo, y_hi))
                segments[-1].append((lo, y_lo))
                segments.append([(hi, y_hi)])
        segments[-1].append(pts[i + 1])
    caps, cap_starts = _plateaus(pts)
    return Curve(segments, thresholds, caps, x_max, max(y for _, y in pts), cap_starts)


def _round_edge(lo: Decimal, hi: Decimal) -> Decimal:
    """The policy's own number: of the two ends 1 元 apart, the one that is a whole 万."""
    return lo if lo % 10000 == 0 else hi


def _plateaus(pts: list[tuple[Decimal, Decimal]], min_run: int = 6) -> tuple[list[Decimal], list[Decimal]]:
    """Caps (values held for at least min_run samples) and the x where each is first reached."""
    caps: list[Decimal] = []
    starts: list[Decimal] = []
    run_len = 1
    for i, (prev, cur) in enumerate(zip(pts, pts[1:], strict=False)):
        run_len = run_len + 1 if cur[1] == prev[1] and cur[1] > 0 else 1
        if run_len == min_run and cur[1] not in caps:
            caps.append(cur[1])
            starts.append(pts[i + 2 - min_run][0])
    return caps, starts


def nice_step(span: Decimal, parts: int = 4) -> Decimal:
    """A round tick step (1, 2, 2.5 or 5 × 10^k 元) giving about `parts` ticks over span."""
    raw = span / parts if span > 0 else Decimal(10000)
    mag = Decimal(10) ** (len(str(int(raw))) - 1) if raw >= 1 else Decimal(1)
    return next(
        m * mag for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)) if m * mag >= raw
    )
