"""Events and their spreadsheet (CSV) format.

The CSV is the one file organisers edit: one row per event, a header row
naming the columns. This module turns its text into frozen ``Event`` values
and a list of ``Problem``s, each naming the spreadsheet row (the header is
row 1, the first event row 2), the column, what is wrong and how to fix it.
Nothing here geocodes; see :mod:`speakout_map.geocoding` for that.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .countries import resolve_country
from .errors import EventFileError, UnknownCountryError

REQUIRED_COLUMNS: tuple[str, ...] = ("city", "country", "date")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "title",
    "start_time",
    "end_time",
    "venue",
    "address",
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

HEADER_ROW = 1
FIRST_EVENT_ROW = 2


class Status(str, enum.Enum):
    """Whether an event's details are known."""

    CONFIRMED = "confirmed"
    DETAILS_TO_COME = "details_to_come"

    @property
    def label(self) -> str:
        return "Confirmed" if self is Status.CONFIRMED else "Details to come"


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
    def display_title(self) -> str:
        return self.title or f"Speak out in {self.city}"

    @property
    def place_query(self) -> str:
        """The "City, CC" string a geocoder is asked for."""
        return f"{self.city}, {self.country_code}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (an error) or worth a look (a warning) in a file."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class ParseResult:
    """What reading an events file gave: the good events and every problem."""

    events: tuple[Event, ...]
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading the raw file -------------------------------------------------

_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_DELIMITERS = (",", ";", "\t")


def decode_bytes(data: bytes) -> str:
    """Decode a spreadsheet export: UTF-8 (with or without BOM), else Windows-1252/Latin-1."""
    if b"\x00" in data:
        raise EventFileError(
            "the file contains binary data, not text; export the spreadsheet as CSV (UTF-8) and upload that"
        )
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise EventFileError("the file's text encoding is not readable; save it as CSV UTF-8")  # pragma: no cover


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _normalise_header(name: str) -> str:
    return re.sub(r"\s+", "_", name.strip().lower())


# --- cell parsers: each returns a value or raises _CellError(message) -------


class _CellError(ValueError):
    pass


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_SLASHED_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")


def parse_date(text: str) -> dt.date:
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise _CellError(f"{text} is not a date; write it as YYYY-MM-DD, e.g. 2013-09-03") from None
    slashed = _SLASHED_DATE.match(text)
    if slashed:
        first, second, year_text = slashed.groups()
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        a, b = int(first), int(second)
        if a <= 12 and b <= 12 and a != b:
            raise _CellError(
                f"{text} could be day/month or month/day; write it as YYYY-MM-DD "
                f"({year:04d}-{b:02d}-{a:02d} or {year:04d}-{a:02d}-{b:02d})"
            )
        candidates = []
        for day, month in ((a, b), (b, a)):
            try:
                candidates.append(dt.date(year, month, day))
            except ValueError:
                pass
        if len(candidates) >= 1:
            raise _CellError(f"{text} is not in YYYY-MM-DD form; write it as {candidates[0].isoformat()}")
    raise _CellError(f"{text!r} is not a date in YYYY-MM-DD form; write it like 2013-09-03")


_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_time(text: str) -> dt.time:
    match = _TIME.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60 and (match.group(3) in (None, "00")):
            return dt.time(hour, minute)
    raise _CellError(f"{text!r} is not a time; write it as HH:MM in 24-hour local time, e.g. 18:30")


def parse_url(text: str) -> str:
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise _CellError("the link contains spaces or control characters; paste the full address, e.g. https://example.org/event")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise _CellError(
            f"{text!r} is not a web address; links must start with https:// or http://, e.g. https://example.org/event"
        )
    return text


_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


def parse_email(text: str) -> str:
    if not _EMAIL.match(text):
        raise _CellError(f"{text!r} is not an email address; write it like name@example.org")
    return text


def parse_status(text: str) -> Status:
    key = _normalise_header(text).replace("-", "_")
    aliases = {"confirmed": Status.CONFIRMED, "details_to_come": Status.DETAILS_TO_COME, "tbc": Status.DETAILS_TO_COME}
    if key in aliases:
        return aliases[key]
    raise _CellError(f"{text!r} is not a status; write confirmed or details_to_come")


def parse_coordinate(text: str, column: str) -> float:
    cleaned = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    try:
        value = float(cleaned)
    except ValueError:
        raise _CellError(f"{text!r} is not a number; write decimal degrees, e.g. 40.4168") from None
    limit = 90.0 if column == "latitude" else 180.0
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise _CellError(f"{text} is out of range; {column} must be between -{limit:g} and {limit:g}")
    return value


def parse_country(text: str) -> str:
    try:
        return resolve_country(text)
    except UnknownCountryError as exc:
        raise _CellError(str(exc)) from None


@dataclass
class _RowBuilder:
    row: int
    cells: dict[str, str]
    errors: list[Problem] = field(default_factory=list)

    def take(self, column: str, parser=None, *args):
        text = self.cells.get(column, "").strip()
        if not text:
            if column in REQUIRED_COLUMNS:
                self.errors.append(Problem(self.row, column, f"{column} is empty; every event needs a {column}"))
            return None
        if parser is None:
            return text
        try:
            return parser(text, *args)
        except _CellError as exc:
            self.errors.append(Problem(self.row, column, str(exc)))
            return None


