"""The subsidy curve as inline SVG in two layouts (desktop, phone) with a readable HTML legend below it.

Short labels sit in the plot; the full wording (thresholds with their before/after ceilings, caps, the
user's own point) is in the legend, whose text wraps and keeps its size at any width.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from html import escape

from ui.chart import Curve, nice_step, wan

FONT_PX = 13


@dataclass(frozen=True)
class Layout:
    """One drawing size: the wide chart for desktops, the narrow one for phones (labels stay ~12 px)."""

    name: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_ticks: int

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def base_y(self) -> int:
        return self.height - self.bottom


WIDE = Layout("wide", 680, 340, 64, 28, 26, 48, 5)
NARROW = Layout("narrow", 310, 280, 46, 14, 24, 46, 3)


def short(value: Decimal) -> str:
    """A tick label: 万元 without the unit (the axis title says it)."""
    return wan(value)[:-2]


class _Frame:
    """Maps 元 to SVG coordinates for one layout."""

    def __init__(self, curve: Curve, layout: Layout, y_top: Decimal):
        self.curve, self.l, self.y_top = curve, layout, y_top

    def x(self, value: Decimal) -> float:
        span = self.l.plot_right - self.l.left
        return self.l.left + float(value / self.curve.x_max) * span if self.curve.x_max else self.l.left

    def y(self, value: Decimal) -> float:
        span = self.l.base_y - self.l.top
        return self.l.base_y - (float(value / self.y_top) * span if self.y_top else 0.0)

    def anchor(self, x: float) -> tuple[float, str]:
        """Where a label next to x goes, kept inside the plot: right of x, or left of it near the edge."""
        return (x + 6, "start") if x < (self.l.left + self.l.plot_right) / 2 else (x - 6, "end")


def _y_axis_top(curve: Curve) -> tuple[Decimal, Decimal]:
    step = nice_step(curve.y_max * Decimal("1.1"))
    top = (curve.y_max * Decimal("1.1") / step).to_integral_value(rounding=ROUND_CEILING) * step
    return max(top, step), step


def svg_chart(
    curve: Curve, x_title: str, marker: tuple[Decimal, Decimal] | None = None, layout: Layout = WIDE
) -> str:
    """The curve as an inline SVG: axes in 万元, dashed thresholds (vertical) and caps (horizontal), the point."""
    y_top, y_step = _y_axis_top(curve)
    f = _Frame(curve, layout, y_top)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.width} {layout.height}" width="100%" '
        f'role="img" aria-label="补贴上限随{escape(x_title)}变化曲线" class="policybot-chart pb-chart-{layout.name}" '
        f'data-plot-left="{layout.left}" data-plot-right="{layout.plot_right}" '
        f'style="font-family: inherit; font-size: {FONT_PX}px; max-width: {layout.width + 40}px;">',
        _axes(f, y_step, x_title),
        *(_cap(f, cap) for cap in curve.caps),
        *(_threshold(f, th.x) for th in curve.thresholds),
    ]
    for seg in curve.segments:
        path = " ".join(f"{f.x(x):.1f},{f.y(y):.1f}" for x, y in seg)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#2563eb" stroke-width="2.5"/>')
    if marker is not None:
        parts.append(_marker(f, *marker))
    parts.append("</svg>")
    return "".join(parts)


def _cap(f: _Frame, cap: Decimal) -> str:
    y = f.y(cap)
    return (
        f'<line x1="{f.l.left}" y1="{y:.1f}" x2="{f.l.plot_right}" y2="{y:.1f}" stroke="#d97706" '
        f'stroke-dasharray="6 4"/><text x="{f.l.plot_right - 4}" y="{y - 5:.1f}" text-anchor="end" '
        f'fill="#92400e" class="cap-label">上限 {short(cap)}</text>'
    )


def _threshold(f: _Frame, x_value: Decimal) -> str:
    x = f.x(x_value)
    tx, anchor = f.anchor(x)
    return (
        f'<line x1="{x:.1f}" y1="{f.l.top}" x2="{x:.1f}" y2="{f.l.base_y}" stroke="#dc2626" '
        f'stroke-dasharray="4 4" class="threshold-line"/><text x="{tx:.1f}" y="{f.l.top + 12}" '
        f'text-anchor="{anchor}" fill="#b91c1c" class="threshold-label">门槛 {short(x_value)}</text>'
    )


def _marker(f: _Frame, x_value: Decimal, y_value: Decimal) -> str:
    x, y = f.x(x_value), f.y(y_value)
    # Up and to the left of the point is clear of a rising curve; near the left edge go below-right instead.
    room_left = x - f.l.left > 70
    tx, anchor = (x - 10, "end") if room_left else (x + 10, "start")
    ty = y - 10 if room_left and y - 10 > f.l.top + 24 else y + 20
    return (
        f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{f.l.base_y}" stroke="#16a34a" '
        f'stroke-dasharray="2 3"/><circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#16a34a" '
        f'stroke="#fff" stroke-width="2" class="user-point"/><text x="{tx:.1f}" y="{ty:.1f}" '
        f'text-anchor="{anchor}" fill="#15803d" font-weight="600" class="marker-label">您：{short(y_value)}</text>'
    )


def _axes(f: _Frame, y_step: Decimal, x_title: str) -> str:
    lay, curve = f.l, f.curve
    out = [
        f'<line x1="{lay.left}" y1="{lay.base_y}" x2="{lay.plot_right}" y2="{lay.base_y}" stroke="#6b7280" '
        'class="x-axis"/>',
        f'<line x1="{lay.left}" y1="{lay.top}" x2="{lay.left}" y2="{lay.base_y}" stroke="#6b7280"/>',
    ]
    x_step, xv = nice_step(curve.x_max, lay.x_ticks), Decimal(0)
    while xv <= curve.x_max:
        x = f.x(xv)
        anchor = "end" if x > lay.plot_right - 20 else "start" if x < lay.left + 4 else "middle"
        out.append(
            f'<text x="{x:.1f}" y="{lay.base_y + 17}" text-anchor="{anchor}" fill="#374151">{short(xv)}</text>'
        )
        xv += x_step
    yv = Decimal(0)
    while yv <= f.y_top:
        y = f.y(yv)
        out.append(
            f'<line x1="{lay.left}" y1="{y:.1f}" x2="{lay.plot_right}" y2="{y:.1f}" stroke="#e5e7eb"/>'
        )
        out.append(
            f'<text x="{lay.left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#374151">{short(yv)}</text>'
        )
        yv += y_step
    out.append(
        f'<text x="{(lay.left + lay.plot_right) / 2:.0f}" y="{lay.height - 8}" text-anchor="middle" '
        f'fill="#111827">{escape(_fit(x_title, lay))}（万元）</text>'
    )
    out.append(f'<text x="{lay.left}" y="{lay.top - 10}" fill="#111827">补贴上限（万元）</text>')
    return "".join(out)


def _fit(title: str, layout: Layout) -> str:
    """The axis title cut to what fits the plot width at the label size (CJK glyphs are one em wide)."""
    room = int((layout.plot_right - layout.left) / FONT_PX) - 4
    return title if len(title) <= room else title[: max(room - 1, 1)] + "…"


def legend(curve: Curve, x_title: str, marker: tuple[Decimal, Decimal] | None, beyond: Decimal | None) -> str:
    """Full-sentence labels as an HTML list: readable at any width, and read by screen readers."""
    items = []
    if marker is not None:
        items.append(f"● 您的情况：{escape(x_title)} {wan(marker[0])} → 补贴上限 {wan(marker[1])}")
    for th in curve.thresholds:
        items.append(f"┆ 门槛/分档 {wan(th.x)}：{wan(th.y_before)}→{wan(th.y_after)}")
    for cap in curve.caps:
        items.append(f"— 上限 {wan(cap)}")
    if beyond is not None and beyond > curve.y_max:
        items.append(f"投入继续增加时，补贴最高可达 {wan(beyond)}（超出图示范围）")
    return '<ul class="pb-legend">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def chart_block(
    curve: Curve,
    x_title: str,
    marker: tuple[Decimal, Decimal] | None = None,
    beyond: Decimal | None = None,
) -> str:
    """Both layouts (CSS shows the one that fits the screen) and the legend."""
    return (
        '<div class="pb-chart">'
        + svg_chart(curve, x_title, marker, WIDE)
        + svg_chart(curve, x_title, marker, NARROW)
        + legend(curve, x_title, marker, beyond)
        + "</div>"
    )
