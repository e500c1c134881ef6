"""Mechanisms found by holdout14's last failure and by holdout15 (tests/data/understanding/RESULTS.md)."""

from __future__ import annotations

from typing import Any

from tests.fixtures import conversation


def test_a_purchase_said_as_a_cleft_names_what_was_bought(engine: Any) -> None:
    # "芯片是从…买的": the chips are the purchase of 第12条, so the supplier's relation decides it (同一集团 → 0),
    # and without a relation 500万 × 30% = 150万 (cap 150万).
    answers = conversation(
        engine, "我们做车载模组的整机，芯片是从同一集团下面的兄弟公司买的，他们自研、首次上市，当年买了800万，能补多少？"
    )
    assert answers[0]["citations"][0]["clause_id"] == "m12"
    assert answers[0]["total_max_subsidy_yuan"] == "0"
    assert answers[0]["answer"].startswith("不符合")
    answers = conversation(engine, "芯片是从深圳一家第三方设计公司买的，自研首发，当年买了500万，能补多少？")
    assert answers[0]["total_max_subsidy_yuan"] == "1500000"
    # Equipment said the same way: floor(600万 ÷ 500万) × 10万 = 10万.
    answers = conversation(engine, "我们做服务器整机，设备是向一家杭州的非关联厂商采购的，当年一共600万，能补多少？")
    assert answers[0]["citations"][0]["clause_id"] == "m12"
    assert answers[0]["total_max_subsidy_yuan"] == "100000"
