"""Dated policy parameters: every rate, cap, threshold and award, by the date it applies from, citing its clause.

Each pack keeps them in corpus/policies/<doc_id>/parameters.yaml (OpenFisca's country-template is the model):

    parameters:
      tapeout_small_rate:
        description: 首次流片费用 1000 万元以下档的补贴比例
        unit: ratio                # ratio | yuan | percent | count
        reference: m3              # the clause the number comes from
        note: 可选：有歧义处选用的理解
        values:
          - {from: 2024-06-25, value: "0.30"}

Values are strings so that Decimals stay exact. The file is validated once, when first used; every error is
Chinese and names the file, the parameter and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PARAMETERS_FILE = "parameters.yaml"
POLICIES_DIR = Path(__file__).resolve().parent.parent / "corpus" / "policies"
UNITS = ("ratio", "yuan", "percent", "count")
_FIELDS = frozenset({"description", "unit", "reference", "note", "values", "known_valid_through", "metadata"})
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ParameterFileError(ValueError):
    """A parameters file that cannot be used; the message names the file, the parameter and the field."""


class UnknownParameterError(KeyError):
    """A parameter name the pack's file does not declare."""

    def __init__(self, name: str, path: Path) -> None:
        self.message = f"{path}：没有声明参数“{name}”"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class ParameterNotInForceError(LookupError):
    """No value of the parameter applies yet on the date asked for."""

    def __init__(self, name: str, on: date, first: date) -> None:
        self.name, self.on, self.first = name, on, first
        super().__init__(f"参数“{name}”自 {first} 起才有取值，{on} 时尚无取值")


@dataclass(frozen=True)
class DatedValue:
    """One value and the day it applies from (until the next value's day)."""

    since: date
    value: Decimal


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: what it means, where it comes from, and its dated values (ascending)."""

    name: str
    description: str
    unit: str
    reference: str
    values: tuple[DatedValue, ...]
    note: str | None = None
    known_valid_through: date | None = None  # for published series (LPR): checked up to this day
    metadata: Mapping[str, str] = field(default_factory=dict)

    def at(self, on: date) -> DatedValue:
        """The value in force on `on`; ParameterNotInForceError before the first one."""
        found = None
        for entry in self.values:
            if entry.since > on:
                break
            found = entry
        if found is None:
            raise ParameterNotInForceError(self.name, on, self.values[0].since)
        return found


@dataclass(frozen=True)
class ParameterValue:
    """A parameter's value on a date, with the day it applies from and the clause it comes from."""

    name: str
    value: Decimal
    since: date
    reference: str
    description: str
    unit: str
    parameter: Parameter


@dataclass(frozen=True)
class ParameterSet:
    """All parameters of one pack, as read from its file."""

    path: Path
    parameters: Mapping[str, Parameter]

    def parameter(self, name: str) -> Parameter:
        """The declared parameter called `name`; UnknownParameterError otherwise."""
        try:
            return self.parameters[name]
        except KeyError:
            raise UnknownParameterError(name, self.path) from None

    def value(self, name: str, on: date) -> ParameterValue:
        """The value of `name` in force on `on`, with its start date and reference."""
        param = self.parameter(name)
        entry = param.at(on)
        return ParameterValue(
            name, entry.value, entry.since, param.reference, param.description, param.unit, param
        )


def parameters_path(doc_id: str) -> Path:
    """Where a pack's parameters file lives."""
    return POLICIES_DIR / doc_id / PARAMETERS_FILE


