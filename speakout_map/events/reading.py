"""Events and their spreadsheet format (CSV or .xlsx).

Organisers edit one table: one row per event under a header row naming the
columns. This module turns an uploaded file into frozen ``Event`` values and a
list of ``Problem``s, each naming the spreadsheet row (the header is row 1, the
first event row 2), the column, what is wrong and how to fix it. Nothing here
geocodes; see :mod:`speakout_map.places.geocoding` for that.

Reading (:func:`read_upload` for uploads, :func:`parse_events_bytes` and
:func:`parse_events_text` for CSV):

* CSV/TSV/TXT: UTF-8 with or without BOM, UTF-16 with a BOM (Excel's "Unicode
  text"), else Windows-1252, else Latin-1; separated by commas, semicolons or
  tabs (guessed from the header line); CRLF, LF or CR line ends.
* ``.xlsx``: the first visible worksheet, read with openpyxl in read-only mode.
  Date cells become ``YYYY-MM-DD``, time cells ``HH:MM``, numbers their plain
  text (whole numbers without ``.0``), empty cells ``""``; then every row goes
  through exactly the same validation as a CSV row, with the sheet's own row
  numbers. The zip is inspected first (size once unpacked, compression ratio,
  number of parts, CRCs, no XML DTDs) so a zip bomb or a corrupt file is a
  clear error, never a crash.
* Limits, each a clear error saying what to do: the upload size
  (``max_bytes``), :data:`MAX_EVENTS` event rows, :data:`MAX_COLUMNS` columns,
  :data:`MAX_CELL_CHARS` characters in one cell.
* Nothing raises out of :func:`read_upload`: every failure is a ``Problem``
  (``row``/``column`` None when it concerns the whole file).

Text is data, never code. A cell such as ``=HYPERLINK("http://x","y")``,
``@SUM(A1)`` or ``<script>`` is kept as literal text (pages escape it when they
show it); formulas in an .xlsx are read as their formula text, not calculated
(with a warning). Our CSV export (:mod:`speakout_map.events.export`) neutralises text
cells that a spreadsheet would run as a formula by putting an apostrophe in
front of them. Reading undoes exactly that, so export and upload round-trip:

    **Apostrophe rule.** After surrounding spaces are trimmed, a cell that
    starts with one or more apostrophes followed by ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return loses its *first* apostrophe (``'=1+1`` is read
    as ``=1+1``; ``''=x`` as ``'=x``). Any other apostrophe is kept
    (``'hello`` stays ``'hello``).

Warnings (unknown columns, duplicate rows, an end before the start, formulas in
an .xlsx and, when ``today`` is given, dates in the past) do not block.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import math
import os
import re
import warnings as _warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

from speakout_map.places.countries import resolve_country
from speakout_map.errors import EventFileError, UnknownCountryError
from speakout_map.events.model import (
    REQUIRED_COLUMNS,
    OPTIONAL_COLUMNS,
    COLUMNS,
    PRIVATE_COLUMNS,
    HEADER_ROW,
    FIRST_EVENT_ROW,
    Status,
    Event,
    Problem,
    ParseResult,
)

_log = logging.getLogger(__name__)




# --- limits -------------------------------------------------------------------

#: Largest upload read_upload accepts by default (the app passes settings.max_upload_mb).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Most event rows in one file.
MAX_EVENTS = 20_000
#: Most rows counted with the empty ones (keeps a file of blank lines cheap to refuse).
MAX_PHYSICAL_ROWS = 5 * MAX_EVENTS
#: Most columns (cells in a row).
MAX_COLUMNS = 100
#: Most characters in one cell.
MAX_CELL_CHARS = 5_000
#: Most bytes an .xlsx may unpack to, all its parts together.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
#: Largest unpacked/packed size ratio of one .xlsx part bigger than 1 MB (real sheets: ~5-30).
MAX_XLSX_RATIO = 200
#: Most parts (zip entries) in an .xlsx (a workbook has a dozen or two).
MAX_XLSX_ENTRIES = 1_000
#: The file types read_upload reads.
ACCEPTED_EXTENSIONS: tuple[str, ...] = (".csv", ".tsv", ".txt", ".xlsx")


# --- reading the raw file -------------------------------------------------

_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_DELIMITERS = (",", ";", "\t")
_MB = 1024 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_MAGIC = (b"\x89PNG", b"%PDF-", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", _ZIP_MAGIC, _OLE2_MAGIC, b"\x1f\x8b")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BINARY_MESSAGE = "the file contains binary data, not text; export the spreadsheet as CSV (UTF-8) and upload that"
_EMPTY_MESSAGE = "is empty; it needs a header row (city,country,date,...) and one row per event"
NOT_XLSX_MESSAGE = "the file is not a readable .xlsx; save it again from your spreadsheet app or export as CSV"
_LEGACY_XLS_MESSAGE = (
    "the file is an old Excel 97-2003 workbook (.xls) or a password-protected one, which cannot be read; "
    "open it in your spreadsheet app and save it as Excel Workbook (.xlsx) or CSV UTF-8, then upload that"
)


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = len(_CONTROL_CHARS.findall(sample))
    return controls >= 8 and controls * 100 > len(sample)


def decode_bytes(data: bytes) -> str:
    """Decode a spreadsheet export: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252/Latin-1.

    Raises ``EventFileError`` for data that is not text (NUL bytes, image or
    archive signatures, many control characters).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF32_LE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise EventFileError(
                "the file says it is UTF-16 text but is damaged; save it again as CSV UTF-8 and upload that"
            ) from None
        if "\x00" in text or _looks_binary(text):
            raise EventFileError(_BINARY_MESSAGE)
        return text.lstrip("\ufeff")
    if b"\x00" in data or data.startswith(_BINARY_MAGIC):
        raise EventFileError(_BINARY_MESSAGE)
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise EventFileError(_BINARY_MESSAGE)
        return text
    raise EventFileError("the file's text encoding is not readable; save it as CSV UTF-8")  # pragma: no cover


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _normalise_header(name: str) -> str:
    return re.sub(r"\s+", "_", name.strip().lower())


