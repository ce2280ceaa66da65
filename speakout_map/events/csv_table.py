"""The rows of a CSV table, as records for validation.

CSV text (already decoded, see :mod:`speakout_map.events.decoding`) is split
into records with the csv module's default dialect: cells separated by commas,
semicolons or tabs (guessed from the header line), CRLF, LF or CR line ends,
double quotes around cells that contain them. Each record carries its
spreadsheet row number (the header is row 1).

A cell longer than the csv module's field limit does not stop the reading:
the record is scanned again cheaply, reported by column and length (see
:data:`~speakout_map.events.limits.MAX_CELL_CHARS`), and the rows after it keep
their numbers. Any other malformed CSV raises
:class:`~speakout_map.errors.EventFileError`.

**Quotes left open.** Spreadsheet apps (Excel, LibreOffice, Google Sheets)
quote a cell holding a separator, a quote or a line break, double the quotes
inside it, and always close it right before a separator, a line end or the end
of the file. A quote opened in one cell and never closed would swallow the
rows after it into that cell, so the rule is:

* a quoted cell that reaches the end of the file without its closing quote, or
  that spans lines and is "closed" by a lone quote followed by other text (a
  quote in a later row, which no app writes), is an error of the row and column
  where the quote opens, saying how many lines it swallowed; the reading goes on
  at the line after that quote, so the swallowed rows are read as rows and keep
  their numbers;
* a well-formed quoted cell is never refused, whatever it holds. When some of
  its lines hold as many separators as the header (they look like rows of their
  own), the cell gets a warning: a quote may have been left open and closed by
  chance by a quote at the end of a later cell.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from speakout_map.errors import EventFileError
from speakout_map.events.limits import MAX_CELL_CHARS, MAX_COLUMNS
from speakout_map.events.model import HEADER_ROW
from speakout_map.events.validation import Record
from speakout_map.languages.message import Message, msg, nmsg

_DELIMITERS = (",", ";", "\t")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_FIRST_LINE = re.compile(r"[^\r\n]*")
_BREAK = re.compile(r"\r\n|\r|\n")
#: Where a cell not quoted ends, for each separator.
_STOPS = {d: re.compile("[" + re.escape(d) + "\r\n]") for d in _DELIMITERS}


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _LineFeed:
    """Lines of ``text`` from ``pos`` (ends kept, split like ``newline=""``), counting them and the offset reached."""

    def __init__(self, text: str, pos: int) -> None:
        self._matches = _LINE.finditer(text, pos)
        self.offset = pos
        self.count = 0

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        match = next(self._matches)
        self.offset = match.end()
        self.count += 1
        return match.group()


class _Cell(NamedTuple):
    """Where one cell of a record is, as the csv module's default dialect reads it."""

    start: int
    #: Just after its last character (a separator, a line end or the end of the text follows).
    end: int
    #: Characters of its value.
    length: int
    #: A quoted cell's closing quote (-1: never closed); None for a cell not quoted.
    close: int | None


def _scan_record(text: str, start: int, delimiter: str) -> tuple[list[_Cell], int]:
    """The cells of the CSV record starting at ``start``, and where the next record starts.

    Used when the csv module gives up on a record (a cell over its field size
    limit), to name the column and the cell's length without holding the cell
    twice, and to check the quotes of a record over several lines. Follows the
    csv module's default dialect: after a quoted cell's closing quote, any text
    up to the next separator or line end joins the cell.
    """
    stop = _STOPS.get(delimiter) or re.compile("[" + re.escape(delimiter) + "\r\n]")
    cells: list[_Cell] = []
    i, n = start, len(text)
    while True:
        cell_start, length, close = i, 0, None
        if i < n and text[i] == '"':
            j = i + 1
            while True:
                k = text.find('"', j)
                if k == -1:
                    length += n - j
                    i, close = n, -1
                    break
                length += k - j
                if k + 1 < n and text[k + 1] == '"':
                    length += 1
                    j = k + 2
                    continue
                i, close = k + 1, k
                break
        found = stop.search(text, i)
        end = found.start() if found else n
        length += end - i
        i = end
        cells.append(_Cell(cell_start, end, length, close))
        if i >= n:
            return cells, n
        if text[i] == delimiter:
            i += 1
            continue
        return cells, i + (2 if text.startswith("\r\n", i) else 1)


# --- quotes left open -----------------------------------------------------------------------


def _breaks(text: str, start: int, end: int) -> list[re.Match[str]]:
    return list(_BREAK.finditer(text, start, end))


def _open_quote(text: str, cell: _Cell) -> Message | None:
    """The error of a quoted cell left open (see the module's rule), or None."""
    if cell.close == -1:
        count = sum(1 for b in _breaks(text, cell.start, len(text)) if b.end() < len(text))
        if not count:
            return msg('a quote (") opens here and is never closed; close the quote or remove it')
        # Translators: count is how many lines (after the quote's) the quote swallowed into its cell.
        return nmsg('a quote (") opens here and is never closed, so the line after it was read as part of this cell; '
                    "close the quote or remove it",
                    'a quote (") opens here and is never closed, so the {count:,} lines after it were read as part of '
                    "this cell; close the quote or remove it", count)
    if cell.close is not None and cell.close + 1 != cell.end:
        count = len(_breaks(text, cell.start, cell.close))
        if count:
            # Translators: count is how many lines (after the quote's) the quote swallowed into its cell.
            return nmsg('a quote (") opens here and is not closed where the cell ends, so the line after it was read '
                        "as part of this cell; close the quote where the cell should end, or remove it",
                        'a quote (") opens here and is not closed where the cell ends, so the {count:,} lines after '
                        "it were read as part of this cell; close the quote where the cell should end, or remove it",
                        count)
    return None


