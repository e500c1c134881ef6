"""The console's figures as HTML: headline numbers, a questions-per-day bar chart (a wide and a narrow SVG,
so labels stay readable on a phone), answers by status and mode, top clauses and calculators."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

STATUS_LABELS = {"answered": "已答", "need_more_info": "待补充", "not_covered": "未覆盖"}
MODE_LABELS = {"deterministic": "规则", "llm": "大模型"}

CSS = """
.cs-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin: 4px 0 10px; }
.cs-card { border: 1px solid #d1d5db; border-radius: 8px; padding: 6px 10px; background: #fff; }
.cs-card .cs-n { font-size: 24px; font-weight: 700; color: #1e3a8a; display: block; }
.cs-card .cs-l { font-size: 13px; color: #4b5563; }
.cs-chart svg { width: 100%; max-width: 760px; height: auto; display: block; }
.cs-chart .cs-narrow { display: none; }
.cs-tables { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 10px; align-items: start; }
.cs-tables table { width: 100%; border-collapse: collapse; font-size: 14px; }
.cs-tables th, .cs-tables td { border-bottom: 1px solid #e5e7eb; padding: 3px 6px; text-align: left; }
.cs-tables td.cs-num { text-align: right; }
@media (max-width: 640px) {
  .cs-chart .cs-wide { display: none; }
  .cs-chart .cs-narrow { display: block; }
  .cs-cards { grid-template-columns: repeat(2, 1fr); }
}
"""
EXPORT_CSS = """
.cs-export { display: inline-block; padding: 8px 16px; border: 1px solid #2563eb; border-radius: 6px;
  color: #1d4ed8; background: #fff; text-decoration: none; font-size: 15px; margin: 6px 0; }
"""


def _card(number: object, label: str) -> str:
    return f"<div class='cs-card'><span class='cs-n'>{escape(str(number))}</span><span class='cs-l'>{escape(label)}</span></div>"


def cards(stats: dict[str, Any]) -> str:
    status = stats.get("by_status", {})
    latency = stats.get("median_latency_ms")
    feedback = stats.get("feedback", {})
    parts = [_card(stats.get("questions", 0), "问题数")]
    parts += [_card(status.get(s, 0), label) for s, label in STATUS_LABELS.items()]
    parts += [
        _card(stats.get("llm_fallbacks", 0), "大模型回退"),
        _card("—" if latency is None else f"{latency:g} ms", "中位耗时"),
        _card(f"{feedback.get('helpful', 0)} / {feedback.get('unhelpful', 0)}", "反馈 有用 / 无用"),
    ]
    return "<div class='cs-cards'>" + "".join(parts) + "</div>"


def bars_svg(per_day: list[dict[str, Any]], width: int, height: int, label_every: int, css_class: str) -> str:
    """Questions per day as bars with a y scale; every `label_every`-th day labelled (MM-DD)."""
    if not any(d["questions"] for d in per_day):
        return f"<p class='{css_class}'>所选日期内没有问题记录。</p>"
    left, bottom, top, right = 34, 28, 14, 8
    top_n = max(max(d["questions"] for d in per_day), 1)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / len(per_day)
    parts = [
        f"<svg class='{css_class}' viewBox='0 0 {width} {height}' role='img' aria-label='每日问题数'>",
        f"<line x1='{left}' y1='{top + plot_h}' x2='{width - right}' y2='{top + plot_h}' stroke='#6b7280'/>",
        f"<text x='{left - 4}' y='{top + 4}' font-size='12' text-anchor='end' fill='#374151'>{top_n}</text>",
        f"<text x='{left - 4}' y='{top + plot_h}' font-size='12' text-anchor='end' fill='#374151'>0</text>",
    ]
    for i, day in enumerate(per_day):
        h = plot_h * day["questions"] / top_n
        x = left + i * step + step * 0.15
        parts.append(
            f"<rect class='cs-bar' x='{x:.1f}' y='{top + plot_h - h:.1f}' width='{step * 0.7:.1f}' height='{h:.1f}' "
            f"fill='#2563eb'><title>{escape(day['date'])}：{day['questions']} 个问题</title></rect>"
        )
        last = i == len(per_day) - 1 and (len(per_day) - 1) % label_every >= label_every / 2
        if i % label_every == 0 or last:
            parts.append(
                f"<text x='{x + step * 0.35:.1f}' y='{height - 8}' font-size='12' text-anchor='middle' "
                f"fill='#374151'>{escape(day['date'][5:])}</text>"
            )
    return "".join(parts) + "</svg>"


def chart(per_day: list[dict[str, Any]]) -> str:
    n = max(len(per_day), 1)
    wide = bars_svg(per_day, 760, 220, max(1, n // 10), "cs-wide")
    narrow = bars_svg(per_day, 360, 220, max(1, n // 4), "cs-narrow")
    return f"<div class='cs-chart'><h4>每日问题数</h4>{wide}{narrow}</div>"


def _table(title: str, rows: list[tuple[str, int]]) -> str:
    body = "".join(f"<tr><td>{escape(k)}</td><td class='cs-num'>{n}</td></tr>" for k, n in rows)
    body = body or "<tr><td colspan='2'>暂无</td></tr>"
    return f"<table><thead><tr><th>{escape(title)}</th><th class='cs-num'>回答数</th></tr></thead><tbody>{body}</tbody></table>"


def tables(stats: dict[str, Any], clause_name: Callable[[str], str], tool_name: Callable[[str], str]) -> str:
    status = [(STATUS_LABELS.get(k, k), v) for k, v in stats.get("by_status", {}).items()]
    modes = [(MODE_LABELS.get(k, k), v) for k, v in stats.get("by_mode", {}).items()]
    reasons = [(r["reason"], r["answers"]) for r in stats.get("fallback_reasons", [])]
    clauses = [(clause_name(t["clause"]), t["answers"]) for t in stats.get("top_clauses", [])]
    tools = [(tool_name(t["tool"]), t["answers"]) for t in stats.get("top_calculators", [])]
    parts = [
        _table("按状态", status),
        _table("按模式（规则 / 大模型）", modes),
        _table("大模型回退原因", reasons),
        _table("常用条款", clauses),
        _table("常用测算器", tools),
    ]
    return "<div class='cs-tables'>" + "".join(parts) + "</div>"


def stats_html(
    stats: dict[str, Any], clause_name: Callable[[str], str], tool_name: Callable[[str], str]
) -> str:
    since, until = stats.get("since") or "最早", stats.get("until") or "最新"
    head = f"<p>统计范围：{escape(since)} 至 {escape(until)}</p>"
    return head + cards(stats) + chart(stats.get("per_day", [])) + tables(stats, clause_name, tool_name)
