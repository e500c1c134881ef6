"""Documents and their clauses, from every pack folder: the citable text, keyed by (document, clause id).

A pack folder holds at least `document.json` (`doc_id`, `doc_number`, `title`, `clauses_file`) and the clauses
file (`id`, `number`, `title`, `section`, `units`, `text` per clause). Clause ids need only be unique within
their document: `<doc_id>:<id>` names a clause of that document, a bare id one of the primary document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

QUALIFIER = ":"
REQUIRED_META = ("doc_id", "doc_number", "title", "clauses_file")
REQUIRED_CLAUSE = ("id", "number", "title", "section", "units", "text")
# How a clause is named when a document's labels say nothing about it.
DEFAULT_LABELS = {
    "answer": "第{number}条“{title}”",
    "cite": "第{number}条（{title}）",
    "untitled": "“{title}”部分",
}


class PackError(ValueError):
    """A pack folder that cannot be loaded; the message names the file and the field, in Chinese."""


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
    def key(self) -> str:
        """The qualified id, unique across documents: <doc_id>:<clause id>."""
        return f"{self.doc_id}{QUALIFIER}{self.id}"

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
    meta: dict[str, Any]
    clauses: tuple[Clause, ...]
    folder: Path | None = None

    @property
    def doc_number(self) -> str:
        return str(self.meta["doc_number"])

    @property
    def title(self) -> str:
        return str(self.meta.get("title", ""))

    @property
    def short_name(self) -> str:
        """How answers name the document: its 文号."""
        return self.doc_number

    def clause(self, clause_id: str) -> Clause | None:
        return next((c for c in self.clauses if c.id == clause_id), None)

    def labels(self, clause: Clause) -> dict[str, str]:
        """The label templates for one clause: the first `labels` rule whose id prefix matches."""
        for rule in self.meta.get("labels") or []:
            if clause.id.startswith(str(rule.get("prefix", ""))):
                return {**DEFAULT_LABELS, **{k: str(v) for k, v in rule.items() if k != "prefix"}}
        return DEFAULT_LABELS

    def label(self, clause: Clause, kind: str = "answer") -> str:
        """第3条“加大流片支持”, 实施附则第2条, “发展目标”部分 (kind "answer"); 第3条（加大流片支持） (kind "cite")."""
        templates = self.labels(clause)
        template = (
            templates[kind] if clause.number else templates.get(f"untitled_{kind}", templates["untitled"])
        )
        return template.format(number=clause.number, title=clause.title, id=clause.id)


@dataclass(frozen=True)
class Corpus:
    """Every loaded document; the first is the primary one (bare clause ids mean its clauses)."""

    documents: tuple[Document, ...]
    by_key: dict[str, Clause] = field(default_factory=dict)

    @property
    def clauses(self) -> list[Clause]:
        return [c for d in self.documents for c in d.clauses]

    @property
    def primary(self) -> Document:
        return self.documents[0]

    def document(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents if d.doc_id == doc_id), None)

    def document_by_number(self, doc_number: str) -> Document | None:
        return next((d for d in self.documents if d.doc_number == doc_number), None)

    def clause(self, ref: str, doc_id: str | None = None) -> Clause | None:
        """A clause by qualified id ("hzgx-2019-24:m2"), or by bare id in `doc_id` (default: the primary)."""
        if QUALIFIER in ref:
            return self.by_key.get(ref)
        return self.by_key.get(f"{doc_id or self.primary.doc_id}{QUALIFIER}{ref}")

    def resolve(self, ref: str) -> Clause | None:
        """A clause id as a user or client writes it: qualified, bare (primary document), any case."""
        text = ref.strip()
        doc, sep, cid = text.rpartition(QUALIFIER)
        return self.clause(f"{doc}{QUALIFIER}{cid.lower()}" if sep else text.lower())

    def document_of(self, clause: Clause) -> Document:
        found = self.document(clause.doc_id)
        assert found is not None, clause.key
        return found

    def label(self, clause: Clause, kind: str = "answer") -> str:
        return self.document_of(clause).label(clause, kind)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackError(f"缺少文件：{path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackError(f"{path} 不是合法的 JSON（{exc}）") from None


def _check_fields(row: Any, required: tuple[str, ...], where: str) -> None:
    if not isinstance(row, dict):
        raise PackError(f"{where}：应为 JSON 对象")
    missing = [k for k in required if k not in row]
    if missing:
        raise PackError(f"{where}：缺少字段 {'、'.join(missing)}")


def load_document(folder: Path) -> Document:
    """Read one pack folder's document.json and clauses file, validating both (PackError on a bad file)."""
    meta_path = folder / "document.json"
    meta = _read_json(meta_path)
    _check_fields(meta, REQUIRED_META, str(meta_path))
    clauses_path = folder / str(meta["clauses_file"])
    rows = _read_json(clauses_path)
    if not isinstance(rows, list) or not rows:
        raise PackError(f"{clauses_path}：应为非空的条款列表")
    seen: set[str] = set()
    clauses = []
    for i, row in enumerate(rows):
        where = f"{clauses_path} 第 {i + 1} 条"
        _check_fields(row, REQUIRED_CLAUSE, where)
        if row["id"] in seen:
            raise PackError(f"{where}：条款编号“{row['id']}”重复")
        if not isinstance(row["units"], list) or not isinstance(row["text"], str) or not row["text"].strip():
            raise PackError(f"{where}：units 应为列表、text 应为非空文字")
        seen.add(row["id"])
        clauses.append(
            Clause(
                id=str(row["id"]),
                number=str(row["number"]),
                title=str(row["title"]),
                section=str(row["section"]),
                units=tuple(str(u) for u in row["units"]),
                text=row["text"],
                doc_id=str(meta["doc_id"]),
            )
        )
    return Document(doc_id=str(meta["doc_id"]), meta=meta, clauses=tuple(clauses), folder=folder)


def pack_folders(corpus_dir: Path, extra: Iterable[Path] = ()) -> list[Path]:
    """The built-in pack folders (corpus_dir/policies/*, by name), then extra ones in the order given."""
    builtin = sorted(p.parent for p in (corpus_dir / "policies").glob("*/document.json"))
    return [*builtin, *(Path(p) for p in extra)]


def build_corpus(documents: Iterable[Document]) -> Corpus:
    docs = tuple(documents)
    if not docs:
        raise PackError("没有可加载的政策文件")
    by_key: dict[str, Clause] = {}
    for doc in docs:
        if any(c.doc_id == doc.doc_id for c in by_key.values()):
            raise PackError(f"文件编号 doc_id“{doc.doc_id}”重复（{doc.folder}）")
        by_key.update({c.key: c for c in doc.clauses})
    return Corpus(documents=docs, by_key=by_key)


@lru_cache(maxsize=8)
def load_corpus(corpus_dir: Path, extra: tuple[Path, ...] = ()) -> Corpus:
    """Every document of the built-in packs under corpus_dir, then the extra pack folders."""
    folders = pack_folders(corpus_dir, extra)
    if not folders:
        raise PackError(f"语料目录中没有政策文件：{corpus_dir / 'policies'}")
    return build_corpus(load_document(f) for f in folders)
