"""Dates and times in words, English and Spanish (speakout_map.events.announcement_dates)."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.events.announcement_dates import find_date, find_dates, find_times


@pytest.mark.parametrize(("text", "written", "date"), [
    ("Asunción, Paraguay – September 3: Click here", "September 3", "2013-09-03"),
    ("Sept. 3rd at 7pm", "Sept. 3rd", "2013-09-03"),
    ("Sep 30", "Sep 30", "2013-09-30"),
    ("3 September", "3 September", "2013-09-03"),
    ("the 3rd of September", "the 3rd of September", "2013-09-03"),
    ("Tuesday, September 3, 2013", "Tuesday, September 3, 2013", "2013-09-03"),
    ("Tue 3 Sep 2013", "Tue 3 Sep 2013", "2013-09-03"),
    ("on 3 September", "on 3 September", "2013-09-03"),
    ("3 de septiembre", "3 de septiembre", "2013-09-03"),
    ("martes 3 de septiembre de 2013", "martes 3 de septiembre de 2013", "2013-09-03"),
    ("el miércoles 4 de setiembre", "el miércoles 4 de setiembre", "2013-09-04"),
    ("septiembre 3", "septiembre 3", "2013-09-03"),
    ("1º de mayo", "1º de mayo", "2013-05-01"),
    ("2014-09-03", "2014-09-03", "2014-09-03"),
    ("13/9", "13/9", "2013-09-13"),
    ("9/13/2014", "9/13/2014", "2014-09-13"),
    ("3 September 2014, 19:00", "3 September 2014", "2014-09-03"),
    ("September 3 19:00", "September 3", "2013-09-03"),
])
def test_dates_in_words_and_numbers(text, written, date):
    found = find_date(text, 2013)
    assert found is not None and found.problem is None
    assert (found.written, found.date.isoformat()) == (written, date)
    assert text[found.start:found.end].strip() == written


@pytest.mark.parametrize("text", ["no date here", "You may 3 times", "13 Septembers", "room 3/4b", "page 30",
                                  "v2013-09-03", "19:00", "el mar 3"])
def test_text_that_is_not_a_date(text):
    assert find_date(text, 2013) is None


@pytest.mark.parametrize(("text", "year", "needle"), [
    ("September 3", None, "has no year"),
    ("30 de febrero", 2013, "is not a date in 2013"),
    ("29 February", 2013, "is not a date in 2013"),
    ("2013-02-30", None, "is not a date in 2013"),
    ("3/9", 2013, "could be day/month or month/day"),
])
def test_a_date_that_cannot_be_read_says_why(text, year, needle):
    found = find_date(text, year)
    assert found.date is None and needle in str(found.problem)


def test_february_29_of_a_leap_year():
    assert find_date("29 February", 2016).date == dt.date(2016, 2, 29)


@pytest.mark.parametrize(("text", "wrong"), [("Tuesday 3 September 2013", False), ("Monday 3 September 2013", True),
                                             ("lunes 3 de septiembre de 2013", True), ("3 September", False)])
def test_the_weekday_is_checked(text, wrong):
    assert find_date(text, 2013).wrong_weekday is wrong


def test_every_date_of_a_line_in_order():
    assert [d.written for d in find_dates("3 September or 4 September, 2013-09-05", 2013)] == \
        ["3 September", "4 September", "2013-09-05"]


@pytest.mark.parametrize(("text", "begins", "ends"), [
    ("19:00", "19:00", None),
    ("at 7pm", "19:00", None),
    ("7 PM", "19:00", None),
    ("7:30 p.m.", "19:30", None),
    ("12am", "00:00", None),
    ("12 p.m.", "12:00", None),
    ("19h", "19:00", None),
    ("19h30", "19:30", None),
    ("19 hs", "19:00", None),
    ("19:00 h", "19:00", None),
    ("19.30h", "19:30", None),
    ("a las 20h:", "20:00", None),
    ("18:00–20:00", "18:00", "20:00"),
    ("6-8pm", "18:00", "20:00"),
    ("11-1pm", "11:00", "13:00"),
    ("de 19 a 21h", "19:00", "21:00"),
    ("from 7 to 9 pm", "19:00", "21:00"),
    ("7 a.m. to 9 a.m.", "07:00", "09:00"),
    ("18:00 - 8pm", "18:00", "20:00"),
])
def test_times_and_ranges(text, begins, ends):
    found = find_times(text)
    assert found is not None
    assert (f"{found.begins:%H:%M}", f"{found.ends:%H:%M}" if found.ends else None) == (begins, ends)


@pytest.mark.parametrize("text", ["2.50 euros", "15pm", "24h", "3 hours", "phone 555-1234", "room 12", "25:00",
                                  "19:60"])
def test_text_that_is_not_a_time(text):
    assert find_times(text) is None
