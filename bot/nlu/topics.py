"""Which policy rule a question is about, and how its facts become a calculator's arguments."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.nlu.extract import Facts, net_of_parts, roles
from bot.nlu.references import chinese_number

Args = dict[str, Any]


@dataclass(frozen=True)
class Topic:
    """A rule the router recognises: its calculator (None when the policy sets no number) and clause."""

    name: str
    clause_id: str
    pattern: re.Pattern[str]
    tool: str | None = None


def _t(name: str, clause_id: str, pattern: str, tool: str | None = None) -> Topic:
    return Topic(name, clause_id, re.compile(pattern, re.I), tool)


# Most specific first: the first match wins.
TOPICS: tuple[Topic, ...] = (
    _t(
        "eda_rnd",
        "m2",
        r"EDA.{0,12}(攻关|研发投入|自主研发|研发费用)|(攻关|研发投入).{0,8}EDA",
        "eda_rnd_subsidy",
    ),
    _t("eda_purchase", "m2", r"签核|EDA|芯片设计软件|设计工具", "eda_purchase_subsidy"),
    _t("ip_purchase", "m2", r"(?<![a-z])IP(?![a-z])", "ip_purchase_subsidy"),
    _t("tapeout", "m3", r"流片|tape-?out", "first_tapeout_subsidy"),
    _t("equipment_rnd", "m4", r"核心设备|关键材料|(设备|材料).{0,6}研发投入", "equipment_rnd_subsidy"),
    _t(
        "chip_machine_chip",
        "m12",
        r"(芯机联动|采购|试用|购买|买).{0,16}(芯片|模组)|(芯片|模组).{0,4}采购",
        "chip_machine_chip_subsidy",
    ),
    _t(
        "chip_machine_equipment",
        "m12",
        r"芯机联动|(采购|试用|购买|买).{0,16}(设备|材料)|(设备|材料).{0,4}采购",
        "chip_machine_equipment_subsidy",
    ),
    _t("m5", "m5", r"智算中心|边缘|算力基础设施|算网|算力中心建设"),
    _t("compute", "m6", r"算力|计算中心", "compute_voucher_subsidy"),
    _t("data_trading", "m7", r"交易平台|交易额|数商|交易场所|交易所|运营补贴", "data_trading_subsidy"),
    _t("dataset", "m8", r"数据集|资源库|流通收益", "dataset_circulation_reward"),
    _t("cyber", "m9", r"网络安全|网安|保费|保险", "cyber_insurance_subsidy"),
    _t("ic_platform", "m11", r"公共技术平台|技术平台", "ic_platform_subsidy"),
    _t("voucher", "m11", r"创新券|技术服务合同", "innovation_voucher_subsidy"),
    _t("ai_platform", "m15", r"场景化|开放服务平台|场景.{0,4}平台", "ai_scene_platform_subsidy"),
    _t("ai_award", "m15", r"应用成果|未来工厂|标杆企业", "ai_achievement_award"),
    _t("high_platform", "m16", r"高能级|(国家级|省级|市级|区级).{0,6}平台", "high_level_platform_subsidy"),
    _t("event", "m16", r"交流活动|论坛|展会|峰会|场租|办活动|举办", "event_venue_subsidy"),
    _t("loan", "m17", r"贷款|贴息|LPR|利息", "lpr_interest_subsidy"),
    _t("m10", "m10", r"房租|芯火|租金|办公用房"),
    _t("talent", "m18", r"人才", "talent_award"),
    _t("quality", "m19", r"质量奖", "quality_award"),
    _t("standards", "m19", r"(国际|国家|行业|浙江制造)标准|标准(的)?(制定|起草)", "standards_award"),
    _t("m1", "m1", r"配套资金|重大项目|技术攻关|攻关任务"),
    _t("m13", "m13", r"鸿蒙|鲲鹏|昇腾|欧拉|昇思|适配中心|原生应用"),
    _t("m14", "m14", r"模型券|基础模型|大模型|专用模型|模型"),
)


def find_topic(text: str) -> Topic | None:
    return next((t for t in TOPICS if t.pattern.search(text)), None)


def sole_tool(clause_id: str) -> str | None:
    """The calculator of a clause holding exactly one calculable rule (m4, m6 ...), else None."""
    tools = {t.tool for t in TOPICS if t.clause_id == clause_id and t.tool}
    return tools.pop() if len(tools) == 1 else None


def topic_by_tool(tool: str) -> Topic | None:
    return next((t for t in TOPICS if t.tool == tool), None)


def _flag(facts: Facts, flag: str, arg: str, invert: bool = False) -> Args:
    if flag not in facts.flags:
        return {}
    return {arg: facts.flags[flag] != invert}


def _money(facts: Facts, arg: str, exclude: tuple[str, ...] = ()) -> Args:
    values = facts.money(exclude)
    return {arg: values} if values else {}


def _one(facts: Facts, arg: str, exclude: tuple[str, ...] = ()) -> Args:
    values = facts.money(exclude)
    return {arg: sum(values)} if values else {}


# Each EDA amount goes with the kind written next to it: "签核中心EDA 200万，另外普通EDA 600万".
_EDA_KINDS = {
    "signoff_center_costs_yuan": r"(?<!非)(?<!不是)签核",
    "ordinary_costs_yuan": r"普通|一般|其他|其余|常规|非签核|不是签核",
}


def _eda_purchase(f: Facts, text: str) -> Args:
    amounts = f.inputs
    args: Args = {}
    values = net_of_parts(text, amounts)
    found = roles(text, amounts, _EDA_KINDS)
    # An amount no kind is written next to is ordinary EDA when others are marked (签核 must be said).
    signoff = f.flags.get("signoff") and not any(found)
    default = "signoff_center_costs_yuan" if signoff else "ordinary_costs_yuan"
    kinds = [kind or default for kind in found]
    for i in range(1, len(kinds)):
        # "一共300万，其中签核中心的100万": what is left of the total is the other kind of EDA.
        if values[i - 1] != amounts[i - 1].value and kinds[i - 1] == kinds[i]:
            kinds[i - 1] = next(k for k in _EDA_KINDS if k != kinds[i])
    for value, kind in zip(values, kinds, strict=True):
        if value > 0:
            args.setdefault(kind, []).append(value)
    return args


_FIRST = re.compile(r"首次|第一次|头一次")
_TAPEOUT_KINDS = {
    "first": r"(?<!不是)(?<!非)(?:首次|第一次|头一次)",
    "repeat": r"不是首次|非首次|第[二两三四五六七八九]次|再次|又一次",
}


def _tapeout(f: Facts, text: str) -> Args:
    """Fees per product and whether they are first tape-outs; later tape-outs named next to a first
    one are left out ("首次流片1200万，另一次300万不是首次"), and "一共2000万，其中首次流片的1200万"
    counts only the first tape-out part."""
    amounts = f.inputs
    kinds = roles(text, amounts, _TAPEOUT_KINDS)
    mixed = "first" in kinds and "repeat" in kinds
    fees = []
    for i, value in enumerate(net_of_parts(text, amounts)):
        split = value != amounts[i].value and i + 1 < len(amounts)
        if split and _FIRST.search(text[amounts[i].end : amounts[i + 1].end]):
            if not _FIRST.search(text[: amounts[i].start]):
                continue  # the rest of the total is not a first tape-out
        if value > 0 and not (mixed and kinds[i] == "repeat"):
            fees.append(value)
    args: Args = {"fees_yuan": fees} if fees else {}
    return {**args, "is_first_tapeout": True} if mixed else {**args, **_flag(f, "first", "is_first_tapeout")}


def _data_trading(f: Facts) -> Args:
    args = _one(f, "annual_volume_yuan", exclude=("关联",))
    affiliated = f.money_with(("关联",))
    if affiliated:
        args["affiliated_volume_yuan"] = sum(affiliated)
    return args


def _count(f: Facts, arg: str) -> Args:
    return {arg: f.enterprises} if f.enterprises is not None else {}


def _high_platform(f: Facts) -> Args:
    args = _money(f, "actual_spending_yuan")
    for flag, level in (("national", "国家级"), ("provincial", "省级"), ("municipal_only", "市级")):
        if f.flags.get(flag):
            args["level"] = level
            break
    return args


def _loan(f: Facts) -> Args:
    args = _one(f, "principal_yuan")
    if f.term_months is not None:
        args["term_months"] = f.term_months
    elif f.term_days is not None:
        args["term_days"] = f.term_days
    if f.lpr_percent is not None:
        args["lpr_percent"] = f.lpr_percent
    if f.actual_rate_percent is not None:
        args["actual_rate_percent"] = f.actual_rate_percent
    if f.loan_date is not None:
        args["loan_date"] = f.loan_date
    if f.established_date is not None:
        args["established_date"] = f.established_date
    elif f.years_since_founding is not None:
        args["within_three_years"] = f.years_since_founding <= 3
    return args


_STANDARD = re.compile(r"(国际|国家|行业|浙江制造)标准")
_ROLE = re.compile(r"(主导|牵头|参与|参加)")
_LEAD = {"主导": "主导", "牵头": "主导", "参与": "参与", "参加": "参与"}
_COUNT = re.compile(r"(\d+|[一二两三四五六七八九十]+)\s*项")
# Role and count written after the standard: "国际标准主导1项", "浙江制造标准3项".
_AFTER_STANDARD = re.compile(
    r"\s*(?:(主导|牵头|参与|参加)(?:制定)?)?\s*(?:共|各)?\s*(?:(\d+|[一二两三四五六七八九十]+)\s*项)?"
)


def _standards(f: Facts, text: str) -> Args:
    """'主导1项国际标准，参与2项国家标准' / '参与浙江制造标准3项' → standard items with their roles."""
    items: list[dict[str, Any]] = []
    start = 0
    published = not re.search(r"(未|没有|还没|尚未)发布", text)
    for m in _STANDARD.finditer(text):
        after = _AFTER_STANDARD.match(text, m.end())
        before = text[start : m.start()]
        role_words = [after.group(1)] if after and after.group(1) else _ROLE.findall(before)
        role = "主导" if role_words and role_words[-1] in ("主导", "牵头") else "参与"
        counts = [after.group(2)] if after and after.group(2) else _COUNT.findall(before)
        n = max(1, min(chinese_number(counts[-1]) or 1, 20)) if counts else 1
        # "主导、参与制定国际标准各一项": one item for each role named.
        both = (
            "各" in text[start : after.end() if after else m.end()]
            and len(set(map(_LEAD.get, role_words))) > 1
        )
        for r in ("主导", "参与") if both else (role,):
            items += [{"level": f"{m.group(1)}标准", "role": r, "published": published}] * n
        start = after.end() if after else m.end()
    return {"standards": items} if items else {}


def _quality(f: Facts, text: str) -> Args:
    m = re.search(r"(国家|省|市|区)(级|政府|质量奖|的)", text)
    args: Args = {"level": m.group(1)} if m else {}
    if "提名" in text:
        args["status"] = "提名"
    return args


BUILDERS: dict[str, Callable[[Facts, str], Args]] = {
    "eda_rnd_subsidy": lambda f, t: {
        **_one(f, "rd_investment_yuan"),
        **_flag(f, "sales", "has_actual_sales"),
    },
    "eda_purchase_subsidy": _eda_purchase,
    "ip_purchase_subsidy": lambda f, t: _money(f, "ip_costs_yuan"),
    "first_tapeout_subsidy": _tapeout,
    "equipment_rnd_subsidy": lambda f, t: {
        **_one(f, "rd_investment_yuan"),
        **_flag(f, "sales", "has_actual_sales"),
    },
    "compute_voucher_subsidy": lambda f, t: _money(f, "contract_amounts_yuan"),
    "data_trading_subsidy": lambda f, t: _data_trading(f),
    "dataset_circulation_reward": lambda f, t: {
        **_money(f, "circulation_revenues_yuan"),
        **_count(f, "non_affiliated_users"),
    },
    "cyber_insurance_subsidy": lambda f, t: {
        **_money(f, "premiums_yuan"),
        **({"year": f.year} if f.year else {}),
    },
    "ic_platform_subsidy": lambda f, t: _one(f, "investment_yuan"),
    "innovation_voucher_subsidy": lambda f, t: {
        **_money(f, "contract_amounts_yuan"),
        **_flag(f, "investment_relation", "has_investment_relation"),
    },
    "chip_machine_equipment_subsidy": lambda f, t: {
        **_money(f, "purchase_amounts_yuan"),
        **_flag(f, "non_affiliated", "supplier_non_affiliated"),
    },
    "chip_machine_chip_subsidy": lambda f, t: {
        **_money(f, "purchase_amounts_yuan"),
        **_flag(f, "non_affiliated", "supplier_non_affiliated"),
    },
    "ai_scene_platform_subsidy": lambda f, t: {
        **_one(f, "investment_yuan"),
        **_count(f, "enterprises_served"),
    },
    "ai_achievement_award": lambda f, t: {"tier": f.tier} if f.tier else {},
    "high_level_platform_subsidy": lambda f, t: _high_platform(f),
    "event_venue_subsidy": lambda f, t: {
        **_money(f, "venue_rents_yuan"),
        **_flag(f, "prior_approval", "prior_approval"),
    },
    "lpr_interest_subsidy": lambda f, t: _loan(f),
    "talent_award": lambda f, t: {},
    "standards_award": _standards,
    "quality_award": _quality,
}


def build_args(tool: str, facts: Facts, text: str) -> Args:
    """Arguments for `tool` read from this message only (absent facts are left out, not guessed)."""
    builder = BUILDERS.get(tool)
    return builder(facts, text) if builder else {}
