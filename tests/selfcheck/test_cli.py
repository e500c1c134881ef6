"""`policybot selfcheck FILE`: summary, --json as the API returns it, --html report, Chinese errors (exit 2)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli.main import main

PROFILE = {
    "facts": {"in_zone": True, "industry": "集成电路", "year": 2025, "established_date": "2023-03-01"},
    "items": [
        {"tool": "first_tapeout_subsidy", "inputs": {"fees_yuan": "800万"}},
        {"tool": "lpr_interest_subsidy", "inputs": {"principal_yuan": "800万", "loan_date": "2024-08-01"}},
    ],
}


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_json_output_is_the_selfcheck_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["selfcheck", write(tmp_path, PROFILE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_max_subsidy_yuan"] == "2567500"  # 2,400,000 + 5,000,000 × 3.35%
    assert len(data["measures"]) == 29


def test_summary_and_html_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert main(["selfcheck", write(tmp_path, PROFILE), "--html", str(out)]) == 0
    text = capsys.readouterr().out
    assert "[可申报] 第3条（加大流片支持） 首次流片补贴：240万元（经信局）" in text
    assert "合计最高：256.75万元（2,567,500 元）" in text and "[待补充]" in text and "[未定金额]" in text
    assert "杭高新〔2024〕7号" in out.read_text(encoding="utf-8")


def test_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(PROFILE)))
    assert main(["selfcheck", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_max_subsidy_yuan"] == "2567500"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "不是合法的 JSON"),
        (json.dumps({"facts": {"year": "明年"}}), "2000 至 2100"),
        (
            json.dumps({"items": [{"tool": "first_tapeout_subsidy", "inputs": {"fees_yuan": "负300万"}}]}),
            "第1项",
        ),
    ],
)
def test_bad_files_exit_2_with_chinese_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, words: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert main(["selfcheck", str(path)]) == 2
    assert words in capsys.readouterr().err
    assert main(["selfcheck", str(tmp_path / "missing.json")]) == 2
    assert "无法读取" in capsys.readouterr().err
