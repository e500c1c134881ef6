"""Dated parameters: the 2024 pack's file, what each value cites, and the loader's Chinese errors."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from calculators import params
from calculators.params import (
    UNITS,
    ParameterFileError,
    ParameterNotInForceError,
    UnknownParameterError,
    load_parameters,
    parameters_for,
    parameters_path,
)

DOC_ID = "hzgx-2024-7"
PACK_DIR = Path(__file__).resolve().parents[2] / "corpus" / "policies" / DOC_ID
CHINESE_DIGITS = "零一二三四五六七八九十"


def clause_texts() -> dict[str, str]:
    clauses = json.loads((PACK_DIR / "clauses.json").read_text(encoding="utf-8"))
    return {c["id"]: re.sub(r"\s+", "", c["text"]) for c in clauses}


def written_forms(unit: str, value: Decimal) -> list[str]:
    """How the policy text writes a value of this unit: 0.15 → 15%, 20000000 → 2000万, 3 → 3 or 三."""
    if unit == "ratio":
        return [format((value * 100).normalize(), "f") + "%"]
    if unit == "yuan":
        return [format((value / 10000).normalize(), "f") + "万"]
    forms = [format(value.normalize(), "f")]
    return forms + ([CHINESE_DIGITS[int(value)]] if value <= 10 else [])


def appears(form: str, text: str) -> bool:
    return (
        re.search(
            rf"(?<![\d.]){re.escape(form)}(?![\d.])"
            if form[-1].isdigit()
            else rf"(?<![\d.]){re.escape(form)}",
            text,
        )
        is not None
    )


def test_the_pack_file_is_where_the_pack_says_and_loads() -> None:
    assert parameters_path(DOC_ID) == PACK_DIR / "parameters.yaml"
    loaded = parameters_for(DOC_ID)
    assert loaded is parameters_for(DOC_ID)  # validated once, then cached
    assert len(loaded.parameters) >= 50
    for param in loaded.parameters.values():
        assert param.unit in UNITS and param.description and param.values


def test_the_fast_yaml_loader_is_used_when_available() -> None:
    assert params._Loader is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@pytest.mark.parametrize("name", sorted(parameters_for(DOC_ID).parameters))
def test_each_parameter_cites_a_clause_that_contains_its_number(name: str) -> None:
    param = parameters_for(DOC_ID).parameter(name)
    text = clause_texts()[param.reference]
    if "publisher" in param.metadata:  # a published series (LPR): the clause names it, the publisher sets it
        assert "LPR" in text
        return
    first = param.values[0].value
    assert any(appears(form, text) for form in written_forms(param.unit, first)), (
        name,
        first,
        param.reference,
    )


def test_the_m9_schedule_falls_ten_points_a_year_from_the_clause_figures() -> None:
    schedule = parameters_for(DOC_ID).parameter("cyber_compensation_rate")
    assert "自2024年起" in clause_texts()["m9"] and "逐年递减10%" in clause_texts()["m9"]
    assert [v.since for v in schedule.values] == [date(year, 1, 1) for year in range(2024, 2032)]
    rates = [v.value for v in schedule.values]
    assert rates[0] == Decimal("0.70") and rates[-1] == 0
    assert all(a - b == Decimal("0.10") for a, b in zip(rates, rates[1:], strict=False))
    assert schedule.note and "10 个百分点" in schedule.note


def test_every_value_other_than_the_dated_series_starts_on_the_effective_date() -> None:
    effective = date.fromisoformat(json.loads((PACK_DIR / "document.json").read_text())["effective_date"])
    dated = {"cyber_compensation_rate", "lpr_1y", "lpr_5y"}
    for param in parameters_for(DOC_ID).parameters.values():
        if param.name not in dated:
            assert [v.since for v in param.values] == [effective], param.name


def test_value_gives_the_entry_in_force_with_its_date_and_clause() -> None:
    loaded = parameters_for(DOC_ID)
    lpr = loaded.value("lpr_1y", date(2024, 10, 20))
    assert (lpr.value, lpr.since, lpr.reference) == (Decimal("3.35"), date(2024, 7, 22), "m17")
    assert loaded.value("lpr_1y", date(2024, 10, 21)).value == Decimal("3.10")
    assert loaded.value("tapeout_small_rate", date(2024, 6, 25)).value == Decimal("0.30")
    with pytest.raises(ParameterNotInForceError) as info:
        loaded.value("tapeout_small_rate", date(2024, 6, 24))
    assert info.value.first == date(2024, 6, 25)
    with pytest.raises(UnknownParameterError, match="没有声明参数“no_such_rate”"):
        loaded.value("no_such_rate", date(2025, 1, 1))


GOOD = {
    "description": "测试比例",
    "unit": "ratio",
    "reference": "m3",
    "values": [{"from": "2024-06-25", "value": "0.3"}],
}


def write(tmp_path: Path, body: Any) -> Path:
    path = tmp_path / "parameters.yaml"
    path.write_text(
        body if isinstance(body, str) else yaml.safe_dump(body, allow_unicode=True), encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({k: v for k, v in GOOD.items() if k != "reference"}, ["reference", "缺失"]),
        ({**GOOD, "reference": ""}, ["reference", "非空"]),
        ({k: v for k, v in GOOD.items() if k != "description"}, ["description", "缺失"]),
        ({**GOOD, "unit": "元"}, ["unit", "未知"]),
        ({**GOOD, "values": []}, ["values", "为空"]),
        ({k: v for k, v in GOOD.items() if k != "values"}, ["values", "缺失"]),
        ({**GOOD, "values": [{"from": "2024-06-25", "value": "三成"}]}, ["value", "不是数字"]),
        ({**GOOD, "values": [{"from": "2024-06-25", "value": 0.3}]}, ["value", "字符串"]),
        ({**GOOD, "values": [{"from": "2024-06-25", "value": "1.5"}]}, ["value", "0 到 1"]),
        ({**GOOD, "values": [{"from": "2024-06-25", "value": "-0.1"}]}, ["value", "非负"]),
        ({**GOOD, "values": [{"from": "2024年6月", "value": "0.3"}]}, ["from", "日期", "YYYY-MM-DD"]),
        (
            {
                **GOOD,
                "values": [{"from": "2025-01-01", "value": "0.3"}, {"from": "2024-01-01", "value": "0.2"}],
            },
            ["第2项", "升序"],
        ),
        (
            {
                **GOOD,
                "values": [{"from": "2025-01-01", "value": "0.3"}, {"from": "2025-01-01", "value": "0.2"}],
            },
            ["第2项", "升序"],
        ),
        ({**GOOD, "values": [{"since": "2024-06-25", "value": "0.3"}]}, ["第1项", "from"]),
        ({**GOOD, "refrence": "m3"}, ["未知字段", "refrence"]),
        ({**GOOD, "unit": "count", "values": [{"from": "2024-06-25", "value": "3.5"}]}, ["计数", "整数"]),
        ({**GOOD, "known_valid_through": "不详"}, ["known_valid_through", "日期"]),
    ],
)
def test_a_bad_parameter_is_a_chinese_error_naming_file_parameter_and_field(
    tmp_path: Path, spec: dict[str, Any], words: list[str]
) -> None:
    path = write(tmp_path, {"parameters": {"tapeout_small_rate": spec}})
    with pytest.raises(ParameterFileError) as info:
        load_parameters(path)
    message = str(info.value)
    assert str(path) in message and "tapeout_small_rate" in message
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("parameters: [", "YAML"),
        ({"tapeout_small_rate": GOOD}, "顶层"),
        ({"parameters": {}}, "没有任何参数"),
        ({"parameters": {"Tapeout-Rate": GOOD}}, "参数名"),
        ({"parameters": {"tapeout_small_rate": "0.3"}}, "映射"),
    ],
)
def test_a_bad_file_is_a_chinese_error_naming_the_file(tmp_path: Path, body: Any, words: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ParameterFileError) as info:
        load_parameters(path)
    assert str(path) in str(info.value) and words in str(info.value)


def test_a_missing_file_is_a_chinese_error(tmp_path: Path) -> None:
    with pytest.raises(ParameterFileError, match="无法读取"):
        load_parameters(tmp_path / "parameters.yaml")


def test_dates_written_as_yaml_dates_or_strings_both_load(tmp_path: Path) -> None:
    path = write(tmp_path, "parameters:\n  a_rate:\n    description: 比例\n    unit: ratio\n    reference: m3\n"
                           "    values:\n      - {from: 2024-06-25, value: \"0.30\"}\n      - {from: '2025-01-01', value: \"0.2\"}\n")  # fmt: skip
    loaded = load_parameters(path)
    assert loaded.value("a_rate", date(2024, 12, 31)).value == Decimal("0.30")
    assert loaded.value("a_rate", date(2025, 1, 1)).since == date(2025, 1, 1)
