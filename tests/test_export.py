"""Public views: the events table and literal Markdown."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.events import Event, Place, PlacedEvent, Status
from speakout_map.export import TABLE_COLUMNS, escape_markdown, table_rows


def placed(**fields) -> PlacedEvent:
    base = {"city": "Madrid", "country_code": "ES", "date": dt.date(2013, 9, 3)}
    event = Event(**{**base, **fields})
    return PlacedEvent(event, Place(event.city, event.country_code, 40.4, -3.7))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, {"Date": "Tue 3 Sep 2013", "Time": "", "Country": "Spain", "Event": "Speak out in Madrid",
              "Venue": "", "Status": "Confirmed", "Link": ""}),
        ({"start_time": dt.time(18, 30), "end_time": dt.time(20), "venue": "Embassy", "address": "Calle 1",
          "status": Status.DETAILS_TO_COME, "url": "https://example.org", "title": "Rally"},
         {"Time": "18:30–20:00", "Venue": "Embassy, Calle 1", "Status": "Details to come",
          "Link": "https://example.org", "Event": "Rally"}),
        ({"start_time": dt.time(9, 5)}, {"Time": "09:05"}),
    ],
)
def test_table_rows(fields, expected):
    (row,) = table_rows([placed(**fields)])
    assert list(row) == list(TABLE_COLUMNS)
    assert {k: row[k] for k in expected} == expected


def test_table_never_has_contact_email():
    (row,) = table_rows([placed(contact_email="secret@example.org")])
    assert "secret@example.org" not in row.values()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("[x](javascript:alert(1))", r"\[x\]\(javascript\:alert\(1\)\)"),
        ("<b>bold</b>", r"\<b\>bold\</b\>"),
        ("**a** _b_ `c` $x$", r"\*\*a\*\* \_b\_ \`c\` \$x\$"),
        ("line\nbreak", "line break"),
    ],
)
def test_escape_markdown(text, expected):
    assert escape_markdown(text) == expected
