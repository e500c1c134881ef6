"""The UI's pure parts: generated calculator forms, the subsidy curve, clause search and chat rendering."""

from __future__ import annotations

from decimal import Decimal

import pytest

import calculators
from bot.http.app import Services
from tests.api.fakes import FakeEngine, FakeRetriever
from ui.calculator import calculate, collect_args, field_specs, spend_field
from ui.chart import choose_range, sample
from ui.chart_svg import chart_block
from ui.chat import SESSION_LOST, answer_messages, new_conversation, respond
from ui.clauses import highlight, pack_lexicon, search_clauses


@pytest.mark.parametrize("calc", calculators.CALCULATORS, ids=lambda c: c.name)
def test_every_calculator_gets_a_form_with_chinese_labels(calc) -> None:
    specs = field_specs(calc.input_model)
    assert [s.name for s in specs] == list(calc.input_model.model_fields)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in s.label) for s in specs)


def test_form_kinds_and_empty_optional_fields_are_omitted() -> None:
    specs = field_specs(calculators.get_calculator("lpr_interest_subsidy").input_model)
    kinds = {s.name: s.kind for s in specs}
    assert kinds["principal_yuan"] == "money" and kinds["term_months"] == "integer"
    assert kinds["within_three_years"] == "tristate"  # unknown must not be sent as "no"
    filled = {"principal_yuan": "300万", "term_months": 12.0, "loan_date": "", "is_ic_enterprise": True}
    values = [filled.get(s.name) for s in specs]  # by name: the form follows the input model's fields
    assert collect_args(specs, values) == {
        "principal_yuan": "300万",
        "term_months": 12,
        "is_ic_enterprise": True,
    }


def test_calculate_reports_ceiling_and_names_bad_field() -> None:
    specs = field_specs(calculators.get_calculator("first_tapeout_subsidy").input_model)
    md, chart = calculate("first_tapeout_subsidy", specs, "800万", True, True)
    assert "补贴上限：240万元" in md and "条款原文（m3）" in md and "<svg" in chart
    md, chart = calculate("first_tapeout_subsidy", specs, "很多", True, True)
    assert md.startswith("**请检查输入**") and "fees_yuan" in md and chart == ""
    md, _ = calculate("first_tapeout_subsidy", specs, "800万", False, True)
    assert "不符合条件" in md


def test_curve_finds_tier_boundary_and_caps_of_first_tapeout() -> None:
    def run(x: Decimal) -> Decimal:
        res = calculators.run_calculator("first_tapeout_subsidy", {"fees_yuan": [x]})
        return res.max_subsidy_yuan

    curve = sample(run, Decimal(200_000_000))
    # 以上/以下 both include 1000万; just above it the 15% tier applies: 300万 → 150万.
    (th,) = curve.thresholds
    assert th.x == Decimal(10_000_000)
    assert (th.y_before, th.y_after) == (Decimal(3_000_000), Decimal("1500000.15"))
    assert curve.caps == [Decimal(20_000_000)]
    html = chart_block(curve, "流片费用", (Decimal(8_000_000), Decimal(2_400_000)))
    assert "上限 2000万元" in html and "门槛/分档 1000万元" in html and "补贴上限 240万元" in html
    assert html.count('class="user-point"') == 2  # desktop and phone layouts


def _tapeout(x: Decimal) -> Decimal:
    return calculators.run_calculator("first_tapeout_subsidy", {"fees_yuan": [x]}).max_subsidy_yuan


@pytest.mark.parametrize(
    ("mine", "low", "high"),
    [
        (Decimal(8_000_000), Decimal(12_000_000), Decimal(25_000_000)),  # shows the 1000万 tier, not 3亿
        (Decimal(30_000_000), Decimal(60_000_000), Decimal(80_000_000)),
        (Decimal(500_000), Decimal(1_000_000), Decimal(2_000_000)),  # the tier is too far to squash the point
    ],
)
def test_chart_range_is_scaled_to_the_amount_and_the_next_threshold(mine, low, high) -> None:
    x_max = choose_range(_tapeout, mine)
    assert low <= x_max <= high
    assert Decimal("0.2") <= mine / x_max <= Decimal("0.85")  # the user's point is well inside the plot


def test_curve_of_a_threshold_rule_starts_at_zero() -> None:
    def run(x: Decimal) -> Decimal:
        res = calculators.run_calculator("eda_rnd_subsidy", {"rd_investment_yuan": x})
        return res.max_subsidy_yuan if res.eligible else Decimal(0)

    curve = sample(run, Decimal(150_000_000))
    assert [t.x for t in curve.thresholds] == [Decimal(10_000_000)]  # 1000万元以上 includes 1000万
    assert curve.thresholds[0].y_before == 0


