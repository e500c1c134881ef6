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
from calculators.trace import Calculation, Step, Trace

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
    doc_id: str = ""
    trace: Trace = Field(default_factory=Trace)

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
            "doc_id": self.doc_id,
            "trace": self.trace.model_dump(),
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
    """An intermediate amount under one rule, before it becomes a result, with the steps that made it."""

    amount: Decimal
    formula: str
    caps: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()


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
    return f"{wan_number(value)}万元"


def wan_number(value: Decimal) -> str:
    """The number of 万 in an amount, as policy text writes it: 200000 → "20"."""
    return format((value / 10000).normalize(), "f")


def wan_text(value: Decimal) -> str:
    """An amount in 万元 spaced as the policy text writes it: 10000000 → "1000 万元"."""
    return f"{wan_number(value)} 万元"


def cn_count(value: Decimal) -> str:
    """A small count in Chinese numerals, as the policy writes 三年内: 3 → "三"."""
    number = int(value)
    if not 0 <= number <= 10 or number != value:
        return str(value)
    return "零一二三四五六七八九十"[number]


def exact_yuan(value: Decimal) -> str:
    """Yuan with thousands separators for a step: 19999999.95 → "19,999,999.95"; past 4 decimals, "…"."""
    plain = Decimal(yuan_str(value))
    shown = plain.quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
    return f"{plain:,f}" if shown == plain else f"{shown:,f}…"


def sum_expr(amounts: Sequence[Decimal]) -> str:
    """ "2,000,000" or "(2,000,000 + 3,500,000)" for formulas over aggregated items."""
    if len(amounts) == 1:
        return format_yuan(amounts[0])
    return "(" + " + ".join(format_yuan(a) for a in amounts) + ")"


def rate_with_cap(
    amounts: Sequence[Decimal], rate: Decimal, cap: Decimal | None, cap_label: str, label: str = ""
) -> Part:
    """min(sum × rate, cap) with the formula text, e.g. `min(12,000,000 × 15%, 20,000,000) = 1,800,000`.

    `label` names the rule or tier in the steps ("1000万元以上档：").
    """
    total = sum(amounts, Decimal(0))
    raw = total * rate
    expr = f"{sum_expr(amounts)} × {pct(rate)}"
    steps = [
        *total_steps(amounts, label),
        Step(f"{label}{format_yuan(total)} × {pct(rate)} = {exact_yuan(raw)}", yuan_str(raw)),
    ]
    if cap is None:
        amount = fen(raw)
        return Part(amount, f"{expr} = {format_yuan(amount)}", (), (*steps, *rounding_steps(raw, amount)))
    amount = fen(min(raw, cap))
    caps = (f"{cap_label}（{wan(cap)}）",) if raw > cap else ()
    steps.append(cap_step(raw, cap, cap_label))
    steps += rounding_steps(min(raw, cap), amount)
    return Part(amount, f"min({expr}, {format_yuan(cap)}) = {format_yuan(amount)}", caps, tuple(steps))


def total_steps(amounts: Sequence[Decimal], label: str = "") -> list[Step]:
    """ "合计：2,000,000 + 3,500,000 = 5,500,000" when several items are added up first."""
    if len(amounts) < 2:
        return []
    total = sum(amounts, Decimal(0))
    return [
        Step(
            f"{label}合计：{' + '.join(format_yuan(a) for a in amounts)} = {format_yuan(total)}",
            yuan_str(total),
        )
    ]


def cap_step(raw: Decimal, cap: Decimal, cap_label: str) -> Step:
    """The cap check: "年度最高补贴 3,000,000 封顶" when it binds, "未超过…" otherwise."""
    if raw > cap:
        return Step(f"{cap_label} {format_yuan(cap)} 封顶", yuan_str(cap))
    return Step(f"未超过{cap_label} {format_yuan(cap)}", yuan_str(raw))


def rounding_steps(raw: Decimal, amount: Decimal) -> list[Step]:
    """ "向下取整到分" when the exact amount has fractions of a fen."""
    return [] if raw == amount else [Step(f"向下取整到分：{format_yuan(amount)}", yuan_str(amount))]


def combine(parts: Sequence[Part]) -> Part:
    """Sum of independently capped parts, with one formula line."""
    total = sum((p.amount for p in parts), Decimal(0))
    if len(parts) == 1:
        return parts[0]
    formula = " + ".join(p.formula.rsplit(" = ", 1)[0] for p in parts) + f" = {format_yuan(total)}"
    steps = [s for p in parts for s in p.steps]
    steps.append(
        Step(
            f"相加：{' + '.join(format_yuan(p.amount) for p in parts)} = {format_yuan(total)}",
            yuan_str(total),
        )
    )
    return Part(total, formula, tuple(c for p in parts for c in p.caps), tuple(steps))


def threshold_step(
    calc: Calculation,
    label: str,
    actual: Decimal,
    minimum: Decimal,
    *,
    strict: bool = False,
    money: bool = True,
) -> bool:
    """Record a threshold check ("≥" includes the number; ">" for 超过) and return whether it is met."""
    ok = actual > minimum if strict else actual >= minimum
    shown = format_yuan if money else yuan_str
    sign = (">" if ok else "≤") if strict else ("≥" if ok else "<")
    calc.step(f"{label}：{shown(actual)} {sign} {shown(minimum)}", "符合" if ok else "不符合")
    return ok


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
    calc: Calculation,
    tool: str,
    clause_id: str,
    model: BaseModel,
    quote: str,
    part: Part | None,
    failures: list[str],
    notes: Sequence[str] = (),
    **extra: Any,
) -> SubsidyResult:
    """Assemble a result with its trace; any failed condition makes it ineligible with 0 yuan."""
    eligible = not failures and part is not None
    amount = part.amount if (eligible and part is not None) else Decimal(0)
    steps = part.steps if part is not None else ()
    if eligible and part is not None:
        formula = part.formula
    else:
        formula = "不符合条件：" + "；".join(failures) + " → 0"
        steps = (*steps, Step("不符合条件：" + "；".join(failures), "0"))
    inputs = inputs_of(model)
    return SubsidyResult(
        tool=tool,
        clause_id=clause_id,
        doc_id=calc.doc_id,
        trace=calc.trace(inputs, steps),
        inputs=inputs,
        eligible=eligible,
        failed_conditions=list(failures),
        max_subsidy_yuan=amount,
        formula=formula,
        caps_applied=list(part.caps) if (eligible and part is not None) else [],
        clause_quote=quote,
        notes=[*notes, CEILING_NOTE],
        **extra,
    )
