"""Setting up online services from the settings, and which of them take structured queries."""

from __future__ import annotations

import pytest
from geopy.geocoders import Nominatim, OpenMapQuest, Photon, get_geocoder_for_service

from speakout_map.places.services import make_service, takes_structured_query
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
