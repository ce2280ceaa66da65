"""Putting events on the map.

Places come from the offline gazetteer (:mod:`speakout_map.places.gazetteer`) and,
when ``settings.geocoder_online`` is on, from any geopy service for the places
the gazetteer lacks. Everything here follows geopy's ``geocode`` interface, so
the gazetteer, a geopy service and the chain of both are interchangeable.

* :func:`build_geocoder` makes the geocoder the settings ask for.
* :func:`locate` turns a city and a country code into a :class:`Place`.
* :func:`place_events` places a batch of events and reports, row by row,
  what could not be placed; no event is ever dropped silently.
* :func:`geocode_query` answers a "City, Country" text (for the CLI).

Online answers, including "not found", are kept in a small persistent cache
(:class:`SQLiteGeocodeCache`) so a place is asked for once; the cache sits
behind the two-method :class:`GeocodeCache` interface so it can move elsewhere.
"""

from __future__ import annotations

import inspect
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from geopy import exc as geopy_exc
from geopy.adapters import BaseAdapter, RequestsAdapter, URLLibAdapter
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from speakout_map.places.countries import country_name, normalise_name, resolve_country
from speakout_map.errors import (
    GeocoderUnavailableError,
    GeocodingError,
    PlaceNotFoundError,
    SettingsError,
    UnknownCountryError,
)
from speakout_map.events.model import Event, Problem
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.places.gazetteer import (
    GazetteerGeocoder,
    OfflineAdapter,
    ensure_index,
    index_path,
    normalise_codes,
)
from speakout_map.settings import Settings

log = logging.getLogger(__name__)

ONLINE_CACHE_FILE = "online-geocoder-cache-v1.sqlite3"
#: "Not found" answers are asked again after this long (places get added).
NEGATIVE_TTL_SECONDS = 7 * 24 * 3600.0
#: Retries of a failed online request (timeouts, 5xx, 429) before giving up.
DEFAULT_MAX_RETRIES = 1
#: Seconds to wait before such a retry (at least the minimum delay).
DEFAULT_ERROR_WAIT_SECONDS = 2.0
CSV_SOURCE = "csv"


# --- the online answer cache -------------------------------------------------


@dataclass(frozen=True)
class CachedAnswer:
    """What an online service answered for one query; ``location`` None means "not found"."""

    location: Mapping[str, object] | None
    stored_at: float

    @property
    def found(self) -> bool:
        return self.location is not None


class GeocodeCache(Protocol):
    """Where online answers are kept, by normalised query key."""

    def get(self, key: str) -> CachedAnswer | None: ...

    def put(self, key: str, answer: CachedAnswer) -> None: ...


class MemoryGeocodeCache:
    """A GeocodeCache in a dict (for tests and one-off runs)."""

    def __init__(self) -> None:
        self._answers: dict[str, CachedAnswer] = {}

    def get(self, key: str) -> CachedAnswer | None:
        return self._answers.get(key)

    def put(self, key: str, answer: CachedAnswer) -> None:
        self._answers[key] = answer

    def __len__(self) -> int:
        return len(self._answers)


