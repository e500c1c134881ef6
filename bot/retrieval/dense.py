"""Dense vectors: a sentence-transformers model and a chromadb PersistentClient collection of clause vectors.

Imported only when `settings.embedding_model` is set, so the lexical-only path never loads torch or chromadb.
Chroma never embeds anything itself: the collection is created with `embedding_function=None` and every
vector is passed explicitly (chroma's default function would download a model at first use).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

COLLECTION = "clauses"


def load_model(name_or_path: str) -> Any | None:
    """Load a sentence-transformers model on CPU from a local path or the local HF cache; None if impossible."""
    looks_local = name_or_path.startswith((".", "/", "~")) or name_or_path.count("/") > 1
    if looks_local and not Path(name_or_path).expanduser().is_dir():
        # A missing local folder would otherwise be sent to the hub as a repo id, with confusing noise.
        log.warning("向量模型路径“%s”不存在，检索仅使用词法（BM25）模式", name_or_path)
        return None
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        log.warning(
            "未安装向量检索依赖（sentence-transformers、torch、chromadb），检索仅使用词法（BM25）模式；"
            "需要向量检索请安装：pip install '.[dense]'"
        )
        return None
    try:
        return SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
    except Exception as exc:  # any failure (missing files, offline hub, bad config) means lexical-only
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        log.warning("向量模型“%s”无法加载（%s），检索仅使用词法（BM25）模式", name_or_path, reason)
        return None


def _client(path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


def _encode(model: Any, texts: list[str], progress: bool = False) -> np.ndarray:
    vectors = model.encode(texts, normalize_embeddings=True, show_progress_bar=progress, batch_size=16)
    return np.asarray(vectors, dtype=np.float32)


class DenseIndex:
    """Clause vectors persisted in chroma; `scores(text)` gives a cosine similarity per clause, in clause order.

    The 25 vectors are read back into one matrix when the index opens: a matrix product over them takes
    microseconds, while a chroma query per question costs far more and adds nothing at this size.
    """

    def __init__(self, model: Any, matrix: np.ndarray) -> None:
        self._model = model
        self._matrix = matrix
        # Torch inference is serialized: the HTTP server calls search from many threads.
        self._lock = threading.Lock()

    @classmethod
    def build(
        cls, path: Path, model: Any, ids: list[str], documents: list[str], progress: bool
    ) -> DenseIndex:
        """Embed the documents and (re)write the chroma collection under path."""
        vectors = _encode(model, documents, progress=progress)
        client = _client(path)
        if COLLECTION in [c.name for c in client.list_collections()]:
            client.delete_collection(COLLECTION)
        collection = client.create_collection(
            COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        collection.add(ids=ids, embeddings=vectors, documents=documents)
        return cls(model, vectors)

    @classmethod
    def open(cls, path: Path, model: Any, ids: list[str]) -> DenseIndex:
        """Read the stored vectors; raises if the collection is missing or does not hold exactly these clauses."""
        collection = _client(path).get_collection(COLLECTION, embedding_function=None)
        stored = collection.get(ids=ids, include=["embeddings"])
        by_id = dict(zip(stored["ids"], stored["embeddings"], strict=True))
        if sorted(by_id) != sorted(ids):
            raise ValueError(f"向量索引中的条款（{len(by_id)} 条）与语料（{len(ids)} 条）不一致")
        matrix = np.asarray([by_id[cid] for cid in ids], dtype=np.float32)
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        if matrix.shape[1] != dimension():
            raise ValueError("向量维度与当前模型不一致")
        return cls(model, matrix)

    def scores(self, text: str) -> np.ndarray:
        """Cosine similarity of text to every clause, aligned with the clause order given at build time."""
        return np.asarray(self.scores_many([text])[0])

    def scores_many(self, texts: list[str]) -> np.ndarray:
        """Cosine similarities, one row per text (vectors are unit length, so a dot product suffices)."""
        with self._lock:
            vectors = _encode(self._model, texts)
        return np.asarray(vectors @ self._matrix.T)


def reliability(dense: DenseIndex, probes: list[tuple[str, int]], n_clauses: int) -> float:
    """How much better than chance the model finds the clause of a lexicon phrase, from 0 to 1.

    Probes pair a colloquial phrase with the only clause that contains its policy words. A Chinese model
    finds most of them; an English-only model barely beats chance, and so gets almost no say in ranking.
    """
    if not probes:
        return 0.0
    scores = dense.scores_many([p for p, _ in probes])
    hits = sum(int(row.argmax()) == pos for row, (_, pos) in zip(scores, probes, strict=True))
    chance = 1.0 / n_clauses
    return max(0.0, (hits / len(probes) - chance) / (1.0 - chance))
