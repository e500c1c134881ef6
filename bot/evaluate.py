"""Score the engine on conversation sets (golden, understanding): each turn checked against its expectations.

A turn is right when its status, first citation, total, eligibility wording, required words and the figures
it must report as unused all match (tests/data/understanding/SPEC.md). A turn overstates when it gives more
money than expected, or any money where none is due.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

Ask = Callable[[str, str | None], dict[str, Any]]
_SPACES = re.compile(r"\s+")


@dataclass
class TurnResult:
    conversation: str
    cls: str
    q: str
    problems: list[str]
    overstated: bool


@dataclass
class SetReport:
    name: str
    conversations: int = 0
    right: int = 0
    turns: int = 0
    turns_right: int = 0
    amount_turns: int = 0
    amounts_right: int = 0
    overstated: int = 0
    disqualifiers: int = 0
    disqualifiers_right: int = 0
    multi: int = 0
    multi_right: int = 0
    by_class: Counter[str] = field(default_factory=Counter)
    right_by_class: Counter[str] = field(default_factory=Counter)
    failures: list[TurnResult] = field(default_factory=list)

    def lines(self) -> list[str]:
        pct = _pct
        out = [
            f"[{self.name}] conversations fully right {pct(self.right, self.conversations)}; "
            f"turns {pct(self.turns_right, self.turns)}; amounts {pct(self.amounts_right, self.amount_turns)}; "
            f"overstated {self.overstated}; disqualifiers {pct(self.disqualifiers_right, self.disqualifiers)}; "
            f"multi-turn {pct(self.multi_right, self.multi)}"
        ]
        for cls in sorted(self.by_class):
            out.append(f"  {cls:13s} {pct(self.right_by_class[cls], self.by_class[cls])}")
        return out


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({a / b:.1%})" if b else "—"


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _squash(text: str) -> str:
    return _SPACES.sub("", text)


def check_turn(turn: dict[str, Any], data: dict[str, Any]) -> tuple[list[str], bool]:
    """Problems of one answer against its expectations, and whether it overstates the money."""
    problems: list[str] = []
    if data["status"] != turn["status"]:
        problems.append(f"status {data['status']} != {turn['status']}")
    first = data["citations"][0]["clause_id"] if data.get("citations") else None
    if turn.get("cite") is not None and first != turn["cite"]:
        problems.append(f"cite {first} != {turn['cite']}")
    if turn["status"] == "not_covered" and data.get("citations"):
        problems.append("not_covered answer cites clauses")
    got, want = data.get("total_max_subsidy_yuan"), turn.get("total")
    if (got is None) != (want is None) or (
        got is not None and want is not None and Decimal(got) != Decimal(want)
    ):
        problems.append(f"total {got} != {want}")
    answer = str(data.get("answer", ""))
    if turn.get("eligible") is False and "不符合" not in answer.split("\n", 1)[0]:
        problems.append("first line does not say 不符合")
    flat = _squash(answer)
    problems += [f"missing word {w!r}" for w in turn.get("says", []) if _squash(w) not in flat]
    problems += [
        f"unused figure {u!r} not reported" for u in turn.get("unused", []) if _squash(u) not in flat
    ]
    over = got is not None and Decimal(got) > (Decimal(want) if want is not None else Decimal(0))
    return problems, over


def run_set(name: str, items: Iterable[dict[str, Any]], ask: Ask) -> SetReport:
    """Ask every conversation in a fresh session and score it."""
    report = SetReport(name)
    for item in items:
        cls = str(item.get("class") or item.get("category") or "?")
        session: str | None = None
        all_right = True
        for turn in item["turns"]:
            data = ask(turn["q"], session)
            session = data.get("session_id") or session
            problems, over = check_turn(turn, data)
            report.turns += 1
            report.turns_right += not problems
            if turn.get("total") is not None:
                report.amount_turns += 1
                report.amounts_right += not any(p.startswith("total") for p in problems)
            if turn.get("eligible") is False:
                report.disqualifiers += 1
                report.disqualifiers_right += not problems
            report.overstated += over
            if problems or over:
                all_right = False
                report.failures.append(TurnResult(item["id"], cls, turn["q"], problems, over))
        report.conversations += 1
        report.right += all_right
        report.by_class[cls] += 1
        report.right_by_class[cls] += all_right
        if len(item["turns"]) > 1:
            report.multi += 1
            report.multi_right += all_right
    return report


def engine_ask(engine: Any) -> Ask:
    """An Ask over an in-process engine."""
    return lambda q, session: engine.ask(q, session_id=session).to_dict()
