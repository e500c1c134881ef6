"""The fifth round's mechanisms, on phrasings a reviewer wrote for the failures of holdout4, holdout and public
(by mechanism, never the held-out text), with amounts computed by hand from the policy: figures that are no
inputs (a difference, a stock, the whole event's cost, another place's minimum), conditions stated in passing,
per-item conditions across turns, dates and years in their roles, numerals, English, dialogue acts, whose
policy or document is asked, the injection guard's false alarms, rules named by a separable verb or a specific
product, where the enterprise is, and which clause answers first."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures import conversation

# (label, turns, total per turn, first cite of the checked turn or "", status of the checked turn or "")
CASES = [
    (
        "G14",
        [
            "我们是集成电路设计企业，购买IP做关键芯片研发，2025年IP直接费用合计500万，较2024年增加了150万，能补多少？"
        ],
        ["1000000"],
        "",
        "",
    ),
    (
        "G16",
        [
            "2025年我们在滨江办了一场集成电路论坛，已事前报批，场地租金90万，整个论坛总成本260万，场租补贴多少？"
        ],
        ["450000"],
        "",
        "",
    ),
    (
        "G19",
        ["我们是国家级集成电路平台，2025年场地租赁实际支出300万，平台资产总额8000万，能支持多少"],
        ["3000000"],
        "",
        "",
    ),
    (
        "G49",
        ["南京的算力券单笔不少于1万元，滨江这里有下限吗？我们跟杭州人工智能计算中心的合同才2万元，能补多少"],
        ["10000"],
        "",
        "",
    ),
    ("G24", ["我们做游戏开发，不是做芯片的，2025年1月贷款100万，能贴息多少？"], ["0"], "", ""),
    ("G52", ["我们在滨江办了个人工智能交流会，场租60万，事先没有经过报批，可以补吗"], ["0"], "", ""),
    ("G11", ["我们是滨江企业，算力租的是北京一家智算平台的，2024年合同金额90万，能补多少？"], ["0"], "", ""),
    (
        "G50",
        ["我们是做AI芯片的，不从事网络安全服务，不过也投保了网络安全保险，保费30万，可以补吗"],
        ["0"],
        "",
        "",
    ),
    (
        "G25",
        ["2025年我们的算力全买的腾讯云，合同150万，能补吗", "再加上和杭州人工智能计算中心签的40万合同呢"],
        ["0", "200000"],
        "",
        "",
    ),
    (
        "G06",
        [
            "我们的训练数据集有6家区内企业调用，2024年流通收益合计200万，奖励多少？",
            "补充：这6家里面3家是我们集团的子公司",
        ],
        ["200000", "0"],
        "",
        "",
    ),
    (
        "G27",
        [
            "我们采购的模组来自我们股东控股的企业，2025年买了他们自研首发的模组400万，能补多少",
            "核实了一下，股东2024年就已全部退出了那家公司，现在我们跟它没有关联",
        ],
        ["0", "1200000"],
        "",
        "",
    ),
    (
        "G31",
        [
            "我们在杭州人工智能计算中心签了60万算力合同",
            "不对，签的是杭州另外一个智算中心，并不是杭州人工智能计算中心",
        ],
        ["300000", "0"],
        "",
        "",
    ),
    (
        "G07",
        ["公司2020年在南京注册，2024年2月被引进到滨江，做芯片设计。2025年6月贷了400万，期限一年，贴息多少"],
        ["120000"],
        "",
        "",
    ),
    (
        "G15",
        ["我们是网络安全服务企业，2025年保费40万，2026年续保后变成50万，请问2026年那笔能补多少"],
        ["250000"],
        "",
        "",
    ),
    ("G38", ["用2019年旧政策算流片能补35%，我们2025年首次流片花了400万，现在能拿多少"], ["1200000"], "", ""),
    (
        "G32",
        [
            "首次流片600万，能补多少",
            "那假设流片费高于1000万的话，补贴标准是怎样的？",
            "还有一款也是首次流片，费用1500万，两款一共多少",
        ],
        ["1800000", None, "4050000"],
        "m3",
        "",
    ),
    (
        "G21",
        ["我们2024年1月成立，做集成电路，贷款叁佰万元，2024年10月21日放款，期限两年半，贴息多少"],
        ["232500"],
        "",
        "",
    ),
    ("G39", ["公司2023年6月成立做数字IC，2025/6/3贷款二百万，期限两年半，贷款帖息多少"], ["150000"], "", ""),
    ("G22", ["我们是网络安全服务企业，二〇二五年网络安全保险保费二十万，补偿多少"], ["120000"], "", ""),
    (
        "G23",
        [
            "二〇二四年七月份借了银行贷款两百万，期限十二个月，我们是芯片企业，贴息多少",
            "更正，放款日是7月30号",
        ],
        ["69000", "67000"],
        "",
        "",
    ),
    (
        "G18",
        ["我们搭了人工智能场景化开放服务平台，已服务60多家企业，项目投资1200万，能补多少"],
        ["2400000"],
        "",
        "",
    ),
    (
        "G05",
        [
            "2025年EDA采购分成两块：一块是常规EDA，花了150万；另一块是省级签核中心创建企业研发的EDA，花了300万，一共补多少？"
        ],
        ["1800000"],
        "",
        "",
    ),
    ("G48", ["首次流片费用也许700万也许1300万，取决于工艺，能补多少？"], [None], "m3", "need_more_info"),
    (
        "G12",
        [
            "Our firm is registered in Xiaoshan district. In 2024 we spent 3M RMB on a first tape-out, how much can we get?"
        ],
        ["0"],
        "",
        "",
    ),
    (
        "G37",
        ["Our company is registered in Ningbo. Are we eligible for this Binjiang policy?"],
        [None],
        "a1",
        "",
    ),
    (
        "G10",
        [
            "深圳的算力券怎么补？",
            "那换成我们在滨江的公司，2024年跟杭州人工智能计算中心签了0.8M RMB的合同呢？",
            "听说能补50万，是这样吗？",
        ],
        [None, "400000", "400000"],
        "",
        "",
    ),
    (
        "G29",
        [
            "2025年3月买EDA工具花了200万，补多少",
            "8月又增购了一批，花了350万，2025年总共补多少",
            "为啥不是110万？",
        ],
        ["400000", "1000000", "1000000"],
        "",
        "",
    ),
    (
        "G33",
        [
            "创新券：登记的技术服务合同100万，双方无投资关联，补多少",
            "四季度又新登记了一份70万的合同，2025年总计多少",
        ],
        ["300000", "500000"],
        "",
        "",
    ),
    (
        "G13",
        [
            "2024年算力合同共300万，其中杭州人工智能计算中心的是120万，其余都在其他云厂商",
            "假如其余那180万也全部转到杭州人工智能计算中心，能补多少？",
        ],
        ["600000", "1000000"],
        "",
        "",
    ),
    (
        "G28",
        ["2025年两款芯片首次流片：产品P 600万，产品Q 300万", "Q那个数记错了，其实是1200万"],
        ["2700000", "3600000"],
        "",
        "",
    ),
    (
        "G30",
        ["2025年三款芯片首次流片：A 200万，B 500万，C 1800万", "B项目后来撤了，没有流片"],
        ["4800000", "3300000"],
        "",
        "",
    ),
    (
        "G34",
        [
            "两场交流会都事前报批、在滨江举办，场租分别是80万和250万",
            "第二场为什么是100万？",
            "那第二场就不申报了，只申报第一场",
        ],
        ["1400000", "1400000", "400000"],
        "",
        "",
    ),
    ("G09", ["武汉光谷对芯片设计企业有没有贷款贴息？"], [None], None, "not_covered"),
    ("G35", ["浙江省的流片补贴最高多少？问的是省里的，不是滨江的"], [None], None, "not_covered"),
    (
        "G36",
        ["首次流片700万，能补多少", "浙江省级层面还有没有流片补贴可以再拿？比例多少"],
        ["2100000", None],
        None,
        "",
    ),
    ("G45", ["浙江省那个集成电路产业发展实施意见里，重点布局哪些城市？"], [None], None, "not_covered"),
    ("G53", ["滨江2023年那个数字经济发展办法里，算力中心建设补贴最高多少？"], [None], None, "not_covered"),
    ("G47", ["旧政策说用国家集成电路设计杭州产业化基地的EDA平台能补70%，新政策还有吗？"], [None], "a4", ""),
    (
        "G01",
        ["我们做刻蚀设备，2024年研发投入6亿，已实现销售，按15%算就是9000万了吧？实际能拿多少"],
        ["50000000"],
        "",
        "",
    ),
    (
        "G02",
        ["EDA工具攻关这块自主研发投入2亿，已有销售，按15%算3000万，封顶是不是2000万？"],
        ["20000000"],
        "",
        "",
    ),
    ("G03", ["半导体材料研发投入5亿，已经卖出去了，按15%算肯定超了吧，最终能拿多少"], ["50000000"], "", ""),
    (
        "G04",
        ["网上申报时系统提示需要上传合同，我们在杭州人工智能计算中心签了80万算力合同，能补多少？"],
        ["400000"],
        "",
        "",
    ),
    (
        "G26",
        [
            "这颗芯片2024年就流过一次片，2025年这次是第二回，花了600万，能补多少",
            "搞错了，2024年那次流的是另一颗，2025年这次是它的首次流片",
        ],
        ["0", "1800000"],
        "",
        "",
    ),
    (
        "G20",
        ["我们是做晶圆键合设备的，2025年研发投入1.2亿，产品已经销售。有人说最高补2000万？"],
        ["18000000"],
        "",
        "",
    ),
    (
        "G08",
        ["我们公司注册在滨江，在成都还有一个设计团队。2024年首次流片费用500万，能补多少？"],
        ["1500000"],
        "",
        "",
    ),
    ("G42", ["我们是注册在富阳的集成电路公司，能申请这个政策吗？"], [None], "a1", ""),
    (
        "G43",
        [
            "我们是滨江的一家新型研发机构（经认定），主要做大模型训练数据集，政策的适用对象包括我们这种机构吗？"
        ],
        [None],
        "a1",
        "",
    ),
    ("G41", ["政策解读里提到修订依据第3条是杭高新〔2019〕24号，这个文件现在还有效吗？"], [None], "a4", ""),
    ("G44", ["宣传里这些奖励是不是全由区财政单独负担？省级、市级的资金也包括在内吗？"], [None], "a2", ""),
    (
        "G46",
        ["有篇公众号文章说这里的流片补贴是费用的40%、每年最多500万，现在还是这么补吗？"],
        [None],
        "a4",
        "",
    ),
    (
        "G17",
        ["我们是2023年5月成立的芯片公司，2024年8月银行贷款200万一年期，合同利率3.8%，贴息多少"],
        ["67000"],
        "",
        "",
    ),
    ("G51", ["人工智能应用成果实际落地推广后，一次性奖励最多能拿多少？"], [None], "m15", ""),
    ("G54", ["采购EDA花了250万，补多少", "怎么不是按50%补？网上说有50%"], ["500000", "500000"], "", ""),
]


@pytest.mark.parametrize(("label", "turns", "totals", "cite", "status"), CASES, ids=[c[0] for c in CASES])
def test_reviewed_mechanisms(
    engine: Any, label: str, turns: list[str], totals: list, cite: Any, status: str
) -> None:
    answers = conversation(engine, *turns)
    assert [a["total_max_subsidy_yuan"] for a in answers] == totals
    checked = answers[1] if label in ("G32", "G36") else answers[-1]
    if cite != "":
        first = [c["clause_id"] for c in checked["citations"]][:1]
        assert first == ([cite] if cite else [])
    if status:
        assert checked["status"] == status


def test_a_part_after_only_leaves_its_total_with_its_own_condition(engine: Any) -> None:
    # 300万 in all, only 100万 with the Hangzhou AI computing centre, the rest elsewhere: 100万 × 50%.
    answers = conversation(
        engine, "总共采购算力300万，只有100万是和杭州人工智能计算中心签的，其它在别的云厂商，能补多少"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "500000"


# Phrasings a reviewer wrote for holdout5's failures (never the held-out text), amounts by hand.
@pytest.mark.parametrize(
    ("turns", "totals"),
    [
        # More items asked about alone: answered alone, kept for the sum asked next.
        (
            [
                "我们参与制定了一项行业标准，已发布，奖励多少",
                "另外还参与了一项浙江制造标准，也发布了，这一项能奖多少",
                "两项合计多少",
            ],
            ["100000", "50000", "150000"],
        ),
        (
            [
                "2025年买了参与省级签核中心创建企业研发的EDA工具300万，补多少",
                "另外还采购了一批普通EDA，花了150万，这批能补多少",
                "合计多少",
            ],
            ["1500000", "300000", "1800000"],
        ),
        (
            ["2024年首次流片一款芯片，费用500万，补多少", "2025年又有一款首次流片1500万，2025年这一款补多少"],
            ["1500000", "2250000"],
        ),
        # More items of one list share its cap: the running total, never this item alone.
        (
            [
                "跟杭州人工智能计算中心签了算力合同60万，能补多少",
                "又签了一份计算中心的合同50万，这份能补多少",
            ],
            ["300000", "550000"],
        ),
        # Company-wide R&D is no input of an unnamed sibling rule.
        (
            [
                "我们是滨江的芯片设计企业，每年研发投入大概2500万。2025年委托一家经认定的公共服务平台做封装测试验证，经认定登记的技术服务合同90万，我们和平台之间没有投资关系。问下创新券能补多少？"
            ],
            ["270000"],
        ),
        (
            [
                "2025年我们买了IP核做先进工艺研发，IP直接费用650万，另外公司研发总投入一年1.2亿，IP部分补多少？"
            ],
            ["1300000"],
        ),
        # A provider described generically is another provider; per item.
        (
            ["我们用了两家的算力：杭州人工智能计算中心签了80万，另外某高校智算平台合同60万，能补多少"],
            ["400000"],
        ),
        # A figure retracted in the same message.
        (["2025年采购EDA工具的费用350万，抱歉打错了，应该是250万，能补多少"], ["500000"]),
        (["我们买IP花了450万，更正一下是380万"], ["760000"]),
        # A bare question for the sum.
        (["2025年买IP花了300万，还买了普通EDA工具200万，各补多少", "加起来一共多少"], ["1000000", "1000000"]),
        # One of two items fails its condition; the other still counts.
        (
            [
                "2025年在滨江办了两场AI峰会，A场会前没有履行报批程序，场租70万；B场事前报批过，场租160万，补贴一共多少？"
            ],
            ["800000"],
        ),
        (
            [
                "2025年我们和两家经认定的公共服务平台签了技术服务合同：一家是我们控股的，合同100万；另一家跟我们没有任何投资关系，合同50万。创新券合计能补多少？"
            ],
            ["150000"],
        ),
        # A yes/no question stating a disqualifier recomputes the last calculation.
        (
            [
                "我们2025年采购非关联企业自研首发的芯片400万，能补多少",
                "供应商是我们集团的兄弟公司，芯片采购这块还能补吗",
            ],
            ["1200000", "0"],
        ),
        # The second loan's date corrected: 150万 × 3.45% + 300万 × 3.10% (LPR of 2024-10-21).
        (
            [
                "我们是2023年11月在滨江成立的集成电路企业，2024年3月贷款150万，2024年9月又贷款300万，贴息一共多少？",
                "更正：第二笔是11月5日放的款",
            ],
            ["152250", "144750"],
        ),
    ],
)
def test_reviewed_mechanisms_of_holdout5(engine: Any, turns: list[str], totals: list[str]) -> None:
    assert [a["total_max_subsidy_yuan"] for a in conversation(engine, *turns)] == totals


def test_a_fact_about_the_enterprise_holds_for_later_calculations(engine: Any) -> None:
    # Said in the first turn (not an IC enterprise): the later loan question fails 集成电路企业.
    answers = conversation(
        engine,
        "我们是滨江的数据交易平台企业，不做集成电路，平台经认定，2025年交易额3亿，其中关联企业交易额5000万，运营补贴多少",
        "2025年3月我们贷了400万，贴息多少",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["2500000", "0"]
    assert answers[1]["answer"].startswith("不符合")


def test_two_more_items_asked_about_alone(engine: Any) -> None:
    # 行业标准参与 10万; two national standards taken part in: 2 × 20万 alone.
    answers = conversation(
        engine,
        "我们参与了一项行业标准，已发布，奖励多少",
        "另外还参与了两项国家标准，也都发布了，这两项能奖多少",
    )
    assert [a["total_max_subsidy_yuan"] for a in answers] == ["100000", "400000"]


# Phrasings a reviewer wrote for holdout6's failures (never the held-out text), amounts by hand; None: the turn
# computes nothing new or is not checked.
ROUND6 = [
    ("R2", ["交易平台 2025 trading volume 2.4亿, related-party 4000万, 能补多少"], ["2000000"]),
    (
        "R3",
        [
            "2025年采购EDA软件180万，能补多少？",
            "抱歉我搞错了，这180万的EDA是由参与国家级签核中心建设的企业开发的",
        ],
        ["360000", "900000"],
    ),
    ("R4", ["第一次流片花了2000万，我自己算2000×30%=600万，没错吧？"], ["3000000"]),
    (
        "R5",
        ["第一次流片花了2000万，我自己算2000×30%=600万，没错吧？", "那低于1000万那一档每年最多多少？"],
        ["3000000", None],
    ),
    (
        "R6",
        [
            "我们2024年2月在滨江成立，IC设计。2024年5月贷款350万一年期，2025年1月贷款150万一年期，贴息一共多少？",
            "要是2025年9月再借150万一年期呢，一共多少？",
        ],
        [None, "167250"],
    ),
    (
        "R7",
        [
            "2025年采购非关联IC企业自研首发的芯片模组200万、设备800万，芯机联动补多少？",
            "如果模组追加采购到400万，两项合计多少？",
        ],
        ["100000", "1300000"],
    ),
    (
        "R8",
        [
            "2025年与杭州人工智能计算中心签订算力服务合同60万，补多少？",
            "另外在腾讯云也采购了50万算力，能一并计入吗？合计多少？",
        ],
        ["300000", "300000"],
    ),
    ("R10", ["这个人工智能算力政策从哪天起施行？"], [None]),
    (
        "R11",
        [
            "2023年成立的集成电路企业 贷款300万 一年 LPR按3.3%算 贴息多少",
            "and if the loan term were 6 months?",
        ],
        ["99000", "49500"],
    ),
    ("R12", ["LPR 3.35 贷款200万 24个月 2024年成立的集成电路公司 贴息多少"], ["134000"]),
    ("R13", ["scenario platform, we serve 60 enterprises, project investment 800万, subsidy?"], ["1600000"]),
    ("R15", ["hi, we are a national level 高能级平台, 2025 actual spending 410万, how much?"], ["4100000"]),
]


@pytest.mark.parametrize(("label", "turns", "totals"), ROUND6, ids=[c[0] for c in ROUND6])
def test_reviewed_mechanisms_of_holdout6(engine: Any, label: str, turns: list[str], totals: list) -> None:
    got = [a["total_max_subsidy_yuan"] for a in conversation(engine, *turns)]
    assert [g for g, w in zip(got, totals, strict=True) if w is not None] == [
        w for w in totals if w is not None
    ]
    if label in ("R5", "R10"):
        assert got[-1] is None  # a rule question computes nothing


def test_each_loan_keeps_its_own_term(engine: Any) -> None:
    answers = conversation(
        engine,
        "我们2023年9月在滨江成立，做芯片设计。贷款：2024年9月250万一年期；2025年3月400万期限9个月。贴息一共多少？",
    )
    # 250万 × 3.35% = 83,750; the 250万 left of the cap × 3.10% × 9/12 = 58,125.
    assert answers[0]["total_max_subsidy_yuan"] == "141875"


def test_a_net_amount_after_its_gross_total(engine: Any) -> None:
    answers = conversation(
        engine, "我们数据交易平台2025年总交易额2.6亿（扣除关联企业后为2.2亿），员工120人，运营补贴能拿多少？"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "2200000"  # 2.2亿 × 1%


def test_a_rate_given_as_a_spread_from_the_lpr(engine: Any) -> None:
    # 2025-07 loan at LPR 3.00% less 30 basis points = 2.70%: 400万 × 2.70% = 10.8万.
    answers = conversation(
        engine, "2025年7月贷款400万一年期，执行利率LPR下浮30个基点，我们是2023年成立的IC企业，贴息多少？"
    )
    assert answers[0]["total_max_subsidy_yuan"] == "108000"
