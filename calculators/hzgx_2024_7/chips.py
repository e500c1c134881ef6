"""Clauses m2–m4 (支持关键芯片突破): EDA, IP, first tape-out, core equipment and materials."""

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
    rate_with_cap,
    result,
)
from calculators.money import format_wan, format_yuan, yuan_str

A2_QUOTE = "同一项目按照“从高、从优、不重复”原则执行。"
QUOTE_SEP = " …… "

# m2 EDA 攻关
EDA_RND_QUOTE = (
    "对开展 EDA 工具技术攻关，自主研发投入 1000 万元以上并实现实际销售的企业，经评审，"
    "按照不超过其年度自主研发投入的 15% 给予补贴，最高补贴 2000 万元。"
)
EDA_RND_THRESHOLD = Decimal(10_000_000)  # 以上: includes 1000万 itself
EDA_RND_RATE = Decimal("0.15")
EDA_RND_CAP = Decimal(20_000_000)  # "最高补贴" without 年度: read as a cap per award

# m2 EDA 购买
EDA_BUY_QUOTE = (
    "对集成电路企业购买 EDA 工具的，按照不超过实际发生费用的 20% 给予补贴，每家企业年度最高补贴 100 万元；"
)
EDA_BUY_RATE = Decimal("0.20")
EDA_BUY_CAP = Decimal(1_000_000)
SIGNOFF_QUOTE = (
    "对购买参与省级及以上半导体签核中心创建企业研发的 EDA 工具的，经认定，"
    "按照不超过实际发生费用的 50% 给予补贴，每家企业年度最高补贴 250 万元。"
)
SIGNOFF_RATE = Decimal("0.50")
SIGNOFF_CAP = Decimal(2_500_000)

# m2 IP 购买
IP_QUOTE = (
    "对购买 IP 开展关键芯片、先进或特色工艺研发的集成电路企业，"
    "按照不超过其购买 IP 直接费用的 20% 给予补贴，每家企业年度最高补贴 200 万元。"
)
IP_RATE = Decimal("0.20")
IP_CAP = Decimal(2_000_000)

# m3 首次流片: 以上 and 以下 both include 1000万, so exactly 1000万 is in both tiers (a2 picks).
TAPEOUT_QUOTE = (
    "对重点支持领域的关键芯片产品，首次流片费用 1000 万元以上的，按照不超过其流片费用的 15% 给予补贴，"
    "每家企业年度最高补贴 2000 万元；首次流片费用 1000 万元以下的，按照不超过其流片费用的 30% 给予补贴，"
    "每家企业年度最高补贴 300 万元。"
)
TAPEOUT_BOUNDARY = Decimal(10_000_000)
TAPEOUT_LARGE_RATE, TAPEOUT_LARGE_CAP = Decimal("0.15"), Decimal(20_000_000)
TAPEOUT_SMALL_RATE, TAPEOUT_SMALL_CAP = Decimal("0.30"), Decimal(3_000_000)

# m4 核心设备、关键材料
EQUIPMENT_RND_QUOTE = (
    "对集成电路核心设备、关键材料等自主研发投入 5000 万元以上并实现实际销售的企业，经评审，"
    "按照不超过其年度研发投入的 15% 给予补贴，最高补贴 5000 万元。"
)
EQUIPMENT_RND_THRESHOLD = Decimal(50_000_000)
EQUIPMENT_RND_RATE = Decimal("0.15")
EQUIPMENT_RND_CAP = Decimal(50_000_000)


def assumed(conditions: list[str]) -> str:
    """Note naming the conditions taken as met because the user did not say otherwise."""
    return "按已满足以下条件测算（以认定为准）：" + "；".join(conditions) + "。"


class EdaRndInput(CalcInput):
    rd_investment_yuan: Money = Field(..., description="EDA 工具攻关的年度自主研发投入（元，可写“1200万”）")
    has_actual_sales: bool = Field(True, description="是否已实现实际销售")


def eda_rnd_subsidy(data: EdaRndInput) -> SubsidyResult:
    """m2 EDA 工具技术攻关：年度自主研发投入 1000 万元以上且有销售，15%，最高 2000 万元。"""
    amount = data.rd_investment_yuan
    failures = failed(
        [
            (amount >= EDA_RND_THRESHOLD, f"自主研发投入 1000 万元以上（当前 {format_wan(amount)}）"),
            (data.has_actual_sales, "已实现实际销售"),
        ]
    )
    part = rate_with_cap([amount], EDA_RND_RATE, EDA_RND_CAP, "最高补贴")
    notes = [
        assumed(["开展 EDA 工具技术攻关", "经评审"]),
        "“最高补贴 2000 万元”未写“年度”，按单个认定项目的上限理解。",
    ]
    return result("eda_rnd_subsidy", "m2", data, EDA_RND_QUOTE, part, failures, notes)


