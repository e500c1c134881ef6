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
    combine,
    failed,
    pct,
    rate_with_cap,
    result,
    threshold_step,
    wan_text,
)
from calculators.hzgx_2024_7 import DOC_ID
from calculators.money import format_wan, format_yuan, yuan_str
from calculators.trace import Calculation

A2_QUOTE = "同一项目按照“从高、从优、不重复”原则执行。"
QUOTE_SEP = " …… "

EDA_RND_QUOTE = (
    "对开展 EDA 工具技术攻关，自主研发投入 1000 万元以上并实现实际销售的企业，经评审，"
    "按照不超过其年度自主研发投入的 15% 给予补贴，最高补贴 2000 万元。"
)
EDA_BUY_QUOTE = (
    "对集成电路企业购买 EDA 工具的，按照不超过实际发生费用的 20% 给予补贴，每家企业年度最高补贴 100 万元；"
)
SIGNOFF_QUOTE = (
    "对购买参与省级及以上半导体签核中心创建企业研发的 EDA 工具的，经认定，"
    "按照不超过实际发生费用的 50% 给予补贴，每家企业年度最高补贴 250 万元。"
)
IP_QUOTE = (
    "对购买 IP 开展关键芯片、先进或特色工艺研发的集成电路企业，"
    "按照不超过其购买 IP 直接费用的 20% 给予补贴，每家企业年度最高补贴 200 万元。"
)
TAPEOUT_QUOTE = (
    "对重点支持领域的关键芯片产品，首次流片费用 1000 万元以上的，按照不超过其流片费用的 15% 给予补贴，"
    "每家企业年度最高补贴 2000 万元；首次流片费用 1000 万元以下的，按照不超过其流片费用的 30% 给予补贴，"
    "每家企业年度最高补贴 300 万元。"
)
EQUIPMENT_RND_QUOTE = (
    "对集成电路核心设备、关键材料等自主研发投入 5000 万元以上并实现实际销售的企业，经评审，"
    "按照不超过其年度研发投入的 15% 给予补贴，最高补贴 5000 万元。"
)


def assumed(conditions: list[str]) -> str:
    """Note naming the conditions taken as met because the user did not say otherwise."""
    return "按已满足以下条件测算（以认定为准）：" + "；".join(conditions) + "。"


def choice_step(calc: Calculation, plans: list[tuple[str, Part]], chosen: str, best: Part) -> None:
    """Record the a2 choice between ways of applying the rules: every plan's amount, and the one kept."""
    shown = "；".join(f"{label} {format_yuan(plan.amount)}" for label, plan in plans)
    calc.step(f"从高、从优、不重复：{shown}；取{chosen}", best.amount)


class EdaRndInput(CalcInput):
    rd_investment_yuan: Money = Field(..., description="EDA 工具攻关的年度自主研发投入（元，可写“1200万”）")
    has_actual_sales: bool = Field(True, description="是否已实现实际销售")


def eda_rnd_subsidy(data: EdaRndInput) -> SubsidyResult:
    """m2 EDA 工具技术攻关：年度自主研发投入 1000 万元以上且有销售，15%，最高 2000 万元。"""
    calc = Calculation(DOC_ID)
    amount = data.rd_investment_yuan
    threshold = calc.param("eda_rnd_threshold")
    failures = failed(
        [
            (
                threshold_step(calc, "年度自主研发投入", amount, threshold),
                f"自主研发投入 {wan_text(threshold)}以上（当前 {format_wan(amount)}）",
            ),
            (data.has_actual_sales, "已实现实际销售"),
        ]
    )
    part = rate_with_cap([amount], calc.param("eda_rnd_rate"), calc.param("eda_rnd_cap"), "最高补贴")
    notes = [assumed(["开展 EDA 工具技术攻关", "经评审"]), calc.param_note("eda_rnd_cap")]
    return result(calc, "eda_rnd_subsidy", "m2", data, EDA_RND_QUOTE, part, failures, notes)


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


def _eda_plan(
    calc: Calculation, ordinary: list[Decimal], signoff: list[Decimal], use_signoff_rule: bool
) -> Part:
    """One way of applying m2 to the year's purchases: signoff items under their own rule, or all under 20%."""
    parts: list[Part] = []
    pool = ordinary + ([] if use_signoff_rule else signoff)
    if use_signoff_rule and signoff:
        rate, cap = calc.param("signoff_eda_rate"), calc.param("signoff_eda_cap")
        parts.append(rate_with_cap(signoff, rate, cap, "签核中心 EDA 每家企业年度最高补贴", "签核中心 EDA："))
    if pool:
        rate, cap = calc.param("eda_purchase_rate"), calc.param("eda_purchase_cap")
        parts.append(rate_with_cap(pool, rate, cap, "EDA 购买每家企业年度最高补贴", "EDA 购买："))
    return combine(parts)


