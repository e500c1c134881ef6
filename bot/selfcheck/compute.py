"""One measure over the items entered for it: repeated items merged before the annual caps (or computed one
by one, sharing a cap where the rule sets one), and the measure's status and reason in the clause's words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bot.selfcheck.catalogue import Measure
from bot.selfcheck.request import Entered, SelfCheckError

ELIGIBLE, NOT_ELIGIBLE, NEEDS_INFO, NO_AMOUNT = "eligible", "not_eligible", "needs_info", "no_amount"


@dataclass
class Outcome:
    """What the self-check says about one measure."""

    measure: Measure
    status: str
    reason: str
    amount: Decimal | None = None
    results: list[Any] = field(default_factory=list)  # calculators.SubsidyResult
    items: list[int] = field(default_factory=list)  # indexes of the request items counted here
    excluded: list[int] = field(default_factory=list)  # items left out: the same expenditure counts elsewhere
    notes: list[str] = field(default_factory=list)

    @property
    def counted(self) -> Decimal:
        """What this measure adds to the enterprise's total."""
        if self.status != ELIGIBLE or self.amount is None or not self.measure.spec.in_total:
            return Decimal(0)
        return self.amount


def _run(measure: Measure, model: Any) -> Any:
    from calculators.errors import CalculatorInputError

    try:
        return measure.calculator.func(model)
    except CalculatorInputError as exc:
        raise SelfCheckError(
            [
                {"field": e.get("field", ""), "message": f"{measure.title}：{e.get('message', '')}"}
                for e in exc.errors
            ]
        ) from None


def _kinds(measure: Measure) -> dict[str, str]:
    return {f.name: f.kind for f in measure.fields}


def merge_models(measure: Measure, models: list[Any]) -> Any:
    """One input model for several items of a measure: lists joined, money added, counts at their least."""
    kinds = _kinds(measure)
    data: dict[str, Any] = {}
    for name in type(models[0]).model_fields:
        values = [getattr(m, name) for m in models if getattr(m, name) is not None]
        if not values:
            data[name] = None
        elif isinstance(values[0], list):
            data[name] = [v for vs in values for v in vs]
        elif kinds.get(name) == "money":
            data[name] = sum(values, Decimal(0))
        elif isinstance(values[0], int) and not isinstance(values[0], bool):
            data[name] = min(values)
        else:
            data[name] = values[0]
    return measure.calculator.input_model.model_validate(data)


def _group_key(measure: Measure, model: Any) -> tuple[str, ...]:
    """Items that may be added up: the same conditions (yes/no, choices, counts), whatever the amounts."""
    kinds = _kinds(measure)
    return tuple(
        repr(getattr(model, n))
        for n in type(model).model_fields
        if kinds.get(n) not in ("money", "money_list", "items")
    )


def merged_results(measure: Measure, models: list[Any]) -> tuple[list[Any], list[str]]:
    """Items with the same conditions added up first; the eligible groups then added up under one cap."""
    groups: dict[tuple[str, ...], list[Any]] = {}
    for model in models:
        groups.setdefault(_group_key(measure, model), []).append(model)
    results = [_run(measure, merge_models(measure, g)) for g in groups.values()]
    eligible = [r for r, g in zip(results, groups.values(), strict=True) if r.eligible]
    if len(eligible) < 2:
        return results, []
    passing = [m for g, r in zip(groups.values(), results, strict=True) if r.eligible for m in g]
    combined = _run(measure, merge_models(measure, passing))
    others = [r for r in results if not r.eligible]
    note = "同一措施填了多项：符合条件的各项先合计，再适用本条的年度上限。"
    if combined.eligible:
        return [combined, *others], [note]
    best = max(eligible, key=lambda r: r.max_subsidy_yuan)  # never more than one group alone could get
    return [best, *others], ["各项条件不同，合计后无法判断，只按补贴最高的一组计。"]


def separate_results(measure: Measure, models: list[Any]) -> tuple[list[Any], list[str]]:
    """Each item on its own (each loan, each award); a shared cap allocated to the best-yielding first."""
    results = [_run(measure, m) for m in models]
    cap = measure.spec.shared_cap
    if cap is None or len(models) < 2:
        return results, []
    from calculators.params import parameters_for

    limit = parameters_for(measure.pack.doc_id).value(cap.parameter, date.today()).value
    values = [getattr(m, cap.field) or Decimal(0) for m in models]
    counted = [r.eligible for r in results]
    if sum((v for v, ok in zip(values, counted, strict=True) if ok), Decimal(0)) <= limit:
        return results, []
    return _allocate(measure, models, results, limit)


