"""Places in a message and what each one is: the user's enterprise's location, where it moved from, an
event's venue, other enterprises' location, or whose policy is asked about.

Scope follows from the subject, not from a list of banned words: "上海的流片补贴" asks about another
jurisdiction's policy; "我们注册在临平区" is an enterprise outside this document's area (the applicability
annex answers); "从苏州搬到滨江" is an enterprise now inside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.nlu.lang import Language, language
from bot.nlu.polarity import negated
from bot.nlu.spans import Layout, WordList, find_words

OWN, ORIGIN, EVENT, OTHERS, OWNER, DESTINATION, NEUTRAL, DENIED, BRANCH, AFFILIATE = (
    "own",
    "origin",
    "event",
    "others",
    "owner",
    "destination",
    "neutral",
    "denied",
    "branch",  # a unit of the enterprise there (分公司, 研发中心): not where the enterprise is registered
    "affiliate",  # another legal person of the group there (子公司, 母公司): its figures are its own
)
# "问的是省里的，不是滨江的": a place the user says the question is not about.
_DENIED_BEFORE = re.compile(r"(不是|并非|而不是|而非|不问)\s*$")
# A quotation of some length (a clause of a document), not a quoted name like “芯火”.
_QUOTED = re.compile(r"“[^”]{12,}”")
_WE_ARE = re.compile(r"(我们|我司|我公司|本公司|咱们)(是|为|属于)")
# The letter a legal person placed there is named by ("在萧山还有一家子公司C"), in the place's clause.
_LETTER_AFTER = re.compile(r"[^，,。；;]{0,12}?(?:公司|集团)\s*([A-Z])(?![A-Za-z])")
_OTHER_ENTITY = re.compile(
    r"(子|母|兄弟|关联|孙|控股|总|分)公司|集团|本部|总部|(?<![A-Za-z])[A-Z]公司|[甲乙丙丁]公司"
)


@dataclass(frozen=True)
class Place:
    name: str
    start: int
    end: int
    ours: bool  # inside this document's jurisdiction
    role: str
    entity: str = ""  # an affiliate's kind of legal person ("子公司", "母公司")


@dataclass(frozen=True)
class Places:
    """The places of a message and what they imply for scope."""

    items: tuple[Place, ...]
    text: str = ""

    def affiliate_of(self, text: str, start: int, at: int) -> Place | None:
        """Another legal person of the group outside the jurisdiction that a figure at `at`, in a clause from
        `start`, is about: named there ("上海子公司2024年首次流片900万") or by its kind after it was placed
        ("在钱塘区有一家子公司，子公司首次流片500万"), or the subject of its sentence — the last legal person
        named before it there ("问一下我们在合肥的子公司，也用了…算力，合同80万"; "乙公司也用了，合同90万")."""
        outside = [p for p in self.with_role(AFFILIATE) if not p.ours]
        for p in outside:
            if start <= p.start < at or (p.start < start and p.entity in text[start:at]):
                return p
        layout = Layout.of(text)
        lo, _ = layout.sentence_span(at)
        named: list[tuple[int, str | Place]] = [
            (m.start(), m.group()) for m in _OTHER_ENTITY.finditer(text, lo, at)
        ]
        named += [(m.start(), "") for m in language().first_person.finditer(text, lo, at)]
        for p in outside:
            # "在萧山还有一家子公司C。…C买了EDA工具300万": the letter it was named by stands for it.
            letter = _LETTER_AFTER.match(text, p.end, layout.clause_span(p.end)[1])
            if letter is not None:
                bare = re.compile(rf"(?<![A-Za-z]){letter.group(1)}(?![A-Za-z])")
                named += [(m.start(), p) for m in bare.finditer(text, max(lo, letter.end()), at)]
        if not named:
            return None
        subject = max(named, key=lambda n: n[0])[1]  # "" when the user is the last one named
        if isinstance(subject, Place):
            return subject
        return next((p for p in outside if subject and p.entity == subject), None)

    def placed_outside(self, entity: str) -> Place | None:
        """Where this message places that legal person of the group, when outside the jurisdiction."""
        return next((p for p in self.with_role(AFFILIATE) if not p.ours and p.entity == entity), None)

    def with_role(self, role: str) -> list[Place]:
        return [p for p in self.items if p.role == role]

    @property
    def other_policy(self) -> Place | None:
        """A jurisdiction other than ours whose policy the question is about (none when the question also
        names our own jurisdiction's policy, "上海的问过了，想问滨江这个政策", or turns to ours after it:
        "上海那边据说最高30%，滨江对1000万以上的是多少比例" compares, the question is about ours)."""
        owners = self.with_role(OWNER)
        if any(p.ours for p in owners):
            return None
        other = next((p for p in owners if not p.ours), None)
        if other is not None and any(
            p.ours and p.start > other.end and p.role != DENIED and self._turns_to(other, p)
            for p in self.items
        ):
            return None
        return other

    def _turns_to(self, other: Place, ours: Place) -> bool:
        """Our place after another's owner turns the question to ours in its sentence or in a later question; a
        later statement ("我们有个项目在萧山和滨江之间选址") does not."""
        if not self.text:
            return True
        layout = Layout.of(self.text)
        if layout.same_sentence(other.start, ours.start):
            return True
        return bool(language().question.search(self.text, *layout.sentence_span(ours.start)))

    @property
    def moved_in(self) -> bool:
        return bool(self.with_role(ORIGIN) or [p for p in self.with_role(DESTINATION) if p.ours])

    @property
    def inside(self) -> bool:
        """The user's enterprise is (now) in the jurisdiction: moved in, or located there."""
        return self.moved_in or self._subsidiary_inside or any(p.ours for p in self.with_role(OWN))

    @property
    def outside(self) -> Place | None:
        """The user's enterprise is located outside the jurisdiction (and has not moved into it; "母公司在上海，
        我们滨江子公司…": a subsidiary inside is the enterprise asking)."""
        if self.moved_in or self._subsidiary_inside:
            return None
        return next((p for p in self.with_role(OWN) if not p.ours), None)

    @property
    def _subsidiary_inside(self) -> bool:
        """A subsidiary of the group inside the jurisdiction ("我们滨江子公司"): the enterprise asking, whereas a
        parent or group inside ("集团总部在滨江，我们是注册在南京的子公司") is not."""
        return any(p.ours and p.entity.endswith("子公司") for p in self.with_role(AFFILIATE))

    @property
    def event_outside(self) -> Place | None:
        return next((p for p in self.with_role(EVENT) if not p.ours), None)

    @property
    def others_outside(self) -> Place | None:
        return next((p for p in self.with_role(OTHERS) if not p.ours), None)


