"""The language data of bot/nlu/zh.yaml, compiled once: negation, hearsay, claims, acts, figure roles, places."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGUAGE_FILE = Path(__file__).with_name("zh.yaml")


def _alternation(words: list[str]) -> re.Pattern[str]:
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered)) if ordered else re.compile(r"(?!x)x")


@dataclass(frozen=True)
class RoleCue:
    """Words after which a figure is something else than a rule's input (revenue, capital...)."""

    label: str
    cues: tuple[str, ...]
    units: tuple[str, ...] = ()
    # A stand-in: the figure is the input when nothing actual is given for its rule and year ("预算600万").
    fallback: bool = False
    # Someone else's figure ("别家报价要100万"): the conditions written in its clause are not the user's.
    others: bool = False
    # A stand-in that is itself an actual amount (money paid): no estimate when it is used.
    actual: bool = False


@dataclass(frozen=True)
class Language:
    negation: re.Pattern[str]
    not_negation: tuple[str, ...]
    detached_after: re.Pattern[str]
    hearsay: re.Pattern[str]
    restart: re.Pattern[str]
    claim: re.Pattern[str]
    own_result: re.Pattern[str]
    bound: re.Pattern[str]
    bound_after: re.Pattern[str]
    tier_after: re.Pattern[str]
    per_entity_after: re.Pattern[str]
    tag_question: re.Pattern[str]
    cap_before: re.Pattern[str]
    step_before: re.Pattern[str]
    difference_before: re.Pattern[str]
    retract_between: re.Pattern[str]
    net_cue: re.Pattern[str]
    claim_after: re.Pattern[str]
    own_result_after: re.Pattern[str]
    guess: re.Pattern[str]
    guess_alone: frozenset[str]
    guess_lead: re.Pattern[str]
    topic_link: re.Pattern[str]
    denied: re.Pattern[str]
    question_tail: tuple[str, ...]
    question: re.Pattern[str]
    yes_no: re.Pattern[str]
    asks_market: re.Pattern[str]
    deferred: re.Pattern[str]
    asks_year: tuple[str, ...]
    asks_amount: re.Pattern[str]
    asks_rule: re.Pattern[str]
    threshold_talk: re.Pattern[str]
    relation: re.Pattern[str]
    severed_after: re.Pattern[str]
    self_described: re.Pattern[str]
    counterparty: re.Pattern[str]
    sold: re.Pattern[str]
    outer_compound: str
    kept_characters: frozenset[str]
    topic_clause: re.Pattern[str]
    superseded_by: re.Pattern[str]
    first_person: re.Pattern[str]
    attainment_denied: re.Pattern[str]
    table_parties: re.Pattern[str]
    part_of: re.Pattern[str]
    cue_infixes: re.Pattern[str]
    governs: re.Pattern[str]
    contrast: re.Pattern[str]
    aggregate: re.Pattern[str]
    tenure: re.Pattern[str]
    repetition: str
    indefinite: str
    party_after: re.Pattern[str]
    applicant_before: re.Pattern[str]
    options_after: re.Pattern[str]
    offers: re.Pattern[str]
    acts: dict[str, re.Pattern[str]]
    not_inputs: tuple[RoleCue, ...]
    count_not_inputs: tuple[RoleCue, ...]
    other_objects: tuple[str, ...]
    everyday_words: frozenset[str]
    places: dict[str, Any]
    glossary: tuple[tuple[str, str], ...] = ()
    # Words that multiply the last figures by a factor ("翻一倍" → 2).
    scale: tuple[tuple[str, str], ...] = ()
    subjects: dict[str, re.Pattern[str]] | None = None
    subject_start: re.Pattern[str] | None = None
    # Words for an amount that say nothing of its object: never another rule's cue.
    generic_amounts: frozenset[str] = frozenset()
    # Words that may stand between a negation and its phrase, besides bot/nlu/polarity.py's common ones.
    negation_fillers: tuple[str, ...] = ()

    def outside_word(self, word: str) -> str:
        """A regex for a scope word, never the tail of a compound ("外区" is not in "另外区里")."""
        body = re.escape(word)
        return f"(?<![{self.outer_compound}]){body}" if word.startswith("外") else body

    def negated_before(self, text: str, start: int, window: int = 4) -> bool:
        """Is the phrase starting at `start` negated by a word right before it ("不是首次", "没有报批")?"""
        before = text[max(0, start - window) : start]
        for m in self.negation.finditer(before):
            if m.end() < len(before) - 2:
                continue  # too far from the phrase: "不过我们首次" is not a negation
            span = text[max(0, start - window) + m.start() : start + 2]
            if not any(span.startswith(w) or w in span for w in self.not_negation):
                return True
        return False


