"""Clause m17 (强化金融服务): LPR interest subsidy on loans of young IC enterprises."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field, model_validator

from calculators.base import (
    CalcInput,
    Money,
    Part,
    Percent,
    SubsidyResult,
    cap_step,
    cn_count,
    combine,
    exact_yuan,
    failed,
    fen,
    result,
    rounding_steps,
    wan_text,
)
from calculators.errors import CalculatorInputError
from calculators.hzgx_2024_7 import DOC_ID
from calculators.money import format_wan, format_yuan, yuan_str
from calculators.params import ParameterNotInForceError
from calculators.trace import Calculation, Step

LPR_QUOTE = (
    "对集成电路企业自设立或引进三年内使用银行贷款的，按照银行同期 LPR 利率给予利息补贴，"
    "补贴贷款额度最高不超过 500 万元。"
)


def add_years(day: date, years: int) -> date:
    """Same calendar day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class OtherLoan(CalcInput):
    principal_yuan: Money = Field(..., description="这笔贷款的本金（元）")
    loan_date: date | None = Field(None, description="这笔贷款的放款日期；用于查当期 LPR 和判断三年期限")
    term_months: int | None = Field(None, ge=1, le=360, description="这笔贷款的期限（月）；不填则同第一笔")


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
    lpr_spread_bp: int | None = Field(
        None, ge=-500, le=500, description="贷款利率相对同期 LPR 的加减点（基点），如“LPR减20个基点”填 -20"
    )
    is_ic_enterprise: bool = Field(True, description="借款方是否为集成电路企业")
    is_bank_loan: bool = Field(True, description="是否为银行贷款（股东借款、民间借贷等不在补贴范围）")
    within_three_years: bool | None = Field(None, description="不给日期时：贷款是否在设立或引进后三年内")
    other_loans: list[OtherLoan] = Field(
        default_factory=list,
        description="同一企业的其他贷款（各自的本金和放款日期，期限同上）；各笔按放款先后合计，本金只按 500 万元计",
    )

    @model_validator(mode="after")
    def _consistent(self) -> LprLoanInput:
        if self.term_months is not None and self.term_days is not None:
            raise ValueError("贷款期限请只给 term_months 或 term_days 其中之一")
        if self.loan_date and self.established_date and self.loan_date < self.established_date:
            raise ValueError("放款日期早于设立或引进日期，请核对")
        return self


def _within_window(
    calc: Calculation, data: LprLoanInput, loan_date: date | None = None
) -> tuple[bool, str | None]:
    """Whether the loan (of `loan_date`, else the first) falls within three years (inclusive) of founding or
    arrival, and why."""
    loan_date = loan_date or data.loan_date
    if loan_date and data.established_date:
        years = calc.param("lpr_window_years")
        deadline = add_years(data.established_date, int(years))
        ok = loan_date <= deadline
        calc.step(
            f"期限：设立/引进 {data.established_date} 起{cn_count(years)}年内（至 {deadline}），放款 {loan_date}",
            "符合" if ok else "不符合",
        )
        text = (
            f"自设立或引进{cn_count(years)}年内使用银行贷款"
            f"（设立/引进 {data.established_date}，截止 {deadline}，放款 {loan_date}）"
        )
        return ok, text
    if data.within_three_years is not None:
        return (
            data.within_three_years,
            f"自设立或引进{cn_count(calc.mention('lpr_window_years'))}年内使用银行贷款",
        )
    return True, None


