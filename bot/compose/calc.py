"""Answers to numeric questions: a disqualifying fact first, then each amount with its formula, caps and the
facts it used, the figures of the message it did not use, the ceiling disclaimer and whom to contact."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from bot.compose.answer import ANSWERED, CEILING, Answer, citations_for, money_text, units_text, where
from bot.nlu.figure import (
    CLAIM,
    DENIED,
    EXCLUDED,
    HEARSAY,
    INPUT,
    NOT_INPUT,
    OTHER_ENTITY,
    OTHER_YEAR,
    TOTAL,
    Figure,
)
from bot.packs.corpus import Corpus
from calculators.money import format_wan

CALC_KEYS = ("tool", "clause_id", "inputs", "eligible", "max_subsidy_yuan", "formula", "notes")
_WHY_UNUSED = {
    HEARSAY: "{label}的数字，不作为测算依据",
    CLAIM: "所问或所称的补贴金额，不是测算依据",
    DENIED: "您已更正或否定这个数",
    NOT_INPUT: "{label}，不是这项补贴的计算基数",
    EXCLUDED: "{label}，不计入",
    TOTAL: "{label}，只按其中所述分项计算",
    OTHER_YEAR: "{label}的数字，不属于所问年度",
    OTHER_ENTITY: "{label}的数字，不是申请企业本身的",
}


def calculation_dict(outcome: Any, corpus: Corpus) -> dict[str, Any]:
    full = outcome.result.to_dict()
    row = {k: full[k] for k in CALC_KEYS}
    clause = corpus.clause(outcome.result.clause_id)
    if clause is not None:
        row.update(doc_id=clause.doc_id, doc_number=corpus.document_of(clause).doc_number)
    for key in ("trace", "failed_conditions", "caps_applied"):
        if key in full:
            row[key] = full[key]
    return row


def total_of(outcomes: list[Any]) -> Decimal:
    """Sum over distinct calculations (each is its own project; a2 is applied inside each calculator)."""
    return sum((o.result.max_subsidy_yuan for o in outcomes if o.result.eligible), Decimal(0))


def _figure_text(figure: Figure) -> str:
    raw = figure.mention.raw.strip()
    # An input of a rule the answer does not compute ("流片补贴多少？" beside an EDA purchase): not what was asked.
    other = "不属于所问的这项补贴，未计入" if figure.role == INPUT and figure.rule else "与这项测算无关"
    why = _WHY_UNUSED.get(figure.role, other).format(label=figure.label or "其他")
    return f"{raw}（{why}）"


def _used_values(outcomes: list[Any]) -> set[Decimal]:
    values: set[Decimal] = set()
    for o in outcomes:
        for v in o.call.args.values():
            if isinstance(v, list) and len(v) > 1 and all(isinstance(x, Decimal) for x in v):
                values.add(sum(v, Decimal(0)))  # "全年累计1600万": the total of the amounts used
            for item in v if isinstance(v, list) else [v]:
                inner = list(item.values()) if isinstance(item, dict) else [item]  # a dated item's amount
                values.update(
                    Decimal(x) for x in inner if isinstance(x, Decimal | int) and not isinstance(x, bool)
                )
    return values


def unused_line(decision: Any, outcomes: list[Any]) -> str:
    """ "消息中未用于测算的数字：9000万（营业收入，不是这项补贴的计算基数）…"."""
    reading = getattr(decision, "reading", None)
    if reading is None:
        return ""
    used = _used_values(outcomes)
    taken = getattr(decision, "figures", None)
    excluded = getattr(decision, "excluded", [])
    left = {f.start for f, _ in excluded}  # items that failed a condition of their own are named below
    told = list(reading.figures if taken is None else taken)
    figures = [f for f in told if not f.used or f.mention.value not in used]
    figures = [f for f in figures if f.role != "bound" and not _counts_the_items(f, told)]
    removed = set(getattr(decision, "removed", []))
    parts = [
        f"{f.mention.raw.strip()}（已按您的说法去掉，不再计入）"
        if f.mention.value in removed
        else _figure_text(f)
        for f in figures
        if f.start not in left
    ]
    parts += [f"{f.mention.raw.strip()}（不满足“{why}”，不计入）" for f, why in excluded]
    return "消息中未用于测算的数字：" + "；".join(dict.fromkeys(parts)) + "。" if parts else ""


def _counts_the_items(figure: Any, told: list[Any]) -> bool:
    """ "两款芯片…", "用了三样东西": a count with no role that counts the amounts the message lists (not a fact of
    its own, like 入驻数商260家 or 年出货800万颗, which the answer names as not used); one of something with no
    role ("办了一场交流会", "一份120万一份90万") is the indefinite article, not a figure."""
    if figure.role != "unknown" or figure.mention.kind != "count":
        return False
    money = [f for f in told if f.mention.kind == "money"]
    items = sum(f.times for f in money)
    used = sum(f.times for f in money if f.used)  # "两款…另外2023年还有一款": the items computed
    value = int(figure.mention.value)
    return value in (1, items, used) or (items == 0 and value <= 10)


def relocation_line(decision: Any, corpus: Corpus) -> str:
    """ "从余杭迁入滨江": the amount is for an enterprise inside the jurisdiction, which it must be when applying."""
    reading = getattr(decision, "reading", None)
    if reading is None or not reading.places.moved_in:
        return ""
    vocab = reading.vocabulary
    annex = vocab.annex("applicability")
    inside = vocab.document.jurisdiction[0] if vocab.document.jurisdiction else ""
    rule = f"（{where(corpus, annex.clause)}）" if annex is not None else ""
    return f"您说企业已迁入或正在迁入{inside}：以上按区内企业测算，申报时须已在{inside}内{rule}。"


def estimate_line(decision: Any) -> str:
    """ "预算600万，请测算": say the amount is an estimate on planned figures, not on money spent."""
    from bot.nlu.lang import language

    reading = getattr(decision, "reading", None)
    words = {w for r in language().not_inputs if r.fallback and not r.actual for w in r.cues}
    planned = [f for f in getattr(reading, "figures", ()) if f.used and f.label in words]
    if not planned:
        return ""
    said = "、".join(f.mention.raw.strip() for f in planned)
    return f"{said}是{planned[0].label}金额：以上按它预估，申报时以实际发生并经认定的金额为准。"


_COUNTED = re.compile(r"（(月|天|日|家|个|人|项)）")
_UNITS = {"月": "个月", "天": "天", "日": "天", "家": "家", "个": "个", "人": "人", "项": "项"}


def _facts(outcome: Any) -> str:
    """The facts a calculation used, as the user gave them."""
    from calculators import get_calculator

    fields = get_calculator(outcome.call.name).input_model.model_fields
    shown = []
    for key, value in outcome.call.args.items():
        description = (fields[key].description or key) if key in fields else key
        label = description.split("（")[0].split("，")[0]
        # "贷款期限：12个月" (a unit the description gives), "贷款实际年利率：3.8%" (percent arguments).
        counted = (
            _COUNTED.search(description) if isinstance(value, int) and not isinstance(value, bool) else None
        )
        unit = "%" if key.endswith("_percent") else _UNITS.get(counted.group(1), "") if counted else ""
        shown.append(f"{label}：{_show(value)}{unit}")
    return "按以下事实测算：" + "；".join(shown) + "。" if shown else ""


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format_wan(value) if value >= 1000 else f"{value.normalize():f}"
    if isinstance(value, list):
        return "、".join(_show(v) for v in value)
    if isinstance(value, dict) and any(k in value for k in ("level", "role")):
        return "".join(str(v) for k, v in value.items() if k in ("level", "role"))
    if isinstance(value, dict):  # a dated item: "200万元（2025-01-01）"
        first, *rest = [_show(v) for v in value.values() if v is not None] or [""]
        return first + (f"（{'，'.join(rest)}）" if rest else "")
    return str(value)


def describe_result(outcome: Any, corpus: Corpus, stated: dict[str, Any] | None = None) -> str:
    """One calculation in words: the amount or why not, formula, caps, the facts used, readings."""
    res = outcome.result
    place = where(corpus, res.clause_id)
    if not res.eligible:
        return _not_met(outcome, place, stated or {})
    year = f"{outcome.call.year}年度，" if getattr(outcome.call, "year", None) else ""
    lines = [f"{year}按{place}测算，最高可获 {money_text(res.max_subsidy_yuan)}。", f"计算：{res.formula}"]
    if res.caps_applied:
        lines.append("已封顶：" + "；".join(res.caps_applied) + "。")
    facts = _facts(outcome)
    if facts:
        lines.append(facts)
    readings = [n for n in res.notes if "评审、认定结果为准" not in n]
    if readings:
        lines.append("说明：" + " ".join(readings))
    return "\n".join(lines)


def _not_met(outcome: Any, place: str, stated: dict[str, Any]) -> str:
    """A disqualified calculation: the condition not met, in the clause's words, and the user's words."""
    why = "；".join(outcome.result.failed_conditions) or "条件不满足"
    return _not_met_line(place, why, [s for s in stated.values() if not s.met and s.said])


def _not_met_line(place: str, why: str, said: list[Any]) -> str:
    """ "不符合第N条的条件：须…（原文：“…”；您说“…”）。…测算金额为0元。" """
    words = "".join(f"（原文：“{s.quote}”；您说“{s.said}”）" for s in said)
    return f"不符合{place}的条件：须{why}{words}。这一项不能享受补贴，测算金额为0元。"


def stated_failures(decision: Any, tool: str) -> dict[str, Any]:
    """Conditions the message says are not met, for one tool, with their clause quotes."""
    reading = getattr(decision, "reading", None)
    if reading is None:
        return {}
    rule = reading.vocabulary.rule_for_tool(tool)
    if rule is None:
        return {}
    from bot.nlu.polarity import stated

    out = {}
    for name, said in stated(reading.text, rule, reading.lang).items():
        spec = rule.conditions[name]
        if not said.met:
            out[name] = _Said(spec.quote, said.said, False, spec.statement)
    return out


class _Said:
    def __init__(self, quote: str, said: str, met: bool, statement: str = "") -> None:
        self.quote, self.said, self.met, self.statement = quote, said, met, statement


def compose_disqualified(clause_id: str, corpus: Corpus, stated: dict[str, Any]) -> Answer:
    """A calculation still missing a figure, where the user already states a condition it fails ("不从事网络安全
    服务…保费30万，可以补吗"): it does not qualify, said first with the clause's words — nothing is asked."""
    said = list(stated.values())
    lines = [_not_met_line(where(corpus, clause_id), "；".join(s.statement for s in said), said)]
    clause = corpus.clause(clause_id)
    units = units_text(clause) if clause else ""
    return Answer(
        status=ANSWERED,
        answer="\n".join([*lines, *([units] if units else [])]),
        citations=citations_for(corpus, [clause_id]),
        total_max_subsidy_yuan="0",
    )


def compose_calculation(
    outcomes: list[Any], corpus: Corpus, extra_ids: list[str], decision: Any = None
) -> Answer:
    """Answered numeric question: amounts from tools only, a disqualifier first, relied-on clauses cited first."""
    ordered = sorted(outcomes, key=lambda o: o.result.eligible)
    parts = [describe_result(o, corpus, stated_failures(decision, o.call.name)) for o in ordered]
    total = total_of(outcomes)
    if len(outcomes) > 1:
        parts.append(f"合计最高 {money_text(total)}。")
    moved = relocation_line(decision, corpus) if any(o.result.eligible for o in outcomes) else ""
    parts += [line for line in (moved, unused_line(decision, outcomes), estimate_line(decision)) if line]
    clause_ids = [o.result.clause_id for o in outcomes]
    if any(o.result.eligible for o in outcomes):
        parts.append(CEILING)
    units = [units_text(c) for c in (corpus.clause(cid) for cid in dict.fromkeys(clause_ids)) if c]
    parts.extend(dict.fromkeys(u for u in units if u))  # two clauses of one unit: said once
    return Answer(
        status=ANSWERED,
        answer="\n".join(parts),
        citations=citations_for(corpus, clause_ids + extra_ids),
        calculations=[calculation_dict(o, corpus) for o in outcomes],
        total_max_subsidy_yuan=format(total.normalize(), "f"),
    )


def compose_cases(outcomes: list[Any], corpus: Corpus, plan: Any) -> Answer:
    """Two values given for one figure: each case's ceiling, and a question which one applies."""
    from bot.compose.answer import NEED_MORE_INFO

    clause_id = outcomes[0].result.clause_id
    lines = [
        f"您给出的金额不止一个（{len(outcomes)}种情况），请确认实际金额后再测算；按{where(corpus, clause_id)}分别为："
    ]
    for o in outcomes:
        amounts = [
            v
            for v in o.call.args.values()
            if isinstance(v, Decimal) or isinstance(v, list) and v and isinstance(v[0], Decimal)
        ]
        value = (
            amounts[0][0]
            if amounts and isinstance(amounts[0], list)
            else (amounts[0] if amounts else Decimal(0))
        )
        ceiling = money_text(o.result.max_subsidy_yuan) if o.result.eligible else "不符合条件，0元"
        lines.append(f"- 按{format_wan(Decimal(str(value)))}：最高 {ceiling}（{o.result.formula}）")
    lines.append("几种情况不能相加。" + CEILING)
    return Answer(
        status=NEED_MORE_INFO, answer="\n".join(lines), citations=citations_for(corpus, [clause_id])
    )


def explanation(outcomes: list[Any], corpus: Corpus, packs: Any, plan: Any = None) -> str:
    """Why the last calculation came out as it did: the clause, the standard it applies, and each step; a rate
    the user asks about ("为什么不是50%") is shown where the clause gives it, or said to be none of its own."""
    lines = []
    for o in outcomes:
        res = o.result
        clause = corpus.clause(res.clause_id)
        label = where(corpus, res.clause_id)
        lines.append(f"这是按{label}计算的，原文：“{res.clause_quote}”")
        steps = [s.get("text", "") for s in (res.to_dict().get("trace") or {}).get("steps", [])]
        if steps:
            lines.append("计算过程：" + "；".join(t for t in steps if t) + "。")
        if clause is not None and res.caps_applied:
            lines.append("金额受上限约束：" + "；".join(res.caps_applied) + "。")
        if clause is not None:
            lines += _rates_asked(plan, clause.text, res.formula, label)
    return "\n".join(lines)


def _rates_asked(plan: Any, clause_text: str, formula: str, label: str) -> list[str]:
    """ "为什么不是50%": where the clause gives that rate (another case of it), or that it gives none."""
    reading = getattr(plan, "reading", None)
    rates = [f.mention for f in getattr(reading, "figures", ()) if f.mention.kind == "percent"]
    out = []
    for rate in dict.fromkeys(f"{m.value.normalize():f}%" for m in rates):
        if rate in formula.replace(" ", ""):
            continue
        said = [p for p in re.split(r"[；;。]", clause_text) if rate in p.replace(" ", "")]
        if said:
            out.append(f"{label}中的{rate}适用于另一种情形：“{said[0].strip()}”")
        else:
            out.append(f"{label}没有{rate}的比例。")
    return out


def _whether_only(plan: Any) -> bool:
    reading = getattr(plan, "reading", None)
    return reading is not None and reading.yes_no and not reading.lang.asks_amount.search(reading.text)


def compose_not_applicable(corpus: Corpus, result: Any, plan: Any) -> Answer:
    """An enterprise outside the document's area asking an amount: not eligible, by the applicability annex."""
    clause = corpus.clause(result.clause_id)
    quote = clause.text.split(". ", 1)[-1] if clause else ""
    measure = where(corpus, result.measure_clause) if result.measure_clause else ""
    # "我们注册在富阳，能申请这个政策吗": no measure named — none of its measures.
    cannot = f"因此不能按{measure}申请，测算金额为0元。" if measure else "因此不能申请本政策的各项支持。"
    text = (
        f"不符合{where(corpus, result.clause_id)}的适用范围：您的{result.subject or '企业'}在{result.place}，"
        f"而本政策“{quote}”"
        f"{cannot}\n如企业迁入或在本区新设立，可按迁入后的情况重新咨询。"
    )
    unused = unused_line(plan, [])
    return Answer(
        status=ANSWERED,
        answer=text + ("\n" + unused if unused else ""),
        citations=citations_for(corpus, [result.clause_id, *([result.measure_clause] if measure else [])]),
        calculations=[],
        # "能否按本政策申请" asks whether, not how much: no amount then, only the answer that it cannot.
        total_max_subsidy_yuan=None if _whether_only(plan) else "0",
    )
