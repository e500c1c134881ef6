"""Clause m17 (强化金融服务): LPR interest subsidy on loans of young IC enterprises."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator

from calculators.base import CalcInput, Money, Part, Percent, SubsidyResult, failed, fen, result
from calculators.errors import CalculatorInputError
from calculators.money import format_wan, format_yuan

LPR_QUOTE = (
    "对集成电路企业自设立或引进三年内使用银行贷款的，按照银行同期 LPR 利率给予利息补贴，"
    "补贴贷款额度最高不超过 500 万元。"
)
LPR_PRINCIPAL_CAP = Decimal(5_000_000)
LPR_WINDOW_YEARS = 3  # 三年内: a loan taken on the third anniversary still counts
# Term → LPR tenor: the LPR has only 1-year and 5-years-and-above quotes; banks price loans of up to
# five years off the 1-year LPR, so terms above 60 months use the 5-year quote.
LPR_LONG_TERM_MONTHS = 60
DEFAULT_LPR_PATH = Path(__file__).resolve().parents[2] / "corpus" / "lpr.json"


@dataclass(frozen=True)
class LprEntry:
    """One published LPR fixing: the date it took effect and the 1-year and 5-year-plus rates (percent)."""

    effective: date
    one_year: Decimal
    five_year: Decimal


@dataclass(frozen=True)
class LprTable:
    """The dated LPR table from corpus/lpr.json."""

    entries: tuple[LprEntry, ...]
    known_valid_through: date
    source: str

    def lookup(self, on: date) -> LprEntry | None:
        """The fixing in force on a date, or None before the first entry."""
        found = None
        for entry in self.entries:
            if entry.effective <= on:
                found = entry
        return found


@lru_cache(maxsize=4)
def load_lpr_table(path: Path = DEFAULT_LPR_PATH) -> LprTable:
    """Read the LPR table (cached: the file is data that changes only with a release)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    entries = tuple(
        LprEntry(date.fromisoformat(e["date"]), Decimal(e["1y"]), Decimal(e["5y"])) for e in raw["entries"]
    )
    through = date.fromisoformat(raw["known_valid_through"])
    return LprTable(tuple(sorted(entries, key=lambda e: e.effective)), through, raw["publisher"])


