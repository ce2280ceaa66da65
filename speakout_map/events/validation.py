"""The rules of the events table: from records (a header row, then one row per event) to a ParseResult.

Every way events come in ends here, so the rules live in one place:
:func:`validate_records` for the records of a file (CSV, see
:mod:`speakout_map.events.csv_table`; .xlsx, see
:mod:`speakout_map.events.xlsx_table`) and :func:`parse_rows` for rows edited
in the app. The result holds the good events and a list of ``Problem``s, each
naming the spreadsheet row (the header is row 1, the first event row 2), the
column, what is wrong and how to fix it.

* The header names the columns (case, surrounding spaces and inner spaces do
  not matter: ``Start Time`` is ``start_time``). The required columns must be
  there, none twice; unknown columns are ignored with a warning (the read-only
  columns our exports add, such as ``going``, silently).
* Each cell is cleaned (a file's by :func:`~speakout_map.events.cells.clean_cell`,
  the apostrophe rule; the app's table's by :func:`~speakout_map.events.cells.typed_cell`,
  as typed) and parsed by its column's parser (:mod:`speakout_map.events.row_event`,
  which parses each distinct country, date, time or status once); every bad
  cell of a row is reported, and the row's event is left out. Blank rows are
  skipped but keep their numbers.
* Limits (:mod:`speakout_map.events.limits`): events, rows counting the empty
  ones, columns, characters in a cell.
* Every problem's text is a :class:`~speakout_map.languages.message.Message`
  (English until a page shows it in the reader's language). A message about
  the whole table is a whole sentence for "the file" and another for "the
  sheet 'X'" (an .xlsx), so translators never see half a sentence.
* Warnings do not block: unknown columns, extra cells, duplicate rows, an end
  before the start, formulas in an .xlsx, text that looks mis-encoded
  ("MÃ¼nchen", see :func:`~speakout_map.events.decoding.find_mojibake`), the
  readers' notes on cells (a CSV cell over lines that look like rows) and, when
  ``today`` is given, dates in the past.

Nothing here reads files or geocodes (see :mod:`speakout_map.places.placing`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from speakout_map.events.cells import cell_text, clean_cell, normalise_header, typed_cell
from speakout_map.events.headers import read_header
from speakout_map.events.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_EVENTS, MAX_PHYSICAL_ROWS
from speakout_map.events.model import (
    COLUMNS,
    FIRST_EVENT_ROW,
    HEADER_ROW,
    ID_COLUMN,
    READ_ONLY_COLUMNS,
    REQUIRED_COLUMNS,
    Event,
    ParseResult,
    Problem,
    SheetColumns,
)
from speakout_map.events.row_event import RowReader, mojibake_warnings
from speakout_map.events.sheet_reading import PLAIN, SheetReading, date_parser
from speakout_map.languages.message import Message, msg


#: Event rows kept to show beside the header (the upload page's mapping table shows their cells).
SAMPLE_ROWS = 3


# --- messages about the whole table: one sentence for a file, one for an .xlsx's sheet -------------
# (city,country,date are the file's column names: they stay as written in every language.)


def empty_table(sheet: str | None = None) -> Message:
    """The error of a table with nothing in it: the file's, or (``sheet``) the named sheet's."""
    if sheet is None:
        # Translators: city,country,date are the file's column names, kept as is.
        return msg("the file is empty; it needs a header row (city,country,date,...) and one row per event")
    # Translators: sheet is the name of a sheet of the uploaded workbook; city,country,date are column names.
    return msg("the sheet {sheet!r} is empty; it needs a header row (city,country,date,...) and one row per event",
               sheet=sheet)


def _too_many_rows(sheet: str | None) -> Message:
    if sheet is None:
        return msg("the file has more than {rows:,} rows, counting empty ones; the limit is {events:,} events — "
                   "delete the empty rows, or split it into smaller files", rows=MAX_PHYSICAL_ROWS, events=MAX_EVENTS)
    return msg("the sheet {sheet!r} has more than {rows:,} rows, counting empty ones; the limit is {events:,} "
               "events — delete the empty rows, or split it into smaller files", sheet=sheet, rows=MAX_PHYSICAL_ROWS,
               events=MAX_EVENTS)


def _too_many_events(sheet: str | None) -> Message:
    if sheet is None:
        return msg("the file has more than {limit:,} events; the limit is {limit:,} — split it into smaller files "
                   "(e.g. by country or by month) and upload each", limit=MAX_EVENTS)
    return msg("the sheet {sheet!r} has more than {limit:,} events; the limit is {limit:,} — split it into smaller "
               "files (e.g. by country or by month) and upload each", sheet=sheet, limit=MAX_EVENTS)


def _no_events(sheet: str | None) -> Message:
    if sheet is None:
        return msg("the file has a header but no events; add one row per event under the header")
    return msg("the sheet {sheet!r} has a header but no events; add one row per event under the header", sheet=sheet)


class Record(NamedTuple):
    """One row of the table as read: its spreadsheet row number and its cells' text."""

    row: int
    cells: list[str]
    #: (0-based column, length) of cells too long to read at all (CSV only).
    too_long: tuple[tuple[int, int], ...] = ()
    #: 0-based columns whose cell was a formula (.xlsx only).
    formulas: tuple[int, ...] = ()
    #: (0-based column, message) of cells that could not be read (CSV only: a quote left open); the row is skipped.
    cell_errors: tuple[tuple[int, Message], ...] = ()
    #: (0-based column, message) of cells worth a look (CSV only: a quoted cell over lines that look like rows).
    cell_warnings: tuple[tuple[int, Message], ...] = ()


