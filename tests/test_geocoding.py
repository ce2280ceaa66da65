"""Placing events: locate, place_events, geocode_query, and the online path.

The online service is a fake Nominatim on 127.0.0.1 (a thread running
http.server); nothing here talks to a public host.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.geocoders import Nominatim, Photon

from speakout_map.places import geocoding
from speakout_map.errors import (
    GeocoderUnavailableError,
    PlaceNotFoundError,
    SettingsError,
    UnknownCountryError,
)
from speakout_map.events.model import Event
from speakout_map.places.place import Place
from speakout_map.events.reading import read_events_file
from speakout_map.places.gazetteer import GazetteerGeocoder
from speakout_map.places.geocoding import (
    CachedAnswer,
    GeocoderChain,
    MemoryGeocodeCache,
    OnlineGeocoder,
    SQLiteGeocodeCache,
    build_geocoder,
    cache_key,
    geocode_query,
    locate,
    make_service,
    place_events,
)
from speakout_map.settings import PROJECT_ROOT, Settings

DAY = dt.date(2013, 9, 3)


def event(city: str, country: str, row: int, latitude: float | None = None, longitude: float | None = None) -> Event:
    return Event(city=city, country_code=country, date=DAY, row=row, latitude=latitude, longitude=longitude)


# --- a fake Nominatim on loopback ------------------------------------------------


@dataclass
class FakeNominatim:
    """Answers /search like Nominatim (format=json); behaviour set per test."""

    port: int = 0
    places: dict[str, dict] = field(default_factory=dict)
    #: HTTP statuses to answer with, one per request, before answering normally.
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    requests: list[dict[str, list[str]]] = field(default_factory=list)

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    def add(self, name: str, lat: float, lon: float, display: str) -> None:
        self.places[name.casefold()] = {
            "place_id": len(self.places) + 1,
            "lat": str(lat),
            "lon": str(lon),
            "display_name": display,
            "name": name,
            "class": "place",
            "type": "town",
        }

    def answer(self, params: dict[str, list[str]]) -> tuple[int, object]:
        self.requests.append(params)
        if self.delay:
            time.sleep(self.delay)
        if self.statuses:
            status = self.statuses.pop(0)
            return status, {"error": f"status {status}"}
        city = params.get("q", [""])[0].split(",")[0].strip().casefold()
        found = self.places.get(city)
        return 200, [found] if found else []


@pytest.fixture
def nominatim(monkeypatch) -> Iterator[FakeNominatim]:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    fake = FakeNominatim()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            status, body = fake.answer(parse_qs(parts.query) if parts.path == "/search" else {})
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "30")
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.add("Xyzzyville", 40.2, -3.6, "Xyzzyville, Comunidad de Madrid, España")
    yield fake
    server.shutdown()
    server.server_close()


def online_settings(cache_dir: Path, domain: str, **changes) -> Settings:
    values = dict(
        cache_dir=cache_dir,
        geocoder_online=True,
        geocoder_service="nominatim",
        geocoder_domain=domain,
        geocoder_scheme="http",
        geocoder_timeout=2.0,
        geocoder_min_delay=0.0,
        geocoder_user_agent="speakout-map-tests/1 (loopback only)",
    )
    values.update(changes)
    return Settings(**values)


def make_online(fake: FakeNominatim, tmp_path: Path, *, timeout: float = 2.0, max_retries: int = 0, **kwargs) -> OnlineGeocoder:
    service = make_service(online_settings(tmp_path, fake.domain, geocoder_timeout=timeout))
    kwargs.setdefault("cache", SQLiteGeocodeCache(tmp_path / "online.sqlite3"))
    return OnlineGeocoder(service, name="nominatim", min_delay=0.0, max_retries=max_retries, **kwargs)


@pytest.fixture
def chain(gazetteer, nominatim, tmp_path) -> GeocoderChain:
    return GeocoderChain(gazetteer, [make_online(nominatim, tmp_path)])


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    placed, problems = place_events(result.events, gazetteer)
    assert problems == ()
    assert [p.event for p in placed] == list(result.events)
    assert all(p.place.source == "gazetteer" and p.place.timezone for p in placed)


def test_place_events_uses_csv_coordinates(gazetteer):
    events = [
        event("Madrid", "ES", 2, 40.4, -3.7),
        event("Qwertyville", "ES", 3, 28.1, -15.4),  # unknown name, Gran Canaria coordinates
        event("Somewhere", "ES", 4, 0.0, -30.0),  # mid-Atlantic: nearest place in Spain is far, still placed
    ]
    placed, problems = place_events(events, gazetteer)
    assert problems == ()
    places = [p.place for p in placed]
    assert [(p.latitude, p.longitude, p.source) for p in places] == [(40.4, -3.7, "csv"), (28.1, -15.4, "csv"), (0.0, -30.0, "csv")]
    assert [p.name for p in places] == ["Madrid", "Qwertyville", "Somewhere"]
    assert [p.timezone for p in places[:2]] == ["Europe/Madrid", "Atlantic/Canary"]
    assert places[2].timezone.startswith(("Atlantic/", "Europe/"))


def test_unplaceable_events_become_problems_with_row_and_column(gazetteer):
    events = [event("Madrid", "ES", 2), event("Qwertyville", "ES", 3), event("Dublin", "IE", 4), event("Narniaburg", "GB", 5)]
    placed, problems = place_events(events, gazetteer)
    assert [p.event.row for p in placed] == [2, 4]
    assert [(p.row, p.column) for p in problems] == [(3, "city"), (5, "city")]
    assert "'Qwertyville' could not be found in Spain" in problems[0].message
    assert "United Kingdom" in problems[1].message
    assert "check the spelling" in problems[0].message and "latitude and longitude" in problems[0].message
    assert len(placed) + len(problems) == len(events)  # nothing dropped


def test_event_with_a_bad_country_code_is_a_problem_not_a_crash(gazetteer):
    placed, problems = place_events([event("Madrid", "XX", 7)], gazetteer)
    assert placed == () and [(p.row, p.column) for p in problems] == [(7, "country")]


class CountingGeocoder(GazetteerGeocoder):
    def __init__(self, index: Path) -> None:
        super().__init__(index)
        self.calls: list[str] = []

    def geocode(self, query, **kwargs):
        self.calls.append(query)
        return super().geocode(query, **kwargs)


def test_identical_queries_are_looked_up_once(gazetteer_index):
    counting = CountingGeocoder(gazetteer_index)
    events = [event("Asunción", "PY", 2), event("asuncion", "PY", 3), event("ASUNCIÓN ", "PY", 4), event("Valencia", "VE", 5),
              event("Qwertyville", "ES", 6), event("qwertyville", "ES", 7)]
    placed, problems = place_events(events, counting)
    assert len(counting.calls) == 3  # Asunción PY, Valencia VE, Qwertyville ES
    assert [p.event.row for p in placed] == [2, 3, 4, 5]
    assert placed[0].place == placed[1].place == placed[2].place
    assert [(p.row, p.column) for p in problems] == [(6, "city"), (7, "city")]
    counting.close()


# --- the online path -------------------------------------------------------------------------


def test_online_success_gives_place_with_gazetteer_timezone(chain, nominatim):
    place = locate("Xyzzyville", "ES", chain)
    assert place == Place("Xyzzyville", "ES", 40.2, -3.6, "Europe/Madrid", "nominatim")
    assert len(nominatim.requests) == 1
    sent = nominatim.requests[0]
    assert sent["q"] == ["Xyzzyville, Spain"]
    assert sent["countrycodes"] == ["es"]


def test_gazetteer_hit_makes_no_request(chain, nominatim):
    assert locate("Madrid", "ES", chain).source == "gazetteer"
    assert chain.geocode("Valencia, VE").raw["country_code"] == "VE"
    assert nominatim.requests == []


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


def test_negative_answers_expire(nominatim, tmp_path):
    now = [1000.0]
    online = make_online(nominatim, tmp_path, negative_ttl=60.0, clock=lambda: now[0])
    assert online.geocode("Plughville, Spain") is None
    assert online.geocode("Plughville, Spain") is None
    assert len(nominatim.requests) == 1
    now[0] += 61.0
    nominatim.add("Plughville", 41.0, -4.0, "Plughville, España")
    assert online.geocode("Plughville, Spain").latitude == 41.0
    assert len(nominatim.requests) == 2


def test_cache_keys_separate_services_and_countries():
    assert cache_key("Nominatim", "Valencia,  Spain", None) == cache_key("nominatim", "valencia spain", None)
    assert cache_key("nominatim", "Valencia", frozenset({"ES"})) != cache_key("nominatim", "Valencia", frozenset({"VE"}))
    assert cache_key("nominatim", "Valencia", None) != cache_key("photon", "Valencia", None)


def test_cache_backends_are_interchangeable(tmp_path):
    for cache in (MemoryGeocodeCache(), SQLiteGeocodeCache(tmp_path / "c.sqlite3")):
        assert cache.get("k") is None
        cache.put("k", CachedAnswer({"address": "A", "latitude": 1.0, "longitude": 2.0, "raw": {"x": 1}}, 5.0))
        cache.put("n", CachedAnswer(None, 6.0))
        assert cache.get("k") == CachedAnswer({"address": "A", "latitude": 1.0, "longitude": 2.0, "raw": {"x": 1}}, 5.0)
        assert cache.get("n") == CachedAnswer(None, 6.0) and not cache.get("n").found


def test_broken_cache_file_costs_a_lookup_not_a_failure(nominatim, tmp_path):
    folder = tmp_path / "in-the-way"
    folder.mkdir()
    online = make_online(nominatim, tmp_path, cache=SQLiteGeocodeCache(folder))  # a folder, not a file
    assert online.geocode("Xyzzyville, Spain").latitude == 40.2
    assert online.geocode("Xyzzyville, Spain").latitude == 40.2
    assert len(nominatim.requests) == 2


@pytest.mark.parametrize(
    ("status", "words"),
    [(429, "rate limited"), (500, "failed"), (502, "failed"), (503, "did not answer in time"), (403, "credentials")],
)
def test_http_errors_become_geocoder_unavailable(nominatim, tmp_path, status, words):
    nominatim.statuses = [status]
    online = make_online(nominatim, tmp_path)
    with pytest.raises(GeocoderUnavailableError, match=words) as info:
        online.geocode("Xyzzyville, Spain")
    assert "nominatim at 127.0.0.1" in str(info.value)
    assert online.geocode("Xyzzyville, Spain").latitude == 40.2  # failures are not cached


def test_rate_limited_message_names_the_wait(nominatim, tmp_path):
    nominatim.statuses = [429]
    with pytest.raises(GeocoderUnavailableError, match="30 s"):
        make_online(nominatim, tmp_path).geocode("Xyzzyville, Spain")


def test_timeout_becomes_geocoder_unavailable(nominatim, tmp_path):
    nominatim.delay = 0.5
    online = make_online(nominatim, tmp_path, timeout=0.1)
    with pytest.raises(GeocoderUnavailableError, match="did not answer in time"):
        online.geocode("Xyzzyville, Spain")


def test_connection_refused_becomes_geocoder_unavailable(tmp_path):
    settings = online_settings(tmp_path, f"127.0.0.1:{closed_port()}")
    online = OnlineGeocoder(make_service(settings), name="nominatim", min_delay=0.0, max_retries=0)
    with pytest.raises(GeocoderUnavailableError, match=r"could not be reached \(connection refused\)"):
        online.geocode("Xyzzyville, Spain")


def test_retry_after_a_server_error(nominatim, tmp_path):
    nominatim.statuses = [500]
    online = make_online(nominatim, tmp_path, max_retries=1, error_wait=3.0)
    waits: list[float] = []
    online.rate_limiter._sleep = waits.append
    assert online.geocode("Xyzzyville, Spain").latitude == 40.2
    assert len(nominatim.requests) == 2
    assert waits == [3.0]


def test_rate_limiter_spaces_requests(nominatim, tmp_path):
    online = make_online(nominatim, tmp_path, cache=MemoryGeocodeCache())
    online.rate_limiter.min_delay_seconds = 0.2
    clock = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    online.rate_limiter._clock = lambda: clock[0]
    online.rate_limiter._sleep = sleep
    online.geocode("Xyzzyville, Spain")
    online.geocode("Plughville, Spain")  # at the same (fake) instant: must wait
    clock[0] += 1.0
    online.geocode("Quuxton, Spain")  # a second later: no wait
    assert len(nominatim.requests) == 3
    assert waits == [pytest.approx(0.2)]


def test_place_events_turns_online_failure_into_problems(gazetteer, nominatim, tmp_path):
    nominatim.statuses = [500, 500, 500]
    chain = GeocoderChain(gazetteer, [make_online(nominatim, tmp_path)])
    events = [event("Madrid", "ES", 2), event("Xyzzyville", "ES", 3), event("Plughville", "ES", 4), event("Dublin", "IE", 5)]
    placed, problems = place_events(events, chain)
    assert [p.event.row for p in placed] == [2, 5]
    assert [(p.row, p.column) for p in problems] == [(3, "city"), (4, "city")]
    for problem in problems:
        assert "is not in the offline gazetteer, and the online geocoder nominatim at 127.0.0.1" in problem.message
        assert "failed" in problem.message
        assert problem.message.endswith("try again later, or add latitude and longitude")
    assert len(nominatim.requests) == 1  # after one failure the batch stops asking


def test_place_events_online_success_and_csv_mix(chain, nominatim):
    events = [event("Xyzzyville", "ES", 2), event("Madrid", "ES", 3), event("Xyzzyville", "ES", 4), event("Qwertyville", "ES", 5, 40.0, -3.5)]
    placed, problems = place_events(events, chain)
    assert problems == ()
    assert [p.place.source for p in placed] == ["nominatim", "gazetteer", "nominatim", "csv"]
    assert len(nominatim.requests) == 1


def test_chain_follows_geopy_interface(chain, nominatim):
    assert chain.geocode("Xyzzyville, Spain", country_codes="es").latitude == 40.2
    assert chain.geocode("Madrid, Spain", exactly_one=False)[0].raw["name"] == "Madrid"
    assert chain.geocode("Plughville, Spain") is None
    assert chain.reverse((40.42, -3.70)).raw["timezone"] == "Europe/Madrid"


# --- build_geocoder and service settings ----------------------------------------------------


def test_build_geocoder_offline_by_default(gazetteer_index):
    geocoder = build_geocoder(Settings(cache_dir=gazetteer_index.parent))
    assert isinstance(geocoder, GazetteerGeocoder)
    geocoder.close()


def test_build_geocoder_online_chain(gazetteer_index, nominatim):
    settings = online_settings(gazetteer_index.parent, nominatim.domain)
    geocoder = build_geocoder(settings)
    assert isinstance(geocoder, GeocoderChain)
    online = geocoder.online[0]
    assert isinstance(online, OnlineGeocoder) and isinstance(online.service, Nominatim)
    assert online.service.domain == nominatim.domain and online.service.scheme == "http"
    assert online.service.headers["User-Agent"] == settings.geocoder_user_agent
    assert online.rate_limiter.min_delay_seconds == 0.0
    assert isinstance(online.cache, SQLiteGeocodeCache) and online.cache.path.parent == gazetteer_index.parent
    assert locate("Toronto", "CA", geocoder).source == "gazetteer"
    assert locate("Xyzzyville", "ES", geocoder).source == "nominatim"
    assert len(nominatim.requests) == 1


def test_make_service_passes_only_supported_settings(tmp_path):
    photon = make_service(Settings(cache_dir=tmp_path, geocoder_service="photon", geocoder_timeout=3.0))
    assert isinstance(photon, Photon) and photon.timeout == 3.0
    keyed = make_service(Settings(cache_dir=tmp_path, geocoder_service="opencage", geocoder_api_key="secret"))
    assert keyed.api_key == "secret"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"geocoder_service": "nosuchservice"}, "not a geopy geocoding service"),
        ({"geocoder_service": "opencage"}, "geocoder_api_key"),
        ({"geocoder_service": "pelias"}, "geocoder_domain"),
        ({"geocoder_service": "nominatim", "geocoder_api_key": "k"}, "takes no API key"),
        ({"geocoder_service": "baidu", "geocoder_domain": "x.example"}, "takes no domain"),
    ],
)
def test_unusable_service_settings_raise_settings_error(tmp_path, changes, words):
    settings = Settings(cache_dir=tmp_path / "never-built", geocoder_online=True, **changes)
    with pytest.raises(SettingsError, match=words):
        build_geocoder(settings)
    assert not (tmp_path / "never-built").exists()  # checked before the index is built


def test_library_never_imports_streamlit():
    import subprocess
    import sys

    code = "import sys, speakout_map.places.geocoding, speakout_map.places.gazetteer; assert 'streamlit' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_geocoding_module_exports():
    for name in ("build_geocoder", "locate", "place_events", "geocode_query", "ensure_index", "GazetteerGeocoder"):
        assert hasattr(geocoding, name)
