"""Domain lexicon (corpus/lexicon.tsv): the words users say mapped to the words the policy uses."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot.nlu.normalize import normalize

LEXICON_FILE = "lexicon.tsv"
_SPLIT = re.compile(r"[,，、/|]")


class LexiconError(ValueError):
    """A malformed lexicon line; the message names the file and line in Chinese."""


@dataclass(frozen=True)
class Lexicon:
    """User phrase → policy terms, plus every term that jieba must keep whole."""

    expansions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    terms: frozenset[str] = frozenset()
    digest: str = ""

    def expand(self, text: str) -> list[str]:
        """Return the policy terms for every user phrase found in already-normalized text."""
        found: list[str] = []
        for phrase in self.matches(text):
            found.extend(t for t in self.expansions.get(phrase, ()) if t not in found)
        return found

    def matches(self, text: str) -> list[str]:
        """The lexicon words found in already-normalized text (see `segments`)."""
        return [seg for seg, is_word in self.segments(text) if is_word]

    def segments(self, text: str) -> list[tuple[str, bool]]:
        """Split lower-cased text into (piece, is_lexicon_word), words chosen leftmost-longest.

        Longest wins so that a policy term such as 昇腾创新中心 is not also read as the colloquial
        创新中心 (a 高能级平台); terms without expansions still claim their span.
        """
        lowered = text.lower()
        pieces: list[tuple[str, bool]] = []
        end = 0
        for m in self._matcher.finditer(lowered):
            if m.start() > end:
                pieces.append((lowered[end : m.start()], False))
            pieces.append((m.group(), True))
            end = m.end()
        if end < len(lowered):
            pieces.append((lowered[end:], False))
        return pieces

    @cached_property
    def _matcher(self) -> re.Pattern[str]:
        """Every term in one alternation, longest first, so a scan finds them leftmost-longest (built once)."""
        words = sorted((w for w in self.terms if w == w.lower()), key=lambda w: (-len(w), w))
        return re.compile("|".join(_alternative(w) for w in words) or "(?!)")


def _alternative(word: str) -> str:
    """Latin words must stand alone ("ip" is not in "ipo"); Chinese has no word boundaries to check."""
    body = re.escape(word)
    return f"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])" if word.isascii() else body


def parse_lexicon(text: str, source: str = LEXICON_FILE) -> Lexicon:
    """Parse lexicon lines `用户说法<TAB>政策用语[,政策用语...]`; a line with one column is a jieba term."""
    expansions: dict[str, list[str]] = {}
    terms: set[str] = set()
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cols = raw.rstrip("\n").split("\t")
        if len(cols) > 2:
            raise LexiconError(f"{source} 第 {lineno} 行格式错误：应为“用户说法<TAB>政策用语,...”")
        phrases = [normalize(p).lower() for p in _SPLIT.split(cols[0]) if p.strip()]
        targets = [normalize(t) for t in _SPLIT.split(cols[1]) if t.strip()] if len(cols) == 2 else []
        if not phrases:
            raise LexiconError(f"{source} 第 {lineno} 行缺少用户说法")
        for phrase in phrases:
            terms.add(phrase)
            if targets:
                merged = expansions.setdefault(phrase, [])
                merged.extend(t for t in targets if t not in merged)
        terms.update(t.lower() for t in targets)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    # Longest phrases first so that reports and tests read naturally; matching itself is order-free.
    ordered = dict(sorted(((k, tuple(v)) for k, v in expansions.items()), key=lambda kv: -len(kv[0])))
    return Lexicon(expansions=ordered, terms=frozenset(terms), digest=digest)


def load_lexicon(corpus_dir: Path, extra: tuple[Path, ...] = ()) -> Lexicon:
    """Every pack's lexicon.tsv (the built-in packs under corpus_dir/policies, then the extra pack folders),
    read as one; a pack without one adds nothing."""
    from bot.packs.corpus import pack_folders

    texts, sources = [], []
    for folder in pack_folders(corpus_dir, extra):
        path = folder / LEXICON_FILE
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8"))
            sources.append(str(path))
    if not texts:
        return Lexicon()
    lexicons = [parse_lexicon(t, source=s) for t, s in zip(texts, sources, strict=True)]
    return parse_lexicon("\n".join(texts), source="、".join(sources)) if len(lexicons) > 1 else lexicons[0]