def eda_purchase_subsidy(data: EdaPurchaseInput) -> SubsidyResult:
    """m2 购买 EDA 工具：20%、每年最高 100 万元；签核中心企业研发的 EDA 50%、每年最高 250 万元（从高取一）。"""
    calc = Calculation(DOC_ID)
    ordinary = list(data.ordinary_costs_yuan or [])
    signoff = list(data.signoff_center_costs_yuan or [])
    failures = failed([(data.is_ic_enterprise, "购买方为集成电路企业")])
    plan_20 = _eda_plan(calc, ordinary, signoff, use_signoff_rule=False)
    notes = [assumed(["购买方为集成电路企业", "经认定"])]
    quote = EDA_BUY_QUOTE
    extra: dict[str, object] = {}
    plan = plan_20
    if signoff:
        plan_50 = _eda_plan(calc, ordinary, signoff, use_signoff_rule=True)
        rate_20, rate_50 = calc.param("eda_purchase_rate"), calc.param("signoff_eda_rate")
        rule_20, rule_50 = f"EDA 购买 {pct(rate_20)} 规则", f"签核中心 EDA {pct(rate_50)} 规则"
        plan = plan_50 if plan_50.amount >= plan_20.amount else plan_20
        chosen = rule_50 if plan is plan_50 else rule_20
        choice_step(calc, [(rule_50, plan_50), (rule_20, plan_20)], chosen, plan)
        extra = {
            "chosen_rule": chosen,
            "alternatives": [
                {"rule": rule, "max_subsidy_yuan": yuan_str(p.amount), "formula": p.formula}
                for rule, p in ((rule_50, plan_50), (rule_20, plan_20))
            ],
        }
        caps = f"{wan_text(calc.param('eda_purchase_cap'))}、{wan_text(calc.param('signoff_eda_cap'))}"
        notes += [
            f"签核中心企业研发的 EDA 同时符合 {pct(rate_20)} 和 {pct(rate_50)} 两条规则，按“从高、从优、不重复”只取一条："
            f"选{chosen}（{format_wan(plan_50.amount)} 对 {format_wan(plan_20.amount)}）。",
            f"一般 EDA 与签核中心 EDA 分别适用各自的年度上限（{caps}），两者相加。",
        ]
        quote = EDA_BUY_QUOTE + QUOTE_SEP + SIGNOFF_QUOTE + QUOTE_SEP + A2_QUOTE
    if len(ordinary) + len(signoff) > 1:
        notes.append("同一企业同一年度的多笔采购先合计，再适用年度上限。")
    return result(calc, "eda_purchase_subsidy", "m2", data, quote, plan, failures, notes, **extra)


class IpPurchaseInput(CalcInput):
    ip_costs_yuan: MoneyList = Field(..., description="同一年度购买 IP 的直接费用，每笔一项（元）")
    is_ic_enterprise: bool = Field(True, description="购买方是否为集成电路企业")
    for_key_chip_or_process_rnd: bool = Field(True, description="是否用于关键芯片、先进或特色工艺研发")


def ip_purchase_subsidy(data: IpPurchaseInput) -> SubsidyResult:
    """m2 购买 IP：直接费用的 20%，每家企业每年最高 200 万元。"""
    calc = Calculation(DOC_ID)
    failures = failed(
        [
            (data.is_ic_enterprise, "购买方为集成电路企业"),
            (data.for_key_chip_or_process_rnd, "所购 IP 用于关键芯片、先进或特色工艺研发"),
        ]
    )
    cap = calc.param("ip_cap")
    part = rate_with_cap(data.ip_costs_yuan, calc.param("ip_rate"), cap, "IP 购买每家企业年度最高补贴")
    notes = [assumed(["集成电路企业", "IP 用于关键芯片、先进或特色工艺研发"])]
    if len(data.ip_costs_yuan) > 1:
        notes.append(f"同一企业同一年度的多笔 IP 费用先合计，再适用 {wan_text(cap)}年度上限。")
    return result(calc, "ip_purchase_subsidy", "m2", data, IP_QUOTE, part, failures, notes)


class FirstTapeoutInput(CalcInput):
    fees_yuan: MoneyList = Field(..., description="同一年度各关键芯片产品的首次流片费用，每个产品一项（元）")
    is_first_tapeout: bool = Field(True, description="是否为该芯片产品的首次流片（非首次不予补贴）")
    is_key_chip_in_supported_field: bool = Field(True, description="是否为重点支持领域的关键芯片产品")


def _tapeout_plan(calc: Calculation, large: list[Decimal], small: list[Decimal], boundary: Decimal) -> Part:
    """Each tier capped on its own, then added."""
    parts: list[Part] = []
    if large:
        tier = f"{format_wan(boundary)}以上档"
        rate, cap = calc.param("tapeout_large_rate"), calc.param("tapeout_large_cap")
        parts.append(rate_with_cap(large, rate, cap, f"{tier}年度最高补贴", f"{tier}："))
    if small:
        tier = f"{format_wan(boundary)}以下档"
        rate, cap = calc.param("tapeout_small_rate"), calc.param("tapeout_small_cap")
        parts.append(rate_with_cap(small, rate, cap, f"{tier}年度最高补贴", f"{tier}："))
    return combine(parts)


