"""Calculator panel: a form per calculator generated from its input model, the result, and the curve."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from ui.chart import choose_range, overall_top, sample, wan
from ui.chart_svg import chart_block

CEILING = "以上金额为政策规定的补贴上限（“不超过/最高”），实际金额以主管部门评审、认定结果为准。"


@dataclass(frozen=True)
class FieldSpec:
    """One form field derived from the calculator's JSON schema."""

    name: str
    label: str
    kind: str  # money | money_list | bool | tristate | choice | integer | number | json | text
    required: bool
    default: Any = None
    choices: tuple[Any, ...] = ()


def _kind(prop: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    options = [p for p in prop.get("anyOf", []) if p.get("type") != "null"] or [prop]
    if prop.get("unit") == "元" or any(o.get("unit") == "元" for o in options):
        return "money", ()
    first = options[0]
    if "enum" in first or "const" in first:
        return "choice", tuple(first.get("enum", [first.get("const")]))
    kind = first.get("type")
    if kind == "array":
        items = first.get("items", {})
        money = items.get("unit") == "元" or any(o.get("unit") == "元" for o in items.get("anyOf", []))
        return ("money_list" if money else "json"), ()
    if kind == "boolean":
        # A yes/no the user may leave open (default null) must not be sent as "no".
        return ("bool" if prop.get("default") is not None else "tristate"), ()
    if kind in ("integer", "number"):
        return kind, ()
    return "text", ()


def field_specs(input_model: Any) -> list[FieldSpec]:
    """Form fields in declaration order, labelled with each field's Chinese description."""
    schema = input_model.model_json_schema()
    required = set(schema.get("required", []))
    specs = []
    for name, prop in schema.get("properties", {}).items():
        if "$ref" in prop or "allOf" in prop:  # an enum defined in $defs
            ref = (prop.get("$ref") or prop["allOf"][0]["$ref"]).split("/")[-1]
            prop = {**schema.get("$defs", {}).get(ref, {}), **{k: v for k, v in prop.items() if k != "$ref"}}
        kind, choices = _kind(prop)
        label = prop.get("description") or prop.get("title") or name
        specs.append(FieldSpec(name, label, kind, name in required, prop.get("default"), choices))
    return specs


TRISTATE = [("不确定", ""), ("是", "true"), ("否", "false")]


def collect_args(specs: list[FieldSpec], values: list[Any]) -> dict[str, Any]:
    """Form values → calculator arguments; empty optional fields are left out so defaults apply."""
    args: dict[str, Any] = {}
    for spec, value in zip(specs, values, strict=True):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if spec.kind == "integer" and isinstance(value, float) and value.is_integer():
            value = int(value)
        if spec.kind == "json" and isinstance(value, str):
            value = _json_or_text(value)
        args[spec.name] = value.strip() if isinstance(value, str) else value
    return args


def _json_or_text(text: str) -> Any:
    # Unparseable text is passed on as is: the calculator's validation names the field in Chinese.
    try:
        return json.loads(text)
    except ValueError:
        return text


def spend_field(specs: list[FieldSpec]) -> FieldSpec | None:
    """The amount the curve varies: the first money field (a list field is varied as one amount)."""
    return next((s for s in specs if s.kind in ("money", "money_list")), None)


def result_markdown(result: dict[str, Any]) -> str:
    """The ceiling, formula, caps, failed conditions, notes and the verbatim clause, as Markdown."""
    amount = Decimal(str(result.get("max_subsidy_yuan") or "0"))
    if result.get("eligible"):
        lines = [f"### 补贴上限：{wan(amount)}（{amount:,f} 元）"]
    else:
        lines = ["### 按所填情况不符合条件"]
    for cond in result.get("failed_conditions") or []:
        lines.append(f"- 未满足：{cond}")
    lines.append(f"\n**计算方式**：{result.get('formula', '')}")
    caps = result.get("caps_applied") or []
    if caps:
        lines.append("\n**封顶 / 上限**：" + "；".join(caps))
    for note in result.get("notes") or []:
        lines.append(f"- {note}")
    lines.append(f"\n> 条款原文（{result.get('clause_id')}）：{result.get('clause_quote', '')}")
    if not any("上限" in n for n in result.get("notes") or []):
        lines.append(f"\n*{CEILING}*")
    return "\n".join(lines)


def _ceiling(name: str, args: dict[str, Any], field: str, as_list: bool, x: Decimal) -> Decimal | None:
    import calculators

    try:
        res = calculators.run_calculator(name, {**args, field: [x] if as_list else x})
    except ValueError:
        return None
    return res.max_subsidy_yuan if res.eligible else Decimal(0)


def _as_yuan(value: Any) -> Decimal | None:
    """One form money value ("800万", "8000000") in 元; None if unreadable or several amounts."""
    from calculators.money import find_amounts, parse_money

    if value is None:
        return None
    text = str(value).strip().replace(",", "")
    try:
        if text.replace(".", "", 1).isdigit():
            return Decimal(text)
        if len([m for m in find_amounts(text) if m.value is not None]) > 1:
            return None
        return parse_money(text)
    except (ValueError, ArithmeticError):
        return None


def chart_html(name: str, specs: list[FieldSpec], args: dict[str, Any]) -> str:
    """SVG curve of the ceiling against the spend field, the user's own point marked."""
    spend = spend_field(specs)
    if spend is None:
        return "<p>该措施为定额或按条件奖励，不随金额变化，无曲线。</p>"
    run = partial(_ceiling, name, args, spend.name, spend.kind == "money_list")
    mine = _as_yuan(args.get(spend.name))
    curve = sample(run, choose_range(run, mine))
    marker = (mine, run(mine) or Decimal(0)) if mine is not None else None
    title = spend.label.split("（")[0].split("，")[0]
    return chart_block(curve, title, marker, beyond=overall_top(run))


def calculate(name: str, specs: list[FieldSpec], *values: Any) -> tuple[str, str]:
    """Button handler: run the calculator on the form and draw its curve; Chinese errors on bad input."""
    import calculators

    args = collect_args(specs, list(values))
    try:
        result = calculators.run_calculator(name, args)
    except calculators.CalculatorInputError as exc:
        return f"**请检查输入**：{exc}", ""
    return result_markdown(result.to_dict()), chart_html(name, specs, args)


def _component(spec: FieldSpec) -> Any:
    import gradio as gr

    label = spec.label + ("" if spec.required else "（选填）")
    if spec.kind == "bool":
        return gr.Checkbox(label=label, value=bool(spec.default))
    if spec.kind == "tristate":
        return gr.Dropdown(choices=TRISTATE, value="", label=label)
    if spec.kind == "choice":
        return gr.Dropdown(choices=list(spec.choices), value=spec.default, label=label)
    if spec.kind in ("integer", "number"):
        return gr.Number(label=label, value=spec.default, precision=0 if spec.kind == "integer" else None)
    hints = {
        "money": "如 800万、1.2亿 或 8000000",
        "money_list": "如 800万；多笔用逗号分隔：200万，350万",
        "json": '如 [{"level": "国际标准", "role": "主导"}]',
    }
    hint = hints.get(spec.kind, "")
    return gr.Textbox(
        label=label, value=None if spec.default is None else str(spec.default), placeholder=hint
    )


def build_calculator_tab() -> None:
    """Inside a gr.Tab: measure picker, one generated form per calculator, result and chart."""
    import gradio as gr

    import calculators

    calcs = list(calculators.CALCULATORS)
    picker = gr.Dropdown(
        choices=[(f"{c.title}（{c.clause_id}）", c.name) for c in calcs],
        value=calcs[0].name if calcs else None,
        label="选择政策措施",
        elem_id="calc-picker",
    )
    groups, forms = [], []
    for i, calc in enumerate(calcs):
        with gr.Group(visible=i == 0, elem_id=f"calc-form-{calc.name}") as group:
            gr.Markdown(f"**{calc.title}**：{calc.description}")
            specs = field_specs(calc.input_model)
            comps = [_component(s) for s in specs]
            button = gr.Button("测算", variant="primary", elem_id=f"calc-run-{calc.name}")
        groups.append(group)
        forms.append((calc.name, specs, comps, button))
    result = gr.Markdown(elem_id="calc-result")
    chart = gr.HTML(elem_id="calc-chart")
    names = [c.name for c in calcs]
    # Switching measure hides the other forms and clears the previous measure's result.
    picker.change(
        lambda n: [*(gr.update(visible=n == m) for m in names), "", ""],
        inputs=picker,
        outputs=[*groups, result, chart],
    )
    for name, specs, comps, button in forms:
        button.click(partial(calculate, name, specs), inputs=comps, outputs=[result, chart])
