"""Facts read from a (normalized) question: amounts with their roles, years, counts, rates, terms and conditions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bot.nlu.dates import find_dates, loan_term, relative_year
from bot.nlu.references import chinese_number
from calculators.money import find_amounts

_NUM = r"(\d+|[一二两三四五六七八九十]+)"


@dataclass(frozen=True)
class Amount:
    """One money mention in yuan, with the few characters before it (to tell roles apart)."""

    value: Decimal
    before: str
    raw: str
    claimed: bool = False  # "能拿300万": an outcome the user asserts, never an input
    start: int = 0
    end: int = 0
    bound: bool = False  # "超过5000万": a threshold the figure passes, not the figure itself


@dataclass
class Facts:
    """Everything the router could read from one message; None means the message did not say."""

    amounts: list[Amount] = field(default_factory=list)
    unitless: list[Decimal] = field(default_factory=list)
    year: int | None = None
    enterprises: int | None = None
    percent: Decimal | None = None
    lpr_percent: Decimal | None = None
    actual_rate_percent: Decimal | None = None
    loan_date: date | None = None
    established_date: date | None = None
    term_months: int | None = None
    term_days: int | None = None
    years_since_founding: int | None = None
    tier: int | None = None
    flags: dict[str, bool] = field(default_factory=dict)

    @property
    def inputs(self) -> list[Amount]:
        """Amounts the user gives as facts; a threshold named next to an exact figure is left out
        ("研发投入超过5000万，具体是5200万" → 5200万)."""
        given = [a for a in self.amounts if not a.claimed]
        exact = [a for a in given if not a.bound]
        return exact or given

    def money(self, exclude: tuple[str, ...] = ()) -> list[Decimal]:
        """Input amounts whose preceding words mention none of `exclude` (e.g. leave out 关联交易额)."""
        return [a.value for a in self.inputs if not any(w in a.before for w in exclude)]

    def money_with(self, words: tuple[str, ...]) -> list[Decimal]:
        return [a.value for a in self.inputs if any(w in a.before for w in words)]


# Each flag: (regex meaning True, regex meaning False); the False pattern is checked first.
FLAG_PATTERNS: dict[str, tuple[str, str]] = {
    "first": (r"首次|第一次|头一次|首轮", r"第[二两三四五六七八九]次|再次|非首次|不是首次|又一次"),
    "sales": (
        r"(实现|有|已)(了)?(实际)?销售|已经?(有)?销售|卖出|已销售",
        r"(没有|没|未|尚未|还没有?|无)(实现)?(实际)?销售",
    ),
    "signoff": (r"签核", r"不是签核|非签核"),
    "non_affiliated": (
        r"非关联|没有关联|无关联|不是关联|不存在(投资)?关联",
        r"(从|向|是)关联企业|关联方|(?<![没无])有(投资)?关联",
    ),
    "investment_relation": (
        r"(?<![没无])有(投资)?关联|投资关系|投资关联",
        r"(没有|无|不存在|并无|不具有)(投资)?关联|(没有|不存在|并无)投资关系",
    ),
    "prior_approval": (r"事前报批|已报批|报批了|已经报批", r"(没有|没|未|无)(事前)?报批"),
    "national": (r"国家级", r"^$"),
    "provincial": (r"省级|省政府|省重点", r"^$"),
    "municipal_only": (r"市级|区级", r"^$"),
    "first_to_market": (r"首次上市", r"不是首次上市|非首次上市"),
    "self_developed": (r"自主研发|自研", r"不是自主研发|非自主研发"),
}

_YEAR = re.compile(r"(20\d{2})\s*年")
_ENTERPRISES = re.compile(_NUM + r"\s*家")
# "实际利率2.8%" is the loan's own rate; "LPR利率3.1%" is the benchmark (read by _LPR).
_ACTUAL_RATE = re.compile(
    r"(?<!LPR)(?:实际|贷款|执行|合同|年化|年)利率\s*(?:为|是|按|只有|仅)?\s*(\d+(?:\.\d+)?)\s*%"
)
_LPR = re.compile(r"LPR\s*(?:利率)?\s*(?:为|是|按)?\s*(\d+(?:\.\d+)?)\s*%?", re.I)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
# 1-2 digit counts only, and never the year of a date ("贷款2024年8月", "成立，24年8月").
_SMALL_NUM = r"(?<![\d年.])(\d{1,2}|[一二两三四五六七八九十]+)"
_TERM = re.compile(
    r"(?:期限|贷款期|借款期|为期|借了?|贷了?)\D{0,4}?" + _SMALL_NUM + r"\s*(年(?!\s*\d)|个月|月(?!\s*\d|份))"
)
_TERM_LOOSE = re.compile(_NUM + r"\s*(个月|年期)")
_FOUNDED = re.compile(r"(?:成立|设立|引进|落户|注册)\D{0,2}?第?" + _SMALL_NUM + r"\s*年(?!\s*\d)")
_TIER = re.compile(r"第?([一二三123])\s*(档|等|级)")
_TIER_WORD = re.compile(r"最([高低])(?:一)?档")


def _flags(text: str) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for name, (yes, no) in FLAG_PATTERNS.items():
        if no != "^$" and re.search(no, text):
            out[name] = False
        elif re.search(yes, text):
            out[name] = True
    return out


def _term_months(text: str) -> int | None:
    m = _TERM.search(text) or _TERM_LOOSE.search(text)
    if not m:
        return None
    n = chinese_number(m.group(1))
    if n is None:
        return None
    return n if "月" in m.group(2) else n * 12


# Words right before an amount that make it a claimed result ("能拿300万", "receive 300万"), not a cost.
_CLAIM = re.compile(
    r"(能拿|可以拿|可拿|拿到|能领|能补|可补|补贴|补助|奖励|获得|获|到账|给我|给|拿|得到|receive|get|got)\s*(了|到)?\s*"
    r"(是不是|是否是|是否有|有没有|能不能有|就是|能有|会是|应该是|是|有|只有|才)?\s*$",
    re.I,
)


_BOUND = re.compile(r"(超过|超出|高于|大于|不到|不足|低于|小于|达到|突破|起码|至少)\s*$")


def _amounts(text: str) -> tuple[list[Amount], list[Decimal]]:
    found, unitless = [], []
    for m in find_amounts(text):
        if m.value is None:
            unitless.append(m.number)
        else:
            before = text[max(0, m.start - 8) : m.start]
            claimed = bool(_CLAIM.search(before))
            bound = bool(_BOUND.search(before))
            found.append(Amount(m.value, before, m.raw, claimed, m.start, m.end, bound))
    return found, unitless


_CLAUSE_BREAK = re.compile(r"[，,；;。！!？?]")


def _clause_index(text: str) -> list[int]:
    """Clause number of every character position (clauses end at ，；。！？)."""
    index, n = [], 0
    for ch in text + "。":
        index.append(n)
        n += bool(_CLAUSE_BREAK.match(ch))
    return index


def _within(amounts: list[Amount], hits: list[tuple[int, str]]) -> list[str | None]:
    """Several amounts in one clause: "设备600万和芯片400万" (marker first) or "300万的普通EDA和200万的签核…"."""
    prefix = any(pos < amounts[0].start for pos, _ in hits)
    own: list[str | None] = []
    for i, amount in enumerate(amounts):
        if prefix:
            lo, hi = (amounts[i - 1].end if i else -1), amount.start
        else:
            lo, hi = amount.end, (amounts[i + 1].start if i + 1 < len(amounts) else 10**9)
        span = [role for pos, role in hits if lo <= pos < hi]
        own.append((span[-1] if prefix else span[0]) if span else None)
    # Unmarked amounts share the marker of the item they belong to: "签核中心EDA 100万和200万".
    order = range(len(own)) if prefix else range(len(own) - 1, -1, -1)
    carried: str | None = None
    for i in order:
        carried = own[i] = own[i] or carried
    return own


def roles(text: str, amounts: list[Amount], markers: dict[str, str]) -> list[str | None]:
    """Which marker each amount goes with: "签核中心EDA 200万，另外普通EDA 600万" → [签核, 普通].

    A marker belongs to the amounts of its own clause; a clause with markers but no amount describes
    the next amount when the text names a kind before its first amount ("一套是签核中心的，120万"),
    otherwise the previous one ("买了200万的EDA，是签核中心企业研发的").
    An amount whose clause names no marker gets None (the caller's default).
    """
    if not amounts:
        return []
    clause = _clause_index(text)
    hits = sorted((m.start(), role) for role, pat in markers.items() for m in re.finditer(pat, text))
    with_amounts = sorted({clause[a.start] for a in amounts})
    # Writers who name the kind before the first amount keep doing so ("一套是签核中心的，120万").
    forward = bool(hits) and hits[0][0] < amounts[0].start
    local: dict[int, list[tuple[int, str]]] = {}
    for pos, role in hits:
        before = [c for c in with_amounts if c <= clause[pos]]
        after = [c for c in with_amounts if c >= clause[pos]]
        near = after[0] if after and (forward or not before) else before[-1]
        local.setdefault(near, []).append((pos, role))
    out: list[str | None] = []
    for c in with_amounts:
        mine = [a for a in amounts if clause[a.start] == c]
        found = local.get(c, [])
        out += (
            _within(mine, found) if found and len(mine) > 1 else [found[-1][1] if found else None] * len(mine)
        )
    return out


def net_of_parts(text: str, amounts: list[Amount]) -> list[Decimal]:
    """ "一共300万，其中签核中心的100万" → [200万, 100万]: a part named after 其中 leaves its total."""
    values = [a.value for a in amounts]
    for i in range(1, len(amounts)):
        between = text[amounts[i - 1].end : amounts[i].start]
        if "其中" in between and values[i - 1] >= amounts[i].value:
            values[i - 1] -= amounts[i].value
    return values


def _dates(facts: Facts, text: str, today: date | None) -> None:
    mentions = find_dates(text, today)
    if facts.year is None:
        # "24年3月交的保费", "今年的保费": the year of a date, or a relative year.
        facts.year = mentions[0].value.year if mentions else relative_year(text, today)
    term = loan_term(mentions, text) if facts.term_months is None else None
    if term is not None:
        setattr(facts, term[0], term[1])
    for mention in mentions:
        if mention.founding:
            facts.established_date = facts.established_date or mention.value
        else:
            facts.loan_date = facts.loan_date or mention.value


def extract(text: str, today: date | None = None) -> Facts:
    """Read every fact the router may need from a normalized question (`today` resolves "去年8月")."""
    amounts, unitless = _amounts(text)
    facts = Facts(amounts=amounts, unitless=unitless, flags=_flags(text), term_months=_term_months(text))
    if m := _YEAR.search(text):
        facts.year = int(m.group(1))
    counts = list(_ENTERPRISES.finditer(text))
    # "被10家企业调用，其中非关联企业2家": the count next to 非关联 is the one the rules ask about.
    near = [m for m in counts if "非关联" in text[max(0, m.start() - 6) : m.end() + 4]]
    if counts:
        facts.enterprises = chinese_number((near or counts)[0].group(1))
    if m := _LPR.search(text):
        facts.lpr_percent = Decimal(m.group(1))
    if m := _ACTUAL_RATE.search(text):
        facts.actual_rate_percent = Decimal(m.group(1))
    if m := _PERCENT.search(text):
        facts.percent = Decimal(m.group(1))
    if m := _FOUNDED.search(text):
        facts.years_since_founding = chinese_number(m.group(1))
    if m := _TIER.search(text):
        facts.tier = {"一": 1, "二": 2, "三": 3}.get(m.group(1)) or int(m.group(1))
    elif m := _TIER_WORD.search(text):
        facts.tier = 1 if m.group(1) == "高" else 3
    _dates(facts, text, today)
    return facts
