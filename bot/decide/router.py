"""The deterministic "decide" step: no model, no network. Text in, tool calls or clauses to answer from out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from bot.decide.followups import anchored, merge, ordinal, relabel, target
from bot.nlu.extract import Facts, extract, roles
from bot.nlu.scope import in_domain, is_injection, names_outside
from bot.nlu.topics import Topic, build_args, find_topic, topic_by_tool
from bot.packs.points import Points
from bot.sessions.store import Session
from bot.tools.executor import ToolCall

CALCULATE, LOOKUP, RULE_ONLY, NOT_COVERED, INJECTION = (
    "calculate",
    "lookup",
    "rule_only",
    "not_covered",
    "injection",
)

# The user wants an amount ...
_ASKS_AMOUNT = re.compile(
    r"多少|几万|金额|额度|能拿|能补|能领|可以拿|可以补|补贴额|奖励额|最多|最高|算一下|测算|计算一下"
)
# ... unless the question is about the rule itself (rate, conditions, who, how, targets).
_ASKS_RULE = re.compile(
    r"比例|怎么算|怎么计算|如何计算|计算方法|标准是|条件|是什么|什么是|哪些|哪个|几年|几档|目标|规模|部门|责任单位|"
    r"找谁|怎样|如何|流程|怎么申请|怎么用|多少P|多少档|哪几档|(LPR|利率)(是)?多少"
)
# "那如果是1500万呢": a variation of the previous calculation.
# Corrections ("不对，是800万", "刚才说错了，不是首次流片") vary it too.
_VARIATION = re.compile(
    r"如果|换成|改成|要是|假如|那.{0,6}呢|不对|说错|搞错|更正|纠正|应该是|其实是|我是说|重新算"
)
# "其中签核中心的100万": a part of the amount given in the previous message, read together with it.
_PART_OF_LAST = re.compile(r"^其中")
# "再加一笔300万呢": add items to the previous calculation instead of replacing them.
_ADD = re.compile(r"再加|加上|另加|追加|再来|还有一笔|多了一笔")
# Yes/no eligibility questions ("能申请吗") and talk about thresholds ("不到5000万能申请吗") are lookups.
_YES_NO = re.compile(r"[吗么嘛][？?。！!]*$|是否|能不能|可不可以|算不算")
_THRESHOLD_TALK = re.compile(r"不到|低于|少于|不足|未达|没达到|没有达到")
# Questions about the document as a whole (targets, dates, scope) go to the index, not to a rule's clause.
_DOCUMENT_LEVEL = re.compile(r"目标|文号|施行|废止|印发|发文|适用范围|牵头实施")
RELATED_CITATIONS = 2
# Questions about the policy as a whole that one annex answers: combining subsidies (a2), whom to ask (a4).
_ISSUER = re.compile(r"发的|发布|印发|发文|出台|制定")
_GENERAL_QUESTIONS = (
    (re.compile(r"同时(申请|享受|拿|领)|重复(申请|享受|拿|领)|叠加|兼得|都能拿"), "a2"),
    (re.compile(r"找谁|哪个部门|哪里申请|在哪(里|儿)?申请|申请流程|向谁申请|联系谁|谁负责"), "a4"),
    # Subsidies already received elsewhere ("省里已经给了流片补贴，区里还能再补吗") are a2's business too.
    (
        re.compile(
            r"(省里|市里|省上|市上|国家|省|市).{0,12}(补|给|资助|支持).{0,12}(区里|还能|还可以|再|还补)"
        ),
        "a2",
    ),
    # Where the applicant is: the scope annex decides before any measure.
    (re.compile(r"外地|外区|区外|外省|外市|不在滨江|不在高新区|注册地|不在杭州|异地"), "a1"),
    (re.compile(r"有效期|截止|到什么时候|到哪年|失效|有效到"), "a4"),
)
# Clauses that decide a question even when it names a measure ("外区企业能申请流片补贴吗" → a1 first).
_OVERRIDING = ("a1", "a2")
# Moving into the zone from elsewhere ("刚从上海搬过来"): the scope annex, then the newcomers' rent subsidy.
_RELOCATING = re.compile(r"(从|由).{1,8}(搬|迁)(过来|来|入|到)|(搬|迁)(过来|到滨江|到高新区|入滨江|入高新区)")
# The repealed 2019 policy ("旧政策的流片补贴还能申请吗"): a4 says it was repealed, whatever measure is named.
_REPEALED = re.compile(
    r"旧政策|老政策|原政策|原来的政策|以前的政策|之前的政策|(20)?19年(那个|的)|〔2019〕|2019\D{0,3}24号"
)
# "有哪些补贴" / "能申请什么" asked by a kind of enterprise: a ranked list of measures, not one clause.
_OVERVIEW_ASK = re.compile(
    r"(哪些|什么|啥)(样的)?(补贴|政策|支持|扶持|奖励|优惠|资金)|(能|可以)(申请|享受)(哪些|什么|啥)"
)
_WHO_ASKS = re.compile(r"公司|企业|单位|初创|我们|做.{1,10}的")
OVERVIEW_MAX = 6
# Where one message moves on to another item: "首次流片1200万；另外买EDA花了300万".
_SEGMENTS = re.compile(r"[；;。]|，?(?:另外|此外|还有|同时|以及|并且|外加)")
# Weaker breaks: a piece after a comma starts another rule only if it names that rule and its own amount
# ("首次流片1200万元，EDA 300万元"), so "我们是芯片企业，首次流片1200万" stays one item.
_PIECES = re.compile(r"[，,、]")
# Rules sharing one sentence whose amounts go with the kind written next to them ("采购设备600万和芯片400万").
_M12_KINDS = {"chip_machine_equipment_subsidy": r"设备|材料", "chip_machine_chip_subsidy": r"芯片|模组"}
_SIBLINGS = dict.fromkeys(_M12_KINDS, _M12_KINDS)
OVERVIEW = "header"
_QUESTION = re.compile(r"[？?吗么嘛呢]|什么|多少|怎么|怎样|如何|哪|是否|几|有没有|能不能|可不可以")
RELATED_MIN_SHARE = 0.6
# Years named in one message; m9's compensation rate and cap are per year.
_YEARS = re.compile(r"(20\d{2})\s*年")
_PER_YEAR_TOOL = "cyber_insurance_subsidy"


class RetrieverLike(Protocol):
    def search(self, query: str, k: int = 5) -> list[Any]: ...

    def direct_reference(self, query: str) -> str | None: ...


@dataclass
class Decision:
    """What the router decided: the kind of answer, tool calls to run, clauses relied on (first) and related."""

    kind: str
    calls: list[ToolCall] = field(default_factory=list)
    clause_ids: list[str] = field(default_factory=list)
    topic: Topic | None = None
    followup: bool = False
    overview: bool = False


def _has_slot_facts(facts: Facts) -> bool:
    """Does a message carry something that can fill a pending calculation's arguments?"""
    return bool(
        facts.inputs
        or facts.year
        or facts.enterprises is not None
        or facts.tier
        or facts.lpr_percent is not None
        or facts.actual_rate_percent is not None
        or facts.loan_date
        or facts.established_date
        or facts.term_months
        or facts.term_days
        or facts.years_since_founding is not None
        or facts.flags
    )


