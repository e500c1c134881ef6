"""Every measure of every loaded, non-repealed pack, the facts they ask once, and how facts fill inputs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bot.packs.corpus import Clause, PackError
from bot.packs.loader import Pack, Packs
from bot.selfcheck.fields import FieldInfo, input_fields
from bot.selfcheck.spec import FactSpec, MeasureSpec, PackSelfCheck, QuoteRef, load_selfcheck


@dataclass(frozen=True)
class Measure:
    """One measure: a calculator of a pack, or a clause part that sets no amount."""

    key: str
    check: PackSelfCheck
    clause: Clause
    spec: MeasureSpec
    calculator: Any = None

    @property
    def pack(self) -> Pack:
        return self.check.pack

    @property
    def tool(self) -> str | None:
        return self.calculator.name if self.calculator is not None else None

    @property
    def title(self) -> str:
        return str(self.calculator.title if self.calculator is not None else self.spec.title)

    @cached_property
    def fields(self) -> list[FieldInfo]:
        return input_fields(self.calculator.input_model) if self.calculator is not None else []

    @cached_property
    def field_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    def label(self) -> str:
        """How the report names the clause: 第3条（加大流片支持）."""
        return self.pack.document.label(self.clause, "cite")


def _measures_of(check: PackSelfCheck) -> list[Measure]:
    pack = check.pack
    calcs = {c.name: c for c in pack.calculators}
    specs = list(check.spec.measures)
    listed = {m.tool for m in specs if m.tool}
    # A calculator the spec does not list still appears, quoting its clause.
    specs += [m for m in _default_measures(check) if m.tool and m.tool not in listed]
    out = []
    for i, spec in enumerate(specs):
        calc = calcs.get(spec.tool) if spec.tool else None
        clause_id = calc.clause_id if calc is not None else spec.clause
        clause = pack.document.clause(str(clause_id))
        if clause is None:
            raise PackError(
                f"{pack.folder}：政策体检措施“{spec.tool or spec.title}”的条款“{clause_id}”不存在"
            )
        key = f"{pack.doc_id}:{spec.tool or f'{clause.id}#{i}'}"
        out.append(Measure(key, check, clause, spec, calc))
    return out


def _default_measures(check: PackSelfCheck) -> list[MeasureSpec]:
    from bot.selfcheck.spec import default_spec

    return default_spec(check.pack).measures


def _merge_facts(checks: list[PackSelfCheck]) -> dict[str, FactSpec]:
    facts: dict[str, FactSpec] = {}
    for check in checks:
        for fact in check.spec.facts:
            known = facts.get(fact.name)
            if known is not None and (known.kind, known.choices) != (fact.kind, fact.choices):
                raise PackError(f"{check.pack.folder}：基本情况“{fact.name}”与其他政策包的类型或取值不一致")
            facts.setdefault(fact.name, fact)
    return facts


class Catalogue:
    """The self-check's view of the loaded packs: measures in pack order, facts by name."""

    def __init__(self, packs: Packs) -> None:
        self.packs = packs
        self.checks = [load_selfcheck(p) for p in packs.packs if packs.repeal_of(p.doc_id) is None]
        self.measures: list[Measure] = [m for c in self.checks for m in _measures_of(c)]
        self.facts = _merge_facts(self.checks)
        self._by_tool = {m.tool: m for m in self.measures if m.tool}

    def measure_for_tool(self, tool: str) -> Measure | None:
        return self._by_tool.get(tool)

    @property
    def tools(self) -> list[str]:
        return list(self._by_tool)

    def derived_inputs(self, measure: Measure, facts: dict[str, Any]) -> dict[str, Any]:
        """The inputs the enterprise's facts fill for this measure (its own pack's mappings only)."""
        out: dict[str, Any] = {}
        for fact in measure.check.spec.facts:
            value = facts.get(fact.name)
            if value is None:
                continue
            for name in fact.inputs:
                out[name] = value
            out.update(fact.values.get(str(value), {}))
        return {k: v for k, v in out.items() if k in measure.field_names}

    def hidden_fields(self, measure: Measure) -> set[str]:
        """Inputs the facts fill, so the form does not ask them again for each measure."""
        names: set[str] = set()
        for fact in measure.check.spec.facts:
            names.update(fact.inputs)
            names.update(k for v in fact.values.values() for k in v)
        return names & measure.field_names

    def unmet(self, check: PackSelfCheck, facts: dict[str, Any]) -> tuple[QuoteRef, str] | None:
        """The pack's applicability a fact rules out (not in the zone, another industry), and that fact."""
        for fact in check.spec.facts:
            value = facts.get(fact.name)
            ruled_out = value is False if fact.kind == "bool" else value in fact.unmet_values
            ref = check.quote_ref(fact.unmet) if fact.unmet else None
            if ref is not None and value is not None and ruled_out:
                return ref, fact.name
        return None