class SQLiteGeocodeCache:
    """A GeocodeCache in a small SQLite file; shared by threads and processes.

    A cache that cannot be read or written is logged and behaves as empty:
    losing it costs a lookup, never a failure.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10.0)
        conn.execute(
            "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, location TEXT, stored_at REAL NOT NULL)"
        )
        return conn

    def get(self, key: str) -> CachedAnswer | None:
        try:
            conn = self._connect()
            try:
                row = conn.execute("SELECT location, stored_at FROM answers WHERE key = ?", (key,)).fetchone()
            finally:
                conn.close()
            if row is None:
                return None
            return CachedAnswer(None if row[0] is None else json.loads(row[0]), float(row[1]))
        except (OSError, sqlite3.Error, ValueError) as exc:
            log.warning("online geocoder cache %s unreadable (%s); asking the service", self.path, exc)
            return None

    def put(self, key: str, answer: CachedAnswer) -> None:
        location = None if answer.location is None else json.dumps(answer.location, default=str)
        try:
            conn = self._connect()
            try:
                with conn:
                    conn.execute(
                        "INSERT OR REPLACE INTO answers (key, location, stored_at) VALUES (?, ?, ?)",
                        (key, location, answer.stored_at),
                    )
            finally:
                conn.close()
        except (OSError, sqlite3.Error) as exc:
            log.warning("online geocoder cache %s not writable (%s); the answer is not kept", self.path, exc)


def cache_key(service: str, query: str, country_codes: frozenset[str] | None) -> str:
    """The cache key of one online query: service, normalised text, countries."""
    return f"{service.lower()}|{normalise_name(query)}|{','.join(sorted(country_codes or ()))}"


def location_to_dict(location: Location) -> dict[str, object]:
    return {
        "address": location.address,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "raw": location.raw if isinstance(location.raw, Mapping) else {},
    }


def location_from_dict(data: Mapping[str, object]) -> Location:
    point = Point(float(data["latitude"]), float(data["longitude"]))  # type: ignore[arg-type]
    return Location(str(data.get("address") or ""), point, dict(data.get("raw") or {}))  # type: ignore[arg-type]


# --- online services -----------------------------------------------------------

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


def _cause(error: BaseException, limit: int = 160) -> str:
    """A short form of a transport error (requests' messages run to hundreds of characters)."""
    text = str(error) or type(error).__name__
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


def _service_label(service: Geocoder, name: str) -> str:
    domain = getattr(service, "domain", "")
    return f"{name} at {domain}" if isinstance(domain, str) and domain else name


def _accepts(function: Callable[..., object], parameter: str) -> bool:
    try:
        params = inspect.signature(function).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return False
    return parameter in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


class OnlineGeocoder(Geocoder):
    """A geopy service behind a rate limiter and a persistent answer cache.

    Follows geopy's ``geocode`` interface. Every failure of the service is
    raised as :class:`GeocoderUnavailableError` with a readable message.
    ``country_codes`` is passed on to services that take it (Nominatim) and
    always forms part of the cache key.
    """

    def __init__(
        self,
        service: Geocoder,
        *,
        name: str | None = None,
        cache: GeocodeCache | None = None,
        min_delay: float = 1.0,
        max_retries: int = DEFAULT_MAX_RETRIES,
        error_wait: float = DEFAULT_ERROR_WAIT_SECONDS,
        negative_ttl: float = NEGATIVE_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(adapter_factory=lambda **kwargs: OfflineAdapter(**kwargs))
        self.service = service
        self.source_name = (name or type(service).__name__).lower()
        self.cache: GeocodeCache = cache if cache is not None else MemoryGeocodeCache()
        self.negative_ttl = negative_ttl
        self.clock = clock
        self.rate_limiter = RateLimiter(
            service.geocode,
            min_delay_seconds=min_delay,
            max_retries=max_retries,
            error_wait_seconds=max(min_delay, error_wait),
            swallow_exceptions=False,
        )
        self._takes_country_codes = _accepts(service.geocode, "country_codes")

    def __repr__(self) -> str:
        return f"OnlineGeocoder({_service_label(self.service, self.source_name)!r})"

    def _fresh(self, answer: CachedAnswer | None) -> bool:
        if answer is None:
            return False
        return answer.found or self.clock() - answer.stored_at < self.negative_ttl

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout=DEFAULT_SENTINEL,
        country_codes: str | Iterable[str] | None = None,
    ) -> Location | list[Location] | None:
        """Ask the service (or the cache) for ``query``; None if not found.

        The best match only is asked for and cached; with ``exactly_one=False``
        it comes back as a one-item list.
        """
        codes = normalise_codes(country_codes)
        key = cache_key(self.source_name, str(query), codes)
        answer = self.cache.get(key)
        if not self._fresh(answer):
            found = self._ask(str(query), codes, timeout)
            answer = CachedAnswer(None if found is None else location_to_dict(found), self.clock())
            self.cache.put(key, answer)
        assert answer is not None
        if answer.location is None:
            return None
        location = location_from_dict(answer.location)
        return location if exactly_one else [location]

    def _ask(self, query: str, codes: frozenset[str] | None, timeout) -> Location | None:
        kwargs: dict[str, object] = {"exactly_one": True}
        if timeout is not DEFAULT_SENTINEL:
            kwargs["timeout"] = timeout
        if codes and self._takes_country_codes:
            kwargs["country_codes"] = sorted(code.lower() for code in codes)
        try:
            found = self.rate_limiter(query, **kwargs)
        except (geopy_exc.GeopyError, OSError) as error:
            raise GeocoderUnavailableError(describe_failure(error, _service_label(self.service, self.source_name))) from error
        if isinstance(found, list):
            found = found[0] if found else None
        return found

    def reverse(self, query, *, exactly_one: bool = True, timeout=DEFAULT_SENTINEL):
        """Not cached or rate limited here; the app uses the gazetteer's reverse."""
        raise NotImplementedError("reverse geocoding online is not used; use the gazetteer's reverse()")


class GeocoderChain(Geocoder):
    """The gazetteer first, then each online geocoder, with geopy's interface."""

    def __init__(self, gazetteer: GazetteerGeocoder, online: Sequence[Geocoder]) -> None:
        super().__init__(adapter_factory=lambda **kwargs: OfflineAdapter(**kwargs))
        self.gazetteer = gazetteer
        self.online = tuple(online)
        self.source_name = "+".join([gazetteer.source_name, *(source_of(g) for g in self.online)])

    def __repr__(self) -> str:
        return f"GeocoderChain({self.gazetteer!r}, {list(self.online)!r})"

    @property
    def geocoders(self) -> tuple[Geocoder, ...]:
        return (self.gazetteer, *self.online)

    def geocode_tagged(
        self, query: str, *, country_codes: str | Iterable[str] | None = None, timeout=DEFAULT_SENTINEL
    ) -> tuple[Location, str] | None:
        """The first geocoder's answer and that geocoder's source name, or None."""
        for geocoder in self.geocoders:
            found = call_geocode(geocoder, query, country_codes=country_codes, timeout=timeout)
            if found is not None:
                return found, source_of(geocoder)
        return None

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout=DEFAULT_SENTINEL,
        country_codes: str | Iterable[str] | None = None,
    ) -> Location | list[Location] | None:
        for geocoder in self.geocoders:
            found = call_geocode(geocoder, query, exactly_one=exactly_one, country_codes=country_codes, timeout=timeout)
            if found is not None and found != []:
                return found
        return None

    def reverse(self, query, *, exactly_one: bool = True, timeout=DEFAULT_SENTINEL, **kwargs):
        return self.gazetteer.reverse(query, exactly_one=exactly_one, **kwargs)

    def without_online(self) -> GazetteerGeocoder:
        return self.gazetteer


