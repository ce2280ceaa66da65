"""The online geocoder: structured or text requests, rate limiting, retries, failures, its cache.

The online service is a fake Nominatim on 127.0.0.1 (a thread running
http.server); nothing here talks to a public host. The fake and its helpers
(``make_online``, ``closed_port``) live in tests/places_support.py, the
``nominatim`` fixture in tests/conftest.py.
"""

from __future__ import annotations

import pytest
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from speakout_map.errors import GeocoderUnavailableError, UnknownCountryError
from speakout_map.places.caches import MemoryGeocodeCache, SQLiteGeocodeCache
from speakout_map.places.online import OnlineGeocoder
from speakout_map.places.services import make_service
from tests.places_support import closed_port, make_online, online_settings


# --- what the service is asked ----------------------------------------------------


def test_structured_place_goes_to_nominatim_as_a_structured_query(nominatim, tmp_path):
    online = make_online(nominatim, tmp_path)
    assert online.geocode({"city": "Xyzzyville", "country": "ES"}).latitude == 40.2
    [sent] = nominatim.requests
    assert "q" not in sent
    assert (sent["city"], sent["country"], sent["countrycodes"]) == (["Xyzzyville"], ["ES"], ["es"])


def test_text_query_goes_to_nominatim_as_it_is(nominatim, tmp_path):
    online = make_online(nominatim, tmp_path)
    assert online.geocode("Xyzzyville, Spain").latitude == 40.2
    [sent] = nominatim.requests
    assert sent["q"] == ["Xyzzyville, Spain"] and "city" not in sent and "countrycodes" not in sent


class RecordingService(Geocoder):
    """A geopy service that takes no structured query; records what it is asked."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[object, dict]] = []

    def geocode(self, query, *, exactly_one=True, timeout=None):
        self.asked.append((query, {"exactly_one": exactly_one}))
        return Location("Somewhere", Point(1.0, 2.0), {"name": "Somewhere"})


class RecordingNominatim(Nominatim):
    """Nominatim's class (so it takes structured queries), answering without a network."""

    def __init__(self) -> None:
        super().__init__(user_agent="speakout-map-tests/1 (no network)")
        self.asked: list[tuple[object, dict]] = []

    def geocode(self, query, **kwargs):
        self.asked.append((query, kwargs))
        return Location("Somewhere", Point(1.0, 2.0), {"name": "Somewhere"})


@pytest.mark.parametrize(
    ("query", "structured_request", "text_request"),
    [
        ({"city": "Valencia", "country": "ES"}, {"city": "Valencia", "country": "ES"}, "Valencia, Spain"),
        ({"city": "Valencia", "country": "Venezuela"}, {"city": "Valencia", "country": "VE"}, "Valencia, Venezuela"),
        ({"city": " Pristina ", "country": "xkx"}, {"city": "Pristina", "country": "XK"}, "Pristina, Kosovo"),
        ({"city": "London"}, {"city": "London"}, "London"),
        ("Valencia, Spain", "Valencia, Spain", "Valencia, Spain"),
    ],
)
def test_each_service_gets_the_query_form_it_takes(query, structured_request, text_request):
    structured, plain = RecordingNominatim(), RecordingService()
    for service, expected in ((structured, structured_request), (plain, text_request)):
        online = OnlineGeocoder(service, name="test", min_delay=0.0, max_retries=0)
        assert online.geocode(query).latitude == 1.0
        assert [asked for asked, _ in service.asked] == [expected]
    codes = [kwargs.get("country_codes") for _, kwargs in structured.asked]
    country = structured_request.get("country") if isinstance(structured_request, dict) else None
    assert codes == [[country.lower()] if country else None]


def test_structured_and_text_queries_of_one_place_share_a_cache_entry():
    service = RecordingService()
    online = OnlineGeocoder(service, name="test", min_delay=0.0, max_retries=0, cache=MemoryGeocodeCache())
    online.geocode({"city": "Valencia", "country": "ES"})
    online.geocode({"city": "valencia", "country": "Spain"})
    assert len(service.asked) == 1 and len(online.cache) == 1


@pytest.mark.parametrize(
    ("query", "country_codes", "found"),
    [
        ({"city": "Valencia", "country": "ES"}, "es", True),
        ({"city": "Valencia", "country": "ES"}, ["VE", "ES"], True),
        ({"city": "Valencia", "country": "ES"}, "VE", False),  # the two disagree: nothing is asked
        ({"city": "Valencia"}, "VE", True),
    ],
)
def test_structured_country_and_country_codes_combine(query, country_codes, found):
    service = RecordingService()
    online = OnlineGeocoder(service, name="test", min_delay=0.0, max_retries=0)
    assert (online.geocode(query, country_codes=country_codes) is not None) is found
    assert len(service.asked) == int(found)


@pytest.mark.parametrize("country", ["Narnia", "XX", "Spai"])
def test_structured_query_with_an_unknown_country_raises(country):
    service = RecordingService()
    with pytest.raises(UnknownCountryError):
        OnlineGeocoder(service, name="test", min_delay=0.0, max_retries=0).geocode({"city": "Valencia", "country": country})
    assert service.asked == []


# --- answers kept, failures reported ----------------------------------------------


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
