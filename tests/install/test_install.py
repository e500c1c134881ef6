"""What `pip install .` pulls: the default (lexical) install has no torch, sentence-transformers or chromadb."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "sentence-transformers", "chromadb")


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~\[;]", r, maxsplit=1)[0].lower() for r in requirements}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_default_install_has_no_dense_dependencies() -> None:
    project = _project()
    assert not _names(project["dependencies"]) & set(HEAVY)
    assert not _names(project["optional-dependencies"]["dev"]) & set(HEAVY)


def test_dense_extra_brings_the_vector_stack() -> None:
    assert _names(_project()["optional-dependencies"]["dense"]) >= set(HEAVY)


def test_makefile_never_installs_torch_from_the_default_index_for_run() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    base = makefile.split("$(BASE_STAMP): pyproject.toml", 1)[1].split("\n\n", 1)[0]
    assert "torch" not in base and "pip install --quiet -e ." in base
    assert "--index-url $(TORCH_INDEX_URL)" in makefile  # the dense extra gets the CPU build
