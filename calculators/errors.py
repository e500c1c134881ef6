"""Errors raised by the calculator registry; messages are Chinese and name the field."""

from __future__ import annotations

import re
from typing import Any

_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不是该计算器的参数",
    "bool_type": "应为“是/否”（true/false）",
    "bool_parsing": "应为“是/否”（true/false）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "decimal_type": "应为数字或金额",
    "decimal_parsing": "应为数字或金额",
    "finite_number": "必须是有限数值",
    "too_short": "至少需要一项",
    "too_long": "项目过多",
    "list_type": "应为列表",
    "date_type": "应为日期，如 2024-07-01",
    "date_parsing": "应为日期，如 2024-07-01",
    "date_from_datetime_parsing": "应为日期，如 2024-07-01",
    "string_type": "应为文字",
    "model_type": "格式不对",
    "dict_type": "格式不对",
}


class CalculatorInputError(ValueError):
    """Arguments a calculator cannot use; `.errors` lists {"field", "message"} in Chinese."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("；".join(f"参数“{e['field']}”{e['message']}" for e in errors) or "参数有误")


class UnknownCalculatorError(KeyError):
    """No calculator with that name."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.message = f"没有名为“{name}”的计算器。可用：{'、'.join(known)}"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def _number(value: object) -> str:
    # pydantic hands Decimal bounds over as their repr ("Decimal('1000000000000')"); show the number.
    text = re.sub(r"^Decimal\('(.*)'\)$", r"\1", str(value))
    return text[:-2] if text.endswith(".0") else text


def translate_error(error: Any, labels: dict[str, str]) -> dict[str, str]:
    """One pydantic error as {"field", "message"}, in Chinese, naming the field by its description."""
    loc = [str(part) for part in error.get("loc", ())]
    field = ".".join(loc) or "参数"
    label = labels.get(loc[0], "") if loc else ""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than"):
        message = f"不能小于{_number(ctx.get('ge', ctx.get('gt')))}"
    elif kind in ("less_than_equal", "less_than"):
        message = f"不能大于{_number(ctx.get('le', ctx.get('lt')))}"
    elif kind == "value_error":
        message = str(ctx.get("error", error.get("msg", ""))).removeprefix("Value error, ")
    elif kind == "literal_error":
        message = f"应为以下之一：{str(ctx.get('expected', '')).replace(' or ', ', ')}"
    else:
        message = _MESSAGES.get(kind, str(error.get("msg", "取值有误")))
    if label:
        message = f"（{re.split(r'[（：，(]', label)[0]}）{message}"
    return {"field": field, "message": message}
