"""Mechanisms found by holdout14 (tests/data/understanding/RESULTS.md, session of 2026-12-03)."""

from __future__ import annotations

from typing import Any

from tests.fixtures import conversation


def test_a_place_reached_by_a_motion_verb_stays_under_the_negation(engine: Any) -> None:
    # "没去区里走事前报批": the approval was not sought, whatever office the user names between; 0, not 40万.
    for said in ("没去区里走事前报批", "没有到经信局办理事前报批"):
        answers = conversation(engine, f"办了个集成电路技术交流会，场租80万，{said}，能补多少？")
        assert answers[0]["total_max_subsidy_yuan"] == "0", said
        assert answers[0]["answer"].startswith("不符合"), said


def test_a_motion_verb_without_a_negation_or_behind_a_comma_leaves_the_approval_met(engine: Any) -> None:
    # 80万 × 50% = 40万 (under the 100万 cap per event): the approval was sought in both.
    for said in ("去区里走了事前报批", "没去区里，但走了事前报批"):
        answers = conversation(engine, f"办了个集成电路技术交流会，场租80万，{said}，能补多少？")
        assert answers[0]["total_max_subsidy_yuan"] == "400000", said
