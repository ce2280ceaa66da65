"""Organisers' own header rows read as our columns (events/headers.py), through the upload's validation."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.events.headers import HEADER_NAMES, IGNORED, fold_header, read_header
from speakout_map.events.model import COLUMNS
from speakout_map.events.reading import parse_events_text

TODAY = dt.date(2027, 1, 1)


@pytest.mark.parametrize(
    ("written", "column"),
    [("Event Name", "title"), ("Event title", "title"), ("Name", "title"), ("Título", "title"),
     ("Nombre del evento", "title"), ("Start Date", "date"), ("Event Date", "date"), ("Fecha", "date"),
     ("Día", "date"), ("Start Time", "start_time"), ("Hora", "start_time"), ("Hora de inicio", "start_time"),
     ("Venue", "venue"), ("Location name", "venue"), ("Lugar", "venue"), ("Address", "address"),
     ("Street", "address"), ("Dirección", "address"), ("City", "city"), ("Town", "city"), ("Ciudad", "city"),
     ("Localidad", "city"), ("Country", "country"), ("Country code", "country"), ("País", "country"),
     ("Event URL", "url"), ("Link", "url"), ("RSVP link", "url"), ("Enlace", "url"), ("Host", "organiser"),
     ("Host name", "organiser"), ("Organizer", "organiser"), ("Organizador", "organiser"),
     ("Host Email", "contact_email"), ("Contact", "contact_email"), ("Email", "contact_email"),
     ("Correo", "contact_email"), ("Zip", IGNORED), ("Postal code", IGNORED), ("Código postal", IGNORED),
     ("State", "region"), ("Province", "region"), ("State/Province", "region"), ("County", "region"),
     ("Provincia", "region"), ("Estado", "region"), ("Comunidad autónoma", "region"), ("Región", "region"),
     ("Region", "region")],
)
def test_the_usual_names_of_each_column(written, column):
    for form in (written, written.upper(), f"  {written.lower()} ", written.replace(" ", "_"), written + ":"):
        (read,) = read_header([form], [form.strip().lower()]).columns
        assert read == column, form


@pytest.mark.parametrize("written", ["Date created", "Created", "Updated at", "Attendees", "Notes", "Event ID",
                                     "Estado del evento", "Country region", "Comunidad"])
def test_other_names_are_not_guessed(written):
    reading = read_header([written], ["as normalised"])
    assert reading.columns == ("as normalised",) and not reading.renamed and not reading.conflicts


def test_folding_ignores_case_accents_spaces_and_punctuation():
    assert fold_header(" Código-Postal ") == fold_header("codigo postal") == "codigopostal"
    assert fold_header("Start_Time") == fold_header("start time") == "starttime"
    assert all(fold_header(column) not in HEADER_NAMES or HEADER_NAMES[fold_header(column)] == column
               for column in COLUMNS)  # no other name of a column is one of our own names for another


def test_our_own_name_wins_over_another_name_for_the_same_column():
    reading = read_header(["date", "Event Date", "city", "country"], ["date", "event_date", "city", "country"])
    assert reading.columns == ("date", "event_date", "city", "country") and not reading.renamed


def test_two_other_names_for_one_column_are_not_guessed_between():
    reading = read_header(["Start Date", "Event Date", "Town"], ["start_date", "event_date", "town"])
    assert reading.conflicts == (("date", (0, 1)),)
    assert reading.renamed == ((2, "Town", "city"),)


PLATFORM = ("Event Name,Venue,City,State,Zip,Country,Start Date,Start Time,Event URL,Date created\n"
            "Rally,Plaza Mayor,Madrid,,28001,Spain,2027-09-03,18:00,https://example.org/e,2026-11-30\n")
MADRID = "ciudad;país;fecha;lugar\nValencia;España;2027-09-03;Plaza del Ayuntamiento\n"


def test_an_event_platforms_export_is_read_and_the_preview_says_how():
    result = parse_events_text(PLATFORM, today=TODAY)
    assert not result.errors
    (event,) = result.events
    assert (event.title, event.venue, event.city, event.country_code, event.date, event.url) == (
        "Rally", "Plaza Mayor", "Madrid", "ES", dt.date(2027, 9, 3), "https://example.org/e")
    assert event.start_time == dt.time(18, 0)
    said = [str(w) for w in result.warnings]
    assert "row 1, event_name: column 'Event Name' is read as title" in said
    assert "row 1, start_date: column 'Start Date' is read as date" in said
    assert any("'date_created' is not one we use" in w for w in said)  # never taken for the event's date
    assert "row 1, state: column 'State' is read as region" in said and not any("zip" in w for w in said)
    assert event.region == ""  # an empty State cell


def test_a_spanish_sheet_is_read():
    result = parse_events_text(MADRID, today=TODAY)
    assert not result.errors
    (event,) = result.events
    assert (event.city, event.country_code, event.date, event.venue) == (
        "Valencia", "ES", dt.date(2027, 9, 3), "Plaza del Ayuntamiento")


def test_two_candidate_date_columns_are_one_error_asking_which():
    result = parse_events_text("city,country,Start Date,Event Date\nCork,IE,2027-09-03,2027-09-04\n", today=TODAY)
    assert [str(e) for e in result.errors] == [
        "row 1, date: columns 'Start Date', 'Event Date' could each be the date column; map the one to use to date "
        "(or rename it date), or delete the others"]
    assert not result.warnings and not result.events


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "=HYPERLINK(\"x\")", "{{7*7}}"])
def test_a_hostile_header_is_text_in_the_messages(payload):
    result = parse_events_text(f"city,country,date,{payload}\nCork,IE,2027-09-03,x\n", today=TODAY)
    assert not result.errors and any(payload.lower() in w.message for w in result.warnings)
