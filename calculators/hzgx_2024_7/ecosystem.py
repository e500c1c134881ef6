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
    cap_step,
    failed,
    fen,
    rate_with_cap,
    result,
    rounding_steps,
    sum_expr,
    threshold_step,
    total_steps,
    wan,
    wan_number,
    wan_text,
)
from calculators.hzgx_2024_7 import DOC_ID
from calculators.hzgx_2024_7.chips import assumed
from calculators.money import format_wan, format_yuan, yuan_str
from calculators.trace import Calculation, Step

IC_PLATFORM_QUOTE = (
    "对经认定的提供 EDA 工具和 IP 核、设计解决方案、先进工艺流片、先进封测服务、测试验证等设备，"
    "用于关键芯片支撑服务的集成电路公共技术平台，按照最高不超过其研发设备、软件等投入的 30% 给予补贴，"
    "最高补贴 2000 万元。"
)
VOUCHER_QUOTE = (
    "经认定的公共服务平台为区内集成电路企业提供服务的（服务双方须无投资关联情况）可纳入区“创新券”载体，"
    "按照不超过经认定登记的技术服务合同金额的 30% 给予补贴，每家企业年度最高补贴 50 万元。"
)
CHIP_MACHINE_EQUIPMENT_QUOTE = (
    "设备、材料类当年度采购金额累计达 500 万元以上，按当年采购金额每 500 万元补贴 10 万元的标准，"
    "每家企业最高补贴 100 万元；"
)
CHIP_MACHINE_CHIP_QUOTE = (
    "芯片、模组类当年度采购金额累计达 300 万元以上，按照最高不超过当年采购金额的 30% 给予补贴，"
    "每家企业最高补贴 150 万元。"
)
AI_PLATFORM_QUOTE = "对外服务企业数达到 50 家（含）以上的，经认定，给予不超过项目投资额 20% 的资金支持，单家企业最高补贴 300 万元。"
AI_AWARD_QUOTE = (
    "对实际落地并推广的人工智能应用成果，经认定，分别给予最高 50 万元、30 万元、10 万元的一次性奖励。"
)
HIGH_PLATFORM_QUOTE = (
    "对国家级、省级高能级平台给予场地租赁、项目建设等专项支持，每年根据实际支出最高补贴 500 万元。"
)
EVENT_QUOTE = (
    "对按规定履行事前报批程序、符合区重点产业导向、在我区举办的集成电路、人工智能交流活动，"
    "经评审可给予 50% 的场租费补贴，单次展会补贴额度不超过 100 万元。"
)
CHIP_MACHINE_CONDITIONS = "试用非关联集成电路企业自主研发、首次上市的产品"


class IcPlatformInput(CalcInput):
    investment_yuan: Money = Field(..., description="公共技术平台的研发设备、软件等投入（元）")
    is_certified_platform: bool = Field(
        True, description="是否为经认定、用于关键芯片支撑服务的集成电路公共技术平台"
    )


def ic_platform_subsidy(data: IcPlatformInput) -> SubsidyResult:
    """m11 集成电路公共技术平台：研发设备、软件投入的 30%，最高 2000 万元。"""
    calc = Calculation(DOC_ID)
    failures = failed([(data.is_certified_platform, "经认定的集成电路公共技术平台")])
    rate, cap = calc.param("ic_platform_rate"), calc.param("ic_platform_cap")
    part = rate_with_cap([data.investment_yuan], rate, cap, "最高补贴")
    notes = [assumed(["经认定、用于关键芯片支撑服务的集成电路公共技术平台"])]
    return result(calc, "ic_platform_subsidy", "m11", data, IC_PLATFORM_QUOTE, part, failures, notes)


class InnovationVoucherInput(CalcInput):
    contract_amounts_yuan: MoneyList = Field(
        ..., description="同一企业同一年度经认定登记的技术服务合同金额，每份合同一项（元）"
    )
    has_investment_relation: bool = Field(False, description="服务双方是否存在投资关联（存在则不予补贴）")
    provider_is_certified_platform: bool = Field(True, description="服务方是否为经认定的公共服务平台")