def _column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- the whole table ---------------------------------------------------------------


def _too_long(row: int, column: str, length: int) -> Problem:
    return Problem(row, column, msg("the cell has {length:,} characters; the limit is {limit:,} — shorten it",
                                    length=length, limit=MAX_CELL_CHARS))


def _limit_result(message: Message, rows: int) -> ParseResult:
    return ParseResult((), (Problem(None, None, message),), rows=rows)


def _has_content(record: Record) -> bool:
    return bool(record.too_long or record.cell_errors) or any(c.strip() for c in record.cells)


def _all_blank(records: Iterator[Record]) -> bool:
    """Whether the rest of the table is blank (consumes the iterator; only called when about to give up)."""
    return not any(_has_content(r) for r in records)


def validate_records(
    records: Iterable[Record],
    *,
    sheet: str | None = None,
    today: dt.date | None = None,
    notes: Iterable[Problem] = (),
    clean: Callable[[str], str] = clean_cell,
    reading: SheetReading = PLAIN,
) -> ParseResult:
    """Validate a table's records, the header first: the one place every format's rules live.

    Messages about the whole table name "the file", or with ``sheet`` (an
    .xlsx's sheet's name) "the sheet 'Events'"; ``notes`` are warnings found
    before (they come first). With ``today``,
    events dated before it get a warning. ``clean`` turns a cell's text into
    the text validated (a file's: :func:`~speakout_map.events.cells.clean_cell`).
    ``reading`` is what the organiser said about the sheet: its mapping of
    headers to our columns, its date format
    (:mod:`speakout_map.events.sheet_reading`).
    """
    rows_iter = iter(records)
    head = next(rows_iter, None)
    if head is None or (not _has_content(head) and _all_blank(rows_iter)):
        return ParseResult((), (Problem(None, None, empty_table(sheet)),))
    warnings: list[Problem] = list(notes)
    errors: list[Problem] = []

    def column_name(index: int, header: list[str]) -> str:
        if index < len(header) and header[index]:
            return header[index]
        return f"column {_column_letter(index)}"  # a Problem's column is plain text (no Message)

    if head.cell_errors:
        return ParseResult((), tuple(Problem(HEADER_ROW, column_name(i, []), m) for i, m in head.cell_errors))
    long_header = list(head.too_long) + [(i, len(c)) for i, c in enumerate(head.cells) if len(c) > MAX_CELL_CHARS]
    if long_header:
        return ParseResult((), tuple(_too_long(HEADER_ROW, column_name(i, []), n) for i, n in long_header))
    if len(head.cells) > MAX_COLUMNS:
        return ParseResult((), (Problem(HEADER_ROW, None, msg("the header has more than {limit} columns; the limit "
                                                              "is {limit} — delete the columns you do not need",
                                                              limit=MAX_COLUMNS)),))
    header = [normalise_header(h) for h in head.cells]
    if not any(header):
        # Translators: columns is the required column names, city,country,date (kept as is).
        return ParseResult((), (Problem(HEADER_ROW, None, msg("the first row is empty; put the header ({columns},...) "
                                                              "in row 1, above the events",
                                                              columns=",".join(REQUIRED_COLUMNS))),))
    as_read, understood = header, read_header(head.cells, header, reading.column_of)
    header = list(understood.columns)
    for column, indices in understood.conflicts:
        for index in indices:
            header[index] = ""  # said once below, not again as unknown columns
        # Translators: names are the file's own column names ("Start Date", "Event Date"); column is ours (date).
        errors.append(Problem(HEADER_ROW, column, msg(
            "columns {names} could each be the {column} column; map the one to use to {column} (or rename it "
            "{column}), or delete the others", names=", ".join(repr(head.cells[i].strip()) for i in indices), column=column)))
    for index, written, column in understood.renamed:
        # Translators: written is the file's own column name ("Start Date"); column is ours (date), kept as is.
        warnings.append(Problem(HEADER_ROW, as_read[index], msg("column {written!r} is read as {column}", written=written,
                                                         column=column)))
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        if name in seen:
            # Translators: column is a column name as the header gives it; first and second count columns from 1.
            errors.append(Problem(HEADER_ROW, name, msg("column {column} appears twice (columns {first} and {second}); "
                                                        "delete one", column=name, first=seen[name] + 1,
                                                        second=index + 1)))
        seen.setdefault(name, index)
        if name not in COLUMNS and name not in READ_ONLY_COLUMNS:
            # Translators: column is a column name from the header; known is the list of the file's column names.
            warnings.append(Problem(HEADER_ROW, name, msg("column {column!r} is not one we use and will be ignored; "
                                                          "known columns: {known}", column=name,
                                                          known=", ".join(COLUMNS))))
    in_conflict = {column for column, _ in understood.conflicts}
    for name in REQUIRED_COLUMNS:
        if name not in seen and name not in in_conflict:
            # Translators: column and required are the file's column names, kept as is.
            errors.append(Problem(HEADER_ROW, name, msg("the header has no {column} column; add one, or map the "
                                                        "column that holds it to {column} (required columns: "
                                                        "{required})", column=name,
                                                        required=", ".join(REQUIRED_COLUMNS))))
    samples: list[tuple[str, ...]] = []

    def sheet_columns() -> SheetColumns:
        return SheetColumns(tuple(cell.strip() for cell in head.cells), tuple(header), tuple(samples))

    if errors:
        rows = 0
        for record in rows_iter:
            if _has_content(record):
                rows += 1
                if len(samples) < SAMPLE_ROWS:
                    samples.append(tuple(record.cells))
        return ParseResult((), tuple(errors), tuple(warnings), rows=rows, columns=sheet_columns())

    events: list[Event] = []
    ids: list[tuple[int, str]] | None = [] if ID_COLUMN in seen else None
    keys: dict[tuple, int] = {}
    reader = RowReader(seen, clean, date_parser(reading.date_format))
    rows = 0
    for record in rows_iter:
        row = record.row
        if row - HEADER_ROW > MAX_PHYSICAL_ROWS:
            return _limit_result(_too_many_rows(sheet), rows)
        if not _has_content(record):
            continue
        rows += 1
        if rows > MAX_EVENTS:
            return _limit_result(_too_many_events(sheet), rows)
        if rows <= SAMPLE_ROWS:
            samples.append(tuple(record.cells))
        if record.too_long:
            errors.extend(_too_long(row, column_name(i, header), n) for i, n in record.too_long)
            continue
        if record.cell_errors:
            errors.extend(Problem(row, column_name(i, header), message) for i, message in record.cell_errors)
            continue
        if record.cell_warnings:
            warnings.extend(Problem(row, column_name(i, header), message) for i, message in record.cell_warnings)
        cells_in = record.cells
        if len(cells_in) > MAX_COLUMNS:
            errors.append(Problem(row, None, msg("the row has more than {limit} cells; the limit is {limit} "
                                                 "columns — delete the extra cells (check for stray separators)",
                                                 limit=MAX_COLUMNS)))
            continue
        if max(map(len, cells_in), default=0) > MAX_CELL_CHARS:
            errors.extend(_too_long(row, column_name(i, header), len(c)) for i, c in enumerate(cells_in)
                          if len(c) > MAX_CELL_CHARS)
            continue
        if len(cells_in) > len(header) and any(c.strip() for c in cells_in[len(header):]):
            # Translators: cells is how many cells the row has, header how many the header row has (more than 1).
            warnings.append(Problem(row, None, msg("the row has {cells} cells but the header only {header}; the extra "
                                                   "cells are ignored (check for an unquoted comma)",
                                                   cells=len(cells_in), header=len(header))))
        for index in record.formulas:
            if index < len(cells_in) and column_name(index, header) in seen:
                shown = cells_in[index] if len(cells_in[index]) <= 60 else cells_in[index][:57] + "..."
                # Translators: formula is the cell's formula as written, e.g. =SUM(A1:A3).
                warnings.append(Problem(row, column_name(index, header),
                                        msg("the cell holds a formula ({formula}); it is read as that text, not "
                                            "calculated — type the value itself if you meant its result",
                                            formula=shown)))
        cells = reader.cells(cells_in)
        warnings.extend(mojibake_warnings(row, cells))
        event, row_errors, row_warnings = reader.event(row, cells, today)
        errors.extend(row_errors)
        warnings.extend(row_warnings)
        if event is not None:
            if ids is not None and (written := cells.get(ID_COLUMN, "").strip()):
                ids.append((row, written))
            key = (event.city.casefold(), event.region.casefold(), event.country_code, event.date,
                   event.title.casefold(), event.start_time)
            if key in keys:
                # Translators: row is a row number of the spreadsheet.
                warnings.append(Problem(row, None, msg("the same event as row {row}; delete one of them if it is "
                                                       "a copy", row=keys[key])))
            else:
                keys[key] = row
            events.append(event)
    if rows == 0:
        errors.append(Problem(None, None, _no_events(sheet)))
    return ParseResult(tuple(events), tuple(errors), tuple(warnings), rows=rows, ids=tuple(ids or ()),
                       columns=sheet_columns())


