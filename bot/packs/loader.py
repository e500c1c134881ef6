"""Policy packs: each document's folder (text, clauses, points, lexicon, vocabulary, parameters) and its rules
(calculators/<doc_id as a module name>/), loaded once at start-up; a bad pack stops start-up with a Chinese
message naming the file and the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from bot.packs.corpus import Corpus, Document, PackError, build_corpus, load_document, pack_folders
from bot.packs.points import Points, load_pack_points
from bot.packs.vocabulary import RuleSpec, Vocabulary, load_vocabulary


@dataclass(frozen=True)
class Pack:
    """One document with everything the engine knows about it."""

    document: Document
    points: Points
    vocabulary: Vocabulary | None
    calculators: tuple[Any, ...] = ()

    @property
    def doc_id(self) -> str:
        return self.document.doc_id

    @property
    def doc_number(self) -> str:
        return self.document.doc_number

    @property
    def short_name(self) -> str:
        return self.vocabulary.document.short_name if self.vocabulary else self.document.doc_number

    @property
    def folder(self) -> Path:
        assert self.document.folder is not None
        return self.document.folder

    def file(self, key: str, default: str) -> Path | None:
        """A data file the document names (points_file, lexicon_file…), else the default name, if present."""
        path = self.folder / str(self.document.meta.get(key, default))
        return path if path.is_file() else None


@dataclass(frozen=True)
class Packs:
    """Every loaded pack; the first is the primary document (bare clause ids and default answers)."""

    packs: tuple[Pack, ...]
    corpus: Corpus
    repealed_by: dict[str, str] = field(default_factory=dict)  # doc_id → doc_id of the pack repealing it

    @property
    def primary(self) -> Pack:
        return self.packs[0]

    def pack(self, doc_id: str) -> Pack | None:
        return next((p for p in self.packs if p.doc_id == doc_id), None)

    def by_number(self, doc_number: str) -> Pack | None:
        return next((p for p in self.packs if p.doc_number == doc_number), None)

    @cached_property
    def vocabularies(self) -> tuple[Vocabulary, ...]:
        return tuple(p.vocabulary for p in self.packs if p.vocabulary is not None)

    def rule(self, doc_id: str, rule_id: str) -> RuleSpec | None:
        pack = self.pack(doc_id)
        return pack.vocabulary.rule(rule_id) if pack and pack.vocabulary else None

    def rule_for_tool(self, tool: str) -> tuple[Pack, RuleSpec] | None:
        for pack in self.packs:
            if pack.vocabulary and (rule := pack.vocabulary.rule_for_tool(tool)):
                return pack, rule
        return None

    @cached_property
    def registry(self) -> Any:
        """Every pack's calculators by name (a name two packs register stops start-up)."""
        from calculators.registry import CalculatorRegistry

        return CalculatorRegistry(c for p in self.packs for c in p.calculators)

    def points(self, doc_id: str) -> Points:
        pack = self.pack(doc_id)
        return pack.points if pack else Points()

    def repeal_of(self, doc_id: str) -> Pack | None:
        """The pack that repeals this document (its `repeals` list names this document's 文号)."""
        by = self.repealed_by.get(doc_id)
        return self.pack(by) if by else None


def _calculators(doc_id: str) -> tuple[Any, ...]:
    """The document's registered calculators (calculators/<doc_id as a module name>/), if it has any."""
    from calculators.registry import calculators_for

    return calculators_for(doc_id)


def load_pack(folder: Path) -> Pack:
    """One pack folder; only document.json and its clauses file are required."""
    document = load_document(folder)
    pack = Pack(document, Points(), None)
    points_path = pack.file("points_file", "points.json")
    vocab_path = pack.file("vocabulary_file", "vocabulary.yaml")
    return Pack(
        document=document,
        points=load_pack_points(points_path) if points_path else Points(),
        vocabulary=load_vocabulary(vocab_path, document.doc_id) if vocab_path else None,
        calculators=_calculators(document.doc_id),
    )


def _repeal_links(packs: tuple[Pack, ...]) -> dict[str, str]:
    numbers = {p.doc_number: p.doc_id for p in packs}
    links: dict[str, str] = {}
    for pack in packs:
        for row in pack.document.meta.get("repeals") or []:
            number = row.get("doc_number") if isinstance(row, dict) else str(row)
            if number in numbers:
                links[numbers[number]] = pack.doc_id
    return links


def _check_references(pack: Pack) -> None:
    """Every clause the vocabulary names exists in the document."""
    vocab = pack.vocabulary
    if vocab is None:
        return
    ids = {c.id for c in pack.document.clauses}
    named = [("rules", r.clause) for r in vocab.rules]
    named += [("annexes", a.clause) for a in vocab.spec.annexes]
    named += [("named_parts", p.clause) for p in vocab.spec.named_parts]
    named += [("document.relocation_clauses", c) for c in vocab.document.relocation_clauses]
    bad = [f"{where}：条款“{cid}”不存在" for where, cid in named if cid not in ids]
    if bad:
        raise PackError(f"{pack.folder / 'vocabulary.yaml'} 有误：" + "；".join(bad[:5]))


@lru_cache(maxsize=8)
def load_packs(corpus_dir: Path, extra: tuple[Path, ...] = ()) -> Packs:
    """The built-in packs under corpus_dir/policies (by folder name), then the extra folders given."""
    folders = pack_folders(corpus_dir, extra)
    if not folders:
        raise PackError(f"语料目录中没有政策文件：{corpus_dir / 'policies'}")
    packs = tuple(load_pack(f) for f in folders)
    for pack in packs:
        _check_references(pack)
    corpus = build_corpus(p.document for p in packs)
    return Packs(packs, corpus, _repeal_links(packs))
