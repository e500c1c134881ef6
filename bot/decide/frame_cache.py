"""A message's frame for a rule, worked out once per reading: the deciders ask for the same one several times
(whether an amount is wanted, then the calls; in follow-ups whether the message changes the last call, then how)."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from bot.decide.frames import Frame, frame_for
from bot.nlu.figure import Figure
from bot.nlu.reading import Reading
from bot.packs.vocabulary import RuleSpec


def frame_of(reading: Reading, rule: RuleSpec, figures: Sequence[Figure] | None = None) -> Frame:
    """frame_for(rule) on the reading's text, mentions and language, with its figures (or these); each caller
    gets its own copy to change."""
    chosen = tuple(reading.figures if figures is None else figures)
    # Keyed by identity: the figures are the reading's own objects (or new ones, which simply miss), kept
    # alive by the entry so that no id is reused while the reading lives.
    key = (id(rule), tuple(id(f) for f in chosen))
    entry = reading.frames.get(key)
    if entry is None:
        frame = frame_for(rule, reading.text, list(reading.mentions), list(chosen), reading.lang)
        entry = reading.frames[key] = (rule, chosen, frame)
    return _copy(entry[2])


def _copy(frame: Frame) -> Frame:
    # The arguments go on into calls and edits, which may change lists inside them.
    return Frame(frame.rule, copy.deepcopy(frame.args), list(frame.excluded), dict(frame.conditions))