class Router:
    """Deterministic decide step over one retriever."""

    def __init__(self, retriever: RetrieverLike, points: Points | None = None):
        self.retriever = retriever
        self.points = points or Points()

    def overview(self, text: str, topic: Topic | None) -> list[str]:
        """Measures for this kind of enterprise: the named rule, then its industries' measures in order."""
        lowered = text.lower()
        groups = [g for g in self.points.industries if any(w.lower() in lowered for w in g.words)]
        ids = [topic.clause_id] if topic else []
        ids += [cid for g in groups for cid in g.order]
        if not groups:
            hits = self.retriever.search(text, k=12)
            ids += [
                h.clause_id for h in hits if h.clause_id.startswith("m") and self.points.clause(h.clause_id)
            ]
        return list(dict.fromkeys(ids))[:OVERVIEW_MAX]

    def related(self, text: str, first: list[str]) -> list[str]:
        hits = self.retriever.search(text, k=RELATED_CITATIONS + len(first))
        # Only clauses scoring close to the best hit are worth showing next to the one relied on.
        top = hits[0].score if hits else 0.0
        ids = list(first) + [h.clause_id for h in hits if h.score >= RELATED_MIN_SHARE * top]
        return list(dict.fromkeys(ids))[: len(first) + RELATED_CITATIONS]

    def decide(self, text: str, session: Session | None = None) -> Decision:
        """Classify one normalized message and produce tool calls or clause ids."""
        if is_injection(text):
            return Decision(INJECTION)
        facts = extract(text)
        topic = find_topic(text)
        if session is not None and (topic is None or _varies_last(text, topic, session)):
            followup = self._followup(text, facts, session)
            if followup is not None:
                return followup
        if _RELOCATING.search(text) and topic is None:
            return Decision(LOOKUP, clause_ids=["a1", "m10"])
        ref = self.retriever.direct_reference(text)
        if names_outside(text) or (topic is None and ref is None and not in_domain(text)):
            return Decision(NOT_COVERED)
        if ref is not None and (topic is None or not self._wants_amount(text, facts, topic)):
            return Decision(LOOKUP, clause_ids=self.related(text, [ref]))
        if _OVERVIEW_ASK.search(text) and not facts.inputs and (topic is None or _WHO_ASKS.search(text)):
            ids = self.overview(text, topic)
            if ids:
                return Decision(LOOKUP, clause_ids=ids, topic=topic, overview=True)
        annex = self._annex_first(text, topic)
        if annex is not None:
            return annex
        if topic is None:
            hits = self.retriever.search(text, k=1 + RELATED_CITATIONS)
            # About the policy but matching no clause in particular: answer with the document itself.
            return Decision(LOOKUP, clause_ids=[h.clause_id for h in hits] or [OVERVIEW])
        if not self._wants_amount(text, facts, topic):
            if _DOCUMENT_LEVEL.search(text):
                return Decision(LOOKUP, clause_ids=[h.clause_id for h in self.retriever.search(text, k=3)])
            return Decision(LOOKUP, clause_ids=self.related(text, [topic.clause_id]), topic=topic)
        if topic.tool is None:
            return Decision(RULE_ONLY, clause_ids=[topic.clause_id], topic=topic)
        calls = self._several(text) or _calls_for(topic.tool, text, facts)
        clause_ids = [c for c in (_clause_of(call.name) for call in calls) if c]
        return Decision(CALCULATE, calls=calls, clause_ids=list(dict.fromkeys(clause_ids)), topic=topic)

    def _annex_first(self, text: str, topic: Topic | None) -> Decision | None:
        """Questions an annex decides, the measure named (if any) cited second: repeal (a4), a2, a1, a4."""
        named = [topic.clause_id] if topic else []
        if _REPEALED.search(text):
            return Decision(LOOKUP, clause_ids=self.related(text, ["a4", *named]))
        for pattern, clause_id in _GENERAL_QUESTIONS:
            issuer = clause_id == "a4" and _ISSUER.search(text)  # "哪个部门发的" is the header's business
            if pattern.search(text) and (topic is None or clause_id in _OVERRIDING) and not issuer:
                # The measure named stays second: "省里给了流片补贴，区里还能再补吗" → a2, then m3.
                return Decision(LOOKUP, clause_ids=self.related(text, [clause_id, *named]))
        return None

    @staticmethod
    def _several(text: str) -> list[ToolCall]:
        """ "首次流片1200万，另外买EDA 300万" → one call per rule, each with its own segment's facts."""
        groups: dict[str, list[str]] = {}
        current: str | None = None
        for segment in _SEGMENTS.split(text):
            for i, piece in enumerate(_PIECES.split(segment or "")):
                if not piece.strip():
                    continue
                topic = find_topic(piece)
                starts = i == 0 or bool(extract(piece).inputs)
                if topic is not None and topic.tool is not None and starts:
                    current = topic.tool
                if current is not None:
                    groups.setdefault(current, []).append(piece)
        # A rule named without any facts of its own ("芯机联动，采购芯片300万") is not a separate item.
        parts = {tool: "，".join(pieces) for tool, pieces in groups.items()}
        parts = {tool: part for tool, part in parts.items() if build_args(tool, extract(part), part)}
        if len(parts) < 2:
            return []
        return [call for tool, part in parts.items() for call in _calls_for(tool, part, extract(part))]

    @staticmethod
    def _wants_amount(text: str, facts: Facts, topic: Topic) -> bool:
        """A calculation is wanted, not the rule's wording or a yes/no on eligibility."""
        yes_no = bool(_YES_NO.search(text)) and "多少" not in text
        if yes_no and (not facts.inputs or _THRESHOLD_TALK.search(text)):
            return False
        if facts.inputs or facts.tier:
            return True
        if not _QUESTION.search(text) and topic.tool and build_args(topic.tool, facts, text):
            return True  # a statement of facts ("浙江制造标准主导一项") asks for the calculation
        return bool(_ASKS_AMOUNT.search(text)) and not _ASKS_RULE.search(text)

    @staticmethod
    def _followup(text: str, facts: Facts, session: Session) -> Decision | None:
        """Fill a pending calculation's missing slots, or vary the last one ("那如果是1500万呢")."""
        varies = bool(_VARIATION.search(text)) or _has_slot_facts(facts)
        base = session.pending or (target(text, facts, session) if varies else None)
        if base is None or not (_has_slot_facts(facts) or _level_only(text) or relabel(base, text)):
            return None
        if _PART_OF_LAST.search(text) and session.history:
            text = session.history[-1][0] + "，" + text
            facts = extract(text)
        new = build_args(base.tool, facts, text) or relabel(base, text)
        if not new:
            return None  # facts the rule has no use for ("今年还有哪些政策"): not an answer to its question
        previous = session.history[-1][0] if session.history else ""
        item = ordinal(text) if ordinal(text) is not None else anchored(text, previous)
        args = merge(base.args, new, adding=bool(_ADD.search(text)), item=item)
        changed = ToolCall(base.tool, args)
        # The other calls of a multi-rule answer stay as they were: only the one the message names changes.
        batch = [] if session.pending else session.batch
        calls = [changed if p is base else ToolCall(p.tool, dict(p.args)) for p in batch] or [changed]
        clause_ids = [c for c in (_clause_of(call.name) for call in calls) if c] or [base.clause_id]
        return Decision(
            CALCULATE,
            calls=calls,
            clause_ids=list(dict.fromkeys(clause_ids)),
            topic=topic_by_tool(base.tool),
            followup=True,
        )


