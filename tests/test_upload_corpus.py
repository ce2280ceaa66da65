"""A corpus of broken and hostile uploads, all generated here: each gives events or a clear error, never an exception.

Every file is built in memory or in ``tmp_path`` (nothing binary is committed).
A case either expects events (by city) or one error whose message contains a
needle and, where the problem is in one place, names that row and column.
Every problem of every upload here is a translatable message: a literal
``msg()``/``nmsg()`` source of the events package that renders in another
language (``check_problems``).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from speakout_map.events.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_EVENTS, MAX_XLSX_ENTRIES
from speakout_map.events.reading import read_upload
from speakout_map.events.xlsx_table import NOT_XLSX_MESSAGE as NOT_XLSX
from speakout_map.events.model import ParseResult
from tests.events_support import check_problems

MB = 1024 * 1024
NOT_XLSX_MESSAGE = str(NOT_XLSX)
HEADER = "city,country,date,title,description"
GOOD = f"{HEADER}\nMadrid,ES,2013-09-03,Rally,Bring a poster\n"
LONG_LINES = "line, with comma\n" * 60_000
#: The message read_upload gives only when something unforeseen raised inside it.
BACKSTOP = re.compile(r"could not be read \(\w+\)")


def read(data: bytes, filename: str = "events.csv", **kwargs) -> ParseResult:
    result = read_upload(data, filename, **kwargs)
    assert isinstance(result, ParseResult)
    assert not any(BACKSTOP.search(p.message) for p in result.errors), result.errors
    check_problems(result)
    return result


# --- building files -------------------------------------------------------------


def xlsx_bytes(rows: list[list[object]], *, edit: Callable | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Events"
    for row in rows:
        sheet.append(row)
    if edit is not None:
        edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """Copy a zip, passing each part through ``change`` (None drops the part)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


def minimal_xlsx() -> bytes:
    return xlsx_bytes([["city", "country", "date"], ["Madrid", "ES", dt.date(2013, 9, 3)]])


def zip_bomb(uncompressed_mb: int) -> bytes:
    """An .xlsx-looking zip whose sheet is ``uncompressed_mb`` MB of zeros (about 1 KB packed per MB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * MB
            for _ in range(uncompressed_mb):
                part.write(chunk)
    return out.getvalue()


def lying_zip(real_bytes: int, declared_bytes: int) -> bytes:
    """A zip whose headers declare a part far smaller than it really unpacks to."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", b"<" + b" " * (real_bytes - 2) + b">")
    data = bytearray(out.getvalue())
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_offset = 30 if signature == b"PK\x03\x04" else 46
            (name_length,) = struct.unpack_from("<H", data, start + (26 if signature == b"PK\x03\x04" else 28))
            if data[start + name_offset : start + name_offset + name_length] == b"xl/workbook.xml":
                struct.pack_into("<I", data, start + size_offset, declared_bytes)
            start += 4
    return bytes(data)


def set_encrypted_flag(data: bytes) -> bytes:
    patched = bytearray(data)
    start = 0
    while (start := patched.find(b"PK\x01\x02", start)) != -1:
        patched[start + 8] |= 0x1
        start += 4
    return bytes(patched)


def no_sheet_xlsx() -> bytes:
    def change(name: str, content: bytes) -> bytes | None:
        if name == "xl/workbook.xml":
            return re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", content)
        return None if name.startswith("xl/worksheets/") else content

    return rezip(minimal_xlsx(), change)


