"""Tests of how event dates and times read: the same whatever the server's locale."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.events.formatting import format_date, format_time_range, table_time_range, time_range
from speakout_map.languages.message import Message
from speakout_map.languages.translator import english
from tests.i18n_support import fake_translator


@pytest.mark.parametrize(
    "day, text",
    [
        (dt.date(2013, 9, 3), "Tue 3 Sep 2013"),
        (dt.date(2024, 2, 29), "Thu 29 Feb 2024"),
        (dt.date(2000, 1, 1), "Sat 1 Jan 2000"),
        (dt.date(2025, 12, 31), "Wed 31 Dec 2025"),
    ],
)
def test_format_date(day, text):
    assert format_date(day) == text


@pytest.mark.parametrize(
    "start, end, text",
    [
        (dt.time(18, 30), dt.time(20, 0), "18:30\u201320:00 local time"),
        (dt.time(9, 5), None, "09:05 local time"),
        (None, dt.time(21, 0), "until 21:00 local time"),
        (None, None, ""),
    ],
)
def test_format_time_range(start, end, text):
    assert format_time_range(start, end) == text


# --- in the reader's language -------------------------------------------------------

SPANISH_TIMES = {
    "{start}\u2013{end} local time": "{start}\u2013{end} hora local",
    "{start} local time": "{start} hora local",
    "until {end} local time": "hasta las {end} hora local",
    "{start}\u2013{end}": "de {start} a {end}",
}


@pytest.mark.parametrize(
    "start, end, english_text, spanish_text",
    [
        (dt.time(18, 30), dt.time(20, 0), "18:30\u201320:00 local time", "18:30\u201320:00 hora local"),
        (dt.time(9, 5), None, "09:05 local time", "09:05 hora local"),
        (None, dt.time(21, 0), "until 21:00 local time", "hasta las 21:00 hora local"),
        (None, None, "", ""),
    ],
)
def test_time_range_is_a_message(start, end, english_text, spanish_text):
    text = time_range(start, end)
    assert isinstance(text, Message) == bool(start or end)
    assert str(text) == english().text(text) == format_time_range(start, end) == english_text
    assert fake_translator(SPANISH_TIMES, language="es").text(text) == spanish_text


@pytest.mark.parametrize(
    "start, end, english_text, spanish_text",
    [
        (dt.time(18, 30), dt.time(20, 0), "18:30\u201320:00", "de 18:30 a 20:00"),
        (dt.time(9, 5), None, "09:05", "09:05"),
        (None, dt.time(21, 0), "", ""),  # an end alone says little in a table
        (None, None, "", ""),
    ],
)
def test_table_time_range_says_nothing_of_the_time_zone(start, end, english_text, spanish_text):
    text = table_time_range(start, end)
    assert english().text(text) == english_text
    assert fake_translator(SPANISH_TIMES, language="es").text(text) == spanish_text
