"""A proposal checked by exactly the rules of an upload, and placed by the same geocoder.

Its fields become one row of the events table
(:func:`~speakout_map.events.validation.parse_rows`), checked and placed by
:func:`~speakout_map.store.publishing.check`, so a proposal gets an upload's
messages word for word. A form has no spreadsheet rows, so its problems
name only the field (the column). Fields longer than the form takes
(:func:`~speakout_map.supporters.proposal.too_long`) are refused first.
A proposal's event is always ``confirmed`` (it has a date and a place) and
has no organiser name: the form asks for none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from speakout_map.events.model import Problem, Status
from speakout_map.events.validation import parse_rows
from speakout_map.languages.message import Text
from speakout_map.places.place import PlacedEvent
from speakout_map.store import publishing
from speakout_map.supporters.proposal import form_cells, too_long


@dataclass(frozen=True)
class CheckedProposal:
    """A proposal's fields checked and placed like an upload's row: the event, or the problems."""

    cells: Mapping[str, str]
    placed: PlacedEvent | None
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    #: Why the online geocoder failed, if it did.
    geocoder_unavailable: Text | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.placed is not None


def _without_row(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    return tuple(replace(p, row=None) for p in problems)


def check_proposal(values: Mapping[str, object], *, geocoder, today: dt.date | None = None) -> CheckedProposal:
    """Check and place a proposal's fields by the rules of an upload; problems name the field, not a row."""
    cells = form_cells(values)
    long = too_long(cells)
    if long:
        return CheckedProposal(MappingProxyType(cells), None, long, ())
    row = {**cells, "status": Status.CONFIRMED.value}
    checked = publishing.check(parse_rows([row], today=today), "proposal", geocoder=geocoder)
    placed = checked.placed[0] if checked.placed and not checked.errors else None
    return CheckedProposal(MappingProxyType(cells), placed, _without_row(checked.errors),
                           _without_row(checked.warnings), checked.geocoder_unavailable)