def add_years(day: date, years: int) -> date:
    """Same calendar day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class LprLoanInput(CalcInput):
    principal_yuan: Money = Field(..., description="贷款本金（元）；补贴按最高 500 万元本金计算")
    term_months: int | None = Field(
        None, ge=1, le=360, description="贷款期限（月），如 12；与 term_days 二选一"
    )
    term_days: int | None = Field(
        None, ge=1, le=10_950, description="贷款实际天数（按 365 天折年）；与 term_months 二选一"
    )
    loan_date: date | None = Field(None, description="放款日期，如 2024-08-01；用于查当期 LPR 和判断三年期限")
    established_date: date | None = Field(None, description="企业设立或引进（落户）日期，如 2023-03-01")
    lpr_percent: Percent | None = Field(
        None, description="同期 LPR（百分数，如 3.1 或“3.1%”）；不填则按放款日期查表"
    )
    actual_rate_percent: Percent | None = Field(
        None, description="贷款实际年利率（百分数）；低于 LPR 时按实际利息封顶"
    )
    is_ic_enterprise: bool = Field(True, description="借款方是否为集成电路企业")
    within_three_years: bool | None = Field(None, description="不给日期时：贷款是否在设立或引进后三年内")

    @model_validator(mode="after")
    def _consistent(self) -> LprLoanInput:
        if self.term_months is not None and self.term_days is not None:
            raise ValueError("贷款期限请只给 term_months 或 term_days 其中之一")
        if self.loan_date and self.established_date and self.loan_date < self.established_date:
            raise ValueError("放款日期早于设立或引进日期，请核对")
        return self


def _within_window(data: LprLoanInput) -> tuple[bool, str | None]:
    """Whether the loan falls within three years (inclusive) of founding or arrival, and why."""
    if data.loan_date and data.established_date:
        deadline = add_years(data.established_date, LPR_WINDOW_YEARS)
        text = f"自设立或引进三年内使用银行贷款（设立/引进 {data.established_date}，截止 {deadline}，放款 {data.loan_date}）"
        return data.loan_date <= deadline, text
    if data.within_three_years is not None:
        return data.within_three_years, "自设立或引进三年内使用银行贷款"
    return True, None


def _rate(data: LprLoanInput, long_term: bool) -> tuple[Decimal, list[str]]:
    """The LPR to apply (percent) and notes saying where it came from."""
    tenor = "5年期以上" if long_term else "1年期"
    if data.lpr_percent is not None:
        return data.lpr_percent, [f"采用用户给出的同期 LPR {data.lpr_percent}%（{tenor}）。"]
    table = load_lpr_table()
    on = data.loan_date or table.entries[-1].effective
    entry = table.lookup(on)
    if entry is None:
        first = table.entries[0].effective
        raise CalculatorInputError(
            [{"field": "lpr_percent", "message": f"放款日期早于 LPR 表首条（{first}），请直接给出同期 LPR"}]
        )
    rate = entry.five_year if long_term else entry.one_year
    notes = [f"采用 {entry.effective} 公布的{tenor} LPR {rate}%（来源：{table.source}）。"]
    if data.loan_date is None:
        notes.append("未给出放款日期，按表中最新一期 LPR 计算。")
    if on > table.known_valid_through:
        notes.append(
            f"放款日期晚于 LPR 表的核对日期 {table.known_valid_through}，暂沿用最后一期数值；如其后 LPR 有调整，"
            "请以实际公布值为准（可直接输入 LPR）。"
        )
    return rate, notes


def _term(data: LprLoanInput) -> tuple[Decimal, str, bool, list[str]]:
    """Loan term as a fraction of a year, its formula text, whether it is long-term, and notes."""
    if data.term_days is not None:
        long_term = data.term_days > LPR_LONG_TERM_MONTHS * 365 // 12
        return (
            Decimal(data.term_days) / 365,
            f"{data.term_days}/365",
            long_term,
            ["按实际天数/365 折算期限。"],
        )
    months = data.term_months if data.term_months is not None else 12
    notes = ["按月数/12 折算期限。"] + (
        [] if data.term_months is not None else ["未给出贷款期限，按 1 年计算。"]
    )
    return Decimal(months) / 12, f"{months}/12", months > LPR_LONG_TERM_MONTHS, notes


def lpr_interest_subsidy(data: LprLoanInput) -> SubsidyResult:
    """m17 贷款贴息：集成电路企业设立或引进三年内的银行贷款，按同期 LPR 贴息，本金最高按 500 万元计。"""
    in_window, window_text = _within_window(data)
    failures = failed(
        [(data.is_ic_enterprise, "借款方为集成电路企业")]
        + ([(in_window, window_text)] if window_text else [])
    )
    years, term_text, long_term, term_notes = _term(data)
    lpr, notes = _rate(data, long_term)
    rate = lpr
    if data.actual_rate_percent is not None and data.actual_rate_percent < lpr:
        rate = data.actual_rate_percent
        notes.append(f"实际贷款利率 {rate}% 低于 LPR {lpr}%，贴息不超过实际支付的利息，按实际利率计算。")
    base = min(data.principal_yuan, LPR_PRINCIPAL_CAP)
    amount = fen(base * rate / 100 * years)
    formula = (
        f"min({format_yuan(data.principal_yuan)}, {format_yuan(LPR_PRINCIPAL_CAP)}) × {rate}% × {term_text}"
        f" = {format_yuan(amount)}"
    )
    caps = ("补贴贷款额度最高 500 万元",) if data.principal_yuan > LPR_PRINCIPAL_CAP else ()
    notes += term_notes + [
        "贴息期限按贷款期限计算；政策未另设贴息年限，以主管部门执行口径为准。",
        f"同一企业多笔贷款合计本金也只按 {format_wan(LPR_PRINCIPAL_CAP)} 计算贴息。",
    ]
    if window_text is None:
        missing = "设立/引进日期" if data.loan_date else "设立/引进日期和放款日期"
        notes.append(f"未给出{missing}，按贷款在设立或引进三年内测算（三年内含满三年当日）。")
    return result(
        "lpr_interest_subsidy", "m17", data, LPR_QUOTE, Part(amount, formula, caps), failures, notes
    )
