"""The deterministic "decide" step: no model, no network. A reading of the message in, a decision out —
tool calls to run, or the clauses to answer from — using only the packs' vocabularies and the language data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from bot.decide.calls import Call, alternatives, calls_for
from bot.decide.followups import ADD, REMOVE, Act, act_of, drop_failing_item, merge, relabel, remove_item, target
from bot.decide.frames import frame_for
from bot.nlu.reading import Reading, read
from bot.nlu.scope import is_injection
from bot.nlu.typos import Homophones
from bot.packs.loader import Packs
from bot.packs.vocabulary import RuleSpec, Vocabulary
from bot.sessions.store import Pending, Session
from bot.tools.executor import ToolCall

CALCULATE, LOOKUP, RULE_ONLY, NOT_COVERED, INJECTION, NOT_APPLICABLE, EXPLAIN, CLARIFY = (
    "calculate",
    "lookup",
    "rule_only",
    "not_covered",
    "injection",
    "not_applicable",
    "explain",
    "clarify",
)
RELATED_CITATIONS = 2
RELATED_MIN_SHARE = 0.6
OVERVIEW_MAX = 6
_OVERVIEW_ASK = re.compile(
    r"(哪些|什么|啥)(样的)?(补贴|政策|支持|扶持|奖励|优惠|资金)|(能|可以)(申请|享受)(哪些|什么|啥)"
)
_WHO_ASKS = re.compile(r"公司|企业|单位|初创|我们|做.{1,10}的")
# Words that point at the document being talked about ("这个政策", "本文件"): in scope without subject words.
_THIS_DOCUMENT = re.compile(r"(这个|本|该|此|这份|这项|你们这个|这些)(政策|文件|规定|办法|通知)|政策的|条款|第.{1,3}条|附则")
_ISSUER = re.compile(r"发的|发布|印发|发文|出台|制定")
_CAP_QUESTION = re.compile(r"最高|最多|封顶|上限|顶格")
_WHICH_TIER = re.compile(r"(算|属于|按|适用|归)(哪|哪一|那一)档|哪档")
# Words of any subsidy policy; with no subject of their own they ask about this document.
_POLICY_WORDS = re.compile(r"补贴|补助|奖励|资助|扶持|支持|贴息|补偿|配套|资金|政策|优惠|申报|申请")
# Words between a subject and the policy word ("生物医药企业有什么扶持政策"): not part of the subject.
_FILLER = re.compile(r"(有什么|有哪些|有没有|有啥|能不能|可以|可不可以|能|的|怎么|如何|申请|享受|领|拿|企业|公司|行业|产业|项目|相关|方面|类)+$")
_SELF = re.compile(r"我们|我司|我公司|本公司|咱们|这个|本|该|此|这份|这些|那个|哪些|什么")


def foreign_subject(text: str, vocab: Vocabulary) -> bool:
    """A policy question whose subject is something this document does not cover ("光伏发电有什么补贴")."""
    m = _POLICY_WORDS.search(text)
    if m is None:
        return False
    head = re.split(r"[，,。；;？?！!]", text[: m.start()])[-1]
    subject = _FILLER.sub("", head).strip()
    if len(re.findall(r"[\u4e00-\u9fff]", subject)) < 2 or _SELF.search(subject):
        return False
    return not vocab.domain_regex.search(subject)


class RetrieverLike(Protocol):
    def search(self, query: str, k: int = 5) -> list[Any]: ...

    def direct_reference(self, query: str) -> str | None: ...


@dataclass
class Decision:
    """What the router decided: the kind of answer, tool calls to run, clauses relied on (first) and related."""

    kind: str
    calls: list[ToolCall] = field(default_factory=list)
    clause_ids: list[str] = field(default_factory=list)
    topic: RuleSpec | None = None
    followup: bool = False
    overview: bool = False
    reading: Reading | None = None
    doc_id: str | None = None
    excluded: list[tuple[Any, str]] = field(default_factory=list)
    place: str = ""


def _has_slot_facts(reading: Reading, rule: RuleSpec | None) -> bool:
    """Does the message carry something that can fill one of this rule's arguments (a figure, a date,
    a choice, a condition)?"""
    if rule is None:
        return bool(reading.inputs)
    frame = frame_for(rule, reading.text, list(reading.mentions), list(reading.figures), reading.lang)
    return bool(frame.args)


def _increments(reading: Reading, rule: RuleSpec, base: Pending) -> dict[str, Any]:
    """ "后来又新增了10家": under an add, a count is added to the one given before."""
    out: dict[str, Any] = {}
    for name, spec in rule.slots.items():
        if spec.kind != "count" or not isinstance(base.args.get(name), int):
            continue
        added = [f for f in reading.figures if f.mention.kind == "count" and (not spec.units or f.mention.unit in spec.units)]
        if added:
            out[name] = base.args[name] + sum(int(f.mention.value) for f in added)
    return out


def _complete(rule: RuleSpec, args: dict[str, Any]) -> bool:
    """Every required argument of the rule's calculator is given."""
    from bot.tools.executor import missing_fields

    return bool(rule.tool) and not missing_fields(str(rule.tool), args)


