"""`policybot calc`: list, run with key=value arguments, Chinese errors with exit code 2."""

from __future__ import annotations

import json

import pytest

from bot.cli.main import main
from calculators import CALCULATORS
from calculators.cli import parse_assignments


def test_parse_assignments_decodes_json_and_keeps_text() -> None:
    args = parse_assignments(['fees_yuan=["1000万","200万"]', "year=2025", "lpr_percent=3.1", "name=1200万"])
    assert args == {"fees_yuan": ["1000万", "200万"], "year": 2025, "lpr_percent": "3.1", "name": "1200万"}


def test_calc_lists_every_calculator(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == [c.name for c in CALCULATORS]


def test_calc_runs_one_calculator(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc", "first_tapeout_subsidy", "fees_yuan=1200万", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["max_subsidy_yuan"] == "1800000" and data["clause_id"] == "m3"
    assert main(["calc", "first_tapeout_subsidy", "fees_yuan=1200万"]) == 0
    assert "180万元" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["calc", "first_tapeout_subsidy", "fees_yuan=负300万"], "负数"),
        (["calc", "no_such_tool"], "没有名为"),
        (["calc", "first_tapeout_subsidy", "1200万"], "参数名=取值"),
    ],
)
def test_calc_errors_exit_2_with_chinese_message(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert words in capsys.readouterr().err
