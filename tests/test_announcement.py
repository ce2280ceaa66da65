"""A pasted announcement read as the events table, line by line (speakout_map.events.announcement)."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.events.announcement import MAX_ANNOUNCEMENT_CHARS, parse_announcement
from speakout_map.events.announcement_dates import lacks_year
from speakout_map.events.export import events_to_csv
from speakout_map.events.limits import MAX_CELL_CHARS
from speakout_map.events.model import Event, Status
from speakout_map.events.reading import parse_events_text
from speakout_map.places.placing import place_events
from tests.announcement_support import SEED_CITIES, SEED_EXCERPT, seed_text

def read(text: str, gazetteer, year: int | None = 2013, **kwargs):
    return parse_announcement(text, year=year, gazetteer=gazetteer, **kwargs)


def fields(event: Event) -> dict[str, object]:
    return {
        "line": event.row, "city": event.city, "country": event.country_code, "date": event.date.isoformat(),
        "start": event.start_time.strftime("%H:%M") if event.start_time else "",
        "end": event.end_time.strftime("%H:%M") if event.end_time else "",
        "url": event.url, "status": event.status.value, "venue": event.venue, "description": event.description,
    }


# --- the seed ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [seed_text(), SEED_EXCERPT], ids=["seed", "excerpt"])
def test_the_seed_announcement_gives_its_19_events(gazetteer, text):
    result = read(text, gazetteer)
    assert result.ok and not result.warnings
    assert [(e.city, e.country_code) for e in result.events] == SEED_CITIES
    assert {e.date for e in result.events} == {dt.date(2013, 9, 3)}
    assert [e.row for e in result.events] == list(range(3, 22)), "each event names its line"
    assert {e.city for e in result.events if e.status is Status.DETAILS_TO_COME} == {"Buenos Aires", "La Paz", "Ottawa"}
    assert all(e.url == "" and e.description == "" and e.start_time is None for e in result.events), \
        "'Click here' without its link is no link and no text: the map says 'link to come'"
    assert result.rows == 19


def test_the_seed_announcement_is_placed_like_an_upload(gazetteer):
    placing = place_events(read(seed_text(), gazetteer).events, gazetteer)
    assert not placing.problems
    mexico = next(p for p in placing.placed if p.event.row == 13)
    assert (mexico.place.name, mexico.place.country_code) == ("Mexico City", "MX")


def test_the_seed_without_a_year_asks_for_it_on_every_event_line(gazetteer):
    result = read(seed_text(), gazetteer, year=None)
    assert not result.events
    assert [(p.row, p.column) for p in result.errors] == [(line, "date") for line in range(3, 22)]
    assert all(lacks_year(p) for p in result.errors)
    assert "'September 3' has no year" in result.errors[0].message


# --- announcements written in many ways -------------------------------------------------------------

ANNOUNCEMENTS = {
    "markdown dashes, a time, a venue": (
        "Speak Out – our events\n\n- Berlin, Germany – 3 September, 18:00 – Brandenburg Gate\n",
        [{"line": 3, "city": "Berlin", "country": "DE", "date": "2013-09-03", "start": "18:00", "end": "",
          "description": "Brandenburg Gate"}],
    ),
    "asterisks, City (Country), a range in pm": (
        "* Paris (France): Sept. 3rd, 7pm–9pm, Place de la République",
        [{"city": "Paris", "country": "FR", "start": "19:00", "end": "21:00", "description": "Place de la République"}],
    ),
    "numbers with a dot, ISO dates, pipes, bare links": (
        "1. Lisbon, Portugal | 2013-09-04 | https://example.org/lisbon\n"
        "2. Porto, Portugal | 2013-09-05 | see https://example.org/porto.",
        [{"line": 1, "city": "Lisbon", "country": "PT", "date": "2013-09-04", "url": "https://example.org/lisbon"},
         {"line": 2, "city": "Porto", "date": "2013-09-05", "url": "https://example.org/porto", "description": "see"}],
    ),
    "numbers with a bracket, Spanish, weekday, 19h30, a Markdown link": (
        "2) Madrid, España – martes 3 de septiembre, 19h30 – [Haz clic aquí](https://example.org/madrid)",
        [{"city": "Madrid", "country": "ES", "date": "2013-09-03", "start": "19:30",
          "url": "https://example.org/madrid", "description": "", "status": "confirmed"}],
    ),
    "bullets, Spanish status and time": (
        "• Sevilla, España – 3 de septiembre a las 20h: por confirmar\n"
        "• Lima, Perú – 3 septiembre – a confirmar",
        [{"city": "Sevilla", "start": "20:00", "status": "details_to_come", "description": ""},
         {"city": "Lima", "country": "PE", "status": "details_to_come"}],
    ),
    "en dash bullets and TBC": (
        "– Cork, Ireland – September 3: TBC\n– Limerick, Ireland – September 3: Details to come",
        [{"city": "Cork", "status": "details_to_come"}, {"city": "Limerick", "status": "details_to_come"}],
    ),
    "a range borrowing pm, a www address": (
        "• Bogotá, Colombia – 3 de septiembre – 6-8pm – www.example.org/bogota.",
        [{"city": "Bogotá", "country": "CO", "start": "18:00", "end": "20:00", "url": "https://www.example.org/bogota"}],
    ),
    "em dashes, no bullet, a year written": (
        "Tokyo, Japan — 3 September 2014 — 19:00",
        [{"city": "Tokyo", "country": "JP", "date": "2014-09-03", "start": "19:00"}],
    ),
    "the date first": (
        "3 September: London, UK – Parliament Square, 18:30",
        [{"city": "London", "country": "GB", "start": "18:30", "description": "Parliament Square"}],
    ),
    "a date heading over dateless bullets": (
        "Tuesday 3 September:\n\n• Madrid, Spain\n• Lisbon (Portugal): Click here\n• Rome – 7pm",
        [{"line": 3, "city": "Madrid", "date": "2013-09-03"}, {"line": 4, "city": "Lisbon", "country": "PT"},
         {"line": 5, "city": "Rome", "country": "IT", "start": "19:00"}],
    ),
    "a city alone in another language, a.m./p.m.": (
        "• Nueva York – Sept. 3rd, 7:30 p.m.",
        [{"city": "New York City", "country": "US", "start": "19:30"}],
    ),
    "more comma parts: the venue": (
        "London, UK, Parliament Square – 3 September",
        [{"city": "London", "country": "GB", "venue": "Parliament Square"}],
    ),
    "Ciudad de México, hs, a Markdown link with other text": (
        "• Ciudad de México – martes 3 de septiembre de 2013 a las 18 hs – "
        "[Evento de Facebook](https://facebook.com/events/1)",
        [{"city": "Mexico City", "country": "MX", "start": "18:00", "url": "https://facebook.com/events/1",
          "description": ""}],
    ),
    "a slashed date that can only be one, a range in Spanish": (
        "• Rosario, Argentina – 13/09/2013 – de 19 a 21h",
        [{"city": "Rosario", "date": "2013-09-13", "start": "19:00", "end": "21:00"}],
    ),
    "Markdown bold, más info and a link": (
        "**Quito, Ecuador** – 3 de septiembre – más info: https://example.org/quito",
        [{"city": "Quito", "country": "EC", "url": "https://example.org/quito", "description": ""}],
    ),
    "no separators at all": (
        "• London UK 3 September 7pm",
        [{"city": "London", "country": "GB", "start": "19:00"}],
    ),
    "prose, headings and partners around the list": (
        "On September 3, All Out is sponsoring events around the world.\n"
        "The following events are happening September 3:\n"
        "  • Galway, Ireland – September 3: Click here\n"
        "Partners:\n• GLAAD\n• Facebook: https://facebook.com/allout\n"
        "2. Decide on an exact time and place to meet – after office hours on Tuesday 3 September.\n",
        [{"line": 3, "city": "Galway", "country": "IE", "url": ""}],
    ),
}


@pytest.mark.parametrize(("text", "expected"), ANNOUNCEMENTS.values(), ids=ANNOUNCEMENTS.keys())
def test_announcements_are_read_line_by_line(gazetteer, text, expected):
    result = read(text, gazetteer)
    assert not result.errors, [str(p) for p in result.errors]
    events = [fields(e) for e in result.events]
    assert len(events) == len(expected)
    for got, want in zip(events, expected):
        assert {key: got[key] for key in want} == want


def test_the_year_of_the_date_wins_over_the_campaigns(gazetteer):
    result = read("• Paris, France – 3 September 2014\n• Lyon, France – 3 September", gazetteer, year=2013)
    assert [e.date for e in result.events] == [dt.date(2014, 9, 3), dt.date(2013, 9, 3)]


# --- problems name their line -----------------------------------------------------------------------

PROBLEMS = {
    "a city in two countries": ("Our events:\n\n• Valencia – 3 September", 3, "country", "add the country after a comma"),
    "a country alone": ("• Mexico – 3 September", 1, "city", "'Mexico' is a country"),
    "no such day": ("• Quito, Ecuador – 30 de febrero", 1, "date", "is not a date in 2013"),
    "day/month or month/day": ("• Oslo, Norway – 3/9", 1, "date", "could be day/month or month/day"),
    "no date": ("• Caracas, Venezuela: Click here", 1, "date", "no date found"),
    "no place": ("text\n• September 3: Click here", 2, "city", "no place found"),
    "an unknown city alone": ("• Xqzwvillé – 3 September", 1, "city", "was not found as a city"),
    "not a country (the upload's message)": ("• Paris, Texas – 3 September", 1, "country",
                                             "is not a country we recognise"),
    "a link with no address (the upload's message)": ("• Madrid, Spain – 3 September – [x](https://)", 1, "url",
                                                      "is not a web address"),
}


@pytest.mark.parametrize(("text", "line", "column", "needle"), PROBLEMS.values(), ids=PROBLEMS.keys())
def test_a_line_that_cannot_be_read_is_an_error_of_its_line(gazetteer, text, line, column, needle):
    result = read(text, gazetteer)
    assert not result.events and not result.ok
    assert [(p.row, p.column) for p in result.errors] == [(line, column)]
    assert needle in result.errors[0].message


def test_the_other_lines_are_read_all_the_same(gazetteer):
    result = read("• Valencia – 3 September\n• Madrid, Spain – 3 September\n• Oslo, Norway – 3/9", gazetteer)
    assert [e.city for e in result.events] == ["Madrid"]
    assert [p.row for p in result.errors] == [1, 3]
    assert result.rows == 3


@pytest.mark.parametrize(("year", "gazetteer_too", "needle"), [
    (None, True, "has no year"),
    (2013, False, "has no country"),
])
def test_without_a_year_or_a_gazetteer_the_line_says_what_to_add(gazetteer, year, gazetteer_too, needle):
    result = read("• Madrid – 3 September", gazetteer if gazetteer_too else None, year=year)
    assert [p.row for p in result.errors] == [1]
    assert needle in result.errors[0].message


@pytest.mark.parametrize("text", ["", "\n\n", "Just a paragraph about September 3 and our plans.",
                                  "# Speak Out For Russia – September 3\n\nPartners:\n• GLAAD"])
def test_text_without_events_says_how_to_write_them(gazetteer, text):
    result = read(text, gazetteer)
    assert not result.events
    assert [(p.row, p.column) for p in result.errors] == [(None, None)]
    assert "no events were found in the text" in result.errors[0].message


def test_warnings_do_not_block(gazetteer):
    text = ("• Lima, Peru – Monday 3 September 2013\n• Lima, Peru – Monday 3 September 2013\n"
            "• Cusco, Peru – 3 September or 4 September")
    result = read(text, gazetteer, today=dt.date(2014, 1, 1))
    assert result.ok and len(result.events) == 3
    messages = {(p.row, p.message) for p in result.warnings}
    assert (1, "'Monday 3 September 2013' names a weekday that 2013-09-03 is not; check the day and the year") \
        in messages
    assert (2, "the same event as row 1; delete one of them if it is a copy") in messages
    assert any(row == 3 and "more than one date" in m for row, m in messages)
    assert {row for row, m in messages if "in the past" in m} == {1, 2, 3}


def test_too_much_text_is_refused_whole(gazetteer):
    result = read("• Madrid, Spain – 3 September\n" * (MAX_ANNOUNCEMENT_CHARS // 30 + 1), gazetteer)
    assert not result.events and [(p.row, p.column) for p in result.errors] == [(None, None)]
    assert "paste it in parts" in result.errors[0].message


def test_a_very_long_line_is_an_error_on_a_bullet_and_skipped_in_prose(gazetteer):
    long_tail = " word" * MAX_CELL_CHARS
    result = read(f"• Madrid, Spain – 3 September{long_tail}\nProse{long_tail}\n• Lyon, France – 3 September",
                  gazetteer)
    assert [e.city for e in result.events] == ["Lyon"]
    assert [(p.row, p.column) for p in result.errors] == [(1, None)]


# --- hostile text stays inert ----------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example","Click here")',
    "[x](javascript:alert(1))",
    "[Click here](JavaScript:alert(document.cookie))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "@SUM(A1)",
    "+cmd|' /C calc'!A0",
    "<img src=x onerror=alert(1)>",
    "{{7*7}} ${7*7}",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_kept_as_literal_text_and_never_a_link(gazetteer, hostile):
    result = read(f"• Dublin, Ireland – 3 September – {hostile}", gazetteer)
    assert result.ok, [str(p) for p in result.errors]
    (event,) = result.events
    assert event.description == hostile
    assert event.url == ""
    again = parse_events_text(events_to_csv(result.events, include_private=True))
    assert again.events[0].description == hostile, "the CSV neutralises formulas and reading undoes it"


@pytest.mark.parametrize("target", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x",
                                    "vbscript:msgbox(1)", "/relative/path", "ftp://example.org/x"])
def test_a_link_to_anything_but_a_web_address_is_never_the_events_link(gazetteer, target):
    result = read(f"• Galway, Ireland – September 3: [Click here]({target})", gazetteer)
    (event,) = result.events
    assert event.url == ""
    assert event.description == f"[Click here]({target})"
    assert [(p.row, p.column) for p in result.warnings] == [(1, "url")]


def test_hostile_place_text_stays_text(gazetteer):
    result = read("• <script>alert(1)</script>, UK – 3 September", gazetteer)
    assert [(e.city, e.country_code) for e in result.events] == [("<script>alert(1)</script>", "GB")]


def test_invisible_and_control_characters_are_dropped(gazetteer):
    result = read("• Ma\u200bdrid\u202e, Spain\x07 – 3 September\ufeff", gazetteer)
    assert [(e.city, e.country_code) for e in result.events] == [("Madrid", "ES")]


@pytest.mark.parametrize("year", [0, -1, 10000])
def test_a_year_outside_the_calendar_is_a_programming_error(gazetteer, year):
    with pytest.raises(ValueError):
        read("• Madrid, Spain – 3 September", gazetteer, year=year)