def _column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def clean_cell(text: str) -> str:
    """A cell's text as validated: trimmed, and with the apostrophe rule applied (see the module docs)."""
    text = text.strip()
    if _NEUTRALISED.match(text):
        return text[1:]
    return text


class _Record(NamedTuple):
    """One row of the table as read: its spreadsheet row number and its cells' text."""

    row: int
    cells: list[str]
    #: (0-based column, length) of cells too long to read at all (CSV only).
    too_long: tuple[tuple[int, int], ...] = ()
    #: 0-based columns whose cell was a formula (.xlsx only).
    formulas: tuple[int, ...] = ()


# --- CSV: the csv module, plus a fast scanner for cells over its field limit --

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_FIRST_LINE = re.compile(r"[^\r\n]*")
_NON_SPACE = re.compile(r"\S")


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


def _csv_records(text: str, delimiter: str) -> Iterator[_Record]:
    row = HEADER_ROW
    pos = 0
    while True:
        feed = _LineFeed(text, pos)
        reader = csv.reader(feed, delimiter=delimiter)
        record_start = pos
        try:
            for cells in reader:
                record_start = feed.offset
                yield _Record(row, cells)
                row += 1
            return
        except csv.Error as exc:
            lengths, pos = _scan_record(text, record_start, delimiter)
            too_long = tuple((i, n) for i, n in enumerate(lengths) if n > MAX_CELL_CHARS)
            if not too_long:
                raise EventFileError(f"the file is not a readable CSV table ({exc}); export it again as CSV") from None
            yield _Record(row, [], too_long)
            row += 1


# --- .xlsx: check the zip, then read the first sheet with openpyxl ------------

_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_DTD_TAIL = max(len(m) for m in _DTD_MARKERS)
_RATIO_CHECK_FROM = 1 * _MB


