"""The rules of the events table: header, rows, limits and warnings, for files and for edited rows."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from speakout_map.events.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_EVENTS
from speakout_map.events.model import COLUMNS, Event, Status
from speakout_map.events.reading import parse_events_text
from speakout_map.events.validation import parse_rows
from tests.events_support import HEADER, check_problems, only_error, parse_one
from tests.i18n_support import fake_translator


def test_full_row_is_read():
    text = (
        "City , COUNTRY,Date,Title,Start_Time,end_time,venue,address,url,status,organiser,contact_email,"
        "description,latitude,longitude\n"
        "Madrid,España,2013-09-03,Rally,18:30,20:00,Embassy,Calle Velázquez 155,https://example.org/e,"
        "confirmed,All Out,host@example.org,Bring a poster,40.44,-3.68\n"
    )
    result = parse_events_text(text)
    assert result.ok
    (event,) = result.events
    assert event == Event(
        city="Madrid", country_code="ES", date=dt.date(2013, 9, 3), title="Rally",
        start_time=dt.time(18, 30), end_time=dt.time(20, 0), venue="Embassy",
        address="Calle Velázquez 155", url="https://example.org/e", status=Status.CONFIRMED,
        organiser="All Out", contact_email="host@example.org", description="Bring a poster",
        latitude=40.44, longitude=-3.68, row=2,
    )

def test_half_coordinates_are_an_error():
    problem = only_error(parse_one("latitude,longitude", "40.4,"))
    assert (problem.row, problem.column) == (2, "longitude")
    assert "give both latitude and longitude" in problem.message

@pytest.mark.parametrize("column", ["city", "country", "date"])
def test_empty_required_cell(column):
    cells = {"city": "Madrid", "country": "ES", "date": "2013-09-03"}
    cells[column] = "  "
    result = parse_events_text(HEADER + "\n" + ",".join(cells.values()) + "\n")
    problem = only_error(result)
    assert (problem.row, problem.column) == (2, column)
    assert f"{column} is empty" in problem.message
    assert result.events == ()

@pytest.mark.parametrize("missing", ["city", "country", "date"])
def test_missing_required_column(missing):
    header = ",".join(c for c in ("city", "country", "date") if c != missing)
    result = parse_events_text(header + "\nx,y\n")
    problem = only_error(result)
    assert (problem.row, problem.column) == (1, missing)
    assert f"the header has no {missing} column; add one" in problem.message

def test_rows_are_numbered_like_the_spreadsheet_and_good_rows_survive():
    text = HEADER + "\nMadrid,ES,2013-09-03\n\nDublin,IE,03/09/2013\nParis,FR,2013-09-04\n"
    result = parse_events_text(text)
    assert [(p.row, p.column) for p in result.errors] == [(4, "date")]
    assert [e.city for e in result.events] == ["Madrid", "Paris"]
    assert [e.row for e in result.events] == [2, 5]
    assert result.rows == 3
    assert str(result.errors[0]).startswith("row 4, date: ")

def test_every_bad_cell_of_a_row_is_reported():
    result = parse_events_text(HEADER + ",url\n,Narnia,tomorrow,javascript:x\n")
    assert {(p.row, p.column) for p in result.errors} == {(2, "city"), (2, "country"), (2, "date"), (2, "url")}

@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "the file is empty"),
        ("   \n\n", "the file is empty"),
        (HEADER + "\n", "has a header but no events"),
        (HEADER + "\n,,\n", "has a header but no events"),
    ],
)
def test_empty_files(text, needle):
    problem = only_error(parse_events_text(text))
    assert needle in problem.message

def test_duplicate_column_is_an_error():
    problem = only_error(parse_events_text("city,country,date,City\nMadrid,ES,2013-09-03,Madrid\n"))
    assert (problem.row, problem.column) == (1, "city")
    assert "appears twice" in problem.message

@pytest.mark.parametrize(
    ("text", "row", "column", "needle"),
    [
        (HEADER + ",colour\nMadrid,ES,2013-09-03,red\n", 1, "colour", "will be ignored"),
        (HEADER + "\nMadrid,ES,2013-09-03\nmadrid,Spain,2013-09-03\n", 3, None, "the same event as row 2"),
        (HEADER + ",start_time,end_time\nMadrid,ES,2013-09-03,20:00,18:00\n", 2, "end_time", "before it starts"),
        (HEADER + "\nMadrid,ES,2013-09-03,extra\n", 2, None, "extra cells are ignored"),
    ],
)
def test_warnings_do_not_block(text, row, column, needle):
    result = parse_events_text(text)
    assert result.ok
    assert any(p.row == row and p.column == column and needle in p.message for p in result.warnings), result.warnings

def test_hostile_text_is_kept_verbatim():
    payload = '<script>alert(1)</script> ${alert(2)} "\'`'
    result = parse_events_text(f'{HEADER},title,description\nMadrid,ES,2013-09-03,"{payload.replace(chr(34), chr(34) * 2)}",x\n')
    assert result.ok
    assert result.events[0].title == payload

@pytest.mark.parametrize(
    ("today", "warned"),
    [
        (None, False),
        (dt.date(2013, 9, 2), False),
        (dt.date(2013, 9, 3), False),
        (dt.date(2013, 9, 4), True),
        (dt.date(2026, 1, 1), True),
    ],
)
def test_past_dates_warn_only_when_today_is_given(today, warned):
    result = parse_events_text(HEADER + "\nMadrid,ES,2013-09-03\n", today=today)
    assert result.ok
    past = [str(w) for w in result.warnings if "in the past" in w.message]
    assert past == (["row 2, date: 2013-09-03 is in the past; check the year"] if warned else [])


# --- the messages in the reader's language ------------------------------------------------------

KNOWN = ", ".join(COLUMNS)


@pytest.mark.parametrize(
    ("text", "where", "kind", "translation", "expected"),
    [
        ("city,country\nMadrid,ES\n", (1, "date"), "errors",
         "a la cabecera le falta la columna {column}; añádela (columnas obligatorias: {required})",
         "a la cabecera le falta la columna date; añádela (columnas obligatorias: city, country, date)"),
        ("city,country,date,City\nMadrid,ES,2013-09-03,Madrid\n", (1, "city"), "errors",
         "la columna {column} aparece dos veces (columnas {first} y {second}); borra una",
         "la columna city aparece dos veces (columnas 1 y 4); borra una"),
        (HEADER + ",colour\nMadrid,ES,2013-09-03,red\n", (1, "colour"), "warnings",
         "la columna {column!r} no es de las nuestras y se ignora; columnas conocidas: {known}",
         f"la columna 'colour' no es de las nuestras y se ignora; columnas conocidas: {KNOWN}"),
        (",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\nx\n", (1, None), "errors",
         "la cabecera tiene más de {limit} columnas; el límite es {limit}: borra las que no necesites",
         "la cabecera tiene más de 100 columnas; el límite es 100: borra las que no necesites"),
        ("\n" + HEADER + "\nMadrid,ES,2013-09-03\n", (1, None), "errors",
         "la primera fila está vacía; pon la cabecera ({columns},...) en la fila 1, encima de los eventos",
         "la primera fila está vacía; pon la cabecera (city,country,date,...) en la fila 1, encima de los eventos"),
        (HEADER + ",description\nMadrid,ES,2013-09-03," + "d" * (MAX_CELL_CHARS + 1) + "\n", (2, "description"),
         "errors", "la celda tiene {length:,} caracteres; el límite es {limit:,}: acórtala",
         "la celda tiene 5.001 caracteres; el límite es 5.000: acórtala"),
        (HEADER + "\n" + "Madrid,ES,2013-09-03\n" * (MAX_EVENTS + 1), (None, None), "errors",
         "el archivo tiene más de {limit:,} eventos; el límite es {limit:,}: divídelo en archivos más pequeños "
         "(p. ej. por país o por mes) y sube cada uno",
         "el archivo tiene más de 20.000 eventos; el límite es 20.000: divídelo en archivos más pequeños "
         "(p. ej. por país o por mes) y sube cada uno"),
        (HEADER + "\nMadrid,ES,2013-09-03\nmadrid,Spain,2013-09-03\n", (3, None), "warnings",
         "el mismo evento que la fila {row}; borra uno de los dos si es una copia",
         "el mismo evento que la fila 2; borra uno de los dos si es una copia"),
    ],
    ids=["missing column", "column twice", "unknown column", "too many columns", "first row empty", "cell too long",
         "too many events", "same event"],
)
def test_header_and_table_problems_render_in_the_readers_language(text, where, kind, translation, expected):
    result = parse_events_text(text)
    check_problems(result)
    problems = [p for p in getattr(result, kind) if (p.row, p.column) == where]
    assert len(problems) == 1, getattr(result, kind)
    (problem,) = problems
    spanish = fake_translator({problem.text.source: translation})
    assert spanish.text(problem.text) == expected
    assert str(problem.text) == problem.message != expected


# --- limits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "ok"),
    [(MAX_CELL_CHARS, True), (MAX_CELL_CHARS + 1, False), (200_000, False)],
)
def test_cell_length_limit(length, ok):
    result = parse_one("description", "d" * length)
    assert result.ok is ok
    if not ok:
        problem = only_error(result)
        assert (problem.row, problem.column) == (2, "description")
        assert str(problem) == f"row 2, description: the cell has {length:,} characters; the limit is 5,000 — shorten it"

def test_an_unnamed_long_cell_is_named_by_its_letter():
    problem = only_error(parse_events_text(HEADER + ",,\nMadrid,ES,2013-09-03,," + "z" * 6000 + "\n"))
    assert (problem.row, problem.column) == (2, "column E")

def test_event_limit_boundary():
    at_limit = parse_events_text(HEADER + "\n" + "Madrid,ES,2013-09-03\n" * MAX_EVENTS)
    assert at_limit.ok and at_limit.rows == MAX_EVENTS
    over = parse_events_text(HEADER + "\n" + "Madrid,ES,2013-09-03\n" * (MAX_EVENTS + 1))
    assert over.events == ()
    assert only_error(over).message.startswith(f"the file has more than {MAX_EVENTS:,} events")

def test_column_limit_boundary():
    names = [f"extra{i}" for i in range(MAX_COLUMNS - 3)]
    at_limit = parse_events_text(",".join([HEADER, *names]) + "\nMadrid,ES,2013-09-03\n")
    assert at_limit.ok
    over = parse_events_text(",".join([HEADER, *names, "one_more"]) + "\nMadrid,ES,2013-09-03\n")
    assert (only_error(over).row, only_error(over).column) == (1, None)


# --- edited rows as records: parse_rows ----------------------------------------------------

COLUMNS_TEXT = ",".join(COLUMNS)
MADRID = {"city": "Madrid", "country": "ES", "date": "2013-09-03"}
TODAY = dt.date(2014, 1, 1)


def as_csv(records: list[dict[str, str]]) -> str:
    """The CSV a spreadsheet would hold for these records: every column, then the records' other keys."""
    header = COLUMNS_TEXT.split(",")
    for record in records:
        header += [key for key in record if key not in header]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for record in records:
        writer.writerow([record.get(key, "") for key in header])
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("records", "counts"),
    [
        ([MADRID], (1, 0, 1)),
        ([{**MADRID, "title": "Rally", "start_time": "18:30", "end_time": "20:00", "venue": "Embassy",
           "url": "https://example.org/e", "status": "Details to come", "contact_email": "host@example.org",
           "latitude": "40,4168", "longitude": "-3.7038"}], (1, 0, 1)),
        ([MADRID, {}, {"city": "Dublin", "country": "Ireland", "date": "2013-09-03"}], (2, 0, 2)),
        ([{**MADRID, "date": "03/09/2013", "url": "javascript:alert(1)"}, {**MADRID, "city": ""}], (0, 3, 1)),
        ([{"city": "Madrid", "country": "Narnia", "date": "tomorrow", "latitude": "91"}], (0, 4, 0)),
        ([{**MADRID, "latitude": "40.4"}], (0, 1, 1)),
        ([MADRID, {**MADRID, "city": "madrid"}], (2, 0, 3)),
        ([{**MADRID, "date": "2020-01-01", "start_time": "20:00", "end_time": "18:00"}], (1, 0, 1)),
        ([{**MADRID, "colour": "red"}, {**MADRID, "title": "b", "size": "big"}], (2, 0, 4)),
        ([{**MADRID, "description": "d" * (MAX_CELL_CHARS + 1)}], (0, 1, 0)),
        ([{**MADRID, "description": "d" * MAX_CELL_CHARS}], (1, 0, 1)),
        ([], (0, 1, 0)),
        ([{}, {"title": "  "}], (0, 1, 0)),
    ],
    ids=["minimal", "every column", "blank record", "bad cells", "every bad cell",
         "half coordinates", "duplicate", "end before start", "unknown keys", "too long", "at the limit",
         "no records", "only blank records"],
)
def test_records_read_like_the_same_csv(records, counts):
    """(events, errors, warnings) are the same as the CSV's, problem for problem, row numbers included."""
    result = parse_rows(records, today=TODAY)
    assert result == parse_events_text(as_csv(records), today=TODAY)
    assert (len(result.events), len(result.errors), len(result.warnings)) == counts