def load_parameters(path: Path) -> ParameterSet:
    """Read and validate a parameters file (not cached: `parameters_for` caches the packs' own files)."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        raise ParameterFileError(f"{path}：无法读取参数文件（{exc.strerror or exc}）") from None
    except yaml.YAMLError as exc:
        raise ParameterFileError(f"{path}：不是合法的 YAML（{exc}）") from None
    if not isinstance(raw, dict) or set(raw) != {"parameters"} or not isinstance(raw["parameters"], dict):
        raise ParameterFileError(f"{path}：顶层应只有一个键 parameters，其下按参数名列出各参数")
    if not raw["parameters"]:
        raise ParameterFileError(f"{path}：parameters 下没有任何参数")
    params = {str(name): _parameter(path, name, spec) for name, spec in raw["parameters"].items()}
    return ParameterSet(path, params)


def _parameter(path: Path, name: object, spec: object) -> Parameter:
    where = f"{path}：参数“{name}”"
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ParameterFileError(f"{where}：参数名只能用小写字母、数字和下划线，且以字母开头")
    if not isinstance(spec, dict):
        raise ParameterFileError(f"{where}：应为包含 description、unit、reference、values 的映射")
    unknown = sorted(str(k) for k in spec if k not in _FIELDS)
    if unknown:
        raise ParameterFileError(
            f"{where}：未知字段 {'、'.join(unknown)}（可用：{'、'.join(sorted(_FIELDS))}）"
        )
    description = _text(where, spec, "description", "参数含义（中文）")
    unit = spec.get("unit")
    if unit not in UNITS:
        raise ParameterFileError(f"{where}：字段 unit 的取值“{unit}”未知，应为 {' | '.join(UNITS)} 之一")
    reference = _text(where, spec, "reference", "引用的条款编号，如 m3")
    note = _text(where, spec, "note", "理解说明") if "note" in spec else None
    values = _values(where, spec.get("values"), str(unit))
    through = (
        _date(where, "known_valid_through", spec["known_valid_through"])
        if "known_valid_through" in spec
        else None
    )
    metadata = spec.get("metadata", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ParameterFileError(f"{where}：字段 metadata 应为“名称: 文字”的映射")
    return Parameter(
        name,
        description,
        str(unit),
        reference,
        values,
        note,
        through,
        {str(k): v for k, v in metadata.items()},
    )


def _text(where: str, spec: dict[str, Any], key: str, meaning: str) -> str:
    value = spec.get(key)
    if not isinstance(value, str) or not value.strip():
        problem = "缺失" if value is None else "应为非空文字"
        raise ParameterFileError(f"{where}：字段 {key}（{meaning}）{problem}")
    return value.strip()


def _values(where: str, raw: object, unit: str) -> tuple[DatedValue, ...]:
    if not isinstance(raw, list) or not raw:
        raise ParameterFileError(
            f'{where}：字段 values 缺失或为空，应至少有一项 {{from: 日期, value: "数值"}}'
        )
    out: list[DatedValue] = []
    for index, item in enumerate(raw):
        at = f"{where}：values 第{index + 1}项"
        if not isinstance(item, dict) or set(item) != {"from", "value"}:
            raise ParameterFileError(f'{at}：应写成 {{from: YYYY-MM-DD, value: "数值"}}')
        since = _date(at, "from", item["from"])
        if out and since <= out[-1].since:
            raise ParameterFileError(f"{at}：日期 {since} 应晚于上一项 {out[-1].since}（须按日期升序排列）")
        out.append(DatedValue(since, _decimal(at, item["value"], unit)))
    return tuple(out)


def _date(where: str, key: str, raw: object) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise ParameterFileError(f"{where}：字段 {key} 的日期“{raw}”无法读取，应写成 YYYY-MM-DD") from None


def _decimal(where: str, raw: object, unit: str) -> Decimal:
    if not isinstance(raw, str):
        raise ParameterFileError(f'{where}：字段 value 应写成带引号的字符串（如 "0.15"），以免小数失真')
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise ParameterFileError(f"{where}：字段 value 的取值“{raw}”不是数字") from None
    if not value.is_finite() or value < 0:
        raise ParameterFileError(f"{where}：字段 value 的取值“{raw}”应为有限的非负数")
    if unit == "ratio" and value > 1:
        raise ParameterFileError(f"{where}：字段 value 的比例“{raw}”应在 0 到 1 之间（0.15 表示 15%）")
    if unit == "count" and value != value.to_integral_value():
        raise ParameterFileError(f"{where}：字段 value 的计数“{raw}”应为整数")
    return Decimal(int(value)) if unit == "count" else value


_OVERRIDES: ContextVar[Mapping[str, ParameterSet] | None] = ContextVar("parameter_overrides", default=None)


@lru_cache(maxsize=16)
def _pack_parameters(doc_id: str) -> ParameterSet:
    return load_parameters(parameters_path(doc_id))


def parameters_for(doc_id: str) -> ParameterSet:
    """A pack's parameters: its own file, read and validated once, unless `using_parameters` replaced it."""
    override = (_OVERRIDES.get() or {}).get(doc_id)
    return override if override is not None else _pack_parameters(doc_id)


@contextmanager
def using_parameters(doc_id: str, path: Path) -> Iterator[ParameterSet]:
    """Within the block, calculations of `doc_id` read `path` instead of the pack's file (what-if, tests)."""
    loaded = load_parameters(path)
    token = _OVERRIDES.set({**(_OVERRIDES.get() or {}), doc_id: loaded})
    try:
        yield loaded
    finally:
        _OVERRIDES.reset(token)
