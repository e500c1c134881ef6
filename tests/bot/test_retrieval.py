"""Retriever contract: ranked hits, direct references first, normalization, rebuild on damage, threads."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.packs.corpus import Corpus
from bot.retrieval import store
from bot.retrieval.retriever import Hit, Retriever
from bot.settings import Settings


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, corpus: Corpus) -> Retriever:
    settings = Settings(data_dir=tmp_path_factory.mktemp("retrieval") / "data", embedding_model=None)
    return Retriever.load(settings, corpus)


def test_search_returns_ranked_hits_with_titles(built: Retriever, corpus: Corpus) -> None:
    hits = built.search("流片补贴", k=4)
    assert [type(h) for h in hits] == [Hit] * len(hits) and 1 <= len(hits) <= 4
    assert hits[0].clause_id == "m3" and hits[0].title == corpus.clause("m3").title
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].to_dict() == {
        "clause_id": "m3",
        "doc_id": "hzgx-2024-7",
        "title": "加大流片支持",
        "score": round(hits[0].score, 4),
    }


def test_modes_are_lexical_only_without_a_model(built: Retriever) -> None:
    assert built.modes == ["bm25"]
    assert "仅使用词法" in built.note


@pytest.mark.parametrize("k", [1, 2, 5])
def test_k_limits_results(built: Retriever, k: int) -> None:
    assert len(built.search("集成电路企业补贴", k=k)) == k


@pytest.mark.parametrize("query", ["", "   ", "？？", "hello world"])
def test_queries_without_policy_words_return_nothing(built: Retriever, query: str) -> None:
    assert built.search(query) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("第3条", "m3"),
        ("第 3 条讲什么", "m3"),
        ("第十二条", "m12"),
        ("第12项", "m12"),
        ("第十九条", "m19"),
        ("第二十条", None),
        ("附则第2条", "a2"),
        ("实施附则第二条", "a2"),
        ("附则里第四条说了啥", "a4"),
        ("附则第5条", None),
        ("m7", "m7"),
        ("M7 讲的什么", "m7"),
        ("a2", "a2"),
        ("第三条第二款", "m3"),
        ("第二款怎么理解", None),
        ("第三点", "m3"),
        ("發展目標", "goals"),
        ("这个文件的文号", "header"),
        ("废止文件的文号是什么", None),
        ("3家企业调用数据集", None),
        ("2024年3月投保", None),
        ("第3年还有补贴吗", None),
        ("打印用A4纸", None),
        ("500m2的办公室", None),
    ],
)
def test_direct_reference(built: Retriever, query: str, expected: str | None) -> None:
    assert built.direct_reference(query) == expected


def test_direct_reference_comes_first_even_against_strong_words(built: Retriever) -> None:
    hits = built.search("第6条和流片补贴有什么区别", k=3)
    assert hits[0].clause_id == "m6"
    assert "m3" in [h.clause_id for h in hits]
    assert len({h.clause_id for h in hits}) == len(hits)


def test_traditional_and_fullwidth_match_simplified(built: Retriever) -> None:
    plain = [h.clause_id for h in built.search("网安险补贴", k=3)]
    assert [h.clause_id for h in built.search("網安險補貼", k=3)] == plain
    assert built.search("ＥＤＡ工具补贴", k=1)[0].clause_id == "m2"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("文号是多少", "header"),
        ("什么时候印发的", "header"),
        ("2025年算力规模目标", "goals"),
        ("政策从哪天开始施行", "a4"),
        ("杭高新〔2019〕24号还有效吗", "a4"),
        ("适用范围", "a1"),
        ("从高从优不重复", "a2"),
        ("杭高新〔2022〕7号", "a3"),
    ],
)
def test_document_questions_hit_their_clause(built: Retriever, query: str, expected: str) -> None:
    assert built.search(query, k=1)[0].clause_id == expected


def test_concurrent_searches_agree_with_sequential(built: Retriever) -> None:
    queries = ["流片补贴", "贷款贴息", "算力券", "第十二条", "鸿蒙", "人才计划", "网安险", "场地费"] * 8
    expected = [built.search(q) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(built.search, queries)) == expected


def _fresh(tmp_path: Path, corpus: Corpus) -> tuple[Settings, Retriever]:
    settings = Settings(data_dir=tmp_path / "data", embedding_model=None)
    return settings, Retriever.load(settings, corpus)


def test_load_reuses_a_complete_index(tmp_path: Path, corpus: Corpus) -> None:
    settings, _ = _fresh(tmp_path, corpus)
    manifest = (settings.index_dir / store.MANIFEST).read_text(encoding="utf-8")
    again = Retriever.load(settings, corpus)
    assert (settings.index_dir / store.MANIFEST).read_text(encoding="utf-8") == manifest
    assert again.search("流片", k=1)[0].clause_id == "m3"


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: (d / store.MANIFEST).write_text("{not json", encoding="utf-8"),
        lambda d: (d / store.MANIFEST).unlink(),
        lambda d: (d / store.DICTIONARY).unlink(),
        lambda d: (d / store.POSTINGS).write_bytes(b"garbage"),
        lambda d: (d / store.POSTINGS).write_text((d / store.POSTINGS).read_text()[:200], encoding="utf-8"),
        lambda d: (d / store.POSTINGS).write_text(
            '{"format": 1, "num_docs": 2, "vocab": {"流片": 5}, "postings": []}'
        ),
        lambda d: (d / store.POSTINGS).unlink(),
    ],
    ids=[
        "manifest-garbage",
        "manifest-missing",
        "dictionary-missing",
        "postings-garbage",
        "postings-truncated",
        "postings-inconsistent",
        "postings-missing",
    ],
)
def test_damaged_index_is_rebuilt_with_a_logged_reason(
    tmp_path: Path, corpus: Corpus, caplog: pytest.LogCaptureFixture, damage: object
) -> None:
    settings, _ = _fresh(tmp_path, corpus)
    damage(settings.index_dir)  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, logger="bot.retrieval.retriever"):
        retriever = Retriever.load(settings, corpus)
    assert retriever.search("流片补贴", k=1)[0].clause_id == "m3"
    assert any("重建" in r.getMessage() or "构建" in r.getMessage() for r in caplog.records)
    store.read_manifest(settings.index_dir)  # the rebuilt index is complete again


def test_stale_index_is_rebuilt(tmp_path: Path, corpus: Corpus, caplog: pytest.LogCaptureFixture) -> None:
    settings, _ = _fresh(tmp_path, corpus)
    path = settings.index_dir / store.MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "fingerprint": "old"}), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="bot.retrieval.retriever"):
        Retriever.load(settings, corpus)
    assert "已更新" in caplog.text
    assert json.loads(path.read_text(encoding="utf-8"))["fingerprint"] == data["fingerprint"]


def test_metadata_lines_go_to_the_clause_that_mentions_them(corpus: Corpus) -> None:
    lines = {key.rpartition(":")[2]: value for key, value in store.metadata_lines(corpus).items()}
    assert "施行日期：2024年6月25日" in lines["a4"]
    assert any(line.startswith("废止文件：杭高新〔2019〕24号") for line in lines["a4"])
    assert any(line.startswith("参照文件：杭高新〔2022〕7号") for line in lines["a3"])
    assert "文号：杭高新〔2024〕7号" in lines["header"] and "印发日期：2024年5月24日" in lines["header"]


def test_tokenizer_changes_make_the_index_stale(monkeypatch: pytest.MonkeyPatch, corpus: Corpus) -> None:
    from bot.retrieval import tokenize
    from bot.retrieval.lexicon import Lexicon

    before = store.fingerprint(corpus, Lexicon())
    monkeypatch.setattr(tokenize, "STOPWORDS", tokenize.STOPWORDS | {"补贴"})
    assert store.fingerprint(corpus, Lexicon()) != before
