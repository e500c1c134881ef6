"""Clause key points (points.json): every quoted fragment verbatim, every number from the clause itself."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.packs.corpus import Corpus
from bot.packs.points import load_points
from bot.settings import DEFAULT_CORPUS_DIR

POINTS_FILES = sorted((DEFAULT_CORPUS_DIR / "policies").glob("*/points.json"))
VERBATIM_KEYS = {"quote", "cap", "who"}


def _strings(node: object, key: str = "") -> list[tuple[str, str]]:
    """(key, text) for every string in the clause's points, however deep."""
    if isinstance(node, dict):
        return [pair for k, v in node.items() for pair in _strings(v, k)]
    if isinstance(node, list):
        return [pair for v in node for pair in _strings(v, key)]
    return [(key, node)] if isinstance(node, str) else []


@pytest.mark.parametrize("path", POINTS_FILES, ids=lambda p: p.parent.name)
def test_quoted_fragments_are_verbatim_clause_text(path: Path, corpus: Corpus) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    bad = []
    for cid, row in data["clauses"].items():
        clause = corpus.clause(cid)
        assert clause is not None, cid
        for key, text in _strings(row):
            if key in VERBATIM_KEYS and text and text not in clause.text:
                bad.append(f"{cid} {key}: {text}")
    assert bad == []


@pytest.mark.parametrize("path", POINTS_FILES, ids=lambda p: p.parent.name)
def test_every_number_written_appears_in_its_clause(path: Path, corpus: Corpus) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    bad = []
    for cid, row in data["clauses"].items():
        numbers = set(re.findall(r"\d+", corpus.clause(cid).text))  # type: ignore[union-attr]
        for key, text in _strings(row):
            if key != "when":  # user wording ("成立4年") is not a policy figure
                bad += [f"{cid} {key}: {n}" for n in re.findall(r"\d+", text) if n not in numbers]
    assert bad == []


def test_points_cover_every_measure_and_annex(corpus: Corpus) -> None:
    points = load_points(DEFAULT_CORPUS_DIR)
    wanted = {c.id for c in corpus.clauses if c.id[0] in "ma" and c.id != "a3"}
    assert wanted <= set(points.clauses)
    assert all(cid in points.clauses for g in points.industries for cid in g.order)


def test_a_negation_word_before_a_trigger_cancels_it() -> None:
    m11 = load_points(DEFAULT_CORPUS_DIR).clause("m11")
    assert m11 is not None
    relation = next(n for n in m11.negations if "投资关联" in n.condition)
    assert relation.said_in("服务双方有投资关联，能用创新券吗") == "有投资关联"
    assert relation.said_in("服务双方不存在投资关联，能用创新券吗") is None
    assert relation.said_in("我们没有投资关联") is None


def test_topic_narrows_items_of_a_clause_with_several_rules() -> None:
    m2 = load_points(DEFAULT_CORPUS_DIR).clause("m2")
    assert m2 is not None
    purchase = m2.for_topic(m2.standard, "eda_purchase")
    assert purchase and all("实际发生费用" in f.quote for f in purchase)
    assert len(m2.for_topic(m2.standard, None)) == len(m2.standard)
