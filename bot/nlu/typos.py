"""Homophone typos of a pack's terms ("刘片" for 流片, "签合中心" for 签核中心), and letters of its acronyms typed in
the wrong order ("EAD" for EDA, "PI核" for IP核), fixed before matching.

A table of the pinyin of every character that sounds like a character of some vocabulary term is built once
with pypinyin and cached as JSON next to the index, so a running engine never imports pypinyin.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

log = logging.getLogger(__name__)
CACHE_NAME = "homophones.json"
_HAN = re.compile(r"[\u4e00-\u9fff]")
_PINYIN_RUN = re.compile(r"(?<![A-Za-z])[a-z]{2,}(?![A-Za-z])")  # lower-case letters: pinyin, not an acronym
_ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z]{2,4}(?![A-Za-z])")


@dataclass(frozen=True)
class Homophones:
    """Pinyin (toneless) of the characters that matter, and the Chinese terms to correct towards."""

    pinyin: dict[str, str]
    terms: tuple[str, ...]
    acronyms: tuple[str, ...] = ()
    everyday: frozenset[str] = frozenset()  # words meant as written, whatever term they sound like
    # Each term's syllables read as a word ("行业标准" is hang ye, though 行 alone reads xing), when known.
    sounds: dict[str, list[str]] | None = None

    def correct(self, text: str, short_terms: bool = True) -> str:
        """Replace every window that sounds like a term, shares a character with it, but is written otherwise.

        Two-character terms are corrected only when `short_terms` (the caller found no term as written):
        "续签合同" must not become "续签核同"."""
        text = self._romanized_fixed(self._letters_fixed(text))
        if not self.terms:
            return text
        sounds = [self.pinyin.get(ch) for ch in text]
        out = list(text)
        i = 0
        while i < len(out):
            fixed = self._fix_at(out, sounds, i, text, short_terms)
            i += fixed or 1
        return "".join(out)

    def _letters_fixed(self, text: str) -> str:
        """An upper-case token that is no acronym of the pack but has the letters of exactly one ("EAD")."""
        if not self.acronyms or not _ACRONYM.search(text):
            return text

        def fix(m: re.Match[str]) -> str:
            word = m.group()
            if word in self.acronyms:
                return word
            same = [a for a in self.acronyms if sorted(a) == sorted(word)]
            return same[0] if len(same) == 1 else word

        return _ACRONYM.sub(fix, text)

    def _romanized_fixed(self, text: str) -> str:
        """Terms typed partly or wholly in toneless pinyin ("首次liupian", "guoji标准", "流pian"): the letters that
        spell the term's syllables, with the characters around them, become the term."""
        if not self.terms or not _PINYIN_RUN.search(text):
            return text
        units: list[tuple[int, int, str | None, bool]] = []  # start, end, sound, typed in letters
        at = 0
        for m in _PINYIN_RUN.finditer(text):
            units += [(i, i + 1, self.pinyin.get(text[i]), False) for i in range(at, m.start())]
            split = self._syllables_of(m.group())
            if split is None:
                units.append((m.start(), m.end(), None, True))
            else:
                pos = m.start()
                for syllable in split:
                    units.append((pos, pos + len(syllable), syllable, True))
                    pos += len(syllable)
            at = m.end()
        units += [(i, i + 1, self.pinyin.get(text[i]), False) for i in range(at, len(text))]
        out, k, last = [], 0, 0
        while k < len(units):
            found = next(
                (
                    (term, len(sound))
                    for term, sound in self._by_first_sound.get(units[k][2] or "", ())
                    if [u[2] for u in units[k : k + len(sound)]] == sound
                    and any(u[3] for u in units[k : k + len(sound)])
                ),
                None,
            )
            if found is None:
                k += 1
                continue
            term, n = found
            out += [text[last : units[k][0]], term]
            last, k = units[k + n - 1][1], k + n
        return "".join(out) + text[last:] if out else text

    def _syllables_of(self, letters: str) -> list[str] | None:
        """The letters split into pinyin syllables of the table, longest first; None when they are not pinyin."""
        syllables = self._syllables
        out, i = [], 0
        while i < len(letters):
            step = next(
                (n for n in range(min(6, len(letters) - i), 0, -1) if letters[i : i + n] in syllables), 0
            )
            if not step:
                return None
            out.append(letters[i : i + step])
            i += step
        return out

    @cached_property
    def _syllables(self) -> frozenset[str]:
        return frozenset(self.pinyin.values())

    def _fix_at(self, out: list[str], sounds: list[str | None], i: int, text: str, short_terms: bool) -> int:
        """Replace the longest term sounding like the window at i (a replacement keeps the length, so the
        sounds stay aligned); the replaced length, or 0."""
        for term, sound in self._by_first_sound.get(sounds[i] or "", ()):
            n = len(term)
            if (n < 3 and not short_terms) or term in text or sounds[i : i + n] != sound:
                continue
            window = out[i : i + n]
            if "".join(window) in self.everyday:
                continue  # "只算100万": a word of its own, not a typo of 智算
            same = sum(a == b for a, b in zip(window, term, strict=True))
            if max(1, n - 2) <= same < n:
                out[i : i + n] = list(term)
                return n
        return 0

    @cached_property
    def _by_first_sound(self) -> dict[str, list[tuple[str, list[str | None]]]]:
        """Terms (longest first) with their sounds, by the sound of their first character."""
        index: dict[str, list[tuple[str, list[str | None]]]] = {}
        for term in self.terms:
            said = (self.sounds or {}).get(term)
            sound: list[str | None] = list(said) if said else [self.pinyin.get(ch) for ch in term]
            if None not in sound:
                index.setdefault(str(sound[0]), []).append((term, sound))
        return index