def _rows_inside(text: str, cell: _Cell, delimiter: str, header_width: int) -> Message | None:
    """The warning of a well-formed quoted cell over lines that look like rows, or None."""
    if cell.close is None or cell.close == -1:
        return None
    breaks = _breaks(text, cell.start, cell.close)
    if not breaks:
        return None
    needed = max(2, header_width - 1)
    looking = sum(
        1 for b, after in zip(breaks, [*breaks[1:], None])
        if text.count(delimiter, b.end(), after.start() if after else cell.close) >= needed
    )
    if not looking:
        return None
    # Translators: lines is how many lines the cell runs over (2 or more); count how many of them look like rows.
    return nmsg("the cell runs over {lines} lines, and {count} of them looks like a row of its own (as many "
                'separators as the header); if a quote (") was left open here, close it where the cell should end',
                "the cell runs over {lines} lines, and {count} of them look like rows of their own (as many "
                'separators as the header); if a quote (") was left open here, close it where the cell should end',
                looking, lines=len(breaks) + 1)


def _needs_check(text: str, start: int, end: int, cells: list[str]) -> bool:
    """Whether a record may hold a quote left open: a quote in it, and several lines or the end of the text.

    A record of more cells than a table may have is refused by validation anyway, and not checked.
    """
    if len(cells) > MAX_COLUMNS or text.find('"', start, end) == -1:
        return False
    if end == len(text):
        return True
    first = _BREAK.search(text, start, end)
    return first is not None and first.end() < end


# --- the records --------------------------------------------------------------------------------


class _Read(NamedTuple):
    record: Record
    #: The 0-based line the record starts on.
    line: int


def _open_quote_record(text: str, scanned: list[_Cell], row: int) -> tuple[Record, int] | None:
    """The error record of the first quote left open among a record's cells, and where reading goes on; or None."""
    for index, cell in enumerate(scanned):
        error = _open_quote(text, cell)
        if error:
            after = _BREAK.search(text, cell.start)
            return Record(row, [], cell_errors=((index, error),)), after.end() if after else len(text)
    return None


def _checked(
    text: str, start: int, row: int, cells: list[str], delimiter: str, header_width: int
) -> tuple[Record, int | None]:
    """The record of ``cells`` read from ``start``, its quotes checked; and where to restart after an open quote."""
    scanned, _ = _scan_record(text, start, delimiter)
    open_quote = _open_quote_record(text, scanned, row)
    if open_quote is not None:
        return open_quote
    notes = tuple(
        (index, note) for index, cell in enumerate(scanned)
        if row != HEADER_ROW and (note := _rows_inside(text, cell, delimiter, header_width))
    )
    return Record(row, cells, cell_warnings=notes), None


def _read(text: str) -> Iterator[_Read]:
    delimiter = _sniff_delimiter(_FIRST_LINE.match(text).group())
    row, pos, line = HEADER_ROW, 0, 0
    header_width = 0
    while True:
        feed = _LineFeed(text, pos)
        reader = csv.reader(feed, delimiter=delimiter)
        record_start, first_line = pos, line
        try:
            for cells in reader:
                start, record_start = record_start, feed.offset
                header_width = header_width or len(cells)
                restart = None
                if _needs_check(text, start, record_start, cells):
                    record, restart = _checked(text, start, row, cells, delimiter, header_width)
                else:
                    record = Record(row, cells)
                yield _Read(record, line)
                row += 1
                if restart is not None:
                    line += len(_breaks(text, start, restart))
                    pos = restart
                    break
                line = first_line + feed.count
            else:
                return
        except csv.Error as exc:
            scanned, pos = _scan_record(text, record_start, delimiter)
            open_quote = _open_quote_record(text, scanned, row)
            if open_quote is not None:
                record, pos = open_quote
            else:
                too_long = tuple((i, c.length) for i, c in enumerate(scanned) if c.length > MAX_CELL_CHARS)
                if not too_long:
                    raise EventFileError(
                        # Translators: reason is the CSV reader's own (English) words, e.g. "new-line character
                        # seen in unquoted field".
                        msg("the file is not a readable CSV table ({reason}); export it again as CSV", reason=str(exc))
                    ) from None
                record = Record(row, [], too_long)
            yield _Read(record, line)
            line += len(_breaks(text, record_start, pos))
            row += 1


def csv_records(text: str) -> Iterator[Record]:
    """The records of CSV text, the header first, the separator guessed from the first line.

    Raises ``EventFileError`` (while iterating) for text that is not a CSV table.
    """
    return (read.record for read in _read(text))


def rows_of_lines(text: str, lines: Iterable[int]) -> tuple[int, ...]:
    """The spreadsheet rows (header = 1) holding these 0-based lines of CSV text, each once, in order.

    A row over several lines (a quoted cell with line breaks) holds them all.
    The text is read only as far as the last of the lines. Raises
    ``EventFileError`` for text that is not a CSV table.
    """
    wanted = sorted(set(lines))
    starts: list[int] = []
    rows: list[int] = []
    for read in _read(text):
        if wanted and read.line > wanted[-1]:
            break
        starts.append(read.line)
        rows.append(read.record.row)
    return tuple(sorted({rows[bisect.bisect_right(starts, line) - 1] for line in wanted if starts}))
