"""What kind of question a reading asks: in the document's scope or not, about another jurisdiction,
from an enterprise outside the area, wanting an amount or the rule's wording, explaining the last answer."""

from __future__ import annotations

import re
from typing import Any

from bot.decide.frame_cache import frame_of
from bot.nlu.figure import BOUND, CLAIM, HEARSAY, OWN_RESULT, QUOTED_CAP
from bot.nlu.mentions import MONEY
from bot.nlu.reading import Reading
from bot.nlu.spans import Layout
from bot.packs.vocabulary import RuleSpec, Vocabulary

_OVERVIEW_ASK = re.compile(
    r"(哪些|什么|啥)(样的)?(补贴|政策|支持|扶持|奖励|优惠|资金)|(能|可以)(申请|享受)(哪些|什么|啥)"
)
_WHO_ASKS = re.compile(r"公司|企业|单位|初创|我们|做.{1,10}的")
# Words that point at the document being talked about ("这个政策", "本文件"): in scope without subject words.
_THIS_DOCUMENT = re.compile(
    r"(这个|本|该|此|这份|这项|你们这个|这些)(政策|文件|规定|办法|通知)|政策的|条款|第.{1,3}条|附则"
)
ISSUER = re.compile(r"发的|发布|印发|发文|出台|制定")
CAP_QUESTION = re.compile(r"最高|最多|封顶|上限|顶格")
_WHICH_TIER = re.compile(r"(算|属于|按|适用|归)(哪|哪一|那一)档|哪档")
# Words of any subsidy policy; with no subject of their own they ask about this document.
_POLICY_WORDS = re.compile(r"补贴|补助|奖励|资助|扶持|支持|贴息|补偿|配套|资金|政策|优惠|申报|申请")
# Words between a subject and the policy word ("生物医药企业有什么扶持政策"): not part of the subject.
_FILLER = re.compile(
    r"(有什么|有哪些|有没有|有啥|能不能|可以|可不可以|能|的|怎么|如何|申请|享受|领|拿|企业|公司|行业|产业|项目|相关|方面|类)+$"
)
_OURS = re.compile(r"区里|区内|本区|我区|区级|这边|这里|咱们这|我们这")
_SELF = re.compile(
    r"我们|我司|我公司|本公司|咱们|这个|本|该|此|这份|这些|那个|哪些|什么|区里|区内|我区|区级|区上|区政府"
)


def foreign_subject(text: str, vocab: Vocabulary) -> bool:
    """A policy question whose subject is something this document does not cover ("光伏发电有什么补贴")."""
    m = _POLICY_WORDS.search(text)
    if m is None:
        return False
    head = re.split(r"[，,。；;？?！!]|\.\s", text[: m.start()])[-1]
    subject = _FILLER.sub("", head).strip()
    if len(re.findall(r"[\u4e00-\u9fff]", subject)) < 2 or _SELF.search(subject):
        return False
    for name in sorted(vocab.document.jurisdiction, key=len, reverse=True):
        subject = subject.replace(name, "")  # "this 滨江 policy": the jurisdiction is no subject
    if len(re.findall(r"[\u4e00-\u9fff]", subject)) < 2:
        return False
    return not vocab.domain_regex.search(subject)


def in_scope(reading: Reading) -> bool:
    """About this document: its subject words, its annexes, its parts, or the document itself; or a
    question about subsidies that names no other subject ("补贴资金里包括省市的钱吗")."""
    vocab, text = reading.vocabulary, reading.text
    if vocab.domain_regex.search(text) or _THIS_DOCUMENT.search(text) or reading.zone_denied:
        return True
    if any(a.asked(text) for a in vocab.spec.annexes) or any(p.named(text) for p in vocab.spec.named_parts):
        return True
    if any(w in text for w in vocab.spec.document_questions):
        return True
    return bool(_POLICY_WORDS.search(text)) and not foreign_subject(text, vocab)


