"""Lookup answers start with a direct statement from the clause points; overviews list measures ranked."""

from __future__ import annotations

import pytest


def _ask(engine, text: str):  # type: ignore[no-untyped-def]
    data = engine.ask(text).to_dict()
    return data, [c["clause_id"] for c in data["citations"]]


def test_subsidy_received_elsewhere_answers_from_a2_then_the_measure(engine) -> None:  # type: ignore[no-untyped-def]
    data, cited = _ask(engine, "省里已经给了流片补贴，区里还能再补吗")
    assert cited[:2] == ["a2", "m3"]
    first = data["answer"].splitlines()[0]
    assert first.startswith("不能重复享受") and "不重复" in first
    assert data["total_max_subsidy_yuan"] is None and "经信局" in data["answer"]


def test_outside_the_zone_is_not_in_scope(engine) -> None:  # type: ignore[no-untyped-def]
    data, cited = _ask(engine, "外地的芯片公司能申请吗")
    assert cited[0] == "a1"
    first = data["answer"].splitlines()[0]
    assert first.startswith("不可以") and "高新区（滨江）内" in first and "认定" in first


def test_negated_condition_is_named_with_its_words(engine) -> None:  # type: ignore[no-untyped-def]
    data, cited = _ask(engine, "我们不是集成电路企业，能申请贷款贴息吗")
    assert cited[0] == "m17"
    first = data["answer"].splitlines()[0]
    assert first.startswith("不可以") and "集成电路企业" in first and "自设立或引进三年内" in first


@pytest.mark.parametrize(
    ("question", "clause", "words"),
    [
        ("不是首次流片能申请补贴吗", "m3", "首次流片"),
        ("没有事前报批的论坛能申请场租补贴吗", "m16", "事前报批"),
        ("服务双方有投资关联，能用创新券吗", "m11", "无投资关联"),
        ("EDA研发还没有实际销售，能申请补贴吗", "m2", "实际销售"),
    ],
)
def test_each_negated_condition(engine, question: str, clause: str, words: str) -> None:  # type: ignore[no-untyped-def]
    data, cited = _ask(engine, question)
    assert cited[0] == clause
    assert data["answer"].startswith("不可以") and words in data["answer"].splitlines()[0]


def test_denied_relation_is_not_a_negated_condition(engine) -> None:  # type: ignore[no-untyped-def]
    data, cited = _ask(engine, "服务双方不存在投资关联，能用创新券吗")
    assert cited[0] == "m11"
    assert data["answer"].startswith("符合条件的可以申请") and "50 万元" in data["answer"]


def test_validity_says_no_end_date(engine) -> None:  # type: ignore[no-untyped-def]
    data, cited = _ask(engine, "政策有效期到什么时候")
    assert cited[0] == "a4"
    first = data["answer"].splitlines()[0]
    assert "2024 年 6 月 25 日起施行" in first and "未规定" in first


def test_yes_no_gets_conditions_standard_and_ceiling(engine) -> None:  # type: ignore[no-untyped-def]
    data, cited = _ask(engine, "高校能申请算力补贴吗")
    first = data["answer"].splitlines()[0]
    assert cited[0] == "m6" and first.startswith("符合条件的可以申请，需满足")
    assert "杭州人工智能计算中心" in first and "100 万元" in first and "上限" in first
    assert "根据杭高新〔2024〕7号第6条" in data["answer"]  # the verbatim clause follows


def test_topic_narrows_the_standard_read_out(engine) -> None:  # type: ignore[no-untyped-def]
    data, _ = _ask(engine, "买EDA工具有什么要求")
    first = data["answer"].splitlines()[0]
    assert "实际发生费用的 20%" in first and "2000 万元" not in first


def test_ai_start_up_overview_lists_ai_measures_ranked(engine) -> None:  # type: ignore[no-untyped-def]
    data, cited = _ask(engine, "我们是做AI大模型的初创公司，有哪些补贴可以申请")
    assert cited[:3] == ["m14", "m6", "m15"]
    assert {"m8", "m10"} <= set(cited) and "m17" not in cited and "m3" not in cited
    lines = data["answer"].splitlines()
    assert lines[1].startswith("1. 第14条") and "（经信局）" in lines[1]
    assert "单个主体年度最高补贴 100 万元" in data["answer"]


def test_chip_overview_keeps_to_chip_measures(engine) -> None:  # type: ignore[no-untyped-def]
    data, cited = _ask(engine, "我们是芯片公司，能申请什么补贴")
    assert cited[0] == "m2" and "m3" in cited and "m14" not in cited and "m6" not in cited
    assert len(data["answer"].splitlines()) <= 9  # short enough to read aloud


def test_a_named_rule_question_is_not_an_overview(engine) -> None:  # type: ignore[no-untyped-def]
    data, cited = _ask(engine, "流片有哪些补贴")
    assert cited[0] == "m3" and "支持措施如下" not in data["answer"]
