"""The deterministic "decide" step: no model, no network. A reading of the message in, a plan (tool calls)
out — using only the packs' vocabularies and the language data, never a policy word of its own."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any, Protocol

from bot.decide import plan as P
from bot.decide import questions as Q
from bot.decide.calls import Call, alternatives, asked_year, calls_for, place_conditions, year_of_figures
from bot.decide.edits import flip_items
from bot.decide.followups import (
    act_of,
    changed_args,
    listed,
    relabeled,
    sibling,
    target,
    varies_last,
)
from bot.decide.frames import frame_for
from bot.decide.plan import Plan
from bot.nlu.figure import BOUND
from bot.nlu.polarity import argument, stated
from bot.nlu.reading import Reading, read
from bot.nlu.references import References
from bot.nlu.scope import is_greeting, is_injection
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
        reading = self.read(text, context)
        if is_injection(reading):
            return P.decline(reading, "injection")
        other = self._other_document(reading, session)
        if other is not None:
            return self._about_document(reading, other)
        topic = self._topic(reading)
        if (
            topic is not None
            and topic.tool is None
            and context is not None
            and stated(reading.text, context, reading.lang)
        ):
            # "不对，签的是另外一个智算中心，并不是杭州人工智能计算中心": a fact of the rule being computed, worded
            # with another (uncomputed) rule's name.
            topic = context
        continued = self._continue(reading, topic, session) if session is not None else None
        if continued is not None:
            return continued
        if topic is None and context is not None and Q.about_context(reading):
            topic = context
        plan = self._fresh(reading, topic)
        return self._carried(self._combined(plan, reading, session), reading, session)

    def _carried(self, plan: Plan, reading: Reading, session: Session | None) -> Plan:
        """ "我们不做集成电路…" said in an earlier turn: a later calculation with that condition fails it too."""
        if session is None or not session.history or plan.kind != P.CALCULATE:
            return plan
        for call in plan.calculator_calls:
            rule = self.vocabulary.rule_for_tool(call.name)
            if rule is None:
                continue
            for name, spec in rule.conditions.items():
                if not spec.enterprise or name in call.args:
                    continue
                said = [stated(q, rule, reading.lang).get(name) for q, _ in session.history]
                if any(s is not None and not s.met for s in said):
                    call.args[name] = argument(spec, False)
        return plan

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
            return same[0] if same else topic
        if topic is None and reading.context is not None and not reading.hits and reading.inputs:
            return reading.context  # a rule told by its own cue words ("场地租赁支出400万")
        return topic

    def _continue(self, reading: Reading, topic: RuleSpec | None, session: Session) -> Plan | None:
        """An explanation of the last calculation, or a follow-up that changes it."""
        batch_tools = {p.tool for p in session.batch}
        inside = self._now_inside(reading, topic, session)
        if inside is not None:
            return inside
        if session.batch and session.pending is None and self._asks_total(reading, topic, batch_tools):
            # "加起来一共多少": the last calculations again, summed — nothing new to compute.
            calls = [p.replay() for p in session.batch]
            clauses = list(dict.fromkeys(p.clause_id for p in session.batch))
            return Plan(
                calls, topic=self.context_rule(session), reading=reading, followup=True, clauses=clauses
            )
        if session.batch and session.pending is None and Q.explains(reading, topic, batch_tools):
            calls = [p.replay() for p in session.batch]
            clauses = list(dict.fromkeys(p.clause_id for p in session.batch))
            return P.marked(B.EXPLAIN, calls, self.context_rule(session), reading, clauses)
        if (topic is not None or reading.figures) and _asks_rule_only(reading):
            return (
                None  # "那采购芯片模组的补贴比例呢": the named rule's wording, not the last figures under it
            )
        if topic is None or varies_last(reading, topic, session):
            return self._followup(reading, session)
        return None

    @cached_property
    def _document_years(self) -> set[int]:
        """The years in the loaded documents' numbers (…〔2024〕7号 → 2024)."""
        return {int(y) for pack in self.packs.packs for y in re.findall(r"〔(\d{4})〕", pack.doc_number)}

    def _asks_total(self, reading: Reading, topic: RuleSpec | None, batch_tools: set[str]) -> bool:
        """A question for the sum of what was said, with no figure or fact of its own ("两项合计多少")."""
        # "期限改成两年呢" gives a term; "两项合计多少" only counts the items said.
        facts = [
            m for m in reading.mentions if m.kind not in ("ordinal", "count") or m.unit in ("家", "人", "名")
        ]
        if facts or not reading.act("total") or not reading.is_question or _asks_rule_only(reading):
            return False
        if topic is not None and topic.tool not in batch_tools:
            return False
        rules = [r for r in (self.vocabulary.rule_for_tool(t) for t in batch_tools) if r is not None]
        # "还主导了一项国家标准，合计多少": items of the rule are facts too.
        return not any(
            frame_for(r, reading.text, list(reading.mentions), list(reading.figures), reading.lang).args
            for r in rules
        )

    def _now_inside(self, reading: Reading, topic: RuleSpec | None, session: Session) -> Plan | None:
        """ "更正一下，我们已经把注册地迁到滨江了", "如果改由我们滨江本部来流片呢" after an amount answered as not
        applicable (the enterprise was outside): the calculations of that question, for an enterprise inside."""
        if not reading.places.inside or reading.figures or not session.history:
            return None
        before = self.decide(session.history[-1][0])
        calls = before.calculator_calls
        if before.kind != P.NOT_APPLICABLE or not calls:
            return None
        if topic is not None and topic.tool not in {c.name for c in calls}:
            return None
        return Plan(calls, topic=before.topic, reading=reading, followup=True, clauses=before.clauses)

    def _combined(self, plan: Plan, reading: Reading, session: Session | None) -> Plan:
        """ "那再加400万IP呢": a new rule's item joins the last answer's calculations."""
        joins = reading.act("combine") or (reading.act("also") and not reading.is_question)
        joins = joins and not reading.act("separately")
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
        if not wants:
            if any(w in reading.text for w in vocab.spec.document_questions):
                return P.lookup([h.clause_id for h in self._search(reading.text, k=3)], reading=reading)
            return P.lookup(self.related(reading.text, [topic.clause]), topic, reading)
        if topic.tool is None:
            return P.rule_only(topic.clause, topic, reading)
        return self._calculation(reading, topic)

    def _calculation(self, reading: Reading, topic: RuleSpec) -> Plan:
        calls = calls_for(reading, topic)
        offered = alternatives(reading)
        if offered and len(calls) == 1 and topic.default_slot():
            return P.marked(
                B.ASK_WHICH, self._cases(calls[0], topic, offered), topic, reading, [topic.clause]
            )
        tool_calls = [ToolCall(c.tool, c.args, year=c.year) for c in calls]
        where = Q.outside(reading)
        annex = reading.vocabulary.annex("applicability")
        if where and annex is not None:
            return P.not_applicable(annex.clause, topic.clause, where, tool_calls, topic, reading)
        excluded = [e for c in calls if c.frame is not None for e in c.frame.excluded]
        clauses = list(dict.fromkeys(c.rule.clause for c in calls)) or [topic.clause]
        return Plan(tool_calls, topic=topic, reading=reading, excluded=excluded, clauses=clauses)

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
            if not (annex.role == "contact" and Q.ISSUER.search(reading.text)):
                return P.lookup(self.related(reading.text, [annex.clause, *named]), reading=reading)
        applicability = reading.vocabulary.annex("applicability")
        if where and not wants and applicability is not None:
            if reading.yes_no and (topic is not None or reading.places.outside is not None):
                # "我们公司在萧山，能申请滨江的算力补贴吗", "注册在富阳，能申请这个政策吗": it cannot, said first.
                # ("外地的芯片公司能申请吗" asks about anyone outside: the annex's own answer.)
                measure = topic.clause if topic is not None else ""
                return P.not_applicable(applicability.clause, measure, where, [], topic, reading)
            return P.lookup(self.related(reading.text, [applicability.clause, *named]), reading=reading)
        return None

    # ---- follow-ups -----------------------------------------------------------------------------------

    def _followup(self, reading: Reading, session: Session) -> Plan | None:
        """Fill a pending calculation's missing slots, or change the last one ("那如果是1500万呢")."""
        base = session.pending or target(reading, session)
        rule = self.vocabulary.rule_for_tool(base.tool) if base else None
        if base is None or rule is None:
            return None
        kin = sibling(reading, rule)
        if kin is not None and _asks_rule_only(reading) and not session.pending:
            return (
                None  # "设备类的标准是怎么算的" after chips: the other kind's rule, not the chips recomputed
            )
        rule = kin or rule
        if rule.tool != base.tool and not session.pending:
            # "设备那块是2400万" after equipment and chips: the sibling's own call is the one changed.
            base = next((p for p in session.batch if p.tool == rule.tool), base)
        if rule is not self.context_rule(session) or reading.act("part_of_last"):
            prefix = session.history[-1][0] + "，" if reading.act("part_of_last") and session.history else ""
            reading = self.read(prefix + reading.text, rule)
        if not session.pending and not self._changes(reading, rule, base):
            return None
        previous = session.history[-1][0] if session.history else ""
        batch = [] if session.pending else session.batch
        dropped = self._without(reading, rule, base, batch, act_of(reading, previous))
        if dropped is not None:
            return dropped
        added = self._alongside(reading, rule, base, batch)
        if added is not None:
            return added
        args = changed_args(reading, rule, base, act_of(reading, previous))
        if args is None:
            return None  # facts the rule has no use for ("今年还有哪些政策"): not an answer to its question
        year = year_of_figures(rule, list(reading.figures)) or base.year
        changed = ToolCall(str(rule.tool), args, year=year)
        # The other calls of a multi-rule answer stay as they were: only the one the message names changes.
        calls = [changed if p is base else p.replay() for p in batch] or [changed]
        clauses = [c for c in (self._clause(c.name) for c in calls) if c] or [base.clause_id]
        plan = Plan(calls, topic=rule, reading=reading, followup=True, clauses=list(dict.fromkeys(clauses)))
        return self._own_items(plan, reading, rule, base, year)

    def _own_items(self, plan: Plan, reading: Reading, rule: RuleSpec, base: Any, year: int | None) -> Plan:
        """ "另外还采购了一批普通EDA，这批能补多少": more items asked about alone — answered alone, kept joined."""
        if not (reading.act("this_item") or reading.act("separately")) or not reading.act("add"):
            return plan
        frame = frame_for(rule, reading.text, list(reading.mentions), list(reading.figures), reading.lang)
        place_conditions(reading, rule, frame.args)
        amounts = {k: v for k, v in frame.args.items() if isinstance(v, list | Decimal)}
        # Alone only where its amount cannot depend on the earlier items: another kind (its own cap) or items
        # with awards of their own; more items of the same list share its cap, so the running total is shown.
        shared = [k for k, v in amounts.items() if k in base.args and not _own_awards(v)]
        if not amounts or shared:
            return plan
        facts = {k: v for k, v in base.args.items() if isinstance(v, bool)}  # the enterprise's own facts
        own = ToolCall(str(rule.tool), {**facts, **frame.args}, year=year)
        return Plan([own], topic=rule, reading=reading, followup=True, clauses=[rule.clause], keep=plan.calls)

    def _without(
        self, reading: Reading, rule: RuleSpec, base: Any, batch: list[Any], act: Any
    ) -> Plan | None:
        """ "第③项国际标准尚未发布，请剔除后重新计算", "EDA部分拟不申报": the call the message names leaves the
        batch (no item of it is named: no amount, no ordinal within its list); the others stay as they were."""
        if act.kind != "remove" or len(batch) < 2 or base not in batch or rule.tool != base.tool:
            return None
        if any(f.mention.kind == "money" for f in reading.figures) or (act.item is not None and listed(base)):
            return None
        calls = [p.replay() for p in batch if p is not base]
        clauses = list(dict.fromkeys(c for c in (self._clause(c.name) for c in calls) if c))
        topic = self.vocabulary.rule_for_tool(calls[-1].name)
        return Plan(calls, topic=topic, reading=reading, followup=True, clauses=clauses)

    def _alongside(self, reading: Reading, rule: RuleSpec, base: Any, batch: list[Any]) -> Plan | None:
        """A call beside the others, not more items of the last one: another year's figures of a per-year
        rule ("另，2025年度有一款产品首次流片2200万" after 2024: rate and cap apply year by year), or items of a
        sibling rule ("还买了芯片 350万" after equipment: each kind has its own rate and cap)."""
        year = year_of_figures(rule, list(reading.figures))
        if not any(reading.act(a) for a in ("total", "add", "combine", "together")):
            return None  # "换成2025年的保费呢": the year of the same calculation changes
        if any(p.tool == rule.tool and p.year == year for p in batch) and rule.tool != base.tool:
            return None  # the sibling is already computed: the message changes that call
        if reading.act("next_year") and year is None:
            year = base.year + 1 if base.year is not None else None
            if not any(p.tool == rule.tool and p.year == year and p is not base for p in batch):
                return self._added(reading, rule, base, batch, year)
        other_year = year is not None and base.year is not None and year != base.year
        if not (other_year and not any(p.year == year for p in batch)) and rule.tool == base.tool:
            return None
        return self._added(reading, rule, base, batch, year)

    def _added(self, reading: Reading, rule: RuleSpec, base: Any, batch: list[Any], year: int | None) -> Plan:
        """The batch as it was, and this message's call of `rule` (the enterprise's yes/no facts kept)."""
        frame = frame_for(rule, reading.text, list(reading.mentions), list(reading.figures), reading.lang)
        facts = {k: v for k, v in base.args.items() if isinstance(v, bool)}  # the enterprise's own facts
        added = ToolCall(str(rule.tool), {**facts, **frame.args}, year=year)
        calls = [p.replay() for p in batch] + [added]
        clauses = list(dict.fromkeys(c for c in (self._clause(c.name) for c in calls) if c))
        if reading.act("this_item") or reading.act("separately") or asked_year(reading) == year is not None:
            # "2025年又有一款首次流片1500万，2025年这一款补多少": that year's call answered, both kept.
            return Plan(
                [added], topic=rule, reading=reading, followup=True, clauses=[rule.clause], keep=calls
            )
        return Plan(calls, topic=rule, reading=reading, followup=True, clauses=clauses)

    def _clause(self, tool: str) -> str | None:
        rule = self.vocabulary.rule_for_tool(tool)
        return rule.clause if rule else None

    @staticmethod
    def _changes(reading: Reading, rule: RuleSpec, base: Any) -> bool:
        """Does the message change the base call at all (an act, a fact, a kind, a sibling rule)?"""
        if (
            any(reading.act(a) for a in ("vary", "replace", "correct", "remove", "add"))
            or rule.tool != base.tool
        ):
            return True
        frame = frame_for(rule, reading.text, list(reading.mentions), list(reading.figures), reading.lang)
        return (
            bool(frame.args)
            or bool(relabeled(reading, rule, base))
            or flip_items(rule, base.args, reading) is not None
        )


def _own_awards(value: Any) -> bool:
    """Structured items (standards), each with an award of its own."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _asks_rule_only(reading: Reading) -> bool:
    """A question about a rule's rate, cap or conditions with no figure of its own and no supposition (or with
    only the rule's thresholds as figures)."""
    lang = reading.lang
    asks = lang.asks_rule.search(reading.text) is not None and reading.is_question
    if reading.figures and all(f.role == BOUND for f in reading.figures):
        return asks  # "那假设流片费高于1000万的话，补贴标准是怎样的": a threshold of the rule, not a fee
    return asks and not reading.figures and not reading.act("suppose")