def with_dtd() -> bytes:
    billion_laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )

    def change(name: str, content: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return billion_laughs + content.split(b"?>", 1)[-1].replace(b"Madrid", b"&lol2;")
        return content

    return rezip(minimal_xlsx(), change)


def many_entries() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(MAX_XLSX_ENTRIES + 1):
            archive.writestr(f"xl/part{i}.xml", "")
    return out.getvalue()


def plain_zip(names: tuple[str, ...]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


def random_bytes(size: int, *, seed: int, nul: bool = True) -> bytes:
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(size))
    return data if nul else data.replace(b"\0", b"\x01")


# --- the corpus ---------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    filename: str = "events.csv"
    #: Cities of the events expected (in order), or None when an error is expected.
    cities: tuple[str, ...] | None = None
    #: Text the error message must contain.
    needle: str = ""
    #: (row, column) the error must name; None for a whole-file error.
    where: tuple[int | None, str | None] | None = (None, None)
    max_bytes: int = 5 * MB


CSV_CASES = [
    Case("empty file", lambda: b"", needle="the file is empty"),
    Case("only spaces and newlines", lambda: b"  \r\n\n\t\n", needle="the file is empty"),
    Case("header only", lambda: HEADER.encode() + b"\n", needle="has a header but no events"),
    Case("header and blank rows", lambda: HEADER.encode() + b"\n,,,,\n\n", needle="has a header but no events"),
    Case("first row empty", lambda: b"\n" + GOOD.encode(), needle="the first row is empty", where=(1, None)),
    Case("random bytes", lambda: random_bytes(4096, seed=1), needle="binary data"),
    Case("random bytes without NUL", lambda: random_bytes(4096, seed=2, nul=False), needle="binary data"),
    Case("PNG header", lambda: b"\x89PNG\r\n\x1a\n" + random_bytes(200, seed=3, nul=False), needle="binary data"),
    Case("PDF", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", needle="binary data"),
    Case("gzip", lambda: b"\x1f\x8b\x08\x00" + random_bytes(100, seed=4), needle="binary data"),
    Case("a NUL byte in a good file", lambda: GOOD.encode().replace(b"Rally", b"Ral\x00ly"), needle="binary data"),
    Case("UTF-8 with BOM", lambda: ("\ufeff" + GOOD.replace("Madrid", "Málaga")).encode(), cities=("Málaga",)),
    Case("UTF-16 LE with BOM, tabs (Excel 'Unicode text')",
         lambda: b"\xff\xfe" + "city\tcountry\tdate\nAsunción\tPY\t2013-09-03\n".encode("utf-16-le"),
         filename="events.txt", cities=("Asunción",)),
    Case("UTF-16 BE with BOM", lambda: b"\xfe\xff" + "city,country,date\nGöteborg,SE,2013-09-03\n".encode("utf-16-be"),
         cities=("Göteborg",)),
    Case("UTF-16 without BOM", lambda: "city,country,date\nMadrid,ES,2013-09-03\n".encode("utf-16-le"),
         needle="binary data"),
    Case("cp1252 (euro sign, curly quotes)",
         lambda: "city,country,date,title\nMünchen,DE,2013-09-03,“Rally” €5\n".encode("cp1252"),
         cities=("München",)),
    Case("latin-1", lambda: "city;country;date\nAsunción;Paraguay;2013-09-03\n".encode("latin-1"), cities=("Asunción",)),
    Case("UTF-8 with Windows-1252 rows pasted in",
         lambda: "city,country,date\nMünchen,DE,2013-09-03\n".encode() + "Zürich,CH,2013-09-03\n".encode("cp1252")
         + "Göteborg,SE,2013-09-03\n".encode(), cities=("München", "Zürich", "Göteborg")),
    Case("Windows-1252 with a UTF-8 row pasted in",
         lambda: "city,country,date\nMünchen,DE,2013-09-03\nZürich,CH,2013-09-03\n".encode("cp1252")
         + "Göteborg,SE,2013-09-03\n".encode(), cities=("München", "Zürich", "Göteborg")),
    Case("a quote left open swallows the rows after it",
         lambda: (GOOD + 'Dublin,IE,2013-09-03,"Vigil,x\n' + "Paris,FR,2013-09-03,Walk,y\n" * 4).encode(),
         needle='a quote (") opens here and is never closed, so the 4 lines after it', where=(3, "title")),
    Case("old Mac line ends (CR)", lambda: b"city,country,date\rDublin,IE,2013-09-03\rGalway,IE,2013-09-03\r",
         cities=("Dublin", "Galway")),
    Case("TSV file", lambda: b"city\tcountry\tdate\nDublin\tIE\t2013-09-03\n", filename="events.tsv",
         cities=("Dublin",)),
    Case("missing city column", lambda: b"country,date\nES,2013-09-03\n", needle="the header has no city column",
         where=(1, "city")),
    Case("missing date column", lambda: b"city,country\nMadrid,ES\n", needle="the header has no date column",
         where=(1, "date")),
    Case("a bad date", lambda: GOOD.replace("2013-09-03", "31/09/2013").encode(), needle="YYYY-MM-DD",
         where=(2, "date")),
    Case("too many columns", lambda: (",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\nx\n").encode(),
         needle=f"the limit is {MAX_COLUMNS}", where=(1, None)),
    Case("a row with too many cells", lambda: (GOOD + "Dublin,IE,2013-09-03" + ",x" * MAX_COLUMNS + "\n").encode(),
         needle=f"the limit is {MAX_COLUMNS} columns", where=(3, None)),
    Case("a cell one character too long",
         lambda: f"{HEADER}\nMadrid,ES,2013-09-03,Rally,{'x' * (MAX_CELL_CHARS + 1)}\n".encode(),
         needle=f"the cell has {MAX_CELL_CHARS + 1:,} characters; the limit is 5,000 — shorten it",
         where=(2, "description")),
    Case("a cell of exactly the limit", lambda: f"{HEADER}\nMadrid,ES,2013-09-03,Rally,{'x' * MAX_CELL_CHARS}\n".encode(),
         cities=("Madrid",)),
    Case("a 200,000-character header cell", lambda: ("x" * 200_000 + ",city\n").encode(),
         needle="the cell has 200,000 characters", where=(1, "column A")),
    Case("a 10 MB cell over the upload limit", lambda: GOOD.encode() + b"Paris,FR,2013-09-03,t," + b"A" * (10 * MB) + b"\n",
         needle="the limit is 5 MB"),
    Case("a 10 MB cell under a raised upload limit",
         lambda: GOOD.encode() + b"Paris,FR,2013-09-03,t," + b"A" * (10 * MB) + b"\n",
         needle=f"the cell has {10 * MB:,} characters; the limit is 5,000", where=(3, "description"),
         max_bytes=20 * MB),
    Case("a quoted 1 MB cell over several lines",
         lambda: (f'{HEADER}\nMadrid,ES,2013-09-03,"' + LONG_LINES + '",x\n').encode(),
         needle=f"the cell has {len(LONG_LINES):,} characters", where=(2, "title")),
    Case("too many events", lambda: (HEADER + "\n" + "Madrid,ES,2013-09-03\n" * (MAX_EVENTS + 1)).encode(),
         needle=f"more than {MAX_EVENTS:,} events"),
    Case("megabytes of empty lines", lambda: GOOD.encode() + b"\n" * (3 * MB), needle="counting empty ones"),
    Case("a PNG named .csv is not read as anything else", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
         needle="binary data"),
]

XLSX_CASES = [
    Case("empty sheet", lambda: xlsx_bytes([]), filename="events.xlsx", needle="the sheet 'Events' is empty"),
    Case("header-only sheet", lambda: xlsx_bytes([["city", "country", "date"]]), filename="events.xlsx",
         needle="has a header but no events"),
    Case("no worksheet", no_sheet_xlsx, filename="events.xlsx", needle="the workbook has no worksheet"),
    Case("200 MB zip bomb", lambda: zip_bomb(200), filename="events.xlsx",
         needle="would unpack to 200 MB; the limit is 50 MB"),
    Case("compression-ratio bomb under the size cap", lambda: zip_bomb(20), filename="events.xlsx",
         needle="possible zip bomb"),
    Case("zip headers that lie about sizes", lambda: lying_zip(30 * MB, 100), filename="events.xlsx",
         needle=NOT_XLSX_MESSAGE),
    Case("truncated xlsx", lambda: minimal_xlsx()[:1500], filename="events.xlsx", needle=NOT_XLSX_MESSAGE),
    Case("random bytes named .xlsx", lambda: random_bytes(3000, seed=5), filename="events.xlsx",
         needle=NOT_XLSX_MESSAGE),
    Case("a CSV named .xlsx", lambda: GOOD.encode(), filename="events.xlsx", needle=NOT_XLSX_MESSAGE),
    Case("a zip that is no workbook", lambda: plain_zip(("hello.txt",)), filename="events.xlsx",
         needle=NOT_XLSX_MESSAGE),
    Case("a Word document named .xlsx", lambda: plain_zip(("[Content_Types].xml", "word/document.xml")),
         filename="events.xlsx", needle=NOT_XLSX_MESSAGE),
    Case("a workbook with broken XML",
         lambda: rezip(minimal_xlsx(), lambda n, c: b"<workbook><sheets" if n == "xl/workbook.xml" else c),
         filename="events.xlsx", needle=NOT_XLSX_MESSAGE),
    Case("an XML DTD (billion laughs)", with_dtd, filename="events.xlsx", needle="document type declaration"),
    Case("too many zip entries", many_entries, filename="events.xlsx", needle="parts"),
    Case("zip-encrypted parts", lambda: set_encrypted_flag(minimal_xlsx()), filename="events.xlsx",
         needle="password-protected"),
    Case("legacy .xls", lambda: OLE2, filename="events.xls", needle="old Excel 97-2003 workbook (.xls)"),
    Case("legacy .xls content named .xlsx", lambda: OLE2, filename="events.xlsx", needle="(.xls)"),
    Case("legacy .xls content named .csv", lambda: OLE2, filename="events.csv", needle="(.xls)"),
    Case("an .xlsx named .xls is read", minimal_xlsx, filename="events.xls", cities=("Madrid",)),
    Case("an .xlsx named .csv is read", minimal_xlsx, filename="events.csv", cities=("Madrid",)),
    Case("upper-case extension", minimal_xlsx, filename="EVENTS.XLSX", cities=("Madrid",)),
    Case("OpenDocument", lambda: plain_zip(("mimetype",)), filename="events.ods",
         needle="upload a .csv, .tsv, .txt or .xlsx file"),
    Case("no extension", lambda: GOOD.encode(), filename="events", needle="(no extension) cannot be read"),
    Case("a PDF", lambda: b"%PDF-1.7\n", filename="events.pdf", needle="files of type .pdf cannot be read"),
    Case("an .xlsx over the upload limit", minimal_xlsx, filename="events.xlsx", needle="the file is too large",
         max_bytes=1000),
    Case("a cell too long in a sheet",
         lambda: xlsx_bytes([["city", "country", "date", "description"], ["Madrid", "ES", "2013-09-03", "y" * 6000]]),
         filename="events.xlsx", needle="the cell has 6,000 characters; the limit is 5,000", where=(2, "description")),
    Case("too many columns in a sheet",
         lambda: xlsx_bytes([["city", "country", "date"] + [f"c{i}" for i in range(MAX_COLUMNS)], ["Madrid"]]),
         filename="events.xlsx", needle=f"the limit is {MAX_COLUMNS}", where=(1, None)),
    Case("a bad date in a sheet names the sheet's row",
         lambda: xlsx_bytes([["city", "country", "date"], ["Madrid", "ES", dt.date(2013, 9, 3)], [], [],
                             ["Dublin", "IE", "3/9/2013"]]),
         filename="events.xlsx", needle="could be day/month", where=(5, "date")),
]


@pytest.mark.parametrize("case", CSV_CASES + XLSX_CASES, ids=lambda c: c.name)
def test_corpus(case: Case):
    result = read(case.make(), case.filename, max_bytes=case.max_bytes)
    if case.cities is not None:
        assert result.ok, result.errors
        assert tuple(e.city for e in result.events) == case.cities
        return
    assert not result.ok
    matching = [p for p in result.errors if case.needle in p.message]
    assert matching, result.errors
    if case.where is not None:
        assert (matching[0].row, matching[0].column) == case.where, matching[0]
    if case.where == (None, None):
        assert result.events == ()


# --- hostile text stays inert --------------------------------------------------------


HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "@SUM(A1)",
    "-2+3",
    "+1",
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "\u202eevil\u202c",
    "'; DROP TABLE events; --",
]


@pytest.mark.parametrize("payload", HOSTILE)
@pytest.mark.parametrize("column", ["title", "description", "venue", "organiser"])
def test_hostile_csv_text_is_stored_literally(payload: str, column: str):
    quoted = '"' + payload.replace('"', '""') + '"'
    result = read(f"city,country,date,{column}\nMadrid,ES,2013-09-03,{quoted}\n".encode())
    assert result.ok, result.errors
    assert getattr(result.events[0], column) == payload


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_xlsx_text_is_stored_literally(tmp_path: Path, payload: str):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["city", "country", "date", "title"])
    sheet.append(["Madrid", "ES", "2013-09-03", None])
    sheet["D2"].value = payload  # a formula cell when it starts with "="
    path = tmp_path / "hostile.xlsx"
    workbook.save(path)
    result = read(path.read_bytes(), path.name)
    assert result.ok, result.errors
    assert result.events[0].title == payload
    formula_warnings = [w for w in result.warnings if "formula" in w.message]
    if payload.startswith("="):
        assert [(w.row, w.column) for w in formula_warnings] == [(2, "title")]
    else:
        assert formula_warnings == []