def _allocate(
    measure: Measure, models: list[Any], results: list[Any], limit: Decimal
) -> tuple[list[Any], list[str]]:
    cap = measure.spec.shared_cap
    assert cap is not None
    yields = []
    for i, (model, res) in enumerate(zip(models, results, strict=True)):
        base = min(getattr(model, cap.field), limit)
        yields.append((res.max_subsidy_yuan / base if res.eligible and base else Decimal(0), i))
    remaining, out = limit, list(results)
    for _, i in sorted(yields, key=lambda y: (-y[0], y[1])):
        if not results[i].eligible:
            continue
        share = min(getattr(models[i], cap.field), remaining)
        remaining -= share
        out[i] = _run(measure, models[i].model_copy(update={cap.field: share}))
    note = (
        f"多项合计超过本条共用的上限（{_wan(limit)}）：按从优原则，先计入每元补贴较高的一项，"
        "其余各项只计上限剩余的部分。"
    )
    return out, [note]


def _wan(value: Decimal) -> str:
    from calculators.money import format_wan

    return format_wan(value)


def quoted(text: str) -> str:
    """Clause words in quotation marks, inner quotation marks turned into single ones."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def no_amount(measure: Measure) -> Outcome:
    quote = quoted(measure.spec.quote)
    return Outcome(measure, NO_AMOUNT, f"政策未规定具体金额：{quote}。请向责任单位咨询申报方式。")


def needs_info(measure: Measure, entered: list[Entered], filled: frozenset[str] = frozenset()) -> Outcome:
    """Nothing computable was entered: what is still needed, and the clause's words on who may claim."""
    asked = [f for f in measure.fields if f.name not in filled]
    wanted = [m for e in entered for m in e.missing] or [f.label for f in asked if f.required]
    if not wanted:
        wanted = [f.label for f in asked if f.kind in ("money", "money_list")][:2]
    needed = "；".join(dict.fromkeys(_short(w) for w in wanted))
    ask = f"尚需填写：{needed}" if needed else "尚未填写：符合条件的，请添加一项"
    reason = f"{ask}。申报条件：{quoted(measure.spec.quote)}"
    return Outcome(measure, NEEDS_INFO, reason, items=[e.index for e in entered])


def _short(label: str) -> str:
    return label.split("（元")[0].rstrip("，,；;")


def computed(measure: Measure, entered: list[Entered]) -> Outcome:
    """The measure over its computable items: eligible with the ceiling, or the conditions not met."""
    ready = [e for e in entered if e.model is not None]
    if not ready:
        return needs_info(measure, entered)
    models = [e.model for e in ready]
    combine = separate_results if measure.spec.repeat == "separate" else merged_results
    results, notes = combine(measure, models)
    notes += _side_notes(measure, entered, results)
    amount = sum((r.max_subsidy_yuan for r in results if r.eligible), Decimal(0))
    out = Outcome(measure, ELIGIBLE, "", amount, results, items=[e.index for e in entered], notes=notes)
    if amount > 0:
        out.reason = f"按满足条件测算（以评审、认定为准）：{quoted(measure.spec.quote)}"
        return out
    unmet = list(dict.fromkeys(c for r in results for c in r.failed_conditions))
    out.status, out.amount = NOT_ELIGIBLE, None
    out.reason = "未满足：" + "；".join(unmet) if unmet else "按所填金额测算，补贴上限为 0。"
    return out


def _side_notes(measure: Measure, entered: list[Entered], results: list[Any]) -> list[str]:
    """Items left out for missing inputs, groups that do not qualify, and the measure's own note."""
    notes = []
    incomplete = [m for e in entered if e.model is None for m in e.missing]
    if incomplete:
        count = sum(e.model is None for e in entered)
        notes.append(f"另有 {count} 项缺少：{'；'.join(_short(m) for m in incomplete)}，未计入。")
    unmet = [r for r in results if not r.eligible]
    if unmet and len(unmet) < len(results):
        failures = "；".join(dict.fromkeys(c for r in unmet for c in r.failed_conditions))
        notes.append(f"另有 {len(unmet)} 组不符合条件，未计入（未满足：{failures}）。")
    if measure.spec.note:
        notes.append(measure.spec.note)
    return notes
