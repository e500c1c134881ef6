"""Clauses m6–m9: compute vouchers, data trading, data sets, cyber-security insurance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field, model_validator

from calculators.base import (
    CalcInput,
    Money,
    MoneyList,
    Part,
    SubsidyResult,
    failed,
    pct,
    rate_with_cap,
    result,
    threshold_step,
    wan_text,
)
from calculators.hzgx_2024_7 import DOC_ID
from calculators.hzgx_2024_7.chips import assumed
from calculators.money import format_wan, format_yuan
from calculators.params import ParameterNotInForceError
from calculators.trace import Calculation

COMPUTE_QUOTE = (
    "对于使用杭州人工智能计算中心算力资源的，按照不超过服务合同金额的 50% 给予算力补贴，"
    "单个主体年度最高补贴 100 万元。"
)
DATA_TRADING_QUOTE = (
    "经认定，给予不超过平台年交易额（不含关联企业交易额）1%的运营补贴，单家平台企业年度最高补贴 500 万元。"
)
DATASET_QUOTE = (
    "对于数据集、资源库被区内超过 3 家非关联企业调用的，经认定，按照不超过单次流通收益的 10% 给予奖励，"
    "单家企业年度最高奖励 100 万元。"
)
CYBER_QUOTE = (
    "推广网络安全保险，经认定，对提供网络安全服务并投保网络安全保险的企业，自 2024 年起按发生保费的 70% "
    "给予保险补偿，并从次年度开始保险补偿比例逐年递减 10%，每年每个网络安全服务机构最高补贴 100 万元。"
)


class ComputeInput(CalcInput):
    contract_amounts_yuan: MoneyList = Field(
        ..., description="同一主体同一年度使用杭州人工智能计算中心算力的服务合同金额，每份合同一项（元）"
    )
    uses_hangzhou_ai_computing_center: bool = Field(True, description="算力是否来自杭州人工智能计算中心")


def compute_voucher_subsidy(data: ComputeInput) -> SubsidyResult:
    """m6 算力补贴：杭州人工智能计算中心服务合同金额的 50%，单个主体每年最高 100 万元。"""
    calc = Calculation(DOC_ID)
    failures = failed([(data.uses_hangzhou_ai_computing_center, "使用杭州人工智能计算中心的算力资源")])
    rate, cap = calc.param("compute_rate"), calc.param("compute_cap")
    part = rate_with_cap(data.contract_amounts_yuan, rate, cap, "单个主体年度最高补贴")
    notes = [assumed(["使用杭州人工智能计算中心算力资源"])]
    if len(data.contract_amounts_yuan) > 1:
        notes.append(f"同一主体同一年度的多份算力合同先合计，再适用 {wan_text(cap)}年度上限。")
    return result(calc, "compute_voucher_subsidy", "m6", data, COMPUTE_QUOTE, part, failures, notes)


class DataTradingInput(CalcInput):
    annual_volume_yuan: Money = Field(..., description="数据交易平台的年交易额（元）")
    affiliated_volume_yuan: Money = Field(Decimal(0), description="其中关联企业交易额（元），不计入")
    is_certified_platform: bool = Field(True, description="是否为经认定的数据交易场所或行业性数据交易平台")

    @model_validator(mode="after")
    def _affiliated_within_total(self) -> DataTradingInput:
        if self.affiliated_volume_yuan > self.annual_volume_yuan:
            raise ValueError("关联企业交易额不能大于年交易额")
        return self


def data_trading_subsidy(data: DataTradingInput) -> SubsidyResult:
    """m7 数据交易平台：年交易额（不含关联企业交易额）的 1%，每年最高 500 万元。"""
    calc = Calculation(DOC_ID)
    failures = failed([(data.is_certified_platform, "经认定的数据交易平台")])
    base = data.annual_volume_yuan - data.affiliated_volume_yuan
    vol, aff = format_yuan(data.annual_volume_yuan), format_yuan(data.affiliated_volume_yuan)
    if data.affiliated_volume_yuan:
        calc.step(f"年交易额扣除关联企业交易额：{vol} − {aff} = {format_yuan(base)}", base)
    rate, cap = calc.param("data_trading_rate"), calc.param("data_trading_cap")
    part = rate_with_cap([base], rate, cap, "单家平台企业年度最高补贴")
    formula = part.formula
    if data.affiliated_volume_yuan:
        formula = formula.replace(f"min({format_yuan(base)} ×", f"min(({vol} − {aff}) ×", 1)
    notes = [assumed(["经认定的数据交易平台"]), calc.param_note("data_trading_rate")]
    part = Part(part.amount, formula, part.caps, part.steps)
    return result(calc, "data_trading_subsidy", "m7", data, DATA_TRADING_QUOTE, part, failures, notes)


class DatasetInput(CalcInput):
    circulation_revenues_yuan: MoneyList = Field(
        ..., description="同一年度数据集、资源库每次流通的收益，每次一项（元）"
    )
    non_affiliated_users: int = Field(
        ...,
        ge=0,
        le=1_000_000,
        description="调用该数据集、资源库的区内非关联企业家数（须超过 3 家，即至少 4 家）",
    )
    users_in_district: bool = Field(True, description="调用的企业是否在区内（高新区（滨江））")


def dataset_circulation_reward(data: DatasetInput) -> SubsidyResult:
    """m8 数据集、资源库：被区内超过 3 家非关联企业调用，单次流通收益的 10%，每年最高 100 万元。"""
    calc = Calculation(DOC_ID)
    users = data.non_affiliated_users
    more_than = calc.param("dataset_more_than_users")
    enough = threshold_step(
        calc, "区内非关联企业调用家数", Decimal(users), more_than, strict=True, money=False
    )
    failures = failed(
        [
            (data.users_in_district, "被区内企业调用（调用的企业须在区内）"),
            (
                enough,
                f"被区内超过 {more_than} 家（至少 {more_than + 1} 家）非关联企业调用（当前 {users} 家）",
            ),
        ]
    )
    rate, cap = calc.param("dataset_rate"), calc.param("dataset_cap")
    part = rate_with_cap(data.circulation_revenues_yuan, rate, cap, "单家企业年度最高奖励")
    notes = [
        assumed(["经认定"]),
        calc.param_note("dataset_more_than_users"),
        f"每次流通收益按 {pct(rate)} 计算后，同一企业同一年度合计，再适用 {wan_text(cap)}年度上限。",
    ]
    return result(calc, "dataset_circulation_reward", "m8", data, DATASET_QUOTE, part, failures, notes)


class CyberInsuranceInput(CalcInput):
    premiums_yuan: MoneyList = Field(..., description="该年度实际发生的网络安全保险保费，每笔一项（元）")
    year: int = Field(..., ge=2000, le=2100, description="保费发生的年度，如 2025")
    provides_security_services: bool = Field(True, description="投保企业是否提供网络安全服务")


def _cyber_rate(calc: Calculation, year: int) -> Decimal:
    """The compensation ratio for the premiums' year, read from the dated schedule; 0 before it starts."""
    try:
        rate = calc.param("cyber_compensation_rate", date(year, 1, 1))
    except ParameterNotInForceError as exc:
        calc.step(f"{year} 年尚无补偿比例（比例表自 {exc.first} 起）", "0")
        return Decimal(0)
    calc.step(f"{year} 年的补偿比例：{pct(rate)}", rate)
    return rate