def _slot_values(frame_args: dict[str, Any], rule: RuleSpec) -> dict[str, Any]:
    """The arguments that are slots (figures, dates, choices), not conditions."""
    return {k: v for k, v in frame_args.items() if k in rule.slots}


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

    def decide(self, text: str, session: Session | None = None) -> Decision:
        """Classify one normalized message and produce tool calls or clause ids."""
        context = self._context_rule(session)
        reading = self.read(text, context)
        if is_injection(reading):
            return Decision(INJECTION, reading=reading)
        topic = self._topic(reading)
        if session is not None and session.batch and self._explains(reading, topic, session):
            calls = [ToolCall(p.tool, dict(p.args)) for p in session.batch]
            clause_ids = list(dict.fromkeys(p.clause_id for p in session.batch))
            return Decision(EXPLAIN, calls=calls, clause_ids=clause_ids, topic=context, reading=reading)
        if session is not None and (topic is None or self._varies_last(reading, topic, session)):
            followup = self._followup(reading, session)
            if followup is not None:
                return followup
        if topic is None and context is not None and self._about_context(reading):
            topic = context
        decision = self._fresh(reading, topic)
        if session is not None and decision.kind == CALCULATE and reading.act("combine") and session.batch:
            # "那再加400万IP呢": a new rule's item joins the last answer's calculations.
            kept = [ToolCall(p.tool, dict(p.args)) for p in session.batch if p.tool not in {c.name for c in decision.calls}]
            decision.calls = kept + decision.calls
            decision.clause_ids = list(dict.fromkeys([*(p.clause_id for p in session.batch), *decision.clause_ids]))
        return decision

    def _topic(self, reading: Reading) -> RuleSpec | None:
        """The rule the message is about: the most specific one named, or the one its figures belong to."""
        topic = reading.first_rule
        with_inputs = [reading.vocabulary.rule(f.rule) for f in reading.inputs if f.rule]
        calculable = [r for r in with_inputs if r is not None and r.tool]
        if (topic is None or topic.tool is None) and calculable:
            return calculable[0]
        return topic if topic is not None else (reading.context if reading.context and not reading.hits and reading.inputs else None)

    def _explains(self, reading: Reading, topic: RuleSpec | None, session: Session) -> bool:
        """ "这是按哪条算的", "能把算式列一下吗", "怎么花得多反而补得少": explain the last calculation."""
        if not reading.act("explain") or session.pending is not None:
            return False
        tools = {p.tool for p in session.batch}
        return topic is None or topic.tool in tools

    def _about_context(self, reading: Reading) -> bool:
        """A question about the rule being talked about, naming no rule ("一家企业一年封顶多少")."""
        lang = reading.lang
        if not reading.is_question and not reading.yes_no:
            return False
        return bool(lang.asks_rule.search(reading.text) or _CAP_QUESTION.search(reading.text) or lang.asks_amount.search(reading.text))

    def _fresh(self, reading: Reading, topic: RuleSpec | None) -> Decision:
        vocab = reading.vocabulary
        if reading.places.moved_in and topic is None:
            return Decision(LOOKUP, clause_ids=list(vocab.document.relocation_clauses), reading=reading)
        ref = self.retriever.direct_reference(reading.text)
        if self._other_policy(reading):
            return Decision(NOT_COVERED, reading=reading, place=reading.places.other_policy.name)  # type: ignore[union-attr]
        if topic is None and ref is None and not self._in_scope(reading):
            return Decision(NOT_COVERED, reading=reading)
        wants = topic is not None and self._wants_amount(reading, topic)
        if ref is not None and (topic is None or not wants):
            return Decision(LOOKUP, clause_ids=self.related(reading.text, [ref]), reading=reading)
        overview = self._overview(reading, topic)
        if overview is not None:
            return overview
        annex = self._annex_first(reading, topic, wants)
        if annex is not None:
            return annex
        return self._about_rule(reading, topic, wants)

    def _about_rule(self, reading: Reading, topic: RuleSpec | None, wants: bool) -> Decision:
        vocab = reading.vocabulary
        if topic is None:
            hits = self.retriever.search(reading.text, k=1 + RELATED_CITATIONS)
            # About the policy but matching no clause in particular: answer with the document itself.
            fallback = [vocab.document.overview_clause or reading.vocabulary.rules[0].clause]
            return Decision(LOOKUP, clause_ids=[h.clause_id for h in hits] or fallback, reading=reading)
        if not wants:
            if any(w in reading.text for w in vocab.spec.document_questions):
                ids = [h.clause_id for h in self.retriever.search(reading.text, k=3)]
                return Decision(LOOKUP, clause_ids=ids, reading=reading)
            return Decision(LOOKUP, clause_ids=self.related(reading.text, [topic.clause]), topic=topic, reading=reading)
        if topic.tool is None:
            return Decision(RULE_ONLY, clause_ids=[topic.clause], topic=topic, reading=reading)
        outside = self._outside(reading)
        calls = calls_for(reading, topic)
        offered = alternatives(reading)
        if offered and len(calls) == 1 and topic.default_slot():
            return self._clarify(reading, calls[0], topic, offered)
        decision = self._calculation(reading, calls, topic)
        if outside:
            decision.kind, decision.place = NOT_APPLICABLE, outside
        return decision

    def _clarify(self, reading: Reading, call: Call, topic: RuleSpec, offered: list[Any]) -> Decision:
        """Two values for one figure: compute each case, ask which one it is; never sum them."""
        slot = str(topic.default_slot())
        kind = topic.slots[slot].kind
        cases = [ToolCall(call.tool, {**call.args, slot: [v] if kind == "money_list" else v}) for v in offered]
        return Decision(CLARIFY, calls=cases, clause_ids=[topic.clause], topic=topic, reading=reading)

    def _calculation(self, reading: Reading, calls: list[Call], topic: RuleSpec) -> Decision:
        tool_calls = [ToolCall(c.tool, c.args) for c in calls]
        clause_ids = list(dict.fromkeys(c.rule.clause for c in calls)) or [topic.clause]
        excluded = [e for c in calls if c.frame is not None for e in c.frame.excluded]
        return Decision(CALCULATE, calls=tool_calls, clause_ids=clause_ids, topic=topic, reading=reading, excluded=excluded)

    # ---- scope ----------------------------------------------------------------------------------------

    def _other_policy(self, reading: Reading) -> bool:
        """The question is about another jurisdiction's policy (and not about combining it with ours)."""
        if reading.places.other_policy is None:
            return False
        combining = reading.vocabulary.annex("combining")
        return not (combining is not None and combining.asked(reading.text))

    def _in_scope(self, reading: Reading) -> bool:
        """About this document: its subject words, its annexes, its parts, or the document itself; or a
        question about subsidies that names no other subject ("补贴资金里包括省市的钱吗")."""
        vocab, text = reading.vocabulary, reading.text
        if vocab.domain_regex.search(text) or _THIS_DOCUMENT.search(text) or reading.zone_denied:
            return True
        if any(a.asked(text) for a in vocab.spec.annexes) or any(p.named(text) for p in vocab.spec.named_parts):
            return True
        if any(w in text for w in vocab.spec.document_questions):
            return True
        return bool(_POLICY_WORDS.search(text)) and not foreign_subject(text, vocab)

    def _outside(self, reading: Reading) -> str:
        """The name of the place outside the jurisdiction where the user's enterprise is, if it says so."""
        place = reading.places.outside
        if place is not None:
            return place.name
        return "区外" if reading.zone_denied and not reading.places.moved_in else ""

    # ---- questions the annexes, overviews and lookups answer ------------------------------------------

    def related(self, text: str, first: list[str]) -> list[str]:
        hits = self.retriever.search(text, k=RELATED_CITATIONS + len(first))
        # Only clauses scoring close to the best hit are worth showing next to the one relied on.
        top = hits[0].score if hits else 0.0
        ids = list(first) + [h.clause_id for h in hits if h.score >= RELATED_MIN_SHARE * top]
        return list(dict.fromkeys(ids))[: len(first) + RELATED_CITATIONS]

    def _overview(self, reading: Reading, topic: RuleSpec | None) -> Decision | None:
        text = reading.text
        if not _OVERVIEW_ASK.search(text) or reading.inputs or (topic is not None and not _WHO_ASKS.search(text)):
            return None
        ids = self.overview_ids(text, topic)
        return Decision(LOOKUP, clause_ids=ids, topic=topic, overview=True, reading=reading) if ids else None

    def overview_ids(self, text: str, topic: RuleSpec | None) -> list[str]:
        """Measures for this kind of enterprise: the named rule, then its industries' measures in order."""
        points = self.packs.primary.points
        lowered = text.lower()
        groups = [g for g in points.industries if any(w.lower() in lowered for w in g.words)]
        ids = [topic.clause] if topic else []
        ids += [cid for g in groups for cid in g.order]
        if not groups:
            hits = self.retriever.search(text, k=12)
            ids += [h.clause_id for h in hits if points.clause(h.clause_id) and self._is_measure(h.clause_id)]
        return list(dict.fromkeys(ids))[:OVERVIEW_MAX]

    def _is_measure(self, clause_id: str) -> bool:
        return any(r.clause == clause_id for r in self.vocabulary.rules)

    def _annex_first(self, reading: Reading, topic: RuleSpec | None, wants: bool) -> Decision | None:
        """Questions an annex decides, the measure named (if any) cited second."""
        named = [topic.clause] if topic else []
        for annex in reading.vocabulary.spec.annexes:
            if not annex.asked(reading.text) or (topic is not None and not annex.overrides):
                continue
            if annex.role == "applicability" and wants and topic is not None and topic.tool:
                return None  # an amount asked from outside the zone: answered as not applicable (a1)
            if annex.role == "repeal" and wants and reading.money_inputs:
                continue  # "旧政策是20%，我们流片800万现在能拿多少": computed under the rule in force
            issuer = annex.role == "contact" and _ISSUER.search(reading.text)
            if not issuer:
                return Decision(LOOKUP, clause_ids=self.related(reading.text, [annex.clause, *named]), reading=reading)
        if self._outside(reading) and not wants:
            applicability = reading.vocabulary.annex("applicability")
            if applicability is not None:
                return Decision(LOOKUP, clause_ids=self.related(reading.text, [applicability.clause, *named]), reading=reading)
        return None

    def _wants_amount(self, reading: Reading, topic: RuleSpec) -> bool:
        """A calculation is wanted, not the rule's wording or a yes/no on eligibility."""
        lang, text = reading.lang, reading.text
        inputs = [f for f in reading.inputs if f.rule == topic.id or f.rule is None]
        money = [f for f in inputs if f.mention.kind == "money"]
        frame = frame_for(topic, text, list(reading.mentions), list(reading.figures), lang)
        slots = _slot_values(frame.args, topic)
        if reading.yes_no and "多少" not in text:
            # "能先拿100万吗" with the facts complete and a disqualifier stated: the calculation answers it.
            claimed = any(f.role == "claim" for f in reading.figures)
            failing = any(not c.met for c in frame.conditions.values())
            if money and not lang.threshold_talk.search(text):
                return True
            return bool(slots) and _complete(topic, frame.args) and (claimed or failing)
        if _WHICH_TIER.search(text):
            return False  # "正好1000万算哪档": a question about the rule's tiers
        if inputs:
            return True
        if any(topic.slots[k].kind == "enum" for k in slots) and _complete(topic, frame.args):
            return True  # "应用成果第一档": the choice alone decides the award
        if not reading.is_question and topic.tool and slots:
            return True  # a statement of facts ("浙江制造标准主导一项") asks for the calculation
        has_money = any(s.kind in ("money", "money_list") for s in topic.slots.values())
        if _CAP_QUESTION.search(text):
            # "最高补多少": for a rate-and-cap rule the cap is the answer; a fixed award is computed.
            return not has_money and bool(topic.tool)
        return bool(lang.asks_amount.search(text)) and not lang.asks_rule.search(text)

    # ---- follow-ups -----------------------------------------------------------------------------------

    def _context_rule(self, session: Session | None) -> RuleSpec | None:
        base = session.pending or session.last if session is not None else None
        if base is None:
            return None
        return self.vocabulary.rule_for_tool(base.tool)

    def _varies_last(self, reading: Reading, topic: RuleSpec, session: Session) -> bool:
        """ "那如果贷款是300万呢" names the rule again but still varies the last calculation of that rule."""
        base = session.pending or session.last
        tools = {p.tool for p in session.batch} if session.pending is None else set()
        tools |= {base.tool} if base else set()
        varies = reading.act("vary") or reading.act("correct") or reading.act("add") or reading.act("part_of_last")
        varies = varies or reading.act("remove")
        # "单次流通收益500万" answers the pending question of the same rule even though it names the rule.
        filling = session.pending is not None and session.pending.tool == topic.tool
        # A statement of more facts about the same rule ("LPR是3.45%，期限12个月") adds to the last calculation.
        statement = not reading.is_question
        family = {r.tool for r in reading.vocabulary.family(topic.family)} if topic.family else {topic.tool}
        return bool(family & tools) and bool(varies or filling or statement)

    def _followup(self, reading: Reading, session: Session) -> Decision | None:
        """Fill a pending calculation's missing slots, or change the last one ("那如果是1500万呢")."""
        base = session.pending or target(reading, session)
        rule = self.vocabulary.rule_for_tool(base.tool) if base else None
        if base is None or rule is None:
            return None
        sibling = self._sibling(reading, rule)
        rule = self.vocabulary.rule_for_tool(sibling) or rule if sibling else rule
        if rule is not self._context_rule(session) or reading.act("part_of_last"):
            prefix = session.history[-1][0] + "，" if reading.act("part_of_last") and session.history else ""
            reading = self.read(prefix + reading.text, rule)
        changes = reading.act("vary") or reading.act("correct") or reading.act("remove") or reading.act("add")
        changes = changes or rule.tool != base.tool
        if not session.pending and not (changes or _has_slot_facts(reading, rule) or self._relabel(reading, rule, base)):
            return None
        previous = session.history[-1][0] if session.history else ""
        args = self._changed_args(reading, rule, base, act_of(reading, previous))
        if args is None:
            return None  # facts the rule has no use for ("今年还有哪些政策"): not an answer to its question
        changed = ToolCall(str(rule.tool), args)
        # The other calls of a multi-rule answer stay as they were: only the one the message names changes.
        batch = [] if session.pending else session.batch
        calls = [changed if p is base else ToolCall(p.tool, dict(p.args)) for p in batch] or [changed]
        clause_ids = [c for c in (self._clause_of(c.name) for c in calls) if c] or [base.clause_id]
        return Decision(
            CALCULATE,
            calls=calls,
            clause_ids=list(dict.fromkeys(clause_ids)),
            topic=rule,
            followup=True,
            reading=reading,
        )

    def _changed_args(self, reading: Reading, rule: RuleSpec, base: Pending, act: Act) -> dict[str, Any] | None:
        frame = frame_for(rule, reading.text, list(reading.mentions), list(reading.figures), reading.lang)
        new = dict(frame.args)
        if act.kind == REMOVE:
            excluded = [f.mention.value for f, _ in frame.excluded]
            dropped = remove_item(base.args, reading, act, excluded)
            if dropped != base.args:
                return dropped
            if not reading.act("add"):
                return None
            act = Act(ADD, act.item)  # "阿里云那份不算了，再加一份…": nothing left to remove, the rest adds
        if act.kind == ADD:
            new = {**new, **_increments(reading, rule, base)}
        adding = act.kind == ADD and bool(new)
        if not new:
            new = self._relabel(reading, rule, base)  # the same amounts under another kind: never added twice
        if not new and rule.tool != base.tool:
            return dict(base.args)  # "说错了，是设备，不是芯片": the same facts under the sibling rule
        if not new:
            return None
        dropped = drop_failing_item(base.args, new, act.item, self._item_conditions(rule))
        if dropped is not None:
            return dropped
        return merge(base.args, new, adding=adding, item=act.item)

    @staticmethod
    def _sibling(reading: Reading, rule: RuleSpec) -> str | None:
        """ "说错了，是设备，不是芯片": the family member whose marker the message affirms instead."""
        if not rule.family:
            return None
        from bot.nlu.polarity import negated

        for sibling in reading.vocabulary.family(rule.family):
            if sibling.id == rule.id:
                continue
            said = [m for p in sibling.markers for m in re.finditer(p, reading.text)]
            if any(not negated(reading.text, m.start(), reading.lang) for m in said):
                return sibling.tool
        return None

    @staticmethod
    def _item_conditions(rule: RuleSpec) -> dict[str, str]:
        return {name: spec.items for name, spec in rule.conditions.items() if spec.items}

    @staticmethod
    def _relabel(reading: Reading, rule: RuleSpec, base: Pending) -> dict[str, Any]:
        """ "那如果EDA是签核中心的呢": the same amounts, now of the kind named; "那参与的呢": the items' new role."""
        from bot.decide.followups import new_role

        kinds = [(name, s.markers) for name, s in rule.slots.items() if s.markers]
        moved = relabel(base, reading.text, sorted(kinds, key=lambda k: not rule.slots[k[0]].default))
        if moved:
            return moved
        for slot in rule.slots.values():
            if slot.kind == "items" and slot.items is not None:
                attrs = {k: v for k, v in slot.items.attributes.items() if k != slot.items.trigger}
                triggers = [w for ws in slot.items.attributes[slot.items.trigger].values() for w in ws]
                for attribute, values in attrs.items():
                    changed = new_role(base, reading.text, attribute, values, triggers)
                    if changed:
                        return changed
        return {}

    def _clause_of(self, tool: str) -> str | None:
        rule = self.vocabulary.rule_for_tool(tool)
        return rule.clause if rule else None

