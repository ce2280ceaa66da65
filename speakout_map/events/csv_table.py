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
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from speakout_map.errors import EventFileError
from speakout_map.events.limits import MAX_CELL_CHARS
from speakout_map.events.model import HEADER_ROW
from speakout_map.events.validation import Record

_DELIMITERS = (",", ";", "\t")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_FIRST_LINE = re.compile(r"[^\r\n]*")


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _LineFeed:
    """Lines of ``text`` from ``pos`` (ends kept, split like ``newline=""``), remembering the offset reached."""

    def __init__(self, text: str, pos: int) -> None:
        self._matches = _LINE.finditer(text, pos)
        self.offset = pos

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        match = next(self._matches)
        self.offset = match.end()
        return match.group()


def _scan_record(text: str, start: int, delimiter: str) -> tuple[list[int], int]:
    """Lengths of the cells of the CSV record starting at ``start``, and where the next record starts.

    Used only when the csv module gives up on a record (a cell over its field
    size limit), to name the column and the cell's length without holding the
    cell twice. Follows the csv module's default dialect.
    """
    stop = re.compile("[" + re.escape(delimiter) + "\r\n]")
    lengths: list[int] = []
    i, n = start, len(text)
    while True:
        length = 0
        if i < n and text[i] == '"':
            j = i + 1
            while True:
                k = text.find('"', j)
                if k == -1:
                    length += n - j
                    i = n
                    break
                length += k - j
                if k + 1 < n and text[k + 1] == '"':
                    length += 1
                    j = k + 2
                    continue
                i = k + 1
                break
        found = stop.search(text, i)
        end = found.start() if found else n
        length += end - i
        i = end
        lengths.append(length)
        if i >= n:
            return lengths, n
        if text[i] == delimiter:
            i += 1
            continue
        return lengths, i + (2 if text.startswith("\r\n", i) else 1)


def csv_records(text: str) -> Iterator[Record]:
    """The records of CSV text, the header first, the separator guessed from the first line.

    Raises ``EventFileError`` (while iterating) for text that is not a CSV table.
    """
    delimiter = _sniff_delimiter(_FIRST_LINE.match(text).group())
    row = HEADER_ROW
    pos = 0
    while True:
        feed = _LineFeed(text, pos)
        reader = csv.reader(feed, delimiter=delimiter)
        record_start = pos
        try:
            for cells in reader:
                record_start = feed.offset
                yield Record(row, cells)
                row += 1
            return
        except csv.Error as exc:
            lengths, pos = _scan_record(text, record_start, delimiter)
            too_long = tuple((i, n) for i, n in enumerate(lengths) if n > MAX_CELL_CHARS)
            if not too_long:
                raise EventFileError(f"the file is not a readable CSV table ({exc}); export it again as CSV") from None
            yield Record(row, [], too_long)
            row += 1
