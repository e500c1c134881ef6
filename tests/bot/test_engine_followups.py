"""Follow-ups that change one listed item or one rule of a multi-rule answer; m9 per year; excerpts; 旧政策."""

from __future__ import annotations

from decimal import Decimal

from bot.decide.edits import merge as _merge
from bot.decide.followups import ordinal
from tests.decide.test_router import reading
from tests.fixtures import conversation


def _ordinal(text: str) -> int | None:
    return ordinal(reading(text))


def test_ordinal_reads_item_words_but_not_repeat_tapeouts() -> None:
    assert _ordinal("那如果第二个是1500万呢") == 1
    assert _ordinal("第一款改成500万") == 0
    assert _ordinal("第2笔是300万") == 1
    assert _ordinal("第二次流片800万") is None


def test_merge_with_ordinal_replaces_only_that_item() -> None:
    old = {"fees_yuan": [Decimal(8), Decimal(12)], "is_first_tapeout": True}
    merged = _merge(old, {"fees_yuan": [Decimal(15)]}, adding=False, item=1)
    assert merged == {"fees_yuan": [Decimal(8), Decimal(15)], "is_first_tapeout": True}
    # An index past the list's end leaves the plain replacement.
    assert _merge(old, {"fees_yuan": [Decimal(15)]}, adding=False, item=5)["fees_yuan"] == [Decimal(15)]


def test_second_item_changed_keeps_the_first(engine) -> None:  # type: ignore[no-untyped-def]
    first, second = conversation(engine, "首次流片两个产品，分别800万和1200万", "第二款改成1500万呢")
    assert first["total_max_subsidy_yuan"] == "4200000"
    assert second["total_max_subsidy_yuan"] == "4650000"
    assert second["calculations"][0]["inputs"]["fees_yuan"] == "8000000、15000000"


def test_multi_rule_followup_changes_the_named_rule_only(engine) -> None:  # type: ignore[no-untyped-def]
    _, eda = conversation(engine, "首次流片1200万元，EDA 300万元", "那如果EDA是500万呢")
    assert [c["tool"] for c in eda["calculations"]] == ["first_tapeout_subsidy", "eda_purchase_subsidy"]
    assert [c["max_subsidy_yuan"] for c in eda["calculations"]] == ["1800000", "1000000"]
    assert eda["total_max_subsidy_yuan"] == "2800000"
    _, tape = conversation(engine, "首次流片1200万元，EDA 300万元", "那如果流片是2000万呢")
    assert [c["max_subsidy_yuan"] for c in tape["calculations"]] == ["3000000", "600000"]


def test_cyber_insurance_one_call_per_year(engine) -> None:  # type: ignore[no-untyped-def]
    (same,) = conversation(engine, "2024年和2025年的网络安全保险保费各100万")
    assert [(c["inputs"]["year"], c["max_subsidy_yuan"]) for c in same["calculations"]] == [
        ("2024", "700000"),
        ("2025", "600000"),
    ]
    (paired,) = conversation(engine, "2024年保费100万，2025年保费200万")
    assert [c["max_subsidy_yuan"] for c in paired["calculations"]] == ["700000", "1000000"]
    assert paired["total_max_subsidy_yuan"] == "1700000"


def test_old_policy_is_repealed(engine) -> None:  # type: ignore[no-untyped-def]
    for q in ("旧政策还有效吗", "19年那个集成电路政策还能用吗"):
        data = engine.ask(q).to_dict()
        assert data["citations"][0]["clause_id"] == "a4"
        first = data["answer"].splitlines()[0]
        assert first.startswith("不能再用") and "杭高新〔2019〕24号）文件同时废止" in first


def test_long_clause_answer_quotes_only_the_relevant_sentence(engine, corpus) -> None:  # type: ignore[no-untyped-def]
    data = engine.ask("购买IP有补贴吗").to_dict()
    assert data["citations"][0]["quote"] == corpus.clause("m2").text
    assert "购买 IP 直接费用的 20%" in data["answer"]
    assert "自主研发投入 1000 万元以上" not in data["answer"] and "（摘录）" in data["answer"]
    assert data["answer"].splitlines()[0].startswith("符合条件的可以申请")
    event = engine.ask("办展会场租能补吗").to_dict()
    assert "场租费补贴" in event["answer"] and "高能级平台" not in event["answer"]


def test_short_clause_is_still_quoted_whole(engine, corpus) -> None:  # type: ignore[no-untyped-def]
    data = engine.ask("流片补贴的条件是什么").to_dict()
    assert data["citations"][0]["clause_id"] == "m3"
    assert "（摘录）" not in data["answer"] and "首次流片费用 1000 万元以下的" in data["answer"]


def test_corrections_keep_the_other_facts(engine) -> None:  # type: ignore[no-untyped-def]
    *_, loan = conversation(engine, "贷款贴息能补多少", "贷款500万，LPR 3.1%，期限1年", "不对，贷款是800万")
    inputs = loan["calculations"][0]["inputs"]
    assert inputs["principal_yuan"] == "8000000" and inputs["term_months"] == "12"
    assert inputs["lpr_percent"] == "3.1" and loan["total_max_subsidy_yuan"] == "155000"
    _, repeat = conversation(engine, "首次流片1200万能补多少", "刚才说错了，不是首次流片")
    assert repeat["status"] == "answered" and repeat["total_max_subsidy_yuan"] == "0"
    assert repeat["calculations"][0]["eligible"] is False


