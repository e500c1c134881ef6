"""Deterministic subsidy calculators: generic machinery here, each policy's rules in its own pack.

A pack is the module named by its doc_id (hzgx-2024-7 → calculators.hzgx_2024_7) with an explicit
`CALCULATORS` tuple; its dated parameters live in corpus/policies/<doc_id>/parameters.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calculators.base import CEILING_NOTE, Calculator, SubsidyResult
from calculators.errors import CalculatorInputError, UnknownCalculatorError
from calculators.money import (
    AmountMention,
    MoneyParseError,
    find_amounts,
    format_wan,
    format_yuan,
    parse_money,
)
from calculators.registry import CalculatorRegistry, calculators_for

__all__ = [
    "BUILTIN_PACKS",
    "CALCULATORS",
    "CEILING_NOTE",
    "AmountMention",
    "Calculator",
    "CalculatorInputError",
    "CalculatorRegistry",
    "MoneyParseError",
    "SubsidyResult",
    "UnknownCalculatorError",
    "calculators_for",
    "find_amounts",
    "format_wan",
    "format_yuan",
    "get_calculator",
    "parse_money",
    "run_calculator",
]

BUILTIN_PACKS: tuple[str, ...] = ("hzgx-2024-7",)  # the packs whose rules ship with this release

_REGISTRY = CalculatorRegistry.of_packs(BUILTIN_PACKS)
CALCULATORS: tuple[Calculator, ...] = _REGISTRY.calculators


def get_calculator(name: str) -> Calculator:
    """The registered calculator called `name`; UnknownCalculatorError (a KeyError) otherwise."""
    return _REGISTRY.get(name)


def run_calculator(name: str, args: Mapping[str, Any]) -> SubsidyResult:
    """Validate `args` with the calculator's input model, run it, and return its result."""
    return _REGISTRY.run(name, args)