def source_of(geocoder: Geocoder) -> str:
    """The Place.source name of answers from ``geocoder``."""
    return str(getattr(geocoder, "source_name", "") or type(geocoder).__name__.lower())


def call_geocode(
    geocoder: Geocoder,
    query: str,
    *,
    exactly_one: bool = True,
    country_codes: str | Iterable[str] | None = None,
    timeout=DEFAULT_SENTINEL,
):
    """``geocoder.geocode`` with the options it takes; geopy errors become GeocoderUnavailableError."""
    kwargs: dict[str, object] = {"exactly_one": exactly_one}
    if timeout is not DEFAULT_SENTINEL:
        kwargs["timeout"] = timeout
    if country_codes is not None and _accepts(geocoder.geocode, "country_codes"):
        kwargs["country_codes"] = country_codes
    try:
        return geocoder.geocode(query, **kwargs)
    except (geopy_exc.GeopyError, OSError) as error:
        raise GeocoderUnavailableError(describe_failure(error, source_of(geocoder))) from error


def gazetteer_of(geocoder: Geocoder) -> GazetteerGeocoder | None:
    """The gazetteer inside ``geocoder`` (itself, or a chain's), if any."""
    if isinstance(geocoder, GazetteerGeocoder):
        return geocoder
    found = getattr(geocoder, "gazetteer", None)
    return found if isinstance(found, GazetteerGeocoder) else None