@pytest.mark.parametrize(
    ("value", "column", "attribute", "expected"),
    [
        (None, "title", "title", ""),
        (None, "latitude", "latitude", None),
        (2013, "title", "title", "2013"),
        (2013.0, "title", "title", "2013"),
        (40, "latitude", "latitude", 40.0),
        (-3.7038, "latitude", "latitude", -3.7038),
        (dt.date(2013, 9, 4), "date", "date", dt.date(2013, 9, 4)),
        (dt.datetime(2013, 9, 4), "date", "date", dt.date(2013, 9, 4)),
        (dt.time(18, 30), "start_time", "start_time", dt.time(18, 30)),
        ("  '=SUM(A1)  ", "title", "title", "  '=SUM(A1)  "),
        ("tbc", "status", "status", Status.DETAILS_TO_COME),
    ],
)
def test_record_values_become_cell_text(value, column, attribute, expected):
    record = {**MADRID, "latitude": "40", "longitude": "-3", column: value}
    if column == "latitude" and value is None:
        record["longitude"] = None
    result = parse_rows([record])
    assert result.ok, result.errors
    assert getattr(result.events[0], attribute) == expected


@pytest.mark.parametrize(
    ("value", "column", "needle"),
    [
        (float("nan"), "latitude", "nan is out of range"),
        (True, "status", "'TRUE' is not a status"),
        (91, "latitude", "91 is out of range"),
        (20130903, "date", "not a date in YYYY-MM-DD form"),
        (None, "city", "city is empty"),
        ("   ", "country", "country is empty"),
    ],
)
def test_bad_record_values(value, column, needle):
    record = {**MADRID, "longitude": "-3" if column == "latitude" else None, column: value}
    problem = only_error(parse_rows([record]))
    assert (problem.row, problem.column) == (2, column)
    assert needle in problem.message


