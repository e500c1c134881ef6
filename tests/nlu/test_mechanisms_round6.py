"""The sixth round's mechanisms (this session's reviews of holdout7 and the development sets' last failures),
on phrasings of our own or a reviewer's (never the held-out text), with amounts computed by hand from the
policy."""

from __future__ import annotations

from typing import Any

from tests.fixtures import conversation


def test_another_years_figures_are_named_as_such_and_answered_when_that_year_is_asked(engine: Any) -> None:
    # 2025: 600万 × 30% = 180万 (800万 of 2024 set aside); then 2024 alone: 800万 × 30% = 240万; both: 420万.
    answers = conversation(
        engine,
        "2024年有一款芯片首次流片800万，2025年另一款首次流片600万。问一下2025年度能补多少？",
        "那2024年的呢",
        "两年加起来一共多少",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["1800000", "2400000", "4200000"]
    assert "800万（2024年的数字，不属于所问年度）" in answers[0]["answer"]
    assert answers[1]["answer"].startswith("2024年度")


def test_a_year_set_aside_asked_with_its_contract(engine: Any) -> None:
    # m6: 2025 contract 120万 × 50% = 60万; the 2024 contract 70万 × 50% = 35万.
    answers = conversation(
        engine,
        "我们2024年在杭州人工智能计算中心租算力签了70万，今年2025年又签了120万，2025年度可以补多少",
        "2024年那份合同当时能补多少？",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["600000", "350000"]


def test_a_year_with_no_figures_set_aside_is_not_invented(engine: Any) -> None:
    # Nothing of 2023 was said: the rule is shown, 2025's figure is not reused for it.
    answers = conversation(engine, "2025年首次流片600万，2025年度能补多少", "那2023年的呢")
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["1800000", None]
