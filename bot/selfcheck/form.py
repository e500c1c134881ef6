"""What a self-check form asks, for the web page and GET /v1/selfcheck/form: the facts once, then each
section's measures with their calculator's own fields (the ones the facts do not already fill)."""

from __future__ import annotations

import re
from typing import Any

from bot.selfcheck.catalogue import Catalogue, Measure
from bot.selfcheck.fields import FieldInfo
from bot.selfcheck.output import documents

EXPENSE_FIELD = {
    "name": "expense",
    "label": "支出名称（选填；同一笔支出填在几项措施下时写相同名称，只计一次）",
    "kind": "text",
    "required": False,
    "default": None,
}


def short_label(label: str) -> str:
    """A field's name as people say it: its description up to the first bracket or comma."""
    return re.split(r"[（(，,；;：:]", label, maxsplit=1)[0].strip() or label


def _plain(fields: list[FieldInfo]) -> list[dict[str, Any]]:
    """Field dicts whose labels name other fields by their label, not their parameter name (term_days)."""
    names = {f.name: short_label(f.label) for f in fields}
    alternatives = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    pattern = re.compile(r" ?\b(" + alternatives + r")\b ?")
    out = []
    for f in fields:
        row = f.to_dict()
        row["label"] = pattern.sub(lambda m: f"“{names[m.group(1)]}”", f.label) if names else f.label
        out.append(row)
    return out


def _measure(catalogue: Catalogue, measure: Measure) -> dict[str, Any]:
    hidden = catalogue.hidden_fields(measure)
    return {
        "key": measure.key,
        "tool": measure.tool,
        "doc_id": measure.pack.doc_id,
        "clause_id": measure.clause.id,
        "clause_label": measure.label(),
        "title": measure.title,
        "quote": measure.spec.quote,
        "units": list(measure.clause.units),
        "repeat": measure.spec.repeat,
        "in_total": measure.spec.in_total,
        "fields": _plain([f for f in measure.fields if f.name not in hidden]),
    }


def form_spec(catalogue: Catalogue) -> dict[str, Any]:
    """The facts and the measures grouped by document and section, in the documents' order."""
    sections: list[dict[str, Any]] = []
    for measure in catalogue.measures:
        key = (measure.pack.doc_id, measure.clause.section)
        if not sections or (sections[-1]["doc_id"], sections[-1]["title"]) != key:
            sections.append(
                {
                    "doc_id": measure.pack.doc_id,
                    "doc_number": measure.pack.doc_number,
                    "title": measure.clause.section,
                    "measures": [],
                }
            )
        sections[-1]["measures"].append(_measure(catalogue, measure))
    facts = [
        {"name": f.name, "label": f.label, "kind": f.kind, "choices": list(f.choices)}
        for f in catalogue.facts.values()
    ]
    return {
        "facts": facts,
        "sections": sections,
        "expense_field": EXPENSE_FIELD,
        "documents": documents(catalogue),
    }


def _example_item(measure: Measure, catalogue: Catalogue) -> dict[str, Any] | None:
    hidden = catalogue.hidden_fields(measure)
    money = [f for f in measure.fields if f.required and f.kind == "money" and f.name not in hidden]
    return {"tool": measure.tool, "inputs": {money[0].name: "1200万"}} if measure.tool and money else None


def example_request(catalogue: Catalogue, year: int) -> dict[str, Any]:
    """A request for the API docs, from the loaded packs: the first two measures with a money input."""
    facts: dict[str, Any] = {}
    for fact in catalogue.facts.values():
        if fact.kind == "bool":
            facts[fact.name] = True
        elif fact.kind == "choice" and fact.choices:
            facts[fact.name] = fact.choices[0]
        elif fact.kind == "year":
            facts[fact.name] = year
    items = [i for i in (_example_item(m, catalogue) for m in catalogue.measures) if i]
    return {"facts": facts, "items": items[:2]}