def _check_xlsx_archive(data: bytes) -> None:
    """Refuse zip bombs, corrupt zips and non-workbooks before openpyxl sees the file.

    Declared sizes can be trusted as a bound: Python's zipfile never returns
    more than an entry's declared size (and a CRC mismatch is an error), and
    every part is read through once here, counting the bytes, which also checks
    each CRC and refuses XML document type declarations (entity expansion).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        raise EventFileError(NOT_XLSX_MESSAGE) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_XLSX_ENTRIES:
            raise EventFileError(
                f"the .xlsx holds {len(infos):,} parts (a workbook has a few dozen); it is refused as unsafe — "
                "save it again from your spreadsheet app or export as CSV"
            )
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
            raise EventFileError(NOT_XLSX_MESSAGE)
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise EventFileError(
                    "the workbook is password-protected; remove the password (or export as CSV) and upload again"
                )
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise EventFileError(NOT_XLSX_MESSAGE)
            total += info.file_size
        if total > MAX_XLSX_UNPACKED_BYTES:
            raise EventFileError(
                f"the .xlsx would unpack to {total / _MB:,.0f} MB; the limit is {MAX_XLSX_UNPACKED_BYTES // _MB} MB "
                "(refused as a possible zip bomb) — export the sheet as CSV, or split it into smaller files"
            )
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_CHECK_FROM and ratio > MAX_XLSX_RATIO:
                raise EventFileError(
                    f"the .xlsx is refused as a possible zip bomb: one part unpacks {ratio:,.0f} times bigger than "
                    "it is packed; save it again from your spreadsheet app or export as CSV"
                )
        budget = MAX_XLSX_UNPACKED_BYTES
        for info in infos:
            if info.is_dir():
                continue
            try:
                with archive.open(info) as part:
                    tail = b""
                    while chunk := part.read(_MB):
                        budget -= len(chunk)
                        if budget < 0:
                            raise EventFileError(NOT_XLSX_MESSAGE)
                        window = tail + chunk
                        if any(marker in window for marker in _DTD_MARKERS):
                            raise EventFileError(
                                "the .xlsx contains an XML document type declaration, which spreadsheets never "
                                "need; it is refused for safety — save it again from your spreadsheet app or "
                                "export as CSV"
                            )
                        tail = window[-_DTD_TAIL:]
            except EventFileError:
                raise
            except Exception:
                raise EventFileError(NOT_XLSX_MESSAGE) from None


def _round_to_second(value: dt.datetime) -> dt.datetime:
    return (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)


def _clock(value: dt.time | dt.datetime) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def xlsx_cell_text(value: object) -> str:
    """The text a spreadsheet cell's value stands for, as it would be typed in a CSV.

    Dates -> ``YYYY-MM-DD``, times -> ``HH:MM`` (``HH:MM:SS`` if there are
    seconds), date-times -> ``YYYY-MM-DD HH:MM``, whole numbers without
    ``.0``, other numbers as Python writes them (``-3.7038``), booleans
    ``TRUE``/``FALSE``, nothing -> ``""``, formulas -> their text.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        value = _round_to_second(value.replace(tzinfo=None))
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return f"{value.date().isoformat()} {_clock(value)}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return _clock(_round_to_second(dt.datetime.combine(dt.date(2000, 1, 1), value.replace(tzinfo=None))))
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        if 0 <= seconds < 86400:
            return _clock(dt.datetime(2000, 1, 1) + dt.timedelta(seconds=seconds))
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    text = getattr(value, "text", None)  # openpyxl's ArrayFormula
    if isinstance(text, str):
        return text
    return str(value)