class EdaPurchaseInput(CalcInput):
    ordinary_costs_yuan: MoneyList | None = Field(
        None, description="同一年度购买一般 EDA 工具的实际发生费用，每笔一项（元）"
    )
    signoff_center_costs_yuan: MoneyList | None = Field(
        None, description="同一年度购买参与省级及以上半导体签核中心创建企业研发的 EDA 工具的费用（元）"
    )
    is_ic_enterprise: bool = Field(True, description="购买方是否为集成电路企业")

    @model_validator(mode="after")
    def _some_cost(self) -> EdaPurchaseInput:
        if not (self.ordinary_costs_yuan or self.signoff_center_costs_yuan):
            raise ValueError("请至少给出一笔 EDA 工具采购费用")
        return self


def _eda_plan(ordinary: list[Decimal], signoff: list[Decimal], use_signoff_rule: bool) -> Part:
    """One way of applying m2 to the year's purchases: signoff items under 50% or all under 20%."""
    parts: list[Part] = []
    pool_20 = ordinary + ([] if use_signoff_rule else signoff)
    if use_signoff_rule and signoff:
        parts.append(rate_with_cap(signoff, SIGNOFF_RATE, SIGNOFF_CAP, "签核中心 EDA 每家企业年度最高补贴"))
    if pool_20:
        parts.append(rate_with_cap(pool_20, EDA_BUY_RATE, EDA_BUY_CAP, "EDA 购买每家企业年度最高补贴"))
    return combine(parts)


def combine(parts: list[Part]) -> Part:
    """Sum of independently capped parts, with one formula line."""
    total = sum((p.amount for p in parts), Decimal(0))
    if len(parts) == 1:
        return parts[0]
    formula = " + ".join(p.formula.rsplit(" = ", 1)[0] for p in parts) + f" = {format_yuan(total)}"
    return Part(total, formula, tuple(c for p in parts for c in p.caps))


def eda_purchase_subsidy(data: EdaPurchaseInput) -> SubsidyResult:
    """m2 购买 EDA 工具：20%、每年最高 100 万元；签核中心企业研发的 EDA 50%、每年最高 250 万元（从高取一）。"""
    ordinary = list(data.ordinary_costs_yuan or [])
    signoff = list(data.signoff_center_costs_yuan or [])
    failures = failed([(data.is_ic_enterprise, "购买方为集成电路企业")])
    plan_20 = _eda_plan(ordinary, signoff, use_signoff_rule=False)
    notes = [assumed(["购买方为集成电路企业", "经认定"])]
    quote = EDA_BUY_QUOTE
    extra: dict[str, object] = {}
    if signoff:
        plan_50 = _eda_plan(ordinary, signoff, use_signoff_rule=True)
        best = plan_50 if plan_50.amount >= plan_20.amount else plan_20
        chosen = "签核中心 EDA 50% 规则" if best is plan_50 else "EDA 购买 20% 规则"
        extra = {
            "chosen_rule": chosen,
            "alternatives": [
                {
                    "rule": "签核中心 EDA 50% 规则",
                    "max_subsidy_yuan": yuan_str(plan_50.amount),
                    "formula": plan_50.formula,
                },
                {
                    "rule": "EDA 购买 20% 规则",
                    "max_subsidy_yuan": yuan_str(plan_20.amount),
                    "formula": plan_20.formula,
                },
            ],
        }
        notes += [
            f"签核中心企业研发的 EDA 同时符合 20% 和 50% 两条规则，按“从高、从优、不重复”只取一条：选{chosen}"
            f"（{format_wan(plan_50.amount)} 对 {format_wan(plan_20.amount)}）。",
            "一般 EDA 与签核中心 EDA 分别适用各自的年度上限（100 万元、250 万元），两者相加。",
        ]
        quote = EDA_BUY_QUOTE + QUOTE_SEP + SIGNOFF_QUOTE + QUOTE_SEP + A2_QUOTE
        plan = best
    else:
        plan = plan_20
    if len(ordinary) + len(signoff) > 1:
        notes.append("同一企业同一年度的多笔采购先合计，再适用年度上限。")
    return result("eda_purchase_subsidy", "m2", data, quote, plan, failures, notes, **extra)


class IpPurchaseInput(CalcInput):
    ip_costs_yuan: MoneyList = Field(..., description="同一年度购买 IP 的直接费用，每笔一项（元）")
    is_ic_enterprise: bool = Field(True, description="购买方是否为集成电路企业")
    for_key_chip_or_process_rnd: bool = Field(True, description="是否用于关键芯片、先进或特色工艺研发")


def ip_purchase_subsidy(data: IpPurchaseInput) -> SubsidyResult:
    """m2 购买 IP：直接费用的 20%，每家企业每年最高 200 万元。"""
    failures = failed(
        [
            (data.is_ic_enterprise, "购买方为集成电路企业"),
            (data.for_key_chip_or_process_rnd, "所购 IP 用于关键芯片、先进或特色工艺研发"),
        ]
    )
    part = rate_with_cap(data.ip_costs_yuan, IP_RATE, IP_CAP, "IP 购买每家企业年度最高补贴")
    notes = [assumed(["集成电路企业", "IP 用于关键芯片、先进或特色工艺研发"])]
    if len(data.ip_costs_yuan) > 1:
        notes.append("同一企业同一年度的多笔 IP 费用先合计，再适用 200 万元年度上限。")
    return result("ip_purchase_subsidy", "m2", data, IP_QUOTE, part, failures, notes)


