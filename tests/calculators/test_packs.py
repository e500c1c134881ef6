"""Policy packs: each pack's calculators come from its own module; names are unique across packs."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import calculators
from calculators import CALCULATORS, CalculatorRegistry, calculators_for
from calculators.hzgx_2024_7 import DOC_ID
from calculators.registry import PackError, module_name

CALCULATORS_DIR = Path(calculators.__file__).resolve().parent
FORBIDDEN_IMPORTS = ("bot", "ui", "langchain", "langchain_core", "langchain_openai", "chromadb", "fastapi",
                     "gradio", "httpx", "uvicorn", "starlette", "requests")  # fmt: skip


def test_the_builtin_pack_registers_the_public_tuple() -> None:
    assert DOC_ID == "hzgx-2024-7"
    assert calculators_for(DOC_ID) == CALCULATORS
    assert {c.doc_id for c in CALCULATORS} == {DOC_ID}


def test_a_pack_without_a_rules_module_has_no_calculators() -> None:
    assert calculators_for("hzgx-2019-24") == ()


def test_module_name_maps_dashes_and_refuses_odd_ids() -> None:
    assert module_name("hzgx-2024-7") == "calculators.hzgx_2024_7"
    for bad in ("../bot", "HZGX-2024-7", "2024-7", "hzgx_2024_7", ""):
        with pytest.raises(PackError, match="政策包编号"):
            module_name(bad)


def test_a_name_registered_by_two_packs_is_a_chinese_error_naming_both() -> None:
    twin = dataclasses.replace(CALCULATORS[0], doc_id="hzgx-2099-1")
    with pytest.raises(PackError) as info:
        CalculatorRegistry([*CALCULATORS, twin])
    message = str(info.value)
    assert CALCULATORS[0].name in message and "hzgx-2024-7" in message and "hzgx-2099-1" in message
    assert "唯一" in message


def test_registry_of_packs_skips_packs_without_rules() -> None:
    registry = CalculatorRegistry.of_packs(["hzgx-2019-24", DOC_ID])
    assert registry.calculators == CALCULATORS
    assert registry.get("first_tapeout_subsidy").doc_id == DOC_ID


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(CALCULATORS_DIR.rglob("*.py")), ids=lambda p: p.name)
def test_calculators_import_no_engine_ui_or_web_code(path: Path) -> None:
    for name in _imported_modules(path):
        assert name.split(".")[0] not in FORBIDDEN_IMPORTS, f"{path.name} imports {name}"
