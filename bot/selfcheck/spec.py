"""A pack's selfcheck.yaml: the enterprise facts asked once, how each fact fills calculator inputs, every
measure with the clause words saying who may claim it, and how repeated items of one measure combine —
validated against the pack at load (Chinese errors naming the file and the field).

A pack without the file still takes part: its calculators and the vocabulary's rules without a calculator
become measures quoting their clause, with no facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.packs.corpus import Clause, PackError
from bot.packs.loader import Pack

_SPACE = re.compile(r"\s+")
FactKind = Literal["bool", "choice", "date", "year", "text"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuoteRef(_Strict):
    """Words of one clause, verbatim."""

    clause: str
    quote: str


class CombiningSpec(QuoteRef):
    """The clause on combining measures, and the reading the self-check applies (shown in its notes)."""

    reading: str = ""


class FactSpec(_Strict):
    """A general fact of the enterprise, asked once, and the calculator inputs it fills."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    kind: FactKind
    choices: list[str] = Field(default_factory=list)
    inputs: list[str] = Field(default_factory=list)
    values: dict[str, dict[str, Any]] = Field(default_factory=dict)
    unmet: Literal["applicability"] | None = None
    unmet_values: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _choices_known(self) -> FactSpec:
        unknown = [v for v in [*self.values, *self.unmet_values] if v not in self.choices]
        if unknown:
            raise ValueError(f"取值“{'、'.join(unknown)}”不在 choices 中")
        if self.kind == "choice" and not self.choices:
            raise ValueError("choice 须列出 choices")
        return self


class SharedCap(_Strict):
    """One input whose total over a measure's repeated items is capped by a parameter of the pack."""

    field: str
    parameter: str


class MeasureSpec(_Strict):
    """One measure: a calculator (tool), or a clause part that sets no amount (clause and title)."""

    tool: str | None = None
    clause: str | None = None
    title: str | None = None
    quote: str
    repeat: Literal["merge", "separate"] = "merge"
    shared_cap: SharedCap | None = None
    in_total: bool = True
    note: str | None = None

    @model_validator(mode="after")
    def _tool_or_clause(self) -> MeasureSpec:
        if self.tool is None and not (self.clause and self.title):
            raise ValueError("没有 tool 的措施须写明 clause 和 title")
        if self.shared_cap is not None and self.repeat != "separate":
            raise ValueError("shared_cap 只用于 repeat: separate")
        return self


class SelfCheckSpec(_Strict):
    applicability: QuoteRef | None = None
    effective: QuoteRef | None = None
    combining: CombiningSpec | None = None
    facts: list[FactSpec] = Field(default_factory=list)
    measures: list[MeasureSpec] = Field(default_factory=list)
    overlaps: list[list[str]] = Field(default_factory=list)


@dataclass(frozen=True)
class PackSelfCheck:
    """A pack with its validated self-check spec."""

    pack: Pack
    spec: SelfCheckSpec

    def quote_ref(self, name: str) -> QuoteRef | None:
        return getattr(self.spec, name)  # type: ignore[no-any-return]


def squash(text: str) -> str:
    return _SPACE.sub("", text)


def default_spec(pack: Pack) -> SelfCheckSpec:
    """Measures of a pack without selfcheck.yaml: its calculators, then its rules without one, by clause."""
    measures = [MeasureSpec(tool=c.name, quote=_clause_body(pack, c.clause_id)) for c in pack.calculators]
    rules = pack.vocabulary.rules if pack.vocabulary else []
    for clause_id in dict.fromkeys(r.clause for r in rules if not r.tool):
        clause = pack.document.clause(clause_id)
        if clause is not None:
            measures.append(
                MeasureSpec(clause=clause.id, title=clause.title, quote=_clause_body(pack, clause.id))
            )
    order = {c.id: i for i, c in enumerate(pack.document.clauses)}
    by_calc = {c.name: c.clause_id for c in pack.calculators}
    measures.sort(key=lambda m: order.get(m.clause or by_calc.get(m.tool or "", ""), 0))
    return SelfCheckSpec(measures=measures)


def _clause_body(pack: Pack, clause_id: str) -> str:
    from bot.compose.answer import body_of

    clause = pack.document.clause(clause_id)
    return body_of(clause) if clause else ""


