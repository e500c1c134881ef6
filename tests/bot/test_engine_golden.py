"""The golden set: every numeric answer exact, statuses right, ≥98% first citations right (figures printed)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden.jsonl"


def load_golden() -> list[dict]:
    return [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_golden_set_is_big_and_covers_every_calculator() -> None:
    import calculators

    items = load_golden()
    assert len(items) >= 250
    categories = [i["category"] for i in items]
    assert categories.count("oos") + categories.count("inj") >= 30
    assert categories.count("multi") >= 10
    cited = {t["cite"] for i in items for t in i["turns"] if t["total"] is not None}
    assert {c.clause_id for c in calculators.CALCULATORS} <= cited


def run_golden(engine) -> tuple[list[str], int, int, int]:  # type: ignore[no-untyped-def]
    """Ask every turn; return (failures other than first citation, citation hits, citation total, turns)."""
    failures, cite_ok, cite_total, turns = [], 0, 0, 0
    for item in load_golden():
        session = None
        for turn in item["turns"]:
            data = engine.ask(turn["q"], session_id=session).to_dict()
            session = data["session_id"]
            turns += 1
            where = f"{item['id']} {turn['q']!r}"
            if data["status"] != turn["status"]:
                failures.append(f"{where}: status {data['status']} != {turn['status']}")
            got, want = data["total_max_subsidy_yuan"], turn["total"]
            if (got is None) != (want is None) or (want is not None and Decimal(got) != Decimal(want)):
                failures.append(f"{where}: total {got} != {want}")
            if turn["cite"] is not None:
                cite_total += 1
                first = data["citations"][0]["clause_id"] if data["citations"] else None
                cite_ok += first == turn["cite"]
            elif turn["status"] == "not_covered" and data["citations"]:
                failures.append(f"{where}: not_covered answer should cite nothing")
    return failures, cite_ok, cite_total, turns


@pytest.fixture(scope="module")
def golden_run(engine):  # type: ignore[no-untyped-def]
    return run_golden(engine)


def test_golden_statuses_and_amounts_exact(golden_run) -> None:  # type: ignore[no-untyped-def]
    failures, cite_ok, cite_total, turns = golden_run
    print(f"\n[golden] turns={turns} failures={len(failures)} first-citation={cite_ok}/{cite_total}")
    assert failures == []


def test_golden_first_citations_at_least_98_percent(golden_run) -> None:  # type: ignore[no-untyped-def]
    _, cite_ok, cite_total, _ = golden_run
    assert cite_ok / cite_total >= 0.98