@lru_cache(maxsize=32)
def _compiled(lang_id: int, patterns: tuple[tuple[str, str], ...]) -> dict[str, re.Pattern[str]]:
    return {key: re.compile(p) for key, p in patterns}


_GAZETTEERS: dict[tuple[object, ...], WordList] = {}
# The same gazetteer found by the identity of the tuples a pack passes every time (bot.nlu.reading): the key
# above hashes hundreds of terms. Kept with the tuples themselves, so that no id is reused while cached.
_BY_IDENTITY: dict[tuple[int, ...], tuple[tuple[object, ...], WordList]] = {}


def _gazetteer(
    lang: Language,
    jurisdiction: Sequence[str],
    masked_terms: Sequence[str],
    higher: Sequence[str] = (),
) -> WordList:
    """Place names and the pack's terms that mask them, built once per pack (every message reads them)."""
    given = (lang, jurisdiction, masked_terms, higher)
    ident = tuple(id(x) for x in given)
    seen = _BY_IDENTITY.get(ident)
    if seen is not None and all(a is b for a, b in zip(seen[0], given, strict=True)):
        return seen[1]
    key = (id(lang), tuple(jurisdiction), tuple(masked_terms), tuple(higher))
    if key not in _GAZETTEERS:
        _GAZETTEERS[key] = WordList(tuple(_build_gazetteer(lang, *key[1:])))
    if all(isinstance(x, tuple) for x in given[1:]):  # immutable: the same object always holds the same terms
        if len(_BY_IDENTITY) >= 64:
            _BY_IDENTITY.clear()
        _BY_IDENTITY[ident] = (given, _GAZETTEERS[key])
    return _GAZETTEERS[key]


