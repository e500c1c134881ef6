"""Router extraction found by QA: dates, rates and terms for loans; amounts tied to the condition written
next to them; several rules in one sentence; follow-ups that add or vary items."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.decide.frames import frame_for
from bot.nlu.markers import kinds
from bot.nlu.mentions import MONEY
from bot.nlu.normalize import normalize
from bot.nlu.polarity import stated
from bot.nlu.reading import read
from bot.sessions.store import Pending, Session
from tests.decide.test_router import VOCAB, W, decide, reading


def args(rule_id: str, text: str, today: date | None = None) -> dict:  # type: ignore[type-arg]
    rule = VOCAB.rule(rule_id)
    assert rule is not None
    r = read(normalize(text), VOCAB, None, rule, today)
    return frame_for(rule, r.text, list(r.mentions), list(r.figures), r.lang).args


def met(rule_id: str, condition: str, text: str) -> bool:
    rule = VOCAB.rule(rule_id)
    assert rule is not None
    return stated(normalize(text), rule, reading(text).lang)[condition].met


@pytest.mark.parametrize(
    ("text", "loan"),
    [
        ("2024年8月放款", date(2024, 8, 1)),
        ("2024年8月15日放款", date(2024, 8, 15)),
        ("2024-08-15放款", date(2024, 8, 15)),
        ("2024.8.15放款", date(2024, 8, 15)),
        ("24年8月放款", date(2024, 8, 1)),
        ("去年8月放款", date(2025, 8, 1)),
        ("今年3月5号贷的款", date(2026, 3, 5)),
    ],
)
def test_loan_dates_in_every_form(text: str, loan: date) -> None:
    found = args("loan", text, today=date(2026, 11, 26))
    assert (found.get("loan_date"), found.get("established_date")) == (loan, None)


def test_founding_date_is_told_apart_from_the_loan_date() -> None:
    found = args("loan", "2023年3月成立，成立于2023年3月也一样，2024年8月15日贷款300万，期限1年")
    assert (found["established_date"], found["loan_date"]) == (date(2023, 3, 1), date(2024, 8, 15))
    # "成立，2024年…" is a date, not "founded 2024 years ago"; an impossible month is no date at all.
    assert "within_three_years" not in found and found["term_months"] == 12
    assert "loan_date" not in args("loan", "2024年13月贷款")
    # A founding year alone dates the enterprise from 1 January (the earliest day: never overstating).
    assert args("loan", "公司2017年在滨江成立，2024年6月贷款300万")["established_date"] == date(2017, 1, 1)
    # Moved into the zone later: the window runs from the arrival (设立或引进).
    moved = args("loan", "公司2016年在苏州成立，2023年整体迁入滨江，2024年3月贷款500万")
    assert moved["established_date"] == date(2023, 1, 1)


def test_loan_date_term_and_actual_rate_reach_the_calculator() -> None:
    d = decide("我们公司去年成立的，做芯片设计，从招行贷了1000万，期限2年，2024年8月放款，贴息能有多少")
    # "做芯片设计" states the IC-enterprise condition too.
    assert d.calls[0].args == {
        "principal_yuan": 1000 * W,
        "term_months": 24,
        "loan_date": date(2024, 8, 1),
        "is_ic_enterprise": True,
    }
    d = decide("贷款500万，实际利率2.8%，LPR利率3.1%，贷款期限改成18个月")
    args = d.calls[0].args
    assert (args["actual_rate_percent"], args["lpr_percent"], args["term_months"]) == (
        Decimal("2.8"),
        Decimal("3.1"),
        18,
    )


@pytest.mark.parametrize(
    ("text", "ordinary", "signoff"),
    [
        ("签核中心EDA 200万，另外普通EDA买了600万", [600], [200]),
        ("普通EDA工具采购了300万，签核中心企业研发的EDA买了600万", [300], [600]),
        ("一般EDA两笔：100万和150万；签核中心EDA两笔：80万和120万", [100, 150], [80, 120]),
        ("买了300万和100万的普通EDA，还有200万的签核中心EDA", [300, 100], [200]),
        ("签核中心EDA 100万，其他EDA 200万，还有签核中心EDA 50万", [200], [100, 50]),
        ("EDA工具一共300万，其中签核中心的100万", [200], [100]),
        ("不是签核中心的EDA，花了400万", [400], None),
        ("签核中心EDA买了700万", None, [700]),
        ("芯片设计公司买了Synopsys的EDA工具120万，另外从签核中心创建企业买了90万的", [120], [90]),
    ],
)
def test_each_eda_amount_goes_with_the_kind_written_next_to_it(
    text: str, ordinary: list[int] | None, signoff: list[int] | None
) -> None:
    args = decide(text + "，能补多少").calls[0].args
    assert args.get("ordinary_costs_yuan") == ([v * W for v in ordinary] if ordinary else None)
    assert args.get("signoff_center_costs_yuan") == ([v * W for v in signoff] if signoff else None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("签核中心EDA 100万和200万", ["s", "s"]),
        ("买了EDA工具120万，另外从签核中心企业买了90万", [None, "s"]),
        ("我们买了200万的EDA，是签核中心企业研发的", ["s"]),
        ("不是签核的普通EDA，花了400万", ["o"]),
        ("我们买了两套EDA，一套是签核中心的，120万，另一套普通的，80万", ["s", "o"]),
    ],
)
def test_markers_belong_to_the_amounts_of_their_clause(text: str, expected: list[str | None]) -> None:
    r = reading(text)
    money = [f for f in r.figures if f.mention.kind == MONEY]
    assert kinds(r.text, money, {"s": ["(?<!非)(?<!不是)签核"], "o": ["普通"]}) == expected


def test_several_rules_after_commas_and_m12_kinds_in_one_sentence() -> None:
    d = decide("首次流片1200万元，EDA 300万元，能补多少")
    assert [c.name for c in d.calls] == ["first_tapeout_subsidy", "eda_purchase_subsidy"]
    d = decide("采购设备600万和芯片400万，补多少")
    assert [(c.name, c.args["purchase_amounts_yuan"]) for c in d.calls] == [
        ("chip_machine_equipment_subsidy", [600 * W]),
        ("chip_machine_chip_subsidy", [400 * W]),
    ]
    # A rule named without facts of its own is not a second item.
    assert [c.name for c in decide("芯机联动，采购模组200万，能补多少").calls] == [
        "chip_machine_chip_subsidy"
    ]
    assert len(decide("我们是芯片设计企业，首次流片1200万，能补多少").calls) == 1


def test_adding_an_item_extends_the_last_calculation() -> None:
    last = Pending("compute_voucher_subsidy", {"contract_amounts_yuan": [80 * W]}, [], "m6")
    d = decide("再加一笔150万呢", Session(id="s", last_seen=0, last=last))
    assert d.followup and d.calls[0].args == {"contract_amounts_yuan": [80 * W, 150 * W]}


def test_variation_naming_the_same_rule_keeps_the_other_facts() -> None:
    args = {"principal_yuan": 1000 * W, "term_months": 24, "loan_date": date(2024, 8, 1)}
    session = Session(id="s", last_seen=0, last=Pending("lpr_interest_subsidy", args, [], "m17"))
    d = decide("那如果贷款是300万呢", session)
    assert d.followup and d.calls[0].args == {**args, "principal_yuan": 300 * W}
    last = Pending("first_tapeout_subsidy", {"fees_yuan": [600 * W]}, [], "m3")
    d = decide("那如果不是首次流片呢", Session(id="s", last_seen=0, last=last))
    assert d.calls[0].args == {"fees_yuan": [600 * W], "is_first_tapeout": False}


def test_standards_with_role_and_count_after_the_name() -> None:
    items = decide("国际标准主导1项、国家标准参与1项、浙江制造标准3项，奖励多少").calls[0].args["standards"]
    assert [(i["level"], i["role"]) for i in items] == [
        ("国际标准", "主导"),
        ("国家标准", "参与"),
        ("浙江制造标准", "参与"),
        ("浙江制造标准", "参与"),
        ("浙江制造标准", "参与"),
    ]


def test_claims_phrased_as_questions_and_negated_affiliation() -> None:
    assert decide("首次流片900万，补贴是不是270万").calls[0].args["fees_yuan"] == [900 * W]
    assert met("chip_machine_chip", "supplier_non_affiliated", "供货方和我们没有关联") is True


def test_years_from_short_dates_and_relative_words() -> None:
    assert args("cyber", "25年3月交的保费80万")["year"] == 2025
    assert args("cyber", "今年的保费80万", today=date(2026, 11, 26))["year"] == 2026
    assert "year" not in args("cyber", "期限10年")


def test_parts_after_qizhong_and_the_count_next_to_non_affiliated() -> None:
    d = decide("流片费用一共2000万，其中首次流片的1200万，补多少")
    assert d.calls[0].args["fees_yuan"] == [1200 * W]
    d = decide("首次流片两款共2000万，其中一款1500万，补多少")
    assert d.calls[0].args["fees_yuan"] == [500 * W, 1500 * W]
    assert args("dataset", "数据集被10家企业调用，其中非关联企业2家")["non_affiliated_users"] == 2


def test_a_rate_or_a_date_alone_varies_the_last_loan() -> None:
    last = Pending("lpr_interest_subsidy", {"principal_yuan": 1000 * W, "term_months": 12}, [], "m17")
    d = decide("如果实际利率只有2.5%呢", Session(id="s", last_seen=0, last=last))
    assert d.followup and d.calls[0].args["actual_rate_percent"] == Decimal("2.5")
    d = decide("如果是2024年11月放款呢", Session(id="s", last_seen=0, last=last))
    assert d.followup and d.calls[0].args["loan_date"] == date(2024, 11, 1)


def test_a_loan_period_gives_the_term() -> None:
    found = args("loan", "2024年8月1日至2025年7月31日贷款500万")
    assert (found["loan_date"], found["term_days"], found.get("term_months")) == (date(2024, 8, 1), 364, None)
    found = args("loan", "贷款1000万，2024年8月放款，2026年8月到期")
    assert (found["loan_date"], found["term_months"]) == (date(2024, 8, 1), 24)
    # A founding date and a loan date are no period; a stated term wins over dates.
    assert "term_months" not in args("loan", "2023年3月成立，2024年8月贷款")
    assert args("loan", "2024年8月至2025年8月，期限6个月")["term_months"] == 6
    last = Pending("lpr_interest_subsidy", {"principal_yuan": 500 * W, "term_months": 12}, [], "m17")
    d = decide("如果是2024年8月1日至2025年7月31日呢", Session(id="s", last_seen=0, last=last))
    assert d.calls[0].args["term_days"] == 364 and "term_months" not in d.calls[0].args


def test_a_later_tapeout_next_to_a_first_one_is_left_out() -> None:
    d = decide("首次流片费用1200万元，今年还流片了一次，费用300万，不是首次，能补多少")
    assert d.calls[0].args == {"fees_yuan": [1200 * W], "is_first_tapeout": True}
    d = decide("不是首次流片，流片费用800万，能补多少")
    assert d.calls[0].args == {"fees_yuan": [800 * W], "is_first_tapeout": False}


def test_tier_words_and_both_roles_of_one_standard() -> None:
    assert args("ai_award", "人工智能应用成果，最高档")["tier"] == 1
    assert args("ai_award", "评了最低档")["tier"] == 3
    items = decide("主导、参与制定国际标准各一项，奖励多少").calls[0].args["standards"]
    assert [(i["level"], i["role"]) for i in items] == [("国际标准", "主导"), ("国际标准", "参与")]


def test_facts_the_pending_rule_cannot_use_do_not_fill_it() -> None:
    session = Session(id="s", last_seen=0, pending=Pending("first_tapeout_subsidy", {}, ["fees_yuan"], "m3"))
    d = decide("今年还有哪些补贴政策", session)
    assert not d.followup and d.kind == "lookup"


def test_a_threshold_next_to_the_exact_figure_is_not_an_input() -> None:
    d = decide("核心设备研发投入超过5000万，具体是5200万，有实际销售，补贴多少")
    assert d.calls[0].args["rd_investment_yuan"] == 5200 * W
    # Alone, "超过5000万" is still the user's figure.
    assert (
        decide("核心设备研发投入超过6000万，已销售，补多少").calls[0].args["rd_investment_yuan"] == 6000 * W
    )


def test_more_ways_to_deny_an_investment_relation() -> None:
    assert met("voucher", "has_investment_relation", "双方不存在投资关联") is True
    assert met("chip_machine_chip", "supplier_non_affiliated", "双方不存在投资关联") is True
