"""The self-check request: general facts once, the year's expenditures as calculator inputs; every problem
reported in Chinese, naming the fact or the item and its field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.selfcheck.catalogue import Catalogue, Measure
from bot.selfcheck.spec import FactSpec

MAX_ITEMS = 60
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?|\s*月?)?")
_TRUE = {"true", "是", "yes", "1", "在", "对"}
_FALSE = {"false", "否", "no", "0", "不在", "不是"}


class SelfCheckError(ValueError):
    """A request the self-check cannot use; `.errors` lists {"field", "message"} in Chinese."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("；".join(e["message"] for e in errors[:5]) or "请求有误")


class ItemIn(BaseModel):
    """One expenditure (or award) of the year, as the inputs of one calculator."""

    model_config = ConfigDict(extra="forbid")

    tool: str = Field(
        ..., min_length=1, max_length=80, description="计算器名称（GET /v1/selfcheck/form 中的 tool）"
    )
    inputs: dict[str, Any] = Field(default_factory=dict, description="该计算器的参数，金额可写“1200万”")
    expense: str | None = Field(
        None,
        max_length=60,
        description="支出名称（选填）：同一笔支出填在几项措施下时写相同名称，按“从高、从优、不重复”只计一次",
    )


class SelfCheckIn(BaseModel):
    """政策体检：企业的基本情况（一次）和当年的各项费用。"""

    model_config = ConfigDict(extra="forbid")

    facts: dict[str, Any] = Field(default_factory=dict, description="基本情况，字段见 GET /v1/selfcheck/form")
    items: list[ItemIn] = Field(default_factory=list, max_length=MAX_ITEMS, description="当年的各项费用")


@dataclass
class Entered:
    """One item the enterprise filled in, validated against its calculator."""

    index: int
    measure: Measure
    model: Any = None  # the calculator's input model, None while required inputs are missing
    missing: list[str] = field(default_factory=list)
    expense: str | None = None


def parse_request(data: Any) -> SelfCheckIn:
    """The request body as a SelfCheckIn; SelfCheckError names the field in Chinese."""
    if not isinstance(data, dict):
        raise SelfCheckError(
            [{"field": "请求体", "message": '请求体应为 JSON 对象：{"facts": {...}, "items": [...]}'}]
        )
    try:
        return SelfCheckIn.model_validate(data)
    except ValidationError as exc:
        raise SelfCheckError([_request_error(e) for e in exc.errors()[:8]]) from None


def _request_error(err: Any) -> dict[str, str]:
    loc = [str(p) for p in err.get("loc", ())]
    where = ".".join(loc) or "请求体"
    if loc[:1] == ["items"] and len(loc) > 1 and loc[1].isdigit():
        where = f"第{int(loc[1]) + 1}项" + (f"的“{loc[2]}”" if len(loc) > 2 else "")
    kind = err.get("type", "")
    text = {
        "missing": "缺少必填字段",
        "extra_forbidden": "不支持该字段（每项只有 tool、inputs、expense）",
        "too_long": f"：费用项过多（最多 {MAX_ITEMS} 项），请分几次体检" if loc == ["items"] else "过长",
        "string_too_long": "过长",
        "string_too_short": "不能为空",
        "dict_type": "应为对象",
        "list_type": "应为数组",
        "string_type": "应为文字",
        "model_type": "应为对象",
    }.get(kind, "取值无效")
    return {"field": ".".join(loc), "message": f"{where}{text}"}


def parse_facts(catalogue: Catalogue, raw: dict[str, Any]) -> dict[str, Any]:
    """Each fact checked against its spec: 是/否, one of the choices, a date, a year, short text."""
    errors, facts = [], {}
    for name, value in raw.items():
        spec = catalogue.facts.get(name)
        if spec is None:
            known = "、".join(f"{f.name}（{f.label}）" for f in catalogue.facts.values())
            errors.append(
                {"field": f"facts.{name}", "message": f"不支持的基本情况“{name[:40]}”；可填：{known}"}
            )
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            facts[name] = _fact_value(spec, value)
        except ValueError as exc:
            errors.append({"field": f"facts.{name}", "message": f"基本情况“{spec.label}”{exc}"})
    if errors:
        raise SelfCheckError(errors)
    return facts


def _fact_value(spec: FactSpec, value: Any) -> Any:
    if spec.kind == "bool":
        return _bool(value)
    if spec.kind == "choice":
        if str(value) not in spec.choices:
            raise ValueError(f"应为以下之一：{'、'.join(spec.choices)}")
        return str(value)
    if spec.kind == "date":
        return _date(value)
    if spec.kind == "year":
        return _year(value)
    text = str(value).strip()
    if len(text) > 100:
        raise ValueError("过长（最多 100 字）")
    return text


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("应为“是”或“否”")


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    match = _DATE.fullmatch(str(value).strip())
    if match is None:
        raise ValueError("应为日期，如 2023-03-01（只写到月份时按当月 1 日）")
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{value}”不存在") from None


def _year(value: Any) -> int:
    text = str(value).strip().removesuffix("年")
    if isinstance(value, bool) or not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise ValueError("应为 2000 至 2100 之间的年份，如 2025")
    return int(text)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def enter_items(catalogue: Catalogue, items: list[ItemIn], facts: dict[str, Any]) -> list[Entered]:
    """Each item validated by its calculator's input model, the facts filling what the item leaves out."""
    errors: list[dict[str, str]] = []
    out: list[Entered] = []
    for index, item in enumerate(items):
        measure = catalogue.measure_for_tool(item.tool)
        if measure is None:
            known = "、".join(catalogue.tools)
            errors.append(
                {
                    "field": f"items.{index}.tool",
                    "message": f"第{index + 1}项：没有名为“{item.tool[:60]}”的测算器；可用：{known}",
                }
            )
            continue
        given = {k: v for k, v in item.inputs.items() if not _blank(v)}
        args = {**catalogue.derived_inputs(measure, facts), **given}
        entered, problems = _validate(index, measure, args)
        entered.expense = (item.expense or "").strip() or None
        errors += problems
        out.append(entered)
    if errors:
        raise SelfCheckError(errors)
    return out


def _validate(index: int, measure: Measure, args: dict[str, Any]) -> tuple[Entered, list[dict[str, str]]]:
    from calculators.errors import translate_error

    model_cls = measure.calculator.input_model
    where = f"第{index + 1}项（{measure.title}）"
    unknown = [k for k in args if k not in model_cls.model_fields]
    if unknown:
        known = "、".join(f.name for f in measure.fields)
        return Entered(index, measure), [
            {
                "field": f"items.{index}.inputs.{k}",
                "message": f"{where}：“{k[:40]}”不是该计算器的参数（可填：{known}）",
            }
            for k in unknown
        ]
    missing = [f.label for f in measure.fields if f.required and _blank(args.get(f.name))]
    if missing:
        return Entered(index, measure, missing=missing), []
    try:
        return Entered(index, measure, model=model_cls.model_validate(args)), []
    except ValidationError as exc:
        labels = {k: f.description or "" for k, f in model_cls.model_fields.items()}
        errors = [translate_error(e, labels) for e in exc.errors()]
    money = [f.name for f in measure.fields if f.kind in ("money", "money_list")]
    if all(not e["field"] or e["field"] == "参数" for e in errors) and all(
        _blank(args.get(m)) for m in money
    ):
        return Entered(index, measure, missing=[e["message"].removeprefix("请") for e in errors]), []
    return Entered(index, measure), [
        {"field": f"items.{index}.inputs.{e['field']}", "message": f"{where}：{e['message']}"} for e in errors
    ]
