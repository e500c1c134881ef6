"""The self-check result as JSON: the facts, one entry per measure, the total and the notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot.selfcheck import compute as C
from bot.selfcheck.catalogue import Catalogue


def _yuan(value: Decimal | None) -> str | None:
    from calculators.money import yuan_str

    return None if value is None else yuan_str(value)


def _fact_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def measure_dict(outcome: C.Outcome) -> dict[str, Any]:
    """One measure: where it is in which document, its status, ceiling, reason, units and trace."""
    m = outcome.measure
    results = [r.to_dict() for r in outcome.results]
    eligible = [r for r in outcome.results if r.eligible]
    return {
        "key": m.key,
        "doc_id": m.pack.doc_id,
        "doc_number": m.pack.doc_number,
        "clause_id": m.clause.id,
        "clause_label": m.label(),
        "section": m.clause.section,
        "title": m.title,
        "tool": m.tool,
        "status": outcome.status,
        "max_subsidy_yuan": _yuan(outcome.amount) if outcome.status == C.ELIGIBLE else None,
        "in_total": m.spec.in_total,
        "reason": outcome.reason,
        "units": list(m.clause.units),
        "quote": m.spec.quote,
        "items": outcome.items,
        "excluded_items": outcome.excluded,
        "formula": "；".join(r.formula for r in eligible) or None,
        "trace": results[0]["trace"] if len(results) == 1 else None,
        "calculations": results,
        "notes": outcome.notes,
    }


def documents(catalogue: Catalogue) -> list[dict[str, Any]]:
    """文号, title and dates of each policy the self-check covers."""
    out = []
    for check in catalogue.checks:
        doc = check.pack.document
        out.append(
            {
                "doc_id": doc.doc_id,
                "doc_number": doc.doc_number,
                "title": doc.title,
                "issued_date": doc.meta.get("issued_date"),
                "effective_date": doc.meta.get("effective_date"),
            }
        )
    return out


def result_dict(
    catalogue: Catalogue,
    facts: dict[str, Any],
    outcomes: list[C.Outcome],
    excluded: frozenset[int],
    notes: list[str],
) -> dict[str, Any]:
    total = sum((o.counted for o in outcomes), Decimal(0))
    counts = {
        s: sum(o.status == s for o in outcomes)
        for s in (C.ELIGIBLE, C.NOT_ELIGIBLE, C.NEEDS_INFO, C.NO_AMOUNT)
    }
    return {
        "facts": {k: _fact_value(v) for k, v in facts.items()},
        "fact_labels": {f.name: f.label for f in catalogue.facts.values()},
        "measures": [measure_dict(o) for o in outcomes],
        "total_max_subsidy_yuan": _yuan(total),
        "counts": counts,
        "excluded_items": sorted(excluded),
        "documents": documents(catalogue),
        "notes": notes,
        "generated_on": date.today().isoformat(),
    }
