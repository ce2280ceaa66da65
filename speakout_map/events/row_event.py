"""One row of the events table to one event: each cell parsed by its column's parser, every bad cell reported.

:func:`~speakout_map.events.validation.validate_records` makes one
:class:`RowReader` per table and hands it each row's cells (already cleaned,
by column name). The reader parses each known column's cell with its parser
(:mod:`speakout_map.events.cells`); a row with a bad cell gives no event but a
:class:`~speakout_map.events.model.Problem` for each bad cell, in the order of
the columns below.

The columns whose text repeats from row to row (country, date, the times,
status) are parsed once per distinct text: the reader remembers each text's
value, or its problem's message, for the rest of the table. So a country
written 20,000 times is resolved once, and every row that has the same bad
text gets the same message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from operator import itemgetter

from speakout_map.events.cells import (
    CellError,
    clean_cell,
    parse_coordinate,
    parse_country,
    parse_date,
    parse_email,
    parse_status,
    parse_time,
    parse_url,
)
from speakout_map.events.decoding import find_mojibake
from speakout_map.events.model import COLUMNS, REQUIRED_COLUMNS, Event, Problem, Status
from speakout_map.languages.message import Message, msg

Parser = Callable[[str], object]


def _latitude(text: str) -> float:
    return parse_coordinate(text, "latitude")


def _longitude(text: str) -> float:
    return parse_coordinate(text, "longitude")


#: The parsed columns, in the order their problems are reported, with their parsers (None: the text as it is).
PARSED_COLUMNS: tuple[tuple[str, Parser | None], ...] = (
    ("city", None),
    ("country", parse_country),
    ("date", parse_date),
    ("start_time", parse_time),
    ("end_time", parse_time),
    ("url", parse_url),
    ("status", parse_status),
    ("contact_email", parse_email),
    ("latitude", _latitude),
    ("longitude", _longitude),
)
#: Parsers whose answers are remembered per distinct text: few distinct texts, many rows.
REMEMBERED: tuple[Parser, ...] = (parse_country, parse_date, parse_time, parse_status)


def _empty(row: int, column: str) -> Problem:
    # Translators: column is the file's column name (city, country or date), kept as is.
    return Problem(row, column, msg("{column} is empty; every event needs a {column}", column=column))


def _both_or_neither(row: int, missing: str) -> Problem:
    # Translators: column is latitude or longitude; both are the file's column names, kept as is.
    return Problem(row, missing, msg("{column} is empty; give both latitude and longitude, or neither", column=missing))


class RowReader:
    """Reads the rows of one table into events, remembering what it parsed (see the module docs).

    ``columns`` maps each column name of the header to its 0-based index;
    ``clean`` turns a cell's text into the text validated (a file's:
    :func:`~speakout_map.events.cells.clean_cell`); ``dates`` parses the date
    cells (a sheet with a declared format: see
    :func:`~speakout_map.events.sheet_reading.date_parser`).
    """

    def __init__(
        self,
        columns: Mapping[str, int],
        clean: Callable[[str], str] = clean_cell,
        dates: Callable[[str], dt.date] = parse_date,
    ) -> None:
        self._pairs = tuple(columns.items())
        self._names = tuple(columns)
        indexes = tuple(columns.values())
        self._width = max(indexes, default=-1) + 1
        self._take = itemgetter(*indexes) if len(indexes) > 1 else (lambda texts: tuple(texts[i] for i in indexes))
        self._clean = clean
        self._seen: dict[Parser, dict[str, tuple[object, Message | None]]] = {
            parser: {} for parser in (*REMEMBERED, dates)
        }
        #: Each parsed column with its parser and, for a remembered one, what it has parsed.
        self._columns = tuple(
            (column, parser, self._seen.get(parser))
            for column, parser in ((c, dates if p is parse_date else p) for c, p in PARSED_COLUMNS)
        )

    def cells(self, texts: Sequence[str]) -> dict[str, str]:
        """A row's cells by column name (those the row has), cleaned."""
        if len(texts) < self._width:
            return {name: self._clean(texts[i]) for name, i in self._pairs if i < len(texts)}
        taken = self._take(texts)
        if self._clean is clean_cell and "'" not in "".join(taken):
            return dict(zip(self._names, map(str.strip, taken)))  # clean_cell of a text without an apostrophe
        return dict(zip(self._names, map(self._clean, taken)))

    def parse(self, parser: Parser, text: str) -> tuple[object, Message | None]:
        """``(value, None)``, or ``(None, message)`` if ``text`` is not a value of the parser's column."""
        seen = self._seen.get(parser)
        if seen is not None and (found := seen.get(text)) is not None:
            return found
        try:
            found = (parser(text), None)
        except CellError as exc:
            found = (None, exc.text)
        if seen is not None:
            seen[text] = found
        return found

    def event(
        self, row: int, cells: Mapping[str, str], today: dt.date | None = None
    ) -> tuple[Event | None, list[Problem], list[Problem]]:
        """The row's event (None if a cell is bad), its errors and its warnings."""
        errors: list[Problem] = []
        values: dict[str, object] = {}
        for column, parser, seen in self._columns:
            text = cells.get(column, "")
            if not text:
                if column in REQUIRED_COLUMNS:
                    errors.append(_empty(row, column))
                values[column] = None
            elif parser is None:
                values[column] = text
            else:  # a value, not text: surrounding spaces mean nothing
                text = text.strip()
                found = seen.get(text) if seen is not None else None
                values[column], problem = found if found is not None else self.parse(parser, text)
                if problem is not None:
                    errors.append(Problem(row, column, problem))
        lat_text, lon_text = cells.get("latitude", ""), cells.get("longitude", "")
        if bool(lat_text) != bool(lon_text):
            errors.append(_both_or_neither(row, "longitude" if lat_text else "latitude"))
        warnings: list[Problem] = []
        start, end, date = values["start_time"], values["end_time"], values["date"]
        if start and end and end < start:
            # Translators: end and start are times as HH:MM.
            warnings.append(Problem(row, "end_time", msg("ends ({end}) before it starts ({start}); check the times",
                                                         end=f"{end:%H:%M}", start=f"{start:%H:%M}")))
        if date is not None and today is not None and date < today:
            # Translators: date is the event's date as written in the file (YYYY-MM-DD).
            warnings.append(Problem(row, "date", msg("{date} is in the past; check the year", date=date.isoformat())))
        if errors:
            return None, errors, warnings
        event = Event(
            city=values["city"],
            country_code=values["country"],
            date=date,
            title=cells.get("title") or "",
            start_time=start,
            end_time=end,
            venue=cells.get("venue") or "",
            address=cells.get("address") or "",
            region=(cells.get("region") or "").strip(),  # checked against the country when placed (places.regions)
            url=values["url"] or "",
            status=values["status"] or Status.CONFIRMED,
            organiser=cells.get("organiser") or "",
            contact_email=values["contact_email"] or "",
            description=cells.get("description") or "",
            latitude=values["latitude"],
            longitude=values["longitude"],
            row=row,
        )
        return event, [], warnings


def mojibake_warnings(row: int, cells: Mapping[str, str]) -> Iterator[Problem]:
    """A warning for each cell of a known column whose text looks mis-decoded (see decoding.find_mojibake)."""
    if "".join(cells.values()).isascii():
        return
    for column, text in cells.items():
        found = None if text.isascii() or column not in COLUMNS else find_mojibake(text)
        if found is not None:
            # Translators: shown is a word of the cell as it is ("MÃ¼nchen"); meant is what it probably
            # meant ("München").
            yield Problem(row, column, msg("the text {shown!r} looks mis-encoded (saved in the wrong encoding before "
                                           "it came into this file); if it should read {meant!r}, correct it in your "
                                           "spreadsheet", shown=found.shown, meant=found.meant))
