"""Facts read from a (normalized) question: amounts with their roles, years, counts, rates, terms and conditions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from bot.references import chinese_number
from calculators.money import find_amounts

_NUM = r"(\d+|[一二两三四五六七八九十]+)"


@dataclass(frozen=True)
class Amount:
    """One money mention in yuan, with the few characters before it (to tell roles apart)."""

    value: Decimal
    before: str
    raw: str
    claimed: bool = False  # "能拿300万": an outcome the user asserts, never an input


@dataclass
class Facts:
    """Everything the router could read from one message; None means the message did not say."""

    amounts: list[Amount] = field(default_factory=list)
    unitless: list[Decimal] = field(default_factory=list)
    year: int | None = None
    enterprises: int | None = None
    percent: Decimal | None = None
    lpr_percent: Decimal | None = None
    term_months: int | None = None
    years_since_founding: int | None = None
    tier: int | None = None
    flags: dict[str, bool] = field(default_factory=dict)

    @property
    def inputs(self) -> list[Amount]:
        return [a for a in self.amounts if not a.claimed]

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
    "non_affiliated": (r"非关联|没有关联|无关联|不是关联", r"(从|向|是)关联企业|关联方|有(投资)?关联"),
    "investment_relation": (
        r"有(投资)?关联|投资关系|投资关联",
        r"没有(投资)?关联|无(投资)?关联|没有投资关系",
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
_LPR = re.compile(r"LPR\s*(?:利率)?\s*(?:为|是|按)?\s*(\d+(?:\.\d+)?)\s*%?", re.I)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_TERM = re.compile(r"(?:期限|贷款期|借款期|为期|借了?|贷了?)\s*" + _NUM + r"\s*(年|个月|月)")
_TERM_LOOSE = re.compile(_NUM + r"\s*(个月|年期)")
_FOUNDED = re.compile(r"(?:成立|设立|引进|落户|注册)\D{0,2}?第?" + _NUM + r"\s*年")
_TIER = re.compile(r"第?([一二三123])\s*(档|等|级)")


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
    r"(能拿|可以拿|可拿|拿到|能领|能补|可补|补贴|补助|奖励|获得|获|到账|给我|给|拿|得到|receive|get|got)\s*(了|到)?\s*$",
    re.I,
)


def _amounts(text: str) -> tuple[list[Amount], list[Decimal]]:
    found, unitless = [], []
    for m in find_amounts(text):
        if m.value is None:
            unitless.append(m.number)
        else:
            before = text[max(0, m.start - 8) : m.start]
            found.append(Amount(m.value, before, m.raw, claimed=bool(_CLAIM.search(before))))
    return found, unitless


def extract(text: str) -> Facts:
    """Read every fact the router may need from a normalized question."""
    amounts, unitless = _amounts(text)
    facts = Facts(amounts=amounts, unitless=unitless, flags=_flags(text), term_months=_term_months(text))
    if m := _YEAR.search(text):
        facts.year = int(m.group(1))
    if m := _ENTERPRISES.search(text):
        facts.enterprises = chinese_number(m.group(1))
    if m := _LPR.search(text):
        facts.lpr_percent = Decimal(m.group(1))
    if m := _PERCENT.search(text):
        facts.percent = Decimal(m.group(1))
    if m := _FOUNDED.search(text):
        facts.years_since_founding = chinese_number(m.group(1))
    if m := _TIER.search(text):
        facts.tier = {"一": 1, "二": 2, "三": 3}.get(m.group(1)) or int(m.group(1))
    return facts
