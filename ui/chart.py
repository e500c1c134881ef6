"""Subsidy-against-spend curve for one calculator, drawn as plain SVG (no plotting library, no downloads)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from html import escape

Run = Callable[[Decimal], Decimal | None]

WIDTH, HEIGHT = 680, 340
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 50
POINTS = 160
# Coarse grid used to find where the curve stops rising (its overall cap), 1万 … 100亿.
_PROBE = [Decimal(m) * Decimal(10) ** k for k in range(4, 11) for m in (1, 2, 5)]


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


def wan(value: Decimal) -> str:
    """元 → a short 万元 label: 12345678 → 1234.57万元."""
    text = f"{(value / 10000).quantize(Decimal('0.01')).normalize():f}"
    return f"{text}万元"


def choose_range(run: Run, user_value: Decimal | None) -> Decimal:
    """Upper end of x: past the point where the curve reaches its overall maximum, and past the user's value."""
    ys = [(x, run(x) or Decimal(0)) for x in _PROBE]
    top = max(y for _, y in ys)
    first_top = next((x for x, y in ys if y == top and top > 0), None)
    x_max = first_top * Decimal("1.5") if first_top is not None else Decimal(10_000_000)
    if user_value:
        x_max = max(x_max, user_value * Decimal("1.3"))
    return x_max


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
    return Curve(segments, thresholds, _plateaus(pts), x_max, max(y for _, y in pts))


def _round_edge(lo: Decimal, hi: Decimal) -> Decimal:
    """The policy's own number: of the two ends 1 元 apart, the one that is a whole 万."""
    return lo if lo % 10000 == 0 else hi


def _plateaus(pts: list[tuple[Decimal, Decimal]], min_run: int = 6) -> list[Decimal]:
    caps: list[Decimal] = []
    run_len = 1
    for prev, cur in zip(pts, pts[1:], strict=False):
        run_len = run_len + 1 if cur[1] == prev[1] and cur[1] > 0 else 1
        if run_len == min_run and cur[1] not in caps:
            caps.append(cur[1])
    return caps


def _sx(x: Decimal, curve: Curve) -> float:
    return LEFT + float(x / curve.x_max) * (WIDTH - LEFT - RIGHT) if curve.x_max else LEFT


def _sy(y: Decimal, top: Decimal) -> float:
    return HEIGHT - BOTTOM - (float(y / top) * (HEIGHT - TOP - BOTTOM) if top else 0.0)


def svg_chart(curve: Curve, x_title: str, marker: tuple[Decimal, Decimal] | None = None) -> str:
    """The curve as an inline SVG: axes in 万元, dashed lines for thresholds (vertical) and caps (horizontal)."""
    y_step = nice_step(curve.y_max * Decimal("1.1"))
    top = max(
        (curve.y_max * Decimal("1.1") / y_step).to_integral_value(rounding=ROUND_CEILING) * y_step, y_step
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="补贴上限随{escape(x_title)}变化曲线" class="policybot-chart" '
        'style="font-family: inherit; font-size: 12px; max-width: 720px;">',
        _axes(curve, top, y_step, x_title),
    ]
    for cap in curve.caps:
        y = _sy(cap, top)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#d97706" '
            f'stroke-dasharray="6 4"/><text x="{WIDTH - RIGHT - 4}" y="{y - 5:.1f}" text-anchor="end" '
            f'fill="#b45309" class="cap-label">上限 {wan(cap)}</text>'
        )
    for k, th in enumerate(curve.thresholds):
        x = _sx(th.x, curve)
        label = f"门槛/分档 {wan(th.x)}：{wan(th.y_before)}→{wan(th.y_after)}"
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" stroke="#dc2626" '
            f'stroke-dasharray="4 4"/><text x="{x + 4:.1f}" y="{TOP + 12 + 14 * k}" fill="#b91c1c" '
            f'class="threshold-label">{label}</text>'
        )
    for seg in curve.segments:
        path = " ".join(f"{_sx(x, curve):.1f},{_sy(y, top):.1f}" for x, y in seg)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#2563eb" stroke-width="2.5"/>')
    if marker is not None:
        mx, my = _sx(marker[0], curve), _sy(marker[1], top)
        parts.append(
            f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="5" fill="#16a34a"/>'
            f'<text x="{mx + 8:.1f}" y="{my - 8:.1f}" fill="#15803d" class="marker-label">'
            f"您的情况：{wan(marker[1])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def nice_step(span: Decimal, parts: int = 4) -> Decimal:
    """A round tick step (1, 2, 2.5 or 5 × 10^k 元) giving about `parts` ticks over span."""
    raw = span / parts if span > 0 else Decimal(10000)
    mag = Decimal(10) ** (len(str(int(raw))) - 1) if raw >= 1 else Decimal(1)
    return next(
        m * mag for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)) if m * mag >= raw
    )


def _axes(curve: Curve, top: Decimal, y_step: Decimal, x_title: str) -> str:
    base_y, right = HEIGHT - BOTTOM, WIDTH - RIGHT
    out = [
        f'<line x1="{LEFT}" y1="{base_y}" x2="{right}" y2="{base_y}" stroke="#6b7280"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base_y}" stroke="#6b7280"/>',
    ]
    x_step = nice_step(curve.x_max)
    xv = Decimal(0)
    while xv <= curve.x_max:
        out.append(
            f'<text x="{_sx(xv, curve):.1f}" y="{base_y + 16}" text-anchor="middle" fill="#374151">'
            f"{wan(xv)[:-2]}</text>"
        )
        xv += x_step
    yv = Decimal(0)
    while yv <= top:
        y = _sy(yv, top)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#374151">{wan(yv)[:-2]}</text>'
        )
        yv += y_step
    out.append(
        f'<text x="{(LEFT + right) / 2:.0f}" y="{HEIGHT - 10}" text-anchor="middle" fill="#111827">'
        f"{escape(x_title)}（万元）</text>"
    )
    out.append(f'<text x="{LEFT}" y="{TOP - 6}" fill="#111827">补贴上限（万元）</text>')
    return "".join(out)
