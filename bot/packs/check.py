"""`policybot pack check DIR`: everything whoever adds a document needs checked before it goes live.

The document and its clauses load (required fields, unique ids); every quote in points.json and in the
vocabulary is verbatim in its clause; every number written in points.json is in its clause; every clause
the vocabulary names exists; every rule's calculator exists and every slot and condition it declares is an
argument of that calculator; parameters, registrations and calculator quotes pass calculators/check.py.
Messages are Chinese and name the file and the field.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bot.packs.corpus import Document, PackError, load_document
from bot.packs.vocabulary import Vocabulary, load_vocabulary

_SPACE = re.compile(r"\s+")
_VERBATIM_KEYS = {"quote", "cap", "who"}


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def _strings(node: Any, key: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [pair for k, v in node.items() for pair in _strings(v, k)]
    if isinstance(node, list):
        return [pair for v in node for pair in _strings(v, key)]
    return [(key, node)] if isinstance(node, str) else []


def check_points(path: Path, document: Document) -> list[str]:
    """Quotes verbatim in their clause; every number written in a point appears in that clause."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{path}：不是合法的 JSON（{exc}）"]
    errors = []
    for cid, row in (data.get("clauses") or {}).items():
        clause = document.clause(cid)
        if clause is None:
            errors.append(f"{path} clauses.{cid}：条款不存在")
            continue
        numbers = set(re.findall(r"\d+", clause.text))
        for key, text in _strings(row):
            if key in _VERBATIM_KEYS and text and _squash(text) not in _squash(clause.text):
                errors.append(f"{path} clauses.{cid}.{key}：“{text}”不是条款原文")
            if key != "when":
                errors += [
                    f"{path} clauses.{cid}.{key}：数字 {n} 不在条款中"
                    for n in re.findall(r"\d+", text)
                    if n not in numbers
                ]
    for group in data.get("industries") or []:
        errors += [
            f"{path} industries.{group.get('name')}：条款“{c}”不存在"
            for c in group.get("order", [])
            if not document.clause(c)
        ]
    return errors


def check_vocabulary(path: Path, document: Document, calculators: dict[str, Any]) -> list[str]:
    """Clauses named exist; conditions quote their clause; rules' calculators and arguments are declared."""
    try:
        vocab = load_vocabulary(path, document.doc_id)
    except PackError as exc:
        return [str(exc)]
    errors = _clause_references(path, vocab, document)
    for i, rule in enumerate(vocab.rules):
        where = f"{path} rules[{i}]（{rule.id}）"
        clause = document.clause(rule.clause)
        for name, cond in rule.conditions.items():
            if clause is not None and _squash(cond.quote) not in _squash(clause.text):
                errors.append(f"{where}.conditions.{name}.quote：“{cond.quote}”不是{rule.clause}的原文")
        if rule.tool is None:
            continue
        calc = calculators.get(rule.tool)
        if calc is None:
            errors.append(f"{where}.tool：计算器“{rule.tool}”没有登记")
            continue
        fields = set(calc.input_model.model_fields)
        declared = [*rule.slots, *rule.conditions]
        errors += [f"{where}：“{n}”不是计算器 {rule.tool} 的参数" for n in declared if n not in fields]
    return errors


def _clause_references(path: Path, vocab: Vocabulary, document: Document) -> list[str]:
    named = [(f"rules（{r.id}）.clause", r.clause) for r in vocab.rules]
    named += [(f"annexes（{a.role}）.clause", a.clause) for a in vocab.spec.annexes]
    named += [("named_parts.clause", p.clause) for p in vocab.spec.named_parts]
    named += [("document.relocation_clauses", c) for c in vocab.document.relocation_clauses]
    if vocab.document.overview_clause:
        named.append(("document.overview_clause", vocab.document.overview_clause))
    return [f"{path} {where}：条款“{cid}”不存在" for where, cid in named if document.clause(cid) is None]


def check_pack(folder: Path) -> list[str]:
    """Every problem of one pack folder, as Chinese messages naming file and field; [] when it is sound."""
    try:
        document = load_document(folder)
    except PackError as exc:
        return [str(exc)]
    from calculators.registry import calculators_for

    try:
        calcs = {c.name: c for c in calculators_for(document.doc_id)}
    except Exception as exc:  # a broken rules module must be reported, not crash the checker
        return [f"calculators/{document.doc_id.replace('-', '_')}：无法加载（{exc}）"]
    errors: list[str] = []
    points = folder / str(document.meta.get("points_file", "points.json"))
    if points.is_file():
        errors += check_points(points, document)
    vocabulary = folder / str(document.meta.get("vocabulary_file", "vocabulary.yaml"))
    if vocabulary.is_file():
        errors += check_vocabulary(vocabulary, document, calcs)
    if calcs or (folder / "parameters.yaml").is_file():
        from calculators.check import check_calculators

        errors += check_calculators(folder, {c.id for c in document.clauses})
    from bot.selfcheck.spec import check_folder  # selfcheck.yaml, when the pack has one

    errors += check_folder(folder)
    return errors
