"""Chinese answer composition and the Answer object every path returns."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.packs.corpus import Clause, Corpus
from bot.tools.executor import ToolOutcome

ANSWERED, NEED_MORE_INFO, NOT_COVERED = "answered", "need_more_info", "not_covered"
POLICY = "杭高新〔2024〕7号《关于进一步推动集成电路和算力产业高质量发展的若干政策》"
SCOPE = (
    f"我是政策通，只解答{POLICY}的相关问题：集成电路（EDA、IP、流片、核心设备材料）、算力、数据要素、"
    "人工智能场景、平台、金融贴息、人才和标准等条款的内容、条件和补贴测算。"
    "您可以这样问：“首次流片费用1200万元能补多少？”“算力券是什么？”"
)
CEILING = "以上金额是政策规定的上限（“不超过/最高”），实际金额以主管部门评审、认定结果为准。"
CALC_KEYS = ("tool", "clause_id", "inputs", "eligible", "max_subsidy_yuan", "formula", "notes")


@dataclass(frozen=True)
class Citation:
    clause_id: str
    title: str
    quote: str

    def to_dict(self) -> dict[str, str]:
        return {"clause_id": self.clause_id, "title": self.title, "quote": self.quote}


@dataclass
class Answer:
    """One reply. `to_dict()` is the public contract; `mode` and `fallback_reason` stay internal."""

    status: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    calculations: list[dict[str, Any]] = field(default_factory=list)
    total_max_subsidy_yuan: str | None = None
    session_id: str = ""
    answer_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    mode: str = "deterministic"
    fallback_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "calculations": [dict(c) for c in self.calculations],
            "total_max_subsidy_yuan": self.total_max_subsidy_yuan,
            "session_id": self.session_id,
            "answer_id": self.answer_id,
        }


def plain(value: Decimal) -> str:
    """Decimal as a plain string without exponent or trailing zeros: 1800000, 77500, 12.5."""
    text = format(value.normalize(), "f")
    return text


def wan(value: Decimal) -> str:
    """Yuan as 万元 text: 1800000 → 180万元, 77500 → 7.75万元."""
    return f"{plain(value / 10000)}万元"


def money_text(value: Decimal) -> str:
    return f"{wan(value)}（{value.normalize():,f}元）"


def label(clause: Clause) -> str:
    """How the answer names a clause: 第3条“加大流片支持”, 附则第2条, 发展目标, 文件头."""
    if clause.id.startswith("m"):
        return f"第{clause.number}条“{clause.title}”"
    if clause.id.startswith("a"):
        return f"实施附则第{clause.number}条"
    return f"“{clause.title}”部分"


def units_text(clause: Clause) -> str:
    if not clause.units:
        return ""
    lead = f"（{clause.lead_unit}牵头）" if len(clause.units) > 1 else ""
    return f"责任单位：{'、'.join(clause.units)}{lead}。"


def citations_for(corpus: Corpus, clause_ids: list[str]) -> list[Citation]:
    """Verbatim citations in the given order, each clause once."""
    out: list[Citation] = []
    for cid in dict.fromkeys(clause_ids):
        clause = corpus.clause(cid)
        if clause is not None:
            out.append(Citation(clause.id, clause.title, clause.text))
    return out


def calculation_dict(outcome: ToolOutcome) -> dict[str, Any]:
    full = outcome.result.to_dict()
    return {k: full[k] for k in CALC_KEYS}


def total_of(outcomes: list[ToolOutcome]) -> Decimal:
    """Sum over distinct calculations (each is its own project; a2 is applied inside each calculator)."""
    return sum((o.result.max_subsidy_yuan for o in outcomes if o.result.eligible), Decimal(0))


def describe_result(outcome: ToolOutcome, corpus: Corpus) -> str:
    """One calculation in words: the amount or why not, formula, caps, readings."""
    res = outcome.result
    clause = corpus.clause(res.clause_id)
    where = label(clause) if clause else res.clause_id
    if not res.eligible:
        why = "；".join(res.failed_conditions) or "条件不满足"
        return f"按{where}，您描述的情况不符合条件（{why}），这一项不能享受补贴，测算金额为0元。"
    lines = [f"按{where}测算，最高可获 {money_text(res.max_subsidy_yuan)}。", f"计算：{res.formula}"]
    if res.caps_applied:
        lines.append("已封顶：" + "；".join(res.caps_applied) + "。")
    readings = [n for n in res.notes if "评审、认定结果为准" not in n]
    if readings:
        lines.append("说明：" + " ".join(readings))
    return "\n".join(lines)


def compose_calculation(outcomes: list[ToolOutcome], corpus: Corpus, extra_ids: list[str]) -> Answer:
    """Answered numeric question: amounts from tools only, relied-on clauses cited first."""
    parts = [describe_result(o, corpus) for o in outcomes]
    total = total_of(outcomes)
    if len(outcomes) > 1:
        parts.append(f"合计最高 {money_text(total)}。")
    clause_ids = [o.result.clause_id for o in outcomes]
    if any(o.result.eligible for o in outcomes):
        parts.append(CEILING)
    units = [units_text(c) for c in (corpus.clause(cid) for cid in dict.fromkeys(clause_ids)) if c]
    parts.extend(u for u in units if u)
    return Answer(
        status=ANSWERED,
        answer="\n".join(parts),
        citations=citations_for(corpus, clause_ids + extra_ids),
        calculations=[calculation_dict(o) for o in outcomes],
        total_max_subsidy_yuan=plain(total),
    )


def compose_missing(outcome: ToolOutcome, corpus: Corpus, clause_id: str) -> Answer:
    """Ask exactly for what the calculator still needs."""
    clause = corpus.clause(clause_id)
    where = label(clause) if clause else clause_id
    needs = "；".join(m.description for m in outcome.missing)
    text = f"要按{where}测算，还需要您提供：{needs}。请直接回复数字，例如“1200万”。"
    return Answer(status=NEED_MORE_INFO, answer=text, citations=citations_for(corpus, [clause_id]))


def compose_tool_error(outcome: ToolOutcome, corpus: Corpus, clause_id: str) -> Answer:
    """Arguments that the calculator rejected: say why and ask again."""
    # Field names are for programs; the user sees only their Chinese descriptions.
    error = re.sub(r"参数“[^”]*”（([^）]*)）", r"\1", outcome.error or "")
    error = re.sub(r"参数“[^”]*”", "", error)
    text = f"无法按您给出的数据测算：{error}。请核对后重新提供。"
    return Answer(status=NEED_MORE_INFO, answer=text, citations=citations_for(corpus, [clause_id]))


def compose_lookup(corpus: Corpus, clause_ids: list[str], intro: str = "", excerpt: str = "") -> Answer:
    """Answer from clause text: what the relied-on clause says, who to contact, other relevant clauses.

    An excerpt (the sentences of a long clause that answer the question) replaces the whole clause in the
    text; the citations always carry the full verbatim clause."""
    clause = corpus.clause(clause_ids[0])
    assert clause is not None
    where = f"{label(clause)}（摘录）" if excerpt else label(clause)
    body = excerpt or body_of(clause)
    text = f"{intro}根据{POLICY_SHORT}{where}：\n{body}\n{units_text(clause)}".rstrip()
    return Answer(status=ANSWERED, answer=text, citations=citations_for(corpus, clause_ids))


def compose_rule_only(corpus: Corpus, clause_id: str) -> Answer:
    """Clauses with no number in the policy: explain the rule, invent nothing."""
    clause = corpus.clause(clause_id)
    assert clause is not None
    intro = f"{label(clause)}没有规定具体的补贴比例或金额，无法测算具体数字；具体标准以责任单位的实施细则和审核结果为准。\n"
    return compose_lookup(corpus, [clause_id], intro)


def compose_not_covered(injection: bool = False, greeting: bool = False) -> Answer:
    if greeting:
        return Answer(status=NOT_COVERED, answer="您好！" + SCOPE)
    if injection:
        text = (
            "抱歉，我不能按消息中的要求更改政策规定的比例、上限或条件，也不能透露系统配置或承诺补贴金额。"
            "所有测算都严格按政策原文进行，且金额均为上限，以评审结果为准。\n" + SCOPE
        )
    else:
        text = "抱歉，这个问题不在我能解答的范围内。" + SCOPE
    return Answer(status=NOT_COVERED, answer=text)


POLICY_SHORT = "杭高新〔2024〕7号"


def body_of(clause: Clause) -> str:
    """Clause text without its leading number and the 责任单位 note (shown separately)."""
    text = clause.text
    if clause.number and text.startswith(f"{clause.number}."):
        text = text[len(clause.number) + 1 :].lstrip()
    cut = text.rfind("（责任单位")
    return text[:cut].rstrip() if cut > 0 else text
