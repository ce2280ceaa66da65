"""Cells of the events table: the text of typed values, the apostrophe rule, and each column's parser and message."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.events.cells import CellError, cell_text, clean_cell, parse_time, parse_url, typed_cell
from speakout_map.events.model import Status
from speakout_map.events.reading import parse_events_text
from speakout_map.languages.message import Message, msg
from tests.events_support import check_message, only_error, parse_one
from tests.i18n_support import fake_translator


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2013-09-03", dt.date(2013, 9, 3)),
        ("2013-9-3", dt.date(2013, 9, 3)),
        ("2013-09-03 00:00:00", dt.date(2013, 9, 3)),
    ],
)
def test_good_dates(text, expected):
    result = parse_one(base=f"Madrid,ES,{text}")
    assert result.ok and result.events[0].date == expected

@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("03/09/2013", "could be day/month or month/day"),
        ("2013-02-30", "2013-02-30 is not a date; write it as YYYY-MM-DD"),
        ("13/09/2013", "write it as 2013-09-13"),
        ("next tuesday", "not a date in YYYY-MM-DD form"),
        ("2013-13-01", "not a date"),
    ],
)
def test_bad_dates(text, needle):
    problem = only_error(parse_one(base=f"Madrid,ES,{text}"))
    assert (problem.row, problem.column) == (2, "date")
    assert needle in problem.message
    assert "YYYY-MM-DD" in problem.message

@pytest.mark.parametrize(
    ("column", "value", "needle"),
    [
        ("start_time", "6pm", "write it as HH:MM"),
        ("start_time", "25:00", "write it as HH:MM"),
        ("end_time", "18:61", "write it as HH:MM"),
        ("url", "javascript:alert(1)", "must start with https:// or http://"),
        ("url", "data:text/html,<script>alert(1)</script>", "must start with https:// or http://"),
        ("url", "www.example.org", "must start with https://"),
        ("url", "https://exa mple.org", "spaces or control characters"),
        ("url", "https://", "must start with https://"),
        ("status", "maybe", "write confirmed or details_to_come"),
        ("contact_email", "not-an-email", "write it like name@example.org"),
        ("latitude", "ninety", "write decimal degrees"),
        ("latitude", "91", "between -90 and 90"),
        ("longitude", "-180.5", "between -180 and 180"),
        ("longitude", "nan", "out of range"),
    ],
)
def test_bad_optional_cells(column, value, needle):
    header = f"{column},latitude,longitude" if column not in ("latitude", "longitude") else "latitude,longitude"
    cells = {"latitude": "40", "longitude": "-3"}
    cells[column] = value
    line = ",".join(f'"{cells.get(c, value)}"' for c in header.split(","))
    problem = only_error(parse_one(header, line))
    assert (problem.row, problem.column) == (2, column)
    assert needle in problem.message

@pytest.mark.parametrize(
    ("column", "value", "attribute", "expected"),
    [
        ("status", "Details to come", "status", Status.DETAILS_TO_COME),
        ("status", "CONFIRMED", "status", Status.CONFIRMED),
        ("status", "", "status", Status.CONFIRMED),
        ("url", "HTTPS://example.org/x?a=1&b=2", "url", "HTTPS://example.org/x?a=1&b=2"),
        ("start_time", "9:05", "start_time", dt.time(9, 5)),
        ("start_time", "18:30:00", "start_time", dt.time(18, 30)),
    ],
)
def test_good_optional_cells(column, value, attribute, expected):
    result = parse_one(column, f'"{value}"')
    assert result.ok, result.errors
    assert getattr(result.events[0], attribute) == expected

def test_decimal_comma_coordinates():
    result = parse_events_text('city;country;date;latitude;longitude\nMadrid;ES;2013-09-03;40,4168;-3,7038\n')
    assert result.ok
    assert (result.events[0].latitude, result.events[0].longitude) == (40.4168, -3.7038)

def test_unknown_country_message():
    problem = only_error(parse_one(base="Madrid,Narnia,2013-09-03"))
    assert (problem.row, problem.column) == (2, "country")
    assert "'Narnia' is not a country we recognise" in problem.message
    assert "two-letter ISO code" in problem.message


# --- the messages: a Message on the error, in the reader's language when shown -----------------


def test_a_cell_error_carries_its_message():
    with pytest.raises(CellError) as raised:
        parse_time("6pm")
    assert isinstance(raised.value.text, Message)
    assert str(raised.value) == str(raised.value.text) == (
        "'6pm' is not a time; write it as HH:MM in 24-hour local time, e.g. 18:30")
    with pytest.raises(TypeError):
        CellError("a plain string")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("extra_header", "extra_cells", "base", "column", "translation", "expected"),
    [
        ("", "", "Madrid,ES,03/09/2013", "date",
         "{value} puede ser día/mes o mes/día; escríbela como YYYY-MM-DD ({day_first} o {month_first})",
         "03/09/2013 puede ser día/mes o mes/día; escríbela como YYYY-MM-DD (2013-09-03 o 2013-03-09)"),
        ("", "", "Madrid,ES,13/09/2013", "date",
         "{value} no está en la forma YYYY-MM-DD; escríbela como {date}",
         "13/09/2013 no está en la forma YYYY-MM-DD; escríbela como 2013-09-13"),
        ("", "", "Madrid,ES,next tuesday", "date",
         "{value!r} no es una fecha en la forma YYYY-MM-DD; escríbela como 2013-09-03",
         "'next tuesday' no es una fecha en la forma YYYY-MM-DD; escríbela como 2013-09-03"),
        ("start_time", "6pm", "Madrid,ES,2013-09-03", "start_time",
         "{value!r} no es una hora; escríbela como HH:MM en hora local de 24 horas, p. ej. 18:30",
         "'6pm' no es una hora; escríbela como HH:MM en hora local de 24 horas, p. ej. 18:30"),
        ("status", "maybe", "Madrid,ES,2013-09-03", "status",
         "{value!r} no es un estado; escribe confirmed o details_to_come",
         "'maybe' no es un estado; escribe confirmed o details_to_come"),
        ("latitude,longitude", "91,-3", "Madrid,ES,2013-09-03", "latitude",
         "{value} está fuera del intervalo; {column} debe estar entre -{limit} y {limit}",
         "91 está fuera del intervalo; latitude debe estar entre -90 y 90"),
        ("", "", "Madrid,Narnia,2013-09-03", "country",
         "{written!r} no es un país que conozcamos; escribe su nombre en inglés (p. ej. Spain) o su código ISO de "
         "dos letras (p. ej. ES)",
         "'Narnia' no es un país que conozcamos; escribe su nombre en inglés (p. ej. Spain) o su código ISO de dos "
         "letras (p. ej. ES)"),
        ("", "", " ,ES,2013-09-03", "city",
         "la columna {column} está vacía; todo evento necesita su {column}",
         "la columna city está vacía; todo evento necesita su city"),
    ],
    ids=["ambiguous date", "one date it can be", "not a date", "time", "status", "latitude", "country", "empty city"],
)
def test_cell_errors_render_in_the_readers_language(extra_header, extra_cells, base, column, translation, expected):
    problem = only_error(parse_one(extra_header, extra_cells, base))
    assert (problem.row, problem.column) == (2, column)
    check_message(problem.text)
    spanish = fake_translator({problem.text.source: translation})
    assert spanish.text(problem.text) == expected
    assert problem.message == str(problem.text) != expected  # the English stays the English


def test_the_message_check_refuses_a_source_that_is_not_a_literal():
    """check_message (used on every problem of the corpus and the fuzz tests) is not vacuous."""
    value = "6pm"
    with pytest.raises(AssertionError):
        check_message(msg(f"{value!r} is not a time"))  # a computed source: no translator ever sees it


# --- the apostrophe rule ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("'=1+1", "=1+1"),
        ("'+44 20 7946 0000", "+44 20 7946 0000"),
        ("'-2+3", "-2+3"),
        ("'@SUM(A1)", "@SUM(A1)"),
        ("''=x", "'=x"),
        ("'''-x", "''-x"),
        ("  '=1+1  ", "=1+1"),
        ("'hello", "'hello"),
        ("'", "'"),
        ("''", "''"),
        ("it's =fine", "it's =fine"),
        ("=1+1", "=1+1"),
        ("-2+3", "-2+3"),
    ],
)
def test_apostrophe_rule(cell, expected):
    quoted = '"' + cell.replace('"', '""') + '"'
    result = parse_one("title", quoted)
    assert result.ok, result.errors
    assert result.events[0].title == expected

def test_apostrophe_rule_applies_to_coordinates_too():
    result = parse_one("latitude,longitude", "'-40.5,'-3.25")
    assert result.ok and (result.events[0].latitude, result.events[0].longitude) == (-40.5, -3.25)


# --- typed values (.xlsx cells, edited rows) as text --------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("Madrid", "Madrid"),
        (dt.date(2013, 9, 3), "2013-09-03"),
        (dt.datetime(2013, 9, 3), "2013-09-03"),
        (dt.datetime(2013, 9, 3, 23, 59, 59, 999_800), "2013-09-04"),
        (dt.datetime(2013, 9, 3, 18, 30), "2013-09-03 18:30"),
        (dt.time(18, 30), "18:30"),
        (dt.time(9, 5, 7), "09:05:07"),
        (dt.time(18, 29, 59, 999_000), "18:30"),
        (dt.timedelta(hours=19), "19:00"),
        (dt.timedelta(days=2), "2 days, 0:00:00"),
        (2013, "2013"),
        (2013.0, "2013"),
        (-3.0, "-3"),
        (-3.7038, "-3.7038"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e20, "1e+20"),
        (True, "TRUE"),
        (False, "FALSE"),
    ],
)
def test_cell_text(value, expected):
    assert cell_text(value) == expected


@pytest.mark.parametrize(
    ("text", "clean", "typed"),
    [
        ("'=1", "=1", "'=1"),
        ("''=x", "'=x", "''=x"),
        ("'\tx", "\tx", "'\tx"),
        ("\tx", "x", "\tx"),
        (" spaced ", "spaced", " spaced "),
        ("-3", "-3", "-3"),
        ("@a", "@a", "@a"),
        ("Ünïcødé 東京", "Ünïcødé 東京", "Ünïcødé 東京"),
        ("   ", "", ""),
        ("", "", ""),
    ],
)
def test_a_files_cell_is_cleaned_but_a_typed_cell_is_kept(text, clean, typed):
    """clean_cell undoes the export's neutralising (files); typed_cell keeps what was typed (the app's table)."""
    assert clean_cell(text) == clean
    assert typed_cell(text) == typed


# --- links: the quick path for plain addresses agrees with urlsplit's reading ----------------------


def _split_verdict(text: str) -> str:
    """What parse_url said before its quick path: spaces, not a web address, or ok (by urlsplit alone)."""
    from urllib.parse import urlsplit

    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        return "spaces"
    try:
        parts = urlsplit(text)
    except ValueError:
        return "not a web address"
    return "ok" if parts.scheme.lower() in ("http", "https") and parts.netloc else "not a web address"


def _verdict(text: str) -> str:
    try:
        assert parse_url(text) == text
    except CellError as exc:
        return "spaces" if "spaces or control characters" in str(exc) else "not a web address"
    return "ok"


@pytest.mark.parametrize("text", [
    "https://example.org", "http://example.org/", "HTTPS://EXAMPLE.ORG/a?b=1#c", "hTtP://a-b.c.d?x", "https://x#y",
    "https://example.org:8443/e", "https://user@example.org/", "https://[::1]/", "https://münchen.de/",
    "https://", "https:///path", "http:/example.org", "ftp://example.org", "example.org/e", "https//example.org",
    "httpſ://example.org", "https://[abc", "https://a]b", "https://exa\u00a0mple.org", "https://a\tb",
    "https://a\x1fb", "https://a\u2028b", "mailto:x@example.org", "https://%41.org", "https:example.org",
])
def test_parse_url_agrees_with_urlsplit(text):
    assert _verdict(text) == _split_verdict(text)


def test_a_link_is_refused_for_exactly_the_spaces_and_control_characters_of_before():
    odd = [chr(n) for n in range(0x3100) if chr(n).isspace() or n < 32]
    assert all(_verdict(f"https://a{ch}b.org") == "spaces" for ch in odd)
    assert _verdict("https://a\u00e9b.org") == "ok"
