"""Mechanisms found by holdout20's first measurement and by probes after it (tests/data/understanding/RESULTS.md)."""

from __future__ import annotations

from typing import Any

from tests.fixtures import conversation


def totals(answers: list[dict[str, Any]]) -> list[str]:
    return [a["total_max_subsidy_yuan"] for a in answers]


def test_a_guessed_result_with_its_subject_is_a_claim_not_a_second_fee(engine: Any) -> None:
    # "那我们是225万吧": the subject (我们) between 那 and 是 leaves the clause a guess at the result; only the fee
    # counts: 1200万 ≥ 1000万 → 1200万 × 15% = 180万 (not 180万 + 150万 × 30%).
    for claim in ("那我们是180万吧", "所以我司就是180万吧", "那咱们应该是180万吧"):
        answers = conversation(engine, f"我们芯片首次流片费用1200万，{claim}")
        assert totals(answers) == ["1800000"], claim
        assert "180万（" in answers[0]["answer"]


def test_a_cancelled_contract_leaves_the_list_and_is_named_as_removed(engine: Any) -> None:
    # 解约 / 合同终止 / 作废 cancel the item of that amount: (90万 + 40万) × 50% = 65万 from min(200万×50%, 100万).
    for cancel in ("90万那份合同后来解约了", "其中70万那份合同终止了", "70万的那个作废了"):
        answers = conversation(
            engine,
            "和杭州人工智能计算中心签了三份算力合同：70万、90万、40万，能补多少",
            cancel,
        )
        left = 130 if "90万" not in cancel else 110
        assert totals(answers) == ["1000000", str(left * 5000)], cancel
        assert "已按您的说法去掉" in answers[1]["answer"]


def test_the_kind_said_to_remain_is_kept_and_the_other_removed(engine: Any) -> None:
    # "只剩/就剩 EDA 那笔": the EDA purchase stays (250万 × 20% = 50万), the IP purchase leaves.
    for removal in ("IP那笔不报了，只剩EDA那笔", "IP那部分取消了，就剩下EDA那块"):
        answers = conversation(
            engine,
            "我们是集成电路企业，今年买EDA工具花了250万，买IP做特色工艺研发花了400万，一共能补多少？",
            removal,
        )
        assert totals(answers) == ["1300000", "500000"], removal


def test_a_running_total_after_an_addition_adds_only_its_excess(engine: Any) -> None:
    # 已采购600万 (floor(600/500) × 10万 = 10万); "又买了一批，累计到1100万了": the list grows by 500万 (not 1100万),
    # floor(1100/500) × 10万 = 20万; the total itself is not named as unused.
    answers = conversation(
        engine,
        "我们从区内非关联企业试用采购了他们自研首次上市的材料，今年已采购600万，能补多少？",
        "后来又买了一批，今年一共已经到1100万了",
    )
    assert totals(answers) == ["100000", "200000"]
    assert "未用于测算的数字：1100万" not in answers[1]["answer"]
    # A "running total" at or under what was said replaces the list: the lower reading, never added.
    answers = conversation(
        engine,
        "我们从区内非关联企业试用采购了他们自研首次上市的材料，今年已采购1200万，能补多少？",
        "又补了一单，累计1000万",
    )
    assert totals(answers) == ["200000", "200000"]


def test_a_letter_as_the_messages_subject_names_its_item(engine: Any) -> None:
    # "B不是首次流片": only B leaves (A: 700万 × 30% = 210万); a label introduced two messages back still names
    # its item ("A那颗去掉" leaves nothing to compute, so the fee is asked for again).
    for fact in ("B其实不是首次，之前流过", "B不是首次流片", "B芯片不是第一次流片"):
        answers = conversation(engine, "芯片公司，首次流片两颗，A 700万，B 400万", fact)
        assert totals(answers) == ["3000000", "2100000"], fact
    answers = conversation(
        engine, "芯片公司，首次流片三颗，A 700万，B 400万，C 200万", "B不是首次流片", "A那颗去掉"
    )
    assert totals(answers) == ["3000000", "2700000", "600000"]
