"""Per-clause key points (who, conditions, standards, negatable conditions) read from each policy's points.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

# A word written right before a trigger cancels it: "不存在投资关联" does not say there is one.
_CANCEL = "不没无非未"


@dataclass(frozen=True)
class Fragment:
    """A short statement and the verbatim clause words it comes from; `topic` narrows it to one rule."""

    text: str
    quote: str
    topic: str = ""


@dataclass(frozen=True)
class Negation:
    """User words (`when`) that say a condition of the clause is not met."""

    when: tuple[str, ...]
    condition: str
    quote: str
    result: str = ""

    def said_in(self, text: str) -> str | None:
        """The trigger the user wrote, unless a negation word right before it cancels it."""
        for word in self.when:
            start = text.find(word)
            while start >= 0:
                if start == 0 or text[start - 1] not in _CANCEL or word[0] in _CANCEL:
                    return word
                start = text.find(word, start + 1)
        return None


@dataclass(frozen=True)
class Reply:
    """A direct statement for questions of one kind about the clause (a2 combining, a4 validity)."""

    when: tuple[str, ...]
    say: str
    quote: str


@dataclass(frozen=True)
class ClausePoints:
    clause_id: str
    brief: str
    who: str
    review: str
    cap: str
    conditions: tuple[Fragment, ...]
    standard: tuple[Fragment, ...]
    negations: tuple[Negation, ...]
    replies: tuple[Reply, ...]
    excerpt: bool = False  # long or several rules: answers quote only the sentences asked about

    def for_topic(self, items: tuple[Fragment, ...], topic: str | None) -> list[Fragment]:
        """Items of the rule asked about when the clause holds several rules, else all."""
        mine = [f for f in items if topic and f.topic == topic]
        return mine or [f for f in items if not f.topic or not topic] or list(items)


@dataclass(frozen=True)
class Industry:
    name: str
    words: tuple[str, ...]
    order: tuple[str, ...]


@dataclass(frozen=True)
class Points:
    clauses: dict[str, ClausePoints] = field(default_factory=dict)
    industries: tuple[Industry, ...] = ()

    def clause(self, clause_id: str) -> ClausePoints | None:
        return self.clauses.get(clause_id)


def _fragment(row: dict[str, Any]) -> Fragment:
    return Fragment(row.get("text", row["quote"]), row["quote"], row.get("topic", ""))


def _clause(cid: str, row: dict[str, Any]) -> ClausePoints:
    return ClausePoints(
        clause_id=cid,
        brief=row["brief"],
        who=row.get("who", ""),
        review=row.get("review", ""),
        cap=row.get("cap", ""),
        conditions=tuple(_fragment(r) for r in row.get("conditions", [])),
        standard=tuple(_fragment(r) for r in row.get("standard", [])),
        negations=tuple(
            Negation(tuple(r["when"]), r["condition"], r["quote"], r.get("result", ""))
            for r in row.get("negations", [])
        ),
        replies=tuple(Reply(tuple(r["when"]), r["say"], r["quote"]) for r in row.get("answers", [])),
        excerpt=bool(row.get("excerpt", False)),
    )


def load_pack_points(path: Path) -> Points:
    """One document's points.json."""
    data = json.loads(path.read_text(encoding="utf-8"))
    clauses = {cid: _clause(cid, row) for cid, row in data.get("clauses", {}).items()}
    industries = tuple(
        Industry(r["name"], tuple(r["words"]), tuple(r["order"])) for r in data.get("industries", [])
    )
    return Points(clauses, industries)


@lru_cache(maxsize=4)
def load_points(corpus_dir: Path) -> Points:
    """The primary built-in document's points (the first policies/<doc>/points.json under corpus_dir)."""
    paths = sorted((corpus_dir / "policies").glob("*/points.json"))
    return load_pack_points(paths[0]) if paths else Points()
