"""`policybot index`, `policybot search` and the doctor section, through the real CLI entry point."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.retrieval import store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLICYBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("POLICYBOT_EMBEDDING_MODEL", raising=False)
    return tmp_path / "data"


def test_index_then_if_missing_skips(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index"]) == 0
    assert "索引已构建" in capsys.readouterr().out
    built = store.read_manifest(data_dir / "index")["built_at"]
    assert main(["index", "--if-missing"]) == 0
    assert "已存在且为最新" in capsys.readouterr().out
    assert store.read_manifest(data_dir / "index")["built_at"] == built


def test_if_missing_says_it_is_building_not_to_run_a_command(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", "--if-missing"]) == 0
    err = capsys.readouterr().err
    assert "正在构建索引" in err and "运行 policybot index" not in err


def test_search_json_with_k(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "--json", "-k", "2", "流片补贴"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["query"] == "流片补贴"
    assert [r["clause_id"] for r in row["results"]][:1] == ["m3"] and len(row["results"]) == 2
    assert row["results"][0]["title"] == "加大流片支持" and isinstance(row["results"][0]["score"], float)


def test_search_reads_stdin_one_query_per_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("第十二条\n\n網安險補貼\n"))
    assert main(["search", "--json", "-k", "3"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["query"] for r in rows] == ["第十二条", "網安險補貼"]
    assert rows[0]["results"][0]["clause_id"] == "m12" and rows[1]["results"][0]["clause_id"] == "m9"


def test_search_text_output(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "贷款贴息"]) == 0
    out = capsys.readouterr().out
    assert "问题：贷款贴息" in out and "1. [m17] 强化金融服务" in out


def test_corrupt_index_is_rebuilt_with_a_chinese_notice(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index"]) == 0
    (data_dir / "index" / store.MANIFEST).write_text("垃圾", encoding="utf-8")
    capsys.readouterr()
    assert main(["search", "--json", "流片"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["results"][0]["clause_id"] == "m3"
    assert "Traceback" not in captured.err


def test_doctor_reports_index_and_modes(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "不存在" in report["index"] and report["retrieval_modes"] == "—"
    assert main(["index"]) == 0 and main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert report["index"].startswith("已构建") and report["retrieval_modes"] == "bm25"
    assert "仅词法" in report["retrieval_note"]


def test_lexical_cli_search_never_imports_torch_or_chromadb(tmp_path: Path) -> None:
    code = (
        "import sys; from bot.cli.main import main; main(['search', '--json', '流片补贴']);"
        "heavy = [m for m in ('torch', 'chromadb', 'sentence_transformers', 'gradio') if m in sys.modules];"
        "print('HEAVY', heavy)"
    )
    env = {**os.environ, "POLICYBOT_DATA_DIR": str(tmp_path / "data")}
    env.pop("POLICYBOT_EMBEDDING_MODEL", None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert '"clause_id": "m3"' in out.stdout
    assert "HEAVY []" in out.stdout
