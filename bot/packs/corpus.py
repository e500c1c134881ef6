"""Load the policy corpus from corpus/: every document folder under policies/ is data, no code per document."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Clause:
    """One citable unit of a policy: id, number as printed, short title, sub-section, 责任单位, verbatim text."""

    id: str
    number: str
    title: str
    section: str
    units: tuple[str, ...]
    text: str
    doc_id: str

    @property
    def lead_unit(self) -> str | None:
        return self.units[0] if self.units else None

    def to_dict(self) -> dict[str, object]:
        return {
            "clause_id": self.id,
            "number": self.number,
            "title": self.title,
            "section": self.section,
            "units": list(self.units),
            "lead_unit": self.lead_unit,
            "doc_id": self.doc_id,
            "text": self.text,
        }


@dataclass(frozen=True)
class Document:
    doc_id: str
    meta: dict[str, object]
    clauses: tuple[Clause, ...]

    @property
    def doc_number(self) -> str:
        return str(self.meta["doc_number"])


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    by_id: dict[str, Clause] = field(default_factory=dict)

    @property
    def clauses(self) -> list[Clause]:
        return [c for d in self.documents for c in d.clauses]

    def clause(self, clause_id: str) -> Clause | None:
        return self.by_id.get(clause_id)

    def document_of(self, clause: Clause) -> Document:
        return next(d for d in self.documents if d.doc_id == clause.doc_id)

    @property
    def primary(self) -> Document:
        return self.documents[0]


def _load_document(folder: Path) -> Document:
    meta = json.loads((folder / "document.json").read_text(encoding="utf-8"))
    rows = json.loads((folder / meta.get("clauses_file", "clauses.json")).read_text(encoding="utf-8"))
    clauses = tuple(
        Clause(
            id=r["id"],
            number=r["number"],
            title=r["title"],
            section=r["section"],
            units=tuple(r["units"]),
            text=r["text"],
            doc_id=meta["doc_id"],
        )
        for r in rows
    )
    return Document(doc_id=meta["doc_id"], meta=meta, clauses=clauses)


@lru_cache(maxsize=4)
def load_corpus(corpus_dir: Path) -> Corpus:
    """Read every policies/<doc>/document.json under corpus_dir, in folder-name order."""
    folders = sorted(p.parent for p in (corpus_dir / "policies").glob("*/document.json"))
    if not folders:
        raise FileNotFoundError(f"语料目录中没有政策文件：{corpus_dir / 'policies'}")
    docs = tuple(_load_document(f) for f in folders)
    by_id: dict[str, Clause] = {}
    for d in docs:
        for c in d.clauses:
            # Clause ids are the citation keys everywhere, so a second document must use its own ids.
            if c.id in by_id:
                raise ValueError(f"条款编号重复：{c.id}（{d.doc_id}）")
            by_id[c.id] = c
    return Corpus(documents=docs, by_id=by_id)
