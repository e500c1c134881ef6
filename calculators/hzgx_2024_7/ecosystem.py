"""Clauses m11, m12, m15, m16 (优化产业发展生态): platforms, vouchers, 芯机联动, AI scenes, events."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import Literal

from pydantic import Field

from calculators.base import (
    CalcInput,
    Money,
    MoneyList,
    Part,
    SubsidyResult,
    failed,
    fen,
    rate_with_cap,
    result,
    sum_expr,
)
from calculators.hzgx_2024_7.chips import assumed
from calculators.money import format_wan, format_yuan

# m11 公共技术平台
IC_PLATFORM_QUOTE = (
    "对经认定的提供 EDA 工具和 IP 核、设计解决方案、先进工艺流片、先进封测服务、测试验证等设备，"
    "用于关键芯片支撑服务的集成电路公共技术平台，按照最高不超过其研发设备、软件等投入的 30% 给予补贴，"
    "最高补贴 2000 万元。"
)
IC_PLATFORM_RATE = Decimal("0.30")
IC_PLATFORM_CAP = Decimal(20_000_000)

# m11 创新券
VOUCHER_QUOTE = (
    "经认定的公共服务平台为区内集成电路企业提供服务的（服务双方须无投资关联情况）可纳入区“创新券”载体，"
    "按照不超过经认定登记的技术服务合同金额的 30% 给予补贴，每家企业年度最高补贴 50 万元。"
)
VOUCHER_RATE = Decimal("0.30")
VOUCHER_CAP = Decimal(500_000)

# m12 芯机联动
CHIP_MACHINE_EQUIPMENT_QUOTE = (
    "设备、材料类当年度采购金额累计达 500 万元以上，按当年采购金额每 500 万元补贴 10 万元的标准，"
    "每家企业最高补贴 100 万元；"
)
CHIP_MACHINE_STEP = Decimal(5_000_000)
# "每500万元补贴10万元" read as whole multiples: 1200万 → 2 × 10万; the remainder earns nothing.
CHIP_MACHINE_PER_STEP = Decimal(100_000)
CHIP_MACHINE_EQUIPMENT_CAP = Decimal(1_000_000)
CHIP_MACHINE_CHIP_QUOTE = (
    "芯片、模组类当年度采购金额累计达 300 万元以上，按照最高不超过当年采购金额的 30% 给予补贴，"
    "每家企业最高补贴 150 万元。"
)
CHIP_MACHINE_CHIP_THRESHOLD = Decimal(3_000_000)
CHIP_MACHINE_CHIP_RATE = Decimal("0.30")
CHIP_MACHINE_CHIP_CAP = Decimal(1_500_000)
CHIP_MACHINE_CONDITIONS = "试用非关联集成电路企业自主研发、首次上市的产品"

# m15 场景化开放服务平台 and AI 应用成果
AI_PLATFORM_QUOTE = "对外服务企业数达到 50 家（含）以上的，经认定，给予不超过项目投资额 20% 的资金支持，单家企业最高补贴 300 万元。"
AI_PLATFORM_MIN_SERVED = 50
AI_PLATFORM_RATE = Decimal("0.20")
AI_PLATFORM_CAP = Decimal(3_000_000)
AI_AWARD_QUOTE = (
    "对实际落地并推广的人工智能应用成果，经认定，分别给予最高 50 万元、30 万元、10 万元的一次性奖励。"
)
AI_AWARD_BY_TIER = {1: Decimal(500_000), 2: Decimal(300_000), 3: Decimal(100_000)}

# m16 高能级平台 and 交流活动
HIGH_PLATFORM_QUOTE = (
    "对国家级、省级高能级平台给予场地租赁、项目建设等专项支持，每年根据实际支出最高补贴 500 万元。"
)
HIGH_PLATFORM_CAP = Decimal(5_000_000)
EVENT_QUOTE = (
    "对按规定履行事前报批程序、符合区重点产业导向、在我区举办的集成电路、人工智能交流活动，"
    "经评审可给予 50% 的场租费补贴，单次展会补贴额度不超过 100 万元。"
)
EVENT_RATE = Decimal("0.50")
EVENT_CAP = Decimal(1_000_000)


class IcPlatformInput(CalcInput):
    investment_yuan: Money = Field(..., description="公共技术平台的研发设备、软件等投入（元）")
    is_certified_platform: bool = Field(
        True, description="是否为经认定、用于关键芯片支撑服务的集成电路公共技术平台"
    )


def ic_platform_subsidy(data: IcPlatformInput) -> SubsidyResult:
    """m11 集成电路公共技术平台：研发设备、软件投入的 30%，最高 2000 万元。"""
    failures = failed([(data.is_certified_platform, "经认定的集成电路公共技术平台")])
    part = rate_with_cap([data.investment_yuan], IC_PLATFORM_RATE, IC_PLATFORM_CAP, "最高补贴")
    notes = [assumed(["经认定、用于关键芯片支撑服务的集成电路公共技术平台"])]
    return result("ic_platform_subsidy", "m11", data, IC_PLATFORM_QUOTE, part, failures, notes)


class InnovationVoucherInput(CalcInput):
    contract_amounts_yuan: MoneyList = Field(
        ..., description="同一企业同一年度经认定登记的技术服务合同金额，每份合同一项（元）"
    )
    has_investment_relation: bool = Field(False, description="服务双方是否存在投资关联（存在则不予补贴）")
    provider_is_certified_platform: bool = Field(True, description="服务方是否为经认定的公共服务平台")


def innovation_voucher_subsidy(data: InnovationVoucherInput) -> SubsidyResult:
    """m11 创新券：经认定登记的技术服务合同金额的 30%，每家企业每年最高 50 万元，双方须无投资关联。"""
    failures = failed(
        [
            (not data.has_investment_relation, "服务双方无投资关联"),
            (data.provider_is_certified_platform, "服务方为经认定的公共服务平台"),
        ]
    )
    part = rate_with_cap(data.contract_amounts_yuan, VOUCHER_RATE, VOUCHER_CAP, "每家企业年度最高补贴")
    notes = [
        assumed(["服务方为经认定的公共服务平台", "接受服务的是区内集成电路企业", "合同经认定登记"]),
        "“每家企业”按接受服务的区内集成电路企业理解；同一年度多份合同先合计，再适用 50 万元上限。",
    ]
    return result("innovation_voucher_subsidy", "m11", data, VOUCHER_QUOTE, part, failures, notes)


class ChipMachineInput(CalcInput):
    purchase_amounts_yuan: MoneyList = Field(
        ..., description="同一年度试用采购的金额，每笔一项（元），先累计"
    )
    supplier_non_affiliated: bool = Field(True, description="供货的集成电路企业是否与采购方无关联")
    self_developed_first_launch: bool = Field(True, description="产品是否为供货方自主研发、首次上市")


def _chip_machine_failures(data: ChipMachineInput, total: Decimal, threshold: Decimal) -> list[str]:
    return failed(
        [
            (
                total >= threshold,
                f"当年度采购金额累计达 {format_wan(threshold)}以上（当前 {format_wan(total)}）",
            ),
            (data.supplier_non_affiliated, "供货方为非关联集成电路企业"),
            (data.self_developed_first_launch, "产品为自主研发、首次上市"),
        ]
    )


def chip_machine_equipment_subsidy(data: ChipMachineInput) -> SubsidyResult:
    """m12 芯机联动（设备、材料）：当年累计采购 500 万元以上，每满 500 万元补 10 万元，最高 100 万元。"""
    amounts = list(data.purchase_amounts_yuan)
    total = sum(amounts, Decimal(0))
    failures = _chip_machine_failures(data, total, CHIP_MACHINE_STEP)
    steps = (total / CHIP_MACHINE_STEP).to_integral_value(rounding=ROUND_FLOOR)
    raw = steps * CHIP_MACHINE_PER_STEP
    amount = min(raw, CHIP_MACHINE_EQUIPMENT_CAP)
    formula = (
        f"min(floor({sum_expr(amounts)} ÷ {format_yuan(CHIP_MACHINE_STEP)}) × {format_yuan(CHIP_MACHINE_PER_STEP)}, "
        f"{format_yuan(CHIP_MACHINE_EQUIPMENT_CAP)}) = {format_yuan(amount)}"
    )
    caps = ("每家企业最高补贴（100万元）",) if raw > CHIP_MACHINE_EQUIPMENT_CAP else ()
    notes = [
        assumed([CHIP_MACHINE_CONDITIONS]),
        "“每 500 万元补贴 10 万元”按整 500 万元计：不足 500 万元的零头不补（如 1200 万元按 2 个 500 万元计 20 万元）。",
        "当年度多笔采购先累计，再判断是否达到 500 万元并适用 100 万元上限。",
    ]
    part = Part(amount, formula, caps)
    return result(
        "chip_machine_equipment_subsidy", "m12", data, CHIP_MACHINE_EQUIPMENT_QUOTE, part, failures, notes
    )


def chip_machine_chip_subsidy(data: ChipMachineInput) -> SubsidyResult:
    """m12 芯机联动（芯片、模组）：当年累计采购 300 万元以上，30%，最高 150 万元。"""
    amounts = list(data.purchase_amounts_yuan)
    total = sum(amounts, Decimal(0))
    failures = _chip_machine_failures(data, total, CHIP_MACHINE_CHIP_THRESHOLD)
    part = rate_with_cap(amounts, CHIP_MACHINE_CHIP_RATE, CHIP_MACHINE_CHIP_CAP, "每家企业最高补贴")
    notes = [
        assumed([CHIP_MACHINE_CONDITIONS]),
        "当年度多笔采购先累计，再判断是否达到 300 万元并适用 150 万元上限。",
    ]
    return result("chip_machine_chip_subsidy", "m12", data, CHIP_MACHINE_CHIP_QUOTE, part, failures, notes)


class AiPlatformInput(CalcInput):
    investment_yuan: Money = Field(..., description="场景化开放服务平台的项目投资额（元）")
    enterprises_served: int = Field(
        ..., ge=0, le=10_000_000, description="平台对外服务的企业数（须 50 家及以上）"
    )


def ai_scene_platform_subsidy(data: AiPlatformInput) -> SubsidyResult:
    """m15 人工智能场景化开放服务平台：对外服务 50 家（含）以上，项目投资额的 20%，最高 300 万元。"""
    served = data.enterprises_served
    failures = failed(
        [(served >= AI_PLATFORM_MIN_SERVED, f"对外服务企业数达到 50 家（含）以上（当前 {served} 家）")]
    )
    part = rate_with_cap([data.investment_yuan], AI_PLATFORM_RATE, AI_PLATFORM_CAP, "单家企业最高补贴")
    notes = [assumed(["行业龙头企业自主投资建设面向人工智能的场景化开放服务平台", "经认定"])]
    return result("ai_scene_platform_subsidy", "m15", data, AI_PLATFORM_QUOTE, part, failures, notes)


class AiAwardInput(CalcInput):
    tier: Literal[1, 2, 3] = Field(
        ..., description="经认定的奖励档次：1=最高 50 万元，2=最高 30 万元，3=最高 10 万元"
    )
    landed_and_promoted: bool = Field(True, description="成果是否已实际落地并推广")


def ai_achievement_award(data: AiAwardInput) -> SubsidyResult:
    """m15 人工智能应用成果：经认定分三档，一次性奖励最高 50 万、30 万、10 万元。"""
    failures = failed([(data.landed_and_promoted, "人工智能应用成果已实际落地并推广")])
    amount = AI_AWARD_BY_TIER[data.tier]
    part = Part(amount, f"第{data.tier}档一次性奖励上限 = {format_yuan(amount)}")
    notes = [
        "政策只列出 50 万、30 万、10 万元三个档次，未规定分档标准，档次由主管部门认定。",
        "这是一次性奖励，不按年度重复发放。",
    ]
    return result("ai_achievement_award", "m15", data, AI_AWARD_QUOTE, part, failures, notes)


class HighPlatformInput(CalcInput):
    level: Literal["国家级", "省级", "市级", "区级", "其他"] = Field(
        ..., description="平台级别：国家级、省级、市级、区级或其他"
    )
    actual_spending_yuan: MoneyList = Field(
        ..., description="该年度场地租赁、项目建设等实际支出，每笔一项（元）"
    )


def high_level_platform_subsidy(data: HighPlatformInput) -> SubsidyResult:
    """m16 国家级、省级高能级平台：按当年实际支出，每年最高 500 万元。"""
    failures = failed([(data.level in ("国家级", "省级"), f"国家级或省级高能级平台（当前 {data.level}）")])
    amounts = list(data.actual_spending_yuan)
    raw = sum(amounts, Decimal(0))
    amount = fen(min(raw, HIGH_PLATFORM_CAP))  # a ceiling is rounded down to the fen, as everywhere else
    formula = f"min({sum_expr(amounts)}, {format_yuan(HIGH_PLATFORM_CAP)}) = {format_yuan(amount)}"
    caps = ("每年最高补贴（500万元）",) if raw > HIGH_PLATFORM_CAP else ()
    notes = [
        assumed(["集成电路相关平台", "支出用于场地租赁、项目建设等"]),
        "政策写“根据实际支出”，未规定比例，补贴不超过实际支出，且每年不超过 500 万元。",
    ]
    part = Part(amount, formula, caps)
    return result("high_level_platform_subsidy", "m16", data, HIGH_PLATFORM_QUOTE, part, failures, notes)


class EventInput(CalcInput):
    venue_rents_yuan: MoneyList = Field(..., description="每次交流活动（展会）的场租费，每次活动一项（元）")
    prior_approval: bool = Field(True, description="是否按规定履行了事前报批程序")
    held_in_district: bool = Field(True, description="是否在高新区（滨江）举办")
    ic_or_ai_topic: bool = Field(True, description="是否为集成电路、人工智能交流活动且符合区重点产业导向")


def event_venue_subsidy(data: EventInput) -> SubsidyResult:
    """m16 集成电路、人工智能交流活动：场租费的 50%，每次活动不超过 100 万元。"""
    failures = failed(
        [
            (data.prior_approval, "按规定履行事前报批程序"),
            (data.held_in_district, "在我区举办"),
            (data.ic_or_ai_topic, "集成电路、人工智能交流活动，符合区重点产业导向"),
        ]
    )
    parts = [
        rate_with_cap([rent], EVENT_RATE, EVENT_CAP, "单次展会补贴额度") for rent in data.venue_rents_yuan
    ]
    total = sum((p.amount for p in parts), Decimal(0))
    formula = " + ".join(p.formula.rsplit(" = ", 1)[0] for p in parts) + f" = {format_yuan(total)}"
    caps = tuple(dict.fromkeys(c for p in parts for c in p.caps))
    notes = [
        "每次活动分别按场租费 50% 计算并各自适用 100 万元上限，再相加；政策未规定年度总额上限。",
        "“经评审可给予”：是否补贴以评审为准。",
    ]
    part = Part(total, formula, caps)
    return result("event_venue_subsidy", "m16", data, EVENT_QUOTE, part, failures, notes)