def innovation_voucher_subsidy(data: InnovationVoucherInput) -> SubsidyResult:
    """m11 创新券：经认定登记的技术服务合同金额的 30%，每家企业每年最高 50 万元，双方须无投资关联。"""
    calc = Calculation(DOC_ID)
    failures = failed(
        [
            (not data.has_investment_relation, "服务双方无投资关联"),
            (data.provider_is_certified_platform, "服务方为经认定的公共服务平台"),
        ]
    )
    rate, cap = calc.param("voucher_rate"), calc.param("voucher_cap")
    part = rate_with_cap(data.contract_amounts_yuan, rate, cap, "每家企业年度最高补贴")
    notes = [
        assumed(["服务方为经认定的公共服务平台", "接受服务的是区内集成电路企业", "合同经认定登记"]),
        calc.param_note("voucher_cap"),
    ]
    return result(calc, "innovation_voucher_subsidy", "m11", data, VOUCHER_QUOTE, part, failures, notes)


class ChipMachineInput(CalcInput):
    purchase_amounts_yuan: MoneyList = Field(
        ..., description="同一年度试用采购的金额，每笔一项（元），先累计"
    )
    supplier_non_affiliated: bool = Field(True, description="供货的集成电路企业是否与采购方无关联")
    self_developed_first_launch: bool = Field(True, description="产品是否为供货方自主研发、首次上市")


def _chip_machine_failures(
    calc: Calculation, data: ChipMachineInput, total: Decimal, threshold: Decimal
) -> list[str]:
    return failed(
        [
            (
                threshold_step(calc, "当年度累计采购金额", total, threshold),
                f"当年度采购金额累计达 {format_wan(threshold)}以上（当前 {format_wan(total)}）",
            ),
            (data.supplier_non_affiliated, "供货方为非关联集成电路企业"),
            (data.self_developed_first_launch, "产品为自主研发、首次上市"),
        ]
    )


def _per_block(amounts: list[Decimal], block: Decimal, award: Decimal, cap: Decimal) -> Part:
    """min(floor(total ÷ block) × award, cap): only whole blocks count."""
    total = sum(amounts, Decimal(0))
    blocks = (total / block).to_integral_value(rounding=ROUND_FLOOR)
    raw = blocks * award
    amount = min(raw, cap)
    formula = (
        f"min(floor({sum_expr(amounts)} ÷ {format_yuan(block)}) × {format_yuan(award)}, "
        f"{format_yuan(cap)}) = {format_yuan(amount)}"
    )
    steps = [
        *total_steps(amounts),
        Step(
            f"满 {format_yuan(block)} 的整数倍：floor({format_yuan(total)} ÷ {format_yuan(block)}) = {yuan_str(blocks)}",
            yuan_str(blocks),
        ),
        Step(f"{yuan_str(blocks)} × {format_yuan(award)} = {format_yuan(raw)}", yuan_str(raw)),
        cap_step(raw, cap, "每家企业最高补贴"),
    ]
    caps = (f"每家企业最高补贴（{wan(cap)}）",) if raw > cap else ()
    return Part(amount, formula, caps, tuple(steps))


def chip_machine_equipment_subsidy(data: ChipMachineInput) -> SubsidyResult:
    """m12 芯机联动（设备、材料）：当年累计采购 500 万元以上，每满 500 万元补 10 万元，最高 100 万元。"""
    calc = Calculation(DOC_ID)
    amounts = list(data.purchase_amounts_yuan)
    threshold = calc.param("chip_machine_equipment_threshold")
    failures = _chip_machine_failures(calc, data, sum(amounts, Decimal(0)), threshold)
    block = calc.param("chip_machine_equipment_step")
    award = calc.param("chip_machine_equipment_award_per_step")
    cap = calc.param("chip_machine_equipment_cap")
    part = _per_block(amounts, block, award, cap)
    notes = [
        assumed([CHIP_MACHINE_CONDITIONS]),
        calc.param_note("chip_machine_equipment_step"),
        f"当年度多笔采购先累计，再判断是否达到 {wan_text(threshold)}并适用 {wan_text(cap)}上限。",
    ]
    return result(
        calc,
        "chip_machine_equipment_subsidy",
        "m12",
        data,
        CHIP_MACHINE_EQUIPMENT_QUOTE,
        part,
        failures,
        notes,
    )


