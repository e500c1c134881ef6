"""Shared pieces of every calculator: input types, the result object, and formula helpers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from calculators.money import MAX_YUAN, find_amounts, format_yuan, parse_money, yuan_str

CEILING_NOTE = "政策写的是“不超过/最高”，所列金额是上限，实际补贴以主管部门评审、认定结果为准。"
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d{1,4})?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # commas only as thousands separators


def _coerce_money(value: object) -> object:
    """Accept Decimal, int, a JSON number or a Chinese money string; the field's unit is 元."""
    if isinstance(value, bool):
        raise ValueError("金额不能是“是/否”")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # JSON numbers from an LLM arrive as float; repr is exact enough
    if isinstance(value, str):
        text = value.strip()
        if _PLAIN_NUMBER.fullmatch(text) or _GROUPED.fullmatch(text):
            return Decimal(text.replace(",", ""))  # the parameter is documented in 元, so a bare number is 元
        return parse_money(value)
    return value


def _coerce_money_list(value: object) -> object:
    """One amount or a list; a string like "200万，350万" becomes two amounts."""
    if isinstance(value, str):
        mentions = [m for m in find_amounts(value) if m.value is not None]
        return [value] if len(mentions) <= 1 else [m.value for m in mentions]
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _coerce_percent(value: object) -> object:
    """A rate in percent: 3.1, "3.1", "3.1%" all mean 3.1%."""
    if isinstance(value, bool):
        raise ValueError("利率不能是“是/否”")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip().rstrip("%％").strip()
        if not _PLAIN_NUMBER.fullmatch(text):
            raise ValueError(f"无法读取利率“{value}”，请写成 3.1 或 3.1%")
        return Decimal(text)
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_coerce_money),
    Field(ge=0, le=MAX_YUAN, allow_inf_nan=False, json_schema_extra={"unit": "元"}),
]
MoneyList = Annotated[list[Money], BeforeValidator(_coerce_money_list), Field(min_length=1, max_length=100)]
Percent = Annotated[Decimal, BeforeValidator(_coerce_percent), Field(ge=0, le=100, allow_inf_nan=False)]


class CalcInput(BaseModel):
    """Base of every calculator's input model: unknown parameters are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SubsidyResult(BaseModel):
    """What a calculator returns: the ceiling amount and everything needed to explain it."""

    tool: str
    clause_id: str
    inputs: dict[str, str]
    eligible: bool
    failed_conditions: list[str] = Field(default_factory=list)
    max_subsidy_yuan: Decimal
    formula: str
    caps_applied: list[str] = Field(default_factory=list)
    clause_quote: str
    notes: list[str] = Field(default_factory=list)
    chosen_rule: str | None = None
    alternatives: list[dict[str, str]] = Field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict; amounts are decimal strings such as "1800000"."""
        return {
            "tool": self.tool,
            "clause_id": self.clause_id,
            "inputs": dict(self.inputs),
            "eligible": self.eligible,
            "max_subsidy_yuan": yuan_str(self.max_subsidy_yuan),
            "formula": self.formula,
            "notes": list(self.notes),
            "failed_conditions": list(self.failed_conditions),
            "caps_applied": list(self.caps_applied),
            "clause_quote": self.clause_quote,
            "chosen_rule": self.chosen_rule,
            "alternatives": [dict(a) for a in self.alternatives],
        }


@dataclass(frozen=True)
class Calculator:
    """One registered rule of one policy pack: `func(input_model(...)) -> SubsidyResult`."""

    name: str
    title: str
    description: str
    input_model: type[BaseModel]
    func: Callable[[Any], SubsidyResult]
    clause_id: str
    doc_id: str


@dataclass(frozen=True)
class Part:
    """An intermediate amount under one rule, before it becomes a result."""

    amount: Decimal
    formula: str
    caps: tuple[str, ...] = ()


def fen(value: Decimal) -> Decimal:
    """Round down to the fen: a ceiling is never rounded up."""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return rounded.quantize(Decimal(1)) if rounded == rounded.to_integral_value() else rounded


def pct(rate: Decimal) -> str:
    """Decimal("0.15") → "15%"."""
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"


def wan(value: Decimal) -> str:
    """Short 万元 label for cap descriptions: 20000000 → "2000万元"."""
    text = format((value / 10000).normalize(), "f")
    return f"{text}万元"


def sum_expr(amounts: Sequence[Decimal]) -> str:
    """ "2,000,000" or "(2,000,000 + 3,500,000)" for formulas over aggregated items."""
    if len(amounts) == 1:
        return format_yuan(amounts[0])
    return "(" + " + ".join(format_yuan(a) for a in amounts) + ")"


def rate_with_cap(amounts: Sequence[Decimal], rate: Decimal, cap: Decimal | None, cap_label: str) -> Part:
    """min(sum × rate, cap) with the formula text, e.g. `min(12,000,000 × 15%, 20,000,000) = 1,800,000`."""
    raw = sum(amounts, Decimal(0)) * rate
    expr = f"{sum_expr(amounts)} × {pct(rate)}"
    if cap is None:
        amount = fen(raw)
        return Part(amount, f"{expr} = {format_yuan(amount)}")
    amount = fen(min(raw, cap))
    caps = (f"{cap_label}（{wan(cap)}）",) if raw > cap else ()
    return Part(amount, f"min({expr}, {format_yuan(cap)}) = {format_yuan(amount)}", caps)


def failed(checks: Iterable[tuple[bool, str]]) -> list[str]:
    """The condition texts whose check is False."""
    return [text for ok, text in checks if not ok]


def show(value: object) -> str:
    """One input value as text for `SubsidyResult.inputs`."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return yuan_str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(show(v) for v in value)
    if isinstance(value, BaseModel):
        return "，".join(f"{k}={show(v)}" for k, v in value.model_dump().items() if v is not None)
    if isinstance(value, dict):
        return "，".join(f"{k}={show(v)}" for k, v in value.items() if v is not None)
    return str(value)


def inputs_of(model: BaseModel) -> dict[str, str]:
    """All given inputs as strings (None values left out)."""
    return {
        key: show(getattr(model, key)) for key in type(model).model_fields if getattr(model, key) is not None
    }


def result(
    tool: str,
    clause_id: str,
    model: BaseModel,
    quote: str,
    part: Part | None,
    failures: list[str],
    notes: Sequence[str] = (),
    **extra: Any,
) -> SubsidyResult:
    """Assemble a result; any failed condition makes it ineligible with 0 yuan."""
    eligible = not failures and part is not None
    amount = part.amount if (eligible and part is not None) else Decimal(0)
    if eligible and part is not None:
        formula = part.formula
    else:
        formula = "不符合条件：" + "；".join(failures) + " → 0"
    return SubsidyResult(
        tool=tool,
        clause_id=clause_id,
        inputs=inputs_of(model),
        eligible=eligible,
        failed_conditions=list(failures),
        max_subsidy_yuan=amount,
        formula=formula,
        caps_applied=list(part.caps) if (eligible and part is not None) else [],
        clause_quote=quote,
        notes=[*notes, CEILING_NOTE],
        **extra,
    )
