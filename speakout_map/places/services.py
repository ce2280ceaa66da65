"""Online geocoding services: setting up a geopy service, and saying how one failed.

* :func:`make_service` builds the geopy geocoder named by the settings,
  passing only the settings that service takes (and refusing those it does
  not, with a SettingsError that names the setting).
* :func:`takes_structured_query` says whether a service is sent the
  structured place ``{"city": ..., "country": ISO code}`` rather than text.
* :func:`describe_failure` turns a geopy or network error into a short
  :class:`~speakout_map.languages.message.Message` that says what went
  wrong and what to do (organisers see it on their page).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

from geopy import exc as geopy_exc
from geopy.adapters import BaseAdapter, RequestsAdapter, URLLibAdapter
from geopy.geocoders import Nominatim, get_geocoder_for_service
from geopy.geocoders.base import Geocoder

from speakout_map.errors import SettingsError
from speakout_map.languages.message import Message, Text, msg
from speakout_map.settings import Settings

#: Names geopy services give their credential parameter, tried in order.
_KEY_PARAMETERS = ("api_key", "apikey", "subscription_key")


def service_class(name: str) -> type[Geocoder]:
    """The geopy geocoder class of a service name, or SettingsError."""
    try:
        return get_geocoder_for_service(name.strip())
    except geopy_exc.GeocoderNotFound:
        from geopy.geocoders import SERVICE_TO_GEOCODER

        raise SettingsError(
            f"setting geocoder_service is {name!r}, which is not a geopy geocoding service; "
            f"use one of: {', '.join(sorted(SERVICE_TO_GEOCODER))}"
        ) from None


def service_kwargs(cls: type[Geocoder], settings: Settings) -> dict[str, object]:
    """Constructor arguments for a geopy class from the settings (only those it takes)."""
    params = inspect.signature(cls.__init__).parameters
    name = settings.geocoder_service
    kwargs: dict[str, object] = {"user_agent": settings.geocoder_user_agent, "timeout": settings.geocoder_timeout}
    for setting, param in (("geocoder_domain", "domain"), ("geocoder_scheme", "scheme")):
        value = getattr(settings, setting)
        if not value:
            continue
        if param not in params:
            raise SettingsError(f"setting {setting} is set, but the {name} geocoder takes no {param}; leave it empty")
        kwargs[param] = value
    key_param = next((p for p in _KEY_PARAMETERS if p in params), None)
    if key_param is None and "username" in params and params["username"].default is inspect.Parameter.empty:
        key_param = "username"  # GeoNames identifies accounts by user name
    if settings.geocoder_api_key:
        if key_param is None:
            raise SettingsError(f"setting geocoder_api_key is set, but the {name} geocoder takes no API key; leave it empty")
        kwargs[key_param] = settings.geocoder_api_key
    missing = [
        p.name
        for p in params.values()
        if p.name != "self"
        and p.default is inspect.Parameter.empty
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        and p.name not in kwargs
    ]
    if missing:
        hint = {"domain": "geocoder_domain", key_param: "geocoder_api_key"}
        needs = ", ".join(f"{m} (setting {hint[m]})" if m in hint else m for m in missing)
        raise SettingsError(f"the {name} geocoder needs {needs}; set it, or choose another geocoder_service")
    return kwargs


def no_retry_adapter(*, proxies, ssl_context) -> BaseAdapter:
    """geopy's HTTP adapter without transport-level retries.

    geopy's default requests adapter lets urllib3 retry, which for a 429 or
    503 with a Retry-After header means sleeping for as long as the server
    asks (minutes or hours) inside one page load, and turns a read timeout
    into an opaque "max retries exceeded". Retries are the RateLimiter's job.
    """
    if RequestsAdapter.is_available:
        return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)
    return URLLibAdapter(proxies=proxies, ssl_context=ssl_context)  # pragma: no cover - requests is installed


def make_service(settings: Settings) -> Geocoder:
    """The geopy service named by ``settings.geocoder_service``, configured from settings."""
    cls = service_class(settings.geocoder_service)
    kwargs = service_kwargs(cls, settings)
    if "adapter_factory" in inspect.signature(cls.__init__).parameters:
        kwargs["adapter_factory"] = no_retry_adapter
    try:
        return cls(**kwargs)
    except (geopy_exc.ConfigurationError, TypeError, ValueError) as exc:
        raise SettingsError(f"the {settings.geocoder_service} geocoder cannot be set up from the settings: {exc}") from exc


#: Parts of transport errors' texts, and the short cause they mean.
_KNOWN_CAUSES: tuple[tuple[str, Message], ...] = (
    ("connection refused", msg("connection refused")),
    ("failed to resolve", msg("host name not found")),
    ("name or service not known", msg("host name not found")),
    ("nodename nor servname", msg("host name not found")),
    ("certificate verify failed", msg("TLS certificate not trusted")),
    ("timed out", msg("timed out")),
)


#: A URL's query string, where services take their API key ("...?q=Madrid&key=SECRET").
_QUERY_STRING = re.compile(r"\?[^\s'\"()<>]*")


def _cause(error: BaseException, limit: int = 160) -> Text:
    """A short form of a transport error (requests' messages run to hundreds of characters).

    A known cause is a Message (translated when shown); any other is the
    error's own text, cut short. Query strings are cut from any address in
    it, so an API key sent in the query never reaches a message (organisers
    see these on the page).
    """
    text = _QUERY_STRING.sub("?…", str(error)) or type(error).__name__
    lowered = text.lower()
    for needle, short in _KNOWN_CAUSES:
        if needle in lowered:
            return short
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_failure(error: BaseException, service: Text) -> Message:
    """What went wrong with an online geocoder, and what to do, as a message.

    ``service`` names the service (see :func:`service_label`); the error's
    own words and the setting names stay as they are in every language.
    """
    cause = _cause(error)
    if isinstance(error, geopy_exc.GeocoderTimedOut):
        # Translators: {service} is a geocoding service, e.g. "nominatim at nominatim.openstreetmap.org"; {cause} why.
        return msg("the online geocoder {service} did not answer in time ({cause}); try again later",
                   service=service, cause=cause)
    if isinstance(error, geopy_exc.GeocoderRateLimited):
        if error.retry_after:
            # Translators: {service} is a geocoding service; {seconds:g} how long it asked us to wait, in seconds.
            return msg("the online geocoder {service} refused the request because too many were sent "
                       "(rate limited for {seconds:g} s); try again later, or raise the setting geocoder_min_delay",
                       service=service, seconds=error.retry_after)
        # Translators: {service} is a geocoding service, e.g. "nominatim at nominatim.openstreetmap.org".
        return msg("the online geocoder {service} refused the request because too many were sent (rate limited); "
                   "try again later, or raise the setting geocoder_min_delay", service=service)
    if isinstance(error, geopy_exc.GeocoderQuotaExceeded):
        # Translators: {service} is a geocoding service; {cause} the reason it gave, often in English.
        return msg("the online geocoder {service} says the account's quota is used up ({cause}); try again later",
                   service=service, cause=cause)
    if isinstance(error, (geopy_exc.GeocoderAuthenticationFailure, geopy_exc.GeocoderInsufficientPrivileges)):
        # Translators: {service} is a geocoding service; {cause} the reason it gave, often in English.
        return msg("the online geocoder {service} rejected our credentials ({cause}); "
                   "check the setting geocoder_api_key", service=service, cause=cause)
    if isinstance(error, geopy_exc.GeocoderUnavailable):
        # Translators: {service} is a geocoding service; {cause} why it could not be reached, often in English.
        return msg("the online geocoder {service} could not be reached ({cause}); "
                   "check the network and the setting geocoder_domain, or try again later",
                   service=service, cause=cause)
    if isinstance(error, geopy_exc.GeocoderParseError):
        # Translators: {service} is a geocoding service; {cause} the reader's complaint, in English.
        return msg("the online geocoder {service} sent an answer that could not be read ({cause}); try again later",
                   service=service, cause=cause)
    if isinstance(error, OSError):
        # Translators: {service} is a geocoding service; {cause} why it could not be reached, often in English.
        return msg("the online geocoder {service} could not be reached ({cause}); "
                   "check the network, or try again later", service=service, cause=cause)
    # Translators: {service} is a geocoding service; {cause} the error it gave, often in English.
    return msg("the online geocoder {service} failed ({cause}); try again later", service=service, cause=cause)


def service_label(service: Geocoder, name: str) -> Text:
    """How messages name a service: "nominatim at nominatim.example.org", or its name alone."""
    domain = getattr(service, "domain", "")
    if isinstance(domain, str) and domain:
        # Translators: a geocoding service's name and the host it is reached at: "nominatim at nominatim.example.org".
        return msg("{name} at {host}", name=name, host=domain)
    return name


def accepts(function: Callable[..., object], parameter: str) -> bool:
    """True if ``function`` takes a keyword argument ``parameter`` (by name or **kwargs)."""
    try:
        params = inspect.signature(function).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return False
    return parameter in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


#: Services sent the structured place as geopy's dict query: their ``city`` and
#: ``country`` fields take a city name and an ISO alpha-2 code (Nominatim, and
#: the services built on it). Other services (whose structured fields differ,
#: or want other country codes) get the "City, Country" text.
STRUCTURED_QUERY_SERVICES: tuple[type[Geocoder], ...] = (Nominatim,)


def takes_structured_query(service: Geocoder) -> bool:
    """True if ``service`` is sent {"city": ..., "country": code} rather than text."""
    return isinstance(service, STRUCTURED_QUERY_SERVICES)
