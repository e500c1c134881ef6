"""The pack checker: the real pack is clean, and each kind of break in a copy is reported by file and field."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from calculators.check import check_calculators

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "corpus" / "policies" / "hzgx-2024-7"
CODE = ROOT / "calculators" / "hzgx_2024_7"
CLAUSE_IDS = {c["id"] for c in json.loads((PACK / "clauses.json").read_text(encoding="utf-8"))}


def test_the_real_pack_has_no_problems() -> None:
    assert check_calculators(PACK, CLAUSE_IDS) == []


def test_a_pack_without_numeric_rules_has_nothing_to_check() -> None:
    second = ROOT / "tests" / "packs" / "hzgx-2019-24"
    ids = {c["id"] for c in json.loads((second / "clauses.json").read_text(encoding="utf-8"))}
    assert check_calculators(second, ids) == []


@pytest.fixture
def copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the pack's corpus folder and of its calculator modules."""
    data, code = tmp_path / "hzgx-2024-7", tmp_path / "hzgx_2024_7"
    shutil.copytree(PACK, data)
    shutil.copytree(CODE, code, ignore=shutil.ignore_patterns("__pycache__"))
    return data, code


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BREAKS: list[tuple[str, Callable[[Path, Path], None], list[str]]] = [
    (
        "invalid parameters file",
        lambda d, c: edit(d / "parameters.yaml", "unit: ratio", "unit: 比例"),
        ["parameters.yaml", "unit", "未知"],
    ),
    (
        "reference not a clause",
        lambda d, c: edit(d / "parameters.yaml", "reference: m6", "reference: m66"),
        ["parameters.yaml", "compute_rate", "reference", "m66"],
    ),
    (
        "undeclared parameter read",
        lambda d, c: edit(c / "chips.py", 'calc.param("ip_rate")', 'calc.param("ip_ratio")'),
        ["chips.py:", "ip_ratio", "未在", "parameters.yaml"],
    ),
    (
        "declared parameter unused",
        lambda d, c: edit(c / "chips.py", 'calc.param("ip_rate")', 'calc.param("ip_ratio")'),
        ["parameters.yaml", "ip_rate", "没有读取"],
    ),
    (
        "name not a literal",
        lambda d, c: edit(
            c / "data.py", 'calc.param("compute_rate")', 'calc.param("compute_" + "rate".upper())'
        ),
        ["data.py:", "字面量"],
    ),
    (
        "duplicate calculator name",
        lambda d, c: edit(
            c / "__init__.py", 'Calculator("ip_purchase_subsidy"', 'Calculator("eda_purchase_subsidy"'
        ),
        ["__init__.py:", "eda_purchase_subsidy", "重复"],
    ),
    (
        "clause id unknown",
        lambda d, c: edit(c / "__init__.py", 'talent.talent_award, "m18"', 'talent.talent_award, "m81"'),
        ["__init__.py:", "talent_award", "clause_id", "m81"],
    ),
    (
        "name of another pack",
        lambda d, c: edit(d / "document.json", '"doc_id": "hzgx-2024-7"', '"doc_id": "hzgx-2099-1"'),
        ["__init__.py:", "first_tapeout_subsidy", "hzgx-2024-7", "全局唯一"],
    ),
    (
        "quote not verbatim",
        lambda d, c: edit(c / "chips.py", "首次流片费用 1000 万元以下的", "首次流片费用 1000 万元以内的"),
        ["chips.py:", "TAPEOUT_QUOTE", "原文"],
    ),
    (
        "syntax error",
        lambda d, c: edit(c / "talent.py", "def talent_award(", "def talent_award(("),
        ["talent.py:", "语法错误"],
    ),
    (
        "no registration tuple",
        lambda d, c: edit(
            c / "__init__.py",
            "CALCULATORS: tuple[Calculator, ...] = (",
            "REGISTERED: tuple[Calculator, ...] = (",
        ),
        ["__init__.py", "CALCULATORS"],
    ),
]


@pytest.mark.parametrize(("label", "breaks", "words"), BREAKS, ids=[b[0] for b in BREAKS])
def test_each_break_is_reported_naming_file_and_field(
    copy: tuple[Path, Path], label: str, breaks: Callable[[Path, Path], None], words: list[str]
) -> None:
    data, code = copy
    assert check_calculators(data, CLAUSE_IDS, code_dir=code) == []  # the copy is clean before the break
    breaks(data, code)
    errors = check_calculators(data, CLAUSE_IDS, code_dir=code)
    assert any(all(word in e for word in words) for e in errors), errors


def test_quotes_are_compared_without_spaces(copy: tuple[Path, Path]) -> None:
    data, code = copy
    edit(code / "chips.py", "首次流片费用 1000 万元以下的", "首次流片费用1000万元以下的")
    assert check_calculators(data, CLAUSE_IDS, code_dir=code) == []


def test_every_break_in_one_copy_is_reported_together(copy: tuple[Path, Path]) -> None:
    data, code = copy
    edit(data / "parameters.yaml", "reference: m6", "reference: m66")
    edit(code / "__init__.py", 'talent.talent_award, "m18"', 'talent.talent_award, "m81"')
    edit(code / "chips.py", "首次流片费用 1000 万元以下的", "首次流片费用 1000 万元以内的")
    assert len(check_calculators(data, CLAUSE_IDS, code_dir=code)) == 3
