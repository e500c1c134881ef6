"""`policybot log` and `policybot purge` against a populated record store."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.records.backends import open_records
from bot.settings import Settings
from tests.reliability.test_records import fake_answer


@pytest.fixture
def populated(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("POLICYBOT_DATA_DIR", str(settings.data_dir))
    store = open_records(settings)
    ids = {}
    for question, status, total in (
        ("首次流片 1200 万能补多少", "answered", "1800000"),
        ("杭州明天下雨吗", "not_covered", None),
        ("EDA 工具补贴多少", "need_more_info", None),
    ):
        ans = fake_answer(status=status, total=total)
        store.record_answer(ans, question, mode="deterministic")
        ids[question] = ans["answer_id"]
    store.add_feedback(ids["杭州明天下雨吗"], False, "希望能回答天气")
    store.close()
    return ids


def test_log_lists_recent_and_unanswered(
    populated: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["log"]) == 0
    out = capsys.readouterr().out
    assert "已答 1，待补充 1，未覆盖 1；反馈 1 条（有用 0）" in out
    assert all(q in out for q in populated)
    assert "上限1800000元" in out
    assert main(["log", "--unanswered"]) == 0
    out = capsys.readouterr().out
    assert "杭州明天下雨吗" in out and "EDA 工具补贴多少" in out and "首次流片" not in out


def test_log_feedback_and_csv(
    populated: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["log", "--feedback"]) == 0
    assert "无用：希望能回答天气  ← 杭州明天下雨吗" in capsys.readouterr().out
    target = tmp_path / "export.csv"
    assert main(["log", "--csv", str(target)]) == 0
    assert "已导出 3 条" in capsys.readouterr().out
    with target.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["question"] for r in rows} == set(populated)
    assert {r["status"] for r in rows} == {"answered", "not_covered", "need_more_info"}


def test_purge_command(
    populated: dict[str, str], settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["purge"]) == 0
    assert "问答记录 0 条" in capsys.readouterr().out
    assert main(["purge", "--older-than-days", "0"]) == 0
    assert "问答记录 3 条、反馈 1 条" in capsys.readouterr().out
    assert open_records(settings).answer_ids() == set()


def test_doctor_reports_records_and_protections(
    populated: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYBOT_ADMIN_TOKEN", "t0ken")
    assert main(["doctor", "--json"]) == 0
    import json

    report = json.loads(capsys.readouterr().out)
    assert report["records"] == 3 and report["feedback"] == 1
    assert report["admin_api"].startswith("已开启") and report["cors_origins"] == "不允许跨域"
