"""Which calculators a policy pack registers, and one registry by calculator name across loaded packs.

A pack's rules live in the module named by its doc_id with "-" → "_" (hzgx-2024-7 → calculators.hzgx_2024_7),
which holds an explicit `CALCULATORS` tuple. A pack whose policy sets no numbers has no such module.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from calculators.base import Calculator, SubsidyResult
from calculators.errors import CalculatorInputError, UnknownCalculatorError, translate_error

_DOC_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


class PackError(ValueError):
    """A policy pack's calculators cannot be registered; the message is Chinese and names the pack."""


def module_name(doc_id: str) -> str:
    """The module holding a pack's rules: "hzgx-2024-7" → "calculators.hzgx_2024_7"."""
    if not _DOC_ID.fullmatch(doc_id):
        raise PackError(f"政策包编号“{doc_id}”不合规：只能用小写字母、数字和连字符，且以字母开头")
    return "calculators." + doc_id.replace("-", "_")


def calculators_for(doc_id: str) -> tuple[Calculator, ...]:
    """The calculators a pack registers; () when the pack has no rules module."""
    name = module_name(doc_id)
    if importlib.util.find_spec(name) is None:
        return ()
    module = importlib.import_module(name)
    calcs = getattr(module, "CALCULATORS", None)
    if not isinstance(calcs, tuple) or not all(isinstance(c, Calculator) for c in calcs):
        raise PackError(f"政策包 {doc_id} 的 {name}.CALCULATORS 应为 Calculator 组成的元组")
    for calc in calcs:
        if calc.doc_id != doc_id:
            raise PackError(f"计算器“{calc.name}”登记在政策包 {doc_id} 中，但其 doc_id 写的是 {calc.doc_id}")
    return calcs


class CalculatorRegistry:
    """Calculators of several packs, by name; a name registered by two packs is an error."""

    def __init__(self, calcs: Iterable[Calculator]) -> None:
        self._by_name: dict[str, Calculator] = {}
        for calc in calcs:
            known = self._by_name.get(calc.name)
            if known is not None:
                raise PackError(
                    f"计算器名称“{calc.name}”重复：政策包 {known.doc_id} 与 {calc.doc_id} 都登记了它，"
                    "计算器名称须在所有政策包中唯一"
                )
            self._by_name[calc.name] = calc

    @classmethod
    def of_packs(cls, doc_ids: Iterable[str]) -> CalculatorRegistry:
        """The registry of every calculator the given packs register, in pack order."""
        return cls(calc for doc_id in doc_ids for calc in calculators_for(doc_id))

    @property
    def calculators(self) -> tuple[Calculator, ...]:
        """All registered calculators, in registration order."""
        return tuple(self._by_name.values())

    def get(self, name: str) -> Calculator:
        """The calculator called `name`; UnknownCalculatorError (a KeyError) otherwise."""
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownCalculatorError(name, list(self._by_name)) from None

    def run(self, name: str, args: Mapping[str, Any]) -> SubsidyResult:
        """Validate `args` with the calculator's input model, run it, and return its result."""
        calc = self.get(name)
        if not isinstance(args, Mapping):
            raise CalculatorInputError([{"field": "参数", "message": "应为 JSON 对象（字段名: 取值）"}])
        try:
            model = calc.input_model.model_validate(dict(args))
        except ValidationError as exc:
            labels = {key: field.description or "" for key, field in calc.input_model.model_fields.items()}
            raise CalculatorInputError([translate_error(e, labels) for e in exc.errors()]) from None
        return calc.func(model)