def test_duplicate_rows_warn_but_do_not_block():
    result = read((GOOD + "madrid,Spain,2013-09-03,rally,other text\n").encode())
    assert result.ok and len(result.events) == 2
    assert [(w.row, w.column) for w in result.warnings] == [(3, None)]
    assert "the same event as row 2" in result.warnings[0].message


# --- a real workbook made with openpyxl -------------------------------------------


def test_valid_xlsx_with_typed_cells(tmp_path: Path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Day of action"
    sheet.append(["City", "Country", "Date", "Title", "Start_Time", "End_Time", "Latitude", "Longitude",
                  "Organiser", "Status", "URL"])
    sheet.append(["Madrid", "España", dt.date(2013, 9, 3), "Rally", dt.time(19, 0), dt.time(20, 30), 40.4168, -3.7038,
                  2013, "confirmed", "https://example.org/madrid"])
    sheet.append(["Dublin", "IE", dt.datetime(2013, 9, 3, 0, 0), None, None, None, 53, -6, 1.5, None, None])
    sheet.append([])  # an empty row is skipped but still counted
    sheet.append(["Valencia", "ES", dt.date(2013, 9, 4), None, 0.7708333333, None, None, None, True])
    sheet["E5"].number_format = "hh:mm"  # a time typed as a number, with a time format
    other = workbook.create_sheet("Notes")
    other["A1"] = "not events"
    path = tmp_path / "events.xlsx"
    workbook.save(path)

    result = read(path.read_bytes(), path.name)
    assert result.ok, result.errors
    madrid, dublin, valencia = result.events
    assert (madrid.country_code, madrid.date, madrid.start_time, madrid.end_time) == (
        "ES", dt.date(2013, 9, 3), dt.time(19, 0), dt.time(20, 30))
    assert (madrid.latitude, madrid.longitude, madrid.organiser) == (40.4168, -3.7038, "2013")
    assert madrid.url == "https://example.org/madrid"
    assert (dublin.date, dublin.latitude, dublin.longitude, dublin.organiser) == (dt.date(2013, 9, 3), 53.0, -6.0, "1.5")
    assert (valencia.start_time, valencia.organiser) == (dt.time(18, 30), "TRUE")
    assert [e.row for e in result.events] == [2, 3, 5]
    assert result.rows == 3
    assert [str(w) for w in result.warnings] == [
        "the workbook has 2 sheets; only the first, 'Day of action', was read — put every event on that sheet"]


def test_first_visible_sheet_is_read(tmp_path: Path):
    def hide_first(workbook):
        visible = workbook.create_sheet("Visible")
        visible.append(["city", "country", "date"])
        visible.append(["Dublin", "IE", "2013-09-03"])
        workbook["Events"].sheet_state = "hidden"

    data = xlsx_bytes([["city", "country", "date"], ["Madrid", "ES", "2013-09-03"]], edit=hide_first)
    assert [e.city for e in read(data, "e.xlsx").events] == ["Dublin"]


def test_xlsx_and_csv_give_the_same_messages():
    rows = [["city", "country", "date", "url"], ["Madrid", "Narnia", "2013-02-30", "javascript:x"]]
    from_xlsx = read(xlsx_bytes(rows), "e.xlsx")
    from_csv = read("\n".join(",".join(r) for r in rows).encode(), "e.csv")
    assert from_xlsx.errors == from_csv.errors
    assert {(p.row, p.column) for p in from_xlsx.errors} == {(2, "country"), (2, "date"), (2, "url")}


def test_past_dates_warn_in_xlsx_too():
    data = xlsx_bytes([["city", "country", "date"], ["Madrid", "ES", dt.date(2013, 9, 3)]])
    result = read(data, "e.xlsx", today=dt.date(2026, 1, 1))
    assert result.ok
    assert [str(w) for w in result.warnings] == ["row 2, date: 2013-09-03 is in the past; check the year"]


# --- speed and memory -------------------------------------------------------------------


def test_ten_megabyte_cell_is_refused_fast_and_lean():
    data = GOOD.encode() + b"Paris,FR,2013-09-03,t," + b"A" * (10 * MB) + b"\nRome,IT,2013-09-03\n"
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = read(data, max_bytes=20 * MB)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(p.row, p.column) for p in result.errors] == [(3, "description")]
    assert [e.city for e in result.events] == ["Madrid", "Rome"], "rows after the long cell are still read"
    assert elapsed < 5
    assert peak < 4 * len(data), f"peak {peak / MB:.0f} MB for a {len(data) / MB:.0f} MB file"


