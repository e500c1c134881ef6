"""The deterministic "decide" step: no model, no network. A reading of the message in, a plan (tool calls)
out — using only the packs' vocabularies and the language data, never a policy word of its own."""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property
from typing import Any, Protocol

from bot.decide import continuing as C
from bot.decide import plan as P
from bot.decide import questions as Q
from bot.decide.calls import (
    Call,
    affiliate_asked,
    alternatives,
    asked_rule,
    calls_for,
    entity_asked,
    read_figures,
)
from bot.decide.plan import Plan
from bot.nlu.places import Place, entities_named
from bot.nlu.polarity import stated
from bot.nlu.reading import Reading, read
from bot.nlu.references import References
from bot.nlu.scope import is_greeting, is_injection
from bot.nlu.spans import Layout
from bot.nlu.typos import Homophones
from bot.packs.loader import Pack, Packs
from bot.packs.vocabulary import RuleSpec, Vocabulary
from bot.sessions.store import Session
from bot.tools import builtin as B
from bot.tools.calls import ToolCall

_VALIDITY = re.compile(r"还有效|有效吗|有效期|还能用|还适用|还能申请|废止|作废|失效|过期")
RELATED_CITATIONS = 2
RELATED_MIN_SHARE = 0.6
OVERVIEW_MAX = 6


class RetrieverLike(Protocol):
    def search(self, query: str, k: int = 5, doc_id: str | None = None) -> list[Any]: ...

    def direct_reference(self, query: str) -> str | None: ...