def build_geocoder(settings: Settings, cache: GeocodeCache | None = None) -> Geocoder:
    """The gazetteer alone, or (geocoder_online) the gazetteer then the online service.

    The online service's answers are kept in ``cache`` (e.g. the event
    store's, shared by every app server), else in an SQLite file in
    ``settings.cache_dir``. Raises SettingsError for a service the settings
    cannot configure and GazetteerError if the gazetteer index cannot be
    built or opened.
    """
    service = make_service(settings) if settings.geocoder_online else None
    gazetteer = GazetteerGeocoder(ensure_index(settings.cache_dir))
    if service is None:
        return gazetteer
    online = OnlineGeocoder(
        service,
        name=settings.geocoder_service,
        cache=cache if cache is not None else SQLiteGeocodeCache(Path(settings.cache_dir) / ONLINE_CACHE_FILE),
        min_delay=settings.geocoder_min_delay,
    )
    return GeocoderChain(gazetteer, [online])


# --- places ------------------------------------------------------------------


def _timezone_near(gazetteer: GazetteerGeocoder | None, latitude: float, longitude: float, country_code: str) -> str:
    """Time zone of the nearest gazetteer place in the country (else anywhere), "" if none."""
    if gazetteer is None:
        return ""
    nearest = gazetteer.reverse((latitude, longitude), country_codes=country_code) if country_code else None
    if nearest is None:
        nearest = gazetteer.reverse((latitude, longitude))
    return "" if nearest is None else str(nearest.raw.get("timezone") or "")


def _country_near(gazetteer: GazetteerGeocoder | None, latitude: float, longitude: float) -> str:
    if gazetteer is None:
        return ""
    nearest = gazetteer.reverse((latitude, longitude))
    return "" if nearest is None else str(nearest.raw.get("country_code") or "")


def _online_name(location: Location, fallback: str) -> str:
    raw = location.raw if isinstance(location.raw, Mapping) else {}
    name = raw.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    first = (location.address or "").split(",")[0].strip()
    return first or fallback


def place_from_location(
    location: Location, source: str, country_code: str | None, gazetteer: GazetteerGeocoder | None, city: str
) -> Place:
    """A Place from a geocoder's answer; online answers get their time zone from the gazetteer."""
    raw = location.raw if isinstance(location.raw, Mapping) else {}
    if source == GazetteerGeocoder.source_name and "geonameid" in raw:
        return Place(
            name=str(raw["name"]),
            country_code=str(raw["country_code"]),
            latitude=location.latitude,
            longitude=location.longitude,
            timezone=str(raw.get("timezone") or ""),
            source=source,
        )
    code = country_code or _country_near(gazetteer, location.latitude, location.longitude)
    return Place(
        name=_online_name(location, city),
        country_code=code,
        latitude=location.latitude,
        longitude=location.longitude,
        timezone=_timezone_near(gazetteer, location.latitude, location.longitude, code),
        source=source,
    )


def _geocode_tagged(geocoder: Geocoder, query: str, country_code: str | None) -> tuple[Location, str] | None:
    codes = country_code or None
    if isinstance(geocoder, GeocoderChain):
        return geocoder.geocode_tagged(query, country_codes=codes)
    found = call_geocode(geocoder, query, country_codes=codes)
    if isinstance(found, list):
        found = found[0] if found else None
    return None if found is None else (found, source_of(geocoder))


def not_found_message(city: str, country_code: str | None) -> str:
    if country_code:
        return (
            f"{city!r} could not be found in {country_name(country_code)}; "
            "check the spelling of the city and country, or add latitude and longitude"
        )
    return f"{city!r} could not be found; check the spelling, or add the country after a comma (e.g. Valencia, Spain)"


def _locate(city: str, country_code: str | None, geocoder: Geocoder) -> Place:
    name = city.strip()
    if not name:
        raise PlaceNotFoundError("no city given; write the city's name")
    query = f"{name}, {country_name(country_code)}" if country_code else name
    found = _geocode_tagged(geocoder, query, country_code)
    if found is None:
        raise PlaceNotFoundError(not_found_message(name, country_code))
    location, source = found
    return place_from_location(location, source, country_code, gazetteer_of(geocoder), name)


def locate(city: str, country_code: str, geocoder: Geocoder) -> Place:
    """Where ``city`` in ``country_code`` (ISO code or country name) is.

    Raises PlaceNotFoundError if no geocoder knows it, UnknownCountryError for
    an unknown country, GeocoderUnavailableError if an online service failed.
    """
    return _locate(city, resolve_country(country_code), geocoder)


