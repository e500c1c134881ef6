"""A figure of a message and the role it plays; where a message names a rule."""

from __future__ import annotations

from dataclasses import dataclass

from bot.nlu.mentions import Mention
from bot.packs.vocabulary import RuleSpec

INPUT, HEARSAY, CLAIM, BOUND, NOT_INPUT, EXCLUDED, TOTAL, OTHER_YEAR, UNKNOWN, DENIED, OTHER_ENTITY = (
    "input",
    "hearsay",
    "claim",
    "bound",
    "not_input",
    "excluded",
    "total",
    "other_year",
    "unknown",
    "denied",  # "是2400万 不是2600万": a figure the user says is not the fact
    "other_entity",  # "上海子公司流片900万": another entity of the group's figure, not the applicant's
)
QUOTED_CAP = "cap"  # the label of a claim that quotes the rule's cap ("这个100万封顶是每年的吗")
OWN_RESULT = "own_result"  # the label of the user's own result of a calculation ("我们自己算的是120万")


@dataclass(frozen=True)
class RuleHit:
    """Where a message names a rule."""

    rule: RuleSpec
    start: int
    end: int


@dataclass(frozen=True)
class Figure:
    """One figure and what it is for: `rule` and `slot` when it is an input, else the reason (`role`, `label`)."""

    mention: Mention
    role: str
    rule: str | None = None
    slot: str | None = None
    label: str = ""
    year: int | None = None
    times: int = 1  # "三款，每款300万": the amount stands for that many items

    @property
    def start(self) -> int:
        return self.mention.start

    @property
    def end(self) -> int:
        return self.mention.end

    @property
    def used(self) -> bool:
        return self.role == INPUT
