"""Mechanisms found by holdout14's last failure and by holdout15 (tests/data/understanding/RESULTS.md)."""

from __future__ import annotations

from typing import Any

from tests.fixtures import conversation


def test_a_purchase_said_as_a_cleft_names_what_was_bought(engine: Any) -> None:
    # "芯片是从…买的": the chips are the purchase of 第12条, so the supplier's relation decides it (同一集团 → 0),
    # and without a relation 500万 × 30% = 150万 (cap 150万).
    answers = conversation(
        engine,
        "我们做车载模组的整机，芯片是从同一集团下面的兄弟公司买的，他们自研、首次上市，当年买了800万，能补多少？",
    )
    assert answers[0]["citations"][0]["clause_id"] == "m12"
    assert answers[0]["total_max_subsidy_yuan"] == "0"
    assert answers[0]["answer"].startswith("不符合")
    answers = conversation(engine, "芯片是从深圳一家第三方设计公司买的，自研首发，当年买了500万，能补多少？")
    assert answers[0]["total_max_subsidy_yuan"] == "1500000"
    # Equipment said the same way: floor(600万 ÷ 500万) × 10万 = 10万.
    answers = conversation(
        engine, "我们做服务器整机，设备是向一家杭州的非关联厂商采购的，当年一共600万，能补多少？"
    )
    assert answers[0]["citations"][0]["clause_id"] == "m12"
    assert answers[0]["total_max_subsidy_yuan"] == "100000"


def test_the_act_said_as_done_again_or_before_is_not_a_first_time(engine: Any) -> None:
    # 首次流片 is failed by the act repeated ("又去流了一次", "重新流片") or done before ("之前已经投过一版").
    for said in (
        "之前已经投过一版了，这回改了版图又去流了一次",
        "去年流过一次，今年改了设计再流一次",
        "二次流片",
    ):
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
        engine,
        "我们主业是做跨境电商ERP软件的，对外没有任何安全业务。2025年投保了网络安全保险，保费30万，能补多少",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "0"
    assert answers[0]["answer"].startswith("不符合")
    answers = conversation(
        engine, "我们主业是做等保测评和渗透测试服务的，2025年投了网络安全保险，保费30万，能补多少"
    )
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
        answers = conversation(
            engine, f"我们在滨江办了一场RISC-V开发者大会，场地租金一共花了90万，{said}，能补多少？"
        )
        assert answers[0]["total_max_subsidy_yuan"] == "0", said
        assert answers[0]["answer"].startswith("不符合"), said
    answers = conversation(
        engine, "我们在滨江办了一场开发者大会，场地租金一共花了90万，没来得及提前去经信局报批，能补多少？"
    )
    assert "您说“没来得及提前去经信局报批”" in answers[0]["answer"]
    # The venue rent 花了 is the event's, not a platform's spending: 90万 × 50% = 45万.
    answers = conversation(
        engine, "我们在滨江办了一场开发者大会，事前报批过，场地租金一共花了90万，能补多少？"
    )
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


def test_an_item_pointed_at_by_its_label_fails_alone(engine: Any) -> None:
    # "沙龙那场", "乙公司", "B那颗": the item the label introduced in the message before, whatever word follows.
    cases = [
        (
            "我们2025年在滨江办了两场活动，一场集成电路产业峰会场租240万，一场人工智能技术沙龙场租30万，都事先报批过了，场租补贴能拿多少？",
            "我刚问了同事，沙龙那场其实活动前没报，是办完才补的",
            ["1150000", "1000000"],  # 100万 (capped) + 15万; the salon's leaves: 100万
        ),
        (
            "我们是做智能音箱的终端厂商，2025年买了两家公司首次上市的芯片：甲公司400万，乙公司250万，都是区内做芯片的，能补多少？",
            "更正一下，乙公司跟我们其实是同一个实际控制人",
            ["1500000", "1200000"],  # 650万 × 30% capped at 150万; 乙 related: 400万 × 30%
        ),
        (
            "我们2025年两颗芯片首次流片，A花了500万，B花了700万，能补多少？",
            "不好意思刚才说错了，B那颗之前已经流过一版，这次其实是改完重新流的",
            ["3000000", "1500000"],
        ),
    ]
    for first, second, totals in cases:
        answers = conversation(engine, first, second)
        assert [a["total_max_subsidy_yuan"] for a in answers] == totals, second