def cyber_insurance_subsidy(data: CyberInsuranceInput) -> SubsidyResult:
    """m9 网络安全保险：2024 年按保费 70% 补偿，此后每年减 10 个百分点，每个机构每年最高 100 万元。"""
    calc = Calculation(DOC_ID)
    first = calc.parameter("cyber_compensation_rate").values[0]
    rate = _cyber_rate(calc, data.year)
    failures = failed(
        [
            (data.provides_security_services, "提供网络安全服务的企业"),
            (data.year >= first.since.year, f"自 {first.since.year} 年起的保费（当前 {data.year} 年）"),
            (
                data.year < first.since.year or rate > 0,
                f"从次年度开始保险补偿比例逐年递减 10%：{data.year} 年已递减为 0",
            ),
        ]
    )
    cap = calc.param("cyber_cap")
    part = rate_with_cap(data.premiums_yuan, rate, cap, "每个网络安全服务机构年度最高补贴")
    notes = [
        assumed(["提供网络安全服务并投保网络安全保险", "经认定"]),
        calc.param_note("cyber_compensation_rate"),
        f"{data.year} 年的补偿比例为 {pct(rate)}；保险补偿写的是“按保费的 {pct(first.value)}”而非“不超过”，"
        f"但每年仍有 {format_wan(cap)} 的上限。",
    ]
    return result(calc, "cyber_insurance_subsidy", "m9", data, CYBER_QUOTE, part, failures, notes)
