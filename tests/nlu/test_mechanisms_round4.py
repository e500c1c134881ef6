"""The fourth round's mechanisms, each on phrasings of its own: a figure commenting on the previous clause's
subject, a date written without its year in a correction, an enterprise that says it is now in the zone, a
repealed document quoted beside the user's own figures, emoji, and the first measure's own words."""

from __future__ import annotations

from typing import Any

from tests.fixtures import conversation


def _totals(engine: Any, *questions: str) -> list[str | None]:
    return [a["total_max_subsidy_yuan"] for a in conversation(engine, *questions)]


def test_a_figure_after_a_link_word_fills_the_previous_clauses_slot(engine: Any) -> None:
    # (3亿 − 6000万) × 1% = 240万; the affiliated volume corrected to 9000万: (3亿 − 9000万) × 1% = 210万.
    assert _totals(
        engine,
        "我们的交易平台一年交易额3亿，其中关联企业交易额6000万，能补多少",
        "关联企业交易额那个数写错了，应该是9000万",
    ) == ["2400000", "2100000"]


def test_a_yearless_date_takes_the_year_of_the_date_it_corrects(engine: Any) -> None:
    # 2024-10 (read as 1 October) → LPR 3.35%: 400万 × 3.35% = 13.4万; 28 October → 3.10%: 12.4万.
    assert _totals(
        engine,
        "我们是2023年5月成立的集成电路公司，2024年10月贷了400万，一年期，贴息多少",
        "核对了一下，放款其实是10月28日",
    ) == ["134000", "124000"]


def test_an_enterprise_now_in_the_zone_gets_the_calculation_it_was_refused(engine: Any) -> None:
    first, second = conversation(engine, "我们注册在萧山，首次流片800万能补多少", "我们已经整体迁到滨江了")
    assert first["total_max_subsidy_yuan"] == "0"
    assert second["total_max_subsidy_yuan"] == "2400000"  # 800万 × 30%
    assert second["citations"][0]["clause_id"] == "m3"


def test_a_follow_up_after_an_outside_answer_is_not_computed_as_inside(engine: Any) -> None:
    _, second = conversation(engine, "我们注册在萧山，首次流片800万能补多少", "那如果是900万呢")
    assert second["total_max_subsidy_yuan"] in (None, "0")


def test_a_repealed_policys_figures_are_quoted_and_the_users_own_are_computed(engine: Any) -> None:
    for message in (
        "以前的政策流片是按35%补的，我们首次流片花了600万，现在能补多少",
        "杭高新〔2019〕24号里流片按35%补，我们首次流片花了600万，按现在的能拿多少",
    ):
        data = conversation(engine, message)[0]
        assert data["total_max_subsidy_yuan"] == "1800000", message  # 600万 × 30%, never × 35%
        assert data["citations"][0]["clause_id"] == "m3"


def test_emoji_do_not_hide_a_question(engine: Any) -> None:
    assert _totals(engine, "首次流片400万能补多少😊") == ["1200000"]
    data = conversation(engine, "我们主导的浙江制造标准还没发布 有奖励吗🙏")[0]
    assert data["total_max_subsidy_yuan"] == "0"


def test_the_first_measure_is_named_by_its_own_words(engine: Any) -> None:
    data = conversation(engine, "我们承担了省级重大科技专项，区里有没有配套？")[0]
    assert data["status"] == "answered" and data["citations"][0]["clause_id"] == "m1"


def test_an_item_named_by_its_other_attribute_is_the_one_changed(engine: Any) -> None:
    # 行业标准主导 10万 + 国际标准参与 50万 = 60万; the led one is national instead: 20万 + 50万 = 70万.
    assert _totals(
        engine,
        "我们主导了一项行业标准，参与了一项国际标准，都已发布，奖励多少",
        "如果主导的那项其实是国家标准呢",
    ) == ["600000", "700000"]


def test_loans_on_different_dates_each_take_their_lpr(engine: Any) -> None:
    # 2024-05 300万 at 3.45% = 10.35万; 2025-01 150万 at 3.10% = 4.65万; 2026-03 100万 at 3.00% but only
    # 50万 of the 500万 is left = 1.5万: 16.5万. Founded 2023-08: all three within three years.
    assert _totals(
        engine,
        "公司2023年8月成立，做芯片设计的，三笔银行贷款：2024年5月300万，2025年1月150万，2026年3月100万，都是一年期，"
        "能贴息多少",
    ) == ["165000"]
    assert _totals(
        engine,
        "我们是2023年3月成立的集成电路企业，2024年5月贷款300万，一年期，贴息多少",
        "后来2025年6月又贷了一笔400万，一起算",
    ) == ["103500", "163500"]
