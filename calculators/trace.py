"""One calculation's record: the dated parameters it read and the steps it took, for the result's trace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from calculators.money import yuan_str
from calculators.params import Parameter, ParameterValue, parameters_for

# The Calculation methods that read a parameter; calculators.check finds the names passed to them.
PARAMETER_READERS = ("param", "param_entry", "param_note", "parameter", "mention")


class TraceParameter(BaseModel):
    """A parameter a calculation used: its value, the day that value applies from, and its clause."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: str
    since: str
    reference: str
    description: str


class TraceStep(BaseModel):
    """One step of a calculation, in words with the numbers, and the value it produced."""

    model_config = ConfigDict(frozen=True)

    text: str
    value: str


class Trace(BaseModel):
    """The inputs, the parameters used and the steps taken, in order."""

    inputs: dict[str, str] = Field(default_factory=dict)
    parameters: list[TraceParameter] = Field(default_factory=list)
    steps: list[TraceStep] = Field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """A step inside a Part, kept with the amount it explains until the Part is chosen."""

    text: str
    value: str


class Calculation:
    """The parameters one calculation of a pack reads, on the date it applies them, and its steps."""

    def __init__(self, doc_id: str, on: date | None = None) -> None:
        self.doc_id = doc_id
        self.on = on or date.today()
        self._parameters = parameters_for(doc_id)
        self._used: dict[tuple[str, date], ParameterValue] = {}
        self.steps: list[Step] = []

    def param_entry(self, name: str, on: date | None = None) -> ParameterValue:
        """The parameter in force on `on` (default: the calculation date), recorded as used."""
        entry = self._parameters.value(name, on or self.on)
        self._used.setdefault((name, entry.since), entry)
        return entry

    def param(self, name: str, on: date | None = None) -> Decimal:
        """The value of a parameter in force on `on` (default: the calculation date), recorded as used."""
        return self.param_entry(name, on).value

    def mention(self, name: str) -> Decimal:
        """A value the result states in words without applying it (a tier not reached); not recorded."""
        return self._parameters.value(name, self.on).value

    def parameter(self, name: str) -> Parameter:
        """A parameter's declaration with all its dated values (not recorded: no value is applied)."""
        return self._parameters.parameter(name)

    def param_note(self, name: str) -> str:
        """The reading the parameters file gives for a parameter (its `note`), to show the user."""
        note = self.parameter(name).note
        if note is None:
            raise LookupError(f"{self._parameters.path}：参数“{name}”没有 note，无法作为说明")
        return note

    def step(self, text: str, value: object) -> None:
        """Record one step of the calculation."""
        self.steps.append(Step(text, _text(value)))

    def trace(self, inputs: dict[str, str], more: tuple[Step, ...] = ()) -> Trace:
        """The trace: inputs, the parameters used (in the order first read), these steps and then `more`."""
        params = [
            TraceParameter(
                name=e.name,
                value=format(e.value, "f"),
                since=e.since.isoformat(),
                reference=e.reference,
                description=e.description,
            )
            for e in self._used.values()
        ]
        steps = [TraceStep(text=s.text, value=s.value) for s in (*self.steps, *more)]
        return Trace(inputs=dict(inputs), parameters=params, steps=steps)


def _text(value: object) -> str:
    return yuan_str(value) if isinstance(value, Decimal) else str(value)
