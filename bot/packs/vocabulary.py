"""A pack's vocabulary.yaml: the words that name each rule, give figures their roles and conditions their
polarity, and route questions to the annexes — validated at load (Chinese errors naming file and field).

Like Rasa's domain: each rule declares its slots (with the cue words that map a figure to it) and its
conditions (positive and negative phrasings); the engine compiles them once and reads nothing else about
the policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.packs.corpus import PackError

SlotKind = Literal[
    "money", "money_list", "count", "percent", "year", "date", "term", "enum", "items", "basis_points"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _valid_regex(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"正则“{pattern}”无效：{exc}") from None
    return patterns


class FlagSpec(_Strict):
    """A yes/no fact of each item, read with polarity ("已发布", "还没正式发布", "尚在征求意见阶段")."""

    positive: list[str] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)


class ItemsSpec(_Strict):
    """Structured items (one per occurrence of a trigger value): e.g. standards with level and role."""

    trigger: str
    attributes: dict[str, dict[str, list[str]]]
    defaults: dict[str, Any] = Field(default_factory=dict)
    flags: dict[str, FlagSpec] = Field(default_factory=dict)
    count_unit: str = "项"


class DatedSpec(_Strict):
    """Several figures of one money slot, each with its own date before it ("2024年6月贷了300万、2025年1月
    200万"): the first fills the slot and `date`, the others become items {slot: amount, date: day} of `list`."""

    list: str
    date: str
    term: str | None = None  # each item's own term, when written after its amount ("300万期限6个月")


class SlotSpec(_Strict):
    kind: SlotKind
    cues: list[str] = Field(default_factory=list)
    excludes: list[str] = Field(default_factory=list)
    markers: list[str] = Field(default_factory=list)
    default: bool = False
    values: dict[str, list[str]] = Field(default_factory=dict)
    # The choice when every value the message says is denied ("不是国家级也不是省级的"), if the tool has one.
    otherwise: str | None = None
    items: ItemsSpec | None = None
    units: list[str] = Field(default_factory=list)  # counters a count must carry (家 for enterprises)
    dated: DatedSpec | None = None

    _markers_ok = field_validator("markers")(_valid_regex)


class ConditionSpec(_Strict):
    quote: str
    text: str = ""
    positive: list[str] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)
    relation: bool = False
    invert: bool = False
    items: str | None = None
    place: Literal["event", "users"] | None = None
    # A fact about the enterprise itself (集成电路企业, 网络安全服务企业): said once in a conversation, it holds
    # for every later calculation that has this condition.
    enterprise: bool = False
    # Asks for someone new (新引进): a tenure said for them ("2016年就加入公司", "老员工") fails it.
    recency: bool = False
    # Asks for the first time (首次流片): the act's verbs, as regexes; the act said as done again or before
    # (bot/nlu/zh.yaml `repetition`: "又流了一次", "之前投过一版") fails it.
    repeated: list[str] = Field(default_factory=list)
    # The act the condition asks for in the user's own short words, as regexes ("(事前|提前)…报": "事前没报",
    # "提前报过"): negated before or inside the words it fails the condition, said it holds.
    done: list[str] = Field(default_factory=list)
    # A condition on the kind of a subject the user describes (bot/nlu/zh.yaml `subjects`: the enterprise's
    # line of business, an event's theme): a description holding none of `industry` fails it.
    subject: Literal["enterprise", "event"] | None = None
    industry: list[str] = Field(default_factory=list)
    # The kinds of thing the positive is one of (杭州人工智能计算中心 is a 算力平台): denied ("没用外面任何算力平台"),
    # they fail the condition — unless the positive itself is affirmed ("自己没有算力平台，用的是计算中心").
    broader: list[str] = Field(default_factory=list)
    # Heads of a noun phrase for things of the positive's kind (算力公司, 云厂商): one with a determiner of
    # bot/nlu/zh.yaml `indefinite` ("租的是一家上海算力公司的集群", "某云厂商") is another than the one named, and fails.
    others: list[str] = Field(default_factory=list)

    @property
    def statement(self) -> str:
        return self.text or self.quote


