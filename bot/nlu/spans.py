"""Where clauses and sentences of a message begin and end, and where words occur in it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

CLAUSES = "，,；;。！!？?\n｜|"
SENTENCES = "；;。！!？?\n｜|"
PERIODS = "。！!？?\n"


def _full_stop(text: str, i: int) -> bool:
    """A half-width "." ends a sentence unless it is a decimal point ("3.5%") or inside a Latin word or address
    ("e.g", "www.x.cn")."""
    before, after = text[i - 1 : i], text[i + 1 : i + 2]
    latin = before.isascii() and before.isalnum() and after.isascii() and after.isalnum()
    return not latin and not (before.isdigit() and after.isdigit())


# A space before the next item of an enumeration ("一是…买了520万 二是…买了300万 三是…") breaks the clause the
# way a comma would: each item keeps its own facts.
_ENUMERATED = re.compile(
    r"\s(?=[一二三四五六七八九十]是|[\u2460-\u2473]|[（(]\d{1,2}[)）]|\d{1,2}[、.．](?!\d))"
)


@dataclass(frozen=True)
class Layout:
    """Clause and sentence number of every character position of a text."""

    text: str
    clause_of: tuple[int, ...]
    sentence_of: tuple[int, ...]
    clause_starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> Layout:
        """The layout of text (kept for the last texts seen: one message is laid out by many readers)."""
        return _layout(text)

    @classmethod
    def _build(cls, text: str) -> Layout:
        clause, sentence, c, s, starts = [], [], 0, 0, [0]
        padded = text + "。"
        items = {m.start() for m in _ENUMERATED.finditer(text)} if " " in text else set()
        for i, ch in enumerate(padded):
            clause.append(c)
            sentence.append(s)
            if ch == "," and 0 < i and padded[i - 1].isdigit() and padded[i + 1 : i + 2].isdigit():
                continue  # "1,050万": a thousands separator, not a break
            stop = ch == "." and _full_stop(padded, i)  # "没走事前报批. 网上说…": a half-width full stop
            if ch in CLAUSES or stop or i in items:
                c += 1
                starts.append(i + 1)
            if ch in SENTENCES or stop:
                s += 1
        return cls(text, tuple(clause), tuple(sentence), tuple(starts))

    def clause_span(self, pos: int) -> tuple[int, int]:
        """Start and end (exclusive, at the break) of the clause holding pos."""
        n = self.clause_of[min(pos, len(self.text))]
        start = self.clause_starts[n]
        end = self.clause_starts[n + 1] - 1 if n + 1 < len(self.clause_starts) else len(self.text)
        return start, end

    def sentence_span(self, pos: int) -> tuple[int, int]:
        n = self.sentence_of[min(pos, len(self.text))]
        start = next(i for i in range(len(self.text) + 1) if self.sentence_of[i] == n)
        end = start
        while end < len(self.text) and self.sentence_of[end] == n and self.text[end] not in SENTENCES:
            end += 1
        return start, end

    def same_clause(self, a: int, b: int) -> bool:
        return self.clause_of[a] == self.clause_of[b]

    def same_sentence(self, a: int, b: int) -> bool:
        return self.sentence_of[a] == self.sentence_of[b]

    def same_period(self, a: int, b: int) -> bool:
        """In one sentence up to a full stop: parts joined by semicolons ("2024年度…；2025年度…") count as one."""
        lo, hi = min(a, b), max(a, b)
        return not any(
            ch in PERIODS or (ch == "." and _full_stop(self.text, lo + i))
            for i, ch in enumerate(self.text[lo:hi])
        )


@dataclass(frozen=True)
class Hit:
    """A word found in the text: what it stands for, and where."""

    key: str
    start: int
    end: int
    word: str


@dataclass(frozen=True, eq=False)
class WordList:
    """(key, word) pairs built once and searched in every message (a pack's gazetteer): the list keeps its
    own alternation, so a message does not hash its hundreds of pairs again to find it."""

    pairs: tuple[tuple[str, str], ...]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.pairs)

    @cached_property
    def folded(self) -> tuple[re.Pattern[str], dict[str, str]] | None:
        """The alternation matching the lower-cased text."""
        return _matcher(self.pairs, True)


def find_words(text: str, words: Iterable[tuple[str, str]], lower: bool = True) -> list[Hit]:
    """Leftmost-longest occurrences of (key, word) pairs; ASCII words must stand alone ("ip" not in "ipo").

    On a tie the pair listed first wins. The words are compiled once into one alternation (longest first),
    kept for the word lists seen last: a message is read against hundreds of words, many times.
    """
    matcher = words.folded if lower and isinstance(words, WordList) else _matcher(tuple(words), lower)
    if matcher is None:
        return []
    rx, keys = matcher
    hay = text.lower() if lower else text
    return [Hit(keys[m.group()], m.start(), m.end(), text[m.start() : m.end()]) for m in rx.finditer(hay)]


@lru_cache(maxsize=512)
def _matcher(
    words: tuple[tuple[str, str], ...], lower: bool
) -> tuple[re.Pattern[str], dict[str, str]] | None:
    keys: dict[str, str] = {}
    for key, word in words:
        if word:
            keys.setdefault(word.lower() if lower else word, key)
    if not keys:
        return None
    ordered = sorted(
        keys, key=len, reverse=True
    )  # stable: among equal lengths, the first listed is tried first
    return re.compile("|".join(_alternative(w) for w in ordered)), keys


def _alternative(word: str) -> str:
    """The word as a pattern; a Latin word may not be glued to other Latin letters (digits may touch)."""
    body = re.escape(word)
    if not word.isascii():
        return body
    return f"(?<![A-Za-z]){body}(?![A-Za-z])"


@lru_cache(maxsize=256)
def _layout(text: str) -> Layout:
    return Layout._build(text)


def _whole(word: str, text: str, start: int, end: int) -> bool:
    """Latin words must not be glued to other Latin letters ("ip" in "ipo"); digits may touch ("LPR3.1%")."""
    if not word.isascii():
        return True
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())
