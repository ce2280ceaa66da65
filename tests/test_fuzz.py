"""Fuzzing with hypothesis: hostile input wherever input enters, and exports that read back.

* Uploads: any bytes, any text, and CSV-like tables with random cells,
  delimiters, line ends, encodings and file names give events or clear
  problems (a message, a row >= 1 or None, a known column, a header name or
  None), never an exception, and never the last-resort "could not be read
  (SomeError)" message that ``read_upload`` keeps for bugs. Every problem's
  message is translatable: a literal ``msg()``/``nmsg()`` source that renders
  in another language (``check_message``).
* Valid events written as a CSV in any supported dialect read back equal.
* Exports: ``events_to_csv(include_private=True)`` reads back as the same
  events for any text, and never leaves a text cell a spreadsheet would run
  as a formula; ``geojson_text`` is strict JSON with RFC 7946's structure.

Run time is kept modest (about 10 s in all): small examples, bounded example counts.
A defect found here is fixed in its module and kept as an ``@example``.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import json
import math
import re

import openpyxl
import pycountry
import pytest
from hypothesis import HealthCheck, assume, example, given, settings, strategies as st

from speakout_map.events.model import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    Event,
    ParseResult,
    Problem,
    Status,
)
from speakout_map.events.cells import parse_url
from speakout_map.events.decoding import decode_bytes
from speakout_map.events.limits import MAX_CELL_CHARS
from speakout_map.events.reading import parse_events_bytes, parse_events_text, read_upload
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.errors import EventFileError
from speakout_map.languages.message import msg
from speakout_map.events.export import (
    TEXT_COLUMNS,
    events_to_csv,
    events_to_csv_bytes,
    events_to_geojson,
    events_to_rows,
    geojson_text,
    neutralise_cell,
)
from tests.events_support import check_message

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: The message read_upload gives only when something unforeseen raised inside it (a bug).
BACKSTOP = re.compile(r"could not be read \(\w+\)")
COLUMN_LETTER = re.compile(r"column [A-Z]+")
DELIMITERS = (",", ";", "\t")
CODES = sorted(c.alpha_2 for c in pycountry.countries)


# --- what every answer must look like ---------------------------------------------------


def normalised_header(name: str) -> str:
    return re.sub(r"\s+", "_", name.strip().lower())


def header_names(text: str) -> set[str]:
    """Every name the first record of ``text`` could give a column, whichever delimiter is guessed."""
    names: set[str] = set()
    text = text.lstrip("\ufeff")
    for delimiter in DELIMITERS:
        try:
            first = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
        except csv.Error:
            continue
        names.update(normalised_header(cell) for cell in first)
    return names


def check_event(event: Event) -> None:
    assert isinstance(event, Event)
    assert event.row >= 2
    assert event.city and event.city == event.city.strip()
    assert event.country_code in CODES
    assert isinstance(event.date, dt.date)
    assert event.url == "" or event.url.lower().startswith(("http://", "https://"))
    assert (event.latitude is None) == (event.longitude is None)
    if event.latitude is not None:
        assert math.isfinite(event.latitude) and -90 <= event.latitude <= 90
        assert math.isfinite(event.longitude) and -180 <= event.longitude <= 180
    assert isinstance(event.status, Status)
    for name in ("city", "title", "venue", "address", "organiser", "contact_email", "description", "url"):
        value = getattr(event, name)
        assert isinstance(value, str) and len(value) <= MAX_CELL_CHARS


def check_result(result: ParseResult, names: set[str] | None = None) -> ParseResult:
    """The contract of every reader: a ParseResult of events and clear, located problems.

    ``names``: the header names the file may give (None: any name without spaces).
    """
    assert isinstance(result, ParseResult)
    for problem in (*result.errors, *result.warnings):
        assert isinstance(problem, Problem)
        assert isinstance(problem.message, str) and problem.message.strip(), problem
        check_message(problem.text)
        assert problem.row is None or (type(problem.row) is int and problem.row >= 1), problem
        column = problem.column
        if column is not None:
            assert isinstance(column, str) and column, problem
            known = column in COLUMNS or COLUMN_LETTER.fullmatch(column)
            if names is None:
                assert known or not any(ch.isspace() for ch in column), problem
            else:
                assert known or column in names, (problem, names)
        assert str(problem)
    assert not any(BACKSTOP.search(p.message) for p in result.errors), result.errors
    for event in result.events:
        check_event(event)
    assert result.rows >= len(result.events)
    if not result.errors:
        assert result.events, "a clean result has events"
    return result


# --- any bytes, any text ---------------------------------------------------------------------

MAGIC = st.sampled_from(
    [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, b"PK\x03\x04",
     b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG\r\n\x1a\n", b"%PDF-1.7\n", b"\x1f\x8b", b"city,country,date\n",
     b"city;country;date\r\n", b'"city","country","date"\r'],
)
FILENAMES = st.one_of(
    st.sampled_from(["events.csv", "events.xlsx", "events.txt", "events.tsv", "events.xls", "EVENTS.CSV",
                     "events", "events.pdf", "", ".csv", "a.b.xlsx", "events.csv ", "../../etc/passwd.csv"]),
    st.text(max_size=20),
    st.builds(lambda stem, ext: stem + ext, st.text(max_size=10), st.sampled_from([".csv", ".xlsx", ".txt", ".json"])),
)


@FUZZ
@given(prefix=MAGIC, data=st.binary(max_size=1500), filename=FILENAMES)
@example(prefix=b"city,country,date,url\n", data=b"Madrid,ES,2013-09-03,https://[abc\n", filename="events.csv")
@example(prefix=codecs.BOM_UTF16_LE, data=b"\x00", filename="events.csv")
@example(prefix=b"PK\x03\x04", data=b"\x00" * 40, filename="events.xlsx")
def test_any_bytes_under_any_name_give_events_or_clear_problems(prefix, data, filename):
    check_result(read_upload(prefix + data, filename))


@FUZZ
@given(prefix=MAGIC, data=st.binary(max_size=1500))
@example(prefix=b"city,country,date,url\n", data=b"Madrid,ES,2013-09-03,https://[abc\n")
def test_parse_events_bytes_never_raises(prefix, data):
    check_result(parse_events_bytes(prefix + data))


@FUZZ
@given(st.text(max_size=800))
@example("city,country,date,url\nMadrid,ES,2013-09-03,http://]x\n")
@example("city,country,date\n\"Madrid\rX\",ES,2013-09-03\n")
@example("city,country,date\n\"unterminated,ES,2013-09-03\n")
def test_any_text_gives_events_or_clear_problems(text):
    check_result(parse_events_text(text), header_names(text))


# --- CSV-like tables with random cells -------------------------------------------------------

HOSTILE_CELLS = [
    "=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "'=1+1", "''=x", "\t=1", "\r=1",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"quoted\"", "a\"b", "\x00", "\ufeff",
    "https://[abc", "http://]x", "https://example.org/a b", "javascript:alert(1)", "nan", "inf", "-0", "1e309",
    "9999-99-99", "2013-02-30", "03/09/2013", "24:00", "23:59:60", "٢٠١٣-٠٩-٠٣", "ES", "España", "UK", "XX",
    "a@b", "a@b.c", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\u202e", " ", "", "x" * 5001,
]
VALID_BY_COLUMN = {
    "city": st.sampled_from(["Madrid", "Göteborg", "Nueva York", "Xyzzyville"]),
    "country": st.sampled_from(["ES", "España", "Deutschland", "UK", "usa", "ESP"]),
    "date": st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(dt.date.isoformat),
    "start_time": st.times().map(lambda t: t.strftime("%H:%M")),
    "end_time": st.times().map(lambda t: t.strftime("%H:%M")),
    "url": st.one_of(
        st.sampled_from(["https://example.org/e", "http://example.org/?a=1&b=2"]),
        st.builds(lambda scheme, rest: scheme + rest, st.sampled_from(["http://", "https://", "HTTP://", "", "ftp://"]),
                  st.text(st.sampled_from("[]:@/?#%.-x1") | st.characters(), max_size=16)),
    ),
    "status": st.sampled_from(["confirmed", "details_to_come", "TBC", "Details to come"]),
    "contact_email": st.sampled_from(["name@example.org"]),
    "latitude": st.floats(-90, 90).map(repr),
    "longitude": st.floats(-180, 180).map(repr),
}
ANY_CELL = st.one_of(st.text(max_size=30), st.sampled_from(HOSTILE_CELLS), *VALID_BY_COLUMN.values())


@st.composite
def header_strategy(draw):
    if draw(st.integers(0, 4)) == 4:  # anything at all
        names = draw(st.lists(st.one_of(st.sampled_from(COLUMNS), st.text(max_size=12)), max_size=18))
    else:  # mostly a usable header, so that the rows get validated too
        names = list(REQUIRED_COLUMNS) + draw(st.lists(st.sampled_from(OPTIONAL_COLUMNS), unique=True))
        if ("latitude" in names) != ("longitude" in names):
            names += ["longitude" if "latitude" in names else "latitude"]
        names += draw(st.lists(st.text(max_size=12), max_size=2))
        names = list(draw(st.permutations(names)))
    styled = []
    for name in names:
        style = draw(st.sampled_from(["plain", "upper", "title", "padded"]))
        styled.append({"plain": name, "upper": name.upper(), "title": name.title(), "padded": f"  {name} "}[style])
    return styled


def column_cell(column: str):
    valid = VALID_BY_COLUMN.get(column, st.text(max_size=30))
    return st.one_of(valid, valid, valid, ANY_CELL)  # mostly valid, so whole rows often get through


@st.composite
def table_strategy(draw):
    header = draw(header_strategy())
    width = len(header)
    columns = [normalised_header(h) for h in header]
    rows = draw(
        st.lists(
            st.one_of(
                st.tuples(*[VALID_BY_COLUMN.get(c, st.text(max_size=30)) for c in columns]).map(list),  # clean
                st.tuples(*[column_cell(c) for c in columns]).map(list),  # a few bad cells
                st.lists(ANY_CELL, min_size=max(0, width - 2), max_size=width + 2),  # anything anywhere
            ),
            min_size=1,
            max_size=8,
        )
    )
    return [header, *rows]


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])


def write_table(rows, delimiter: str, quoting: int, terminator: str) -> str:
    buffer = io.StringIO()
    if quoting == -1:  # no csv module: cells joined as they are (stray quotes and all)
        for row in rows:
            buffer.write(delimiter.join(row) + terminator)
    else:
        # csv.writer quotes a cell holding the characters of *its* line terminator only, so
        # write with CRLF (cells with CR or LF get quoted) and then end the line as asked.
        for row in rows:
            line = io.StringIO()
            csv.writer(line, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerow(row)
            buffer.write(line.getvalue()[:-2] + terminator)
    return buffer.getvalue()


def physical_lines(text: str) -> int:
    """Lines of the text as a spreadsheet counts them: CRLF, CR and LF each end one."""
    return len(re.split(r"\r\n|\r|\n", text.rstrip("\r\n"))) if text else 0


def read_table(rows, delimiter, quoting, terminator, encoding, filename) -> ParseResult:
    data = write_table(rows, delimiter, quoting, terminator).encode(encoding, errors="replace")
    try:
        names = header_names(decode_bytes(data))
    except EventFileError:
        names = set()
    return check_result(read_upload(data, filename), names)


QUOTING = st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, -1])  # -1: no quoting at all
TERMINATORS = st.sampled_from(["\n", "\r\n", "\r"])


@FUZZ
@given(
    rows=table_strategy(),
    delimiter=st.sampled_from(DELIMITERS),
    quoting=QUOTING,
    terminator=TERMINATORS,
    encoding=ENCODINGS,
    filename=st.sampled_from(["events.csv", "events.txt", "events.tsv", "Events.CSV"]),
)
@example(rows=[["city", "country", "date", "url"], ["Madrid", "ES", "2013-09-03", "https://[abc"]],
         delimiter=",", quoting=csv.QUOTE_MINIMAL, terminator="\n", encoding="utf-8", filename="events.csv")
@example(rows=[["city", "country", "date", ""], ["Madrid", "ES", "2000-01-01", "\n\r0"]],  # found by CI: an
         delimiter=",", quoting=-1, terminator="\n", encoding="utf-8", filename="events.csv")  # unquoted CR/LF
def test_csv_tables_with_random_cells_give_events_or_clear_problems(
    rows, delimiter, quoting, terminator, encoding, filename
):
    result = read_table(rows, delimiter, quoting, terminator, encoding, filename)
    if len(rows) > 1 and result.rows:
        # Quoted cells keep their line breaks inside one spreadsheet row; unquoted ones
        # (quoting -1) start new rows, as they would in a spreadsheet, so count lines then.
        last_row = len(rows) if quoting != -1 else physical_lines(write_table(rows, delimiter, quoting, terminator))
        assert all(2 <= p.row <= last_row for p in result.errors if p.row not in (None, 1))


@FEW
@given(
    rows=table_strategy(),
    delimiter=st.sampled_from(["|", " ", ":", "\x00", "\u2028"]),
    quoting=QUOTING,
    terminator=st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x0b"]),
    encoding=ENCODINGS,
    filename=FILENAMES,
)
def test_csv_like_text_with_odd_delimiters_and_names_gives_events_or_clear_problems(
    rows, delimiter, quoting, terminator, encoding, filename
):
    read_table(rows, delimiter, quoting, terminator, encoding, filename)


@st.composite
def sheet_strategy(draw):
    header = draw(header_strategy())
    cell = st.one_of(
        ANY_CELL.filter(lambda s: not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", s)),
        st.integers(-10**20, 10**20), st.floats(allow_nan=True), st.booleans(), st.none(),
        st.dates(), st.datetimes(), st.times(), st.timedeltas(dt.timedelta(days=-3), dt.timedelta(days=3)),
    )
    body = draw(st.lists(st.lists(cell, max_size=len(header) + 2), max_size=6))
    return [header, *body]


def _xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([_legal(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _legal(value):
    if isinstance(value, str):
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # openpyxl writes nan/inf as invalid XML numbers; keep them as text
    return value


@FEW
@given(rows=sheet_strategy(), filename=st.sampled_from(["events.xlsx", "events.csv", "events.xls"]))
@example(rows=[["city", "country", "date", "url"], ["Madrid", "ES", dt.date(2013, 9, 3), "https://[abc"]],
         filename="events.xlsx")
def test_xlsx_sheets_with_random_cells_give_events_or_clear_problems(rows, filename):
    names = {normalised_header(str(_legal(h))) for h in rows[0]}
    check_result(read_upload(_xlsx(rows), filename), names)


@FEW
@given(cut=st.integers(0, 4000), flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6))
def test_damaged_xlsx_files_give_a_clear_problem(cut, flips):
    good = bytearray(_xlsx([["city", "country", "date"], ["Madrid", "ES", dt.date(2013, 9, 3)]]))
    for position, value in flips:
        good[position % len(good)] = value
    damaged = bytes(good[: len(good) - cut]) if cut else bytes(good)
    result = check_result(read_upload(damaged, "events.xlsx"))
    assert result.events or result.errors


# --- valid events in any supported dialect read back equal -----------------------------------

PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff") | st.sampled_from("\t\n\r")


def stripped_text(alphabet=PRINTABLE, *, min_size: int = 0, max_size: int = 40):
    text = st.text(alphabet, max_size=max_size).map(str.strip)
    return text.map(lambda s: s or "?") if min_size else text


def valid_url(text: str) -> bool:
    try:
        return parse_url(text) == text
    except ValueError:
        return False


URLS = st.one_of(
    st.just(""),
    st.builds(lambda scheme, rest: f"{scheme}://{rest}", st.sampled_from(["http", "https", "HTTPS"]),
              st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=30))
    .filter(valid_url),
)
_EMAIL_PART = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Z"), blacklist_characters="@<>\"'."),
                      min_size=1, max_size=10)
EMAILS = st.one_of(st.just(""), st.builds("{}@{}.{}".format, _EMAIL_PART, _EMAIL_PART, _EMAIL_PART))
TIMES = st.none() | st.times().map(lambda t: t.replace(second=0, microsecond=0))


@st.composite
def events_strategy(draw, text=stripped_text):
    count = draw(st.integers(1, 4))
    events = []
    for _ in range(count):
        has_point = draw(st.booleans())
        events.append(
            Event(
                city=draw(text(min_size=1)),
                country_code=draw(st.sampled_from(CODES)),
                date=draw(st.dates()),
                title=draw(text()),
                start_time=draw(TIMES),
                end_time=draw(TIMES),
                venue=draw(text()),
                address=draw(text()),
                url=draw(URLS),
                status=draw(st.sampled_from(Status)),
                organiser=draw(text()),
                contact_email=draw(EMAILS),
                description=draw(text()),
                latitude=draw(st.floats(-90, 90)) if has_point else None,
                longitude=draw(st.floats(-180, 180)) if has_point else None,
            )
        )
    return events


def without_rows(events) -> list[Event]:
    return [dataclasses.replace(e, row=0) for e in events]


def _field_text(event: Event, column: str) -> str:
    return events_to_rows([event], include_private=True)[0][column]


def holds_utf8_sequence(data: bytes) -> bool:
    """Whether the bytes hold a valid UTF-8 sequence of two to four bytes anywhere."""
    for i, byte in enumerate(data):
        if byte >= 0xC2:
            try:
                data[i : i + (2 if byte < 0xE0 else 3 if byte < 0xF0 else 4)].decode("utf-8")
            except UnicodeDecodeError:
                continue
            return True
    return False


@FEW
@given(
    events=events_strategy(),
    delimiter=st.sampled_from(DELIMITERS),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    terminator=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]),  # UTF-16 needs its BOM
    style=st.sampled_from(["plain", "upper", "padded"]),
    order=st.randoms(use_true_random=False),
    filename=st.sampled_from(["events.csv", "events.txt", "events.tsv", "EVENTS.CSV"]),
)
def test_valid_events_written_in_any_supported_dialect_read_back_equal(
    events, delimiter, quoting, terminator, encoding, style, order, filename
):
    columns = list(COLUMNS)
    order.shuffle(columns)
    header = [{"plain": c, "upper": c.upper(), "padded": f" {c.title()} "}[style] for c in columns]
    rows = [header] + [
        [neutralise_cell(_field_text(e, c)) if c in TEXT_COLUMNS else _field_text(e, c) for c in columns]
        for e in events
    ]
    text = write_table(rows, delimiter, quoting, terminator)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    if encoding in ("cp1252", "latin-1") and holds_utf8_sequence(data):
        # Bytes that also read as UTF-8 ("Ã©" is "é"): the reader rightly prefers UTF-8 for them, for the whole
        # file when all of it decodes, else for those sequences (a file of mixed encodings, see decoding).
        assume(False)
    result = check_result(read_upload(data, filename), {normalised_header(h) for h in header})
    assert result.ok, result.errors
    assert without_rows(result.events) == events
    assert result.rows == len(events)


# --- exports ----------------------------------------------------------------------------------

#: Any text a cell could hold once trimmed: control characters, NUL, CR, quotes, formulas, HTML.
ANY_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from([h for h in HOSTILE_CELLS if len(h) <= MAX_CELL_CHARS]),
    st.builds(lambda a, b: a + b, st.sampled_from(["=", "+", "-", "@", "'", "''", "\t", "\r", "'\r", "'\t", "<"]),
              st.text(max_size=20)),
).map(str.strip)


def any_text(*, min_size: int = 0, max_size: int = 40):
    text = ANY_TEXT.map(lambda s: s[:max_size].strip())
    return text.map(lambda s: s or "?") if min_size else text


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


@FUZZ
@given(events=events_strategy(text=any_text))
@example(events=[Event(city="=cmd|' /C calc'!A0", country_code="ES", date=dt.date(2013, 9, 3),
                       title="'=already", venue="''+x", address="\r\n-1", organiser="@me",
                       description="<script>alert(\"x\")</script>\x00\"", url="https://example.org/=1")])
@example(events=[Event(city="a\rb", country_code="ES", date=dt.date(2013, 9, 3), description="\x00")])
def test_export_reads_back_equal_and_runs_no_formulas(events):
    text = events_to_csv(events, include_private=True)
    result = parse_events_text(text)
    assert result.ok, result.errors
    assert without_rows(result.events) == events
    table = csv_cells(text)
    header, body = table[0], table[1:]
    assert header == list(COLUMNS)
    assert len(body) == len(events)
    for row in body:
        for column, cell in zip(header, row, strict=True):
            if column in TEXT_COLUMNS:
                assert not cell.startswith(FORMULA_STARTS), (column, cell)
            elif cell:
                assert re.fullmatch(r"-?\d[\d.e+-]*|\d{4}-\d\d-\d\d|\d\d:\d\d", cell), (column, cell)


#: Text an uploaded CSV can carry: no control characters but tab, LF and CR.
UPLOADABLE_TEXT = st.one_of(
    stripped_text(max_size=40),
    st.sampled_from([h for h in HOSTILE_CELLS if "\x00" not in h and len(h) <= MAX_CELL_CHARS]).map(str.strip),
)


def uploadable_text(*, min_size: int = 0, max_size: int = 40):
    text = UPLOADABLE_TEXT.map(lambda s: s[:max_size].strip())
    return text.map(lambda s: s or "?") if min_size else text


@FEW
@given(events=events_strategy(text=uploadable_text), private=st.booleans())
def test_exported_file_uploads_again_as_the_same_events(events, private):
    data = events_to_csv_bytes(events, include_private=private)
    result = check_result(read_upload(data, "speakout-events-v1.csv"))
    assert result.ok, result.errors
    expected = events if private else [dataclasses.replace(e, contact_email="") for e in events]
    assert without_rows(result.events) == expected


def strict_json(text: str):
    def refuse(constant: str):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def check_rfc7946(document, *, private: bool, count: int) -> None:
    assert isinstance(document, dict)
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document  # RFC 7946 §4: no CRS member; WGS 84 always
    features = document["features"]
    assert isinstance(features, list) and len(features) == count
    for feature in features:
        assert feature["type"] == "Feature"
        assert set(feature) <= {"type", "geometry", "properties", "id", "bbox"}
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        position = geometry["coordinates"]
        assert isinstance(position, list) and len(position) == 2
        lon, lat = position
        for number in position:
            assert isinstance(number, (int, float)) and not isinstance(number, bool) and math.isfinite(number)
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        properties = feature["properties"]
        assert isinstance(properties, dict)
        assert ("contact_email" in properties) == private
        assert [properties["longitude"], properties["latitude"]] == position
        for key, value in properties.items():
            assert isinstance(key, str)
            assert isinstance(value, (str, int, float)) and not isinstance(value, bool)


PLACES = st.builds(
    Place,
    name=any_text(),
    country_code=st.sampled_from(CODES) | any_text(max_size=3),
    latitude=st.floats(-90, 90),
    longitude=st.floats(-180, 180),
    timezone=any_text(max_size=30),
    source=any_text(max_size=10),
)


@FUZZ
@given(events=events_strategy(text=any_text), places=st.lists(PLACES, min_size=4, max_size=4), private=st.booleans())
def test_geojson_is_strict_json_with_rfc7946_structure(events, places, private):
    placed = [PlacedEvent(e, p) for e, p in zip(events, places)]
    text = geojson_text(placed, include_private=private)
    text.encode("utf-8")  # RFC 7946 §… / RFC 8259: UTF-8 text
    document = strict_json(text)
    check_rfc7946(document, private=private, count=len(placed))
    for feature, item in zip(document["features"], placed, strict=True):
        assert feature["properties"]["city"] == item.event.city
        assert feature["properties"]["title"] == item.event.title
        assert feature["properties"]["description"] == item.event.description
    assert strict_json(geojson_text(placed, include_private=private, indent=2)) == document


@FUZZ
@given(
    event=events_strategy().map(lambda es: es[0]),
    latitude=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-90, 90)),
    longitude=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-180, 180)),
)
def test_geojson_refuses_impossible_points_instead_of_writing_bad_json(event, latitude, longitude):
    placed = [PlacedEvent(event, Place(event.city, event.country_code, latitude, longitude))]
    valid = all(math.isfinite(v) for v in (latitude, longitude)) and abs(latitude) <= 90 and abs(longitude) <= 180
    if valid:
        check_rfc7946(strict_json(geojson_text(placed)), private=False, count=1)
    else:
        with pytest.raises(ValueError):
            geojson_text(placed)
        with pytest.raises(ValueError):
            events_to_geojson(placed)


def test_the_fuzz_helpers_catch_what_they_should():
    """The checks above are not vacuous: the backstop message and an unknown column fail them."""
    backstop = msg("the file could not be read ({error}); export it again as CSV UTF-8 and upload that",
                   error="ValueError")
    fine = msg("{date} is in the past; check the year", date="2013-09-03")
    check_result(ParseResult((), (Problem(2, "date", fine),)))
    with pytest.raises(AssertionError):
        check_result(ParseResult((), (Problem(None, None, backstop),)))
    with pytest.raises(AssertionError):
        check_result(ParseResult((), (Problem(0, None, fine),)))
    with pytest.raises(AssertionError):
        check_result(ParseResult((), (Problem(2, "not a header", fine),)), {"city"})
    with pytest.raises(AssertionError):  # a source no msg() call of the events package has: never translated
        check_result(ParseResult((), (Problem(2, "date", msg("2013-09-03 is in the past")),)))


@pytest.mark.parametrize("url", ["https://[abc", "http://]x", "https://[::1/event", "http://a]b[c/"])
def test_a_link_with_unbalanced_brackets_is_a_cell_error_not_a_crash(url):
    """urlsplit raises ValueError for these; it used to escape parse_events_text (and read_upload's backstop hid it)."""
    result = parse_events_text(f"city,country,date,url\nMadrid,ES,2013-09-03,{url}\n")
    assert [(p.row, p.column) for p in result.errors] == [(2, "url")]
    assert "is not a web address" in result.errors[0].message
    assert parse_events_text("city,country,date,url\nMadrid,ES,2013-09-03,http://[::1]/event\n").ok
