"""bot/ and ui/ name no policy: no calculator name, clause id, 文号 or pack id of a loaded pack appears in
their code, scripts or styles (each belongs in its pack; see ../shared/tools/policy_literals.sh)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from calculators import CALCULATORS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for d in ("bot", "ui") for p in (ROOT / d).rglob("*") if p.suffix in {".py", ".js", ".css"}]
CLAUSE_ID = re.compile(r"""["'][ma][0-9]{1,2}["']""")


def _pack_words() -> set[str]:
    words = {c.name for c in CALCULATORS}
    for meta in (ROOT / "corpus" / "policies").glob("*/document.json"):
        doc = json.loads(meta.read_text(encoding="utf-8"))
        words |= {meta.parent.name, doc["doc_number"]}
    return words


def test_the_scan_sees_the_engine_and_the_pack() -> None:
    names = {p.name for p in SOURCES}
    assert {"engine.py", "selfcheck.js", "selfcheck.css", "console.py"} <= names
    assert len(_pack_words()) > len(CALCULATORS) >= 20


def test_no_calculator_name_clause_id_or_document_number_in_bot_or_ui() -> None:
    words = _pack_words()
    found = []
    for path in SOURCES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            hits = [w for w in words if w in line] + CLAUSE_ID.findall(line)
            found += [f"{path.relative_to(ROOT)}:{n}: {hit}" for hit in hits]
    assert not found, "\n".join(found)
