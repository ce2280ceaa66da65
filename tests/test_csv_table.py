"""CSV text to records: separators, line ends, and cells longer than the csv module reads."""

from __future__ import annotations

import csv
import io

import pytest

from speakout_map.events.reading import parse_events_bytes, parse_events_text
from tests.events_support import HEADER


@pytest.mark.parametrize(
    "data",
    [
        "city,country,date\r\nDublin,IE,2013-09-03\r\n".encode("utf-8"),
        "\ufeffcity,country,date\nDublin,IE,2013-09-03\n".encode("utf-8"),
        "city;country;date\nDublin;IE;2013-09-03\n".encode("utf-8"),
        "city\tcountry\tdate\nDublin\tIE\t2013-09-03\n".encode("utf-8"),
    ],
    ids=["crlf", "bom", "semicolon", "tab"],
)
def test_file_variants(data):
    result = parse_events_bytes(data)
    assert result.ok and [e.city for e in result.events] == ["Dublin"]

def test_rows_after_an_over_long_cell_keep_their_numbers():
    text = HEADER + ",title\nMadrid,ES,2013-09-03,\"" + "q\n" * 100_000 + "\"\nDublin,IE,2013-09-03,x\nParis,FR,2013-09-03,y\n"
    result = parse_events_text(text)
    assert [(p.row, p.column) for p in result.errors] == [(2, "title")]
    assert [(e.city, e.row) for e in result.events] == [("Dublin", 3), ("Paris", 4)]


# --- quotes: a quote left open must not swallow the rows after it ---------------------------------

TITLED = HEADER + ",title,description\n"
SWALLOWED = "Dublin,IE,2013-09-04,March,x\nParis,FR,2013-09-05,Walk,y\nRome,IT,2013-09-06,Vigil,z\nOslo,NO,2013-09-07,Rally,w\n"


@pytest.mark.parametrize(
    ("text", "where", "message", "cities"),
    [
        (TITLED + "Madrid,ES,2013-09-02,Rally,a\nLyon,FR,2013-09-03,\"Sit-in,b\n" + SWALLOWED, (3, "title"),
         'a quote (") opens here and is never closed, so the 4 lines after it were read as part of this cell; '
         "close the quote or remove it", [("Madrid", 2), ("Dublin", 4), ("Paris", 5), ("Rome", 6), ("Oslo", 7)]),
        (TITLED + "Lyon,FR,2013-09-03,\"Sit-in,b\n" + SWALLOWED.replace("\n", "\r\n"), (2, "title"),
         'a quote (") opens here and is never closed, so the 4 lines after it were read as part of this cell; '
         "close the quote or remove it", [("Dublin", 3), ("Paris", 4), ("Rome", 5), ("Oslo", 6)]),
        (TITLED + "Lyon,FR,2013-09-03,\"Sit-in,b\n" + SWALLOWED.replace("\n", "\r"), (2, "title"),
         'a quote (") opens here and is never closed, so the 4 lines after it were read as part of this cell; '
         "close the quote or remove it", [("Dublin", 3), ("Paris", 4), ("Rome", 5), ("Oslo", 6)]),
        # The quote is "closed" by the opening quote of a later row's cell: that is no cell's end either.
        (TITLED + "Lyon,FR,2013-09-03,\"Sit-in,b\nDublin,IE,2013-09-04,March,x\n"
         "Paris,FR,2013-09-05,\"Walk, then talk\",y\nRome,IT,2013-09-06,Vigil,z\n", (2, "title"),
         'a quote (") opens here and is not closed where the cell ends, so the 2 lines after it were read as part of '
         "this cell; close the quote where the cell should end, or remove it",
         [("Dublin", 3), ("Paris", 4), ("Rome", 5)]),
        # ... or by a quote inside a later row's text.
        (TITLED + "Lyon,FR,2013-09-03,\"Sit-in,b\nDublin,IE,2013-09-04,March,x\n"
         "Paris,FR,2013-09-05,Walk,say \"no\"\n", (2, "title"),
         'a quote (") opens here and is not closed where the cell ends, so the 2 lines after it were read as part of '
         "this cell; close the quote where the cell should end, or remove it", [("Dublin", 3), ("Paris", 4)]),
        (TITLED + "Lyon,FR,2013-09-03,Sit-in,\"b", (2, "description"),
         'a quote (") opens here and is never closed; close the quote or remove it', []),
        (TITLED + "Lyon,FR,2013-09-03,Sit-in,\"b\n", (2, "description"),
         'a quote (") opens here and is never closed; close the quote or remove it', []),
        ('city,country,"date\nMadrid,ES,2013-09-03\n', (1, "column C"),
         'a quote (") opens here and is never closed, so the line after it was read as part of this cell; '
         "close the quote or remove it", []),
        ("city;country;date;title\nLyon;FR;2013-09-03;\"Sit-in\nDublin;IE;2013-09-04;March\n", (2, "title"),
         'a quote (") opens here and is never closed, so the line after it was read as part of this cell; '
         "close the quote or remove it", [("Dublin", 3)]),
        # Past the csv module's field size limit, the open quote is still what is reported.
        (TITLED + "Lyon,FR,2013-09-03,\"Sit-in,b\n" + "Dublin,IE,2013-09-04,March,x\n" * 6000, (2, "title"),
         'a quote (") opens here and is never closed, so the 6,000 lines after it were read as part of this cell; '
         "close the quote or remove it", [("Dublin", row) for row in range(3, 6003)]),
    ],
    ids=["eof-lf", "eof-crlf", "eof-cr", "closed-by-a-later-quoted-cell", "closed-by-a-later-quote",
         "last-line-no-end", "last-line", "header", "semicolons", "past-the-field-limit"],
)
def test_an_open_quote_is_an_error_where_it_opens_and_the_rows_after_it_are_read(text, where, message, cities):
    result = parse_events_text(text)
    assert [(p.row, p.column, p.message) for p in result.errors] == [(*where, message)]
    assert [(e.city, e.row) for e in result.events] == cities


