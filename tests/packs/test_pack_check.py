"""`policybot pack check DIR`: a sound pack passes; each kind of mistake is reported naming file and field."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.packs.check import check_pack
from bot.settings import DEFAULT_CORPUS_DIR

PRIMARY = DEFAULT_CORPUS_DIR / "policies" / "hzgx-2024-7"
SECOND = Path(__file__).resolve().parent / "hzgx-2019-24"


def test_the_real_packs_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert check_pack(PRIMARY) == []
    assert check_pack(SECOND) == []  # document.json and clauses.json only: no calculators needed
    assert main(["pack", "check", str(SECOND)]) == 0
    assert "检查通过" in capsys.readouterr().out


def _edit_json(name: str, change: Callable[[object], None]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / name
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    return edit


def _edit_text(name: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _duplicate_id(rows: object) -> None:
    assert isinstance(rows, list)
    rows[3]["id"] = rows[2]["id"]


def _bad_quote(data: object) -> None:
    assert isinstance(data, dict)
    data["clauses"]["m3"]["standard"][0]["quote"] = "首次流片费用 900 万元以上的"


def _bad_number(data: object) -> None:
    assert isinstance(data, dict)
    data["clauses"]["m6"]["cap"] = "单个主体年度最高补贴 150 万元"


@pytest.mark.parametrize(
    ("edit", "file", "words"),
    [
        (_edit_json("clauses.json", _duplicate_id), "clauses.json", "重复"),
        (_edit_json("points.json", _bad_quote), "points.json", "clauses.m3.quote"),
        (_edit_json("points.json", _bad_number), "points.json", "clauses.m6.cap"),
        (_edit_text("vocabulary.yaml", "    clause: m3\n", "    clause: m33\n"), "vocabulary.yaml", "m33"),
        (
            _edit_text("vocabulary.yaml", "quote: 履行事前报批程序", "quote: 事后报批"),
            "vocabulary.yaml",
            "conditions.prior_approval",
        ),
        (
            _edit_text("vocabulary.yaml", "      fees_yuan:\n", "      fee_yuan:\n"),
            "vocabulary.yaml",
            "fee_yuan",
        ),
        (
            _edit_text("vocabulary.yaml", "tool: first_tapeout_subsidy", "tool: tapeout_subsidy"),
            "vocabulary.yaml",
            "tapeout_subsidy",
        ),
        (_edit_text("vocabulary.yaml", "kind: money_list\n", "kind: moneys\n"), "vocabulary.yaml", "kind"),
        (_edit_text("parameters.yaml", "reference: m3", "reference: m30"), "parameters.yaml", "m30"),
    ],
)
def test_each_mistake_is_reported_with_its_file_and_field(
    tmp_path: Path, edit: Callable[[Path], None], file: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "hzgx-2024-7"
    shutil.copytree(PRIMARY, folder)
    edit(folder)
    problems = check_pack(folder)
    assert problems, "the broken copy passed"
    assert any(file in p and words in p for p in problems), problems
    assert main(["pack", "check", str(folder)]) == 1
    assert "处问题" in capsys.readouterr().out