def _per_year(tool: str, text: str, facts: Facts) -> list[ToolCall]:
    """ "2024年和2025年的保费各100万" → one call per year: m9's rate and its cap are per year."""
    years = list(dict.fromkeys(int(y) for y in _YEARS.findall(text)))
    amounts = facts.inputs
    if tool != _PER_YEAR_TOOL or len(years) < 2 or len(amounts) not in (1, len(years)):
        return []
    pairs = zip(years, amounts * len(years) if len(amounts) == 1 else amounts, strict=False)
    return [ToolCall(tool, build_args(tool, replace(facts, amounts=[a], year=y), text)) for y, a in pairs]


def _calls_for(tool: str, text: str, facts: Facts) -> list[ToolCall]:
    """The call for one rule, or one per sibling rule when the amounts name different kinds."""
    yearly = _per_year(tool, text, facts)
    if yearly:
        return yearly
    markers = _SIBLINGS.get(tool)
    kinds = roles(text, facts.inputs, markers) if markers else []
    if not kinds or None in kinds or len(set(kinds)) < 2:
        # One kind named next to every amount picks the sibling ("采购芯片设计企业的设备500万").
        tool = str(kinds[0]) if kinds and None not in kinds else tool
        return [ToolCall(tool, build_args(tool, facts, text))]
    calls = []
    for kind in dict.fromkeys(kinds):
        mine = [a for a, k in zip(facts.inputs, kinds, strict=True) if k == kind]
        calls.append(ToolCall(str(kind), build_args(str(kind), replace(facts, amounts=mine), text)))
    return calls


def _clause_of(tool: str) -> str | None:
    topic = topic_by_tool(tool)
    return topic.clause_id if topic else None


def _varies_last(text: str, topic: Topic, session: Session) -> bool:
    """ "那如果贷款是300万呢" names the rule again but still varies the last calculation of that rule."""
    base = session.pending or session.last
    tools = {p.tool for p in session.batch} if session.pending is None else set()
    tools |= {base.tool} if base else set()
    varies = _VARIATION.search(text) or _ADD.search(text) or _PART_OF_LAST.search(text)
    # "单次流通收益500万" answers the pending question of the same rule even though it names the rule.
    filling = session.pending is not None and session.pending.tool == topic.tool
    # A statement of more facts about the same rule ("LPR是3.45%，期限12个月") adds to the last calculation.
    statement = not _QUESTION.search(text)
    return topic.tool in tools and bool(varies or filling or statement)


def _level_only(text: str) -> bool:
    """Replies like "省级的" / "国家级" that fill a level slot."""
    return bool(re.search(r"(国家|省|市|区)(级|政府|的)", text))