class FirstTapeoutInput(CalcInput):
    fees_yuan: MoneyList = Field(..., description="同一年度各关键芯片产品的首次流片费用，每个产品一项（元）")
    is_first_tapeout: bool = Field(True, description="是否为该芯片产品的首次流片（非首次不予补贴）")
    is_key_chip_in_supported_field: bool = Field(True, description="是否为重点支持领域的关键芯片产品")


def _tapeout_plan(large: list[Decimal], small: list[Decimal]) -> Part:
    """Each tier capped on its own, then added."""
    parts: list[Part] = []
    if large:
        parts.append(
            rate_with_cap(large, TAPEOUT_LARGE_RATE, TAPEOUT_LARGE_CAP, "1000万元以上档年度最高补贴")
        )
    if small:
        parts.append(
            rate_with_cap(small, TAPEOUT_SMALL_RATE, TAPEOUT_SMALL_CAP, "1000万元以下档年度最高补贴")
        )
    return combine(parts)


def _best_tapeout_plan(fees: list[Decimal]) -> tuple[str, Part, list[tuple[str, Part]]]:
    """Try both tiers for items at exactly 1000万 (a2) and keep the most favourable plan."""
    large = [f for f in fees if f > TAPEOUT_BOUNDARY]
    small = [f for f in fees if f < TAPEOUT_BOUNDARY]
    both = [f for f in fees if f == TAPEOUT_BOUNDARY]
    plans: list[tuple[str, Part]] = []
    # Items at exactly 1000万 are interchangeable, so only how many go to the 15% tier matters.
    for n_large in range(len(both) + 1):
        n_small = len(both) - n_large
        label = f"恰为1000万元的{len(both)}项中{n_small}项按30%档、{n_large}项按15%档"
        if len(both) == 1:
            label = "恰为1000万元的流片按" + ("15%档（1000万元以上）" if n_large else "30%档（1000万元以下）")
        plans.append((label, _tapeout_plan(large + both[:n_large], small + both[n_large:])))
    # max() keeps the first of equals: with no difference, the plain 30% tier reading wins.
    label, best = max(plans, key=lambda lp: lp[1].amount)
    return label, best, plans


def first_tapeout_subsidy(data: FirstTapeoutInput) -> SubsidyResult:
    """m3 首次流片：1000 万元以上 15%（年度最高 2000 万），1000 万元以下 30%（年度最高 300 万）。"""
    fees = list(data.fees_yuan)
    failures = failed(
        [
            (data.is_first_tapeout, "首次流片（非首次流片不在补贴范围）"),
            (data.is_key_chip_in_supported_field, "重点支持领域的关键芯片产品"),
        ]
    )
    label, best, plans = _best_tapeout_plan(fees)
    notes = [
        assumed(["重点支持领域的关键芯片产品", "首次流片"]),
        "两档各自适用年度上限（2000 万元、300 万元），同一企业同一年度各产品的流片费按档合计后再封顶。",
    ]
    extra: dict[str, object] = {}
    if TAPEOUT_BOUNDARY in fees:
        notes.append(
            "首次流片费用恰为 1000 万元：“以上”“以下”都包含本数，两档都适用；按“从高、从优、不重复”"
            f"取较优的一种：30% 档 {format_wan(TAPEOUT_BOUNDARY * TAPEOUT_SMALL_RATE)}，"
            f"15% 档 {format_wan(TAPEOUT_BOUNDARY * TAPEOUT_LARGE_RATE)}，按全年合计后封顶比较。"
        )
        extra = {
            "chosen_rule": label,
            "alternatives": [
                {"rule": lbl, "max_subsidy_yuan": yuan_str(p.amount), "formula": p.formula}
                for lbl, p in plans
            ],
        }
    quote = TAPEOUT_QUOTE + (QUOTE_SEP + A2_QUOTE if extra else "")
    return result("first_tapeout_subsidy", "m3", data, quote, best, failures, notes, **extra)


class EquipmentRndInput(CalcInput):
    rd_investment_yuan: Money = Field(..., description="集成电路核心设备、关键材料的年度自主研发投入（元）")
    has_actual_sales: bool = Field(True, description="是否已实现实际销售")


def equipment_rnd_subsidy(data: EquipmentRndInput) -> SubsidyResult:
    """m4 核心设备、关键材料：年度研发投入 5000 万元以上且有销售，15%，最高 5000 万元。"""
    amount = data.rd_investment_yuan
    failures = failed(
        [
            (amount >= EQUIPMENT_RND_THRESHOLD, f"自主研发投入 5000 万元以上（当前 {format_wan(amount)}）"),
            (data.has_actual_sales, "已实现实际销售"),
        ]
    )
    part = rate_with_cap([amount], EQUIPMENT_RND_RATE, EQUIPMENT_RND_CAP, "最高补贴")
    notes = [assumed(["集成电路核心设备、关键材料等自主研发", "经评审"])]
    return result("equipment_rnd_subsidy", "m4", data, EQUIPMENT_RND_QUOTE, part, failures, notes)