def test_zip_bomb_is_refused_without_unpacking_it():
    bomb = zip_bomb(200)
    assert len(bomb) < MB
    started = time.perf_counter()
    result = read(bomb, "events.xlsx")
    assert time.perf_counter() - started < 1
    assert "possible zip bomb" in result.errors[0].message


# --- nothing raises, whatever the bytes ----------------------------------------------


def mutations(data: bytes, count: int, seed: int):
    rng = random.Random(seed)
    for _ in range(count):
        mutated = bytearray(data)
        kind = rng.randrange(3)
        if kind == 0:
            for _ in range(rng.randrange(1, 20)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        elif kind == 1:
            del mutated[rng.randrange(len(mutated)):]
        else:
            at = rng.randrange(len(mutated))
            mutated[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        yield bytes(mutated)


@pytest.mark.parametrize("filename", ["e.xlsx", "e.csv", "e.xls", "e.txt"])
def test_mutated_workbooks_never_raise(filename: str):
    data = xlsx_bytes([["city", "country", "date", "title"], ["Madrid", "ES", dt.date(2013, 9, 3), "Rally"],
                       ["Dublin", "IE", dt.date(2013, 9, 3), "=1+1"]])
    for mutated in mutations(data, 60, seed=len(filename)):
        result = read(mutated, filename)
        assert result.events or result.errors


@pytest.mark.parametrize("seed", range(5))
def test_mutated_csv_never_raises(seed: int):
    data = ('\ufeffcity;country;date;title;description\r\nMadrid;ES;2013-09-03;"a ""quoted""; title";x\r\n'
            "Göteborg;SE;2013-09-03;=1+1;\u202e<b>\r\n").encode()
    for mutated in mutations(data, 200, seed=seed):
        result = read(mutated)
        assert result.events or result.errors


@pytest.mark.parametrize("data", [b"PK\x03\x04", b"PK\x05\x06" + b"\0" * 18, b"\xff\xfe", b"\xfe\xff\x00",
                                  b"\xef\xbb\xbf", b'"', b"\r", b",,,\n,,,", b"\xd0\xcf\x11\xe0"])
@pytest.mark.parametrize("filename", ["e.csv", "e.xlsx", "e.xls", "", "e.tsv"])
def test_tiny_odd_inputs_never_raise(data: bytes, filename: str):
    result = read(data, filename)
    assert result.errors


def test_not_even_bytes_is_an_error_not_a_crash():
    result = read_upload("city,country,date\n", "e.csv")  # type: ignore[arg-type]
    assert not result.ok and result.errors[0].row is None
