"""The understanding sets of tests/data/understanding, scored like `python -m bench.understanding`: the
development sets must stay where they are, and no set may ever overstate an amount.

dev.jsonl was tuned on (100%); dev2.jsonl and dev3.jsonl were measured once fresh (59.5%, 81.2%) and then
worked on by mechanism. holdout, public and holdout2…holdout9 were each measured while held out (holdout2
91.2%, holdout3 88.3%, holdout4 93.8%, holdout5 91.9%, holdout6 90.6%, holdout7 92.5%, holdout8 87.5%, holdout9 80.6%, each
once, fresh), then a reviewer classified their failures by mechanism (no text shown) and those mechanisms
were fixed, so they are development sets now (tests/data/understanding/RESULTS.md); review7/review8 are the
reviewers' own phrasings. holdout9.jsonl, written last, was measured once (80.6%, 16 overstated turns) and
then reviewed the same way; no set is held out now — the next session's writer provides the next one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluate import engine_ask, load, run_set

SETS = Path(__file__).resolve().parent.parent / "data" / "understanding"
# Conversations fully right, at least (fractions).
FLOORS = {
    "dev": 0.99,
    "dev2": 0.97,
    "dev3": 0.97,
    "holdout": 0.99,
    "public": 0.98,
    "holdout2": 0.99,
    "holdout3": 0.99,
    "holdout4": 0.99,
    "holdout5": 0.98,
    "holdout6": 0.98,
    "holdout7": 0.99,
    "review7": 1.0,  # the reviewer's own phrasings of holdout7's mechanisms
    "holdout8": 1.0,
    "review8": 1.0,
    "holdout9": 1.0,
    "review9": 1.0,
    "holdout10": 0.99,
    "review10": 1.0,  # the reviewer's phrasings of holdout10's mechanisms
    "holdout11": 1.0,
    "review11": 1.0,  # the reviewer's phrasings of holdout11's mechanisms
    "holdout12": 1.0,  # measured once at b404751 (89.4%), then worked on from its review
    "review12": 1.0,  # the reviewer's phrasings of holdout12's mechanisms
    "holdout13": 1.0,  # measured once at cc964f4 (95.0%, 2 overstated), then worked on from its review
    "review13": 1.0,  # the reviewer's phrasings of holdout13's mechanisms (M5-c and M6-c fixed since)
    "holdout14": 1.0,  # measured once at ef71e9b (95.0%, 3 overstated), then its four failures fixed
    "holdout15": 1.0,  # measured once at e2df8ee (80.0%, 8 overstated), then worked on with its review
    "review15": 1.0,  # the reviewer's phrasings of holdout15's mechanisms
    "holdout17": 1.0,  # measured once at ac8a87e: 100% (60/60, no overstated turn)
    "holdout16": 1.0,  # measured once at 60fc0c3 (87.5%, 2 overstated); all eleven failures fixed since
    "holdout19": 1.0,  # measured once at a0c99f3: 98.9% (89/90, no overstated turn); h19-039 fixed since
    "holdout18": 1.0,  # measured once at c7d756f: 94.4% (85/90, 6 overstated turns); its five failures fixed since
    "holdout20": 1.0,  # measured once at 85b3fd3: 95.0% (76/80, 4 overstated turns); its four failures fixed since
    "holdout21": 1.0,  # measured once at e3200b2: 91.2% (73/80, 1 overstated turn); its seven failures fixed since
    "holdout22": 1.0,  # measured once at 317f29c: 95.0% (76/80, 1 overstated turn); its four failures fixed since
    "holdout23": 0.98,  # measured once at 2efa4ff: 96.7% (58/60, 1 overstated turn); h23-029 open (an actual rate for one of several loans)
}
# Overstated turns a development set still has (never more).
OVERSTATED = dict.fromkeys(FLOORS, 0)


@pytest.fixture(scope="module")
def reports(engine):  # type: ignore[no-untyped-def]
    ask = engine_ask(engine)
    return {name: run_set(name, load(SETS / f"{name}.jsonl"), ask) for name in FLOORS}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_development_sets_stay_right(reports, name: str) -> None:  # type: ignore[no-untyped-def]
    report = reports[name]
    print("\n".join(report.lines()))
    share = report.right / report.conversations
    wrong = [f"{f.conversation} {f.q}: {'; '.join(f.problems)}" for f in report.failures]
    assert share >= FLOORS[name], f"{name}: {share:.1%} < {FLOORS[name]:.0%}\n" + "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_development_sets_overstate_no_more_than_known(reports, name: str) -> None:  # type: ignore[no-untyped-def]
    report = reports[name]
    over = [f.conversation for f in report.failures if f.overstated]
    assert report.overstated <= OVERSTATED[name], (
        f"{name}: {report.overstated} turns overstate ({', '.join(over)})"
    )
