"""Setting up online services from the settings, and which of them take structured queries."""

from __future__ import annotations

import pytest
from geopy import exc as geopy_exc
from geopy.geocoders import Nominatim, OpenMapQuest, Photon, get_geocoder_for_service

from speakout_map.places.services import describe_failure, make_service, takes_structured_query
from speakout_map.settings import Settings


def test_make_service_passes_only_supported_settings(tmp_path):
    photon = make_service(Settings(cache_dir=tmp_path, geocoder_service="photon", geocoder_timeout=3.0))
    assert isinstance(photon, Photon) and photon.timeout == 3.0
    keyed = make_service(Settings(cache_dir=tmp_path, geocoder_service="opencage", geocoder_api_key="secret"))
    assert keyed.api_key == "secret"


@pytest.mark.parametrize(
    ("service", "structured"),
    [
        (Nominatim(user_agent="speakout-map-tests/1"), True),
        (OpenMapQuest(api_key="k", user_agent="speakout-map-tests/1"), True),  # built on Nominatim
        (Photon(user_agent="speakout-map-tests/1"), False),
        (get_geocoder_for_service("opencage")(api_key="k", user_agent="speakout-map-tests/1"), False),
    ],
)
def test_only_services_that_take_city_and_country_codes_get_structured_queries(service, structured):
    assert takes_structured_query(service) is structured


@pytest.mark.parametrize(
    "error",
    [
        geopy_exc.GeocoderServiceError("HTTPSConnectionPool(host='geo.example.org', port=443): Max retries exceeded "
                                       "with url: /search?q=Madrid&key=SECRET-KEY-123 (Caused by SSLError)"),
        geopy_exc.GeocoderUnavailable("503 for https://geo.example.org/v1/geocode?apikey=SECRET-KEY-123&q=x"),
        geopy_exc.GeocoderAuthenticationFailure("Invalid key at /geocode?key=SECRET-KEY-123"),
        OSError("GET https://geo.example.org/x?token=SECRET-KEY-123 failed"),
    ],
    ids=["requests", "unavailable", "authentication", "oserror"],
)
def test_a_failure_message_never_carries_a_key_sent_in_the_query(error):
    message = describe_failure(error, "opencage")
    assert "SECRET-KEY-123" not in message
    assert "?…" in message and "opencage" in message
