"""The on-disk retrieval index under settings.index_dir: manifest, jieba dictionary, BM25 postings, chroma.

Layout: manifest.json (written last: its presence marks a complete build), jieba_dict.txt + jieba.cache,
bm25.json (the BM25 scores bm25s computed, as postings: bot/retrieval/bm25.py), chroma/ (chromadb
PersistentClient, only when a dense model is configured).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.packs.corpus import Clause, Corpus
from bot.retrieval.lexicon import Lexicon

# Bump when the document text, tokenization or layout changes, so old indexes are rebuilt, not misread.
INDEX_FORMAT = 5
MANIFEST = "manifest.json"
DICTIONARY = "jieba_dict.txt"
JIEBA_CACHE = "jieba.cache"
BM25_DIR = "bm25"  # the bm25s save format of earlier versions; removed on rebuild
POSTINGS = "bm25.json"
CHROMA_DIR = "chroma"

# Document-level metadata indexed as extra "label：value" lines. Each value goes to the clause whose text
# already contains it (the repealed file → a4, the referred file → a3), otherwise to the header.
META_LABELS = {
    "doc_number": "文号",
    "title": "政策名称",
    "notice_title": "通知标题",
    "issuers": "发文机关",
    "issued_date": "印发日期",
    "effective_date": "施行日期",
    "repeals": "废止文件",
    "refers_to": "参照文件",
    "printed_by": "印发机关",
    "publication": "公开方式",
    "cc": "抄送",
}


class IndexStateError(RuntimeError):
    """The stored index is missing, stale or unreadable; the message says why, in Chinese."""


def _as_date(value: str) -> str:
    """2024-06-25 → 2024年6月25日, the way the policy prints dates."""
    year, month, day = value.split("-")
    return f"{int(year)}年{int(month)}月{int(day)}日"


def _meta_values(key: str, value: Any) -> list[str]:
    if key.endswith("_date") and isinstance(value, str):
        return [_as_date(value)]
    if isinstance(value, list):
        return [
            " ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item) for item in value
        ]
    return [str(value)]


def metadata_lines(corpus: Corpus) -> dict[str, list[str]]:
    """Document metadata as extra indexed lines, keyed by the clause they belong to."""
    extras: dict[str, list[str]] = {}
    for doc in corpus.documents:
        compact = {c.key: c.text.replace(" ", "") for c in doc.clauses}
        home = doc.clauses[0].key
        for key, label in META_LABELS.items():
            if key not in doc.meta:
                continue
            for value in _meta_values(key, doc.meta[key]):
                probe = value.split(" ")[0][:12]
                owner = next((cid for cid, text in compact.items() if cid != home and probe in text), home)
                extras.setdefault(owner, []).append(f"{label}：{value}")
    return extras


def clause_document(clause: Clause, extras: list[str]) -> str:
    """The text indexed for one clause: title twice (a field boost), section, verbatim text, metadata."""
    return "\n".join([clause.title, clause.title, clause.section, clause.text, *extras])


def lexicon_probes(corpus: Corpus, lexicon: Lexicon) -> list[tuple[str, int]]:
    """(user phrase, clause position) for every lexicon phrase whose policy words only one clause uses."""
    from bot.nlu.normalize import normalize

    texts = [normalize(c.text).replace(" ", "").lower() for c in corpus.clauses]
    probes = []
    for phrase, targets in lexicon.expansions.items():
        words = [normalize(t).replace(" ", "").lower() for t in targets]
        owners = {i for i, text in enumerate(texts) for w in words if w in text}
        if len(owners) == 1:
            probes.append((phrase, owners.pop()))
    return probes


def fingerprint(corpus: Corpus, lexicon: Lexicon) -> str:
    """Hash of everything the index is built from; a mismatch means the index is stale."""
    from bot.retrieval.tokenize import config_digest

    h = hashlib.sha256(f"format={INDEX_FORMAT};lexicon={lexicon.digest};tokens={config_digest()}".encode())
    for doc in corpus.documents:
        h.update(json.dumps(doc.meta, ensure_ascii=False, sort_keys=True).encode())
        for c in doc.clauses:
            h.update(json.dumps(c.to_dict(), ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()[:24]


def read_manifest(index_dir: Path) -> dict[str, Any]:
    """Return the manifest, raising IndexStateError with a Chinese reason when missing or unreadable."""
    path = index_dir / MANIFEST
    if not path.is_file():
        raise IndexStateError(f"索引不存在（{index_dir}）")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT:
            raise ValueError("版本不符")
        for key in ("fingerprint", "clause_ids", "modes"):
            data[key]  # noqa: B018 - presence check, a KeyError is the corruption signal
    except (ValueError, KeyError, OSError) as exc:
        raise IndexStateError(f"索引清单损坏或版本过旧（{exc}）") from exc
    return data


def write_manifest(index_dir: Path, data: dict[str, Any]) -> None:
    """Write manifest.json atomically, last, so a half-built index never looks complete."""
    payload = {"format": INDEX_FORMAT, "built_at": datetime.now(UTC).isoformat(timespec="seconds"), **data}
    tmp = index_dir / f".{MANIFEST}.{os.getpid()}"
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, index_dir / MANIFEST)


def clear_lexical(index_dir: Path) -> None:
    """Remove the manifest and lexical files before a rebuild (chroma is rewritten through its client)."""
    for name in (MANIFEST, DICTIONARY, JIEBA_CACHE, POSTINGS):
        (index_dir / name).unlink(missing_ok=True)
    shutil.rmtree(index_dir / BM25_DIR, ignore_errors=True)


@contextlib.contextmanager
def locked(index_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the index directory so two processes never build it at once."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