def _role_cues(rows: list[dict[str, Any]]) -> tuple[RoleCue, ...]:
    return tuple(
        RoleCue(
            r["label"],
            tuple(r.get("cues", [])),
            tuple(r.get("units", [])),
            bool(r.get("fallback")),
            bool(r.get("others")),
            bool(r.get("actual")),
        )
        for r in rows
    )


@lru_cache(maxsize=1)
def language() -> Language:
    """The compiled language data (cached: read once per process)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(LANGUAGE_FILE.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    return Language(
        negation=_alternation(data["negation"]),
        not_negation=tuple(data["not_negation"]),
        detached_after=re.compile(
            r"\s*(?:了|过|的)?\s*(?:" + _alternation(data["detached_after"]).pattern + ")"
        ),
        hearsay=re.compile(
            "|".join(
                [
                    _alternation(data["hearsay"]).pattern,
                    data["document_quote"],
                    data["written_source"],
                    data["spoken_source"],
                ]
            ),
            re.I,
        ),
        restart=_alternation(data["restart"]),
        claim=re.compile(data["claim"], re.I),
        own_result=re.compile(data["own_result"]),
        bound=re.compile("(" + "|".join(data["bound"]) + r")\s*$"),
        denied=re.compile("(" + "|".join(data["denied"]) + r")\s*$"),
        difference_before=re.compile(data["difference_before"]),
        retract_between=re.compile(data["retract_between"]),
        net_cue=re.compile(data["net_cue"]),
        step_before=re.compile("(" + "|".join(data["step_before"]) + r")\s*$"),
        bound_after=re.compile(r"\s*(" + "|".join(data["bound_after"]) + ")"),
        tier_after=re.compile(data["tier_after"]),
        per_entity_after=re.compile(data["per_entity_after"]),
        tag_question=re.compile(data["tag_question"]),
        cap_before=re.compile(data["cap_before"]),
        claim_after=re.compile(r"\s*(" + "|".join(data["claim_after"]) + ")"),
        own_result_after=re.compile(data["own_result_after"]),
        guess=re.compile("(" + "|".join(data["guess"]) + r")\s*$"),
        guess_alone=frozenset(data["guess_alone"]),
        guess_lead=re.compile(data["guess_lead"]),
        topic_link=re.compile(r"^\s*(" + "|".join(data["topic_link"]) + r")\s*$"),
        question_tail=tuple(data["question_tail"]),
        question=re.compile(data["question"]),
        yes_no=re.compile(data["yes_no"]),
        asks_market=re.compile(data["asks_market"]),
        deferred=re.compile(data["deferred"]),
        asks_year=tuple(data["asks_year"]),
        asks_amount=re.compile(data["asks_amount"]),
        asks_rule=re.compile(data["asks_rule"]),
        threshold_talk=_alternation(data["threshold_talk"]),
        relation=_alternation(data["relation"]),
        severed_after=re.compile(data["severed_after"]),
        self_described=re.compile(data["self_described"]),
        counterparty=re.compile(data["counterparty"]),
        sold=re.compile(data["sold"]),
        outer_compound=data["outer_compound"],
        kept_characters=frozenset(data["kept_characters"]),
        topic_clause=re.compile(data["topic_clause"]),
        superseded_by=re.compile(data["superseded_by"]),
        first_person=re.compile(data["first_person"]),
        attainment_denied=re.compile(data["attainment_denied"]),
        table_parties=re.compile(data["table_parties"]),
        part_of=re.compile(data["part_of"]),
        cue_infixes=re.compile(data["cue_infixes"]),
        governs=re.compile(data["governs"]),
        contrast=re.compile(data["contrast"]),
        aggregate=re.compile(data["aggregate"]),
        tenure=re.compile(data["tenure"]),
        repetition=data["repetition"],
        indefinite=data["indefinite"],
        party_after=re.compile(data["party_after"]),
        applicant_before=re.compile(data["applicant_before"]),
        options_after=re.compile(data["options_after"]),
        offers=re.compile(data["offers"]),
        acts={name: re.compile(pattern) for name, pattern in data["acts"].items()},
        not_inputs=_role_cues(data["not_inputs"]),
        count_not_inputs=_role_cues(data["count_not_inputs"]),
        other_objects=tuple(data["other_objects"]),
        everyday_words=frozenset(data["everyday_words"]),
        places=data["places"],
        glossary=tuple((p, r) for p, r in data.get("glossary", [])),
        scale=tuple(sorted(data.get("scale", {}).items(), key=lambda kv: -len(kv[0]))),
        subjects={k: re.compile(v, re.I) for k, v in data.get("subjects", {}).items()},
        subject_start=re.compile(data.get("subject_start", "(?!x)x")),
        generic_amounts=frozenset(data.get("generic_amounts", [])),
        negation_fillers=tuple(data.get("negation_fillers", [])),
    )
