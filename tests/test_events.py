"""The event CSV format: parsing, and every error message naming row, column and fix."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.events.model import COLUMNS, Event, Status
from speakout_map.events.reading import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_EVENTS,
    events_to_rows,
    parse_events_bytes,
    parse_events_text,
    read_events_file,
    read_upload,
    xlsx_cell_text,
)
from speakout_map.settings import PROJECT_ROOT

HEADER = "city,country,date"


def parse_one(extra_header: str = "", extra_cells: str = "", base: str = "Madrid,Spain,2013-09-03"):
    header = HEADER + ("," + extra_header if extra_header else "")
    row = base + ("," + extra_cells if extra_header else "")
    return parse_events_text(f"{header}\n{row}\n")


def only_error(result):
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_seed_file_is_valid_and_complete():
    result = read_events_file(PROJECT_ROOT / "data" / "events.csv")
    assert result.ok, result.errors
    assert result.warnings == ()
    assert result.rows == 19
    cities = {e.city for e in result.events}
    assert cities == {
        "Asunción", "Barcelona", "Buenos Aires", "Dublin", "Galway", "Gothenburg", "La Paz", "London",
        "Madrid", "Manchester", "Mexico City", "Monterrey", "Naples", "New York", "Ottawa", "Seattle",
        "Toronto", "Valencia", "Vancouver",
    }
    assert {e.date for e in result.events} == {dt.date(2013, 9, 3)}
    to_come = {e.city for e in result.events if e.status is Status.DETAILS_TO_COME}
    assert to_come == {"Buenos Aires", "La Paz", "Ottawa"}
    assert all(e.url == "" for e in result.events), "the announcement's links carried no address"
    assert [e.row for e in result.events] == list(range(2, 21))


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


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encodings(encoding):
    result = parse_events_bytes("city,country,date\nAsunción,Paraguay,2013-09-03\n".encode(encoding))
    assert result.ok and result.events[0].city == "Asunción"


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


def test_unknown_country_message():
    problem = only_error(parse_one(base="Madrid,Narnia,2013-09-03"))
    assert (problem.row, problem.column) == (2, "country")
    assert "'Narnia' is not a country we recognise" in problem.message
    assert "two-letter ISO code" in problem.message


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


def test_binary_junk_is_a_clear_error():
    problem = only_error(parse_events_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00"))
    assert "binary data" in problem.message and "export the spreadsheet as CSV" in problem.message


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


def test_rows_round_trip_and_keep_contact_private():
    result = read_events_file(PROJECT_ROOT / "data" / "events.csv")
    public = events_to_rows(result.events)
    assert "contact_email" not in public[0]
    private = events_to_rows(result.events, include_private=True)
    assert list(private[0]) == list(COLUMNS)
    lines = [",".join(COLUMNS)] + [",".join(f'"{v}"' for v in row.values()) for row in private]
    again = parse_events_text("\n".join(lines))
    assert again.ok
    assert [(e.city, e.country_code, e.status) for e in again.events] == [
        (e.city, e.country_code, e.status) for e in result.events
    ]


# --- the apostrophe rule, past dates, spreadsheet cell values -----------------------


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


def test_past_date_warning_through_every_entry_point(tmp_path):
    data = (HEADER + "\nMadrid,ES,2013-09-03\n").encode()
    path = tmp_path / "e.csv"
    path.write_bytes(data)
    today = dt.date(2014, 1, 1)
    for result in (parse_events_bytes(data, today=today), read_events_file(path, today=today),
                   read_upload(data, "e.csv", today=today)):
        assert [(w.row, w.column) for w in result.warnings] == [(2, "date")]


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
def test_xlsx_cell_text(value, expected):
    assert xlsx_cell_text(value) == expected


def test_utf16_with_bom_is_decoded():
    data = "\ufeffcity\tcountry\tdate\nAsunción\tPY\t2013-09-03\n".encode("utf-16")
    result = parse_events_bytes(data)
    assert result.ok and result.events[0].city == "Asunción"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ("city,country,date\nMadrid,ES,2013-09-03\n".encode("utf-16-le"), "binary data"),
        (b"\xfe\xff\x00", "damaged"),
        (bytes(range(1, 32)) * 4, "binary data"),
    ],
)
def test_undecodable_bytes(data, needle):
    problem = only_error(parse_events_bytes(data))
    assert needle in problem.message and problem.row is None


def test_a_few_control_characters_are_still_text():
    result = parse_events_bytes(b"city,country,date,title\nMadrid,ES,2013-09-03,a\x0bb\n")
    assert result.ok and result.events[0].title == "a\x0bb"


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


def test_rows_after_an_over_long_cell_keep_their_numbers():
    text = HEADER + ",title\nMadrid,ES,2013-09-03,\"" + "q\n" * 100_000 + "\"\nDublin,IE,2013-09-03,x\nParis,FR,2013-09-03,y\n"
    result = parse_events_text(text)
    assert [(p.row, p.column) for p in result.errors] == [(2, "title")]
    assert [(e.city, e.row) for e in result.events] == [("Dublin", 3), ("Paris", 4)]


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


def test_upload_size_limit_message():
    problem = only_error(read_upload(b"x" * (6 * 1024 * 1024), "e.csv"))
    assert problem.message.startswith("the file is too large (6 MB; the limit is 5 MB)")
    assert "split it" in problem.message
    problem = only_error(read_upload(b"x" * 3000, "e.csv", max_bytes=2 * 1024 * 1024 // 1000))
    assert "MB" in problem.message


def test_read_upload_reads_csv_like_parse_events_bytes():
    data = (HEADER + ",title\nMadrid,ES,2013-09-03,'=1+1\n").encode("cp1252")
    assert read_upload(data, "events.CSV") == parse_events_bytes(data)