def test_bare_amount_after_a_lookup_fills_that_rule(engine) -> None:  # type: ignore[no-untyped-def]
    _, compute = conversation(engine, "算力补贴的标准是什么", "合同120万")
    assert compute["calculations"][0]["tool"] == "compute_voucher_subsidy"
    assert compute["total_max_subsidy_yuan"] == "600000"
    # A lookup found by retrieval alone (no topic words) still names its clause's only calculator.
    _, equipment = conversation(engine, "设备研发补贴", "自主研发投入6000万，已实现销售")
    assert equipment["calculations"][0]["tool"] == "equipment_rnd_subsidy"


def test_part_of_the_previous_amount_is_read_with_it(engine) -> None:  # type: ignore[no-untyped-def]
    _, eda = conversation(engine, "买了300万的EDA工具", "其中签核中心的100万")
    inputs = eda["calculations"][0]["inputs"]
    assert inputs["ordinary_costs_yuan"] == "2000000" and inputs["signoff_center_costs_yuan"] == "1000000"
    assert eda["total_max_subsidy_yuan"] == "900000"


def test_ordinal_after_two_rules_picks_the_rule(engine) -> None:  # type: ignore[no-untyped-def]
    _, changed = conversation(engine, "首次流片1200万，另外算力合同100万", "第一个改成900万")
    assert [c["max_subsidy_yuan"] for c in changed["calculations"]] == ["2700000", "500000"]


def test_pending_rule_named_again_still_fills_its_slots(engine) -> None:  # type: ignore[no-untyped-def]
    asked, filled = conversation(engine, "我们的数据集被4家非关联企业调用了", "单次流通收益500万")
    assert asked["status"] == "need_more_info"
    assert filled["calculations"][0]["inputs"]["non_affiliated_users"] == "4"
    assert filled["total_max_subsidy_yuan"] == "500000"


def test_year_named_in_a_variation_changes_that_year_only(engine) -> None:  # type: ignore[no-untyped-def]
    _, changed = conversation(engine, "2024年和2025年保费各150万", "那如果2025年是80万呢")
    assert [c["max_subsidy_yuan"] for c in changed["calculations"]] == ["1000000", "480000"]


def test_repealed_policy_named_with_a_measure_answers_from_a4_first(engine) -> None:  # type: ignore[no-untyped-def]
    data = engine.ask("旧政策的流片补贴还能申请吗").to_dict()
    assert [c["clause_id"] for c in data["citations"]][:2] == ["a4", "m3"]
    assert data["answer"].startswith("不能再用")
    assert engine.ask("2019年成立的公司贷款能贴息吗").to_dict()["citations"][0]["clause_id"] == "m17"


def test_kind_change_moves_the_amounts(engine) -> None:  # type: ignore[no-untyped-def]
    _, signoff, back = conversation(
        engine, "首次流片1200万，EDA 300万", "那如果EDA是签核中心的呢", "不对，还是普通的"
    )
    assert signoff["calculations"][1]["inputs"] == {
        "signoff_center_costs_yuan": "3000000",
        "is_ic_enterprise": "是",
    }
    assert signoff["total_max_subsidy_yuan"] == "3300000"
    assert back["calculations"][1]["inputs"]["ordinary_costs_yuan"] == "3000000"
    assert back["total_max_subsidy_yuan"] == "2400000"


def test_statement_of_more_facts_adds_to_the_last_calculation(engine) -> None:  # type: ignore[no-untyped-def]
    *_, loan = conversation(engine, "想问问贷款贴息", "贷款400万", "LPR是3.45%，贷款期限12个月")
    inputs = loan["calculations"][0]["inputs"]
    assert inputs["principal_yuan"] == "4000000" and inputs["lpr_percent"] == "3.45"
    assert loan["total_max_subsidy_yuan"] == "138000"
    # A new question about the same rule is still read on its own.
    _, fresh = conversation(engine, "贷款400万", "贷款贴息的条件是什么")
    assert fresh["total_max_subsidy_yuan"] is None


def test_item_that_fails_a_condition_leaves_the_list(engine) -> None:  # type: ignore[no-untyped-def]
    _, dropped = conversation(engine, "首次流片两个产品，分别800万和1200万", "不对，第一个不是首次流片")
    inputs = dropped["calculations"][0]["inputs"]
    assert inputs["fees_yuan"] == "12000000" and inputs["is_first_tapeout"] == "是"
    assert dropped["total_max_subsidy_yuan"] == "1800000"


def test_relocating_into_the_zone_is_in_scope(engine) -> None:  # type: ignore[no-untyped-def]
    data = engine.ask("我公司刚从上海搬过来").to_dict()
    assert data["status"] == "answered"
    assert [c["clause_id"] for c in data["citations"]] == ["a1", "m10"]
    assert data["answer"].startswith("可以。") and "高新区（滨江）内" in data["answer"]
    # Another city's own policy is still out of scope.
    assert engine.ask("上海的集成电路政策怎么申请").to_dict()["status"] == "not_covered"


def test_role_change_keeps_the_standard(engine) -> None:  # type: ignore[no-untyped-def]
    _, joined = conversation(engine, "我们主导制定了一项国际标准", "那参与的呢")
    assert joined["calculations"][0]["inputs"]["standards"] == "level=国际标准，role=参与，published=是"
    assert joined["total_max_subsidy_yuan"] == "500000"


def test_month_label_picks_the_item_it_introduced() -> None:
    from bot.decide.followups import anchored

    previous = "我们今年3月采购芯片200万，9月又采购了350万"
    assert anchored("不对，9月是150万", previous) == 1
    assert anchored("3月份那笔改成100万", previous) == 0
    assert anchored("不对，5月是150万", previous) is None
