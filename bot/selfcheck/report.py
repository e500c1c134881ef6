"""The self-check as a printable page: the enterprise's facts, the table of measures, the total, each policy's
文号 and dates, the ceiling disclaimer; plain, no images, A4 portrait when printed (one column on a phone)."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

STATUS_LABELS = {
    "eligible": "可申报",
    "not_eligible": "不符合",
    "needs_info": "待补充",
    "no_amount": "未定金额",
}
DISCLAIMER = (
    "所列金额均为政策规定的上限（“不超过/最高”），按企业自填情况测算，实际补贴以主管部门评审、认定结果为准。"
)

CSS = """
@page { size: A4 portrait; margin: 14mm 12mm 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
  color: #111; margin: 0; padding: 12px; font-size: 14px; line-height: 1.55; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 18px 0 6px; border-bottom: 1px solid #999; padding-bottom: 2px; }
h3 { font-size: 14px; margin: 12px 0 4px; }
.meta { color: #333; margin: 0; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #999; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #eee; font-weight: 600; }
.facts th { width: 34%; }
.eligible { margin-top: 6px; font-size: 13px; } .eligible tr { break-inside: avoid; }
.total { font-size: 18px; margin: 4px 0; }
.total strong { font-size: 24px; }
.ceiling { font-weight: 600; }
.measures table { font-size: 12.5px; table-layout: fixed; }
.measures col.c-clause { width: 13%; } .measures col.c-title { width: 17%; } .measures col.c-status { width: 9%; }
.measures col.c-amount { width: 13%; } .measures col.c-reason { width: 36%; } .measures col.c-units { width: 12%; }
.measures tr { page-break-inside: avoid; break-inside: avoid; }
.measures thead { display: table-header-group; }
.sec td { background: #f4f4f4; font-weight: 600; }
.status-eligible .st { font-weight: 700; }
.small { color: #333; font-size: 11.5px; word-break: break-all; }
.notes li { margin: 2px 0; }
footer { margin-top: 16px; font-size: 12px; color: #333; }
@media screen and (max-width: 640px) {
  body { padding: 6px; }
  .measures table, .measures tbody, .measures tr, .measures td { display: block; width: 100%; }
  .measures colgroup, .measures thead { display: none; }
  .measures tr { border: 1px solid #999; margin: 0 0 8px; }
  .measures td { border: none; border-bottom: 1px dotted #ccc; }
  .measures td[data-label]::before { content: attr(data-label) "："; font-weight: 600; }
}
@media print { body { padding: 0; font-size: 12px; } h2 { break-after: avoid; } }
"""


def _wan(value: str | None) -> str:
    from calculators.money import format_wan, format_yuan

    if value is None:
        return "—"
    amount = Decimal(value)
    return f"{escape(format_wan(amount))}<br><span class='small'>{escape(format_yuan(amount))} 元</span>"


def _fact_rows(result: dict[str, Any], labels: dict[str, str]) -> str:
    rows = []
    for name, value in result.get("facts", {}).items():
        shown = "是" if value is True else "否" if value is False else str(value)
        label = labels.get(name, name).split("（")[0]
        rows.append(f"<tr><th>{escape(label)}</th><td>{escape(shown)}</td></tr>")
    return "".join(rows) or "<tr><td colspan='2'>未填写</td></tr>"


def _reason(m: dict[str, Any]) -> str:
    parts = [escape(m.get("reason") or "")]
    if m.get("status") == "eligible" and m.get("formula"):
        parts.append(f"<span class='small'>算式：{escape(m['formula'])}</span>")
    parts += [f"<span class='small'>{escape(n)}</span>" for n in m.get("notes") or []]
    return "<br>".join(p for p in parts if p)


def _row(m: dict[str, Any]) -> str:
    amount = _wan(m.get("max_subsidy_yuan"))
    if m.get("max_subsidy_yuan") is not None and not m.get("in_total", True):
        amount += "<br><span class='small'>不计入企业合计</span>"
    units = "、".join(m.get("units") or []) or "—"
    status = m.get("status", "")
    return (
        f"<tr class='status-{escape(status)}'>"
        f"<td data-label='条款'>{escape(m.get('clause_label', ''))}</td>"
        f"<td data-label='措施'>{escape(m.get('title', ''))}</td>"
        f"<td data-label='结果' class='st'>{STATUS_LABELS.get(status, escape(status))}</td>"
        f"<td data-label='最高金额'>{amount}</td>"
        f"<td data-label='说明'>{_reason(m)}</td>"
        f"<td data-label='责任单位'>{escape(units)}</td></tr>"
    )


def _measure_tables(result: dict[str, Any]) -> str:
    out, doc, section = [], None, None
    head = (
        "<table><colgroup><col class='c-clause'><col class='c-title'><col class='c-status'><col class='c-amount'>"
        "<col class='c-reason'><col class='c-units'></colgroup><thead><tr><th>条款</th><th>措施</th><th>结果</th>"
        "<th>最高金额</th><th>说明</th><th>责任单位（牵头在前）</th></tr></thead><tbody>"
    )
    for m in result.get("measures", []):
        if m.get("doc_id") != doc:
            if doc is not None:
                out.append("</tbody></table>")
            doc, section = m.get("doc_id"), None
            out.append(f"<h3>{escape(m.get('doc_number', ''))}</h3>{head}")
        if m.get("section") != section:
            section = m.get("section")
            out.append(f"<tr class='sec'><td colspan='6'>{escape(section or '')}</td></tr>")
        out.append(_row(m))
    if doc is not None:
        out.append("</tbody></table>")
    return "".join(out)


def _documents(result: dict[str, Any]) -> str:
    items = []
    for d in result.get("documents", []):
        dates = "，".join(
            x
            for x in (
                f"{d['issued_date']} 印发" if d.get("issued_date") else "",
                f"{d['effective_date']} 起施行" if d.get("effective_date") else "",
            )
            if x
        )
        items.append(
            f"<li>{escape(d['doc_number'])}《{escape(d.get('title', ''))}》{escape('（' + dates + '）' if dates else '')}</li>"
        )
    return "<ul>" + "".join(items) + "</ul>"


def _summary(result: dict[str, Any]) -> str:
    from calculators.money import format_wan, format_yuan

    total = Decimal(result.get("total_max_subsidy_yuan") or "0")
    counts = result.get("counts", {})
    shown = " · ".join(f"{label} {counts.get(s, 0)} 项" for s, label in STATUS_LABELS.items())
    return (
        f"<p class='total'>可申报金额合计最高 <strong>{escape(format_wan(total))}</strong>"
        f"（{escape(format_yuan(total))} 元）</p><p>{shown}</p><p class='ceiling'>{escape(DISCLAIMER)}</p>"
        + _eligible_table(result)
    )


def _eligible_table(result: dict[str, Any]) -> str:
    """The measures the enterprise may claim, with their ceilings and whom to call, before the details."""
    rows = [
        f"<tr><td>{escape(m.get('clause_label', ''))}</td><td>{escape(m.get('title', ''))}</td>"
        f"<td>{_wan(m.get('max_subsidy_yuan'))}{'' if m.get('in_total', True) else '<br><span class=small>不计入企业合计</span>'}</td>"
        f"<td>{escape('、'.join(m.get('units') or []) or '—')}</td></tr>"
        for m in result.get("measures", [])
        if m.get("status") == "eligible"
    ]
    if not rows:
        return "<p>按所填情况，暂无可测算金额的措施；请补充“待补充”各项的情况。</p>"
    return (
        "<table class='eligible'><thead><tr><th>条款</th><th>可申报措施</th><th>最高金额</th><th>责任单位</th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def report_html(result: dict[str, Any]) -> str:
    """A complete HTML document for the screen and the printer."""
    facts = result.get("facts", {})
    company = str(facts.get("company") or "")
    title = "政策体检报告" + (f"：{company}" if company else "")
    notes = "".join(f"<li>{escape(n)}</li>" for n in result.get("notes", []))
    year = f"体检年度：{facts['year']} 年 ｜ " if facts.get("year") else ""
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><p class='meta'>{escape(year)}生成日期：{escape(result.get('generated_on', ''))}</p></header>"
        f"<section class='facts'><h2>企业基本情况</h2><table>{_fact_rows(result, result.get('fact_labels') or {})}</table></section>"
        f"<section class='summary'><h2>合计</h2>{_summary(result)}</section>"
        f"<section class='docs'><h2>政策依据</h2>{_documents(result)}</section>"
        f"<section class='measures'><h2>逐项结果</h2>{_measure_tables(result)}</section>"
        f"<section class='notes'><h2>说明</h2><ol>{notes}</ol></section>"
        f"<footer>{escape(DISCLAIMER)}本报告根据企业填写的情况自动生成，不是申报结果；申报请联系各措施的责任单位。</footer>"
        "</body></html>"
    )
