"""A supporter's proposed event: its form fields, its review status, and its check by the upload's rules.

The form asks for the columns of the events file, in plain words
(:data:`FORM_FIELDS`, :data:`FIELD_LABELS`), each with a length limit
(:data:`FIELD_LIMITS`, :func:`too_long`); :mod:`speakout_map.supporters.checking`
checks a proposal by the rules of an upload. The store keeps a proposal's
fields as JSON (:func:`cells_json`).

The form never asks for a name: the only personal datum is the host's
contact email, optional, kept for the organisers and never shown publicly.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from speakout_map.events.model import Problem
from speakout_map.languages.message import Message, msg


class ProposalStatus(str, enum.Enum):
    """Where a proposal is in its review."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> Message:
        return {
            ProposalStatus.PENDING: msg("Waiting for review"),
            ProposalStatus.APPROVED: msg("Approved: it is on the map"),
            ProposalStatus.DECLINED: msg("Declined"),
            ProposalStatus.WITHDRAWN: msg("Withdrawn"),
        }[self]


#: The form's fields, in the form's order: columns of the events file.
FORM_FIELDS: tuple[str, ...] = (
    "title",
    "city",
    "country",
    "date",
    "start_time",
    "venue",
    "address",
    "url",
    "description",
    "contact_email",
    "latitude",
    "longitude",
)

#: Each field's label on the form, in plain words.
FIELD_LABELS: Mapping[str, Message] = MappingProxyType({
    "title": msg("Title"),
    "city": msg("City"),
    "country": msg("Country"),
    "date": msg("Date"),
    "start_time": msg("Start time"),
    "venue": msg("Venue"),
    "address": msg("Address"),
    "url": msg("Event page (URL)"),
    "description": msg("Description"),
    "contact_email": msg("Your email (never shown publicly)"),
    "latitude": msg("Latitude"),
    "longitude": msg("Longitude"),
})

#: The most characters each field takes (the form stops typing there; the check refuses longer).
FIELD_LIMITS: Mapping[str, int] = MappingProxyType({
    "title": 120,
    "city": 100,
    "country": 60,
    "date": 20,
    "start_time": 10,
    "venue": 200,
    "address": 300,
    "url": 500,
    "description": 1500,
    "contact_email": 254,
    "latitude": 20,
    "longitude": 20,
})

#: The ``source`` of the version an approval publishes.
SOURCE = "proposal {id}"


def form_cells(values: Mapping[str, object]) -> dict[str, str]:
    """The form's fields as text, trimmed, every field present (missing or None: empty); other keys dropped."""
    cells = {}
    for name in FORM_FIELDS:
        value = values.get(name)
        if isinstance(value, (dt.date, dt.time)):
            text = value.isoformat(timespec="minutes") if isinstance(value, dt.time) else value.isoformat()
        else:
            text = "" if value is None else str(value)
        cells[name] = text.strip()
    return cells


def cells_json(cells: Mapping[str, str]) -> str:
    """The cells as the store keeps them."""
    return json.dumps(form_cells(cells), ensure_ascii=False, sort_keys=True)


def cells_from_json(text: str) -> dict[str, str]:
    """The cells the store kept (fields it lacks are empty)."""
    loaded = json.loads(text)
    return form_cells(loaded if isinstance(loaded, dict) else {})


def too_long(cells: Mapping[str, str]) -> tuple[Problem, ...]:
    """A problem (naming the field) for each field longer than the form takes."""
    return tuple(
        Problem(None, name, msg("this field has {length:,} characters; the limit is {limit:,}: shorten it",
                                length=len(cells[name]), limit=FIELD_LIMITS[name]))
        for name in FORM_FIELDS
        if len(cells.get(name, "")) > FIELD_LIMITS[name]
    )


@dataclass(frozen=True)
class Proposal:
    """One proposed event and its review, as the store keeps it (never published until approved)."""

    id: int
    status: ProposalStatus
    created_at: dt.datetime
    updated_at: dt.datetime
    #: The form's fields (:data:`FORM_FIELDS`), contact_email included: for organisers only.
    cells: Mapping[str, str]
    decided_by: str = ""
    decided_at: dt.datetime | None = None
    #: Why it was declined, for the host's status page.
    reason: str = ""
    #: The version that published it, once approved.
    version_number: int | None = None

    @property
    def city(self) -> str:
        return self.cells.get("city", "")

    def as_dict(self) -> dict[str, object]:
        """The CLI's ``--json``: id, status, created_at and the event's fields (contact email included)."""
        return {
            "id": self.id,
            "status": self.status.value,
            "created_at": self.created_at.isoformat(),
            **{name: self.cells.get(name, "") for name in FORM_FIELDS},
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "reason": self.reason,
            "version": self.version_number,
        }
