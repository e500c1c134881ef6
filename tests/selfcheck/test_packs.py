"""The self-check's pack data: validated at load with Chinese errors; packs with no selfcheck.yaml still take
part; a repealed pack takes no part; `policybot pack check` reports a bad selfcheck.yaml."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from bot.packs.check import check_pack
from bot.packs.corpus import PackError
from bot.packs.loader import load_packs
from bot.selfcheck import SelfCheck
from bot.selfcheck.spec import squash
from bot.settings import DEFAULT_CORPUS_DIR

OLD_PACK = Path(__file__).resolve().parents[1] / "packs" / "hzgx-2019-24"
PRIMARY = DEFAULT_CORPUS_DIR / "policies" / "hzgx-2024-7"


def test_every_quote_is_verbatim_and_every_measure_has_units(selfcheck: SelfCheck) -> None:
    for measure in selfcheck.catalogue.measures:
        assert squash(measure.spec.quote) in squash(measure.clause.text), measure.key
        assert measure.clause.units, measure.key
    tools = {m.tool for m in selfcheck.catalogue.measures if m.tool}
    assert tools == {c.name for c in selfcheck.packs.primary.calculators}  # every calculator is a measure


def test_measures_without_a_calculator_come_from_the_pack(selfcheck: SelfCheck) -> None:
    no_tool = [m for m in selfcheck.catalogue.measures if m.calculator is None]
    vocab = selfcheck.packs.primary.vocabulary
    assert vocab is not None
    tool_less = {r.clause for r in vocab.rules if not r.tool}
    assert tool_less <= {m.clause.id for m in no_tool}  # 第1、5、10、13、14条 …
    result = selfcheck.run({"facts": {}, "items": []})
    for entry in result["measures"]:
        if entry["tool"] is None:
            assert entry["status"] == "no_amount" and "未规定具体金额" in entry["reason"]


def test_a_repealed_pack_takes_no_part() -> None:
    check = SelfCheck(load_packs(DEFAULT_CORPUS_DIR, (OLD_PACK,)))
    assert {m.pack.doc_id for m in check.catalogue.measures} == {"hzgx-2024-7"}
    result = check.run({"facts": {}, "items": []})
    assert [d["doc_number"] for d in result["documents"]] == ["杭高新〔2024〕7号"]


def _second_pack(tmp_path: Path) -> Path:
    """The 2019 text as a live document of its own (another 文号), with a vocabulary naming one rule."""
    folder = tmp_path / "demo-2099-1"
    shutil.copytree(OLD_PACK, folder)
    meta = json.loads((folder / "document.json").read_text(encoding="utf-8"))
    meta.update(doc_id="demo-2099-1", doc_number="示例〔2099〕1号", issued_date="2099-01-01")
    (folder / "document.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    clauses = json.loads((folder / "clauses.json").read_text(encoding="utf-8"))
    for row in clauses:
        row["units"] = row["units"] or ["经信局"]
    (folder / "clauses.json").write_text(json.dumps(clauses, ensure_ascii=False), encoding="utf-8")
    vocab = {"document": {"short_name": "示例〔2099〕1号"}, "rules": [{"id": "rent", "clause": "m1"}]}
    (folder / "vocabulary.yaml").write_text(yaml.safe_dump(vocab, allow_unicode=True), encoding="utf-8")
    return folder


def test_a_pack_without_selfcheck_data_still_lists_its_measures(tmp_path: Path) -> None:
    check = SelfCheck(load_packs(DEFAULT_CORPUS_DIR, (_second_pack(tmp_path),)))
    result = check.run({"facts": {"year": 2025}, "items": []})
    second = [m for m in result["measures"] if m["doc_id"] == "demo-2099-1"]
    assert [(m["clause_id"], m["status"]) for m in second] == [("m1", "no_amount")]
    assert second[0]["doc_number"] == "示例〔2099〕1号" and "房租" in second[0]["reason"]
    assert [d["doc_id"] for d in result["documents"]] == ["hzgx-2024-7", "demo-2099-1"]


def _broken_copy(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    shutil.copytree(PRIMARY, corpus / "policies" / "hzgx-2024-7")
    path = corpus / "policies" / "hzgx-2024-7" / "selfcheck.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return corpus


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda d: d["measures"][1].update(quote="按照不超过其年度自主研发投入的 99% 给予补贴"),
            "不是条款 m2 的原文",
        ),
        (lambda d: d["measures"].append({"tool": "no_such_calculator", "quote": "x"}), "no_such_calculator"),
        (lambda d: d["facts"][4].update(inputs=["no_such_input"]), "计算器没有参数“no_such_input”"),
        (
            lambda d: d["measures"].append({"clause": "m99", "title": "不存在", "quote": "x"}),
            "条款“m99”不存在",
        ),
        (lambda d: d["measures"][0].update(repeat="sometimes"), "measures.0.repeat"),
        (lambda d: d["overlaps"].append(["first_tapeout_subsidy.nope"]), "first_tapeout_subsidy.nope"),
    ],
)
def test_a_bad_selfcheck_file_stops_start_up_naming_file_and_field(
    tmp_path: Path, change, words: str
) -> None:  # type: ignore[no-untyped-def]
    corpus = _broken_copy(tmp_path, change)
    with pytest.raises(PackError) as info:
        SelfCheck(load_packs(corpus))
    assert "selfcheck.yaml" in str(info.value) and words in str(info.value)
    problems = check_pack(corpus / "policies" / "hzgx-2024-7")
    assert any(words in p for p in problems), problems


def test_the_shipped_pack_passes_pack_check() -> None:
    assert check_pack(PRIMARY) == []