def other_policy(reading: Reading) -> str:
    """The other jurisdiction whose policy the question is about (and not about combining it with ours)."""
    place = reading.places.other_policy
    if place is None:
        return ""
    _, end = Layout.of(reading.text).sentence_span(place.start)
    if reading.money_inputs and reading.lang.deferred.search(reading.text, place.end, end):
        return ""  # "杭州市级的算力券政策我们后面再问，先算区里这条：…160万": this policy's amount asked now
    combining = reading.vocabulary.annex("combining")
    # "省里给了…区里还能再拿吗" combines with ours; "省级层面还有没有补贴可以再拿？比例多少" asks the province's.
    ours = any(p.ours for p in reading.places.items) or _OURS.search(reading.text)
    return "" if combining is not None and combining.asked(reading.text) and ours else place.name


# "滨江2023年那个数字经济发展办法里…": a document named by its year and kind (办法、意见…), quoted from.
_DATED_DOCUMENT = re.compile(
    r"(?:19|20)(\d{2})\s*年?(?:的|出台的|发的|印发的|那个|那份|那版|那一版|版)?[^，,。；;？?！!\d]{0,16}?"
    r"(?:办法|意见|规划|条例|通知|细则|方案|措施)(?=里|中|上|规定|提到|说)"
)


def unloaded_document(reading: Reading, years: set[int]) -> str:
    """The document a question quotes from, named by a year no loaded document has (none of ours), or ""."""
    m = _DATED_DOCUMENT.search(reading.text)
    if m is None or 2000 + int(m.group(1)) in years or 1900 + int(m.group(1)) in years:
        return ""
    repeal = reading.vocabulary.annex("repeal")
    if repeal is not None and repeal.asked(reading.text):
        return ""  # the document this one repealed: the repeal annex answers
    return m.group()[:40]


def outside(reading: Reading) -> str:
    """Where the user's enterprise is, when it says it is outside the jurisdiction."""
    place = reading.places.outside
    if place is not None:
        return place.name
    # "不在外地，就在高新区（滨江）": a place inside said for the enterprise outweighs any 外地 phrase.
    inside = reading.places.moved_in or reading.places.inside
    return "区外" if reading.zone_denied and not inside else ""


def asks_overview(reading: Reading, topic: RuleSpec | None) -> bool:
    text = reading.text
    if not _OVERVIEW_ASK.search(text) or reading.inputs:
        return False
    return topic is None or bool(_WHO_ASKS.search(text))


def explains(reading: Reading, topic: RuleSpec | None, batch_tools: set[str]) -> bool:
    """ "这是按哪条算的", "能把算式列一下吗", "怎么花得多反而补得少": explain the last calculation; so does
    checking a figure against it ("同事说能补到120万，对吗", "我们测算出来是130万，差在哪"): every figure is
    hearsay or a claimed result."""
    if topic is not None and topic.tool not in batch_tools:
        return False
    # A tier of the rule said with the claim ("超过1000万的按30%算能拿324万，对吗") is part of it, not a fact.
    money = [
        f for f in reading.figures if f.mention.kind == MONEY and not (f.role == BOUND and f.label == "tier")
    ]
    results = all(
        (f.role in (HEARSAY, CLAIM) and f.label != QUOTED_CAP) or _no_money_input(reading, f) for f in money
    )
    # "我们自己算的是120万，哪里不对？": any question about the user's own result checks it against the last one.
    # "你算错了吧，260的一半是130万啊": so does saying the last result is wrong with one's own.
    own = (reading.is_question or reading.act("challenge")) and any(f.label == OWN_RESULT for f in money)
    tagged = bool(reading.lang.tag_question.search(reading.text))
    checks = bool(money) and results and (reading.yes_no or own or tagged)
    # "营收不算进去吗？", "注册资本不考虑吗": a figure the last answer left unused, asked about by its label.
    unused = not money and reading.is_question and _names_not_input(reading)
    return reading.act("explain") or checks or unused


def _names_not_input(reading: Reading) -> bool:
    lang = reading.lang
    cues = [c for rc in lang.not_inputs if not rc.fallback for c in rc.cues]
    return any(c in reading.text for c in cues + [c for rc in lang.count_not_inputs for c in rc.cues])


def _no_money_input(reading: Reading, figure: Any) -> bool:
    """ "财务说行业标准那项只有5万，是吗": an amount for a rule that takes no amount is a result being checked."""
    rule = reading.vocabulary.rule(figure.rule) if figure.rule and not figure.used else None
    return rule is not None and bool(rule.tool) and not takes_money(rule)


