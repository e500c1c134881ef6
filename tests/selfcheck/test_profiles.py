"""Enterprise profiles with hand-computed totals (profiles.yaml): overlaps decided by a2, caps, needs_info."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.selfcheck import SelfCheck

PROFILES = yaml.safe_load((Path(__file__).parent / "profiles.yaml").read_text(encoding="utf-8"))
DEFAULT_FACTS = {"in_zone": True, "industry": "集成电路", "year": 2025}
STATUSES = {"eligible", "not_eligible", "needs_info", "no_amount"}


def run(selfcheck: SelfCheck, profile: dict[str, Any]) -> dict[str, Any]:
    facts = profile.get("facts", DEFAULT_FACTS)
    return selfcheck.run({"facts": facts, "items": profile["items"]})


def by_tool(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["tool"]: m for m in result["measures"] if m["tool"]}


def test_there_are_enough_profiles_of_each_kind() -> None:
    assert len(PROFILES) >= 30
    assert len({p["id"] for p in PROFILES}) == len(PROFILES)
    assert sum(bool(p.get("expect", {}).get("excluded")) for p in PROFILES) >= 8  # overlaps decided by a2
    assert sum("needs_info" in str(p.get("expect", {}).get("counts", {})) for p in PROFILES) >= 2


@pytest.mark.parametrize("profile", PROFILES, ids=[p["id"] for p in PROFILES])
def test_profile_total_is_the_hand_computed_one(selfcheck: SelfCheck, profile: dict[str, Any]) -> None:
    result = run(selfcheck, profile)
    assert result["total_max_subsidy_yuan"] == profile["total"], profile["hand"]
    counted = sum(
        (
            Decimal(m["max_subsidy_yuan"])
            for m in result["measures"]
            if m["status"] == "eligible" and m["in_total"]
        ),
        Decimal(0),
    )
    assert counted == Decimal(profile["total"])
    check_expectations(result, profile.get("expect", {}))


def check_expectations(result: dict[str, Any], expect: dict[str, Any]) -> None:
    measures = by_tool(result)
    for tool, status in expect.get("status", {}).items():
        assert measures[tool]["status"] == status, (tool, measures[tool]["reason"])
    for tool, amount in expect.get("amounts", {}).items():
        assert measures[tool]["max_subsidy_yuan"] == amount, tool
    for tool, words in expect.get("reason_contains", {}).items():
        assert words in measures[tool]["reason"], measures[tool]["reason"]
    for status, count in expect.get("counts", {}).items():
        assert result["counts"][status] == count, (status, result["counts"])
    if "excluded" in expect:
        assert result["excluded_items"] == expect["excluded"]
    notes = "\n".join(result["notes"] + [n for m in result["measures"] for n in m["notes"]])
    for words in expect.get("notes_contain", []):
        assert words in notes


@pytest.mark.parametrize("profile", PROFILES, ids=[p["id"] for p in PROFILES])
def test_every_measure_has_one_well_formed_entry(selfcheck: SelfCheck, profile: dict[str, Any]) -> None:
    result = run(selfcheck, profile)
    keys = [m["key"] for m in result["measures"]]
    assert keys == [m.key for m in selfcheck.catalogue.measures] and len(set(keys)) == len(keys)
    for m in result["measures"]:
        assert m["status"] in STATUSES
        assert (m["max_subsidy_yuan"] is not None) == (m["status"] == "eligible"), m
        assert m["reason"] and m["units"] and m["doc_number"] and m["clause_id"]
        if m["status"] == "eligible":
            assert Decimal(m["max_subsidy_yuan"]) > 0 and m["calculations"]
    assert sum(result["counts"].values()) == len(result["measures"])
    assert any("上限" in n for n in result["notes"]) and any(
        "从高、从优、不重复" in n for n in result["notes"]
    )