def load_selfcheck(pack: Pack) -> PackSelfCheck:
    """The pack's selfcheck.yaml validated against its clauses and calculators, else the default spec."""
    path = pack.file("selfcheck_file", "selfcheck.yaml")
    if path is None:
        return PackSelfCheck(pack, default_spec(pack))
    spec = _parse(path)
    problems = check_spec(spec, pack)
    if problems:
        raise PackError(f"{path} 有误：" + "；".join(problems[:6]))
    return PackSelfCheck(pack, spec)


def check_folder(folder: Path) -> list[str]:
    """The problems of a pack folder's selfcheck.yaml, for `policybot pack check` ([] without the file)."""
    from bot.packs.loader import load_pack

    try:
        pack = load_pack(folder)
    except PackError:
        return []  # the document, points and vocabulary checks report why
    path = pack.file("selfcheck_file", "selfcheck.yaml")
    if path is None:
        return []
    try:
        spec = _parse(path)
    except PackError as exc:
        return [str(exc)]
    return [f"{path} {p}" for p in check_spec(spec, pack)]


def _parse(path: Path) -> SelfCheckSpec:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"{path} 不是合法的 YAML（{exc}）") from None
    try:
        return SelfCheckSpec.model_validate(data or {})
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}：{e['msg']}" for e in exc.errors()[:6]]
        raise PackError(f"{path} 有误：" + "；".join(problems)) from None


def check_spec(spec: SelfCheckSpec, pack: Pack) -> list[str]:
    """Every clause exists and every quote is in it; every tool, input and parameter named exists."""
    problems = [*_check_quotes(spec, pack), *_check_tools(spec, pack)]
    fields = {name for c in pack.calculators for name in c.input_model.model_fields}
    for fact in spec.facts:
        named = [*fact.inputs, *(k for v in fact.values.values() for k in v)]
        problems += [f"facts.{fact.name}：计算器没有参数“{n}”" for n in named if n not in fields]
    return problems


def _check_quotes(spec: SelfCheckSpec, pack: Pack) -> list[str]:
    by_calc = {c.name: c.clause_id for c in pack.calculators}
    refs: list[tuple[str, str | None, str]] = [
        (name, ref.clause, ref.quote)
        for name in ("applicability", "effective", "combining")
        if (ref := getattr(spec, name)) is not None
    ]
    refs += [
        (f"measures[{i}]", m.clause or by_calc.get(m.tool or ""), m.quote)
        for i, m in enumerate(spec.measures)
    ]
    problems = []
    for where, clause_id, quote in refs:
        clause: Clause | None = pack.document.clause(clause_id) if clause_id else None
        if clause is None:
            problems.append(f"{where}：条款“{clause_id}”不存在")
        elif squash(quote) not in squash(clause.text):
            problems.append(f"{where}：“{quote[:30]}”不是条款 {clause.id} 的原文")
    return problems


def _check_tools(spec: SelfCheckSpec, pack: Pack) -> list[str]:
    calcs = {c.name: c for c in pack.calculators}
    tools = [m.tool for m in spec.measures if m.tool]
    problems = [f"measures：计算器“{t}”重复" for t in sorted({t for t in tools if tools.count(t) > 1})]
    problems += [f"measures：计算器“{t}”不属于本政策包" for t in tools if t not in calcs]
    for m in spec.measures:
        if m.tool in calcs and m.shared_cap is not None:
            problems += _check_shared_cap(pack, calcs[m.tool], m.shared_cap)
    for group in spec.overlaps:
        for ref in group:
            tool, _, field = ref.partition(".")
            if tool not in calcs or field not in calcs[tool].input_model.model_fields:
                problems.append(f"overlaps：“{ref}”不是本政策包计算器的参数")
    return problems


def _check_shared_cap(pack: Pack, calc: Any, cap: SharedCap) -> list[str]:
    from calculators.params import UnknownParameterError, parameters_for

    problems = []
    if cap.field not in calc.input_model.model_fields:
        problems.append(f"measures（{calc.name}）.shared_cap：计算器没有参数“{cap.field}”")
    try:
        parameters_for(pack.doc_id).parameter(cap.parameter)
    except UnknownParameterError:
        problems.append(f"measures（{calc.name}）.shared_cap：参数“{cap.parameter}”未在参数文件中声明")
    return problems
