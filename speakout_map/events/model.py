"""An event as organisers describe it, and the problems found in their files."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from speakout_map.languages.message import Message, Text, msg


REQUIRED_COLUMNS: tuple[str, ...] = ("city", "country", "date")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "title",
    "start_time",
    "end_time",
    "venue",
    "address",
    #: The state, province or county (a name or a code: "Illinois", "IL", "Ontario", "ES-AN"); it picks the
    #: city among those of that name in the country (speakout_map.places.regions).
    "region",
    "url",
    "status",
    "organiser",
    "contact_email",
    "description",
    "latitude",
    "longitude",
)
COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
#: Columns never shown to the public (map, table, public exports).
PRIVATE_COLUMNS: frozenset[str] = frozenset({"contact_email"})
#: Columns our exports add that say something about an event but are not part of it ("going": how many
#: said "I'll be there"; "id": the event's UID in the published version). Uploads do not take them as
#: part of an event, without a warning, so an export can be edited and uploaded again; an upload's "id"
#: cells are kept beside the events (:attr:`ParseResult.ids`) to match them when adding and updating.
READ_ONLY_COLUMNS: tuple[str, ...] = ("going", "id")
#: The read-only column that names a published event.
ID_COLUMN = "id"

HEADER_ROW = 1
FIRST_EVENT_ROW = 2


class Status(str, enum.Enum):
    """Whether an event's details are known."""

    CONFIRMED = "confirmed"
    DETAILS_TO_COME = "details_to_come"

    @property
    def label(self) -> Message:
        return msg("Confirmed") if self is Status.CONFIRMED else msg("Details to come")


@dataclass(frozen=True)
class Event:
    """One event, as validated from one spreadsheet row."""

    city: str
    country_code: str
    date: dt.date
    title: str = ""
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    venue: str = ""
    address: str = ""
    #: The region as the organiser wrote it (validated against the country when the event is placed).
    region: str = ""
    url: str = ""
    status: Status = Status.CONFIRMED
    organiser: str = ""
    contact_email: str = ""
    description: str = ""
    latitude: float | None = None
    longitude: float | None = None
    #: Spreadsheet row the event came from (header = 1), 0 if built in code.
    row: int = 0

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def title_text(self) -> Text:
        """The organisers' title, or one made from the city (translated when shown)."""
        return self.title or msg("Speak out in {city}", city=self.city)

    @property
    def display_title(self) -> str:
        """:attr:`title_text` in English."""
        return str(self.title_text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong (an error) or worth a look (a warning) in a file."""

    row: int | None
    column: str | None
    #: What is wrong and what to do, translated when shown (:attr:`message` is the English).
    text: Message

    def __post_init__(self) -> None:
        if not isinstance(self.text, Message):
            raise TypeError("a problem's text is a Message (msg(...)), so each reader gets it in their language")

    @property
    def message(self) -> str:
        return str(self.text)

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, object]:
        """Row, column and the English message (the CLI's ``--json``)."""
        return {"row": self.row, "column": self.column, "message": self.message}


def by_row(problems: Sequence[Problem]) -> tuple[Problem, ...]:
    """Problems in the order a spreadsheet reads: by row (the whole file's first), then column."""
    return tuple(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))


@dataclass(frozen=True)
class SheetColumns:
    """A sheet's header as written, what each of its columns is read as, and the first rows' cells.

    What an organiser needs to say which column is which (the upload page's
    mapping table). ``read_as`` has one entry per header cell: our column, ``""``
    for a column left out, or the header (normalised) when it is none of ours.
    """

    headers: tuple[str, ...]
    read_as: tuple[str, ...]
    #: The cells of the first few event rows, as read (each as long as the row is).
    samples: tuple[tuple[str, ...], ...] = ()

    def first_values(self, index: int) -> tuple[str, ...]:
        """The non-empty cells of column ``index`` in the sample rows."""
        return tuple(row[index].strip() for row in self.samples if index < len(row) and row[index].strip())


@dataclass(frozen=True)
class ParseResult:
    """What reading an events file gave: the good events and every problem."""

    events: tuple[Event, ...]
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    rows: int = 0
    #: (spreadsheet row, the row's "id" cell) of the events whose "id" cell is not empty.
    ids: tuple[tuple[int, str], ...] = ()
    #: The sheet's header and first rows, when the header could be read.
    columns: SheetColumns | None = None

    @property
    def ok(self) -> bool:
        return not self.errors