def _xlsx_records(sheet) -> Iterator[_Record]:
    # One column past the limit, so a too-wide table is seen without making
    # rows thousands of cells wide.
    for number, cells in enumerate(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS + 1), start=HEADER_ROW):
        texts: list[str] = []
        formulas: list[int] = []
        for index, cell in enumerate(cells):
            texts.append(xlsx_cell_text(cell.value))
            if getattr(cell, "data_type", None) == "f":
                formulas.append(index)
        while texts and not texts[-1]:
            texts.pop()
        yield _Record(number, texts, (), tuple(formulas))
        if number > MAX_PHYSICAL_ROWS + HEADER_ROW:
            return


def _read_xlsx(data: bytes, today: dt.date | None) -> ParseResult:
    _check_xlsx_archive(data)
    import openpyxl  # imported here: the CLI and the map never need it

    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        except Exception:
            raise EventFileError(NOT_XLSX_MESSAGE) from None
        try:
            sheets = list(workbook.worksheets)
            if not sheets:
                raise EventFileError(
                    "the workbook has no worksheet; put the events on a sheet (header in row 1) or export as CSV"
                )
            sheet = next((s for s in sheets if getattr(s, "sheet_state", "visible") == "visible"), sheets[0])
            notes: list[Problem] = []
            if len(sheets) > 1:
                notes.append(
                    Problem(None, None, f"the workbook has {len(sheets)} sheets; only the first, {sheet.title!r}, "
                            "was read — put every event on that sheet")
                )
            sheet.reset_dimensions()  # the stored size may be wrong; read what is there
            return _parse_records(
                _xlsx_records(sheet), what=f"the sheet {sheet.title!r}", today=today, notes=notes
            )
        except EventFileError:
            raise
        except Exception:
            _log.warning("unreadable .xlsx upload", exc_info=True)
            raise EventFileError(NOT_XLSX_MESSAGE) from None
        finally:
            workbook.close()


# --- uploads ---------------------------------------------------------------------


def _accepted_list() -> str:
    return ", ".join(ACCEPTED_EXTENSIONS[:-1]) + " or " + ACCEPTED_EXTENSIONS[-1]


def _size_text(size: int, *, up: bool = False) -> str:
    """A byte count in MB for people: "5 MB", "5.1 MB", "0.0002 MB" (rounded up when ``up``)."""
    mb = size / _MB
    if mb >= 0.1:
        return f"{(math.ceil if up else round)(mb * 10) / 10:g} MB"
    digits = f"{mb:.6f}".rstrip("0").rstrip(".")
    return f"{digits if digits != '0' else '0.000001'} MB"


def _read_upload(data: bytes, filename: str, max_bytes: int, today: dt.date | None) -> ParseResult:
    data = bytes(data)
    size = len(data)
    if size > max_bytes:
        raise EventFileError(
            f"the file is too large ({_size_text(size, up=True)}; the limit is {_size_text(max_bytes)}) — "
            "split it into smaller files (e.g. by country or by month) and upload each"
        )
    if size == 0:
        raise EventFileError(f"the file {_EMPTY_MESSAGE}")
    extension = os.path.splitext(str(filename or "").strip().lower())[1]
    if extension == ".xls" and not data.startswith(_ZIP_MAGIC):
        raise EventFileError(_LEGACY_XLS_MESSAGE)
    if extension not in ACCEPTED_EXTENSIONS and extension != ".xls":
        shown = extension or "(no extension)"
        raise EventFileError(
            f"files of type {shown} cannot be read; upload a {_accepted_list()} file "
            "(in your spreadsheet app: Save As → CSV UTF-8, or Excel Workbook .xlsx)"
        )
    if data.startswith(_OLE2_MAGIC):
        raise EventFileError(_LEGACY_XLS_MESSAGE)
    if data.startswith(_ZIP_MAGIC) or extension in (".xlsx", ".xls"):
        return _read_xlsx(data, today)
    return parse_events_bytes(data, today=today)


