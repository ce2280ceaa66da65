"""Online geocoding services: setting up a geopy service, and saying how one failed.

* :func:`make_service` builds the geopy geocoder named by the settings,
  passing only the settings that service takes (and refusing those it does
  not, with a SettingsError that names the setting).
* :func:`takes_structured_query` says whether a service is sent the
  structured place ``{"city": ..., "country": ISO code}`` rather than text.
* :func:`describe_failure` turns a geopy or network error into a short
  message that says what went wrong and what to do.
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


_KNOWN_CAUSES = (
    ("connection refused", "connection refused"),
    ("failed to resolve", "host name not found"),
    ("name or service not known", "host name not found"),
    ("nodename nor servname", "host name not found"),
    ("certificate verify failed", "TLS certificate not trusted"),
    ("timed out", "timed out"),
)


#: A URL's query string, where services take their API key ("...?q=Madrid&key=SECRET").
_QUERY_STRING = re.compile(r"\?[^\s'\"()<>]*")


def _cause(error: BaseException, limit: int = 160) -> str:
    """A short form of a transport error (requests' messages run to hundreds of characters).

    Query strings are cut from any address in it, so an API key sent in the
    query never reaches a message (organisers see these on the page).
    """
    text = _QUERY_STRING.sub("?…", str(error)) or type(error).__name__
    lowered = text.lower()
    for needle, short in _KNOWN_CAUSES:
        if needle in lowered:
            return short
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_failure(error: BaseException, service: str) -> str:
    """What went wrong with an online geocoder, and what to do, in words."""
    error_text = _cause(error)
    if isinstance(error, geopy_exc.GeocoderTimedOut):
        return f"the online geocoder {service} did not answer in time ({error_text}); try again later"
    if isinstance(error, geopy_exc.GeocoderRateLimited):
        wait = f" for {error.retry_after:g} s" if error.retry_after else ""
        return (
            f"the online geocoder {service} refused the request because too many were sent (rate limited{wait}); "
            "try again later, or raise the setting geocoder_min_delay"
        )
    if isinstance(error, geopy_exc.GeocoderQuotaExceeded):
        return f"the online geocoder {service} says the account's quota is used up ({error_text}); try again later"
    if isinstance(error, (geopy_exc.GeocoderAuthenticationFailure, geopy_exc.GeocoderInsufficientPrivileges)):
        return f"the online geocoder {service} rejected our credentials ({error_text}); check the setting geocoder_api_key"
    if isinstance(error, geopy_exc.GeocoderUnavailable):
        return (
            f"the online geocoder {service} could not be reached ({error_text}); "
            "check the network and the setting geocoder_domain, or try again later"
        )
    if isinstance(error, geopy_exc.GeocoderParseError):
        return f"the online geocoder {service} sent an answer that could not be read ({error_text}); try again later"
    if isinstance(error, OSError):
        return f"the online geocoder {service} could not be reached ({error_text}); check the network, or try again later"
    return f"the online geocoder {service} failed ({error_text}); try again later"


def service_label(service: Geocoder, name: str) -> str:
    """How messages name a service: "nominatim at nominatim.example.org", or its name alone."""
    domain = getattr(service, "domain", "")
    return f"{name} at {domain}" if isinstance(domain, str) and domain else name


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