def _rate(
    calc: Calculation, data: LprLoanInput, long_term: bool, loan_date: date | None = None
) -> tuple[Decimal, list[str]]:
    """The LPR to apply (percent) for the loan of `loan_date` (else the first), and notes saying where it
    came from."""
    tenor = "5年期以上" if long_term else "1年期"
    if data.lpr_percent is not None:
        calc.step(f"同期 LPR：用户给出 {data.lpr_percent}%（{tenor}）", data.lpr_percent)
        return data.lpr_percent, [f"采用用户给出的同期 LPR {data.lpr_percent}%（{tenor}）。"]
    loan_date = loan_date or data.loan_date
    try:
        # Without a loan date the latest fixing applies.
        entry = calc.param_entry("lpr_5y" if long_term else "lpr_1y", loan_date or date.max)
    except ParameterNotInForceError as exc:
        raise CalculatorInputError(
            [
                {
                    "field": "lpr_percent",
                    "message": f"放款日期早于 LPR 表首条（{exc.first}），请直接给出同期 LPR",
                }
            ]
        ) from None
    calc.step(f"同期 LPR：{entry.since} 公布的{tenor} LPR {entry.value}%", entry.value)
    source = entry.parameter.metadata.get("publisher", entry.parameter.reference)
    notes = [f"采用 {entry.since} 公布的{tenor} LPR {entry.value}%（来源：{source}）。"]
    if loan_date is None:
        notes.append("未给出放款日期，按表中最新一期 LPR 计算。")
    through = entry.parameter.known_valid_through
    if through is not None and (loan_date or entry.since) > through:
        notes.append(
            f"放款日期晚于 LPR 表的核对日期 {through}，暂沿用最后一期数值；如其后 LPR 有调整，"
            "请以实际公布值为准（可直接输入 LPR）。"
        )
    return entry.value, notes


def _term(calc: Calculation, data: LprLoanInput) -> tuple[Decimal, str, bool, list[str]]:
    """Loan term as a fraction of a year, its formula text, whether it takes the long-term LPR, and notes."""
    long_months = calc.param("lpr_long_term_months")
    if data.term_days is not None:
        long_term = data.term_days > long_months * 365 // 12
        calc.step(f"贷款期限：{data.term_days} 天，折 {data.term_days}/365 年", f"{data.term_days}/365")
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
    calc.step(f"贷款期限：{months} 个月，折 {months}/12 年", f"{months}/12")
    return Decimal(months) / 12, f"{months}/12", months > long_months, notes


def _interest(
    principal: Decimal, cap: Decimal, rate: Decimal, years: Decimal, term_text: str, cap_text: str = ""
) -> Part:
    """min(principal, cap) × rate × term, rounded down to the fen."""
    base = min(principal, cap)
    raw = base * rate / 100 * years
    amount = fen(raw)
    formula = (
        f"min({format_yuan(principal)}, {format_yuan(cap)}) × {rate}% × {term_text} = {format_yuan(amount)}"
    )
    caps = ((cap_text or f"补贴贷款额度最高 {wan_text(cap)}"),) if principal > cap else ()
    steps = (
        cap_step(principal, cap, "补贴贷款额度最高"),
        Step(f"{format_yuan(base)} × {rate}% × {term_text} = {exact_yuan(raw)}", yuan_str(raw)),
        *rounding_steps(raw, amount),
    )
    return Part(amount, formula, caps, steps)


def _actual_rate(calc: Calculation, data: LprLoanInput, lpr: Decimal) -> tuple[Decimal, list[str]]:
    """A lower actual loan rate replaces the LPR (the subsidy never exceeds the interest paid); a rate given as
    a spread from the LPR ("LPR减20个基点") is that LPR plus the spread."""
    if data.actual_rate_percent is None and data.lpr_spread_bp is not None:
        actual = lpr + Decimal(data.lpr_spread_bp) / 100
        calc.step(f"实际利率：LPR {lpr}% {data.lpr_spread_bp:+d} 个基点 = {actual}%", actual)
        if actual < lpr:
            note = f"实际贷款利率为 LPR {lpr}% 减 {-data.lpr_spread_bp} 个基点，即 {actual}%，低于 LPR，按实际利率计算。"
            return actual, [note]
        return lpr, [f"实际贷款利率 {actual}% 不低于 LPR {lpr}%，按 LPR 计算（贴息按同期 LPR）。"]
    if data.actual_rate_percent is None:
        return lpr, []
    if data.actual_rate_percent >= lpr:
        return lpr, [
            f"实际贷款利率 {data.actual_rate_percent}% 不低于 LPR {lpr}%，按 LPR 计算（贴息按同期 LPR）。"
        ]
    rate = data.actual_rate_percent
    calc.step(f"实际利率 {rate}% 低于 LPR {lpr}%，按实际利率", rate)
    return rate, [f"实际贷款利率 {rate}% 低于 LPR {lpr}%，贴息不超过实际支付的利息，按实际利率计算。"]