def read_upload(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    today: dt.date | None = None,
) -> ParseResult:
    """Read an uploaded events file (.csv, .tsv, .txt or .xlsx) into events and problems.

    ``filename`` is the uploaded file's name (only its extension is used; an
    .xlsx's content is recognised even under a .csv or .xls name). With
    ``today``, events dated before it get a warning. Never raises: whatever the
    bytes, failures come back as ``Problem``s in ``errors``.
    """
    try:
        return _read_upload(data, filename, max_bytes, today)
    except EventFileError as exc:
        return ParseResult((), (Problem(None, None, str(exc)),))
    except Exception as exc:  # a bug or an unforeseen file: still an answer, never a crash
        _log.exception("could not read an upload")
        return ParseResult(
            (),
            (Problem(None, None, f"the file could not be read ({type(exc).__name__}); "
                     "export it again as CSV UTF-8 and upload that"),),
        )


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
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. "https://[abc": an unclosed IPv6 bracket
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
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
    #: Cells already cleaned (see clean_cell), by column name.
    cells: dict[str, str]
    errors: list[Problem] = field(default_factory=list)

    def take(self, column: str, parser=None, *args):
        text = self.cells.get(column, "")
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


def _build_event(
    row: int, cells: dict[str, str], today: dt.date | None = None
) -> tuple[Event | None, list[Problem], list[Problem]]:
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
    lat_text, lon_text = cells.get("latitude", ""), cells.get("longitude", "")
    if bool(lat_text) != bool(lon_text):
        missing = "longitude" if lat_text else "latitude"
        b.errors.append(Problem(row, missing, f"{missing} is empty; give both latitude and longitude, or neither"))
    if start and end and end < start:
        warnings.append(Problem(row, "end_time", f"ends ({end:%H:%M}) before it starts ({start:%H:%M}); check the times"))
    if date is not None and today is not None and date < today:
        warnings.append(Problem(row, "date", f"{date.isoformat()} is in the past; check the year"))
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


def _too_long(row: int, column: str, length: int) -> Problem:
    return Problem(row, column, f"the cell has {length:,} characters; the limit is {MAX_CELL_CHARS:,} — shorten it")


def _limit_result(message: str, rows: int) -> ParseResult:
    return ParseResult((), (Problem(None, None, message),), rows=rows)


