"""政策体检: one entry for every measure of every loaded, non-repealed pack, and the enterprise's total after
each rule's annual caps and 从高、从优、不重复."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot.packs.loader import Packs
from bot.selfcheck import compute as C
from bot.selfcheck.catalogue import Catalogue, Measure
from bot.selfcheck.combine import choose, describe_item, overlap_reminders
from bot.selfcheck.request import Entered, SelfCheckError, enter_items, parse_facts, parse_request
from bot.selfcheck.spec import CombiningSpec

STATUSES = (C.ELIGIBLE, C.NOT_ELIGIBLE, C.NEEDS_INFO, C.NO_AMOUNT)


class SelfCheck:
    """The self-check over the loaded packs; `run(request)` returns the JSON-ready result."""

    def __init__(self, packs: Packs) -> None:
        self.packs = packs
        self.catalogue = Catalogue(packs)

    def run(self, data: Any) -> dict[str, Any]:
        facts, entered = self._read(data)
        evaluation = _Evaluation(self.catalogue, facts, entered)
        excluded, choice_notes = choose(
            entered, evaluation.total, describe_item(entered), self._combining_quote()
        )
        outcomes = evaluation.outcomes(excluded)
        notes = self._notes(facts, outcomes, choice_notes)
        notes += overlap_reminders(self.catalogue, entered, excluded)
        from bot.selfcheck.output import result_dict

        return result_dict(self.catalogue, facts, outcomes, excluded, notes)

    def _read(self, data: Any) -> tuple[dict[str, Any], list[Entered]]:
        """The facts and the items, every problem of both reported at once."""
        request = parse_request(data)
        errors: list[dict[str, str]] = []
        facts: dict[str, Any] = {}
        try:
            facts = parse_facts(self.catalogue, request.facts)
        except SelfCheckError as exc:
            errors += exc.errors
        try:
            entered = enter_items(self.catalogue, request.items, facts)
        except SelfCheckError as exc:
            errors += exc.errors
        if errors:
            raise SelfCheckError(errors)
        return facts, entered

    def _combining_quote(self) -> str:
        combining = self._combining()
        return combining.quote if combining is not None else "从高、从优、不重复"

    def _combining(self) -> CombiningSpec | None:
        return next((c.spec.combining for c in self.catalogue.checks if c.spec.combining is not None), None)

    def _notes(self, facts: dict[str, Any], outcomes: list[C.Outcome], choices: list[str]) -> list[str]:
        from calculators.base import CEILING_NOTE

        notes = [CEILING_NOTE, "合计已按各条的年度上限封顶：同一措施填了多项的，先合计再封顶。"]
        combining = self._combining()
        if combining is not None:
            notes.append(
                f"{self._clause_name(combining.clause)}：{C.quoted(combining.quote)}。{combining.reading}"
            )
        notes += choices
        notes += [
            str(o.measure.spec.note)
            for o in outcomes
            if o.status == C.ELIGIBLE and not o.measure.spec.in_total and o.measure.spec.note
        ]
        unanswered = [f.label for f in self.catalogue.facts.values() if f.unmet and f.name not in facts]
        if unanswered:
            notes.append(f"未填写“{'”“'.join(unanswered)}”，按符合适用范围测算。")
        return list(dict.fromkeys(notes))

    def _clause_name(self, clause_id: str) -> str:
        for check in self.catalogue.checks:
            clause = check.pack.document.clause(clause_id)
            if clause is not None:
                return check.pack.document.label(clause)
        return clause_id


class _Evaluation:
    """Outcomes of every measure for a given set of left-out items, computed once per measure and items."""

    def __init__(self, catalogue: Catalogue, facts: dict[str, Any], entered: list[Entered]) -> None:
        self.catalogue = catalogue
        self.facts = facts
        self.entered = entered
        self._cache: dict[tuple[str, tuple[int, ...]], C.Outcome] = {}

    def total(self, excluded: frozenset[int]) -> Decimal:
        return sum((o.counted for o in self.outcomes(excluded)), Decimal(0))

    def outcomes(self, excluded: frozenset[int]) -> list[C.Outcome]:
        return [self._outcome(m, excluded) for m in self.catalogue.measures]

    def _outcome(self, measure: Measure, excluded: frozenset[int]) -> C.Outcome:
        mine = [e for e in self.entered if e.measure.key == measure.key]
        kept = [e for e in mine if e.index not in excluded]
        key = (measure.key, tuple(e.index for e in kept))
        if key not in self._cache:
            outcome = self._decide(measure, kept, dropped=len(kept) < len(mine))
            outcome.excluded = [e.index for e in mine if e.index in excluded]
            self._cache[key] = outcome
        return self._cache[key]

    def _decide(self, measure: Measure, kept: list[Entered], dropped: bool) -> C.Outcome:
        ruled_out = self._ruled_out(measure)
        if ruled_out is not None:
            return C.Outcome(measure, C.NOT_ELIGIBLE, ruled_out, items=[e.index for e in kept])
        if measure.calculator is None:
            return C.no_amount(measure)
        if not kept and dropped:
            quote = (
                measure.check.spec.combining.quote if measure.check.spec.combining else "从高、从优、不重复"
            )
            return C.Outcome(measure, C.NOT_ELIGIBLE, f"同一笔支出已计入补贴更高的措施：{C.quoted(quote)}")
        if not kept:
            return C.needs_info(measure, [], frozenset(self.catalogue.derived_inputs(measure, self.facts)))
        return C.computed(measure, kept)

    def _ruled_out(self, measure: Measure) -> str | None:
        """Why no measure of this pack applies to the enterprise (outside the zone, before the policy)."""
        unmet = self.catalogue.unmet(measure.check, self.facts)
        if unmet is not None:
            ref, fact = unmet
            shown = self.catalogue.facts[fact].label.split("（")[0]
            return f"不在适用范围（{shown}：{_shown(self.facts[fact])}）：{C.quoted(ref.quote)}"
        effective = measure.check.spec.effective
        start = measure.pack.document.meta.get("effective_date")
        year = next((self.facts.get(f.name) for f in measure.check.spec.facts if f.kind == "year"), None)
        if (
            effective is not None
            and start
            and isinstance(year, int)
            and year < date.fromisoformat(str(start)).year
        ):
            return f"体检年度 {year} 年在本政策施行之前：{C.quoted(effective.quote)}"
        return None


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