class RuleSpec(_Strict):
    id: str = Field(min_length=1)
    clause: str = Field(min_length=1)
    tool: str | None = None
    names: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    family: str | None = None
    markers: list[str] = Field(default_factory=list)
    per_year: bool = False
    # The rule's names describe the applicant itself (a platform): a user who says it is one ("我们是经认定的…公共
    # 技术平台", "已认定为…平台") spends as it — a figure whose clause holds one of this rule's cues is this rule's.
    applicant: bool = False
    # The rules a figure named by this rule's words may move to by its own cue word; unset, those of the same
    # clause and those sharing a name (`Vocabulary.siblings`).
    siblings: list[str] | None = None
    slots: dict[str, SlotSpec] = Field(default_factory=dict)
    conditions: dict[str, ConditionSpec] = Field(default_factory=dict)

    _patterns_ok = field_validator("patterns", "markers")(_valid_regex)

    @cached_property
    def name_regex(self) -> re.Pattern[str] | None:
        alternatives = [*self.patterns, *(re.escape(n) for n in self.names)]
        return re.compile("|".join(f"(?:{a})" for a in alternatives), re.I) if alternatives else None

    @cached_property
    def names_need_clause_scan(self) -> bool:
        """Whether a clause of a message can hold a name the whole message does not: only when a pattern
        looks at where the text ends (a lookahead, $, \\b, \\Z), which a clause boundary changes."""
        return any(mark in p for p in self.patterns for mark in ("(?=", "(?!", "$", "\\b", "\\B", "\\Z"))

    def default_slot(self) -> str | None:
        return next((name for name, s in self.slots.items() if s.default), None)


class AnnexSpec(_Strict):
    role: Literal["repeal", "combining", "applicability", "effective", "contact"]
    clause: str
    overrides: bool = False
    words: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)

    _patterns_ok = field_validator("patterns", "unless")(_valid_regex)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        from bot.nlu.lang import language  # a scope word is never the tail of a compound (另外区里)

        words = [language().outside_word(w) for w in self.words]
        return re.compile("|".join([*self.patterns, *words]), re.I)

    @cached_property
    def veto(self) -> re.Pattern[str] | None:
        return re.compile("|".join(self.unless)) if self.unless else None

    def asked(self, text: str) -> bool:
        return bool(self.regex.search(text)) and not (self.veto and self.veto.search(text))


class NamedPart(_Strict):
    clause: str
    words: list[str]
    unless: list[str] = Field(default_factory=list)

    _unless_ok = field_validator("unless")(_valid_regex)

    def named(self, text: str) -> bool:
        if not any(w in text for w in self.words):
            return False
        return not any(re.search(u, text) for u in self.unless)


class DocumentSpec(_Strict):
    short_name: str
    jurisdiction: list[str] = Field(default_factory=list)
    higher_jurisdictions: list[str] = Field(default_factory=list)
    domain: list[str] = Field(default_factory=list)
    scope: str = ""
    examples: list[str] = Field(default_factory=list)
    overview_clause: str | None = None
    relocation_clauses: list[str] = Field(default_factory=list)


class Gloss(_Strict):
    """An English phrasing and the policy's words for it ("tape-out" → 流片), read before anything else."""

    pattern: str
    replace: str

    _pattern_ok = field_validator("pattern")(lambda v: _valid_regex([v])[0])


