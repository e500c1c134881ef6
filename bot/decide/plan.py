"""A plan: the tool calls a decider chose for one message, and what the understanding saw in it.

Both deciders (the rule router and the optional LLM) return one; the executor runs its calls and the
composition reads only their outcomes (and the reading, for the figures it must name as unused).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.tools import builtin as B
from bot.tools.calls import ToolCall

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
_KIND_OF = {
    B.LOOKUP: LOOKUP,
    B.OVERVIEW: LOOKUP,
    B.RULE_ONLY: RULE_ONLY,
    B.NOT_APPLICABLE: NOT_APPLICABLE,
    B.EXPLAIN: EXPLAIN,
    B.ASK_WHICH: CLARIFY,
}


@dataclass
class Plan:
    """Tool calls in order; `topic` is the rule the message is about (for the conversation's state)."""

    calls: list[ToolCall] = field(default_factory=list)
    topic: Any = None
    reading: Any = None
    followup: bool = False
    excluded: list[tuple[Any, str]] = field(default_factory=list)
    doc_id: str | None = None
    clauses: list[str] = field(default_factory=list)  # the calculations' clauses, in order
    # The calculations the conversation keeps, when they are not the ones answered ("这批能补多少" answers the
    # new items alone; the session keeps them joined to the earlier ones, for "合计多少" next).
    keep: list[ToolCall] | None = None
    # The message's figures as the calculations took them (another year's set aside), when not the reading's.
    figures: list[Any] | None = None
    # The listed amounts a follow-up took out of the last calculation ("120万那份后来解约了"), for the answer to name.
    removed: list[Any] = field(default_factory=list)

    @property
    def kind(self) -> str:
        first = self.calls[0].name if self.calls else B.DECLINE
        if first == B.DECLINE:
            reason = self.calls[0].args.get("reason") if self.calls else "off_topic"
            return INJECTION if reason == "injection" else NOT_COVERED
        return _KIND_OF.get(first, CALCULATE)

    @property
    def calculator_calls(self) -> list[ToolCall]:
        return [c for c in self.calls if c.name not in B.BY_NAME]

    @property
    def clause_ids(self) -> list[str]:
        """The clauses relied on, first the one the answer rests on."""
        first = self.calls[0].args if self.calls and self.calls[0].name in B.BY_NAME else {}
        ids = list(first.get("clause_ids") or [])
        ids += [first[k] for k in ("clause_id", "measure_clause") if first.get(k)]
        return list(dict.fromkeys(ids + self.clauses))

    @property
    def overview(self) -> bool:
        return bool(self.calls) and self.calls[0].name == B.OVERVIEW


def lookup(clause_ids: list[str], topic: Any = None, reading: Any = None, overview: bool = False) -> Plan:
    name = B.OVERVIEW if overview else B.LOOKUP
    args: dict[str, Any] = {"clause_ids": list(dict.fromkeys(clause_ids))}
    if not overview and topic is not None:
        args["topic"] = topic.id
    return Plan([ToolCall(name, args)], topic=topic, reading=reading)


def decline(reading: Any = None, reason: str = "off_topic", place: str = "") -> Plan:
    return Plan([ToolCall(B.DECLINE, {"reason": reason, "place": place})], reading=reading)


def rule_only(clause_id: str, topic: Any, reading: Any) -> Plan:
    return Plan([ToolCall(B.RULE_ONLY, {"clause_id": clause_id})], topic=topic, reading=reading)


def marked(marker: str, calls: list[ToolCall], topic: Any, reading: Any, clauses: list[str]) -> Plan:
    """Calculator calls read as an explanation (EXPLAIN) or as cases to choose from (ASK_WHICH)."""
    return Plan([ToolCall(marker, {}), *calls], topic=topic, reading=reading, clauses=clauses)


def not_applicable(
    annex: str, measure: str, place: str, calls: list[ToolCall], topic: Any, reading: Any, subject: str = ""
) -> Plan:
    """The enterprise (or the `subject` of the group asked about: "子公司") is outside the document's area."""
    args = {"clause_id": annex, "measure_clause": measure, "place": place}
    call = ToolCall(B.NOT_APPLICABLE, {**args, "subject": subject} if subject else args)
    return Plan([call, *calls], topic=topic, reading=reading)
