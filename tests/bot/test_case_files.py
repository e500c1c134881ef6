"""Every regression case file under tests/data/ (answers the policy office marked wrong, exported by
`policybot cases export`) runs against the engine: a case fails until the engine answers it right.

A case file is a JSONL file whose conversations all have category "case"; POLICYBOT_TEST_CASE_DIRS
(os.pathsep-separated) adds more folders, which is how the test below runs the suite on an exported file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.records.cases import CATEGORY, check_case
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
EXTRA_DIRS = "POLICYBOT_TEST_CASE_DIRS"


def is_case_file(path: Path) -> bool:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        return bool(lines) and all(json.loads(line).get("category") == CATEGORY for line in lines)
    except (ValueError, AttributeError):
        return False


def case_files() -> list[Path]:
    folders = [DATA, *(Path(p) for p in os.environ.get(EXTRA_DIRS, "").split(os.pathsep) if p)]
    return [p for folder in folders for p in sorted(folder.rglob("*.jsonl")) if is_case_file(p)]


def cases() -> list[Any]:
    out = []
    for path in case_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                out.append(pytest.param(item, id=f"{path.name}:{item['id']}"))
    return out


@pytest.mark.parametrize("case", cases())
def test_case(engine, case: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    problems = check_case(case, lambda q, session: engine.ask(q, session_id=session).to_dict())
    assert problems == [], case.get("source", {}).get("comment")


def test_the_shipped_case_files_are_found() -> None:
    assert any(p.parent == DATA / "cases" for p in case_files())
    assert DATA / "golden.jsonl" not in case_files()  # golden has its own test


TOKEN = "console-token-0123456789"
AUTH = {"authorization": f"Bearer {TOKEN}"}


def _mark_and_export(settings, engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    """Real flow: an answer recorded by the app, marked in the console API, exported by the CLI."""
    from bot.cli.main import main
    from bot.http.app import create_app

    s = Settings(
        **{**settings.model_dump(), "admin_token": TOKEN, "serve_ui": False, "rate_limit_per_minute": 0}
    )
    with TestClient(create_app(s, engine)) as client:
        first = client.post("/v1/chat", json={"message": "流片能补多少钱？"}).json()
        chat = client.post(
            "/v1/chat", json={"message": "首次流片，800万", "session_id": first["session_id"]}
        ).json()
        assert chat["total_max_subsidy_yuan"] == "2400000"
        other = client.post("/v1/chat", json={"message": "首次流片费用1200万元能补多少"}).json()
        wrong = {
            "status": "answered",
            "clause_id": "m3",
            "amount": "300万",
        }  # what a wrong engine would not give
        for answer_id, expected in (
            (chat["answer_id"], wrong),
            (other["answer_id"], {**wrong, "amount": "180万"}),
        ):
            resp = client.post(
                "/v1/admin/cases", headers=AUTH, json={"answer_id": answer_id, "expected": expected}
            )
            assert resp.status_code == 200, resp.text
    monkeypatch.setenv("POLICYBOT_DATA_DIR", str(s.data_dir))
    out = tmp_path / "exported" / "marked.jsonl"
    assert main(["cases", "export", str(out)]) == 0
    return out


def test_an_exported_case_fails_the_suite_until_the_engine_answers_it_right(  # type: ignore[no-untyped-def]
    settings, engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported = _mark_and_export(settings, engine, tmp_path, monkeypatch)
    items = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert [t.get("context", False) for t in items[0]["turns"]] == [True, False]  # the conversation before it
    assert items[0]["turns"][1] == {
        "q": "首次流片，800万",
        "status": "answered",
        "cite": "m3",
        "total": "3000000",
    }
    # The engine says 240万: the first case fails; an engine that answered 300万 would pass it.
    ask = lambda q, s: engine.ask(q, session_id=s).to_dict()  # noqa: E731
    assert any("total 2400000 != 3000000" in p for p in check_case(items[0], ask))
    right = {
        "status": "answered",
        "citations": [{"clause_id": "m3"}],
        "total_max_subsidy_yuan": "3000000",
        "answer": "",
    }
    assert check_case(items[0], lambda q, s: right) == []
    # And the suite itself picks the file up: one case fails, the other (answered right) passes.
    env = {**os.environ, EXTRA_DIRS: str(exported.parent)}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "tests/bot/test_case_files.py",
            "-k",
            "marked.jsonl",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 1, run.stdout[-3000:]
    tail = run.stdout[-3000:]
    assert "1 failed, 1 passed" in tail, tail
    assert f"FAILED tests/bot/test_case_files.py::test_case[marked.jsonl:{items[0]['id']}]" in tail, tail