class VocabularySpec(_Strict):
    document: DocumentSpec
    glossary: list[Gloss] = Field(default_factory=list)
    annexes: list[AnnexSpec] = Field(default_factory=list)
    named_parts: list[NamedPart] = Field(default_factory=list)
    document_questions: list[str] = Field(default_factory=list)
    rules: list[RuleSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class Vocabulary:
    """A validated vocabulary with its lookups; `rules` in matching order (most specific first)."""

    doc_id: str
    spec: VocabularySpec

    @property
    def rules(self) -> list[RuleSpec]:
        return self.spec.rules

    @property
    def document(self) -> DocumentSpec:
        return self.spec.document

    @cached_property
    def glossary(self) -> tuple[tuple[str, str], ...]:
        return tuple((g.pattern, g.replace) for g in self.spec.glossary)

    def rule(self, rule_id: str) -> RuleSpec | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @cached_property
    def long_cues(self) -> tuple[tuple[str, str, str, str], ...]:
        """(slot kind, rule id, slot, cue) for every slot cue of three characters or more: specific enough to
        say a figure is another rule's ("研发投入8000万" beside a tape-out question)."""
        return tuple(
            (slot.kind, rule.id, name, cue)
            for rule in self.rules
            for name, slot in rule.slots.items()
            for cue in slot.cues
            if len(cue) >= 3
        )

    @cached_property
    def sole_cues(self) -> tuple[tuple[str, str, str, str], ...]:
        """(slot kind, rule id, slot, cue) for the shorter cues only one rule uses ("登记" of the voucher):
        enough to say a figure is that rule's when the message names it."""
        users: dict[str, set[str]] = {}
        for rule in self.rules:
            for slot in rule.slots.values():
                for cue in slot.cues:
                    users.setdefault(cue, set()).add(rule.id)
        return tuple(
            (slot.kind, rule.id, name, cue)
            for rule in self.rules
            for name, slot in rule.slots.items()
            for cue in slot.cues
            if len(cue) < 3 and users[cue] == {rule.id}
        )

    @cached_property
    def unique_cues(self) -> dict[str, str]:
        """Slot cue words of three characters or more that only one rule uses → that rule's id."""
        owners: dict[str, set[str]] = {}
        for rule in self.rules:
            for slot in rule.slots.values():
                for cue in slot.cues:
                    owners.setdefault(cue, set()).add(rule.id)
        return {cue: next(iter(ids)) for cue, ids in owners.items() if len(ids) == 1 and len(cue) >= 3}

    def rule_for_tool(self, tool: str) -> RuleSpec | None:
        return next((r for r in self.rules if r.tool == tool), None)

    def tools_of(self, clause_id: str) -> list[str]:
        return list(dict.fromkeys(r.tool for r in self.rules if r.clause == clause_id and r.tool))

    def family(self, name: str) -> list[RuleSpec]:
        return [r for r in self.rules if r.family == name]

    def siblings(self, rule: RuleSpec) -> list[RuleSpec]:
        """The other calculable rules a figure named by this rule's words may belong to: those of the same
        clause (第2条's EDA R&D, EDA purchase and IP rules) and those sharing a name ("刻蚀设备": an equipment
        maker's R&D, or a terminal maker's purchase) — the figure's own cue word decides."""
        return self._siblings.get(rule.id, [])

    @cached_property
    def _siblings(self) -> dict[str, list[RuleSpec]]:
        names = {r.id: {n.lower() for n in r.names} for r in self.rules}
        return {
            rule.id: [
                r
                for r in self.rules
                if r.id != rule.id
                and r.tool
                and (
                    r.id in rule.siblings
                    if rule.siblings is not None
                    else r.clause == rule.clause or names[rule.id] & names[r.id]
                )
            ]
            for rule in self.rules
        }

    def annex(self, role: str) -> AnnexSpec | None:
        return next((a for a in self.spec.annexes if a.role == role), None)

    @cached_property
    def domain_regex(self) -> re.Pattern[str]:
        words = [*self.document.domain, *(n for r in self.rules for n in r.names)]
        patterns = [p for r in self.rules for p in r.patterns]
        return re.compile("|".join([*patterns, *(re.escape(w) for w in words)]), re.I)


def _where(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """A pydantic error location as the user reads the file: rules[3]（tapeout）.slots.fees_yuan.kind."""
    parts: list[str] = []
    node: Any = data
    for step in loc:
        if isinstance(step, int):
            label = ""
            if isinstance(node, list) and step < len(node) and isinstance(node[step], dict):
                label = (
                    f"（{node[step].get('id') or node[step].get('role') or node[step].get('clause', '')}）"
                )
            parts[-1:] = [f"{parts[-1] if parts else ''}[{step}]{label}"]
        else:
            parts.append(str(step))
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts)


def parse_vocabulary(data: Any, source: str, doc_id: str) -> Vocabulary:
    """Validate parsed YAML; PackError lists every problem with its field."""
    if not isinstance(data, dict):
        raise PackError(f"{source}：应为一个映射（document、annexes、rules……）")
    try:
        spec = VocabularySpec.model_validate(data)
    except ValidationError as exc:
        problems = [f"{_where(e['loc'], data)}：{e['msg']}" for e in exc.errors()[:8]]
        raise PackError(f"{source} 有误：" + "；".join(problems)) from None
    ids = [r.id for r in spec.rules]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise PackError(f"{source} 有误：rules 中规则 id 重复：{'、'.join(dupes)}")
    for rule in spec.rules:
        for name, cond in rule.conditions.items():
            if cond.items and cond.items not in rule.slots:
                slots = "、".join(rule.slots)
                raise PackError(
                    f"{source} 有误：rules（{rule.id}）.conditions.{name}.items“{cond.items}”不是该规则的参数（有：{slots}）"
                )
    return Vocabulary(doc_id, spec)


def load_vocabulary(path: Path, doc_id: str) -> Vocabulary:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except FileNotFoundError:
        raise PackError(f"缺少文件：{path}") from None
    except yaml.YAMLError as exc:
        raise PackError(f"{path} 不是合法的 YAML（{exc}）") from None
    return parse_vocabulary(data, str(path), doc_id)