def _parse_records(
    records: Iterable[_Record],
    *,
    what: str = "the file",
    today: dt.date | None = None,
    notes: Iterable[Problem] = (),
) -> ParseResult:
    """Validate a table's rows (CSV or sheet): the one place every format's rules live."""
    rows_iter = iter(records)
    head = next(rows_iter, None)
    if head is None or (not head.too_long and not any(c.strip() for c in head.cells) and _all_blank(rows_iter)):
        return ParseResult((), (Problem(None, None, f"{what} {_EMPTY_MESSAGE}"),))
    warnings: list[Problem] = list(notes)
    errors: list[Problem] = []

    def column_name(index: int, header: list[str]) -> str:
        if index < len(header) and header[index]:
            return header[index]
        return f"column {_column_letter(index)}"

    long_header = list(head.too_long) + [(i, len(c)) for i, c in enumerate(head.cells) if len(c) > MAX_CELL_CHARS]
    if long_header:
        return ParseResult((), tuple(_too_long(HEADER_ROW, column_name(i, []), n) for i, n in long_header))
    if len(head.cells) > MAX_COLUMNS:
        return ParseResult((), (Problem(HEADER_ROW, None, f"the header has more than {MAX_COLUMNS} columns; "
                                        f"the limit is {MAX_COLUMNS} — delete the columns you do not need"),))
    header = [_normalise_header(h) for h in head.cells]
    if not any(header):
        return ParseResult((), (Problem(HEADER_ROW, None, "the first row is empty; put the header "
                                        f"({','.join(REQUIRED_COLUMNS)},...) in row 1, above the events"),))
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
        return ParseResult((), tuple(errors), tuple(warnings), rows=sum(1 for r in rows_iter if _has_content(r)))

    events: list[Event] = []
    keys: dict[tuple, int] = {}
    rows = 0
    for record in rows_iter:
        row = record.row
        if row - HEADER_ROW > MAX_PHYSICAL_ROWS:
            return _limit_result(
                f"{what} has more than {MAX_PHYSICAL_ROWS:,} rows, counting empty ones; the limit is "
                f"{MAX_EVENTS:,} events — delete the empty rows, or split it into smaller files", rows)
        if not _has_content(record):
            continue
        rows += 1
        if rows > MAX_EVENTS:
            return _limit_result(
                f"{what} has more than {MAX_EVENTS:,} events; the limit is {MAX_EVENTS:,} — "
                "split it into smaller files (e.g. by country or by month) and upload each", rows)
        if record.too_long:
            errors.extend(_too_long(row, column_name(i, header), n) for i, n in record.too_long)
            continue
        cells_in = record.cells
        if len(cells_in) > MAX_COLUMNS:
            errors.append(Problem(row, None, f"the row has more than {MAX_COLUMNS} cells; the limit is {MAX_COLUMNS} "
                                  "columns — delete the extra cells (check for stray separators)"))
            continue
        long_cells = [(i, len(c)) for i, c in enumerate(cells_in) if len(c) > MAX_CELL_CHARS]
        if long_cells:
            errors.extend(_too_long(row, column_name(i, header), n) for i, n in long_cells)
            continue
        if len(cells_in) > len(header) and any(c.strip() for c in cells_in[len(header):]):
            warnings.append(Problem(row, None, f"the row has {len(cells_in)} cells but the header only {len(header)}; the extra cells are ignored (check for an unquoted comma)"))
        for index in record.formulas:
            if index < len(cells_in) and column_name(index, header) in seen:
                shown = cells_in[index] if len(cells_in[index]) <= 60 else cells_in[index][:57] + "..."
                warnings.append(Problem(row, column_name(index, header),
                                        f"the cell holds a formula ({shown}); it is read as that text, not calculated "
                                        "— type the value itself if you meant its result"))
        cells = {name: clean_cell(cells_in[i]) for name, i in seen.items() if i < len(cells_in)}
        event, row_errors, row_warnings = _build_event(row, cells, today)
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
        errors.append(Problem(None, None, f"{what} has a header but no events; add one row per event under the header"))
    return ParseResult(tuple(events), tuple(errors), tuple(warnings), rows=rows)


def _has_content(record: _Record) -> bool:
    return bool(record.too_long) or any(c.strip() for c in record.cells)


def _all_blank(records: Iterator[_Record]) -> bool:
    """Whether the rest of the table is blank (consumes the iterator; only called when about to give up)."""
    return not any(_has_content(r) for r in records)


def parse_events_text(text: str, *, today: dt.date | None = None) -> ParseResult:
    """Parse the text of an events CSV into events and problems.

    With ``today``, events dated before it get a warning.
    """
    text = text.lstrip("\ufeff")
    if _NON_SPACE.search(text) is None:
        return ParseResult((), (Problem(None, None, f"the file {_EMPTY_MESSAGE}"),))
    delimiter = _sniff_delimiter(_FIRST_LINE.match(text).group())
    try:
        return _parse_records(_csv_records(text, delimiter), today=today)
    except EventFileError as exc:
        return ParseResult((), (Problem(None, None, str(exc)),))


def parse_events_bytes(data: bytes, *, today: dt.date | None = None) -> ParseResult:
    """Parse a CSV file's bytes (any supported encoding); no size limit (see read_upload for uploads)."""
    try:
        text = decode_bytes(data)
    except EventFileError as exc:
        return ParseResult((), (Problem(None, None, str(exc)),))
    return parse_events_text(text, today=today)


def read_events_file(path: str | os.PathLike[str], *, today: dt.date | None = None) -> ParseResult:
    """Read and parse an events CSV from disk."""
    with open(path, "rb") as handle:
        return parse_events_bytes(handle.read(), today=today)


def events_to_rows(events: Iterable[Event], *, include_private: bool = False) -> list[dict[str, str]]:
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