class Router:
    """Deterministic decide step over the packs and one retriever."""

    def __init__(
        self,
        retriever: RetrieverLike,
        packs: Packs | None = None,
        homophones: Homophones | None = None,
        today: date | None = None,
    ):
        if packs is None:
            from bot.packs.loader import load_packs
            from bot.settings import DEFAULT_CORPUS_DIR

            packs = load_packs(DEFAULT_CORPUS_DIR)
        self.retriever = retriever
        self.packs = packs
        self.homophones = homophones
        self.today = today

    @property
    def vocabulary(self) -> Vocabulary:
        vocab = self.packs.primary.vocabulary
        assert vocab is not None, "主文件缺少 vocabulary.yaml"
        return vocab

    def read(self, text: str, context: RuleSpec | None = None) -> Reading:
        return read(text, self.vocabulary, self.homophones, context, self.today)

    def decide(self, text: str, session: Session | None = None) -> Plan:
        """One normalized message → the plan of tool calls that answers it."""
        context = self.context_rule(session)
        reading = self._placed_before(self.read(text, context), context, session)
        if is_injection(reading):
            return P.decline(reading, "injection")
        if reading.lang.asks_market.search(reading.text) and not reading.money_inputs:
            # "你知道杭州哪家GPU服务器租得便宜吗": a question about the market, not a policy.
            return P.decline(reading, "off_topic")
        other = self._other_document(reading, session)
        if other is not None:
            return self._about_document(reading, other)
        topic = self._topic(reading)
        if (
            topic is not None
            and topic.tool is None
            and context is not None
            and stated(reading.text, context, reading.lang)
            and not C.asks_rule_only(reading)
        ):
            # "不对，签的是另外一个智算中心，并不是杭州人工智能计算中心": a fact of the rule being computed, worded
            # with another (uncomputed) rule's name — unless it asks about that rule ("…as an IC company. How long
            # can the rent subsidy last?").
            topic = context
        continued = C.continued(self, reading, topic, session) if session is not None else None
        if continued is not None:
            return continued
        if topic is None and context is not None and Q.about_context(reading):
            topic = context
        if topic is None and session is not None and session.clause and not Q.in_scope(reading):
            followed = self._about_last_clause(reading, session.clause)
            if followed is not None:
                return followed
        plan = self._fresh(reading, topic)
        return C.carried(self, self._combined(plan, reading, session), reading, session)

    def _placed_before(self, reading: Reading, context: RuleSpec | None, session: Session | None) -> Reading:
        """ "那B公司那1200万流片能补多少" after "B公司注册在合肥": a legal person of the group the conversation
        placed outside keeps that place — the message is read after the clause that placed it."""
        if session is None or not session.history or reading.places.items:
            return reading
        named = entities_named(reading.text, reading.lang)
        for question, _ in reversed(session.history) if named else ():
            earlier = self.read(question)
            place = next((p for e in named if (p := earlier.places.placed_outside(e)) is not None), None)
            if place is not None:
                start, end = Layout.of(earlier.text).clause_span(place.start)
                return self.read(earlier.text[start:end].strip("，,；;。 ") + "。" + reading.text, context)
        return reading

    def _about_last_clause(self, reading: Reading, clause: str) -> Plan | None:
        """ "要先过哪个平台审核？" after the rent clause was answered: a question with no subject of its own, whose
        words are that clause's (among the best retrieved), asks about it; "那你们几点下班" shares none."""
        if not reading.is_question or Q.other_policy(reading) or reading.places.other_policy:
            return None
        hits = self._search(reading.text, k=1 + RELATED_CITATIONS)
        top = hits[0].score if hits else 0.0
        if not any(
            h.clause_id == clause and h.score > 0 and h.score >= RELATED_MIN_SHARE * top for h in hits
        ):
            return None
        return P.lookup(self.related(reading.text, [clause]), reading=reading)

    def _other_document(self, reading: Reading, session: Session | None) -> Pack | None:
        """A loaded document other than the primary one that the message names (文号 or title), or the one
        the conversation is about when the message names no rule of the primary ("那第2条呢")."""
        text = reading.text
        for pack in self.packs.packs[1:]:
            title = pack.document.title
            if pack.doc_number in text or (len(title) >= 8 and title in text):
                # "杭高新〔2019〕24号还有效吗": whether it is still in force is the repealing document's answer;
                # "老文件…里写按40%补，我们流片花了500万现在能补多少": the user's own figures, under the rule in force.
                repealed = self.packs.repeal_of(pack.doc_id) is not None
                return None if repealed and (_VALIDITY.search(text) or self._own_amount(reading)) else pack
        doc_id = getattr(session, "doc_id", None) if session is not None else None
        if doc_id and doc_id != self.packs.primary.doc_id and not reading.hits:
            return self.packs.pack(doc_id)
        return None

    def _own_amount(self, reading: Reading) -> bool:
        """An amount asked for the user's own figures under a rule of the primary document."""
        topic = self._topic(reading)
        return topic is not None and bool(reading.money_inputs) and Q.wants_amount(reading, topic)

    def _about_document(self, reading: Reading, pack: Pack) -> Plan:
        """A lookup in another document: the clause named (第2条) or found there; if that document is
        repealed, the clauses of the repealing document that rule on the same subject come with it."""
        text = reading.text.replace(pack.doc_number, " ")
        named = References(pack.document.clauses).find(text)
        ids = [named] if named else [h.clause_id for h in self._search(text, 3, pack.doc_id)]
        ids = ids or [pack.document.clauses[0].id]
        plan = P.lookup(ids, reading=reading)
        plan.calls[0].args["doc_id"] = pack.doc_id
        repealer = self.packs.repeal_of(pack.doc_id)
        if repealer is not None:
            clause = pack.document.clause(ids[0])
            subject = f"{clause.title} {clause.text}" if clause else text
            current = [h.clause_id for h in self._search(subject, 1, repealer.doc_id)]
            plan.calls[0].args["see_also"] = current
        plan.doc_id = pack.doc_id
        return plan

    def context_rule(self, session: Session | None) -> RuleSpec | None:
        base = session.pending or session.last if session is not None else None
        return self.vocabulary.rule_for_tool(base.tool) if base else None

    def _topic(self, reading: Reading) -> RuleSpec | None:
        """The rule the message is about: the most specific one named, or the one its figures belong to."""
        topic = reading.first_rule
        asked = asked_rule(reading)
        if asked is not None and asked is not topic and asked.tool is None and not reading.money_inputs:
            return asked  # "…国家拨付经费1200万，区里的配套资金能给多少": the rule the question names
        if asked is not None and topic is not None and asked is not topic and not reading.inputs:
            return asked  # "引进一位做EDA算法的博士…人才这块奖励最高多少": EDA describes the person, 人才 is asked
        calculable = [
            r for r in (reading.vocabulary.rule(f.rule) for f in reading.inputs if f.rule) if r and r.tool
        ]
        if (topic is None or topic.tool is None) and calculable:
            return calculable[0]
        if topic is not None and calculable and topic not in calculable:
            # "EDA工具自研企业…自主研发投入3200万": named by the purchase rule's word, the figure is its
            # sibling's (same clause or a shared name), so the calculation is the sibling's.
            kin = reading.vocabulary.siblings(topic)
            same = [r for r in calculable if r in kin]
            if same:
                return same[0]
            # "我们的数据集挂在杭州数据交易所上…流通收益一共45万": the rule named that has the figures is the subject;
            # the other named (the place it is traded) has none.
            named = [r for r in calculable if r in reading.rules]
            return named[0] if named else topic
        if topic is None and reading.context is not None and not reading.hits and reading.inputs:
            return reading.context  # a rule told by its own cue words ("场地租赁支出400万")
        return topic

    @cached_property
    def _document_years(self) -> set[int]:
        """The years in the loaded documents' numbers (…〔2024〕7号 → 2024)."""
        return {int(y) for pack in self.packs.packs for y in re.findall(r"〔(\d{4})〕", pack.doc_number)}

    def _combined(self, plan: Plan, reading: Reading, session: Session | None) -> Plan:
        """ "那再加400万IP呢": a new rule's item joins the last answer's calculations."""
        joins = reading.asks("combine") or (reading.act("also") and not reading.is_question)
        joins = joins and not reading.act("separately") and not reading.act("switch")
        if session is None or not session.batch or plan.kind != P.CALCULATE or not joins:
            return plan
        named = {c.name for c in plan.calls}
        kept = [p for p in session.batch if p.tool not in named]
        plan.calls = [p.replay() for p in kept] + plan.calls
        plan.clauses = list(dict.fromkeys([*(p.clause_id for p in kept), *plan.clauses]))
        return plan

    def _fresh(self, reading: Reading, topic: RuleSpec | None) -> Plan:
        vocab = reading.vocabulary
        if reading.places.moved_in and topic is None:
            return P.lookup(list(vocab.document.relocation_clauses), reading=reading)
        ref = self.retriever.direct_reference(reading.text)
        repeal = vocab.annex("repeal")
        if repeal is not None and repeal.asked(reading.text) and _VALIDITY.search(reading.text):
            # "修订依据第3条是…〔2019〕24号，这个文件现在还有效吗": whether it is in force, before any 第N条.
            return P.lookup(self.related(reading.text, [repeal.clause]), reading=reading)
        other = Q.other_policy(reading)
        if other:
            return P.decline(reading, "other_jurisdiction", other)
        document = Q.unloaded_document(reading, self._document_years)
        if document:
            return P.decline(reading, "other_document", document)
        if topic is None and ref is None and not Q.in_scope(reading):
            return P.decline(reading, "greeting" if is_greeting(reading.text) else "off_topic")
        wants = topic is not None and Q.wants_amount(reading, topic)
        if ref is not None and (topic is None or not wants):
            return P.lookup(self.related(reading.text, [ref]), reading=reading)
        if Q.asks_overview(reading, topic):
            ids = self.overview_ids(reading.text, topic)
            if ids:
                return P.lookup(ids, topic, reading, overview=True)
        annex = self._annex_first(reading, topic, wants)
        return annex or self._about_rule(reading, topic, wants)

    def _about_rule(self, reading: Reading, topic: RuleSpec | None, wants: bool) -> Plan:
        vocab = reading.vocabulary
        if topic is None:
            hits = self._search(reading.text, k=1 + RELATED_CITATIONS)
            # About the policy but matching no clause in particular: answer with the document itself.
            fallback = [vocab.document.overview_clause or vocab.rules[0].clause]
            return P.lookup([h.clause_id for h in hits] or fallback, reading=reading)
        if not wants or topic.tool is None:
            if any(w in reading.text for w in vocab.spec.document_questions):
                return P.lookup([h.clause_id for h in self._search(reading.text, k=3)], reading=reading)
        if not wants:
            return P.lookup(self.related(reading.text, [topic.clause]), topic, reading)
        if topic.tool is None:
            return P.rule_only(topic.clause, topic, reading)
        return self._calculation(reading, topic)

    def _calculation(self, reading: Reading, topic: RuleSpec) -> Plan:
        figures = read_figures(reading)
        affiliate = affiliate_asked(reading, figures)
        if affiliate is not None:
            # "在钱塘区有一家子公司，子公司首次流片500万能补吗": that entity's question, computed for it, outside.
            figures = read_figures(reading, affiliates=False)
        calls = calls_for(reading, topic, figures=figures)
        offered = alternatives(reading)
        if offered and len(calls) == 1 and topic.default_slot():
            return P.marked(
                B.ASK_WHICH, self._cases(calls[0], topic, offered), topic, reading, [topic.clause]
            )
        tool_calls = [ToolCall(c.tool, c.args, year=c.year) for c in calls]
        where = affiliate.name if affiliate is not None else Q.outside(reading)
        annex = reading.vocabulary.annex("applicability")
        if where and annex is not None:
            subject = affiliate.entity if affiliate is not None else ""
            return P.not_applicable(annex.clause, topic.clause, where, tool_calls, topic, reading, subject)
        excluded = [e for c in calls if c.frame is not None for e in c.frame.excluded]
        clauses = list(dict.fromkeys(c.rule.clause for c in calls)) or [topic.clause]
        return Plan(
            tool_calls, topic=topic, reading=reading, excluded=excluded, clauses=clauses, figures=figures
        )

    @staticmethod
    def _cases(call: Call, topic: RuleSpec, offered: list[Any]) -> list[ToolCall]:
        """Two values for one figure: a call for each case, asked back, never summed."""
        slot = str(topic.default_slot())
        listed = topic.slots[slot].kind == "money_list"
        return [ToolCall(call.tool, {**call.args, slot: [v] if listed else v}) for v in offered]

    # ---- annexes, overviews and related clauses -------------------------------------------------------

    def _search(self, text: str, k: int, doc_id: str | None = None) -> list[Any]:
        """Retrieval within one document (the primary unless named): answers never mix two documents."""
        return list(self.retriever.search(text, k=k, doc_id=doc_id or self.packs.primary.doc_id))

    def related(self, text: str, first: list[str]) -> list[str]:
        hits = self._search(text, k=RELATED_CITATIONS + len(first))
        # Only clauses scoring close to the best hit are worth showing next to the one relied on.
        top = hits[0].score if hits else 0.0
        ids = list(first) + [h.clause_id for h in hits if h.score >= RELATED_MIN_SHARE * top]
        return list(dict.fromkeys(ids))[: len(first) + RELATED_CITATIONS]

    def overview_ids(self, text: str, topic: RuleSpec | None) -> list[str]:
        """Measures for this kind of enterprise: the named rule, then its industries' measures in order."""
        points = self.packs.primary.points
        lowered = text.lower()
        groups = [g for g in points.industries if any(w.lower() in lowered for w in g.words)]
        ids = [topic.clause] if topic else []
        ids += [cid for g in groups for cid in g.order]
        if not groups:
            measures = {r.clause for r in self.vocabulary.rules}
            hits = self._search(text, k=12)
            ids += [h.clause_id for h in hits if points.clause(h.clause_id) and h.clause_id in measures]
        return list(dict.fromkeys(ids))[:OVERVIEW_MAX]

    def _annex_first(self, reading: Reading, topic: RuleSpec | None, wants: bool) -> Plan | None:
        """Questions an annex decides, the measure named (if any) cited second."""
        named = [topic.clause] if topic else []
        where = Q.outside(reading)
        for annex in reading.vocabulary.spec.annexes:
            if not annex.asked(reading.text) or (topic is not None and not annex.overrides):
                continue
            if annex.role == "applicability" and wants and topic is not None and topic.tool:
                return None  # an amount asked from outside the zone: answered as not applicable
            if annex.role == "applicability" and where and reading.yes_no:
                break  # "…适用对象是…，我们注册在萧山，能申请吗": it cannot, said first (below)
            if annex.role == "repeal" and wants and reading.money_inputs:
                continue  # "旧政策是20%，我们流片800万现在能拿多少": computed under the rule in force
            if (
                annex.role in _ASKED_ONLY
                and wants
                and reading.money_inputs
                and not Q.asked_in(reading, annex)
            ):
                continue  # "…平台做了失效分析，合同150万，创新券能补多少": its word is in a fact, asked nothing
            if annex.role == "combining" and topic is not None and _kinds_of_one_measure(reading):
                # "普通EDA采购和签核中心企业研发的EDA补贴，可以同时享受吗": the measure's own rule for its kinds.
                return P.lookup(self.related(reading.text, [topic.clause, annex.clause]), topic, reading)
            if not (annex.role == "contact" and Q.ISSUER.search(reading.text)):
                return P.lookup(self.related(reading.text, [annex.clause, *named]), reading=reading)
        applicability = reading.vocabulary.annex("applicability")
        member = _member_asked(reading)
        if member is not None and not wants and applicability is not None:
            # "我们在苏州的子公司能不能也用这个政策申请？": that legal person's question; it is outside.
            measure = topic.clause if topic is not None else ""
            return P.not_applicable(
                applicability.clause, measure, member.name, [], topic, reading, member.entity
            )
        if where and not wants and applicability is not None:
            if reading.yes_no and (topic is not None or reading.places.outside is not None):
                # "我们公司在萧山，能申请滨江的算力补贴吗", "注册在富阳，能申请这个政策吗": it cannot, said first.
                # ("外地的芯片公司能申请吗" asks about anyone outside: the annex's own answer.)
                measure = topic.clause if topic is not None else ""
                return P.not_applicable(applicability.clause, measure, where, [], topic, reading)
            return P.lookup(self.related(reading.text, [applicability.clause, *named]), reading=reading)
        return None

    # ---- follow-ups -----------------------------------------------------------------------------------

    def clause(self, tool: str) -> str | None:
        rule = self.vocabulary.rule_for_tool(tool)
        return rule.clause if rule else None


# Annexes whose words ask about the document only in a clause that asks ("政策什么时候失效"), not in one that
# states the user's facts ("做了失效分析", "服务合同有效期两年").
_ASKED_ONLY = ("effective", "contact")


def _member_asked(reading: Reading) -> Place | None:
    """The group's legal person placed outside a yes/no question with no amount is about ("那家子公司能申请…吗")."""
    if not (reading.yes_no or reading.is_question) or reading.money_inputs:
        return None
    return entity_asked(reading)


def _kinds_of_one_measure(reading: Reading) -> bool:
    """Two kinds of one measure named: rules of one clause (芯片 and 设备 of 芯机联动), or one rule's marked kind
    beside its plain one ("普通EDA采购和签核中心创建企业研发的EDA")."""
    rules = reading.rules
    if not rules or len({r.clause for r in rules}) != 1:
        return False
    text = reading.text
    marked = [p for r in rules for s in r.slots.values() for p in s.markers]
    family = reading.vocabulary.family(rules[0].family) if rules[0].family else []
    members = [m for m in family if any(re.search(p, text) for p in m.markers)]
    return (
        len(rules) > 1
        or len(members) > 1
        or (len(reading.hits) > 1 and any(re.search(p, text) for p in marked))
    )
