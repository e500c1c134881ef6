"""Tool calls in one format for both deciders, and what running one produced."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ToolCall:
    """A request to run one tool (a calculator, or a lookup, decline…), from the router or the LLM alike."""

    name: str
    args: dict[str, Any]
    year: int | None = None  # the year whose figures these are, when a rule is computed year by year
    id: str = field(default_factory=lambda: "call_" + uuid.uuid4().hex[:12])


@dataclass(frozen=True)
class MissingField:
    """A required argument the user has not given yet."""

    name: str
    description: str


@dataclass
class ToolOutcome:
    """What running a ToolCall produced: a result, or an error the caller can act on."""

    call: ToolCall
    result: Any = None  # a calculators.SubsidyResult, or one of bot.tools.builtin's results
    error: str | None = None
    missing: list[MissingField] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result is not None

    @property
    def is_calculation(self) -> bool:
        return self.result is not None and hasattr(self.result, "max_subsidy_yuan") or bool(self.missing)

    def to_message(self) -> str:
        """Text handed back to an LLM as the tool's answer."""
        if self.result is not None:
            data = self.result.to_dict() if hasattr(self.result, "to_dict") else self.result
            return json.dumps(data, ensure_ascii=False, default=str)
        if self.missing:
            names = "、".join(f"{m.name}（{m.description}）" for m in self.missing)
            return f"缺少参数：{names}。请向用户询问，不要自行假设。"
        return f"错误：{self.error}"
