"""`policybot calc`: list the calculators or run one from the command line (key=value arguments)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from calculators import CALCULATORS, CalculatorInputError, UnknownCalculatorError, format_wan, run_calculator


def parse_assignments(pairs: list[str]) -> dict[str, Any]:
    """`fees_yuan=1200万 year=2025 fees='["1000万","200万"]'` → dict; JSON values are decoded."""
    args: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise CalculatorInputError(
                [{"field": pair, "message": "应写成 参数名=取值，如 fees_yuan=1200万"}]
            )
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw  # "1200万" and other plain text go to the money parser as strings
        if isinstance(value, float):
            value = raw  # keep decimals exact: the input models read "3.1" as Decimal
        args[key.strip()] = value
    return args


def _list(as_json: bool) -> int:
    if as_json:
        rows = [{"name": c.name, "title": c.title, "clause_id": c.clause_id, "description": c.description}
                for c in CALCULATORS]  # fmt: skip
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return 0
    for calc in CALCULATORS:
        fields = "、".join(calc.input_model.model_fields)
        print(f"{calc.name}（{calc.clause_id} {calc.title}）：{calc.description}\n    参数：{fields or '无'}")
    return 0


def cmd_calc(args: argparse.Namespace, settings: object) -> int:
    """Run one calculator and print its result (Chinese text, or one JSON line with --json)."""
    if not args.name:
        return _list(args.json)
    try:
        result = run_calculator(args.name, parse_assignments(args.assignments))
    except (CalculatorInputError, UnknownCalculatorError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        return 0
    verdict = "符合条件" if result.eligible else "不符合条件：" + "；".join(result.failed_conditions)
    print(f"【{result.clause_id}】{args.name}：{verdict}")
    print(f"最高补贴：{format_wan(result.max_subsidy_yuan)}（{result.max_subsidy_yuan} 元）")
    print(f"算式：{result.formula}")
    if result.chosen_rule:
        print(f"选用：{result.chosen_rule}")
    print(f"政策原文：{result.clause_quote}")
    for note in result.notes:
        print(f"· {note}")
    return 0


def add_calc_commands(sub: Any) -> None:
    """Register `policybot calc` on the main parser's subparsers."""
    p = sub.add_parser("calc", help="补贴测算：policybot calc 计算器名 参数=取值 …；不带名称时列出全部计算器")
    p.add_argument("name", nargs="?", default=None, help="计算器名，如 first_tapeout_subsidy")
    p.add_argument(
        "assignments", nargs="*", help='参数=取值，如 fees_yuan=1200万；列表写成 JSON：\'["1000万","200万"]\''
    )
    p.add_argument("--json", action="store_true", help="输出一行 JSON")
    p.set_defaults(handler=cmd_calc)


def doctor_section(settings: object) -> dict[str, object]:
    """Lines for `policybot doctor`: calculators and parameters, and how recent each published series is."""
    from calculators import BUILTIN_PACKS
    from calculators.params import parameters_for

    count = 0
    checked: dict[str, str] = {}
    for doc_id in BUILTIN_PACKS:
        params = parameters_for(doc_id).parameters
        count += len(params)
        for param in params.values():
            if param.known_valid_through is not None:
                checked[f"{doc_id}/{param.name}"] = (
                    f"{len(param.values)} 期，最新 {param.values[-1].since}，核对至 {param.known_valid_through}"
                )
    return {"calculators": len(CALCULATORS), "parameters": count, "published_series": checked}
