"""Text normalization applied before anything else: traditional→simplified, full-width→half-width, emoji
and whitespace."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.nlu.lang import language

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


# A table pasted from a spreadsheet with its unit in a header ("项目\t金额(万元)", "流片明细（单位：万元）"): each row's
# bare amount at its end is in that unit, and each row is a clause of its own.
_TABLE_UNIT = re.compile(r"单位\s*[:：]\s*(万元|万|亿元|亿|元)|金额\s*[(（]\s*(万元|万|亿元|亿|元)\s*[)）]")
_ROW_AMOUNT = re.compile(r"(?<=[\t ])(\d+(?:\.\d+)?)\s*$")


def tabled(text: str) -> str:
    """The rows after a header giving the unit, with that unit written after each row's bare amount and the rows
    joined by "；"."""
    lines = text.split("\n")
    head = next((i for i, line in enumerate(lines) if _TABLE_UNIT.search(line)), None)
    if head is None:
        return _celled(lines) or text
    if head == len(lines) - 1:
        return text
    m = _TABLE_UNIT.search(lines[head])
    unit = (m.group(1) or m.group(2)) if m else ""
    rows = [_ROW_AMOUNT.sub(lambda a: a.group(1) + unit, line) for line in lines[head + 1 :]]
    return "\n".join(lines[: head + 1]) + "：" + "；".join(r.strip() for r in rows if r.strip())


_CELL = re.compile(r"\s*[|｜\t]\s*")


def _cells(line: str) -> list[str]:
    return [c for c in _CELL.split(line.strip().strip("|｜")) if c]


def _celled(lines: list[str]) -> str | None:
    """A table pasted with its cells split by "|" or tabs and its units in the cells ("产品 | 流片次数 | 费用",
    "A | 首次 | 1300万"): each row one clause (its cells joined by spaces, each amount after its column's name),
    the rows joined by "；" after the header."""
    rows = [i for i, line in enumerate(lines) if _CELL.search(line.strip())]
    if len(rows) < 3:
        return None
    head = rows[0]
    header = _cells(lines[head])
    table = {i: _cells(lines[i]) for i in rows[1:]}
    body = [i for i in rows[1:] if len(table[i]) == len(header)]
    if len(body) < 2 or body != list(range(head + 1, head + 1 + len(body))):
        return None
    out = []
    for i in body:
        said = []
        for h, c in zip(header, table[i], strict=True):
            if re.match(r"\d", c):
                said.append(f"{h}{c}")  # an amount after its column's name
            elif h.startswith("是否") and c in ("是", "否"):
                said.append(("" if c == "是" else "非") + h[2:])  # "是否关联 | 否" → 非关联
            else:
                said.append(c)
        out.append(" ".join(said))
    related = [j for j, h in enumerate(header) if h.startswith("是否") and "关联" in h]
    if language().table_parties.fullmatch(header[0]):
        # One counterparty a row; with a column saying whether each is related, those that are not.
        n = sum(1 for i in body if not related or table[i][related[0]] != "是")
        header[0] = f"{header[0]}{'中非关联的' if related else ''}共{n}家"
    rest = [line for line in lines[body[-1] + 1 :] if line.strip()]
    before = [line for line in lines[:head] if line.strip()]
    return "\n".join([*before, " ".join(header) + "：" + "；".join(out) + "；" + " ".join(rest)])


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Return text in simplified Chinese, half-width ASCII, single spaces, stripped."""
    text = unicodedata.normalize("NFC", text)
    if "\n" in text:
        text = tabled(text)
    text = to_halfwidth(_EMOJI.sub(" ", text))
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        text = _simplified(text)
    return arabic_dates(_SPACES.sub(" ", text).strip())


def _simplified(text: str) -> str:
    """Traditional characters made simplified — except the ones simplified text writes as they are (昇 of 昇腾,
    which OpenCC turns into 升)."""
    out: str = _t2s().convert(text)
    keep = language().kept_characters
    if len(out) != len(text) or not any(ch in keep for ch in text):
        return out
    return "".join(a if a in keep else b for a, b in zip(text, out, strict=True))