def _boundary_plans(calc: Calculation, fees: list[Decimal], boundary: Decimal) -> list[tuple[str, Part]]:
    """Items at exactly the boundary are in both tiers (a2): one plan per way of splitting them."""
    large = [f for f in fees if f > boundary]
    small = [f for f in fees if f < boundary]
    both = [f for f in fees if f == boundary]
    large_rate, small_rate = pct(calc.param("tapeout_large_rate")), pct(calc.param("tapeout_small_rate"))
    plans: list[tuple[str, Part]] = []
    # Items at exactly the boundary are interchangeable, so only how many go to the larger tier matters.
    for n_large in range(len(both) + 1):
        n_small = len(both) - n_large
        label = f"恰为{format_wan(boundary)}的{len(both)}项中{n_small}项按{small_rate}档、{n_large}项按{large_rate}档"
        if len(both) == 1:
            tier = (
                f"{large_rate}档（{format_wan(boundary)}以上）"
                if n_large
                else f"{small_rate}档（{format_wan(boundary)}以下）"
            )
            label = "恰为" + format_wan(boundary) + "的流片按" + tier
        plans.append((label, _tapeout_plan(calc, large + both[:n_large], small + both[n_large:], boundary)))
    return plans


def first_tapeout_subsidy(data: FirstTapeoutInput) -> SubsidyResult:
    """m3 首次流片：1000 万元以上 15%（年度最高 2000 万），1000 万元以下 30%（年度最高 300 万）。"""
    calc = Calculation(DOC_ID)
    fees = list(data.fees_yuan)
    failures = failed(
        [
            (data.is_first_tapeout, "首次流片（非首次流片不在补贴范围）"),
            (data.is_key_chip_in_supported_field, "重点支持领域的关键芯片产品"),
        ]
    )
    boundary = calc.param("tapeout_tier_boundary")
    notes = [assumed(["重点支持领域的关键芯片产品", "首次流片"])]
    extra: dict[str, object] = {}
    quote = TAPEOUT_QUOTE
    if boundary in fees:
        plans = _boundary_plans(calc, fees, boundary)
        # max() keeps the first of equals: with no difference, the plain lower-tier reading wins.
        label, best = max(plans, key=lambda lp: lp[1].amount)
        choice_step(calc, plans, label, best)
        large_rate, small_rate = calc.param("tapeout_large_rate"), calc.param("tapeout_small_rate")
        notes.append(
            f"首次流片费用恰为 {wan_text(boundary)}：“以上”“以下”都包含本数，两档都适用；按“从高、从优、不重复”"
            f"取较优的一种：{pct(small_rate)} 档 {format_wan(boundary * small_rate)}，"
            f"{pct(large_rate)} 档 {format_wan(boundary * large_rate)}，按全年合计后封顶比较。"
        )
        extra = {
            "chosen_rule": label,
            "alternatives": [
                {"rule": lbl, "max_subsidy_yuan": yuan_str(p.amount), "formula": p.formula}
                for lbl, p in plans
            ],
        }
        quote += QUOTE_SEP + A2_QUOTE
    else:
        best = _tapeout_plan(
            calc, [f for f in fees if f > boundary], [f for f in fees if f < boundary], boundary
        )
    caps = f"{wan_text(calc.mention('tapeout_large_cap'))}、{wan_text(calc.mention('tapeout_small_cap'))}"
    notes.insert(1, f"两档各自适用年度上限（{caps}），同一企业同一年度各产品的流片费按档合计后再封顶。")
    return result(calc, "first_tapeout_subsidy", "m3", data, quote, best, failures, notes, **extra)


class EquipmentRndInput(CalcInput):
    rd_investment_yuan: Money = Field(..., description="集成电路核心设备、关键材料的年度自主研发投入（元）")
    has_actual_sales: bool = Field(True, description="是否已实现实际销售")


def equipment_rnd_subsidy(data: EquipmentRndInput) -> SubsidyResult:
    """m4 核心设备、关键材料：年度研发投入 5000 万元以上且有销售，15%，最高 5000 万元。"""
    calc = Calculation(DOC_ID)
    amount = data.rd_investment_yuan
    threshold = calc.param("equipment_rnd_threshold")
    failures = failed(
        [
            (
                threshold_step(calc, "年度自主研发投入", amount, threshold),
                f"自主研发投入 {wan_text(threshold)}以上（当前 {format_wan(amount)}）",
            ),
            (data.has_actual_sales, "已实现实际销售"),
        ]
    )
    rate, cap = calc.param("equipment_rnd_rate"), calc.param("equipment_rnd_cap")
    part = rate_with_cap([amount], rate, cap, "最高补贴")
    notes = [assumed(["集成电路核心设备、关键材料等自主研发", "经评审"])]
    return result(calc, "equipment_rnd_subsidy", "m4", data, EQUIPMENT_RND_QUOTE, part, failures, notes)
