"""Placing events: locate, place_events, geocode_query, on one road from a row to a marker.

Every geocoder is asked for the structured place {"city": ..., "country": ISO
code}; the online path uses the fake Nominatim of ``tests/places_support.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from speakout_map.errors import PlaceNotFoundError, UnknownCountryError
from speakout_map.events.model import Event
from speakout_map.events.reading import parse_events_text, read_events_file
from speakout_map.places.chain import GeocoderChain
from speakout_map.places.gazetteer import GazetteerGeocoder
from speakout_map.places.place import Place
from speakout_map.places.placing import Placing, geocode_query, locate, place_events
from speakout_map.settings import PROJECT_ROOT
from tests.i18n_support import fake_translator
from tests.places_support import make_online

DAY = dt.date(2013, 9, 3)


def event(city: str, country: str, row: int, latitude: float | None = None, longitude: float | None = None) -> Event:
    return Event(city=city, country_code=country, date=DAY, row=row, latitude=latitude, longitude=longitude)


# --- locate with the gazetteer ----------------------------------------------------------


@pytest.mark.parametrize(
    ("city", "country", "name", "lat", "lon", "tz"),
    [
        ("Valencia", "ES", "Valencia", 39.47, -0.38, "Europe/Madrid"),
        ("Valencia", "VE", "Valencia", 10.16, -68.00, "America/Caracas"),
        ("London", "CA", "London", 42.98, -81.23, "America/Toronto"),
        ("Naples", "US", "Naples", 26.14, -81.79, "America/New_York"),
        ("Córdoba", "Argentina", "Córdoba", -31.41, -64.18, "America/Argentina/Cordoba"),
        ("Mexico DF", "MX", "Mexico City", 19.43, -99.13, "America/Mexico_City"),
        ("New York", "US", "New York City", 40.71, -74.01, "America/New_York"),
        ("La Paz", "BO", "La Paz", -16.50, -68.15, "America/La_Paz"),
        ("goteborg", "SE", "Gothenburg", 57.71, 11.97, "Europe/Stockholm"),
    ],
)
def test_locate_with_the_gazetteer(gazetteer, city, country, name, lat, lon, tz):
    place = locate(city, country, gazetteer)
    assert isinstance(place, Place)
    assert (place.name, place.timezone, place.source) == (name, tz, "gazetteer")
    assert place.latitude == pytest.approx(lat, abs=0.3) and place.longitude == pytest.approx(lon, abs=0.3)


@pytest.mark.parametrize(("city", "country"), [("Qwertyville", "ES"), ("Madrid", "AR"), ("", "ES"), ("   ", "GB")])
def test_locate_unknown_place_raises_place_not_found(gazetteer, city, country):
    with pytest.raises(PlaceNotFoundError) as info:
        locate(city, country, gazetteer)
    if city.strip():
        assert city in str(info.value) and "latitude and longitude" in str(info.value)


@pytest.mark.parametrize("country", ["XX", "Narnia", ""])
def test_locate_unknown_country_raises(gazetteer, country):
    with pytest.raises(UnknownCountryError):
        locate("Madrid", country, gazetteer)


# --- geocode_query (CLI) --------------------------------------------------------------------


def test_geocode_query_answers(gazetteer):
    answer = geocode_query("Valencia, Spain", gazetteer)
    assert set(answer) == {"query", "name", "country_code", "latitude", "longitude", "timezone", "source"}
    assert (answer["query"], answer["country_code"], answer["timezone"]) == ("Valencia, Spain", "ES", "Europe/Madrid")
    assert geocode_query("Valencia, VE", gazetteer)["country_code"] == "VE"
    assert geocode_query("Nueva York, USA", gazetteer)["name"] == "New York City"
    assert geocode_query("London", gazetteer)["country_code"] == "GB"  # bare city: most populous


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("Qwertyville, Spain", "could not be found in Spain"),
        ("Madrid, Narnia", "not a country"),
        ("Springfield, Illinois", "not a country"),
        ("Qwertyville", "could not be found"),
        ("", "nothing to look up"),
    ],
)
def test_geocode_query_errors(gazetteer, query, words):
    answer = geocode_query(query, gazetteer)
    assert set(answer) == {"query", "error"}
    assert words in answer["error"]


# --- place_events -------------------------------------------------------------------------


def test_all_seed_events_are_placed(gazetteer):
    result = read_events_file(PROJECT_ROOT / "data" / "events.csv")
    assert result.ok and len(result.events) == 19
    placing = place_events(result.events, gazetteer)
    placed, problems = placing.placed, placing.problems
    assert problems == () and placing.online_failure is None
    assert [p.event for p in placed] == list(result.events)
    assert all(p.place.source == "gazetteer" and p.place.timezone for p in placed)


def test_place_events_uses_csv_coordinates(gazetteer):
    events = [
        event("Madrid", "ES", 2, 40.4, -3.7),
        event("Qwertyville", "ES", 3, 28.1, -15.4),  # unknown name, Gran Canaria coordinates
        event("Somewhere", "ES", 4, 0.0, -30.0),  # mid-Atlantic: nearest place in Spain is far, still placed
    ]
    placing = place_events(events, gazetteer)
    placed, problems = placing.placed, placing.problems
    assert problems == ()
    places = [p.place for p in placed]
    assert [(p.latitude, p.longitude, p.source) for p in places] == [(40.4, -3.7, "csv"), (28.1, -15.4, "csv"), (0.0, -30.0, "csv")]
    assert [p.name for p in places] == ["Madrid", "Qwertyville", "Somewhere"]
    assert [p.timezone for p in places[:2]] == ["Europe/Madrid", "Atlantic/Canary"]
    assert places[2].timezone.startswith(("Atlantic/", "Europe/"))


def test_unplaceable_events_become_problems_with_row_and_column(gazetteer):
    events = [event("Madrid", "ES", 2), event("Qwertyville", "ES", 3), event("Dublin", "IE", 4), event("Narniaburg", "GB", 5)]
    placing = place_events(events, gazetteer)
    placed, problems = placing.placed, placing.problems
    assert [p.event.row for p in placed] == [2, 4]
    assert [(p.row, p.column) for p in problems] == [(3, "city"), (5, "city")]
    assert "'Qwertyville' could not be found in Spain" in problems[0].message
    assert "United Kingdom" in problems[1].message
    assert "check the spelling" in problems[0].message and "latitude and longitude" in problems[0].message
    assert len(placed) + len(problems) == len(events)  # nothing dropped


def test_event_with_a_bad_country_code_is_a_problem_not_a_crash(gazetteer):
    placing = place_events([event("Madrid", "XX", 7)], gazetteer)
    placed, problems = placing.placed, placing.problems
    assert placed == () and [(p.row, p.column) for p in problems] == [(7, "country")]


class CountingGeocoder(GazetteerGeocoder):
    def __init__(self, index: Path) -> None:
        super().__init__(index)
        self.calls: list[str] = []

    def geocode(self, query, **kwargs):
        self.calls.append(query)
        return super().geocode(query, **kwargs)

    def geocode_many(self, places):
        self.calls.extend(place.as_query() for place in places)
        return super().geocode_many(places)


def test_identical_queries_are_looked_up_once(gazetteer_index):
    counting = CountingGeocoder(gazetteer_index)
    events = [event("Asunción", "PY", 2), event("asuncion", "PY", 3), event("ASUNCIÓN ", "PY", 4), event("Valencia", "VE", 5),
              event("Qwertyville", "ES", 6), event("qwertyville", "ES", 7)]
    placing = place_events(events, counting)
    placed, problems = placing.placed, placing.problems
    # Asunción PY, Valencia VE, Qwertyville ES (not found, and not asked again)
    assert counting.calls == [{"city": "Asunción", "country": "PY"}, {"city": "Valencia", "country": "VE"},
                              {"city": "Qwertyville", "country": "ES"}]
    assert [p.event.row for p in placed] == [2, 3, 4, 5]
    assert placed[0].place == placed[1].place == placed[2].place
    assert [(p.row, p.column) for p in problems] == [(6, "city"), (7, "city")]
    counting.close()


def test_online_success_gives_place_with_gazetteer_timezone(chain, nominatim):
    place = locate("Xyzzyville", "ES", chain)
    assert place == Place("Xyzzyville", "ES", 40.2, -3.6, "Europe/Madrid", "nominatim")
    assert len(nominatim.requests) == 1
    sent = nominatim.requests[0]
    assert "q" not in sent  # the structured place, not a text to parse back
    assert (sent["city"], sent["country"]) == (["Xyzzyville"], ["ES"])
    assert sent["countrycodes"] == ["es"]


def test_not_found_online_is_place_not_found(chain, nominatim):
    with pytest.raises(PlaceNotFoundError, match="'Plughville' could not be found in Spain"):
        locate("Plughville", "ES", chain)
    assert len(nominatim.requests) == 1


def test_cache_hit_makes_no_request_and_persists(gazetteer, nominatim, tmp_path):
    first = GeocoderChain(gazetteer, [make_online(nominatim, tmp_path)])
    assert locate("Xyzzyville", "ES", first).latitude == 40.2
    assert locate("xyzzyville", "Spain", first).latitude == 40.2
    with pytest.raises(PlaceNotFoundError):
        locate("Plughville", "ES", first)
    with pytest.raises(PlaceNotFoundError):
        locate("Plughville", "ES", first)
    assert len(nominatim.requests) == 2
    again = GeocoderChain(gazetteer, [make_online(nominatim, tmp_path)])  # a new process, same cache file
    assert locate("Xyzzyville", "ES", again) == locate("Xyzzyville", "ES", first)
    with pytest.raises(PlaceNotFoundError):
        locate("Plughville", "ES", again)
    assert len(nominatim.requests) == 2


def test_place_events_turns_online_failure_into_problems(gazetteer, nominatim, tmp_path):
    nominatim.statuses = [500, 500, 500]
    chain = GeocoderChain(gazetteer, [make_online(nominatim, tmp_path)])
    events = [event("Madrid", "ES", 2), event("Xyzzyville", "ES", 3), event("Plughville", "ES", 4), event("Dublin", "IE", 5)]
    placing = place_events(events, chain)
    placed, problems = placing.placed, placing.problems
    assert [p.event.row for p in placed] == [2, 5]
    assert [(p.row, p.column) for p in problems] == [(3, "city"), (4, "city")]
    for problem in problems:
        assert "is not in the offline gazetteer, and the online geocoder nominatim at 127.0.0.1" in problem.message
        assert "failed" in problem.message
        assert problem.message.endswith("try again later, or add latitude and longitude")
    assert len(nominatim.requests) == 1  # after one failure the batch stops asking
    assert placing.online_failure is not None
    online_failure = str(placing.online_failure)
    assert "the online geocoder nominatim at 127.0.0.1" in online_failure and "failed" in online_failure


def test_place_events_online_success_and_csv_mix(chain, nominatim):
    events = [event("Xyzzyville", "ES", 2), event("Madrid", "ES", 3), event("Xyzzyville", "ES", 4), event("Qwertyville", "ES", 5, 40.0, -3.5)]
    placing = place_events(events, chain)
    placed, problems = placing.placed, placing.problems
    assert problems == () and placing.online_failure is None
    assert [p.place.source for p in placed] == ["nominatim", "gazetteer", "nominatim", "csv"]
    assert len(nominatim.requests) == 1



# --- one road: what the geocoder is asked ---------------------------------------------------


class RecordingGeocoder(GazetteerGeocoder):
    """The gazetteer, recording each query it is given."""

    def __init__(self, index: Path) -> None:
        super().__init__(index)
        self.queries: list[object] = []

    def geocode(self, query, **kwargs):
        self.queries.append(query)
        return super().geocode(query, **kwargs)

    def geocode_many(self, places):
        self.queries.extend(place.as_query() for place in places)
        return super().geocode_many(places)


@pytest.fixture
def recording(gazetteer_index):
    geocoder = RecordingGeocoder(gazetteer_index)
    yield geocoder
    geocoder.close()


@pytest.mark.parametrize(
    ("ask", "query"),
    [
        (lambda g: place_events([event("Valencia", "ES", 2)], g), {"city": "Valencia", "country": "ES"}),
        (lambda g: place_events([event(" Pristina ", "XK", 2)], g), {"city": "Pristina", "country": "XK"}),
        (lambda g: locate("Córdoba", "Argentina", g), {"city": "Córdoba", "country": "AR"}),
        (lambda g: locate("Valencia", "ve", g), {"city": "Valencia", "country": "VE"}),
        (lambda g: geocode_query("Valencia, Spain", g), {"city": "Valencia", "country": "ES"}),
        (lambda g: geocode_query("  Nueva York , USA ", g), {"city": "Nueva York", "country": "US"}),
        (lambda g: geocode_query("London", g), {"city": "London"}),
    ],
)
def test_geocoders_receive_the_structured_place(recording, ask, query):
    ask(recording)
    assert recording.queries == [query]


@pytest.mark.parametrize(
    ("ask", "error"),
    [
        (lambda g: locate("Madrid", "Narnia", g), UnknownCountryError),
        (lambda g: locate("  ", "ES", g), PlaceNotFoundError),
        (lambda g: geocode_query("Madrid, Narnia", g), None),
        (lambda g: geocode_query("", g), None),
    ],
)
def test_nothing_is_asked_for_a_bad_query(recording, ask, error):
    if error is None:
        assert "error" in ask(recording)
    else:
        with pytest.raises(error):
            ask(recording)
    assert recording.queries == []


def test_placing_is_a_frozen_result(gazetteer):
    placing = place_events([event("Madrid", "ES", 2), event("Qwertyville", "ES", 3)], gazetteer)
    assert isinstance(placing, Placing)
    assert (len(placing.placed), len(placing.problems), placing.online_failure) == (1, 1, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        placing.online_failure = "changed"  # type: ignore[misc]


# --- Kosovo -------------------------------------------------------------------------------


@pytest.mark.parametrize("country", ["Kosovo", "XK", "XKX", "kosovo"])
def test_a_pristina_row_validates_and_is_placed_in_kosovo(gazetteer, country):
    result = parse_events_text(f"city,country,date\nPristina,{country},2030-05-01\n")
    assert result.ok and result.errors == ()
    [pristina] = result.events
    assert pristina.country_code == "XK"
    placing = place_events(result.events, gazetteer)
    assert placing.problems == ()
    [placed] = placing.placed
    assert (placed.place.name, placed.place.country_code, placed.place.timezone) == ("Pristina", "XK", "Europe/Belgrade")
    assert placed.place.latitude == pytest.approx(42.67, abs=0.05)
    assert placed.place.longitude == pytest.approx(21.17, abs=0.05)


def test_kosovo_from_the_command_line(gazetteer):
    answer = geocode_query("Pristina, Kosovo", gazetteer)
    assert (answer["name"], answer["country_code"]) == ("Pristina", "XK")
    assert "could not be found in Kosovo" in geocode_query("Qwertyville, XK", gazetteer)["error"]


# --- the problems in the reader's language ---------------------------------------------------------

NOT_FOUND_IN = ("{city!r} could not be found in {country}; "
                "check the spelling of the city and country, or add latitude and longitude")
SPANISH = fake_translator({
    NOT_FOUND_IN: "no se encontró {city!r} en {country}; revise la ciudad y el país, o añada latitud y longitud",
    "{city!r} could not be found; check the spelling, or add the country after a comma (e.g. Valencia, Spain)":
        "no se encontró {city!r}; revise cómo está escrito, o añada el país tras una coma (p. ej. Valencia, España)",
    "no city given; write the city's name": "falta la ciudad; escriba su nombre",
    "{city!r} ({country}) is not in the offline gazetteer, and {failure}, or add latitude and longitude":
        "{city!r} ({country}) no está en el nomenclátor sin conexión, y {failure}, o añada latitud y longitud",
    "the online geocoder {service} failed ({cause}); try again later":
        "el geocodificador en línea {service} falló ({cause}); inténtelo más tarde",
    "{name} at {host}": "{name} en {host}",
})


@pytest.mark.parametrize(("city", "country", "spanish"), [
    ("Narniaburg", "GB", "no se encontró 'Narniaburg' en Reino Unido; revise la ciudad y el país, o añada latitud y "
                         "longitud"),
    ("Qwertyville", "ES", "no se encontró 'Qwertyville' en España; revise la ciudad y el país, o añada latitud y "
                          "longitud"),
])
def test_a_place_not_found_is_told_in_the_readers_language_with_the_country_named_there(gazetteer, city, country,
                                                                                          spanish):
    (problem,) = place_events([event(city, country, 7)], gazetteer).problems
    assert (problem.row, problem.column) == (7, "city")
    assert SPANISH.text(problem.text) == spanish
    assert problem.message.startswith(f"{city!r} could not be found in ")  # the English, for the CLI and the logs


@pytest.mark.parametrize(("make", "spanish"), [
    (lambda g: locate("  ", "ES", g), "falta la ciudad; escriba su nombre"),
    (lambda g: locate("Qwertyville", "United Kingdom", g),
     "no se encontró 'Qwertyville' en Reino Unido; revise la ciudad y el país, o añada latitud y longitud"),
])
def test_place_not_found_errors_are_messages(gazetteer, make, spanish):
    with pytest.raises(PlaceNotFoundError) as caught:
        make(gazetteer)
    assert SPANISH.text(caught.value.text) == spanish


def test_a_place_not_found_without_a_country_is_a_message(gazetteer):
    from speakout_map.places.placing import not_found_message

    assert SPANISH.text(not_found_message("Atlantis", None)).startswith("no se encontró 'Atlantis'; revise")
    assert str(not_found_message("Atlantis", None)).startswith("'Atlantis' could not be found; check the spelling")


def test_the_online_failure_problem_nests_the_failure_in_the_readers_language(gazetteer, nominatim, tmp_path):
    nominatim.statuses = [500, 500, 500]
    chain = GeocoderChain(gazetteer, [make_online(nominatim, tmp_path)])
    placing = place_events([event("Xyzzyville", "GB", 3), event("Plughville", "IE", 4)], chain)
    first, second = (SPANISH.text(p.text) for p in placing.problems)
    assert first.startswith("'Xyzzyville' (Reino Unido) no está en el nomenclátor sin conexión, y el geocodificador "
                            "en línea nominatim en 127.0.0.1:")
    assert "falló (" in first and first.endswith("inténtelo más tarde, o añada latitud y longitud")
    assert second.startswith("'Plughville' (Irlanda) no está en el nomenclátor")
    assert SPANISH.text(placing.online_failure).startswith("el geocodificador en línea nominatim en 127.0.0.1:")


def test_an_unknown_country_problem_is_a_message(gazetteer):
    spanish = fake_translator({"{written!r} is not a country we recognise; write its English name (e.g. Spain) or "
                               "its two-letter ISO code (e.g. ES)": "{written!r} no es un país que conozcamos; escriba "
                               "su nombre o su código ISO de dos letras (p. ej. ES)"})
    (problem,) = place_events([event("Madrid", "Narnia", 9)], gazetteer).problems
    assert (problem.row, problem.column) == (9, "country")
    assert spanish.text(problem.text) == "'Narnia' no es un país que conozcamos; escriba su nombre o su código ISO " \
                                         "de dos letras (p. ej. ES)"


@pytest.mark.parametrize(("country", "lat", "lon"), [
    ("ES", 40.4168, -3.7038), ("ES", 28.1, -15.43), ("US", 47.6, -122.3), ("US", 40.71, -74.0),
    ("FJ", -16.9, -179.99), ("", 0.0, -30.0), ("PT", 38.72, -27.22),
])
def test_coordinates_get_the_time_zone_of_the_nearest_place_as_reverse_finds_it(gazetteer, country, lat, lon):
    events = [event(f"Spot {n}", country, n, lat, lon) for n in range(2, 5)]
    placing = place_events(events, gazetteer)
    nearest = gazetteer.reverse((lat, lon), country_codes=country) if country else None
    nearest = nearest or gazetteer.reverse((lat, lon))
    assert {p.place.timezone for p in placing.placed} == {nearest.raw["timezone"]}
    assert [p.place.name for p in placing.placed] == ["Spot 2", "Spot 3", "Spot 4"]


def test_a_point_met_again_is_looked_up_once(gazetteer, monkeypatch):
    calls, batches = [], []
    nearest, nearest_many = gazetteer.nearest, gazetteer.nearest_many
    monkeypatch.setattr(gazetteer, "nearest",
                        lambda *args, **kwargs: calls.append(args[:2]) or nearest(*args, **kwargs))
    monkeypatch.setattr(gazetteer, "nearest_many", lambda points: batches.append(points) or nearest_many(points))
    events = [event("A", "ES", 2, 40.0, -3.0), event("B", "ES", 3, 40.0, -3.0), event("C", "ES", 4, 41.0, 2.0)]
    placing = place_events(events, gazetteer)
    es = frozenset({"ES"})
    assert len(placing.placed) == 3 and batches == [[(40.0, -3.0, es), (41.0, 2.0, es)]]
    assert len(calls) == len(set(calls)) <= 2  # the batch's points it did not settle in one query, each once
    assert placing.placed[0].place.timezone == placing.placed[1].place.timezone == "Europe/Madrid"