def _build_gazetteer(
    lang: Language,
    jurisdiction: tuple[str, ...],
    masked_terms: tuple[str, ...],
    higher: tuple[str, ...],
) -> list[tuple[str, str]]:
    names = [("place", n) for n in [*lang.places["names"], *higher]]
    suffixed = [("place", n + s) for _, n in names for s in lang.places["suffixes"]]
    ours = [("ours", j) for j in jurisdiction]
    known = sorted({n for _, n in names + ours}, key=len, reverse=True)
    inside = re.compile("|".join(re.escape(n) for n in known)) if known else None
    masks = [
        ("mask", t)
        for t in dict.fromkeys(masked_terms)
        if inside is not None and any(m.group() != t for m in _overlapping(inside, t))
    ]
    return [*masks, *ours, *suffixed, *names]


def _overlapping(rx: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Every match of rx starting at any position of text (a name inside a term, even inside another name)."""
    return [m for i in range(len(text)) if (m := rx.match(text, i))]


def find_places(
    text: str,
    lang: Language,
    jurisdiction: Sequence[str],
    terms: Sequence[str],
    higher: Sequence[str] = (),
) -> Places:
    """Every place name (the pack's own terms that contain a place name, like 杭州人工智能计算中心, masked)."""
    cfg = lang.places
    rx = _compiled(
        id(lang),
        tuple(
            (k, cfg[k])
            for k in (
                "owner_after",
                "own_before",
                "own_after",
                "origin_before",
                "moved",
                "event_after",
                "event_before",
                "venue_before",
                "others_before",
                "institution_after",
                "third_party_after",
                "third_party_before",
                "branch_after",
                "separate_entity",
                "affiliate_before",
                "enterprise_after",
                "subsidiary_self",
                "parent_after",
                "set_up_subsidiary",
            )
        ),
    )
    found: list[Place] = []
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    for hit in find_words(text, _gazetteer(lang, jurisdiction, terms, higher)):
        if hit.key == "mask":
            continue
        if any(a < hit.start < b for a, b in quoted):
            continue  # "解读里说适用对象是“在高新区（滨江）内…”": a quotation's place is nobody's location
        ours = hit.key == "ours"
        start, word = hit.start, hit.word
        if ours and found and found[-1].end == hit.start and not found[-1].ours:
            # "合肥高新区": our zone's generic name after another city's is that city's zone.
            prev = found.pop()
            ours, start, word = False, prev.start, prev.name + hit.word
        role = _role(text, start, hit.end, ours, rx, found)
        entity = _entity(text, start, hit.end, rx) if role == AFFILIATE else ""
        found.append(Place(word, start, hit.end, ours, role, entity))
    if any(p.ours and p.role == OWNER for p in found):
        # "苏州的芯片企业可以享受滨江的流片补贴吗": the policy is ours, the place before the enterprise is where it is.
        found = [_enterprise_of(p, text, rx) for p in found]
    return Places(tuple(_of_group_member(p, text, rx) for p in found), text)


def _of_group_member(place: Place, text: str, rx: dict[str, re.Pattern[str]]) -> Place:
    """ "母公司同期在苏州贷了2000万": a place outside in a clause about the group's parent or another member
    (named before it in the clause) is that entity's, not the enterprise's."""
    if place.ours or place.role != OWN:
        return place
    if rx["subsidiary_self"].search(text) and rx["parent_after"].match(text[place.end : place.end + 6]):
        return replace(place, role=AFFILIATE, entity="总部")  # "我们是…子公司…上海总部也采购了500万"
    if rx["set_up_subsidiary"].match(text[place.end : place.end + 40]):
        return replace(
            place, role=AFFILIATE, entity="母公司"
        )  # "我们是北京一家上市公司在滨江注册的全资子公司"
    start, _ = Layout.of(text).clause_span(place.start)
    member = list(rx["separate_entity"].finditer(text, start, place.start))
    # "我们子公司在萧山" stays the enterprise's place: whose the figures are is not said, so the outside wins.
    if not member or member[-1].group().endswith("子公司") or _WE_ARE.search(text, start, place.start):
        return place
    return replace(place, role=AFFILIATE, entity=member[-1].group())


def _enterprise_of(place: Place, text: str, rx: dict[str, re.Pattern[str]]) -> Place:
    if (
        place.ours
        or place.role != OWNER
        or not rx["enterprise_after"].search(text[place.end : place.end + 12])
    ):
        return place
    return replace(place, role=OWN)


def _entity(text: str, start: int, end: int, rx: dict[str, re.Pattern[str]]) -> str:
    """The kind of legal person an affiliate's place belongs to: written after it or just before it."""
    _, stop = Layout.of(text).clause_span(end)
    after = rx["separate_entity"].search(text, end, min(end + 12, stop))
    before = list(rx["separate_entity"].finditer(text, max(0, start - 8), start))
    return after.group() if after else before[-1].group() if before else ""


def _role(
    text: str, start: int, end: int, ours: bool, rx: dict[str, re.Pattern[str]], earlier: list[Place]
) -> str:
    before, after = text[max(0, start - 8) : start], text[end : end + 30]
    if ours and _DENIED_BEFORE.search(before):
        return DENIED
    sentence_end = min((i for i in (text.find(c, end) for c in "。；;？?！!") if i >= 0), default=len(text))
    if (
        rx["institution_after"].search(text[end : end + 16])
        or rx["third_party_after"].search(after)
        or rx["third_party_before"].search(before)
    ):
        return (
            NEUTRAL  # "在杭州AI计算中心租了算力", "在深圳的晶圆厂做的", "一家上海的算力公司": not the user's
        )
    if rx["affiliate_before"].search(before):
        return AFFILIATE  # "母公司在上海": where another legal person of the group is
    branch = rx["branch_after"].search(after)
    clause_start, _ = Layout.of(text).clause_span(start)
    if (
        branch is not None
        and not ours
        and _WE_ARE.search(text, clause_start, start)
        and rx["separate_entity"].search(branch.group())
    ):
        # "我们是注册在南京的子公司": the user is that legal person, so this is where the user is; "我们是滨江一家AI
        # 公司在余杭的分公司": a branch is its company, which is where the enterprise is (the branch's place is not).
        return OWN
    if branch is not None:
        # "在上海也有一家子公司" (another legal person), "深圳分公司" (a unit of the enterprise itself).
        return AFFILIATE if rx["separate_entity"].search(branch.group()) else BRANCH
    if rx["origin_before"].search(before) and rx["moved"].search(text, end, sentence_end):
        return ORIGIN
    if ours and re.search(r"(迁|搬|转移|落户|引进)\S{0,4}$", before):
        return DESTINATION
    if rx["event_after"].search(after) or rx["venue_before"].search(before):
        return EVENT
    if rx["others_before"].search(before):
        return OTHERS  # before OWN: "其中3家在上海" is where three of the others are
    if rx["own_before"].search(before):
        return OWN
    if rx["owner_after"].search(after):
        return OWNER
    if earlier and text[earlier[-1].end : start] in ("和", "、", "或", "及", ""):
        return earlier[-1].role  # "上海和苏州的企业": the second place of a pair shares the first one's role
    if rx["own_after"].search(after):
        return OWN
    return NEUTRAL


def entities_named(text: str, lang: Language) -> list[str]:
    """The group's legal persons a message names ("B公司", "子公司"), each once, in order."""
    rx = _compiled(id(lang), (("separate_entity", lang.places["separate_entity"]),))["separate_entity"]
    return list(dict.fromkeys(m.group() for m in rx.finditer(text)))


def own_zone_denied(text: str, jurisdiction: Sequence[str], lang: Language) -> bool:
    """ "不在滨江", "外地企业": the user says the enterprise is not in the jurisdiction, naming no place."""
    names = "|".join(re.escape(j) for j in jurisdiction) or "(?!x)x"
    outer = "|".join(lang.outside_word(w) for w in ("外地", "外区", "外省", "外市"))
    m = re.search(rf"不在({names}|区内)|{outer}|区外|异地", text)
    if m is None or (not m.group().startswith("不在") and negated(text, m.start(), lang)):
        return False  # "我们不是外地企业", "从来没在外省开过分支机构": the user says it is not outside
    branch = _compiled(id(lang), (("branch_after", lang.places["branch_after"]),))["branch_after"]
    if branch.search(text[m.end() : m.end() + 30]):
        return False  # "在外地有分公司": where a unit of the enterprise is, not where it is registered
    clause_start = max(text.rfind(c, 0, m.start()) for c in "，,；;。") + 1
    return bool(lang.first_person.search(text, clause_start, m.start())) or clause_start == 0
