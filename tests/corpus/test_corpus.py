"""The corpus: canonical ids, metadata, repaired page breaks, verbatim fidelity to the source."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.packs.corpus import Corpus, load_corpus
from bot.settings import DEFAULT_CORPUS_DIR

EXPECTED_IDS = ["header", "goals"] + [f"m{i}" for i in range(1, 20)] + [f"a{i}" for i in range(1, 5)]
SOURCE = DEFAULT_CORPUS_DIR / "policies" / "hzgx-2024-7" / "source.txt"


def test_canonical_ids_in_order(corpus: Corpus) -> None:
    assert [c.id for c in corpus.clauses] == EXPECTED_IDS


@pytest.mark.parametrize(
    ("clause_id", "title", "section", "units"),
    [
        ("m1", "支持技术攻关", "（一）支持关键芯片突破", ("经信局", "发改局", "科技局")),
        ("m3", "加大流片支持", "（一）支持关键芯片突破", ("经信局",)),
        ("m6", "加强算力供给", "（二）建设算力支撑体系", ("经信局", "发改局", "科技局")),
        ("m7", "促进数据交易", "（三）促进数据要素开放", ("发改局", "商务局", "经信局")),
        ("m12", "促进终端应用", "（四）优化产业发展生态", ("经信局",)),
        ("m17", "强化金融服务", "（五）强化资源服务保障", ("发改局", "经信局", "高新金投集团")),
        ("m18", "加快人才引育", "（五）强化资源服务保障", ("人才办",)),
        ("m19", "保护知识产权", "（五）强化资源服务保障", ("市场监管局",)),
        ("a2", "从高从优不重复", "三、实施附则", ()),
    ],
)
def test_clause_metadata(
    corpus: Corpus, clause_id: str, title: str, section: str, units: tuple[str, ...]
) -> None:
    clause = corpus.clause(clause_id)
    assert clause is not None
    assert (clause.title, clause.section, clause.units) == (title, section, units)
    if units:
        assert clause.lead_unit == units[0]


def test_every_measure_has_units_and_a_title(corpus: Corpus) -> None:
    for i in range(1, 20):
        clause = corpus.clause(f"m{i}")
        assert clause is not None and clause.units and clause.title
        assert clause.text.startswith(f"{i}. {clause.title}。")
        assert "列第一位" not in "".join(clause.units)


def test_document_metadata(corpus: Corpus) -> None:
    meta = corpus.primary.meta
    assert meta["doc_number"] == "杭高新〔2024〕7号"
    assert meta["issued_date"] == "2024-05-24"
    assert meta["effective_date"] == "2024-06-25"
    assert meta["issuers"] == ["杭州高新技术产业开发区管理委员会", "杭州市滨江区人民政府"]
    assert meta["repeals"][0]["doc_number"] == "杭高新〔2019〕24号"  # type: ignore[index]
    assert meta["refers_to"][0]["doc_number"] == "杭高新〔2022〕7号"  # type: ignore[index]


@pytest.mark.parametrize(
    ("clause_id", "joined"),
    [
        ("m4", "自主研发投入 5000 万元以上"),
        ("m7", "公共数据资源开发利用"),
        ("m9", "最高补贴 100 万元"),
        ("m15", "“未来工厂”相关规定"),
        ("m18", "规范人才流动秩序"),
    ],
)
def test_page_break_splits_are_repaired(corpus: Corpus, clause_id: str, joined: str) -> None:
    clause = corpus.clause(clause_id)
    assert clause is not None and joined in clause.text


def test_no_clause_contains_a_split_sentence(corpus: Corpus) -> None:
    # A page break left a line ending mid-sentence (a CJK character) before a blank line.
    for clause in corpus.clauses:
        assert not re.search(r"[\u4e00-\u9fff]\n\s*\n", clause.text), clause.id
        if clause.id.startswith(("m", "a")):
            assert "\n" not in clause.text, clause.id


def test_clause_text_is_verbatim_source(corpus: Corpus) -> None:
    # Removing line breaks from the source must leave every clause's text as one contiguous run.
    flat = re.sub(r"\s*\n\s*", "", SOURCE.read_text(encoding="utf-8"))
    for clause in corpus.clauses:
        if clause.id == "header":
            continue
        assert re.sub(r"\s*\n\s*", "", clause.text) in flat, clause.id


def test_header_holds_title_number_issuers_and_preamble(corpus: Corpus) -> None:
    header = corpus.clause("header")
    assert header is not None
    for piece in ("杭高新〔2024〕7号", "杭州市滨江区人民政府", "2024年5月24日", "为抢抓人工智能发展新机遇"):
        assert piece in header.text
    assert "发展目标" not in header.text


def test_second_document_added_as_data(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS_DIR / "policies", corpus_dir / "policies")
    other = corpus_dir / "policies" / "zz-other"
    other.mkdir()
    (other / "document.json").write_text(
        '{"doc_id": "zz-other", "doc_number": "测试〔2025〕1号", "title": "测试文件", "clauses_file": "clauses.json"}',
        encoding="utf-8",
    )
    (other / "clauses.json").write_text(
        '[{"id": "m3", "number": "3", "title": "测试", "section": "", "units": ["经信局"], "text": "3. 测试。"}]',
        encoding="utf-8",
    )
    loaded = load_corpus(corpus_dir)
    assert [d.doc_id for d in loaded.documents] == ["hzgx-2024-7", "zz-other"]
    # Clause identity is (document, id): the same id in two documents, a bare id meaning the primary's.
    other_m3, own_m3 = loaded.clause("zz-other:m3"), loaded.clause("m3")
    assert other_m3 is not None and other_m3.text == "3. 测试。"
    assert own_m3 is not None and own_m3.doc_id == "hzgx-2024-7"
    assert loaded.resolve("ZZ-OTHER:M3") is None and loaded.resolve("zz-other:M3") == other_m3


def test_a_second_pack_with_the_same_doc_id_is_refused(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS_DIR / "policies", corpus_dir / "policies")
    shutil.copytree(corpus_dir / "policies" / "hzgx-2024-7", corpus_dir / "policies" / "zz-copy")
    with pytest.raises(ValueError, match="doc_id“hzgx-2024-7”重复"):
        load_corpus(corpus_dir)


@pytest.mark.parametrize(
    ("document", "clauses", "message"),
    [
        ('{"doc_id": "x", "doc_number": "1号", "clauses_file": "c.json"}', "[]", "缺少字段 title"),
        (
            '{"doc_id": "x", "doc_number": "1号", "title": "t", "clauses_file": "c.json"}',
            "[]",
            "非空的条款列表",
        ),
        ("{not json", "[]", "不是合法的 JSON"),
        (
            '{"doc_id": "x", "doc_number": "1号", "title": "t", "clauses_file": "c.json"}',
            '[{"id": "m1", "number": "1", "title": "a", "section": "", "units": [], "text": "x"},'
            ' {"id": "m1", "number": "2", "title": "b", "section": "", "units": [], "text": "y"}]',
            "条款编号“m1”重复",
        ),
        (
            '{"doc_id": "x", "doc_number": "1号", "title": "t", "clauses_file": "c.json"}',
            '[{"id": "m1"}]',
            "缺少字段",
        ),
    ],
)
def test_a_bad_pack_is_refused_naming_file_and_field(
    tmp_path: Path, document: str, clauses: str, message: str
) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "document.json").write_text(document, encoding="utf-8")
    (folder / "c.json").write_text(clauses, encoding="utf-8")
    from bot.packs.corpus import PackError, load_document

    with pytest.raises(PackError, match=message) as caught:
        load_document(folder)
    assert str(folder) in str(caught.value)
