"""Property: a message that states one real fee among other figures (hearsay, revenue, capital, headcount,
dates, a claimed amount, a budget beside the actual cost) is never answered with more than the policy gives
for that fee alone — and, when each other figure stands in its own clause, with exactly that amount."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.nlu.normalize import normalize
from bot.tools.calls import ToolCall

# (how the user states the fee, the calculator, its arguments for a fee in yuan)
FEES = [
    ("首次流片花了{w}万", "first_tapeout_subsidy", lambda y: {"fees_yuan": [y]}),
    ("买EDA工具花了{w}万", "eda_purchase_subsidy", lambda y: {"ordinary_costs_yuan": [y]}),
    ("购买IP做关键芯片研发，IP费用{w}万", "ip_purchase_subsidy", lambda y: {"ip_costs_yuan": [y]}),
    (
        "在杭州人工智能计算中心买算力，合同{w}万",
        "compute_voucher_subsidy",
        lambda y: {"contract_amounts_yuan": [y]},
    ),
]
DISTRACTORS = [
    "听说最高能补{w}万",
    "去年营收{w}万",
    "注册资本{w}万",
    "团队{n}个人",
    "员工{n}人",
    "公司{y}年成立",
    "A轮融了{w}万",
    "同行说他们拿了{w}万",
    "是不是能拿{w}万",
    "立项预算{w}万",
    "净利润{w}万",
]
QUESTIONS = ["能补多少", "最多补多少？", "补贴多少", "能拿多少钱"]

wan = st.integers(min_value=1, max_value=9000)


@st.composite
def messages(draw: st.DrawFn) -> tuple[str, str, dict, bool]:
    template, tool, args = draw(st.sampled_from(FEES))
    fee = draw(wan)
    parts = [template.format(w=fee)]
    for distractor in draw(st.lists(st.sampled_from(DISTRACTORS), min_size=1, max_size=4)):
        text = distractor.format(w=draw(wan), n=draw(st.integers(2, 900)), y=draw(st.integers(2015, 2025)))
        parts.insert(draw(st.integers(0, len(parts))), text)
    own_clauses = draw(st.booleans())
    joined = "，".join(parts) if own_clauses else " ".join(parts)
    return joined + "，" + draw(st.sampled_from(QUESTIONS)), tool, args(Decimal(fee) * 10000), own_clauses


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=messages())
def test_other_figures_never_raise_the_amount(engine, case) -> None:  # type: ignore[no-untyped-def]
    text, tool, args, own_clauses = case
    ceiling = engine.executor.run_all([ToolCall(tool, args)])[0].result.max_subsidy_yuan
    plan = engine.router.decide(normalize(text))
    outcomes = engine.executor.run_all(plan.calculator_calls)
    total = sum((o.result.max_subsidy_yuan for o in outcomes if o.ok and o.result.eligible), Decimal(0))
    assert total <= ceiling, (text, total, ceiling)
    if own_clauses:
        assert total == ceiling, (text, total, ceiling)
