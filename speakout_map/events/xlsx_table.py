"""An .xlsx workbook's events sheet, read safely and validated like a CSV.

:func:`read_xlsx` first inspects the zip (:func:`check_xlsx_archive`): its size
once unpacked, each part's compression ratio, the number of parts, every CRC,
no XML document type declarations (entity expansion), no encryption. So a zip
bomb, a password-protected or a corrupt file is a clear
:class:`~speakout_map.errors.EventFileError`, never a crash or a hang.

Then it reads the first visible worksheet with openpyxl in read-only mode.
Cell values become the text they stand for
(:func:`~speakout_map.events.cells.cell_text`: dates ``YYYY-MM-DD``, times
``HH:MM``, whole numbers without ``.0``, empty cells ``""``); formulas are read
as their formula text, not calculated (with a warning). Every row then goes
through exactly the same validation as a CSV row
(:func:`~speakout_map.events.validation.validate_records`), with the sheet's
own row numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import warnings
import zipfile
from collections.abc import Iterator

from speakout_map.errors import EventFileError
from speakout_map.events.cells import cell_text
from speakout_map.events.limits import (
    MAX_COLUMNS,
    MAX_PHYSICAL_ROWS,
    MAX_XLSX_ENTRIES,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNPACKED_BYTES,
    MB,
)
from speakout_map.events.model import HEADER_ROW, ParseResult, Problem
from speakout_map.events.sheet_reading import PLAIN, SheetReading
from speakout_map.events.validation import Record, validate_records
from speakout_map.languages.message import msg

_log = logging.getLogger(__name__)

#: The error for anything that is not a workbook openpyxl can read safely.
NOT_XLSX_MESSAGE = msg("the file is not a readable .xlsx; save it again from your spreadsheet app or export as CSV")

_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_DTD_TAIL = max(len(m) for m in _DTD_MARKERS)
_RATIO_CHECK_FROM = 1 * MB


def check_xlsx_archive(data: bytes) -> None:
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
                # Translators: parts is how many files the .xlsx (a zip archive) holds.
                msg("the .xlsx holds {parts:,} parts (a workbook has a few dozen); it is refused as unsafe — "
                    "save it again from your spreadsheet app or export as CSV", parts=len(infos))
            )
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
            raise EventFileError(NOT_XLSX_MESSAGE)
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise EventFileError(
                    msg("the workbook is password-protected; remove the password (or export as CSV) and upload again")
                )
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise EventFileError(NOT_XLSX_MESSAGE)
            total += info.file_size
        if total > MAX_XLSX_UNPACKED_BYTES:
            raise EventFileError(
                # Translators: size and limit are numbers of megabytes (MB).
                msg("the .xlsx would unpack to {size:,} MB; the limit is {limit} MB (refused as a possible zip "
                    "bomb) — export the sheet as CSV, or split it into smaller files", size=round(total / MB),
                    limit=MAX_XLSX_UNPACKED_BYTES // MB)
            )
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_CHECK_FROM and ratio > MAX_XLSX_RATIO:
                raise EventFileError(
                    # Translators: ratio is how many times bigger the part is unpacked than packed (over 200).
                    msg("the .xlsx is refused as a possible zip bomb: one part unpacks {ratio:,} times bigger than it "
                        "is packed; save it again from your spreadsheet app or export as CSV", ratio=round(ratio))
                )
        budget = MAX_XLSX_UNPACKED_BYTES
        for info in infos:
            if info.is_dir():
                continue
            try:
                with archive.open(info) as part:
                    tail = b""
                    while chunk := part.read(MB):
                        budget -= len(chunk)
                        if budget < 0:
                            raise EventFileError(NOT_XLSX_MESSAGE)
                        window = tail + chunk
                        if any(marker in window for marker in _DTD_MARKERS):
                            raise EventFileError(
                                msg("the .xlsx contains an XML document type declaration, which spreadsheets never "
                                    "need; it is refused for safety — save it again from your spreadsheet app or "
                                    "export as CSV")
                            )
                        tail = window[-_DTD_TAIL:]
            except EventFileError:
                raise
            except Exception:
                raise EventFileError(NOT_XLSX_MESSAGE) from None


def _sheet_records(sheet) -> Iterator[Record]:
    # One column past the limit, so a too-wide table is seen without making
    # rows thousands of cells wide.
    for number, cells in enumerate(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS + 1), start=HEADER_ROW):
        texts: list[str] = []
        formulas: list[int] = []
        for index, cell in enumerate(cells):
            texts.append(cell_text(cell.value))
            if getattr(cell, "data_type", None) == "f":
                formulas.append(index)
        while texts and not texts[-1]:
            texts.pop()
        yield Record(number, texts, (), tuple(formulas))
        if number > MAX_PHYSICAL_ROWS + HEADER_ROW:
            return


def read_xlsx(data: bytes, *, today: dt.date | None = None, reading: SheetReading = PLAIN) -> ParseResult:
    """Validate the first visible sheet of an .xlsx; raises ``EventFileError`` if the workbook cannot be read."""
    check_xlsx_archive(data)
    import openpyxl  # imported here: the CLI and the map never need it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        except Exception:
            raise EventFileError(NOT_XLSX_MESSAGE) from None
        try:
            sheets = list(workbook.worksheets)
            if not sheets:
                raise EventFileError(
                    msg("the workbook has no worksheet; put the events on a sheet (header in row 1) or export as CSV")
                )
            sheet = next((s for s in sheets if getattr(s, "sheet_state", "visible") == "visible"), sheets[0])
            notes: list[Problem] = []
            if len(sheets) > 1:
                notes.append(
                    # Translators: count is how many sheets the workbook has (2 or more); sheet is the read one's name.
                    Problem(None, None, msg("the workbook has {count} sheets; only the first, {sheet!r}, was read — "
                                            "put every event on that sheet", count=len(sheets), sheet=sheet.title))
                )
            sheet.reset_dimensions()  # the stored size may be wrong; read what is there
            return validate_records(_sheet_records(sheet), sheet=sheet.title, today=today, notes=notes, reading=reading)
        except EventFileError:
            raise
        except Exception:
            _log.warning("unreadable .xlsx upload", exc_info=True)
            raise EventFileError(NOT_XLSX_MESSAGE) from None
        finally:
            workbook.close()