def chip_machine_chip_subsidy(data: ChipMachineInput) -> SubsidyResult:
    """m12 芯机联动（芯片、模组）：当年累计采购 300 万元以上，30%，最高 150 万元。"""
    calc = Calculation(DOC_ID)
    amounts = list(data.purchase_amounts_yuan)
    threshold = calc.param("chip_machine_chip_threshold")
    failures = _chip_machine_failures(calc, data, sum(amounts, Decimal(0)), threshold)
    rate, cap = calc.param("chip_machine_chip_rate"), calc.param("chip_machine_chip_cap")
    part = rate_with_cap(amounts, rate, cap, "每家企业最高补贴")
    notes = [
        assumed([CHIP_MACHINE_CONDITIONS]),
        f"当年度多笔采购先累计，再判断是否达到 {wan_text(threshold)}并适用 {wan_text(cap)}上限。",
    ]
    return result(
        calc, "chip_machine_chip_subsidy", "m12", data, CHIP_MACHINE_CHIP_QUOTE, part, failures, notes
    )


class AiPlatformInput(CalcInput):
    investment_yuan: Money = Field(..., description="场景化开放服务平台的项目投资额（元）")
    enterprises_served: int = Field(
        ..., ge=0, le=10_000_000, description="平台对外服务的企业数（须 50 家及以上）"
    )


def ai_scene_platform_subsidy(data: AiPlatformInput) -> SubsidyResult:
    """m15 人工智能场景化开放服务平台：对外服务 50 家（含）以上，项目投资额的 20%，最高 300 万元。"""
    calc = Calculation(DOC_ID)
    served = data.enterprises_served
    minimum = calc.param("ai_platform_min_served")
    enough = threshold_step(calc, "对外服务企业数", Decimal(served), minimum, money=False)
    failures = failed([(enough, f"对外服务企业数达到 {minimum} 家（含）以上（当前 {served} 家）")])
    rate, cap = calc.param("ai_platform_rate"), calc.param("ai_platform_cap")
    part = rate_with_cap([data.investment_yuan], rate, cap, "单家企业最高补贴")
    notes = [assumed(["行业龙头企业自主投资建设面向人工智能的场景化开放服务平台", "经认定"])]
    return result(calc, "ai_scene_platform_subsidy", "m15", data, AI_PLATFORM_QUOTE, part, failures, notes)


class AiAwardInput(CalcInput):
    tier: Literal[1, 2, 3] = Field(
        ..., description="经认定的奖励档次：1=最高 50 万元，2=最高 30 万元，3=最高 10 万元"
    )
    landed_and_promoted: bool = Field(True, description="成果是否已实际落地并推广")


def ai_achievement_award(data: AiAwardInput) -> SubsidyResult:
    """m15 人工智能应用成果：经认定分三档，一次性奖励最高 50 万、30 万、10 万元。"""
    calc = Calculation(DOC_ID)
    failures = failed([(data.landed_and_promoted, "人工智能应用成果已实际落地并推广")])
    amount = calc.param({1: "ai_award_tier1", 2: "ai_award_tier2", 3: "ai_award_tier3"}[data.tier])
    text = f"第{data.tier}档一次性奖励上限 = {format_yuan(amount)}"
    part = Part(amount, text, (), (Step(text, yuan_str(amount)),))
    first, second, third = (
        wan_number(calc.mention("ai_award_tier1")),
        wan_number(calc.mention("ai_award_tier2")),
        wan_number(calc.mention("ai_award_tier3")),
    )
    notes = [
        f"政策只列出 {first} 万、{second} 万、{third} 万元三个档次，未规定分档标准，档次由主管部门认定。",
        "这是一次性奖励，不按年度重复发放。",
    ]
    return result(calc, "ai_achievement_award", "m15", data, AI_AWARD_QUOTE, part, failures, notes)


