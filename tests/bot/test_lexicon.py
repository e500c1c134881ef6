"""The domain lexicon: file format, the colloquial→policy mappings, and that every target is policy wording."""

from __future__ import annotations

import pytest

from bot.packs.corpus import Corpus
from bot.retrieval import store
from bot.retrieval.lexicon import Lexicon, LexiconError, load_lexicon, parse_lexicon
from bot.settings import DEFAULT_CORPUS_DIR


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(DEFAULT_CORPUS_DIR)


def test_parse_format_and_aliases() -> None:
    lex = parse_lexicon("# 注释\n\n贴息/貼息\t利息补贴, LPR\n首次流片\n")
    assert lex.expansions == {"贴息": ("利息补贴", "LPR")}  # 貼息 normalizes to 贴息
    assert {"贴息", "利息补贴", "lpr", "首次流片"} <= lex.terms
    assert lex.expand("贷款贴息怎么算") == ["利息补贴", "LPR"]


def test_malformed_line_names_the_line() -> None:
    with pytest.raises(LexiconError, match="第 2 行"):
        parse_lexicon("贴息\t利息补贴\n贴息\t利息补贴\t多余\n")


def test_missing_file_gives_an_empty_lexicon(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert load_lexicon(tmp_path).expand("贴息") == []


@pytest.mark.parametrize(
    ("said", "policy_word"),
    [
        ("芯片设计软件", "EDA工具"),
        ("贴息", "利息补贴"),
        ("场地费", "场租费"),
        ("峰会", "交流活动"),
        ("论坛", "交流活动"),
        ("算力", "算力资源"),
        ("算力", "智算"),
        ("办公室租金", "房租"),
        ("流片", "流片费用"),
        ("网安险", "网络安全保险"),
        ("国标", "国家标准"),
        ("iso", "国际标准"),
        ("高层次人才", "人才计划"),
        ("lpr", "LPR"),
        ("ip核", "IP"),
        ("签核", "半导体签核中心"),
        ("首台套", "首次上市"),
        ("鸿蒙", "鸿蒙开发者中心"),
        ("昇腾", "昇腾创新中心"),
        ("鲲鹏", "鲲鹏适配中心"),
        ("两链融合", "杭高新〔2022〕7号"),
    ],
)
def test_colloquial_words_map_to_policy_words(lexicon: Lexicon, said: str, policy_word: str) -> None:
    from bot.nlu.normalize import normalize

    assert normalize(policy_word) in lexicon.expand(normalize(said))


@pytest.mark.parametrize(
    "term",
    [
        "首次流片",
        "签核中心",
        "算力券",
        "模型券",
        "创新券",
        "基石数商",
        "星火数商",
        "芯机联动",
        "未来工厂",
        "浙江制造",
    ],
)
def test_policy_terms_are_jieba_words(lexicon: Lexicon, term: str) -> None:
    from bot.nlu.normalize import normalize

    assert normalize(term).lower() in lexicon.terms


def test_every_expansion_target_is_policy_wording(lexicon: Lexicon, corpus: Corpus) -> None:
    extras = store.metadata_lines(corpus)
    indexed = "".join(store.clause_document(c, extras.get(c.key, [])) for c in corpus.clauses)
    from bot.nlu.normalize import normalize

    haystack = normalize(indexed).replace(" ", "").lower()
    targets = {t for ts in lexicon.expansions.values() for t in ts}
    missing = sorted(t for t in targets if t.replace(" ", "").lower() not in haystack)
    assert not missing, f"词典目标词不在政策原文或元数据中：{missing}"


def test_longest_word_wins_and_latin_needs_boundaries(lexicon: Lexicon) -> None:
    assert "创新中心" not in lexicon.matches("昇腾创新中心在哪条")
    assert "创新中心" not in lexicon.matches("升腾创新中心在哪条")  # the spelling users type for 昇腾
    assert "ip" not in lexicon.matches("企业ipo上市")
    assert "ip" in lexicon.matches("ip和eda都要钱")