def test_spend_field_is_first_money_field() -> None:
    specs = field_specs(calculators.get_calculator("data_trading_subsidy").input_model)
    assert spend_field(specs).name == "annual_volume_yuan"
    assert spend_field(field_specs(calculators.get_calculator("talent_award").input_model)) is None


@pytest.mark.parametrize(
    ("query", "section", "unit", "first", "count"),
    [
        ("算力券", "全部", "全部", "m6", 1),
        ("第3条", "全部", "全部", "m3", None),
        ("", "全部", "人才办", "m18", 1),
        ("", "（二）建设算力支撑体系", "全部", "m5", 2),
        ("EDA 签核", "全部", "全部", "m2", 1),
        ("算力券", "全部", "人才办", None, 0),
    ],
)
def test_clause_search(corpus, lexicon, query, section, unit, first, count) -> None:
    hits = search_clauses(corpus, FakeRetriever(corpus), query, section, unit, lexicon)
    assert (hits[0].clause.id if hits else None) == first
    if count is not None:
        assert len(hits) == count


@pytest.fixture(scope="module")
def lexicon(corpus):
    return pack_lexicon(corpus)


def test_clause_search_uses_the_pack_lexicon_and_reports_words_to_highlight(corpus, lexicon) -> None:
    hits = search_clauses(corpus, FakeRetriever(corpus), "房租", "全部", "全部", lexicon)
    ids = [h.clause.id for h in hits]
    assert ids[0] == "m10" and "m16" in ids  # 第16条 speaks of 场租费, the lexicon's word for venue rent
    m16 = next(h for h in hits if h.clause.id == "m16")
    assert "场租费" in m16.words
    assert "<mark>场租费</mark>" in highlight(m16.clause.text, m16.words)


def test_highlight_escapes_and_marks_every_occurrence() -> None:
    assert highlight("a<b>EDA与eda", ("eda",)) == "a&lt;b&gt;<mark>EDA</mark>与<mark>eda</mark>"


def test_chat_renders_answer_then_collapsed_verbatim_citation(settings, corpus) -> None:
    svc = Services(settings, FakeEngine(corpus))
    _, history, session = respond(svc, "流片", [], None)
    assert history[0] == {"role": "user", "content": "流片"}
    (reply,) = history[1:]
    assert reply["content"].startswith("回答：流片")
    assert "<summary>依据：杭高新〔2024〕7号 第3条（加大流片支持） [m3]</summary>" in reply["content"]
    assert "首次流片费用 1000 万元以下的" in reply["content"]  # the whole clause, quote in bold
    _, history, session2 = respond(svc, "再问", history, session)
    assert session2 == session and svc.engine().calls[-1] == ("再问", session)


def test_chat_puts_the_amount_first_and_large(settings, corpus) -> None:
    engine = FakeEngine(corpus)
    engine.enqueue(total_max_subsidy_yuan="2400000", answer="按第3条测算，最高可获 240万元。")
    _, history, _ = respond(Services(settings, engine), "首次流片800万", [], None)
    content = history[1]["content"]
    assert content.startswith('<div class="pb-amount">最高可获 <strong>240万元</strong>')
    assert content.index("240万元") < content.index("按第3条测算")


def test_answer_messages_without_citations(settings, corpus) -> None:
    svc = Services(settings, FakeEngine(corpus))
    assert answer_messages({"answer": "好", "citations": []}, svc) == [{"role": "assistant", "content": "好"}]


def test_clearing_starts_a_new_session() -> None:
    assert new_conversation() == ("", [], None)


def test_a_conversation_whose_session_was_lost_says_so(settings, corpus) -> None:
    """After a server restart the page still shows the conversation but the session state is gone."""
    engine = FakeEngine(corpus)
    engine.enqueue(status="not_covered", answer="抱歉，这个问题不在我能解答的范围内。")
    shown = [{"role": "user", "content": "首次流片800万"}, {"role": "assistant", "content": "240万元"}]
    _, history, session = respond(Services(settings, engine), "那如果是1500万呢", shown, None)
    assert history[-1]["content"] == SESSION_LOST and SESSION_LOST.startswith("会话已过期，请重新描述")
    assert session  # the next message continues the new session
    engine.enqueue(total_max_subsidy_yuan="1800000", answer="最高可获 180万元。")
    _, history, _ = respond(Services(settings, engine), "首次流片1200万", shown, None)
    assert "会话已过期，已为您开启新的会话" in history[-1]["content"] and "180万元" in history[-1]["content"]
