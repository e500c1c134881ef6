"""Conditions with polarity: whether the user says a rule's condition is met, not met, or says nothing.

A positive phrasing means met unless a negation word comes right before it ("不是首次流片"); a negative
phrasing means not met unless itself negated; for affiliation conditions a relation word (子公司、股东、
同一集团…) means not met unless negated ("不是我们的子公司"). When the user says both, the disqualifier
wins: a stated fact that fails the condition is never overridden by a default or another phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.nlu.lang import Language
from bot.nlu.spans import Hit, Layout, find_words
from bot.packs.vocabulary import ConditionSpec, RuleSpec

MET, NOT_MET = "met", "not_met"
# Words that may stand between a negation and its phrase: "没有任何股权关系", "不是我们的子公司".
_FILLERS = (
    "任何",
    "什么",
    "啥",
    "过",
    "我们的",
    "我们",
    "我司的",
    "我司",
    "他们的",
    "它的",
    "一点",
    "的",
    "是",
    "都",
    "也",
    "有",
    "在",
    "从",
    "用",
    "找",
    "跟",
    "和",
    "与",
    "正式",
    "对外提供",
    "对外",
    "提供",
    "走",
    "走过",
    "履行",
    "经过",
    "按规定",
    "办理",
    "进行",
    "从事",
    "做",
)


@lru_cache(maxsize=4)
def _fillers(extra: tuple[str, ...]) -> tuple[str, ...]:
    """The fillers with the language's own (bot/nlu/zh.yaml negation_fillers), longest first ("从事" before "从")."""
    return tuple(sorted({*_FILLERS, *extra}, key=len, reverse=True))


# A noun coordinated before the phrase stays under a verb's negation: "没有任何股权或关联关系" (not under the
# prefix 非: "非关联、自研" lists two attributes).
_COORDINATED = re.compile(r"^[\u4e00-\u9fff]{1,4}?(?:或者|或|和|及|与)")
# A place or an office reached by a motion verb stays under the negation of the act done there: "没去区里走事前
# 报批", "没到经信局办理备案", "未向主管部门报批".
# So does the office owning the procedure ("没走区里的审批流程"), and the motion verb alone ("没有提前去备案报批").
_ROUTED = re.compile(
    r"^(?:(?:去|到|向|找|跟)(?:[\u4e00-\u9fff]{0,4}?(?:里|那里|那边|这边|局|部门|窗口|政府))?"
    r"|[\u4e00-\u9fff]{0,4}?(?:里|那里|那边|这边|局|部门|窗口|政府)的)"
)


@dataclass(frozen=True)
class Signal:
    """One phrase of the user's about a condition, with its polarity."""

    met: bool
    start: int
    end: int
    said: str


@dataclass(frozen=True)
class Stated:
    """What the user said about one condition: met or not, the words that decided, and every signal."""

    name: str
    met: bool
    said: str
    signals: tuple[Signal, ...]


def negated(text: str, start: int, lang: Language, window: int = 14) -> bool:
    """Is the phrase at `start` negated: a negation word right before it, fillers allowed in between?"""
    return negation_at(text, start, lang, window) is not None


def negation_at(text: str, start: int, lang: Language, window: int = 14) -> int | None:
    """Where the negation of the phrase at `start` begins ("没来得及提前去经信局报批": at 没), if it is negated."""
    lo = max(0, start - window)
    for stop in "，,；;。！!？?":
        cut = text.rfind(stop, lo, start)
        lo = max(lo, cut + 1)
    before = text[lo:start]
    fillers = _fillers(lang.negation_fillers)
    for m in lang.negation.finditer(before):
        rest = before[m.end() :]
        while rest:
            filler = next((f for f in fillers if rest.startswith(f)), None)
            joined = None
            if filler is None and m.group() != "非":
                joined = _COORDINATED.match(rest) or _ROUTED.match(rest)
            if filler is not None:
                rest = rest[len(filler) :]
            elif joined is not None:
                rest = rest[joined.end() :]
            else:
                break
        if rest:
            continue
        at = lo + m.start()
        around = (text[at : start + 3], text[max(0, at - 1) : start + 3])
        if not any(a.startswith(w) for a in around for w in lang.not_negation):
            return at
    return None


