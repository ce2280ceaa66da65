"""Many gazetteer look-ups at once: the same answers as one at a time, in a few queries."""

from __future__ import annotations

import datetime as dt
import math
import random
import sqlite3

import pytest

from speakout_map.errors import PlaceNotFoundError, UnknownCountryError
from speakout_map.events.model import Event
from speakout_map.places.gazetteer_batch import CHUNK
from speakout_map.places.place import Place
from speakout_map.places.placing import _timezone_near, locate, place_events
from speakout_map.places.query import PlaceQuery


def event(city: str, country: str, row: int, latitude: float | None = None, longitude: float | None = None) -> Event:
    return Event(city=city, country_code=country, date=dt.date(2013, 9, 3), row=row, latitude=latitude,
                 longitude=longitude)


def _index_rows(gazetteer, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(f"{gazetteer.index_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _as_tuple(location):
    return None if location is None else (location.address, location.latitude, location.longitude, location.raw)


def _counting_fetch(gazetteer, monkeypatch) -> list[str]:
    queries: list[str] = []
    fetch = gazetteer._fetch
    monkeypatch.setattr(gazetteer, "_fetch", lambda sql, params: queries.append(sql) or fetch(sql, params))
    return queries


@pytest.fixture(scope="module")
def sample_places(gazetteer) -> list[PlaceQuery]:
    """Names as organisers write them: primary and alternate names of real places, ambiguous ones, mistakes."""
    rng = random.Random(14)
    rows = _index_rows(gazetteer, "SELECT n.key, n.country_code, c.name FROM names n JOIN cities c "
                                  "ON c.geonameid = n.geonameid WHERE c.population >= 5000")
    picked = rng.sample(rows, 600)
    places = [PlaceQuery(name if rng.random() < 0.5 else key.upper(), code) for key, code, name in picked]
    places += [PlaceQuery(key, "GB" if code != "GB" else "FR") for key, code, _ in picked[:60]]  # wrong country
    places += [
        PlaceQuery("Valencia", "ES"), PlaceQuery("Valencia", "VE"), PlaceQuery("Manchester", "US"),
        PlaceQuery("Napoli", "IT"), PlaceQuery("München", "DE"), PlaceQuery(" Pristina ", "XK"),
        PlaceQuery("valencia", "es"), PlaceQuery("London", None), PlaceQuery("Córdoba", ""),
        PlaceQuery("Qwertyville", "ES"), PlaceQuery("...", "ES"), PlaceQuery("", "ES"), PlaceQuery("Madrid", "ES"),
    ]
    return places


def test_geocode_many_answers_as_geocode_does(gazetteer, sample_places):
    one_by_one = [_as_tuple(gazetteer.geocode(place.as_query())) for place in sample_places]
    assert [_as_tuple(found) for found in gazetteer.geocode_many(sample_places)] == one_by_one
    assert sum(found is not None for found in one_by_one) > 600  # most are places, some are not


def test_geocode_many_asks_a_few_queries(gazetteer, sample_places, monkeypatch):
    queries = _counting_fetch(gazetteer, monkeypatch)
    gazetteer.geocode_many(sample_places)
    with_country = sum(1 for place in sample_places if place.country_code and place.city.strip(" .")) - 1
    # The names with a country in chunks; "London" without one, "..." (no name) and the empty one by themselves.
    assert len(queries) <= math.ceil(with_country / CHUNK) + 3


def test_geocode_many_of_an_unknown_country_is_the_error_geocode_raises(gazetteer):
    from speakout_map.errors import UnknownCountryError

    with pytest.raises(UnknownCountryError):
        gazetteer.geocode_many([PlaceQuery("Madrid", "Narnia")])
    assert gazetteer.geocode_many([]) == []


@pytest.fixture(scope="module")
def sample_points(gazetteer) -> list[tuple[float, float, frozenset[str] | None]]:
    """Points near places (a venue's), further out, mid-ocean, by the poles and the antimeridian."""
    rng = random.Random(3)
    rows = _index_rows(gazetteer, "SELECT latitude, longitude, country_code FROM cities WHERE geonameid % 50 = 0")
    points = []
    for latitude, longitude, code in rng.sample(rows, 800):
        jitter = rng.choice((0.0005, 0.01, 0.05, 0.5))
        point = (latitude + rng.uniform(-jitter, jitter), longitude + rng.uniform(-jitter, jitter))
        roll = rng.random()
        codes = frozenset({code}) if roll < 0.8 else None if roll < 0.9 else frozenset({code, "US"})
        points.append((*point, codes))
    points += [
        (-16.9, -179.99, frozenset({"FJ"})), (-16.9, 179.995, frozenset({"FJ"})), (0.0, -30.0, None),
        (0.0, -30.0, frozenset({"ES"})), (89.5, 10.0, frozenset({"NO"})), (-89.9, 0.0, None),
        (40.4168, -3.7038, frozenset({"ES"})), (28.1, -15.43, frozenset({"ES"})), (38.72, -27.22, frozenset({"PT"})),
        (48.8566, 2.3522, frozenset({"FR"})), (-54.43, 3.4, frozenset({"BV"})),  # Bouvet Island: no places
    ]
    return points


def _nearest_one_by_one(gazetteer, points):
    answers = []
    for latitude, longitude, codes in points:
        found = gazetteer.nearest(latitude, longitude, codes)
        answers.append(found[0] if found else None)
    return answers


def test_nearest_many_answers_as_nearest_does(gazetteer, sample_points):
    answers = gazetteer.nearest_many(sample_points)
    assert answers == _nearest_one_by_one(gazetteer, sample_points)
    assert answers[-1] is None and sum(a is None for a in answers) == 1


def _city(geonameid: int, latitude: float, longitude: float, zone: str, code: str = "ES") -> dict[str, object]:
    return {"geonameid": geonameid, "name": f"Place {geonameid}", "latitude": latitude, "longitude": longitude,
            "countrycode": code, "population": 1000, "timezone": zone, "admin1code": "", "alternatenames": []}


@pytest.fixture
def crafted(tmp_path):
    """A gazetteer of places set where the first box around a point misleads: read nearest() exactly."""
    import json

    from speakout_map.places.gazetteer import GazetteerGeocoder
    from speakout_map.places.gazetteer_index import ensure_index

    cities = [
        # Around (0, 0): the only place in the first box is in its corner, a nearer one is just beyond its edge.
        _city(1, 0.0199, 0.0199, "Corner/Zone"), _city(2, 0.0205, 0.0, "Beyond/Zone"),
        # Around (30, 30): more places in the first box than nearest() reads.
        *(_city(100 + n, 30.0 + 0.015 * math.sin(n), 30.0 + 0.015 * math.cos(n), f"Crowd/Zone{n}") for n in range(80)),
        # By the antimeridian: the nearest across it.
        _city(3, -16.9, 179.999, "Pacific/Fiji", "FJ"), _city(4, -16.9, -179.985, "Pacific/Other", "FJ"),
    ]
    source = tmp_path / "cities.json"
    source.write_text(json.dumps({str(c["geonameid"]): c for c in cities}), encoding="utf-8")
    geocoder = GazetteerGeocoder(ensure_index(tmp_path / "cache", source=source))
    yield geocoder
    geocoder.close()


def test_nearest_many_reads_exactly_as_nearest_where_the_first_box_misleads(crafted, monkeypatch):
    es = frozenset({"ES"})
    points = [(0.0, 0.0, es), (30.0, 30.0, es), (30.001, 29.999, None), (-16.9, -179.999, frozenset({"FJ"})),
              (45.0, 45.0, es), (0.001, 0.0, es)]
    expected = _nearest_one_by_one(crafted, points)
    asked = []
    nearest = crafted.nearest
    monkeypatch.setattr(crafted, "nearest", lambda *args, **kwargs: asked.append(args[:2]) or nearest(*args, **kwargs))
    assert crafted.nearest_many(points) == expected
    assert expected[0][1].timezone == "Beyond/Zone"  # not the corner's, the only place in the first box
    assert expected[3][1].timezone == "Pacific/Fiji" and expected[5][1].geonameid == 2
    # The corner, the crowd, the point of any country, the antimeridian's and the far one were asked one by one;
    # the point by the place beyond the edge was settled in the batch.
    assert asked == [(0.0, 0.0), (30.0, 30.0), (30.001, 29.999), (-16.9, -179.999), (45.0, 45.0)]


def test_nearest_many_asks_one_query_for_many_points_near_places(gazetteer, monkeypatch):
    rows = _index_rows(gazetteer, "SELECT latitude, longitude, country_code FROM cities WHERE geonameid % 97 = 0 "
                                  "AND abs(longitude) < 170 LIMIT 1200")
    points = [(latitude + 0.001, longitude - 0.001, frozenset({code})) for latitude, longitude, code in rows]
    queries = _counting_fetch(gazetteer, monkeypatch)
    answers = gazetteer.nearest_many(points)
    assert all(answer is not None and answer[0] < 0.3 for answer in answers)
    assert len(queries) <= math.ceil(len(points) / CHUNK) + len(points) // 50  # a few points asked by themselves


# --- a campaign's file: the gazetteer asked in a few queries, the same places -----------------------------


def test_a_big_batch_is_placed_in_a_few_queries_as_one_event_at_a_time_would_be(gazetteer, monkeypatch):
    rows = _index_rows(gazetteer, "SELECT name, country_code, latitude, longitude FROM cities "
                                  "WHERE population >= 1000 AND geonameid % 37 = 0 LIMIT 900")
    rng = random.Random(9)
    events = []
    for row, (name, code, latitude, longitude) in enumerate(rng.choices(rows, k=1500), start=2):
        city = rng.choice((name, name.upper(), f" {name.lower()} ", "Qwertyville"))
        if rng.random() < 0.4:  # a venue in town, now and then one further out
            jitter = 0.003 if rng.random() < 0.9 else 0.05
            events.append(event(city, code, row, latitude + rng.uniform(-jitter, jitter),
                                longitude + rng.uniform(-jitter, jitter)))
        else:
            events.append(event(city, rng.choice((code, code, "XX")), row))
    queries = _counting_fetch(gazetteer, monkeypatch)
    placing = place_events(events, gazetteer)
    # Not one or more per distinct city and point (well over 1,000): a few batches, and the points far from
    # any place, which nearest() searches one by one.
    assert len(queries) < len(events) // 10
    monkeypatch.undo()

    expected_placed, expected_problems = [], []
    for each in events:
        if each.has_coordinates:
            zone = _timezone_near(gazetteer, each.latitude, each.longitude, each.country_code)
            expected_placed.append((each.row, Place(each.city, each.country_code, each.latitude, each.longitude, zone,
                                                    "csv")))
            continue
        try:
            expected_placed.append((each.row, locate(each.city, each.country_code, gazetteer)))
        except (PlaceNotFoundError, UnknownCountryError) as error:
            expected_problems.append((each.row, str(error)))
    assert [(p.event.row, p.place) for p in placing.placed] == expected_placed
    assert [(p.row, p.message) for p in placing.problems] == expected_problems
    assert len(placing.placed) > 1000 and len(placing.problems) > 100  # unknown cities and countries among them
