"""Mechanisms found by holdout16's last failure and by holdout18/holdout19 (tests/data/understanding/RESULTS.md)."""

from __future__ import annotations

from typing import Any

from tests.fixtures import conversation


def test_a_name_shared_by_a_rule_family_is_the_member_its_clause_marks(engine: Any) -> None:
    # 供应商 names 芯机联动 as a whole; "另一家供应商的主控芯片" is its chip member, so replacing the module of the
    # first turn (380万 × 30% = 114万) by a 620万 chip gives min(620万 × 30%, 150万) = 150万, not equipment.
    answers = conversation(
        engine,
        "我们做工业控制器整机，从区内一家非关联芯片企业采购了他们自研、首次上市的模组，当年380万，能补多少？",
        "记错了，应该换成另一家供应商的主控芯片，也是非关联、自研首发的，金额620万，重新算一下",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["1140000", "1500000"]
    # The equipment member keeps the shared word when its own marker is written: floor(1200万 ÷ 500万) × 10万.
    answers = conversation(engine, "我们向一家非关联供应商采购了他们自研首发的刻蚀设备，当年1200万，能补多少")
    assert answers[0]["citations"][0]["clause_id"] == "m12"
    assert answers[0]["total_max_subsidy_yuan"] == "200000"


def test_a_rule_named_in_the_users_line_of_business_names_its_clauses_other_rules(engine: Any) -> None:
    # "我们是做EDA的" / "公司主营EDA软件": the R&D investment said after other clauses (founding, headcount) is EDA
    # R&D (第2条): 1500万 × 15% = 225万, with the IP purchase 120万 × 20% = 24万 beside it.
    answers = conversation(
        engine,
        "我们是做EDA的，公司成立于2019年，2024年自主研发投入1500万，已实现销售；另外买IP花了120万。一共能补多少？",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "2490000"
    answers = conversation(
        engine,
        "我们公司主营EDA软件，2018年在滨江注册，员工两百人，2024年自主研发投入1200万，已经有销售了，能补多少？",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "1800000"
    # Asked about the IP alone, the R&D investment stays out: 120万 × 20% = 24万, 5000万 named as unused.
    answers = conversation(engine, "我们是做EDA的，2024年买IP花了120万，另外公司研发投入5000万，IP能补多少？")
    assert answers[0]["total_max_subsidy_yuan"] == "240000"
    assert "5000万" in answers[0]["answer"]


def test_another_rules_cue_with_a_modifier_inside_it_keeps_the_figure_out(engine: Any) -> None:
    # 研发总投入 / 研发年投入 / 研发费用总共 is the EDA rule's R&D investment (第2条) written with a modifier inside
    # or a shorter own cue (费用) covered by it: beside a tape-out, IP or voucher question it is no input of theirs.
    for question in (
        "公司研发总投入8000万，首次流片能补多少",
        "我们年度研发总投入1.2亿，IP部分补多少",
        "研发费用总共2000万，算力券能补多少",
    ):
        answer = conversation(engine, question)[0]
        assert answer["status"] == "need_more_info", question
        assert answer["total_max_subsidy_yuan"] in (None, "0"), question
    # Their own figures are still read: the tape-out fee with 总 inside (800万 × 30% = 240万), and the EDA
    # company's own R&D investment (1500万 × 15% = 225万).
    assert conversation(engine, "首次流片总费用800万，能补多少")[0]["total_max_subsidy_yuan"] == "2400000"
    answer = conversation(engine, "我们做EDA工具的，研发总投入1500万，已经有销售，能补多少")[0]
    assert answer["total_max_subsidy_yuan"] == "2250000"


def test_an_item_removed_by_recency_or_by_its_kind_leaves_the_others(engine: Any) -> None:
    # Ordinary EDA 300万 (20% → 60万) and sign-off EDA 400万 (50% → 200万) sit in two lists of one call; removing
    # the one just added — by recency, by its amount or by its kind's marker — leaves 60万, never an empty list
    # the calculator refuses.
    first = "买EDA工具花了300万，补多少"
    second = "再加一笔，买了参与省级签核中心创建企业研发的EDA工具，400万"
    for removal in ("刚才那笔去掉", "把刚加的那笔删掉", "400万那笔去掉", "签核那笔不算了，其他不变"):
        answers = conversation(engine, first, second, removal)
        assert [a["total_max_subsidy_yuan"] for a in answers] == ["600000", "2600000", "600000"], removal
    # Recency names the previous message's items only: after two tape-outs said one per message, "最后那颗去掉"
    # keeps the first alone (500万 × 30% = 150万).
    answers = conversation(
        engine, "首次流片花了500万，补多少", "还有一颗也是首次流片，花了300万", "最后那颗去掉"
    )
    assert answers[-1]["total_max_subsidy_yuan"] == answers[0]["total_max_subsidy_yuan"]


def test_a_plan_governing_a_purchase_verb_is_no_purchase_made(engine: Any) -> None:
    # 芯机联动 equipment: 2024 purchases 2380万 → floor(2380 ÷ 500) × 10万 = 40万; "2025年还计划再买1500万" is a
    # plan (计划 governs 买), not spent, and named as unused.
    answer = conversation(
        engine,
        "我们是系统集成商，2024年采购了非关联企业自主研发、首次上市的国产测试设备，全年累计采购金额2380万，"
        "2025年还计划再买1500万。设备这块芯机联动补贴能拿多少？",
    )[0]
    assert answer["total_max_subsidy_yuan"] == "400000"
    assert "1500万" in answer["answer"]
    # Asked about the years together, the plan is that year's item: 2024 2380万 → 40万, 2025 1500万 → 30万.
    answer = conversation(
        engine,
        "2024年采购了非关联企业自主研发、首次上市的设备2380万，2025年计划再买1500万，两年合计芯机联动能补多少？",
    )[0]
    assert answer["total_max_subsidy_yuan"] == "700000"


def test_a_bare_spending_verb_spends_on_the_object_of_the_clause_before(engine: Any) -> None:
    # "另外自己采购了一批GPU服务器，花了400万": 花了 has no object of its own; the servers' are no compute service.
    # Contracts with the computing center 90万 + 70万 → 160万 × 50% = 80万.
    answer = conversation(
        engine,
        "2024年跟杭州人工智能计算中心签了两份算力服务合同，一份90万，一份70万；另外自己采购了一批GPU服务器，"
        "花了400万。算力补贴能拿多少？",
    )[0]
    assert answer["total_max_subsidy_yuan"] == "800000"
    assert "400万" in answer["answer"]


def test_a_required_step_not_known_of_or_denied_in_short_words_fails(engine: Any) -> None:
    # 第16条 asks 按规定履行事前报批程序: "不知道要事前报批" (not knowing the step was required) and "事前没报" (报批 said
    # as 报) deny it → 0 with the condition named; "活动前已经报过了" affirms it: 80万 × 50% = 40万.
    for denial in ("当时不知道要事前报批，没报", "事前没报", "当时不知道要报批"):
        answer = conversation(engine, f"我们在滨江办了一场AI开发者大会，场租80万，{denial}，能补多少")[0]
        assert answer["total_max_subsidy_yuan"] == "0", denial
        assert answer["answer"].startswith("不符合") and "事前报批" in answer["answer"].split("\n")[0], denial
    answer = conversation(engine, "我们在滨江办了一场AI开发者大会，场租80万，活动前已经报过了，能补多少")[0]
    assert answer["total_max_subsidy_yuan"] == "400000"


def test_a_sum_word_stating_a_figure_or_a_new_question_joins_nothing(engine: Any) -> None:
    # After the voucher's 120万 × 50% = 60万, "流通收益一共240万" states the data set's revenue (一共 right before the
    # figure): the award alone, 240万 × 10% = 24万; so with "换个问题" in front. "再加上IP 100万，一共多少" still joins.
    first = "杭州人工智能计算中心的算力合同120万，补多少"
    for second in (
        "我们的数据集被区内6家非关联企业调用，流通收益一共240万，这个奖励多少",
        "换个问题，数据集被区内6家非关联企业调用了，流通收益240万，再加上这个能拿多少",
    ):
        answers = conversation(engine, first, second)
        assert [a["total_max_subsidy_yuan"] for a in answers] == ["600000", "240000"], second
    answers = conversation(engine, first, "再加上IP 100万，一共多少")
    assert answers[-1]["total_max_subsidy_yuan"] == "800000"


def test_a_rough_figure_restated_precisely_and_a_tier_inside_a_claim_are_no_inputs(engine: Any) -> None:
    # "1000万出头，准确说是1080万": the precise figure alone, 1080万 × 15% = 162万 (the 1000万 not added); then a
    # colleague's claim with the rule's tier in it ("超过1000万的按30%算能拿324万，对吗") checks the last calculation
    # — 162万 again, never 1000万 × 30% = 300万.
    answers = conversation(
        engine,
        "想问下滨江这边首次流片补贴，我们费用1000万出头，准确说是1080万",
        "同事说超过1000万的按30%算能拿324万，对吗",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["1620000", "1620000"]
    assert "1000万（您已更正或否定这个数）" in answers[0]["answer"]
    for restated in ("确切地说是1080万", "具体数字是1080万"):
        answer = conversation(engine, f"首次流片费用大概1000万左右，{restated}，能补多少")[0]
        assert answer["total_max_subsidy_yuan"] == "1620000", restated
    # A bound with no tier after it is the user's rough figure, restated the same way.
    answer = conversation(engine, "首次流片费用超过1000万，准确说是1080万，补多少")[0]
    assert answer["total_max_subsidy_yuan"] == "1620000"


def test_a_claimed_result_with_a_tag_checks_the_last_calculation_and_replaces_nothing(engine: Any) -> None:
    # After 800万 × 30% = 240万, "别人说800万以下按30%，那应该是240万吧" checks it: 应该是 is no correction when the
    # figure after it is a claimed result (it was taken as a new fee: 240万 × 30% = 72万). "是300万对吧" checks too.
    for check in ("别人说800万以下按30%，那应该是240万吧", "是300万对吧"):
        answers = conversation(engine, "首次流片800万，补多少", check)
        assert [a["total_max_subsidy_yuan"] for a in answers] == ["2400000", "2400000"], check
        assert answers[1]["answer"].startswith("这是按第3条"), check
    # The cap quoted back with a tag is a question about the rule: no amount of the last calculation.
    answers = conversation(
        engine, "数据交易平台2024年交易额6亿，没有关联企业交易，运营补贴多少", "最高就是500万对吧？"
    )
    assert answers[1]["total_max_subsidy_yuan"] is None
    assert "500" in answers[1]["answer"]
