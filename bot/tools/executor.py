"""One executor for every tool call, whichever decider made it: unknown tool → error result; arguments
validated; missing ones listed; the call run; failures wrapped. LangChain wrappers are built lazily."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

import calculators
from bot.tools.builtin import BY_NAME, builtin_result
from bot.tools.calls import MissingField, ToolCall, ToolOutcome

log = logging.getLogger(__name__)

__all__ = ["Executor", "MissingField", "ToolCall", "ToolOutcome", "execute", "execute_all", "missing_fields"]


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


def _clean(message: str) -> str:
    return message.removeprefix("请").removeprefix("至少给出").strip("。") or "金额"


class Executor:
    """Runs tool calls against the loaded packs' calculators and the builtin tools."""

    def __init__(self, registry: Any = None, clause_exists: Any = None) -> None:
        self._registry = registry or calculators.CalculatorRegistry(calculators.CALCULATORS)
        self._calculators = {c.name: c for c in self._registry.calculators}
        self._clause_exists = clause_exists

    @property
    def calculator_names(self) -> list[str]:
        return list(self._calculators)

    def calculator(self, name: str) -> Any | None:
        return self._calculators.get(name)

    def run(self, call: ToolCall) -> ToolOutcome:
        if not isinstance(call.args, dict):
            return ToolOutcome(call, error="参数格式错误：应为对象")
        if call.name in BY_NAME:
            return self._builtin(call)
        if call.name not in self._calculators:
            return ToolOutcome(call, error=f"没有名为“{call.name}”的工具")
        return self._calculate(call)

    def run_all(self, calls: Iterable[ToolCall]) -> list[ToolOutcome]:
        return [self.run(c) for c in calls]

    def _builtin(self, call: ToolCall) -> ToolOutcome:
        spec = BY_NAME[call.name]
        try:
            args = spec.args_model.model_validate(call.args)
        except ValidationError as exc:
            return ToolOutcome(call, error=f"参数有误：{exc.errors()[0].get('msg', '')}")
        doc = getattr(args, "doc_id", None)
        ids: list[list[str]] = [getattr(args, "clause_ids")] if hasattr(args, "clause_ids") else []  # noqa: B009
        keys = [f"{doc}:{c}" if doc and ":" not in c else c for group in ids for c in group]
        unknown = [c for c in keys if self._clause_exists and not self._clause_exists(c)]
        if unknown:
            return ToolOutcome(call, error=f"没有条款“{'、'.join(unknown)}”")
        return ToolOutcome(call, result=builtin_result(call.name, args))

    def _calculate(self, call: ToolCall) -> ToolOutcome:
        calc = self._calculators[call.name]
        model = calc.input_model
        missing = [
            MissingField(name, f.description or name)
            for name, f in model.model_fields.items()
            if f.is_required() and call.args.get(name) in (None, "")
        ]
        if missing:
            return ToolOutcome(call, missing=missing, error="缺少参数")
        try:
            result = self._registry.run(call.name, dict(call.args))
        except ValueError as exc:  # CalculatorInputError and MoneyParseError carry Chinese text
            if not call.args:
                # Nothing given yet and the calculator wants "at least one of" several fields: ask.
                errors = getattr(exc, "errors", None) or [{"field": "", "message": str(exc)}]
                wanted = [MissingField(e.get("field", ""), _clean(e.get("message", ""))) for e in errors]
                return ToolOutcome(call, missing=wanted, error="缺少参数")
            return ToolOutcome(call, error=str(exc))
        except Exception as exc:  # a calculator bug must become an answer, not a crashed request
            log.exception("计算工具 %s 出错", call.name)
            return ToolOutcome(call, error=f"计算出错：{type(exc).__name__}")
        return ToolOutcome(call, result=result)

    def langchain_tools(self) -> list[Any]:
        """Every calculator and builtin as a LangChain StructuredTool (imports langchain only when called)."""
        from langchain_core.tools import StructuredTool

        tools = []
        for calc in self._calculators.values():
            tools.append(
                _tool(StructuredTool, self, calc.name, f"{calc.title}：{calc.description}", calc.input_model)
            )
        for spec in BY_NAME.values():
            tools.append(_tool(StructuredTool, self, spec.name, spec.description, spec.args_model))
        return tools


def _tool(cls: Any, executor: Executor, name: str, description: str, schema: Any) -> Any:
    def run(**kwargs: Any) -> str:
        return executor.run(ToolCall(name, kwargs)).to_message()

    return cls.from_function(func=run, name=name, description=description, args_schema=schema)


_DEFAULT = Executor()


def execute(call: ToolCall) -> ToolOutcome:
    """Run one call on the built-in pack's calculators and the builtin tools."""
    return _DEFAULT.run(call)


def execute_all(calls: list[ToolCall]) -> list[ToolOutcome]:
    return _DEFAULT.run_all(calls)