def _signals(text: str, spec: ConditionSpec, lang: Language) -> list[Signal]:
    """Every phrasing of the condition in the text, longest first where they overlap ("不存在投资关联"
    is one positive phrase, not a negative "投资关联"), then relation words outside them."""
    words = [("neg", w) for w in spec.negative] + [("pos", w) for w in spec.positive]
    out: list[Signal] = []
    taken = find_words(text, words)
    taken = [h for h in taken if not lang.detached_after.match(text, h.end)]
    # "股东2024年就已全部退出了那家公司": a relation that has ended says nothing against the condition.
    taken = [h for h in taken if not (h.key == "neg" and lang.severed_after.match(text, h.end))]
    # "我们集团里是有关联企业，但这次的供应商跟我们没有任何关联": a relation word describing the user's own group
    # says nothing about the counterparty (as for the relation words below).
    if spec.relation:
        taken = [h for h in taken if not (h.key == "neg" and _describes_user(text, h.start, lang))]
    for hit in taken:
        at = negation_at(text, hit.start, lang)
        if (
            at is not None and hit.key == "pos"
        ):  # "没来得及提前去经信局报批": what the user said is the denial
            out.append(Signal(False, hit.start, hit.end, text[at : hit.end]))
        else:
            out.append(Signal(at is not None if hit.key == "neg" else True, hit.start, hit.end, hit.word))
    affirmed = any(s.met for s, h in zip(out, taken, strict=True) if h.key == "pos")
    for hit in find_words(text, [("broader", w) for w in spec.broader]) if not affirmed else []:
        # "没用外面任何算力平台": the kind denied, and with it the one thing of that kind the condition asks for.
        if not _inside(hit, taken) and negated(text, hit.start, lang):
            out.append(Signal(False, hit.start, hit.end, hit.word))
            taken.append(hit)
    for m in _another(lang.indefinite, tuple(spec.others)).finditer(text) if spec.others else ():
        # "租的是一家上海算力公司的GPU集群": another one of the kind the condition names one of.
        hit = Hit("other", m.start(), m.end(), m.group())
        if not _inside(hit, taken) and not _describes_user(text, hit.start, lang):
            out.append(Signal(negated(text, hit.start, lang), hit.start, hit.end, hit.word))
            taken.append(hit)
    if spec.recency:
        for m in lang.tenure.finditer(text):
            hit = Hit("tenure", m.start(), m.end(), m.group())
            if not _inside(hit, taken):
                out.append(Signal(negated(text, hit.start, lang), hit.start, hit.end, hit.word))
                taken.append(hit)
    if spec.repeated:
        for m in _repetition(lang.repetition, tuple(spec.repeated)).finditer(text):
            hit = Hit("repeated", m.start(), m.end(), m.group())
            # "之前从来没流过": the repetition denied inside its own words.
            denied = negated(text, hit.start, lang) or bool(lang.negation.search(text, m.start(), m.end()))
            if not _inside(hit, taken):
                out.append(Signal(denied, hit.start, hit.end, hit.word))
                taken.append(hit)
    for m in _alternation(tuple(spec.done)).finditer(text) if spec.done else ():
        hit = Hit("done", m.start(), m.end(), m.group())
        if not _inside(hit, taken):
            denied = negated(text, hit.start, lang) or bool(lang.negation.search(text, m.start(), m.end()))
            out.append(Signal(not denied, hit.start, hit.end, hit.word))
            taken.append(hit)
    if spec.relation:
        for m in lang.relation.finditer(text):
            hit = Hit("rel", m.start(), m.end(), m.group())
            if lang.severed_after.match(text, m.end()):
                continue  # "股东已全部退出": a relation that has ended
            if _describes_user(text, m.start(), lang):
                continue  # "我们是集团在滨江的子公司": who the user is, not who it buys from
            if not _inside(hit, taken):
                out.append(Signal(negated(text, hit.start, lang), hit.start, hit.end, hit.word))
                taken.append(hit)
    if spec.subject and lang.subjects and spec.subject in lang.subjects:
        industry = [w.lower() for w in (spec.industry or spec.positive)]
        for m in lang.subjects[spec.subject].finditer(text):
            # The description: group `what`, or another named group of the pattern that matched ("我司主营跨境物流").
            group = next(g for g, v in m.groupdict().items() if v is not None) if m.groupdict() else "what"
            said = what = m.group(group)
            # The 的 closing a description ("主业是做跨境电商ERP软件的") starts nothing.
            body = what[:-1] if what.endswith("的") else what
            cuts = list(lang.subject_start.finditer(body)) if lang.subject_start else []
            what = what[cuts[-1].end() :] if cuts else what
            at = m.start(group) + (cuts[-1].end() if cuts else 0)
            hit = Hit("subject", at, m.end(), text[at : m.end()])
            if _inside(hit, taken) or negated(text, at, lang):
                continue
            # "办了场AI开发者大会": the industry is looked for in the whole description.
            if any(w in said.lower() for w in industry):
                out.append(Signal(True, hit.start, hit.end, hit.word))
            elif len(what) >= 2:
                out.append(Signal(False, hit.start, hit.end, hit.word))
    return sorted(out, key=lambda s: s.start)


@lru_cache(maxsize=32)
def _another(determiners: str, heads: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(f"(?:{determiners})[^，,。；;]{{0,10}}?(?:{'|'.join(map(re.escape, heads))})", re.I)


@lru_cache(maxsize=32)
def _alternation(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@lru_cache(maxsize=32)
def _repetition(template: str, verbs: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(template.replace("{act}", "|".join(verbs)))


def _describes_user(text: str, at: int, lang: Language) -> bool:
    start, _ = Layout.of(text).clause_span(at)
    before = text[start:at]
    return bool(lang.self_described.search(before)) and not lang.counterparty.search(before)


def _inside(hit: Hit, taken: list[Hit]) -> bool:
    return any(t.start <= hit.start < t.end or hit.start <= t.start < hit.end for t in taken)


def stated(text: str, rule: RuleSpec, lang: Language) -> dict[str, Stated]:
    """Every condition of the rule the message says something about."""
    out: dict[str, Stated] = {}
    for name, spec in rule.conditions.items():
        signals = _signals(text, spec, lang)
        if not signals:
            continue
        signals = [s for s in signals if s.met or not _superseded(text, s, signals, lang)]
        failing = [s for s in signals if not s.met]
        decisive = failing[0] if failing else signals[0]
        out[name] = Stated(name, not failing, decisive.said, tuple(signals))
    return out


def _superseded(text: str, signal: Signal, signals: list[Signal], lang: Language) -> bool:
    """ "以前自己买GPU卡，现在全部改用杭州人工智能计算中心": a failing statement the user replaces with a later met one
    (a word of change between them, zh.yaml superseded_by) is no longer the fact."""
    return any(
        s.met and s.start > signal.end and lang.superseded_by.search(text, signal.end, s.start)
        for s in signals
    )


def argument(spec: ConditionSpec, met: bool) -> bool:
    """The calculator argument for a condition: its value, or the opposite when the parameter is inverted."""
    return not met if spec.invert else met