class HighPlatformInput(CalcInput):
    level: Literal["国家级", "省级", "市级", "区级", "其他"] = Field(
        ..., description="平台级别：国家级、省级、市级、区级或其他"
    )
    actual_spending_yuan: MoneyList = Field(
        ..., description="该年度场地租赁、项目建设等实际支出，每笔一项（元）"
    )


def high_level_platform_subsidy(data: HighPlatformInput) -> SubsidyResult:
    """m16 国家级、省级高能级平台：按当年实际支出，每年最高 500 万元。"""
    calc = Calculation(DOC_ID)
    failures = failed([(data.level in ("国家级", "省级"), f"国家级、省级高能级平台（当前 {data.level}）")])
    amounts = list(data.actual_spending_yuan)
    raw = sum(amounts, Decimal(0))
    cap = calc.param("high_platform_cap")
    amount = fen(min(raw, cap))  # a ceiling is rounded down to the fen, as everywhere else
    formula = f"min({sum_expr(amounts)}, {format_yuan(cap)}) = {format_yuan(amount)}"
    caps = (f"每年最高补贴（{wan(cap)}）",) if raw > cap else ()
    steps = [
        *total_steps(amounts),
        cap_step(raw, cap, "每年最高补贴"),
        *rounding_steps(min(raw, cap), amount),
    ]
    notes = [
        assumed(["集成电路相关平台", "支出用于场地租赁、项目建设等"]),
        calc.param_note("high_platform_cap"),
    ]
    part = Part(amount, formula, caps, tuple(steps))
    return result(
        calc, "high_level_platform_subsidy", "m16", data, HIGH_PLATFORM_QUOTE, part, failures, notes
    )


class EventInput(CalcInput):
    venue_rents_yuan: MoneyList = Field(..., description="每次交流活动（展会）的场租费，每次活动一项（元）")
    prior_approval: bool = Field(True, description="是否按规定履行了事前报批程序")
    held_in_district: bool = Field(True, description="是否在高新区（滨江）举办")
    ic_or_ai_topic: bool = Field(True, description="是否为集成电路、人工智能交流活动且符合区重点产业导向")


def event_venue_subsidy(data: EventInput) -> SubsidyResult:
    """m16 集成电路、人工智能交流活动：场租费的 50%，每次活动不超过 100 万元。"""
    calc = Calculation(DOC_ID)
    failures = failed(
        [
            (data.prior_approval, "按规定履行事前报批程序"),
            (data.held_in_district, "在我区举办"),
            (data.ic_or_ai_topic, "集成电路、人工智能交流活动，符合区重点产业导向"),
        ]
    )
    rate, cap = calc.param("event_rate"), calc.param("event_cap")
    parts = [
        rate_with_cap([rent], rate, cap, "单次展会补贴额度", f"第{i}次活动：")
        for i, rent in enumerate(data.venue_rents_yuan, 1)
    ]
    total = sum((p.amount for p in parts), Decimal(0))
    formula = " + ".join(p.formula.rsplit(" = ", 1)[0] for p in parts) + f" = {format_yuan(total)}"
    caps = tuple(dict.fromkeys(c for p in parts for c in p.caps))
    steps = [s for p in parts for s in p.steps]
    if len(parts) > 1:
        steps.append(
            Step(
                f"各次相加：{' + '.join(format_yuan(p.amount) for p in parts)} = {format_yuan(total)}",
                yuan_str(total),
            )
        )
    notes = [calc.param_note("event_cap"), "“经评审可给予”：是否补贴以评审为准。"]
    part = Part(total, formula, caps, tuple(steps))
    return result(calc, "event_venue_subsidy", "m16", data, EVENT_QUOTE, part, failures, notes)
