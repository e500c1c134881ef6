"""Clauses m18 and m19: talent awards, standards and government quality awards."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from calculators.base import CalcInput, Part, SubsidyResult, failed, result, wan_number
from calculators.hzgx_2024_7 import DOC_ID
from calculators.hzgx_2024_7.chips import assumed
from calculators.money import format_yuan, yuan_str
from calculators.trace import Calculation, Step

TALENT_QUOTE = "对新引进人才入选各级人才计划的，给予人才最高 520 万元的奖励。"

STANDARD_QUOTE = (
    "对企业主导、参与制定国际标准并发布的，分别给予企业 100 万元、50 万元奖励；参与国家标准、行业标准制定并发布的，"
    "分别给予企业 20 万元、10 万元奖励；主导、参与制定“浙江制造”标准并发布的，分别给予企业 10 万元、5 万元的奖励。"
)
StandardLevel = Literal["国际标准", "国家标准", "行业标准", "浙江制造标准"]
StandardRole = Literal["主导", "参与"]
# National and industry standards are rewarded for taking part; leading one includes taking part.
STANDARD_AWARDS: dict[tuple[str, str], str] = {
    ("国际标准", "主导"): "standard_international_lead_award",
    ("国际标准", "参与"): "standard_international_participate_award",
    ("国家标准", "主导"): "standard_national_award",
    ("国家标准", "参与"): "standard_national_award",
    ("行业标准", "主导"): "standard_industry_award",
    ("行业标准", "参与"): "standard_industry_award",
    ("浙江制造标准", "主导"): "standard_zhejiang_lead_award",
    ("浙江制造标准", "参与"): "standard_zhejiang_participate_award",
}

QUALITY_QUOTE = "对新获得或提名国家、省、市、区政府质量奖的，给予最高 200 万的奖励。"


def fixed_award(amount: Decimal, label: str) -> Part:
    """A fixed maximum award: "人才奖励上限 = 5,200,000"."""
    text = f"{label} = {format_yuan(amount)}"
    return Part(amount, text, (), (Step(text, yuan_str(amount)),))


class TalentInput(CalcInput):
    newly_introduced: bool = Field(True, description="是否为新引进人才")
    selected_in_talent_program: bool = Field(True, description="是否入选各级人才计划")


def talent_award(data: TalentInput) -> SubsidyResult:
    """m18 人才引育：新引进人才入选各级人才计划的，给予人才最高 520 万元奖励。"""
    calc = Calculation(DOC_ID)
    failures = failed(
        [(data.newly_introduced, "新引进人才"), (data.selected_in_talent_program, "入选各级人才计划")]
    )
    part = fixed_award(calc.param("talent_cap"), "人才奖励上限")
    notes = [calc.param_note("talent_cap"), "奖励对象是人才本人，不是企业。"]
    return result(calc, "talent_award", "m18", data, TALENT_QUOTE, part, failures, notes)


class StandardItem(CalcInput):
    level: StandardLevel = Field(..., description="标准类别：国际标准、国家标准、行业标准、浙江制造标准")
    role: StandardRole = Field("参与", description="企业角色：主导或参与")
    name: str | None = Field(None, max_length=200, description="标准名称或编号（同一标准只计一次）")
    published: bool = Field(True, description="标准是否已发布")


class StandardsInput(CalcInput):
    standards: list[StandardItem] = Field(
        ..., min_length=1, max_length=100, description="企业制定的各项标准，每项一条"
    )


def _best_per_standard(calc: Calculation, items: list[StandardItem]) -> list[tuple[StandardItem, Decimal]]:
    """Each named standard counted once, at its best role; unnamed items are separate standards."""
    best: dict[str, tuple[StandardItem, Decimal]] = {}
    for index, item in enumerate(items):
        key = f"{item.level}:{item.name}" if item.name else f"#{index}"
        award = calc.param(STANDARD_AWARDS[(item.level, item.role)])
        if key not in best or award > best[key][1]:
            best[key] = (item, award)
    return list(best.values())


def standards_award(data: StandardsInput) -> SubsidyResult:
    """m19 标准制定：国际标准主导 100 万/参与 50 万，国家 20 万、行业 10 万，浙江制造主导 10 万/参与 5 万。"""
    calc = Calculation(DOC_ID)
    published = [item for item in data.standards if item.published]
    failures = failed([(bool(published), "制定并发布（标准须已发布）")])
    counted = _best_per_standard(calc, published)
    total = sum((award for _, award in counted), Decimal(0))
    terms = [f"{item.level}{item.role} {format_yuan(award)}" for item, award in counted]
    steps = [Step(term, yuan_str(award)) for term, (_, award) in zip(terms, counted, strict=True)]
    if len(counted) > 1:
        steps.append(
            Step(
                f"相加：{' + '.join(format_yuan(a) for _, a in counted)} = {format_yuan(total)}",
                yuan_str(total),
            )
        )
    part = Part(total, " + ".join(terms) + f" = {format_yuan(total)}", (), tuple(steps))
    national, industry = calc.mention("standard_national_award"), calc.mention("standard_industry_award")
    notes = [
        "每项标准单独计奖后相加；同一标准只计一次，按企业在其中的最高角色计。",
        f"政策对国家标准、行业标准只写“参与”，企业主导制定的也按参与的金额（{wan_number(national)} 万、"
        f"{wan_number(industry)} 万元）计。",
    ]
    skipped = len(data.standards) - len(published)
    if skipped:
        notes.append(f"有 {skipped} 项标准尚未发布，不计奖励（须“制定并发布”）。")
    return result(calc, "standards_award", "m19", data, STANDARD_QUOTE, part, failures, notes)


class QualityAwardInput(CalcInput):
    level: Literal["国家", "省", "市", "区"] = Field(..., description="政府质量奖级别：国家、省、市、区")
    status: Literal["获得", "提名"] = Field("获得", description="新获得还是获提名")


def quality_award(data: QualityAwardInput) -> SubsidyResult:
    """m19 政府质量奖：新获得或提名国家、省、市、区政府质量奖的，最高奖励 200 万元。"""
    calc = Calculation(DOC_ID)
    part = fixed_award(calc.param("quality_cap"), "政府质量奖奖励上限")
    notes = [assumed([f"新{data.status}{data.level}政府质量奖"]), calc.param_note("quality_cap")]
    return result(calc, "quality_award", "m19", data, QUALITY_QUOTE, part, [], notes)
