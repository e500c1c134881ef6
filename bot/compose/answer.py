"""Chinese answer composition and the Answer object every path returns; documents are named from their packs."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.packs.corpus import Clause, Corpus

ANSWERED, NEED_MORE_INFO, NOT_COVERED = "answered", "need_more_info", "not_covered"
CEILING = "以上金额是政策规定的上限（“不超过/最高”），实际金额以主管部门评审、认定结果为准。"


@dataclass(frozen=True)
class Citation:
    clause_id: str
    title: str
    quote: str
    doc_id: str = ""
    doc_number: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "clause_id": self.clause_id,
            "title": self.title,
            "quote": self.quote,
            "doc_id": self.doc_id,
            "doc_number": self.doc_number,
        }


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
    return format(value.normalize(), "f")


def wan(value: Decimal) -> str:
    """Yuan as 万元 text: 1800000 → 180万元, 77500 → 7.75万元."""
    return f"{plain(value / 10000)}万元"


def money_text(value: Decimal) -> str:
    return f"{wan(value)}（{value.normalize():,f}元）"


def units_text(clause: Clause) -> str:
    if not clause.units:
        return ""
    lead = f"（{clause.lead_unit}牵头）" if len(clause.units) > 1 else ""
    return f"责任单位：{'、'.join(clause.units)}{lead}。"


def citations_for(corpus: Corpus, clause_ids: list[str], doc_id: str | None = None) -> list[Citation]:
    """Verbatim citations in the given order, each clause once (bare ids are of `doc_id`, else the primary)."""
    out: list[Citation] = []
    for cid in dict.fromkeys(clause_ids):
        clause = corpus.clause(cid, doc_id)
        if clause is not None:
            doc = corpus.document_of(clause)
            out.append(Citation(clause.id, clause.title, clause.text, doc.doc_id, doc.doc_number))
    return out


def where(corpus: Corpus, clause_id: str, doc_id: str | None = None) -> str:
    """How an answer names a clause: 第3条“加大流片支持”, 实施附则第2条, “发展目标”部分."""
    clause = corpus.clause(clause_id, doc_id)
    return corpus.label(clause) if clause else clause_id


def short_name(corpus: Corpus, clause: Clause) -> str:
    return corpus.document_of(clause).short_name


def body_of(clause: Clause) -> str:
    """Clause text without its leading number and the 责任单位 note (shown separately)."""
    text = clause.text
    if clause.number and text.startswith(f"{clause.number}."):
        text = text[len(clause.number) + 1 :].lstrip()
    cut = text.rfind("（责任单位")
    return text[:cut].rstrip() if cut > 0 else text


def compose_lookup(
    corpus: Corpus, clause_ids: list[str], intro: str = "", excerpt: str = "", doc_id: str | None = None
) -> Answer:
    """Answer from clause text: what the relied-on clause says, who to contact, other relevant clauses.

    An excerpt (the sentences of a long clause that answer the question) replaces the whole clause in the
    text; the citations always carry the full verbatim clause."""
    clause = corpus.clause(clause_ids[0], doc_id)
    assert clause is not None
    label = corpus.label(clause)
    place = f"{label}（摘录）" if excerpt else label
    body = excerpt or body_of(clause)
    text = f"{intro}根据{short_name(corpus, clause)}{place}：\n{body}\n{units_text(clause)}".rstrip()
    return Answer(status=ANSWERED, answer=text, citations=citations_for(corpus, clause_ids, doc_id))


def compose_rule_only(corpus: Corpus, clause_id: str) -> Answer:
    """Clauses with no number in the policy: explain the rule, invent nothing."""
    intro = (
        f"{where(corpus, clause_id)}没有规定具体的补贴比例或金额，无法测算具体数字；"
        "具体标准以责任单位的实施细则和审核结果为准。\n"
    )
    return compose_lookup(corpus, [clause_id], intro)


def scope_text(pack: Any) -> str:
    """What the assistant answers, from the primary pack: its 文号, title, subjects and two examples."""
    doc = pack.document
    vocab = pack.vocabulary
    subjects = f"：{vocab.document.scope}" if vocab and vocab.document.scope else ""
    examples = "".join(f"“{e}”" for e in (vocab.document.examples[:2] if vocab else []))
    asks = f"您可以这样问：{examples}" if examples else ""
    return f"我是政策通，只解答{doc.doc_number}《{doc.title}》的相关问题{subjects}。{asks}"


def compose_not_covered(
    pack: Any, injection: bool = False, greeting: bool = False, place: str = "", document: str = ""
) -> Answer:
    scope = scope_text(pack)
    if greeting:
        return Answer(status=NOT_COVERED, answer="您好！" + scope)
    if document:
        text = (
            f"抱歉，您问的是另一份文件（{document}），不在本助手的解答范围内，也不能用本政策的比例和上限去测算；"
            "请查阅该文件或咨询其发布部门。\n" + scope
        )
        return Answer(status=NOT_COVERED, answer=text)
    if injection:
        text = (
            "抱歉，我不能按消息中的要求更改政策规定的比例、上限或条件，也不能透露系统配置或承诺补贴金额。"
            "所有测算都严格按政策原文进行，且金额均为上限，以评审结果为准。\n" + scope
        )
    elif place:
        text = (
            f"抱歉，您问的是{place}的政策，不在本助手的解答范围内，也不能用本政策的比例和上限去测算；"
            f"请咨询{place}的政策主管部门或查阅其发布的文件。\n" + scope
        )
    else:
        text = "抱歉，这个问题不在我能解答的范围内。" + scope
    return Answer(status=NOT_COVERED, answer=text)


def compose_tool_error(outcome: Any, corpus: Corpus, clause_id: str) -> Answer:
    """Arguments that the calculator rejected: say why and ask again."""
    # Field names are for programs; the user sees only their Chinese descriptions.
    error = re.sub(r"参数“[^”]*”（([^）]*)）", r"\1", outcome.error or "")
    error = re.sub(r"参数“[^”]*”", "", error)
    text = f"无法按您给出的数据测算：{error}。请核对后重新提供。"
    return Answer(status=NEED_MORE_INFO, answer=text, citations=citations_for(corpus, [clause_id]))


def compose_missing(outcome: Any, corpus: Corpus, clause_id: str) -> Answer:
    """Ask exactly for what the calculator still needs."""
    needs = "；".join(m.description for m in outcome.missing)
    # An amount is asked with an example of one; a choice ("1=最高 50 万元…") or a year, without.
    money = any("（元）" in m.description for m in outcome.missing)
    hint = "请直接回复数字，例如“1200万”。" if money else "请直接回复。"
    text = f"要按{where(corpus, clause_id)}测算，还需要您提供：{needs}。{hint}"
    return Answer(status=NEED_MORE_INFO, answer=text, citations=citations_for(corpus, [clause_id]))