@pytest.mark.parametrize(
    "description",
    [
        "Bring posters,\nflags and water",
        'Meet at the "big" tree,\r\nthen march',
        "Line one\n\nLine three, with a comma",
        '"Quoted" first line\nsecond line ends in a quote: "',
        "ends in a line break\n",
        '5" screen, two, commas\nand ""more""',
    ],
)
@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
@pytest.mark.parametrize("terminator", ["\n", "\r\n"])
def test_properly_quoted_multi_line_cells_stay_valid(description, quoting, terminator):
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=quoting, lineterminator=terminator)
    writer.writerows([["city", "country", "date", "description", "title"],
                      ["Madrid", "ES", "2013-09-03", description, "Rally"],
                      ["Dublin", "IE", "2013-09-04", description, ""]])
    result = parse_events_text(buffer.getvalue())
    assert result.ok and result.warnings == (), (result.errors, result.warnings)
    assert [(e.city, e.row) for e in result.events] == [("Madrid", 2), ("Dublin", 3)]
    assert result.events[0].title == "Rally"


def test_a_quoted_cell_that_swallows_lines_that_look_like_rows_is_a_warning():
    # A well-formed quote that closes rows later (here after 12"): valid CSV, so not refused, but flagged.
    text = (TITLED + "Lyon,FR,2013-09-03,\"Sit-in,b\nDublin,IE,2013-09-04,March,x\nRome,IT,2013-09-06,Vigil,z\n"
            "Paris,FR,2013-09-05,Walk 12\",y\n")
    result = parse_events_text(text)
    assert result.ok
    assert [(e.city, e.row) for e in result.events] == [("Lyon", 2)]
    assert [(w.row, w.column, w.message) for w in result.warnings] == [(
        2, "title",
        "the cell runs over 4 lines, and 2 of them look like rows of their own (as many separators as the header); "
        'if a quote (") was left open here, close it where the cell should end',
    )]
