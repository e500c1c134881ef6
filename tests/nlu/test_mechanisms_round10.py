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


def test_the_act_said_as_done_again_or_before_is_not_a_first_time(engine: Any) -> None:
    # 首次流片 is failed by the act repeated ("又去流了一次", "重新流片") or done before ("之前已经投过一版").
    for said in ("之前已经投过一版了，这回改了版图又去流了一次", "去年流过一次，今年改了设计再流一次", "二次流片"):
        answers = conversation(engine, f"我们那颗BMS芯片{said}，花了540万，能补多少？")
        assert answers[0]["total_max_subsidy_yuan"] == "0", said
        assert answers[0]["answer"].startswith("不符合"), said
    # Denied, the repetition says it is the first: 420万 × 30% = 126万; "已经流片了" is this one done, not again.
    for said in ("这是第一次流片，之前从来没流过", "上个月已经流片了，首次流片"):
        answers = conversation(engine, f"{said}，费用420万，能补多少")
        assert answers[0]["total_max_subsidy_yuan"] == "1260000", said


def test_another_one_of_the_kind_a_condition_names_fails_it(engine: Any) -> None:
    # "一家上海算力公司", "某云厂商": not 杭州人工智能计算中心 → 0; the user describing itself ("我们是一家…公司") is not.
    for said in ("租的是一家上海算力公司的GPU集群", "算力是找某云厂商租的"):
        answers = conversation(engine, f"我们训练模型{said}，合同签了210万，能拿多少")
        assert answers[0]["total_max_subsidy_yuan"] == "0", said
        assert answers[0]["answer"].startswith("不符合"), said
    answers = conversation(engine, "我们是一家做大模型的公司，算力服务合同160万，能补多少")
    assert answers[0]["total_max_subsidy_yuan"] == "800000"


def test_a_line_of_business_ending_in_a_link_word_is_still_described(engine: Any) -> None:
    # "主业是做跨境电商ERP软件的": not a network-security service enterprise → 0 (its 30万 premium in 2025).
    answers = conversation(
        engine, "我们主业是做跨境电商ERP软件的，对外没有任何安全业务。2025年投保了网络安全保险，保费30万，能补多少"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "0"
    assert answers[0]["answer"].startswith("不符合")
    answers = conversation(engine, "我们主业是做等保测评和渗透测试服务的，2025年投了网络安全保险，保费30万，能补多少")
    assert answers[0]["total_max_subsidy_yuan"] == "180000"  # 30万 × 60%


def test_kinship_and_cross_holding_make_a_supplier_related(engine: Any) -> None:
    for said in ("那家芯片公司的法人是我们董事长的弟弟", "两家公司还互相持股"):
        answers = conversation(
            engine, f"我们2024年采购了一批自研首发的BMS芯片，全年采购额500万。需要说明一下，{said}。能补多少"
        )
        assert answers[0]["total_max_subsidy_yuan"] == "0", said
        assert answers[0]["answer"].startswith("不符合"), said


def test_an_approval_not_sought_in_time_is_said_in_the_users_words(engine: Any) -> None:
    # Adverbs and the office's own procedure stay under the negation; 事后 is not 事前.
    for said in ("没来得及提前去经信局报批", "之前没走区里的审批流程", "现在想事后申请"):
        answers = conversation(engine, f"我们在滨江办了一场RISC-V开发者大会，场地租金一共花了90万，{said}，能补多少？")
        assert answers[0]["total_max_subsidy_yuan"] == "0", said
        assert answers[0]["answer"].startswith("不符合"), said
    answers = conversation(engine, "我们在滨江办了一场开发者大会，场地租金一共花了90万，没来得及提前去经信局报批，能补多少？")
    assert "您说“没来得及提前去经信局报批”" in answers[0]["answer"]
    # The venue rent 花了 is the event's, not a platform's spending: 90万 × 50% = 45万.
    answers = conversation(engine, "我们在滨江办了一场开发者大会，事前报批过，场地租金一共花了90万，能补多少？")
    assert answers[0]["total_max_subsidy_yuan"] == "450000"


def test_a_correction_naming_one_labelled_item_fails_that_item_only(engine: Any) -> None:
    # A 650万 and B 520万 share the <1000万 tier (capped at 300万), C 1800万 × 15% = 270万: 570万. B is a re-spin:
    # 650万 × 30% + 270万 = 465万, and the formula asked for next is that one.
    answers = conversation(
        engine,
        "我们有三颗芯片都是首次流片：A是650万，B是520万，C是1800万，一共能补多少？",
        "B那颗其实是改版重流的，不算第一次",
        "麻烦把算式列一下",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["5700000", "4650000", "4650000"]


def test_one_of_several_dated_loans_removed_or_kept_alone(engine: Any) -> None:
    # Founded 2022-11: 250万 (2023-10, LPR 3.45%) + the 250万 left of 500万 for 400万 (2024-08, 3.35%) = 17万;
    # without the first, 400万 × 3.35% = 13.4万 — and asking why it is now 400万 explains, computing nothing new.
    first = "我们是2022年11月在滨江设立的集成电路企业，有两笔贷款：2023年10月贷了250万，2024年8月贷了400万，都是一年期，贴息一共多少？"
    for said in ("第一笔不申请了", "只算2024年8月那笔", "第一笔不申请了，只算2024年8月那笔"):
        answers = conversation(engine, first, said, "怎么现在按400万算，刚才这笔只算了250万？")
        assert [a["total_max_subsidy_yuan"] for a in answers] == ["170000", "134000", "134000"], said


def test_removing_the_only_items_of_one_call_removes_the_call(engine: Any) -> None:
    # Equipment floor(1200万 ÷ 500万) × 10万 = 20万 + chips 350万 × 30% = 105万; the chips' 350万 removed: 20万.
    answers = conversation(
        engine,
        "我们2024年试用了区内非关联企业自研、首次上市的设备，采购额1200万，另外还采购了他们的芯片350万，芯机联动一共能拿多少？",
        "芯片那350万先不算了",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["1250000", "200000"]