def _terms(words: Iterable[str]) -> tuple[str, ...]:
    han = {w for w in words if len(w) >= 2 and all(_HAN.match(ch) for ch in w)}
    return tuple(sorted(han, key=lambda w: (-len(w), w)))  # a stable order: the cache's digest depends on it


def _acronyms(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({m.group() for w in words for m in _ACRONYM.finditer(w)}))


def _digest(terms: tuple[str, ...]) -> str:
    return hashlib.sha256("|".join(terms).encode("utf-8")).hexdigest()[:16]


def term_sounds(terms: tuple[str, ...]) -> dict[str, list[str]]:
    """Each term's toneless syllables, read as a word (pypinyin's phrase readings: 行业 is hang ye)."""
    from pypinyin import Style, lazy_pinyin

    return {term: lazy_pinyin(term, style=Style.NORMAL) for term in terms}


def build_table(terms: tuple[str, ...]) -> dict[str, str]:
    """Toneless pinyin of every character sharing a sound with a character of the terms, as a word or alone
    (imports pypinyin)."""
    from pypinyin import Style, lazy_pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    wanted = {lazy_pinyin(ch, style=Style.NORMAL)[0] for term in terms for ch in term}
    wanted |= {sound for said in term_sounds(terms).values() for sound in said}
    table: dict[str, str] = {}
    for code in pinyin_dict:
        ch = chr(code)
        if not _HAN.match(ch):
            continue
        sound = lazy_pinyin(ch, style=Style.NORMAL)[0]
        if sound in wanted:
            table[ch] = sound
    return table


def load_homophones(
    words: Iterable[str], cache_dir: Path | None, everyday: frozenset[str] = frozenset()
) -> Homophones:
    """The table for these terms, from the cache when it matches, else built (and cached when possible);
    `everyday` are words never corrected."""
    words = list(words)
    terms = _terms(words)
    digest = _digest(terms)
    path = cache_dir / CACHE_NAME if cache_dir else None
    if path is not None and path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("digest") == digest and "sounds" in data:
                return Homophones(data["pinyin"], terms, _acronyms(words), everyday, data["sounds"])
        except (OSError, ValueError, KeyError):
            log.warning("同音字表缓存损坏，重新生成：%s", path)
    try:
        table, sounds = build_table(terms), term_sounds(terms)
    except ImportError:  # pypinyin missing: typo correction off, everything else works
        log.warning("未安装 pypinyin，不做同音错别字纠正")
        return Homophones({}, (), _acronyms(words), everyday)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                json.dumps({"digest": digest, "pinyin": table, "sounds": sounds}, ensure_ascii=False),
                encoding="utf-8",
            )
        except OSError:
            log.warning("无法写入同音字表缓存：%s", path)
    return Homophones(table, terms, _acronyms(words), everyday, sounds)
