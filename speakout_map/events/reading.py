"""Where events files come in: an upload (bytes or a path), CSV text or bytes, the seed file.

Organisers edit one table: one row per event under a header row naming the
columns (see :mod:`speakout_map.events.validation` for its rules). The entry
points here pick the reader for the file and return a ``ParseResult``:

* :func:`read_upload` (an upload's bytes and name) and :func:`read_upload_file`
  (a file on disk, of which at most ``max_bytes + 1`` bytes are read, the
  too-large message giving its real size): .csv, .tsv, .txt or .xlsx,
  within the limits of :mod:`speakout_map.events.limits`. An .xlsx is
  recognised by its content even under another name
  (:mod:`speakout_map.events.xlsx_table`); an old .xls, an unknown type, an
  empty or a too-large file is a clear error. Nothing raises out of them: every
  failure is a ``Problem`` (``row``/``column`` None when it concerns the whole
  file), whose text is the :class:`~speakout_map.errors.EventFileError`'s
  message.
* :func:`parse_events_bytes` / :func:`parse_events_text` / :func:`read_events_file`:
  CSV only, without the upload size limit (our own files: the seed, exports);
  bytes are decoded by :mod:`speakout_map.events.decoding`, text split by
  :mod:`speakout_map.events.csv_table`. In a file of mixed encodings (two
  spreadsheets pasted together), each row is read in its own encoding and
  each row in the less used one gets a warning (the rows of its first
  :data:`MAX_ENCODING_WARNINGS` lines, then one warning for the rest).

With ``today``, events dated before it get a warning. Nothing here geocodes;
see :mod:`speakout_map.places.placing` for that.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import re

from speakout_map.errors import EventFileError
from speakout_map.events.csv_table import csv_records, rows_of_lines
from speakout_map.events.decoding import OLE2_MAGIC, ZIP_MAGIC, DecodedText, decode_table
from speakout_map.events.limits import ACCEPTED_EXTENSIONS, MAX_UPLOAD_BYTES, MB
from speakout_map.events.model import ParseResult, Problem
from speakout_map.events.sheet_reading import PLAIN, SheetReading
from speakout_map.events.validation import empty_table, validate_records
from speakout_map.events.xlsx_table import read_xlsx
from speakout_map.languages.message import Message, msg

_log = logging.getLogger(__name__)

#: Lines of a file of mixed encodings whose rows are named one by one; the rest get one warning together.
MAX_ENCODING_WARNINGS = 20

_NON_SPACE = re.compile(r"\S")
_LEGACY_XLS_MESSAGE = msg(
    "the file is an old Excel 97-2003 workbook (.xls) or a password-protected one, which cannot be read; "
    "open it in your spreadsheet app and save it as Excel Workbook (.xlsx) or CSV UTF-8, then upload that"
)


def _failed(message: Message) -> ParseResult:
    return ParseResult((), (Problem(None, None, message),))


def _unforeseen(exc: BaseException) -> ParseResult:
    """The last resort: something unforeseen (a bug) raised while reading; still an answer, never a crash."""
    # Translators: error is the name of a Python exception, e.g. ValueError.
    return _failed(msg("the file could not be read ({error}); export it again as CSV UTF-8 and upload that",
                       error=type(exc).__name__))


def _file_failed(exc: EventFileError) -> ParseResult:
    """The problem of a file that could not be read: the error's own message, in the reader's language when shown."""
    if not isinstance(exc.text, Message):  # every EventFileError of the reading modules carries a Message
        _log.error("an EventFileError without a Message while reading an upload: %s", exc)
        return _unforeseen(exc)
    return _failed(exc.text)


# --- CSV ----------------------------------------------------------------------------


def _parse_text(
    text: str, today: dt.date | None, decoded: DecodedText | None = None, reading: SheetReading = PLAIN
) -> ParseResult:
    if _NON_SPACE.search(text) is None:
        return _failed(empty_table())
    try:
        notes = _encoding_warnings(text, decoded) if decoded is not None and decoded.odd_lines else ()
        return validate_records(csv_records(text), today=today, notes=notes, reading=reading)
    except EventFileError as exc:
        return _file_failed(exc)


def _encoding_warnings(text: str, decoded: DecodedText) -> tuple[Problem, ...]:
    """A warning for each row of a file of mixed encodings that is in the less used one."""
    odd, rest = decoded.odd_encoding, decoded.encoding
    named, more = decoded.odd_lines[:MAX_ENCODING_WARNINGS], decoded.odd_lines[MAX_ENCODING_WARNINGS:]
    # Translators: odd and rest are names of encodings (UTF-8, Windows-1252, Latin-1).
    row_warning = msg("this row was saved as {odd} while the rest of the file is {rest}, and was read as {odd}; check "
                      "its accents, and save the whole file as CSV UTF-8 to be sure", odd=odd, rest=rest)
    warnings = [Problem(row, None, row_warning) for row in rows_of_lines(text, named)]
    if more:
        # Translators: count is a number of lines (one or more); line is the first of them, counted from 1;
        # odd and rest are names of encodings (UTF-8, Windows-1252, Latin-1).
        warnings.append(Problem(None, None, msg("{count:,} more lines (from line {line:,}) were saved as {odd} while "
                                                "the rest of the file is {rest}; check their accents, and save the "
                                                "whole file as CSV UTF-8 to be sure", count=len(more),
                                                line=more[0] + 1, odd=odd, rest=rest)))
    return tuple(warnings)


def parse_events_text(text: str, *, today: dt.date | None = None, reading: SheetReading = PLAIN) -> ParseResult:
    """Parse the text of an events CSV into events and problems.

    With ``today``, events dated before it get a warning; ``reading`` is what
    the organiser said about the sheet (a mapping of its headers, its date format).
    """
    return _parse_text(text.lstrip("\ufeff"), today, reading=reading)


def parse_events_bytes(data: bytes, *, today: dt.date | None = None, reading: SheetReading = PLAIN) -> ParseResult:
    """Parse a CSV file's bytes (any supported encoding); no size limit (see read_upload for uploads)."""
    try:
        decoded = decode_table(data)
    except EventFileError as exc:
        return _file_failed(exc)
    return _parse_text(decoded.text.lstrip("\ufeff"), today, decoded, reading)


