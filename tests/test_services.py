"""Setting up online services from the settings, and which of them take structured queries."""

from __future__ import annotations

import pytest
from geopy import exc as geopy_exc
from geopy.geocoders import Nominatim, OpenMapQuest, Photon, get_geocoder_for_service

from speakout_map.places.services import describe_failure, make_service, service_label, takes_structured_query
from speakout_map.settings import Settings
from tests.i18n_support import fake_translator


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
    message = str(describe_failure(error, "opencage"))
    assert "SECRET-KEY-123" not in message
    assert "?…" in message and "opencage" in message


SPANISH = fake_translator({
    "the online geocoder {service} could not be reached ({cause}); "
    "check the network and the setting geocoder_domain, or try again later":
        "no se pudo contactar con el geocodificador en línea {service} ({cause}); revise la red y el ajuste "
        "geocoder_domain, o inténtelo más tarde",
    "the online geocoder {service} did not answer in time ({cause}); try again later":
        "el geocodificador en línea {service} no respondió a tiempo ({cause}); inténtelo más tarde",
    "the online geocoder {service} refused the request because too many were sent (rate limited for {seconds:g} s); "
    "try again later, or raise the setting geocoder_min_delay":
        "el geocodificador en línea {service} rechazó la petición por exceso de peticiones (limitado durante "
        "{seconds:g} s); inténtelo más tarde, o aumente el ajuste geocoder_min_delay",
    "the online geocoder {service} failed ({cause}); try again later":
        "el geocodificador en línea {service} falló ({cause}); inténtelo más tarde",
    "connection refused": "conexión rechazada",
    "timed out": "tiempo agotado",
    "{name} at {host}": "{name} en {host}",
})


@pytest.mark.parametrize(("error", "spanish"), [
    (geopy_exc.GeocoderUnavailable("HTTPConnectionPool: [Errno 111] Connection refused"),
     "no se pudo contactar con el geocodificador en línea nominatim en geo.example.org (conexión rechazada); "
     "revise la red y el ajuste geocoder_domain, o inténtelo más tarde"),
    (geopy_exc.GeocoderTimedOut("Service timed out"),
     "el geocodificador en línea nominatim en geo.example.org no respondió a tiempo (tiempo agotado); "
     "inténtelo más tarde"),
    (geopy_exc.GeocoderRateLimited("429", retry_after=30),
     "el geocodificador en línea nominatim en geo.example.org rechazó la petición por exceso de peticiones "
     "(limitado durante 30 s); inténtelo más tarde, o aumente el ajuste geocoder_min_delay"),
    (geopy_exc.GeocoderServiceError("Internal error at /search?q=Madrid&key=SECRET-KEY-123"),
     "el geocodificador en línea nominatim en geo.example.org falló (Internal error at /search?…); "
     "inténtelo más tarde"),
])
def test_a_failure_reads_in_the_readers_language_with_the_service_and_host_as_they_are(error, spanish):
    label = service_label(Nominatim(user_agent="speakout-map-tests/1", domain="geo.example.org"), "nominatim")
    message = describe_failure(error, label)
    assert SPANISH.text(message) == spanish
    assert str(message).startswith("the online geocoder nominatim at geo.example.org ")
    assert "SECRET-KEY-123" not in SPANISH.text(message)


def test_a_service_without_a_host_is_named_alone():
    assert service_label(Photon(user_agent="speakout-map-tests/1", domain=""), "photon") == "photon"
