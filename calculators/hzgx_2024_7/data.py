"""Clauses m6–m9: compute vouchers, data trading, data sets, cyber-security insurance."""

from __future__ import annotations

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
)
from calculators.hzgx_2024_7.chips import assumed
from calculators.money import format_wan, format_yuan

# m6 算力
COMPUTE_QUOTE = (
    "对于使用杭州人工智能计算中心算力资源的，按照不超过服务合同金额的 50% 给予算力补贴，"
    "单个主体年度最高补贴 100 万元。"
)
COMPUTE_RATE = Decimal("0.50")
COMPUTE_CAP = Decimal(1_000_000)

# m7 数据交易平台
DATA_TRADING_QUOTE = (
    "经认定，给予不超过平台年交易额（不含关联企业交易额）1%的运营补贴，单家平台企业年度最高补贴 500 万元。"
)
DATA_TRADING_RATE = Decimal("0.01")
DATA_TRADING_CAP = Decimal(5_000_000)

# m8 数据集、资源库: 超过3家 excludes 3, so at least 4 non-affiliated enterprises.
DATASET_QUOTE = (
    "对于数据集、资源库被区内超过 3 家非关联企业调用的，经认定，按照不超过单次流通收益的 10% 给予奖励，"
    "单家企业年度最高奖励 100 万元。"
)
DATASET_MIN_USERS = 4
DATASET_RATE = Decimal("0.10")
DATASET_CAP = Decimal(1_000_000)

# m9 网络安全保险
CYBER_QUOTE = (
    "推广网络安全保险，经认定，对提供网络安全服务并投保网络安全保险的企业，自 2024 年起按发生保费的 70% "
    "给予保险补偿，并从次年度开始保险补偿比例逐年递减 10%，每年每个网络安全服务机构最高补贴 100 万元。"
)
CYBER_FIRST_YEAR = 2024
CYBER_FIRST_RATE = Decimal("0.70")
# "逐年递减10%" read as ten percentage points a year (70%, 60%, 50%…), not 10% of the previous ratio.
CYBER_YEARLY_STEP = Decimal("0.10")
CYBER_CAP = Decimal(1_000_000)
CYBER_STEP_NOTE = (
    "“逐年递减 10%”按每年减少 10 个百分点理解（2024 年 70%、2025 年 60%、2026 年 50%……2030 年 10%，"
    "2031 年起为 0），而不是按上一年比例的 10% 递减。"
)


class ComputeInput(CalcInput):
    contract_amounts_yuan: MoneyList = Field(
        ..., description="同一主体同一年度使用杭州人工智能计算中心算力的服务合同金额，每份合同一项（元）"
    )
    uses_hangzhou_ai_computing_center: bool = Field(True, description="算力是否来自杭州人工智能计算中心")


def compute_voucher_subsidy(data: ComputeInput) -> SubsidyResult:
    """m6 算力补贴：杭州人工智能计算中心服务合同金额的 50%，单个主体每年最高 100 万元。"""
    failures = failed([(data.uses_hangzhou_ai_computing_center, "使用杭州人工智能计算中心的算力资源")])
    part = rate_with_cap(data.contract_amounts_yuan, COMPUTE_RATE, COMPUTE_CAP, "单个主体年度最高补贴")
    notes = [assumed(["使用杭州人工智能计算中心算力资源"])]
    if len(data.contract_amounts_yuan) > 1:
        notes.append("同一主体同一年度的多份算力合同先合计，再适用 100 万元年度上限。")
    return result("compute_voucher_subsidy", "m6", data, COMPUTE_QUOTE, part, failures, notes)


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
    failures = failed([(data.is_certified_platform, "经认定的数据交易平台")])
    base = data.annual_volume_yuan - data.affiliated_volume_yuan
    part = rate_with_cap([base], DATA_TRADING_RATE, DATA_TRADING_CAP, "单家平台企业年度最高补贴")
    formula = part.formula
    if data.affiliated_volume_yuan:
        vol, aff = format_yuan(data.annual_volume_yuan), format_yuan(data.affiliated_volume_yuan)
        formula = formula.replace(f"min({format_yuan(base)} ×", f"min(({vol} − {aff}) ×", 1)
    notes = [assumed(["经认定的数据交易平台"]), "关联企业交易额不计入年交易额。"]
    part = Part(part.amount, formula, part.caps)
    return result("data_trading_subsidy", "m7", data, DATA_TRADING_QUOTE, part, failures, notes)


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


def dataset_circulation_reward(data: DatasetInput) -> SubsidyResult:
    """m8 数据集、资源库：被区内超过 3 家非关联企业调用，单次流通收益的 10%，每年最高 100 万元。"""
    users = data.non_affiliated_users
    failures = failed(
        [(users >= DATASET_MIN_USERS, f"被区内超过 3 家（至少 4 家）非关联企业调用（当前 {users} 家）")]
    )
    part = rate_with_cap(data.circulation_revenues_yuan, DATASET_RATE, DATASET_CAP, "单家企业年度最高奖励")
    notes = [
        assumed(["经认定"]),
        "“超过 3 家”不含 3 家本身，至少需要 4 家区内非关联企业调用。",
        "每次流通收益按 10% 计算后，同一企业同一年度合计，再适用 100 万元年度上限。",
    ]
    return result("dataset_circulation_reward", "m8", data, DATASET_QUOTE, part, failures, notes)


def cyber_insurance_rate(year: int) -> Decimal:
    """The compensation ratio for a policy year: 70% in 2024, ten points less each year, never below 0."""
    if year < CYBER_FIRST_YEAR:
        return Decimal(0)
    return max(Decimal(0), CYBER_FIRST_RATE - CYBER_YEARLY_STEP * (year - CYBER_FIRST_YEAR))


class CyberInsuranceInput(CalcInput):
    premiums_yuan: MoneyList = Field(..., description="该年度实际发生的网络安全保险保费，每笔一项（元）")
    year: int = Field(..., ge=2000, le=2100, description="保费发生的年度，如 2025")
    provides_security_services: bool = Field(True, description="投保企业是否提供网络安全服务")


def cyber_insurance_subsidy(data: CyberInsuranceInput) -> SubsidyResult:
    """m9 网络安全保险：2024 年按保费 70% 补偿，此后每年减 10 个百分点，每个机构每年最高 100 万元。"""
    rate = cyber_insurance_rate(data.year)
    failures = failed(
        [
            (data.provides_security_services, "提供网络安全服务的企业"),
            (data.year >= CYBER_FIRST_YEAR, f"保费发生在 2024 年及以后（当前 {data.year} 年）"),
            (data.year < CYBER_FIRST_YEAR or rate > 0, f"{data.year} 年补偿比例已递减为 0"),
        ]
    )
    part = rate_with_cap(data.premiums_yuan, rate, CYBER_CAP, "每个网络安全服务机构年度最高补贴")
    notes = [
        assumed(["提供网络安全服务并投保网络安全保险", "经认定"]),
        CYBER_STEP_NOTE,
        f"{data.year} 年的补偿比例为 {pct(rate)}；保险补偿写的是“按保费的 70%”而非“不超过”，"
        f"但每年仍有 {format_wan(CYBER_CAP)} 的上限。",
    ]
    return result("cyber_insurance_subsidy", "m9", data, CYBER_QUOTE, part, failures, notes)
