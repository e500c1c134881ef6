"""Text normalization applied before anything else: traditional→simplified, full-width→half-width, emoji
and whitespace."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
# Emoji and pictographs carry no facts ("有奖励吗🤔"): a space, so a question still ends in its question word.
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d]+")
# Full-width punctuation that carries meaning in policy text is kept (，。、“”《》（）).
_KEEP = set("，。、；：？！“”‘’《》（）【】〔〕")


# Dates written in Chinese digits ("二〇二五年七月三十日"): Arabic digits, so dates and years read as usual.
_CN_DIGIT = dict(zip("〇零一二三四五六七八九", "0012345678" + "9", strict=True))
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})(?=\s*年)")
_CN_MONTH = re.compile(r"(?<=年)(\s*)(十[一二]?|[一二三四五六七八九])(?=\s*月)")
_CN_DAY = re.compile(
    r"(?<=月)(\s*)(三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])(?=\s*[日号])"
)


def _small(token: str) -> str:
    """ "十二" → "12", "二十九" → "29", "七" → "7"."""
    tens, _, ones = token.rpartition("十")
    if "十" not in token:
        return _CN_DIGIT[token]
    return str((int(_CN_DIGIT[tens]) if tens else 1) * 10 + (int(_CN_DIGIT[ones]) if ones else 0))


def arabic_dates(text: str) -> str:
    if not any(ch in text for ch in "〇零一二三四五六七八九"):
        return text
    text = _CN_YEAR.sub(lambda m: "".join(_CN_DIGIT[c] for c in m.group(1)), text)
    text = _CN_MONTH.sub(lambda m: m.group(1) + _small(m.group(2)), text)
    return _CN_DAY.sub(lambda m: m.group(1) + _small(m.group(2)), text)


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("t2s")  # the C++ build: loads in milliseconds, the pure-Python one in 2 s


def to_halfwidth(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _KEEP:
            out.append(ch)
        elif code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Return text in simplified Chinese, half-width ASCII, single spaces, stripped."""
    text = unicodedata.normalize("NFC", text)
    text = to_halfwidth(_EMOJI.sub(" ", text))
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        text = _t2s().convert(text)
    return arabic_dates(_SPACES.sub(" ", text).strip())