def _placed_at_coordinates(event: Event, gazetteer: GazetteerGeocoder | None) -> Place:
    assert event.latitude is not None and event.longitude is not None
    return Place(
        name=event.city,
        country_code=event.country_code,
        latitude=event.latitude,
        longitude=event.longitude,
        timezone=_timezone_near(gazetteer, event.latitude, event.longitude, event.country_code),
        source=CSV_SOURCE,
    )


def _online_failure_message(event: Event, error: GeocoderUnavailableError) -> str:
    where = country_name(event.country_code) if event.country_code else "its country"
    return f"{event.city!r} ({where}) is not in the offline gazetteer, and {error}, or add latitude and longitude"


def place_events(
    events: Iterable[Event],
    geocoder: Geocoder,
    *,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = 50,
    online_failures: list[GeocoderUnavailableError] | None = None,
) -> tuple[tuple[PlacedEvent, ...], tuple[Problem, ...]]:
    """Place every event; each one that cannot be placed gives a Problem for its row.

    Events with latitude and longitude are placed there (source "csv").
    Identical city/country queries are looked up once. After the first
    online failure the rest of the batch uses the gazetteer only, so a dead
    service costs one timeout rather than one per row. ``progress`` is called
    with (done, total) at the start, every ``progress_every`` events and at
    the end; the online failure, if any, is appended to ``online_failures``.
    """
    events = tuple(events)
    gazetteer = gazetteer_of(geocoder)
    active = geocoder
    online_failure: GeocoderUnavailableError | None = None
    memo: dict[tuple[str, str], Place | GeocodingError | UnknownCountryError] = {}
    placed: list[PlacedEvent] = []
    problems: list[Problem] = []
    if progress:
        progress(0, len(events))
    for done, event in enumerate(events, start=1):
        if progress and done > 1 and (done - 1) % max(1, progress_every) == 0:
            progress(done - 1, len(events))
        if event.has_coordinates:
            placed.append(PlacedEvent(event, _placed_at_coordinates(event, gazetteer)))
            continue
        key = (normalise_name(event.city), event.country_code)
        if key not in memo:
            try:
                memo[key] = locate(event.city, event.country_code, active)
            except GeocoderUnavailableError as error:
                memo[key] = error
                if isinstance(active, GeocoderChain):
                    online_failure, active = error, active.without_online()
                    if online_failures is not None:
                        online_failures.append(error)
            except PlaceNotFoundError as error:
                memo[key] = online_failure if online_failure is not None else error
            except UnknownCountryError as error:
                memo[key] = error
        result = memo[key]
        if isinstance(result, Place):
            placed.append(PlacedEvent(event, result))
        elif isinstance(result, GeocoderUnavailableError):
            problems.append(Problem(event.row, "city", _online_failure_message(event, result)))
        elif isinstance(result, UnknownCountryError):
            problems.append(Problem(event.row, "country", str(result)))
        else:
            problems.append(Problem(event.row, "city", str(result)))
    if progress and events:
        progress(len(events), len(events))
    return tuple(placed), tuple(problems)


def geocode_query(text: str, geocoder: Geocoder) -> dict[str, object]:
    """Answer "City, Country" (country after the last comma) or "City", for the CLI.

    Returns query, name, country_code, latitude, longitude, timezone and
    source; or query and error.
    """
    query = text.strip()
    head, comma, tail = query.rpartition(",")
    try:
        if not query:
            raise PlaceNotFoundError("nothing to look up; write a city, or City, Country")
        if comma:
            city, code = head.strip(), resolve_country(tail.strip())
        else:
            city, code = query, None
        place = _locate(city, code, geocoder)
    except (GeocodingError, UnknownCountryError) as error:
        return {"query": text, "error": str(error)}
    return {
        "query": text,
        "name": place.name,
        "country_code": place.country_code,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "timezone": place.timezone,
        "source": place.source,
    }


__all__ = [
    "CachedAnswer",
    "GazetteerGeocoder",
    "GeocodeCache",
    "GeocoderChain",
    "MemoryGeocodeCache",
    "OnlineGeocoder",
    "SQLiteGeocodeCache",
    "build_geocoder",
    "cache_key",
    "ensure_index",
    "geocode_query",
    "index_path",
    "locate",
    "make_service",
    "place_events",
]