def takes_money(rule: RuleSpec) -> bool:
    """The rule's calculator takes an amount of money (not only choices, items or conditions)."""
    return any(s.kind in ("money", "money_list") for s in rule.slots.values())


def about_context(reading: Reading) -> bool:
    """A question about the rule being talked about, naming no rule ("一家企业一年封顶多少")."""
    lang, text = reading.lang, reading.text
    if not reading.is_question and not reading.yes_no:
        return False
    if lang.acts["deictic"].search(text) or reading.act("vary"):
        return True  # "这个补贴是每年都能申请还是一次性的", "那1000万以下的呢": the rule talked about
    return bool(lang.asks_rule.search(text) or CAP_QUESTION.search(text) or lang.asks_amount.search(text))


def complete(rule: RuleSpec, args: dict[str, Any]) -> bool:
    """Every required argument of the rule's calculator is given."""
    from bot.tools.executor import missing_fields

    return bool(rule.tool) and not missing_fields(str(rule.tool), args)


def slot_values(args: dict[str, Any], rule: RuleSpec) -> dict[str, Any]:
    """The arguments that are slots (figures, dates, choices), not conditions."""
    return {k: v for k, v in args.items() if k in rule.slots}


def wants_amount(reading: Reading, topic: RuleSpec) -> bool:
    """A calculation is wanted, not the rule's wording or a yes/no on eligibility."""
    lang, text = reading.lang, reading.text
    inputs = [f for f in reading.inputs if f.rule == topic.id or f.rule is None]
    frame = frame_of(reading, topic)
    slots = slot_values(frame.args, topic)
    if reading.yes_no and "多少" not in text:
        return _yes_no_wants(reading, topic, frame, slots)
    if _WHICH_TIER.search(text) and not (inputs and lang.asks_amount.search(text)):
        return (
            False  # "正好1000万算哪档": a question about the rule's tiers ("…按哪档算？能补多少" asks both)
        )
    if inputs:
        return True
    if any(topic.slots[k].kind == "enum" for k in slots) and complete(topic, frame.args):
        return True  # "应用成果第一档": the choice alone decides the award
    own = lang.first_person.search(text) and not lang.hearsay.search(text)
    if own and any(topic.slots[k].kind == "items" for k in slots) and complete(topic, frame.args):
        return True  # "我们参与制定的一项国家标准已经发布，这个奖励是多少": the user's own items decide the award
    if own and not takes_money(topic) and complete(topic, frame.args) and lang.asks_amount.search(text):
        return (
            True  # "我们新引进的一位人才入选了…，两项奖励分别是多少": a fixed award for the user's own facts
        )
    if not reading.is_question and topic.tool and slots:
        return True  # a statement of facts ("浙江制造标准主导一项") asks for the calculation
    if CAP_QUESTION.search(text):
        # "最高补多少": for a rate-and-cap rule the cap is the answer; a fixed award is computed.
        return not takes_money(topic) and bool(topic.tool)
    return bool(lang.asks_amount.search(text)) and not lang.asks_rule.search(text)


def _item_fails(args: dict[str, Any]) -> bool:
    """An item the message says fails its own flag ("参与了一个行业标准 还没发布")."""
    return any(
        isinstance(v, list) and any(isinstance(i, dict) and False in i.values() for i in v)
        for v in args.values()
    )


def _yes_no_wants(reading: Reading, topic: RuleSpec, frame: Any, slots: dict[str, Any]) -> bool:
    """ "首次流片800万能申请吗" computes; "第二次流片还能申请吗" is answered from the clause; "能先拿100万吗"
    with the facts complete and a disqualifier stated is answered by the calculation."""
    money = [f for f in reading.inputs if f.mention.kind == "money" and f.rule in (topic.id, None)]
    if money and not reading.lang.threshold_talk.search(reading.text):
        return True
    claimed = any(f.role == "claim" for f in reading.figures)
    failing = any(not c.met for c in frame.conditions.values()) or _item_fails(frame.args)
    return bool(slots) and complete(topic, frame.args) and (claimed or failing)


def asked_in(reading: Reading, annex: Any) -> bool:
    """Some word of the annex is in a clause of the message that asks something."""
    layout = Layout.of(reading.text)
    return any(
        reading.lang.question.search(reading.text, *layout.clause_span(m.start()))
        for m in annex.regex.finditer(reading.text)
    )