# --- a table given as records (rows edited in the app) ---------------------------


def parse_rows(rows: Sequence[Mapping[str, object]], *, today: dt.date | None = None) -> ParseResult:
    """Validate rows given as records keyed by column name (e.g. the app's edited table), like a spreadsheet.

    The records are read as a table whose header is every column of the
    format (:data:`~speakout_map.events.model.COLUMNS`, in order) followed by
    any other key of the records, in the order first seen; a record without a
    key has an empty cell there. The first record is row 2, as in a
    spreadsheet. Values become text as typed (:func:`~speakout_map.events.cells.cell_text`:
    ``None`` -> empty, ``40.0`` -> ``40``, a date -> ``YYYY-MM-DD``), then
    every rule of :func:`validate_records` applies, blank records skipped
    (still numbered), the limits, duplicates and warnings, messages naming
    "the file", except one: the cells are taken as typed
    (:func:`~speakout_map.events.cells.typed_cell`: no trimming, no apostrophe
    rule), since they are values, never a CSV export's neutralised text. So
    the published events, turned into rows
    (:func:`speakout_map.events.export.events_to_rows`) and read back, are the
    same events, and an edited cell holds what was typed.

    Other keys are header cells like any other: one that is not a column of
    the format is ignored with the CSV's warning (``column 'colour' is not one
    we use and will be ignored``, row 1), and one that, normalised, names a
    column already there (``City``, ``Start Time``) is the CSV's "appears
    twice" error.
    """
    header = dict.fromkeys(COLUMNS)
    for record in rows:
        header.update(dict.fromkeys(record))
    keys = list(header)

    def records() -> Iterator[Record]:
        yield Record(HEADER_ROW, [str(key) for key in keys])
        for row, record in enumerate(rows, start=FIRST_EVENT_ROW):
            yield Record(row, [cell_text(record.get(key)) for key in keys])

    return validate_records(records(), today=today, clean=typed_cell)