def test_a_removal_by_amount_finds_the_call_listing_it(engine: Any) -> None:
    # Chips 350万 + 200万 (30%, capped at 150万) and equipment 600万 (10万): the 350万 removed leaves chips at 200万,
    # under the 300万 threshold (0), and the equipment's 10万; why the chips went is explained, not recomputed.
    answers = conversation(
        engine,
        "2025年我们从区内两家非关联的芯片设计公司采购了他们首次上市的芯片，一家350万，一家200万；另外还从一家非关联的国产设备厂买了一批首发的刻蚀设备，600万。芯机联动能补多少？",
        "那350万那家先拿掉不算，其他照旧，现在是多少？",
        "芯片那块怎么一下子没了？把算法给我讲讲",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["1600000", "100000", "100000"]
    assert "2,000,000 < 3,000,000" in answers[2]["answer"]  # the failed threshold reads as failed


def test_a_stacking_question_after_an_amount_is_the_annexs(engine: Any) -> None:
    # Quoting the last result ("区里这75万") asks whether it stacks with the city's money: a2, nothing computed.
    for second in (
        "这份合同我们之前还用过市里的算力券，那区里这75万还能全拿吗",
        "市里也补过一次，区里这75万还能再叠加拿吗？",
    ):
        answers = conversation(
            engine, "我们跟杭州人工智能计算中心签了150万的算力服务合同，算力补贴能拿多少？", second
        )
        assert answers[1]["citations"][0]["clause_id"] == "a2", second
        assert answers[1]["total_max_subsidy_yuan"] is None, second
    # A fact about the company with an annex's word ("在外地成立") is no question of the annex's.
    answers = conversation(
        engine,
        "我们是IC企业，2021年3月成立，2024年10月贷款400万，贴息能拿多少？",
        "补充一下：公司2021年3月是在外地成立的，2022年8月才引进到滨江",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["0", "134000"]


def test_someone_elses_spoken_figure_is_hearsay(engine: Any) -> None:
    # "听平台说他们全年交易额有3个亿": not the data set's revenue; 1200万 × 10% capped at 100万.
    answers = conversation(
        engine,
        "我们的数据集接入了交易平台，2025年区内有5家跟我们没关联的企业在调用，流通收益总共1200万。听平台说他们全年交易额有3个亿。能拿多少",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "1000000"
    assert "3个亿" in answers[0]["answer"]


def test_the_rule_with_the_figures_is_the_subject_beside_the_place_it_is_traded(engine: Any) -> None:
    # The data set on an exchange: 第8条's, not the exchange's 第7条; two callers, one outside → 0 (超过3家).
    answers = conversation(
        engine,
        "我们的工业缺陷检测数据集挂在杭州数据交易所上，到现在调用方就两家，一家在滨江、一家在萧山，流通收益一共45万。能拿数据开放的奖励吗？",
    )
    assert answers[0]["citations"][0]["clause_id"] == "m8"
    assert answers[0]["total_max_subsidy_yuan"] == "0"


def test_a_quantity_no_rule_counts_is_named_as_unused(engine: Any) -> None:
    # 1450万 × 15% = 217.5万; 25片 (wafers) and 200TB are no inputs, and the answer says so.
    answers = conversation(
        engine, "新一代CIS第一次流片，流片费用1450万，一共投了25片晶圆，数据规模200TB，能补多少？"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "2175000"
    assert "25片" in answers[0]["answer"] and "200TB" in answers[0]["answer"]


def test_another_districts_policy_stays_its_own_after_a_statement_naming_ours(engine: Any) -> None:
    # The question is 萧山区's; the later sentence only says where a project may go: not_covered.
    answers = conversation(
        engine, "萧山区对集成电路企业的房租补贴是怎么规定的？我们有个项目在萧山和滨江之间选址，想先比较一下"
    )
    assert answers[0]["status"] == "not_covered"
    # Turned to ours in a later question, it is ours.
    answers = conversation(
        engine, "萧山区对集成电路企业的房租补贴我们问过了。滨江这边首次流片500万能补多少？"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "1500000"


def test_a_place_after_a_determiner_is_a_third_partys(engine: Any) -> None:
    # "一家上海的算力公司": the provider's city, not the user's (the user is in 滨江): 第6条 fails on the provider.
    answers = conversation(
        engine,
        "我们在滨江的孵化器里，模型训练用的算力是从一家上海的算力公司那边租的，合同签了一年160万，能补多少？",
    )
    assert answers[0]["citations"][0]["clause_id"] == "m6"
    assert answers[0]["total_max_subsidy_yuan"] == "0"


def test_another_kind_added_to_a_total_keeps_both_caps(engine: Any) -> None:
    # Ordinary EDA 380万 × 20% = 76万, plus signoff-centre EDA 200万 × 50% = 100万: 176万 ("加上这套一共" adds).
    answers = conversation(
        engine,
        "我们是芯片设计公司，2024年采购了一套EDA工具，花了380万，补贴是多少？",
        "另外还买了一套参与省级签核中心创建企业研发的EDA，200万，加上这套一共多少",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["760000", "1760000"]


def test_a_platform_and_a_voucher_asked_together_add_up(engine: Any) -> None:
    # 3000万 × 30% = 900万 + 100万 × 30% = 30万 ("一起能拿多少" asks for both).
    answers = conversation(
        engine,
        "我们是经认定的集成电路公共技术平台。2025年研发设备和软件投入了3000万；另外给区内一家芯片设计公司做了测试验证，登记的技术服务合同100万，双方没有任何投资关系。设备软件补贴和创新券一起能拿多少？",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "9300000"


def test_a_maker_after_a_determiner_is_the_seller_not_the_thing(engine: Any) -> None:
    # "买了一家国产刻蚀设备厂首次上市的设备": 第12条's purchase (not 第4条's R&D), and the cross-holding fails it.
    answers = conversation(
        engine,
        "我们是做服务器整机的系统集成商，2025年买了一家国产刻蚀设备厂首次上市的设备，一共1500万。这家设备厂和我们是交叉持股的。补贴怎么算？",
    )
    assert answers[0]["citations"][0]["clause_id"] == "m12"
    assert answers[0]["total_max_subsidy_yuan"] == "0"


def test_a_user_that_is_the_applicant_a_rule_names_spends_as_it(engine: Any) -> None:
    # The user is a certified public technology platform: its equipment, software and IP-verification spending is
    # the platform's investment (第11条, 30%), not an IP or equipment purchase: 2500万 × 30% = 750万.
    answers = conversation(
        engine, "我们是经认定的集成电路公共技术平台，购置测试设备和IP核验证软件共投入2500万，平台补贴能拿多少"
    )
    assert answers[0]["citations"][0]["clause_id"] == "m11"
    assert answers[0]["total_max_subsidy_yuan"] == "7500000"
    # Said after the figure, and with a voucher beside: min(8000万 × 30%, 2000万) + min(200万 × 30%, 50万).
    answers = conversation(
        engine,
        "我们平台2025年采购EDA服务器、测试机台等研发设备和软件一共8000万，已经认定为集成电路公共技术平台了。另外给区内一家做存储芯片的企业提供设计服务，技术合同登记金额200万，双方无投资关联。平台补贴加上创新券，合计最多多少？",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "20500000"
    # An enterprise that is no platform buying EDA keeps 第2条: 300万 × 20% = 60万.
    answers = conversation(engine, "我们是芯片设计公司，采购了一套EDA工具，花了300万，能补多少")
    assert answers[0]["total_max_subsidy_yuan"] == "600000"


def test_an_old_product_of_another_kind_of_chip_is_not_first_to_market(engine: Any) -> None:
    # A CPU is a chip (第12条's chips, not its equipment); "2021年就上市了…成熟型号" fails 首次上市 → 0.
    answers = conversation(
        engine,
        "我们是做服务器的系统集成商，从一家跟我们没关联的国产CPU企业采购处理器，当年采购额900万。这款CPU是他们自己研发的，不过2021年就上市了，现在已经是卖了好几年的成熟型号。芯机联动能补多少？",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "0"
    assert answers[0]["answer"].startswith("不符合")


def test_a_stake_said_as_参了股_is_an_investment_relation(engine: Any) -> None:
    answers = conversation(
        engine,
        "我们找了一家区里认定的公共服务平台做测试验证，技术服务合同登记了80万。不过这家平台我们公司参了股，占15%。创新券能补多少？",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "0"


def test_the_rule_the_question_asks_wins_over_a_word_describing_someone(engine: Any) -> None:
    # "做EDA算法的海归博士…人才这块奖励最高能到多少": 第18条's 520万, not 第2条.
    answers = conversation(
        engine,
        "我们刚引进一位做EDA算法的海归博士，已经入选省级人才计划了，公司给他开的年薪是150万。人才这块奖励最高能到多少？",
    )
    assert answers[0]["citations"][0]["clause_id"] == "m18"
    assert answers[0]["total_max_subsidy_yuan"] == "5200000"


def test_items_listed_after_an_input_are_its_rules(engine: Any) -> None:
    # "收益分别是120万、80万、260万": all three are the data set's; (120 + 80 + 260)万 × 10% = 46万.
    answers = conversation(
        engine,
        "我们的数据集接进了杭州数据交易所，区内已经有5家跟我们毫无关系的企业调用过。2024年一共流通了三次，收益分别是120万、80万、260万。能拿多少奖励？",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "460000"


def test_spending_beside_a_rule_that_computes_nothing_is_the_cues_rule(engine: Any) -> None:
    # 昇腾创新中心 (第13条, no amount) with 第16条's cues: a platform without a national or provincial level → 0;
    # no level said → asked for.
    answers = conversation(
        engine,
        "我们在滨江建了一个昇腾创新中心，目前还没拿到国家级或者省级的认定，场地租赁和项目建设实际支出了600万。这个能补多少？",
    )
    assert answers[0]["citations"][0]["clause_id"] == "m16"
    assert answers[0]["total_max_subsidy_yuan"] == "0"
    answers = conversation(
        engine, "我们在滨江建了一个昇腾创新中心，场地租赁和项目建设实际支出了600万。这个能补多少？"
    )
    assert answers[0]["status"] == "need_more_info"


def test_a_bare_party_word_is_the_seller_of_what_its_sentence_names(engine: Any) -> None:
    # "供应商" names 第12条, but here it sells the EDA tool: the alternatives are asked back under 第2条.
    answers = conversation(
        engine, "我们准备采购一套EDA工具，供应商还在谈价格，要么280万要么350万，这个能补多少？"
    )
    assert answers[0]["status"] == "need_more_info"
    assert answers[0]["citations"][0]["clause_id"] == "m2"


def test_a_factor_said_for_the_last_figures_multiplies_them(engine: Any) -> None:
    # 4500万 × 30% = 1350万; "翻一倍": 9000万 × 30% = 2700万, capped at 2000万; "减半": 2250万 × 30% = 675万.
    first = "我们是经认定的集成电路公共技术平台，提供先进封测服务，研发设备和软件投入了4500万，能补多少？"
    answers = conversation(engine, first, "要是投入翻一倍呢？", "这个上限是哪条规定的？")
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["13500000", "20000000", "20000000"]
    answers = conversation(engine, first, "如果投入减半呢")
    assert answers[1]["total_max_subsidy_yuan"] == "6750000"


def test_one_kind_of_structured_item_removed_leaves_the_rest(engine: Any) -> None:
    # Two national standards (20万 each), a 浙江制造 lead (10万), an international one (50万): 100万; the
    # international one unpublished and set aside: 50万 ("剩下的是多少" asks the remainder; "标准部门" asks no office).
    answers = conversation(
        engine,
        "我们这两年标准方面做了不少工作：参与了两项国家标准，主导了一项“浙江制造”标准，还参与了一项国际标准，都已经发布了。这些奖励一共多少？",
        "刚跟标准部门确认了一下，国际标准那项其实还在征求意见阶段，没发布，先不算。剩下的是多少？",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["1000000", "500000"]


def test_a_tier_said_by_its_place_among_the_tiers(engine: Any) -> None:
    # "三档里中间那档": the middle of 50万/30万/10万, not the third; "三档中最高那档": the first.
    answers = conversation(
        engine,
        "我们的人工智能应用成果已经在好几个园区实际落地推广了，经认定评的是三档里中间那档，一次性奖励多少？",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "300000"
    answers = conversation(engine, "我们的AI应用成果落地推广了，认定为三档中最高那档，一次性奖励多少")
    assert answers[0]["total_max_subsidy_yuan"] == "500000"