@pytest.mark.parametrize("value", ["'=1", "=1", "\tx", " spaced ", "''=x", "-3", "@a", "'hello", "\r=x", "Ünïcødé 東京 🙂"])
@pytest.mark.parametrize("column", ["title", "venue", "address", "organiser", "description", "city"])
def test_record_cells_are_taken_as_typed(column, value):
    """No trimming, no apostrophe rule: the app's table holds values, not a CSV export's neutralised text."""
    result = parse_rows([{**MADRID, column: value}])
    assert result.ok, result.errors
    assert getattr(result.events[0], column) == value


@pytest.mark.parametrize(
    ("column", "value", "attribute", "expected"),
    [
        ("date", " 2013-09-04 ", "date", dt.date(2013, 9, 4)),
        ("start_time", "\t18:30 ", "start_time", dt.time(18, 30)),
        ("country", " ES ", "country_code", "ES"),
        ("url", " https://example.org/e ", "url", "https://example.org/e"),
        ("status", " tbc", "status", Status.DETAILS_TO_COME),
    ],
)
def test_record_values_of_typed_columns_ignore_surrounding_spaces(column, value, attribute, expected):
    result = parse_rows([{**MADRID, column: value}])
    assert result.ok, result.errors
    assert getattr(result.events[0], attribute) == expected


