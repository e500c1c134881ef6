"""Tool calls in one format, one executor for them, and LangChain wrappers of the calculators (built lazily)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

import calculators

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ToolCall:
    """A request to run one calculator, from the router or the LLM alike."""

    name: str
    args: dict[str, Any]
    id: str = field(default_factory=lambda: "call_" + uuid.uuid4().hex[:12])


@dataclass(frozen=True)
class MissingField:
    """A required calculator argument the user has not given yet."""

    name: str
    description: str


@dataclass
class ToolOutcome:
    """What running a ToolCall produced: a result, or an error the caller can act on."""

    call: ToolCall
    result: Any = None  # a calculators.SubsidyResult when the call succeeded
    error: str | None = None
    missing: list[MissingField] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result is not None

    def to_message(self) -> str:
        """Text handed back to an LLM as the tool's answer."""
        import json

        if self.result is not None:
            return json.dumps(self.result.to_dict(), ensure_ascii=False)
        if self.missing:
            names = "、".join(f"{m.name}（{m.description}）" for m in self.missing)
            return f"缺少参数：{names}。请向用户询问，不要自行假设。"
        return f"错误：{self.error}"


def tool_names() -> list[str]:
    return [c.name for c in calculators.CALCULATORS]


def required_fields(name: str) -> list[MissingField]:
    """The calculator's required arguments, with their Chinese descriptions."""
    model = calculators.get_calculator(name).input_model
    return [
        MissingField(fname, f.description or fname)
        for fname, f in model.model_fields.items()
        if f.is_required()
    ]


def missing_fields(name: str, args: dict[str, Any]) -> list[MissingField]:
    return [m for m in required_fields(name) if args.get(m.name) in (None, "")]


def execute(call: ToolCall) -> ToolOutcome:
    """Run one call: unknown tool → error; missing args → list them; invalid → Chinese error; else result."""
    if call.name not in tool_names():
        return ToolOutcome(call, error=f"没有名为“{call.name}”的计算工具")
    if not isinstance(call.args, dict):
        return ToolOutcome(call, error="参数格式错误：应为对象")
    missing = missing_fields(call.name, call.args)
    if missing:
        return ToolOutcome(call, missing=missing, error="缺少参数")
    try:
        result = calculators.run_calculator(call.name, dict(call.args))
    except ValueError as exc:  # CalculatorInputError and MoneyParseError are ValueErrors with Chinese text
        if not call.args:
            # Nothing given yet and the model wants "at least one of" several fields: ask, don't scold.
            errors = getattr(exc, "errors", None) or [{"field": "", "message": str(exc)}]
            wanted = [MissingField(e.get("field", ""), _clean(e.get("message", ""))) for e in errors]
            return ToolOutcome(call, missing=wanted, error="缺少参数")
        return ToolOutcome(call, error=str(exc))
    except Exception as exc:  # a calculator bug must become an answer, not a crashed request
        log.exception("计算工具 %s 出错", call.name)
        return ToolOutcome(call, error=f"计算出错：{type(exc).__name__}")
    return ToolOutcome(call, result=result)


def _clean(message: str) -> str:
    return message.removeprefix("请").removeprefix("至少给出").strip("。") or "金额"


def execute_all(calls: list[ToolCall]) -> list[ToolOutcome]:
    return [execute(c) for c in calls]


def build_langchain_tools() -> list[Any]:
    """Wrap every calculator as a LangChain StructuredTool (imports langchain only when called)."""
    from langchain_core.tools import StructuredTool

    tools = []
    for calc in calculators.CALCULATORS:

        def run(_name: str = calc.name, **kwargs: Any) -> str:
            return execute(ToolCall(_name, kwargs)).to_message()

        tools.append(
            StructuredTool.from_function(
                func=run,
                name=calc.name,
                description=f"{calc.title}：{calc.description}（条款 {calc.clause_id}）",
                args_schema=calc.input_model,
            )
        )
    return tools
