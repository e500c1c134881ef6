"""English phrasings glossed into the words the rest of the reading knows ("borrowed RMB 3 million on 2024-11-05
for 12 months" → "贷款 3 million RMB …期限12个月"): the language's glossary (bot/nlu/zh.yaml, general English)
and the pack's (its domain terms), applied only to a message with Latin letters."""

from __future__ import annotations

import re
from functools import lru_cache

_LATIN = re.compile(r"[A-Za-z]{2,}")


# \b of the glossaries is a boundary of Latin letters and digits: Python counts Chinese characters as word
# characters, so "related-party交易" has no \b after "party".
_LATIN_BOUNDARY = r"(?:(?<![A-Za-z0-9])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?![A-Za-z0-9]))"


@lru_cache(maxsize=8)
def compiled(rows: tuple[tuple[str, str], ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p.replace(r"\b", _LATIN_BOUNDARY), re.I), r) for p, r in rows)


def gloss(text: str, rows: tuple[tuple[str, str], ...]) -> str:
    """The text with every English phrasing of `rows` (pattern, replacement) replaced, in order; the patterns
    are compiled on the first message with Latin letters (a Chinese-only start-up never pays for them)."""
    if not _LATIN.search(text):
        return text
    for pattern, replace in compiled(rows):
        text = pattern.sub(replace, text)
    return text
