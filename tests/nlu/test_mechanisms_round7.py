"""The seventh round's mechanisms (this session's work on the last failures of holdout8/9 and their reviews), on
phrasings of our own, with amounts computed by hand from the policy."""

from __future__ import annotations

from typing import Any

from tests.fixtures import conversation


def test_a_loan_said_by_its_verb_is_the_loan_rule_not_the_last_list(engine: Any) -> None:
    # 首次流片700万 × 30% = 210万; 借了200万 in 2024-12 for one year at the LPR 3.10%: 6.2万; 216.2万.
    answers = conversation(
        engine, "芯片设计公司，首次流片700万；2024年12月还向银行借了200万，一年期，一共能拿多少"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "2162000"


def test_items_set_against_qualifying_ones_do_not_meet_their_conditions(engine: Any) -> None:
    # Chips from a non-affiliated IC enterprise, self-developed and first launched: 350万 × 30% = 105万; the
    # other (imported) chips of 600万 are not that, and are named as not used.
    answers = conversation(
        engine, "2025年试用非关联集成电路企业自主研发、首次上市的芯片350万；其余进口芯片600万。芯机联动补多少"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "1050000"
    assert "600万" in answers[0]["answer"].split("消息中未用于测算的数字", 1)[1]


def test_a_removal_asking_the_total_sums_what_is_left(engine: Any) -> None:
    # EDA 150万 × 20% = 30万, IP 500万 × 20% = 100万, tape-out 400万 × 30% = 120万; without EDA: 220万.
    answers = conversation(
        engine,
        "2025年度：EDA工具采购150万，购买IP做关键芯片研发500万，重点领域关键芯片首次流片400万，合计多少",
        "EDA那块我们放弃申报了，剩下的两项一共多少？",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["2500000", "2200000"]


def test_a_rule_question_stating_a_fact_of_the_last_rule_is_about_the_rule_it_names(engine: Any) -> None:
    answers = conversation(
        engine,
        "购买IP做先进工艺研发花了800万，能补多少",
        "我们是新引进的集成电路企业，房租补贴最长能补几年？",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "1600000"
    assert answers[1]["citations"][0]["clause_id"] == "m10" and answers[1]["total_max_subsidy_yuan"] is None


def test_a_circled_number_points_at_its_item(engine: Any) -> None:
    # Set up 2023-03 (window to 2026-03). ① 2024-08 200万 × 3.35% = 6.7万; ② 2025-06 100万 × 3.00% = 3万: 9.7万.
    # ② was in fact 2026-05: outside the three years, so ① alone.
    answers = conversation(
        engine,
        "我司2023年3月在滨江新设立，集成电路企业。①2024年8月借款200万元，期限12个月；②2025年6月借款100万元，期限12个月。贴息多少",
        "更正：②那笔是2026年5月借的",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["97000", "67000"]


def test_a_lettered_company_of_a_group_has_its_own_place_and_keeps_it(engine: Any) -> None:
    # 甲: EDA 300万 × 20% = 60万; 乙's tape-out is 乙's (in 无锡): not used; then 乙 asked alone → a1, 0.
    answers = conversation(
        engine,
        "集团下面有两家：C公司在滨江，D公司注册在无锡。C公司2025年采购EDA工具300万；D公司首次流片900万。C公司能补多少",
        "D公司那笔流片能按这个政策补吗，补多少",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["600000", "0"]
    assert answers[1]["answer"].startswith("不符合") and "无锡" in answers[1]["answer"]


def test_an_everyday_word_is_not_corrected_into_a_term(engine: Any) -> None:
    # Two venue rents 80万 × 50% = 40万 and 300万 × 50% = 150万 → 100万 per event: 140万; "只算" asks why.
    answers = conversation(
        engine,
        "2025年在滨江办了两场集成电路交流活动，都事前报批了，场租分别是80万和300万，能补多少",
        "第二场怎么只算100万",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["1400000", "1400000"]
    assert answers[1]["citations"][0]["clause_id"] == "m16"


def test_a_kind_and_its_purchase_written_apart_name_the_purchase_rule(engine: Any) -> None:
    # Equipment 450万 < 500万: below the threshold, 0 under 第12条.
    answers = conversation(engine, "设备 非关联 自研首发 今年采购450万 能补吗")
    assert answers[0]["citations"][0]["clause_id"] == "m12"
    assert answers[0]["total_max_subsidy_yuan"] == "0"


def test_a_not_input_modifier_reaches_past_a_nearer_cue_of_the_rule(engine: Any) -> None:
    # "预算里EDA采购列了400万" is the budget's figure; actual ordinary EDA 150万 × 20% = 30万, sign-off
    # centre EDA 100万 × 50% = 50万: 80万.
    answers = conversation(
        engine,
        "2025年度预算里EDA采购列了400万，实际执行了150万（普通EDA）；参与省级签核中心创建企业研发的EDA实际买了100万，能补多少",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "800000"


def test_items_of_an_enumeration_separated_by_spaces_keep_their_own_facts(engine: Any) -> None:
    # Chips (non-affiliated, self-developed, first launch) 400万 × 30% = 120万; the materials come from our
    # shareholder's company (related): not used; equipment 1100万 → 2 × 10万 = 20万: 140万.
    answers = conversation(
        engine,
        "滨江做服务器整机 2025年芯机联动 一是非关联企业自研首发的芯片 采购400万 二是股东控股的公司做的材料 采购500万 三是检测设备 非关联 自研首发 采购1100万 能补多少",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "1400000"
    assert "500万" in answers[0]["answer"].split("消息中未用于测算的数字", 1)[1]


def test_counts_of_other_things_are_named_as_not_used(engine: Any) -> None:
    # 首次流片520万 × 30% = 156万; 1500万片 (shipments) and 38家 (customers) are facts of no slot.
    answers = conversation(engine, "首次流片费用520万，服务客户38家，明年预计出货1500万片，流片补贴能拿多少")
    assert answers[0]["total_max_subsidy_yuan"] == "1560000"
    unused = answers[0]["answer"].split("消息中未用于测算的数字", 1)[1]
    assert "1500万片" in unused and "38家" in unused


def test_a_count_of_the_items_listed_is_not_named(engine: Any) -> None:
    # "两款" counts the two fees listed: 300万 + 200万 = 500万 × 30% = 150万.
    answers = conversation(engine, "今年两款芯片首次流片，分别花了300万和200万，能补多少")
    assert answers[0]["total_max_subsidy_yuan"] == "1500000"
    assert "消息中未用于测算的数字" not in answers[0]["answer"]


def test_the_users_own_arithmetic_is_checked_not_refused_nor_added(engine: Any) -> None:
    # IP 300万 × 20% = 60万; the user's 60万 is a result to check, and 按20%算 no instruction.
    answers = conversation(engine, "购买IP做关键芯片研发300万，按20%算下来是60万，麻烦核对一下")
    assert answers[0]["status"] == "answered" and answers[0]["total_max_subsidy_yuan"] == "600000"


def test_a_clause_that_only_asks_whether_the_result_is_a_figure_is_a_guess(engine: Any) -> None:
    # m6: 80万 × 50% = 40万; "是40万吗" asks, it adds no contract.
    answers = conversation(engine, "跟杭州人工智能计算中心签了算力合同80万，补50%，是40万吗")
    assert answers[0]["total_max_subsidy_yuan"] == "400000"


def test_a_rate_given_as_an_instruction_is_still_refused(engine: Any) -> None:
    answers = conversation(engine, "首次流片花了600万，按60%算给我")
    assert answers[0]["status"] == "not_covered"


def test_a_question_with_no_subject_of_its_own_asks_about_the_clause_just_answered(engine: Any) -> None:
    answers = conversation(
        engine, "新引进的集成电路企业房租补贴怎么申请", "补贴期限最长多久？要经过哪个平台审核？"
    )
    assert [a["citations"][0]["clause_id"] for a in answers] == ["m10", "m10"]


def test_chit_chat_after_an_answer_is_still_declined(engine: Any) -> None:
    answers = conversation(
        engine, "新引进的集成电路企业房租补贴怎么申请", "那你们几点下班？", "今天天气怎么样？"
    )
    assert [a["status"] for a in answers[1:]] == ["not_covered", "not_covered"]


def test_a_count_split_by_place_counts_those_inside(engine: Any) -> None:
    # 9 users: 2 in 上海, 1 in 宁波, the other 6 in 滨江 → 6 inside (> 3): 200万 × 10% = 20万. Split 3/2/1 with only
    # 3 in 滨江: not more than 3 inside → 0.
    answers = conversation(
        engine,
        "数据集被9家非关联企业调用，其中2家在上海、1家在宁波，其余6家都在滨江，流通收益200万，奖励多少",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "200000"
    answers = conversation(
        engine, "数据集调用方共6家非关联企业：滨江3家、上海2家、宁波1家，流通收益200万，奖励多少"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "0" and answers[0]["answer"].startswith("不符合")


def test_a_removal_in_a_family_removes_the_kind_it_names_and_keeps_the_other(engine: Any) -> None:
    # Materials 1100万 → 2 × 10万 = 20万; modules 400万 × 30% = 120万: 140万. The modules removed: 20万.
    answers = conversation(
        engine,
        "当年度从非关联集成电路企业采购了对方自研首发的模组400万、自研首发的材料1100万，芯机联动能补多少",
        "模组那批供货方的材料还没齐，先拿掉，材料照算",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["1400000", "200000"]


def test_a_part_of_a_listed_item_that_is_another_rules_leaves_it_for_that_rule(engine: Any) -> None:
    # EDA 600万 × 20% = 120万 → 100万; 150万 of it is IP (key chip R&D): EDA 450万 × 20% = 90万 + IP 30万 = 120万.
    # Then that 450万 EDA is sign-off centre EDA: 225万 + 30万 = 255万 (moved, not counted twice).
    answers = conversation(
        engine,
        "购买EDA工具花了600万，补多少",
        "这600万里有150万其实是IP，用于关键芯片研发，拆开重新算",
        "假如那450万EDA是参与省级签核中心创建的企业研发的呢",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["1000000", "1200000", "2550000"]


def test_a_relation_word_describing_the_user_says_nothing_about_its_supplier(engine: Any) -> None:
    # We are the group's subsidiary in 滨江; chips from a non-affiliated IC enterprise 400万 × 30% = 120万; the
    # parent (总部 in 南京) bought 700万 itself: its own figure, not used. From our own subsidiary: related → 0.
    answers = conversation(
        engine,
        "集团总部在南京，我们是集团在滨江的子公司。我们当年度采购了非关联企业自研首次上市的芯片400万；南京总部也采购了700万。我们能补多少？",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "1200000"
    assert "700万" in answers[0]["answer"].split("消息中未用于测算的数字", 1)[1]
    answers = conversation(engine, "我们从自己的子公司采购了自研首发的芯片500万，芯机联动能补多少？")
    assert answers[0]["total_max_subsidy_yuan"] == "0"


def test_a_question_about_a_group_member_outside_gets_the_applicability_answer(engine: Any) -> None:
    answers = conversation(engine, "我们在无锡还有一家子公司，那家子公司能申请这个政策吗？")
    assert answers[0]["citations"][0]["clause_id"] == "a1" and "无锡" in answers[0]["answer"]


def test_a_part_said_after_an_apology_is_a_part_of_the_last_figure(engine: Any) -> None:
    # m6: 200万 × 50% = 100万; 50万 of it was with 腾讯云: (200 − 50)万 × 50% = 75万.
    answers = conversation(
        engine,
        "今年在杭州人工智能计算中心签了两份算力合同，一共200万，补多少",
        "抱歉我搞错了，其中50万其实是跟腾讯云签的",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["1000000", "750000"]


def test_names_given_as_examples_of_another_rules_object_are_not_named(engine: Any) -> None:
    # Platform: equipment 3000万 + software (EDA、IP are examples of it) 600万 = 3600万 × 30% = 1080万 (cap 2000万);
    # the rent 200万 is no investment.
    answers = conversation(
        engine,
        "我们是经认定的集成电路公共技术平台，研发设备投入3000万，EDA、IP等软件投入600万，场地每年租金200万。平台补贴能拿多少？",
    )
    assert answers[0]["total_max_subsidy_yuan"] == "10800000"


def test_only_the_item_a_label_names_is_kept(engine: Any) -> None:
    # m6: (90 + 40)万 × 50% = 65万; only the 推理 contract: 20万.
    answers = conversation(
        engine,
        "今年跟杭州人工智能计算中心签了两份合同：训练集群90万、推理40万，能补多少？",
        "如果只算推理那份呢？",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["650000", "200000"]


def test_a_correction_of_a_figure_changes_the_call_its_cue_names(engine: Any) -> None:
    # m15: platform 1000万 × 20% = 200万 with 60 enterprises served, plus the second-tier award 30万 = 230万;
    # served only 45 (< 50): the platform fails, the award stays: 30万.
    answers = conversation(
        engine,
        "在滨江做了个场景化开放服务平台 投资1000万 服务了60家企业 另外应用成果评了第二档 一共能拿多少",
        "服务企业数我记错了 是45家",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["2300000", "300000"]


def test_a_labelled_items_correction_changes_the_call_that_holds_it(engine: Any) -> None:
    # Tape-outs 产品A 500万 + 产品B 300万 = 800万 × 30% = 240万; IP 400万 × 20% = 80万: 320万.
    # 产品B was 1500万: B alone ≥ 1000万 → 15% = 225万, A 500万 × 30% = 150万; + IP 80万 = 455万.
    answers = conversation(
        engine,
        "2025年度首次流片：产品A 500万元；产品B 300万元。另：购买IP开展先进工艺研发，直接费用400万元。合计多少？",
        "产品B金额录错了，应为1,500万元。",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["3200000", "4550000"]


def test_a_term_in_pinyin_is_read_with_its_word_reading(engine: Any) -> None:
    # 行业标准 reads hang ye (行 alone reads xing): "hangye标准" is it. Led 行业 10万 + took part in 国家 20万 = 30万.
    answers = conversation(engine, "主导了一项hangye标准，参与了一项国家标准，都已发布，奖励多少")
    assert answers[0]["total_max_subsidy_yuan"] == "300000"


def test_an_item_left_out_is_revived_after_an_explanation_turn(engine: Any) -> None:
    # First tape-outs 300万 + 200万 = 500万 × 30% = 150万; the redesign (改版，不是首次) 400万 left out. After "为啥…",
    # supposing it counts: 900万 × 30% = 270万.
    answers = conversation(
        engine,
        "2025年三颗芯片流片：两颗首次流片，一颗300万、一颗200万；另外一颗是改版重流（不是首次），400万。流片补贴一共多少？",
        "为啥不是270万？",
        "那改版重流那颗，如果能算首次呢",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["1500000", "1500000", "2700000"]


def test_a_supposition_on_an_item_pointed_at_by_its_status_changes_that_rules_call(engine: Any) -> None:
    # Standards: 国家标准参与 20万 (published) + 行业标准 drafting (not counted) ; quality award 区 200万: 220万.
    # If the draft one is published: + 行业标准参与 10万 = 230万.
    answers = conversation(
        engine,
        "2025年参与了一项国家标准（已发布），参与了一项行业标准（还在征求意见）；另外获得了区政府质量奖。一共能拿多少？",
        "征求意见那项如果下个月发布了，合计多少",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["2200000", "2300000"]


def test_english_rd_with_its_amount_and_a_denied_figure(engine: Any) -> None:
    # m4: 6000万 × 15% = 900万 (R&D on core equipment with actual sales); corrected "5,000万, not 6,000万": 750万.
    answers = conversation(
        engine,
        "We are an IC equipment company in Binjiang. In 2025, R&D on core equipment was 6,000万 with actual sales. How much?",
        "Sorry, it was 5,000万, not 6,000万.",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["9000000", "7500000"]


def test_the_group_member_a_question_asks_about_decides_whose_figures_count(engine: Any) -> None:
    # 甲 in 滨江: 80万 × 50% = 40万 (乙's 50万 in 湖州 is 乙's); asking about 乙 (outside) → a1, 0.
    said = "集团有甲乙两家公司，甲公司注册在滨江，乙公司注册在湖州。甲公司用了杭州人工智能计算中心的算力，合同80万；乙公司也用了，合同50万。"
    answers = conversation(engine, said + "甲公司能补多少？")
    assert answers[0]["total_max_subsidy_yuan"] == "400000"
    answers = conversation(engine, said + "乙公司能补多少？")
    assert answers[0]["total_max_subsidy_yuan"] == "0" and answers[0]["citations"][0]["clause_id"] == "a1"


def test_a_headline_clause_names_the_kind_for_its_sentence(engine: Any) -> None:
    # Modules 500万 × 30% = 150万 (cap 150万); materials 1,050万 → 2 × 10万 = 20万.
    answers = conversation(
        engine, "芯机联动两块：先说模组类的，非关联企业自主研发并首次上市，当年度累计买了500万，能补多少？"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "1500000"
    answers = conversation(engine, "材料这块：非关联企业自研首发的，当年度一共买了1,050万，能补多少？")
    assert answers[0]["total_max_subsidy_yuan"] == "200000"


def test_names_written_with_characters_opencc_would_change_are_kept(engine: Any) -> None:
    answers = conversation(engine, "昇腾创新中心属于政策哪一条？")
    assert answers[0]["status"] == "answered" and answers[0]["citations"][0]["clause_id"] == "m13"


def test_a_choice_named_in_a_follow_up_changes_the_call_that_has_it(engine: Any) -> None:
    # Provincial platform 400万 (≤ 500万) + an AI event's venue rent 100万 × 50% = 50万: 450万; if the platform is
    # only city-level it is no 高能级平台 (national or provincial only): 50万.
    answers = conversation(
        engine,
        "我们是省级集成电路平台，2025年场地租赁和项目建设实际支出400万；另外在滨江办了一场人工智能交流活动，事前报批过，场租100万。合计多少？",
        "如果我们平台只是市级的呢？",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["4500000", "500000"]


def test_a_denied_level_heading_a_list_denies_the_list(engine: Any) -> None:
    # "没有获得国家级、省级认定": neither level is the platform's: it is no 高能级平台, 0.
    answers = conversation(
        engine, "我们的技术创新中心还没有获得国家级、省级认定，场地租赁支出300万，高能级平台能补多少？"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "0" and answers[0]["answer"].startswith("不符合")


def test_a_loan_dated_by_a_period_takes_the_lpr_of_its_start(engine: Any) -> None:
    # Set up 2023; a loan in 2024年一季度 (LPR 3.45% from 2023-08-21) of 400万, one year: 13.8万.
    answers = conversation(
        engine, "我们是2023年在滨江成立的集成电路企业，2024年一季度贷款400万，一年期，贴息多少？"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "138000"


def test_the_place_of_the_parent_a_subsidiary_was_set_up_by_is_not_the_users(engine: Any) -> None:
    # A subsidiary registered in 滨江 by a 南京 company is a zone enterprise: EDA 250万 × 20% = 50万.
    answers = conversation(
        engine, "我们是南京一家芯片公司在滨江注册的全资子公司，2025年采购EDA工具250万，能补多少？"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "500000"


def test_candidate_answers_and_the_rules_own_step_are_no_purchases(engine: Any) -> None:
    # Equipment 1800万 → 3 whole 500万 steps × 10万 = 30万; "得36万" is a candidate answer, "完整的500万" the step.
    answers = conversation(
        engine, "设备采购额1800万（非关联、自研首发），是按比例得36万，还是只按完整的500万计？"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "300000"


def test_a_challenge_with_a_rate_and_the_users_result_explains_the_last_answer(engine: Any) -> None:
    # 首次流片1200万 (≥ 1000万) × 15% = 180万; "应该按30%补，360万才对" is held against it: the same answer again.
    answers = conversation(engine, "首次流片费用1200万，能补多少", "你算错了吧，应该按30%补，360万才对")
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["1800000", "1800000"]
    assert answers[1]["status"] == "answered"
