"""What an organiser says about a sheet: column mappings (page and --map), declared date formats."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.errors import MappingError
from speakout_map.events.headers import IGNORE
from speakout_map.events.model import SheetColumns
from speakout_map.events.reading import parse_events_text, read_upload
from speakout_map.events.sheet_reading import (
    PLAIN,
    DateFormat,
    SheetReading,
    automatic_choices,
    date_parser,
    headers_key,
    parse_mapping,
    reading_of_choices,
    starting_choices,
)

TODAY = dt.date(2026, 12, 1)


# --- --map options ----------------------------------------------------------------------


@pytest.mark.parametrize(("options", "expected"), [
    (["Start Date=date"], (("Start Date", "date"),)),
    (["  Town = city ", "Notes=IGNORE"], (("Town", "city"), ("Notes", IGNORE))),
    (["a=b=title"], (("a=b", "title"),)),  # the header is everything before the last "="
    (["Event ID=id"], (("Event ID", "id"),)),
])
def test_map_options_are_read(options, expected):
    assert parse_mapping(options) == expected


@pytest.mark.parametrize(("option", "says"), [
    ("Start Date", "is not a mapping; write it as the sheet's header, '=', and our column"),
    ("=date", "is not a mapping"),
    ("  =date", "is not a mapping"),
    ("Start Date=when", "'when' is not one of our columns; map 'Start Date' to one of city, country, date"),
    ("Start Date=going", "'going' is not one of our columns"),
])
def test_a_wrong_map_option_says_how_to_write_it(option, says):
    with pytest.raises(MappingError) as caught:
        parse_mapping([option])
    assert says in str(caught.value)


@pytest.mark.parametrize(("text", "form"), [
    ("DD/MM/YYYY", DateFormat.DAY_MONTH_YEAR), ("mm/dd/yyyy", DateFormat.MONTH_DAY_YEAR),
    (" D.M.YYYY ", DateFormat.DOTTED),
])
def test_date_formats_by_name(text, form):
    assert DateFormat.named(text) is form


@pytest.mark.parametrize("text", ["YYYY-MM-DD", "DD-MM-YY", "", "european"])
def test_an_unknown_date_format_lists_the_ones_read(text):
    with pytest.raises(MappingError, match="use one of DD/MM/YYYY, MM/DD/YYYY, D.M.YYYY"):
        DateFormat.named(text)


def test_a_reading_refuses_columns_it_cannot_name():
    with pytest.raises(ValueError):
        SheetReading((("Start Date", "when"),))
    with pytest.raises(ValueError):
        SheetReading((("  ", "date"),))


# --- declared date formats --------------------------------------------------------------


@pytest.mark.parametrize(("form", "text", "expected"), [
    (DateFormat.DAY_MONTH_YEAR, "03/09/2013", dt.date(2013, 9, 3)),
    (DateFormat.DAY_MONTH_YEAR, "3/9/13", dt.date(2013, 9, 3)),
    (DateFormat.DAY_MONTH_YEAR, "25/12/2013", dt.date(2013, 12, 25)),
    (DateFormat.MONTH_DAY_YEAR, "09/03/2013", dt.date(2013, 9, 3)),
    (DateFormat.MONTH_DAY_YEAR, "12/25/2013", dt.date(2013, 12, 25)),
    (DateFormat.DOTTED, "3.9.2013", dt.date(2013, 9, 3)),
    (DateFormat.DOTTED, "03.09.2013", dt.date(2013, 9, 3)),
    (DateFormat.MONTH_DAY_YEAR, "2013-09-03", dt.date(2013, 9, 3)),  # an Excel date cell, or ISO: as always
])
def test_declared_formats_read_their_dates(form, text, expected):
    assert date_parser(form)(text) == expected


@pytest.mark.parametrize(("form", "text", "says"), [
    (DateFormat.MONTH_DAY_YEAR, "25/12/2013", "there is no month 25"),
    (DateFormat.DAY_MONTH_YEAR, "12/25/2013", "there is no month 25"),
    (DateFormat.DAY_MONTH_YEAR, "31/02/2013", "that month has no day 31"),
    (DateFormat.DOTTED, "3 September", "is not a date written D.M.YYYY, the date format chosen for this sheet"),
    (DateFormat.DAY_MONTH_YEAR, "2013-02-30", "is not a date"),
])
def test_dates_contradicting_the_declared_format_are_refused(form, text, says):
    from speakout_map.events.cells import CellError
    with pytest.raises(CellError) as caught:
        date_parser(form)(text)
    assert says in str(caught.value.text)


def test_undeclared_day_month_dates_stay_refused():
    result = parse_events_text("city,country,date\nCork,IE,03/09/2027\n", today=TODAY)
    assert [str(e) for e in result.errors] == [
        "row 2, date: 03/09/2027 could be day/month or month/day; write it as YYYY-MM-DD (2027-09-03 or 2027-03-09)"]


@pytest.mark.parametrize(("form", "expected"), [
    (DateFormat.DAY_MONTH_YEAR, dt.date(2027, 9, 3)), (DateFormat.MONTH_DAY_YEAR, dt.date(2027, 3, 9)),
])
def test_a_declared_format_reads_the_whole_file(form, expected):
    result = parse_events_text("city,country,date\nCork,IE,03/09/2027\nGalway,IE,2027-09-04\n", today=TODAY,
                               reading=SheetReading(date_format=form))
    assert not result.errors
    assert [e.date for e in result.events] == [expected, dt.date(2027, 9, 4)]


def test_rows_contradicting_the_declared_format_are_row_errors_and_the_others_are_read():
    text = "city,country,date\nCork,IE,03/09/2027\nGalway,IE,09/13/2027\nSligo,IE,12/09/2027\n"
    result = parse_events_text(text, today=TODAY, reading=SheetReading(date_format=DateFormat.DAY_MONTH_YEAR))
    assert [str(e) for e in result.errors] == [
        "row 3, date: 09/13/2027 is not a date written DD/MM/YYYY: there is no month 13; correct it, or check the "
        "date format chosen for this sheet"]
    assert [e.city for e in result.events] == ["Cork", "Sligo"]


def test_an_xlsx_with_a_declared_format_reads_text_dates_and_date_cells():
    import io

    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Ciudad", "País", "Fecha"])
    sheet.append(["Madrid", "España", "03/09/2027"])
    sheet.append(["Sevilla", "España", dt.datetime(2027, 9, 4)])
    data = io.BytesIO()
    book.save(data)
    result = read_upload(data.getvalue(), "eventos.xlsx", today=TODAY,
                         reading=SheetReading(date_format=DateFormat.DAY_MONTH_YEAR))
    assert not result.errors, result.errors
    assert [e.date for e in result.events] == [dt.date(2027, 9, 3), dt.date(2027, 9, 4)]


# --- mappings -------------------------------------------------------------------------

PLATFORM = ("Nombre,Lugar del evento,Pueblo,Nation,When,Notes\n"
            "Rally,Plaza Mayor,Madrid,Spain,2027-09-03,bring water\n")
PLATFORM_MAPPING = parse_mapping(["Pueblo=city", "Nation=country", "When=date", "Lugar del evento=venue",
                                  "Nombre=title", "Notes=ignore"])


def test_a_sheet_with_unknown_headers_is_refused_then_read_with_a_mapping():
    refused = parse_events_text(PLATFORM, today=TODAY)
    assert {e.column for e in refused.errors} == {"city", "country", "date"}
    assert "or map the column that holds it to city" in refused.errors[0].message
    read = parse_events_text(PLATFORM, today=TODAY, reading=SheetReading(PLATFORM_MAPPING))
    assert not read.errors
    (event,) = read.events
    assert (event.title, event.venue, event.city, event.country_code, event.date) == (
        "Rally", "Plaza Mayor", "Madrid", "ES", dt.date(2027, 9, 3))
    said = [str(w) for w in read.warnings]
    assert "row 1, pueblo: column 'Pueblo' is read as city" in said
    assert not any("notes" in w.lower() for w in said)  # mapped to ignore: left out without a word


def test_a_mapping_is_matched_as_headers_are_ignoring_case_accents_and_spaces():
    mapping = parse_mapping(["PUEBLO=city", "nation=country", " when =date"])
    read = parse_events_text(PLATFORM, today=TODAY, reading=SheetReading(mapping))
    assert [e.city for e in read.events] == ["Madrid"]


def test_a_mapping_wins_over_our_own_names_and_the_usual_ones():
    text = "city,Town,country,Start Date,Event Date\nOld,Cork,IE,2027-09-03,2027-09-04\n"
    reading = SheetReading(parse_mapping(["city=ignore", "Town=city", "Event Date=date"]))
    read = parse_events_text(text, today=TODAY, reading=reading)
    assert not read.errors
    (event,) = read.events
    assert (event.city, event.date) == ("Cork", dt.date(2027, 9, 4))
    assert any("'start_date' is not one we use" in str(w) for w in read.warnings)


def test_two_candidates_for_a_column_are_settled_by_a_mapping():
    text = "city,country,Start Date,Event Date\nCork,IE,2027-09-03,2027-09-04\n"
    assert parse_events_text(text, today=TODAY).errors
    read = parse_events_text(text, today=TODAY, reading=SheetReading(parse_mapping(["Start Date=date"])))
    assert not read.errors and read.events[0].date == dt.date(2027, 9, 3)


def test_mapping_two_columns_to_one_is_the_twice_error():
    text = "city,country,date,When\nCork,IE,2027-09-03,2027-09-04\n"
    read = parse_events_text(text, today=TODAY, reading=SheetReading(parse_mapping(["When=date"])))
    assert [str(e) for e in read.errors] == ["row 1, date: column date appears twice (columns 3 and 4); delete one"]


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "**bold**"])
def test_hostile_headers_and_values_are_data_in_the_columns_shown(payload):
    text = f'city,country,date,"{payload.replace(chr(34), chr(34) * 2)}"\nCork,IE,2027-09-03,"{payload.replace(chr(34), chr(34) * 2)}"\n'
    read = parse_events_text(text, today=TODAY)
    assert read.columns.headers[-1] == payload and read.columns.first_values(3) == (payload,)


# --- the page's choices ------------------------------------------------------------------


def test_the_columns_of_a_refused_sheet_come_with_its_first_rows():
    columns = parse_events_text(PLATFORM + "Vigil,Park,Sevilla,Spain,2027-09-04,\n", today=TODAY).columns
    assert columns.headers == ("Nombre", "Lugar del evento", "Pueblo", "Nation", "When", "Notes")
    assert columns.first_values(2) == ("Madrid", "Sevilla")
    assert columns.first_values(5) == ("bring water",)
    assert automatic_choices(columns) == (IGNORE,) * 6


def test_choices_start_from_the_remembered_reading_and_only_differences_are_kept():
    columns = SheetColumns(("City", "Land", "Start Date", "Notes"), ("city", "land", "date", "notes"))
    assert automatic_choices(columns) == ("city", IGNORE, "date", IGNORE)
    remembered = SheetReading((("land", "country"),), DateFormat.DOTTED)
    assert starting_choices(columns, remembered) == ("city", "country", "date", IGNORE)
    reading = reading_of_choices(columns, ("city", "country", "date", IGNORE), DateFormat.DOTTED)
    assert reading == SheetReading((("Land", "country"),), DateFormat.DOTTED)
    assert reading_of_choices(columns, automatic_choices(columns), None) == PLAIN


def test_the_headers_key_ignores_how_headers_are_written_but_not_their_order():
    assert headers_key(["Start Date", "Ciudad"]) == headers_key([" start_date", "CIUDAD "])
    assert headers_key(["Start Date", "Ciudad"]) != headers_key(["Ciudad", "Start Date"])
    assert headers_key(["Start Date", "Ciudad"]) != headers_key(["Start Date", "Ciudad", "País"])
