"""Chinese money amounts: exact parsing to Decimal yuan, extraction from sentences, and rendering.

Choices (documented because users and the router depend on them):
- A number needs a money unit to be money: 元/块/圆, 万/w, 亿, k (千元), kw (千万), or a ¥/人民币 prefix.
  `parse_money("5000")` raises (5000 元 or 5000 万?); `find_amounts` reports it with `unit=None, value=None`.
- "5kw" is internet shorthand for 5 千万 (k = 千, w = 万); "50k" is 5 万元.
- Colloquial trailing digits count one place lower: "一万五" = 15000, "三千五" = 3500.
- Approximate amounts ("500多万", "约", "左右") are rejected by `parse_money`: a subsidy needs an exact figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from calculators.money_format import format_wan, format_yuan, plain_decimal, yuan_str

__all__ = [
    "MAX_YUAN",
    "AmountMention",
    "MoneyParseError",
    "find_amounts",
    "format_wan",
    "format_yuan",
    "parse_money",
    "yuan_str",
]

MAX_YUAN = Decimal("1000000000000")  # 1 万亿元: anything larger is a typo, not a subsidy question
_MAX_DIGITS = 24

# One-to-one character mapping so that positions in `find_amounts` refer to the caller's text.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in "，。：；（）！？"}
_FOLD.update({ord(a): ord(b) for a, b in zip("萬億兩貳參陸圓塊點圆", "万亿两贰叁陆元块点元", strict=True)})
_FOLD[0x3000] = ord(" ")

_DIGITS = {
    **dict.fromkeys("零〇", 0),
    **{c: i for i, c in enumerate("一二三四五六七八九", 1)},
    **{c: i for i, c in enumerate("壹贰叁肆伍陆柒捌玖", 1)},
    "两": 2,
}
_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "k": 1000, "K": 1000}
_BIG = {"万": 10000, "w": 10000, "W": 10000, "亿": 100000000}

_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?"
_CN = "零〇一二三四五六七八九两壹贰叁肆伍陆柒捌玖十拾百佰千仟万亿点"
_UNIT_CHARS = "十拾百佰千仟万亿"
_LATIN_UNIT = r"(?:[kK][wW]|[kKwW])(?![A-Za-z])"
# A digit run may follow a unit ("1亿2000万") but never another digit run: that would backtrack exponentially.
_BODY = rf"(?:{_ARABIC}|[{_CN}])(?:\s?[{_CN}]|\s?{_LATIN_UNIT}|(?<![\d.,]){_ARABIC})*"
_AMOUNT = re.compile(
    rf"(?P<prefix>(?:¥|￥|RMB|rmb|CNY|人民币)\s?)?(?P<sign>[-−负])?\s?"
    rf"(?P<body>{_BODY})\s?(?P<approx>[余多来])?\s?(?P<yuan>元|块钱|块)?"
)
# A number directly followed by one of these is a count, date, rank or rate, never money.
_NOT_MONEY_AFTER = re.compile(
    r"\s?(?:[年月日号时分秒天周岁家个条款项次人名倍期层栋台套件份位户只张%‰℃PpGgTt]|月份|小时|平方|平米|"
    r"个月|周年|年度|[-/:.．]\d)"
)
_NOT_MONEY_BEFORE = re.compile(r"(?:第|[-/:]|\d[-/:.])$")
_APPROX_WORDS = re.compile(r"约|大约|大概|左右|上下|将近|超过|以上|以下|不到|至少|最多")
# Amounts in another currency are not yuan: refused by parse_money, left out by find_amounts.
_FOREIGN_WORDS = (
    r"美元|美金|美刀|港币|港元|欧元|日元|日币|英镑|卢布|澳元|加元|韩元|台币|新加坡元|瑞郎|円"
    r"|(?<![A-Za-z])(?:USD|HKD|EUR|JPY|GBP|AUD|CAD|KRW|TWD|SGD|CHF)(?![A-Za-z])"
)
_FOREIGN = re.compile(rf"US\$|HK\$|\$|€|£|{_FOREIGN_WORDS}", re.I)
_FOREIGN_AFTER = re.compile(rf"\s?(?:{_FOREIGN_WORDS})", re.I)
_FOREIGN_BEFORE = re.compile(rf"(?:\$|€|£|{_FOREIGN_WORDS})\s?$", re.I)
# Digits glued to the match on the left: "1,2000万" must not yield "0万", nor "1/2亿" yield "2亿".
_CONTINUES_NUMBER = re.compile(r"(?:[\d幺]|[\d.][.,/~～]|0[xX])$")
# Digit groupings no one writes for an exact amount: "1,2000", "12,00", "12 000 000", "1.2.3", "1/2", "0x10".
_MALFORMED = re.compile(r"\d,(?:\d{1,2}|\d{4,})(?!\d)|\d\s+\d|\d\.\d*\.|\d[/xX]\d|幺")
_GE_YI = re.compile(r"(?<=[\d一二三四五六七八九十两半])个(?=\s?亿)")
_RANGE = re.compile(r"\d\s*[万亿元]?\s*[~～]\s*\d")


class MoneyParseError(ValueError):
    """A money text that cannot be read exactly; the message is Chinese and says why."""


@dataclass(frozen=True)
class AmountMention:
    """One money-like number in a text: `value` in 元, or None when the text gives no unit."""

    value: Decimal | None
    start: int
    end: int
    raw: str
    unit: str | None
    number: Decimal  # the number as written, before any 万/亿 unit (for unit-less mentions)
    approximate: bool = False


_CN_DIGIT = "零〇一二三四五六七八九两壹贰叁肆伍陆柒捌玖"
_CN_DECIMAL_POINT = re.compile(rf"(?<=[{_CN_DIGIT}])\.(?=[{_CN_DIGIT}])")  # "〇.八亿": a point read as 点
_ZEROS = "零〇"


def _fold(text: str) -> str:
    # One character for one, so positions hold; "3个亿" is said for 3亿 (the 个 becomes a space).
    return _GE_YI.sub(" ", _CN_DECIMAL_POINT.sub("点", text.translate(_FOLD)))


def _arabic(token: str) -> Decimal:
    digits = token.replace(",", "")
    mantissa = re.split(r"[eE]", digits)[0]
    if len(mantissa.replace(".", "")) > _MAX_DIGITS:
        raise MoneyParseError(f"金额“{token}”位数过多，不是合理的金额")
    exponent = re.search(r"[eE]([+-]?\d+)", digits)
    if exponent and abs(int(exponent.group(1))) > 20:
        raise MoneyParseError(f"金额“{token}”大得离谱，请核对")
    try:
        return Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - the regex only lets numbers through
        raise MoneyParseError(f"无法读取数字“{token}”") from exc


def _tokens(body: str) -> list[tuple[str, Decimal, str]]:
    """Split an amount body into ("num", value, raw) and ("small"/"big", multiplier, raw) tokens."""
    out: list[tuple[str, Decimal, str]] = []
    pos = 0
    body = body.replace(" ", "")
    while pos < len(body):
        match = re.match(_ARABIC, body[pos:])
        if match:
            out.append(("num", _arabic(match.group()), match.group()))
            pos += match.end()
            continue
        ch = body[pos]
        if body[pos : pos + 2].lower() == "kw":
            out += [("small", Decimal(1000), "k"), ("big", Decimal(10000), "w")]
            pos += 2
        elif ch in _DIGITS:
            pos = _chinese_number(body, pos, out)
        elif ch in _SMALL:
            out.append(("small", Decimal(_SMALL[ch]), ch))
            pos += 1
        elif ch in _BIG:
            out.append(("big", Decimal(_BIG[ch]), ch))
            pos += 1
        else:
            raise MoneyParseError(f"无法读取金额“{body}”中的“{ch}”")
    return out


def _digit_run(body: str, pos: int) -> str:
    """The digits written one by one at `pos` ("二〇二四"), or "" when they are ordinary numerals.

    A run of two or more Chinese digits that starts with a non-zero digit and contains 〇/零 is
    positional (一〇〇〇 = 1000); a leading 零 marks a skipped place instead ("一亿零五百万"), and a run
    without a zero ("一二三万") stays an error.
    """
    end = pos
    while end < len(body) and body[end] in _DIGITS:
        end += 1
    run = body[pos:end]
    if len(run) < 2 or run[0] in _ZEROS or not any(ch in _ZEROS for ch in run):
        return ""
    return run


def _chinese_number(body: str, pos: int, out: list[tuple[str, Decimal, str]]) -> int:
    """Read one Chinese digit (or a digit-by-digit run), with an optional 点 fraction, as a num token."""
    start = pos
    run = _digit_run(body, pos)
    text = "".join(str(_DIGITS[ch]) for ch in run) if run else str(_DIGITS[body[pos]])
    pos += max(len(run), 1)
    if pos < len(body) and body[pos] == "点":
        frac = ""
        pos += 1
        while pos < len(body) and body[pos] in _DIGITS:
            frac += str(_DIGITS[body[pos]])
            pos += 1
        if not frac:
            raise MoneyParseError(f"金额“{body}”中的“点”后缺少数字")
        text += "." + frac
    out.append(("num", Decimal(text), body[start:pos]))
    return pos


def _evaluate(tokens: list[tuple[str, Decimal, str]], raw: str) -> Decimal:
    """Combine tokens the way Chinese numerals work: 千百十 inside a 万/亿 section."""
    total = section = Decimal(0)
    num: Decimal | None = None
    last_small: Decimal | None = None
    last_big: Decimal | None = None
    last_unit, zero_seen = Decimal(1), False
    for kind, value, text in tokens:
        if kind == "num" and text in ("零", "〇"):
            zero_seen = True  # "一百零五": the zero only marks a skipped place
        elif kind == "num":
            if num is not None:
                raise MoneyParseError(f"金额“{raw}”中有连续的数字，无法确定数额")
            num = value
        elif kind == "small":
            if last_small is not None and value >= last_small:
                raise MoneyParseError(f"金额“{raw}”的数位顺序不对")
            section += (num if num is not None else Decimal(1)) * value
            num, last_small, last_unit, zero_seen = None, value, value, False
        else:
            if last_big is not None and value >= last_big and section + (num or 0) != 0:
                raise MoneyParseError(f"金额“{raw}”的数位顺序不对")
            if value == _BIG["亿"]:
                total = (total + section + (num or 0)) * value
            else:
                total += (section + (num if num is not None else (0 if section else 1))) * value
            section, num, last_small, last_big = Decimal(0), None, None, value
            last_unit, zero_seen = value, False
    if num is not None:
        lone = tokens[-1][2] in _DIGITS or re.fullmatch(r"\d", tokens[-1][2]) is not None
        # "一万五" / "三千五": a lone trailing digit right after a unit means one place lower.
        if lone and last_unit >= 100 and not zero_seen:
            num *= last_unit / 10
        section += num
    return total + section


_COUNTER_AFTER_UNIT = re.compile(r"\s?(?:[人家个次条台套件份位户只张名倍%颗片粒枚款股]|项(?!目))")
_COUNT_TAIL = re.compile(r"[万亿wW]\s?([一二两三四五六七八九十]+)$")
# What a numeral right after 万/亿 may count instead of adding to the amount: items, terms, instalments.
_COUNTED_AFTER_TAIL = re.compile(r"\s?(?:[人家个次条项台套件份位户只张名倍%年月期笔天周批轮]|季度)")
# A colloquial tail ends the amount ("3万2", "一万五的合同"); one after a space or running on into a word is
# the word's ("600万 一起算", "800万一共").
_TAIL_ENDS = re.compile(r"$|[\s，,。；;！!？?、）)】」”\"'：:元块的吧呢啊了左上]|[A-Za-z0-9]")


def _tail_is_word(body: str, after: str) -> bool:
    tail = _COUNT_TAIL.search(body)
    return tail is not None and (" " in tail.group() or not _TAIL_ENDS.match(after))


def _mention(match: re.Match[str], text: str) -> AmountMention | None:
    """Turn one regex match into a mention, or None when the number is clearly not money."""
    body = match.group("body").strip()
    if body[0] in _UNIT_CHARS + "点" and body[0] not in "十拾":
        return None  # "万一", "千万不要", "百分之": a unit without a leading digit
    sign_start = match.start("sign") if match.group("sign") else match.start("body")
    if match.group("sign") and sign_start > 0 and text[sign_start - 1].isdigit():
        return None  # "2023-06-20": a dash between digits is a separator, not a minus
    approx = bool(match.group("approx")) and bool(match.group("yuan"))
    end = match.end() if (match.group("yuan") or not match.group("approx")) else match.end("body")
    yuan = bool(match.group("yuan") or match.group("prefix"))
    big = re.search(r"[万亿]|[kKwW]", body) is not None
    after, before = (
        text[end : end + 4],
        text[max(0, match.start() - 2) : match.start()],
    )  # bounded: linear scans
    if not yuan and big and _COUNTER_AFTER_UNIT.match(after):
        return None  # "500万人次", "1000万家"
    if (
        not yuan
        and _COUNT_TAIL.search(body)
        and (_COUNTED_AFTER_TAIL.match(after) or _tail_is_word(body, after))
    ):
        return None  # "500万一年期", "600万 一起算": the 一 belongs to the next word; _before_count reads "500万"
    has_digit = re.search(r"\d", body) is not None
    if _CONTINUES_NUMBER.search(before):
        return None  # the tail of a number the regex could not read whole
    if not (yuan or big):
        if not has_digit or _NOT_MONEY_AFTER.match(after) or _NOT_MONEY_BEFORE.search(before):
            return None  # "统一", "3月", "第3条", "15%": words, dates, ranks and rates
    number = _evaluate(_tokens(body), body)
    if match.group("sign"):
        number = -number
    unit = _unit_of(body) if (yuan or big) else None
    value = number if unit else None
    return AmountMention(value, match.start(), end, text[match.start() : end], unit, number, approx)


def _unit_of(body: str) -> str:
    if "亿" in body:
        return "亿元"
    if re.search(r"万|[wW]", body):
        return "万元"
    return "元"


# "5 million RMB", "1.2 million yuan": amounts written in English scale words.
# "签了0.8M RMB" (right after a Chinese character), a bare "2.5M" (upper case: M never means metres here).
_ENGLISH = re.compile(
    r"(?<![A-Za-z0-9_.])(\d+(?:\.\d+)?)\s*(million|mn|billion|bn|thousand|m(?=\s*(?:RMB|CNY|yuan))|(?-i:M))"
    r"(?![A-Za-z])(?:\s*(?:RMB|CNY|yuan))?",
    re.I,
)
_ENGLISH_SCALE = {"million": 10**6, "mn": 10**6, "m": 10**6, "billion": 10**9, "bn": 10**9, "thousand": 10**3}


def _english(text: str) -> list[AmountMention]:
    out = []
    for m in _ENGLISH.finditer(text):
        value = Decimal(m.group(1)) * _ENGLISH_SCALE[m.group(2).lower()]
        out.append(AmountMention(value, m.start(), m.end(), m.group(), "元", value))
    return out


def find_amounts(text: str) -> list[AmountMention]:
    """Every money-like number in `text`, in order; dates, counts, ranks and rates are skipped.

    Unit-less numbers ("5000") come back with `unit=None, value=None` and the bare `number`,
    so the caller decides whether they mean 元 or 万元.
    """
    folded = _fold(text)
    english = _english(folded)
    found: list[AmountMention] = [e for e in english if not _is_foreign(e, folded)]
    for match in _AMOUNT.finditer(folded):
        if any(e.start < match.end() and match.start() < e.end for e in english):
            continue
        if _piece_word(match, folded):
            continue
        try:
            mention = (
                _approx_mention(match, folded) or _mention(match, folded) or _before_count(match, folded)
            )
        except MoneyParseError:
            continue  # extraction is best-effort; parse_money reports such errors itself
        if mention is not None and not _is_foreign(mention, folded):
            found.append(mention)
    return sorted(found, key=lambda a: a.start)


# "分成两块：一块是常规EDA…": 块 counting the parts of something, not yuan.
_PIECE_AFTER = re.compile(r"\s?(?:[是：:，,、都]|钱?[的]?(?:是|为)|加起来|合起来|一共|总共|合计|共|分别|各)")
_PIECE_BEFORE = re.compile(r"(?:分成|分为|分|成|另|另外|其中|这|那|前|后)\s?$")


def _piece_word(match: re.Match[str], text: str) -> bool:
    """A small Chinese numeral + 块 that counts parts: followed by 是/：/，or a sum (加起来, 一共), or after 分成/另
    or a demonstrative ("那两块一共多少")."""
    if (
        match.group("yuan") != "块"
        or len(match.group("body")) != 1
        or match.group("body") not in "一两二三四五六七八九"
    ):
        return False
    return bool(
        _PIECE_AFTER.match(text, match.end())
        or _PIECE_BEFORE.search(text[max(0, match.start() - 3) : match.start()])
    )


def _is_foreign(mention: AmountMention, text: str) -> bool:
    """Whether a currency other than 人民币 is named right after or before the amount."""
    after = _FOREIGN_AFTER.match(text, mention.end)
    return (
        after is not None
        or _FOREIGN_BEFORE.search(text[max(0, mention.start - 4) : mention.start]) is not None
    )


def _before_count(match: re.Match[str], text: str) -> AmountMention | None:
    """ "1200万两个产品", "300万三家": the numeral after 万/亿 counts the next noun, it is not money."""
    body = match.group("body")
    tail = _COUNT_TAIL.search(body)
    after = text[match.end("body") : match.end("body") + 4]
    if (
        tail is None
        or match.group("yuan")
        or not (_COUNTED_AFTER_TAIL.match(after) or _tail_is_word(body, after))
    ):
        return None
    shorter = _AMOUNT.match(text, match.start(), match.start("body") + tail.start(1))
    return _mention(shorter, text) if shorter else None


def _approx_mention(match: re.Match[str], text: str) -> AmountMention | None:
    """ "500多万": the unit sits after 多/余, beyond what the amount regex matched."""
    if not match.group("approx") or match.group("yuan"):
        return None
    rest = re.match(r"\s?([万亿])(元)?|\s?([wW])(?![A-Za-z])", text[match.end() :])
    if rest is None:
        return None
    unit_char = rest.group(1) or rest.group(3)
    body = match.group("body") + unit_char
    number = _evaluate(_tokens(body), body)
    end = match.end() + rest.end()
    unit = "亿元" if unit_char == "亿" else "万元"
    return AmountMention(number, match.start(), end, text[match.start() : end], unit, number, True)


def parse_money(text: str) -> Decimal:
    """Read one exact amount such as "1200万", "1.2亿", "壹仟贰佰万元" and return it in 元."""
    if text is None or not str(text).strip():
        raise MoneyParseError("金额为空，请给出数额，如“1200万元”")
    raw = str(text).strip()
    folded = _fold(raw).strip().rstrip("整").strip()
    folded = re.sub(r"(?<=\d)，(?=\d{3}(?!\d))", ",", folded)  # full-width IME thousands separator
    if _APPROX_WORDS.search(folded):
        raise MoneyParseError(f"“{raw}”是约数，补贴测算需要确切金额")
    if _FOREIGN.search(folded):
        raise MoneyParseError(f"“{raw}”是外币金额；本政策按人民币计算，请先换算成人民币（元）")
    if _RANGE.search(folded):
        raise MoneyParseError(f"“{raw}”是一个范围，补贴测算需要确切金额")
    if _MALFORMED.search(folded):
        raise MoneyParseError(f"“{raw}”的数字写法无法确定数额，请写成“1200万元”或“12,000,000元”这样的形式")
    if re.match(r"^\s*(?:[-−]|负)", folded):
        raise MoneyParseError(f"金额“{raw}”是负数，金额不能为负")
    match = _AMOUNT.fullmatch(folded)
    if match is None:
        return _parse_loose(raw, folded)
    if match.group("approx"):
        raise MoneyParseError(f"“{raw}”是约数，补贴测算需要确切金额")
    mention = _mention(match, folded)
    if mention is None or mention.value is None:
        raise MoneyParseError(f"金额“{raw}”缺少单位（元、万元或亿元），无法确定数额")
    return _check_range(mention.value, raw)


def _parse_loose(raw: str, folded: str) -> Decimal:
    """Text with words around the amount: accept it only when it names exactly one amount."""
    mentions = [m for m in find_amounts(folded) if m.value is not None]
    if not mentions:
        if find_amounts(folded):
            raise MoneyParseError(f"金额“{raw}”缺少单位（元、万元或亿元），无法确定数额")
        raise MoneyParseError(f"无法从“{raw}”中读出金额，请写成“1200万元”这样的形式")
    if any(m.approximate for m in mentions):
        raise MoneyParseError(f"“{raw}”是约数，补贴测算需要确切金额")
    values = {m.value for m in mentions}
    if len(values) > 1:
        shown = "、".join(m.raw for m in mentions)
        raise MoneyParseError(f"“{raw}”中有多个不同金额（{shown}），请一次只给一个")
    value = mentions[0].value
    assert value is not None
    if value < 0:
        raise MoneyParseError(f"金额“{raw}”是负数，金额不能为负")
    return _check_range(value, raw)


def _check_range(value: Decimal, raw: str) -> Decimal:
    if not value.is_finite():
        raise MoneyParseError(f"金额“{raw}”不是有限数值")
    if value < 0:
        raise MoneyParseError(f"金额“{raw}”是负数，金额不能为负")
    if value > MAX_YUAN:
        raise MoneyParseError(f"金额“{raw}”超过1万亿元，大得离谱，请核对单位")
    return plain_decimal(value)