def read_events_file(path: str | os.PathLike[str], *, today: dt.date | None = None) -> ParseResult:
    """Read and parse an events CSV from disk."""
    with open(path, "rb") as handle:
        return parse_events_bytes(handle.read(), today=today)


# --- uploads ---------------------------------------------------------------------------


def _accepted_list() -> Message:
    # Translators: a list of file types: extensions is ".csv, .tsv, .txt", last is ".xlsx".
    return msg("{extensions} or {last}", extensions=", ".join(ACCEPTED_EXTENSIONS[:-1]), last=ACCEPTED_EXTENSIONS[-1])


def _size_text(size: int, *, up: bool = False) -> str:
    """A byte count in MB for people: "5 MB", "5.1 MB", "0.0002 MB" (rounded up when ``up``).

    The same in every language for now (a decimal point, the unit MB).
    """
    mb = size / MB
    if mb >= 0.1:
        return f"{(math.ceil if up else round)(mb * 10) / 10:g} MB"
    digits = f"{mb:.6f}".rstrip("0").rstrip(".")
    return f"{digits if digits != '0' else '0.000001'} MB"


def _read(
    data: bytes, size: int | None, filename: str, max_bytes: int, today: dt.date | None, reading: SheetReading
) -> ParseResult:
    """An upload of ``size`` bytes (``data`` may stop after ``max_bytes + 1``); failures raised as EventFileError."""
    data = bytes(data)
    size = len(data) if size is None else max(size, len(data))
    if size > max_bytes:
        # Translators: size and limit are sizes such as "5.1 MB".
        raise EventFileError(
            msg("the file is too large ({size}; the limit is {limit}) — split it into smaller files (e.g. by country "
                "or by month) and upload each", size=_size_text(size, up=True), limit=_size_text(max_bytes))
        )
    if size == 0:
        raise EventFileError(empty_table())
    extension = os.path.splitext(str(filename or "").strip().lower())[1]
    if extension == ".xls" and not data.startswith(ZIP_MAGIC):
        raise EventFileError(_LEGACY_XLS_MESSAGE)
    if extension not in ACCEPTED_EXTENSIONS and extension != ".xls":
        shown = extension or msg("(no extension)")
        # Translators: extension is the file's, e.g. .pdf (or "(no extension)"); accepted lists the file types read.
        raise EventFileError(
            msg("files of type {extension} cannot be read; upload a {accepted} file (in your spreadsheet app: "
                "Save As → CSV UTF-8, or Excel Workbook .xlsx)", extension=shown, accepted=_accepted_list())
        )
    if data.startswith(OLE2_MAGIC):
        raise EventFileError(_LEGACY_XLS_MESSAGE)
    if data.startswith(ZIP_MAGIC) or extension in (".xlsx", ".xls"):
        return read_xlsx(data, today=today, reading=reading)
    return parse_events_bytes(data, today=today, reading=reading)


def _never_raising(
    data: bytes, size: int | None, filename: str, max_bytes: int, today: dt.date | None, reading: SheetReading
) -> ParseResult:
    try:
        return _read(data, size, filename, max_bytes, today, reading)
    except EventFileError as exc:
        return _file_failed(exc)
    except Exception as exc:  # a bug or an unforeseen file: still an answer, never a crash
        _log.exception("could not read an upload")
        return _unforeseen(exc)


def read_upload(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    today: dt.date | None = None,
    reading: SheetReading = PLAIN,
) -> ParseResult:
    """Read an uploaded events file (.csv, .tsv, .txt or .xlsx) into events and problems.

    ``filename`` is the uploaded file's name (only its extension is used; an
    .xlsx's content is recognised even under a .csv or .xls name). With
    ``today``, events dated before it get a warning; ``reading`` is what the
    organiser said about the sheet (:mod:`speakout_map.events.sheet_reading`).
    Never raises: whatever the bytes, failures come back as ``Problem``s in ``errors``.
    """
    return _never_raising(data, None, filename, max_bytes, today, reading)


def read_upload_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    today: dt.date | None = None,
    reading: SheetReading = PLAIN,
) -> ParseResult:
    """:func:`read_upload` for a file on disk, reading at most ``max_bytes + 1`` bytes of it.

    A file over the limit is refused with its real size (from the open file's
    ``fstat``). The type is taken from the path's extension, as read_upload
    takes it from the file name. What is in the file never raises, as with
    read_upload; a path that cannot be opened or read at all (missing, a
    folder, no permission) raises ``OSError``: that is the caller's mistake,
    not the file's (the CLI reports it as a usage error).
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(max_bytes + 1)
    # A pipe or special file reports size 0: what was read then counts (see _read).
    return _never_raising(data, size, os.path.basename(os.fsdecode(path)), max_bytes, today, reading)
