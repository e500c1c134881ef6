"""Clauses m18 and m19: talent awards, standards and government quality awards."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from calculators.base import CalcInput, Part, SubsidyResult, failed, result
from calculators.hzgx_2024_7.chips import assumed
from calculators.money import format_yuan

TALENT_QUOTE = "对新引进人才入选各级人才计划的，给予人才最高 520 万元的奖励。"
TALENT_CAP = Decimal(5_200_000)

STANDARD_QUOTE = (
    "对企业主导、参与制定国际标准并发布的，分别给予企业 100 万元、50 万元奖励；参与国家标准、行业标准制定并发布的，"
    "分别给予企业 20 万元、10 万元奖励；主导、参与制定“浙江制造”标准并发布的，分别给予企业 10 万元、5 万元的奖励。"
)
StandardLevel = Literal["国际标准", "国家标准", "行业标准", "浙江制造标准"]
StandardRole = Literal["主导", "参与"]
# National and industry standards are rewarded for taking part; leading one includes taking part.
STANDARD_AWARDS: dict[tuple[str, str], Decimal] = {
    ("国际标准", "主导"): Decimal(1_000_000),
    ("国际标准", "参与"): Decimal(500_000),
    ("国家标准", "主导"): Decimal(200_000),
    ("国家标准", "参与"): Decimal(200_000),
    ("行业标准", "主导"): Decimal(100_000),
    ("行业标准", "参与"): Decimal(100_000),
    ("浙江制造标准", "主导"): Decimal(100_000),
    ("浙江制造标准", "参与"): Decimal(50_000),
}

QUALITY_QUOTE = "对新获得或提名国家、省、市、区政府质量奖的，给予最高 200 万的奖励。"
QUALITY_CAP = Decimal(2_000_000)


class TalentInput(CalcInput):
    newly_introduced: bool = Field(True, description="是否为新引进人才")
    selected_in_talent_program: bool = Field(True, description="是否入选各级人才计划")


def talent_award(data: TalentInput) -> SubsidyResult:
    """m18 人才引育：新引进人才入选各级人才计划的，给予人才最高 520 万元奖励。"""
    failures = failed(
        [(data.newly_introduced, "新引进人才"), (data.selected_in_talent_program, "入选各级人才计划")]
    )
    part = Part(TALENT_CAP, f"人才奖励上限 = {format_yuan(TALENT_CAP)}")
    notes = [
        "520 万元是最高额，实际金额按入选的人才计划层级由人才办认定，本政策未列分档标准。",
        "奖励对象是人才本人，不是企业。",
    ]
    return result("talent_award", "m18", data, TALENT_QUOTE, part, failures, notes)


class StandardItem(CalcInput):
    level: StandardLevel = Field(..., description="标准类别：国际标准、国家标准、行业标准、浙江制造标准")
    role: StandardRole = Field("参与", description="企业角色：主导或参与")
    name: str | None = Field(None, max_length=200, description="标准名称或编号（同一标准只计一次）")
    published: bool = Field(True, description="标准是否已发布")


class StandardsInput(CalcInput):
    standards: list[StandardItem] = Field(
        ..., min_length=1, max_length=100, description="企业制定的各项标准，每项一条"
    )


def _best_per_standard(items: list[StandardItem]) -> list[tuple[StandardItem, Decimal]]:
    """Each named standard counted once, at its best role; unnamed items are separate standards."""
    best: dict[str, tuple[StandardItem, Decimal]] = {}
    for index, item in enumerate(items):
        key = f"{item.level}:{item.name}" if item.name else f"#{index}"
        award = STANDARD_AWARDS[(item.level, item.role)]
        if key not in best or award > best[key][1]:
            best[key] = (item, award)
    return list(best.values())


def standards_award(data: StandardsInput) -> SubsidyResult:
    """m19 标准制定：国际标准主导 100 万/参与 50 万，国家 20 万、行业 10 万，浙江制造主导 10 万/参与 5 万。"""
    published = [item for item in data.standards if item.published]
    failures = failed([(bool(published), "标准已发布")])
    counted = _best_per_standard(published)
    total = sum((award for _, award in counted), Decimal(0))
    terms = [f"{item.level}{item.role} {format_yuan(award)}" for item, award in counted]
    part = Part(total, " + ".join(terms) + f" = {format_yuan(total)}")
    notes = [
        "每项标准单独计奖后相加；同一标准只计一次，按企业在其中的最高角色计。",
        "政策对国家标准、行业标准只写“参与”，企业主导制定的也按参与的金额（20 万、10 万元）计。",
    ]
    skipped = len(data.standards) - len(published)
    if skipped:
        notes.append(f"有 {skipped} 项标准尚未发布，不计奖励（须“制定并发布”）。")
    return result("standards_award", "m19", data, STANDARD_QUOTE, part, failures, notes)


class QualityAwardInput(CalcInput):
    level: Literal["国家", "省", "市", "区"] = Field(..., description="政府质量奖级别：国家、省、市、区")
    status: Literal["获得", "提名"] = Field("获得", description="新获得还是获提名")


def quality_award(data: QualityAwardInput) -> SubsidyResult:
    """m19 政府质量奖：新获得或提名国家、省、市、区政府质量奖的，最高奖励 200 万元。"""
    part = Part(QUALITY_CAP, f"政府质量奖奖励上限 = {format_yuan(QUALITY_CAP)}")
    notes = [
        assumed([f"新{data.status}{data.level}政府质量奖"]),
        "政策对各级别、获得与提名只写了统一的最高 200 万元，具体金额由市场监管局认定。",
    ]
    return result("quality_award", "m19", data, QUALITY_QUOTE, part, [], notes)