def _build_event(row: int, cells: dict[str, str]) -> tuple[Event | None, list[Problem], list[Problem]]:
    b = _RowBuilder(row, cells)
    warnings: list[Problem] = []
    city = b.take("city")
    country = b.take("country", parse_country)
    date = b.take("date", parse_date)
    start = b.take("start_time", parse_time)
    end = b.take("end_time", parse_time)
    url = b.take("url", parse_url) or ""
    status = b.take("status", parse_status) or Status.CONFIRMED
    email = b.take("contact_email", parse_email) or ""
    lat = b.take("latitude", parse_coordinate, "latitude")
    lon = b.take("longitude", parse_coordinate, "longitude")
    lat_text, lon_text = cells.get("latitude", "").strip(), cells.get("longitude", "").strip()
    if bool(lat_text) != bool(lon_text):
        missing = "longitude" if lat_text else "latitude"
        b.errors.append(Problem(row, missing, f"{missing} is empty; give both latitude and longitude, or neither"))
    if start and end and end < start:
        warnings.append(Problem(row, "end_time", f"ends ({end:%H:%M}) before it starts ({start:%H:%M}); check the times"))
    if b.errors:
        return None, b.errors, warnings
    event = Event(
        city=city,
        country_code=country,
        date=date,
        title=b.take("title") or "",
        start_time=start,
        end_time=end,
        venue=b.take("venue") or "",
        address=b.take("address") or "",
        url=url,
        status=status,
        organiser=b.take("organiser") or "",
        contact_email=email,
        description=b.take("description") or "",
        latitude=lat,
        longitude=lon,
        row=row,
    )
    return event, [], warnings


def parse_events_text(text: str) -> ParseResult:
    """Parse the text of an events CSV into events and problems."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        return ParseResult((), (Problem(None, None, "the file is empty; it needs a header row (city,country,date,...) and one row per event"),))
    header_line = text.splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(header_line))
    try:
        records = list(reader)
    except csv.Error as exc:
        return ParseResult((), (Problem(None, None, f"the file is not a readable CSV table ({exc}); export it again as CSV"),))
    header = [_normalise_header(h) for h in records[0]]
    errors: list[Problem] = []
    warnings: list[Problem] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        if name in seen:
            errors.append(Problem(HEADER_ROW, name, f"column {name} appears twice (columns {seen[name] + 1} and {index + 1}); delete one"))
        seen.setdefault(name, index)
        if name not in COLUMNS:
            warnings.append(Problem(HEADER_ROW, name, f"column {name!r} is not one we use and will be ignored; known columns: {', '.join(COLUMNS)}"))
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(Problem(HEADER_ROW, name, f"the header has no {name} column; add one (required columns: {', '.join(REQUIRED_COLUMNS)})"))
    if errors:
        return ParseResult((), tuple(errors), tuple(warnings), rows=max(len(records) - 1, 0))

    events: list[Event] = []
    keys: dict[tuple, int] = {}
    rows = 0
    for offset, record in enumerate(records[1:]):
        row = FIRST_EVENT_ROW + offset
        if not any(cell.strip() for cell in record):
            continue
        rows += 1
        if len(record) > len(header) and any(c.strip() for c in record[len(header):]):
            warnings.append(Problem(row, None, f"the row has {len(record)} cells but the header only {len(header)}; the extra cells are ignored (check for an unquoted comma)"))
        cells = {name: record[i] for name, i in seen.items() if i < len(record)}
        event, row_errors, row_warnings = _build_event(row, cells)
        errors.extend(row_errors)
        warnings.extend(row_warnings)
        if event is not None:
            key = (event.city.casefold(), event.country_code, event.date, event.title.casefold(), event.start_time)
            if key in keys:
                warnings.append(Problem(row, None, f"the same event as row {keys[key]}; delete one of them if it is a copy"))
            else:
                keys[key] = row
            events.append(event)
    if rows == 0:
        errors.append(Problem(None, None, "the file has a header but no events; add one row per event under the header"))
    return ParseResult(tuple(events), tuple(errors), tuple(warnings), rows=rows)


def parse_events_bytes(data: bytes) -> ParseResult:
    """Parse an uploaded or stored file's bytes (any supported encoding)."""
    try:
        text = decode_bytes(data)
    except EventFileError as exc:
        return ParseResult((), (Problem(None, None, str(exc)),))
    return parse_events_text(text)


def read_events_file(path) -> ParseResult:
    """Read and parse an events CSV from disk."""
    with open(path, "rb") as handle:
        return parse_events_bytes(handle.read())


def events_to_rows(events, *, include_private: bool = False) -> list[dict[str, str]]:
    """Turn events back into CSV-format rows (strings), e.g. for tables and exports."""
    columns = [c for c in COLUMNS if include_private or c not in PRIVATE_COLUMNS]
    rows = []
    for e in events:
        values = {
            "city": e.city,
            "country": e.country_code,
            "date": e.date.isoformat(),
            "title": e.title,
            "start_time": e.start_time.strftime("%H:%M") if e.start_time else "",
            "end_time": e.end_time.strftime("%H:%M") if e.end_time else "",
            "venue": e.venue,
            "address": e.address,
            "url": e.url,
            "status": e.status.value,
            "organiser": e.organiser,
            "contact_email": e.contact_email,
            "description": e.description,
            "latitude": "" if e.latitude is None else repr(e.latitude),
            "longitude": "" if e.longitude is None else repr(e.longitude),
        }
        rows.append({c: values[c] for c in columns})
    return rows


@dataclass(frozen=True)
class Place:
    """Where an event is: a point, the place's name, and its time zone."""

    name: str
    country_code: str
    latitude: float
    longitude: float
    #: IANA time zone name (e.g. Europe/Madrid); "" if unknown.
    timezone: str = ""
    #: Who placed it: "csv" (coordinates in the file), "gazetteer", or a geopy service name.
    source: str = "gazetteer"


@dataclass(frozen=True)
class PlacedEvent:
    """An event together with the place it is shown at."""

    event: Event
    place: Place
