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
    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
    except Exception as exc:  # any failure (missing files, offline hub, bad config) means lexical-only
        log.warning("向量模型“%s”无法加载（%s），检索仅使用词法（BM25）模式", name_or_path, exc)
        return None


def _client(path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


def _encode(model: Any, texts: list[str], progress: bool = False) -> np.ndarray:
    vectors = model.encode(texts, normalize_embeddings=True, show_progress_bar=progress, batch_size=16)
    return np.asarray(vectors, dtype=np.float32)


class DenseIndex:
    """Clause vectors in chroma; `scores(text)` gives a cosine similarity per clause, in clause order."""

    def __init__(self, model: Any, collection: Any, ids: list[str]) -> None:
        self._model = model
        self._collection = collection
        self._ids = ids
        self._pos = {cid: i for i, cid in enumerate(ids)}
        # Torch inference and chroma queries are serialized: the HTTP server calls search from many threads.
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
        collection.add(
            ids=ids, embeddings=vectors, documents=documents, metadatas=[{"pos": i} for i in range(len(ids))]
        )
        return cls(model, collection, ids)

    @classmethod
    def open(cls, path: Path, model: Any, ids: list[str]) -> DenseIndex:
        """Open the existing collection; raises if it is missing or does not hold exactly these clauses."""
        collection = _client(path).get_collection(COLLECTION, embedding_function=None)
        stored = collection.get(ids=ids, include=[])["ids"]
        if sorted(stored) != sorted(ids):
            raise ValueError(f"向量索引中的条款（{len(stored)} 条）与语料（{len(ids)} 条）不一致")
        return cls(model, collection, ids)

    def scores(self, text: str) -> np.ndarray:
        """Cosine similarity of text to every clause, aligned with the clause order given at build time."""
        with self._lock:
            vector = _encode(self._model, [text])
            found = self._collection.query(
                query_embeddings=vector, n_results=len(self._ids), include=["distances"]
            )
        out = np.zeros(len(self._ids), dtype=np.float32)
        for cid, distance in zip(found["ids"][0], found["distances"][0], strict=True):
            out[self._pos[cid]] = 1.0 - float(distance)
        return out