def test_a_missing_key_is_an_empty_cell():
    result = parse_rows([{"country": "ES", "date": "2013-09-03"}, {**MADRID, "title": "Rally"}])
    assert [(p.row, p.column) for p in result.errors] == [(2, "city")]
    assert [(e.city, e.row) for e in result.events] == [("Madrid", 3)]


@pytest.mark.parametrize(
    ("extra", "kind", "column", "needle"),
    [
        ({"colour": "red"}, "warnings", "colour", "column 'colour' is not one we use and will be ignored"),
        ({7: "x"}, "warnings", "7", "column '7' is not one we use and will be ignored"),
        ({"City": "Paris"}, "errors", "city", "column city appears twice (columns 1 and 17); delete one"),
        ({"Start Time": "18:00"}, "errors", "start_time", "column start_time appears twice (columns 5 and 17)"),
    ],
)
def test_other_keys_are_header_cells(extra, kind, column, needle):
    result = parse_rows([{**MADRID, **extra}])
    problems = getattr(result, kind)
    assert [(p.row, p.column) for p in problems] == [(1, column)]
    assert needle in problems[0].message
    if kind == "warnings":
        assert [e.city for e in result.events] == ["Madrid"]
    else:
        assert result.events == ()


def test_extra_keys_do_not_shift_row_numbers_or_values():
    result = parse_rows([{"colour": "red", **MADRID}, {"size": 3, "city": "Dublin", "country": "IE", "date": "2013-09-03"}])
    assert result.ok
    assert [(e.city, e.country_code, e.row) for e in result.events] == [("Madrid", "ES", 2), ("Dublin", "IE", 3)]
    assert [p.column for p in result.warnings] == ["colour", "size"]


@pytest.mark.parametrize(
    ("records", "row", "needle"),
    [
        ([MADRID] * (MAX_EVENTS + 1), None, f"the file has more than {MAX_EVENTS:,} events"),
        ([{}] * 100_001 + [MADRID], None, "rows, counting empty ones"),
        ([{**MADRID, **{f"extra{i}": "" for i in range(MAX_COLUMNS)}}], 1, f"more than {MAX_COLUMNS} columns"),
        ([{**MADRID, "title": "t" * (MAX_CELL_CHARS + 1)}], 2, "the limit is 5,000 — shorten it"),
        ([], None, "the file has a header but no events"),
        ([{}, {"city": None, "title": ""}], None, "the file has a header but no events"),
    ],
    ids=["events", "rows", "columns", "cell", "no records", "blank records"],
)
def test_record_limits_and_empty_tables(records, row, needle):
    problem = only_error(parse_rows(records))
    assert problem.row == row
    assert needle in problem.message


def test_records_at_the_event_limit_are_read():
    result = parse_rows([MADRID] * MAX_EVENTS)
    assert result.ok and result.rows == MAX_EVENTS
