"""Tests of how event dates and times read: the same whatever the server's locale."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.events.formatting import format_date, format_time_range


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