def _several_loans(calc: Calculation, data: LprLoanInput) -> SubsidyResult:
    """Several loans of one enterprise: each at the LPR of its own loan date, in the order they were taken;
    together they are subsidised on at most 500万 of principal (a later loan gets what the earlier ones left).

    Reading chosen: "补贴贷款额度最高不超过500万元" is one enterprise's total principal, used up in loan-date
    order; a loan outside the three-year window uses none of it."""
    failures = failed([(data.is_ic_enterprise, "借款方为集成电路企业"), (data.is_bank_loan, "使用银行贷款")])
    cap = calc.param("lpr_principal_cap")
    loans = [
        (data.principal_yuan, data.loan_date, None),
        *((x.principal_yuan, x.loan_date, x.term_months) for x in data.other_loans),
    ]
    loans.sort(key=lambda loan: loan[1] or date.max)
    remaining, parts, notes, outside, term_notes = cap, [], [], [], []
    for principal, day, months in loans:
        # A loan given no date of its own is not dated by another: no loan date (the latest LPR; in the window).
        undated = data.model_copy(update={"loan_date": None}) if day is None else data
        in_window, window_text = _within_window(calc, undated, day)
        if not in_window:
            outside.append(f"{format_wan(principal)}（{window_text}）")
            continue
        # Each loan its own term when given ("300万期限6个月"), else the first loan's.
        own = data.model_copy(update={"term_months": months, "term_days": None}) if months else data
        years, term_text, long_term, own_notes = _term(calc, own)
        term_notes += [n for n in own_notes if n not in term_notes]
        lpr, rate_notes = _rate(calc, undated, long_term, day)
        rate, actual_notes = _actual_rate(calc, data, lpr)
        notes += [n for n in rate_notes + actual_notes if n not in notes]
        cap_text = f"补贴贷款额度最高 {wan_text(cap)}（多笔合计，这一笔还剩 {wan_text(remaining)}）"
        parts.append(_interest(principal, remaining, rate, years, term_text, cap_text))
        remaining -= min(principal, remaining)
    if not parts:
        failures.append("自设立或引进三年内使用银行贷款：" + "；".join(outside))
    elif outside:
        notes.append("以下贷款不在设立或引进三年内，不计贴息：" + "；".join(outside) + "。")
    notes += term_notes + [
        f"多笔贷款按放款先后合计，本金只按 {format_wan(cap)} 计算贴息，每笔按其放款日的 LPR。"
    ]
    part = combine(parts) if parts else None
    return result(calc, "lpr_interest_subsidy", "m17", data, LPR_QUOTE, part, failures, notes)


def lpr_interest_subsidy(data: LprLoanInput) -> SubsidyResult:
    """m17 贷款贴息：集成电路企业设立或引进三年内的银行贷款，按同期 LPR 贴息，本金最高按 500 万元计。"""
    calc = Calculation(DOC_ID)
    if data.other_loans:
        return _several_loans(calc, data)
    in_window, window_text = _within_window(calc, data)
    failures = failed(
        [(data.is_ic_enterprise, "借款方为集成电路企业"), (data.is_bank_loan, "使用银行贷款")]
        + ([(in_window, window_text)] if window_text else [])
    )
    years, term_text, long_term, term_notes = _term(calc, data)
    lpr, notes = _rate(calc, data, long_term)
    rate, actual_notes = _actual_rate(calc, data, lpr)
    notes += actual_notes
    cap = calc.param("lpr_principal_cap")
    part = _interest(data.principal_yuan, cap, rate, years, term_text)
    notes += term_notes + [
        "贴息期限按贷款期限计算；政策未另设贴息年限，以主管部门执行口径为准。",
        f"同一企业多笔贷款合计本金也只按 {format_wan(cap)} 计算贴息。",
    ]
    if window_text is None:
        missing = "设立/引进日期" if data.loan_date else "设立/引进日期和放款日期"
        years_cn = cn_count(calc.mention("lpr_window_years"))
        notes.append(
            f"未给出{missing}，按贷款在设立或引进{years_cn}年内测算（{years_cn}年内含满{years_cn}年当日）。"
        )
    return result(calc, "lpr_interest_subsidy", "m17", data, LPR_QUOTE, part, failures, notes)
