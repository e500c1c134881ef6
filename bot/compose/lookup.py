"""Direct answers for lookup and eligibility questions, built from the clause points, and overview lists."""

from __future__ import annotations

import re

from bot.compose.answer import ANSWERED, Answer, body_of, citations_for, compose_lookup
from bot.packs.corpus import Clause, Corpus
from bot.packs.points import ClausePoints, Negation, Points

# Yes/no questions get 可以/不可以/需满足 first.
YES_NO = re.compile(
    r"(?<![什怎那这])[吗么嘛][？?。！!]*$|是否|能不能|可不可以|算不算|补不补|行不行|有没有资格"
)
_NUMBER = re.compile(r"\d")
CEILING_NOTE = "金额均为上限（不超过/最高），最终以主管部门审核结果为准。"
_SENTENCE = re.compile(r"[^。；]+[。；]?")


def _authority(clause: Clause) -> str:
    return f"{clause.lead_unit}等主管部门" if clause.lead_unit else "主管部门"


def not_met(name: str, clause: Clause, negation: Negation, said: str, yes_no: bool) -> str:
    """The user's own words show a condition of the clause is not met: say so plainly, naming it."""
    head = "不可以。" if yes_no else ""
    result = negation.result or "因此不能按这一条申请"
    return (
        f"{head}按您的描述（“{said}”），不符合{name}的条件：须{negation.condition}"
        f"（原文：“{negation.quote}”），{result}；最终以{_authority(clause)}认定为准。"
    )


def summary(name: str, p: ClausePoints, clause: Clause, yes_no: bool, topic: str | None) -> str:
    """Who, conditions, standard and cap of the rule asked about, in one or two sentences."""
    conditions = "；".join(f.text for f in p.for_topic(p.conditions, topic))
    standards = "；".join(f.quote for f in p.for_topic(p.standard, topic))
    if not conditions and not standards:
        measure = bool(p.standard) or bool(
            p.who
        )  # annexes without points of their own are quoted as they are
        return f"{name}（{p.brief}）是鼓励性条款，没有规定具体的补贴标准。" if measure else ""
    if yes_no:
        head = f"符合条件的可以申请，需满足：{conditions}。" if conditions else "可以申请。"
    else:
        head = f"{name}（{p.brief}）" + (f"的条件：{conditions}。" if conditions else "。")
    text = head + (f"标准：{standards}。" if standards else "")
    if _NUMBER.search(standards):
        text += (f"须{p.review}；" if p.review else "") + CEILING_NOTE
    elif p.review:
        text += f"须{p.review}，具体标准以{_authority(clause)}的细则为准。"
    return text


def direct_statement(name: str, points: Points, clause: Clause, text: str, topic: str | None) -> str:
    """The first sentence(s) of a lookup answer: a stated reply, an unmet condition, or the rule's gist."""
    p = points.clause(clause.id)
    if p is None:
        return ""
    yes_no = bool(YES_NO.search(text))
    for reply in p.replies:
        if any(word in text for word in reply.when):
            return reply.say
    for negation in p.negations:
        said = negation.said_in(text)
        if said:
            return not_met(name, clause, negation, said, yes_no)
    return summary(name, p, clause, yes_no, topic)


def _quotes(p: ClausePoints, text: str, topic: str | None) -> list[str]:
    """Verbatim words the answer relies on: a fired reply or unmet condition, and the rule asked about."""
    fired = [r.quote for r in p.replies if any(w in text for w in r.when)]
    fired += [n.quote for n in p.negations if n.said_in(text)]
    return fired + [f.quote for f in p.for_topic(p.conditions, topic) + p.for_topic(p.standard, topic)]


def excerpt(points: Points, clause: Clause, text: str, topic: str | None) -> str:
    """The verbatim sentence(s) of a long clause holding the quotes relied on; "" when that is all of it."""
    p = points.clause(clause.id)
    if p is None or not p.excerpt:
        return ""
    body = body_of(clause)
    found = [(body.find(q), len(q)) for q in _quotes(p, text, topic)]
    spans = [(i, i + n) for i, n in found if i >= 0]
    parts, last_end = [], -1
    for m in _SENTENCE.finditer(body):
        if any(m.start() < end and start < m.end() for start, end in spans):
            gap = last_end not in (-1, m.start())
            parts.append(("……" if gap else "") + m.group().strip())
            last_end = m.end()
    chosen = "".join(parts)
    return chosen if chosen and len(chosen) < len(body) else ""


def lookup_answer(
    corpus: Corpus,
    points: Points,
    clause_ids: list[str],
    text: str,
    topic: str | None = None,
    doc_id: str | None = None,
) -> Answer:
    """Direct answer first, then the verbatim clause and its 责任单位, citations ranked."""
    clause = corpus.clause(clause_ids[0], doc_id)
    assert clause is not None
    statement = direct_statement(corpus.label(clause), points, clause, text, topic)
    intro = f"{statement}\n" if statement else ""
    answer = compose_lookup(corpus, clause_ids, intro, excerpt(points, clause, text, topic), doc_id)
    lead = corpus.document_of(clause).meta.get("lead_unit")
    if statement and not clause.units and lead:
        # Annexes name no 责任单位; the unit leading the whole policy is who callers should contact.
        answer.answer += f"\n咨询：{lead}（本政策牵头实施单位）。"
    return answer


def overview_line(i: int, name: str, clause: Clause, p: ClausePoints | None) -> str:
    brief = p.brief if p else clause.title
    cap = f"，{p.cap}" if p and p.cap else ""
    unit = f"（{clause.lead_unit}）" if clause.lead_unit else ""
    return f"{i}. {name}：{brief}{cap}{unit}"


def overview_answer(corpus: Corpus, points: Points, clause_ids: list[str]) -> Answer:
    """A short ranked list of relevant measures, one line each, citations in the same order."""
    clauses = [c for c in (corpus.clause(cid) for cid in clause_ids) if c is not None]
    lines = ["与您相关的主要支持措施如下（按相关程度排列）："]
    lines += [overview_line(i, corpus.label(c), c, points.clause(c.id)) for i, c in enumerate(clauses, 1)]
    lines.append("以上须符合各条条件并经认定或评审，" + CEILING_NOTE)
    lines.append("可以继续问某一条的具体条件，或给出金额测算补贴上限。")
    return Answer(status=ANSWERED, answer="\n".join(lines), citations=citations_for(corpus, clause_ids))
