"""The online geocoder: a geopy service behind a rate limiter and an answer cache.

:class:`OnlineGeocoder` follows geopy's ``geocode`` interface, so it can sit
in a :class:`speakout_map.places.chain.GeocoderChain` behind the gazetteer.
Asked for a structured place (``{"city": ..., "country": ISO code}``), it
passes the place on as geopy's dict query to services that take one (see
:func:`speakout_map.places.services.takes_structured_query`), and sends the
others the "City, Country" text made by :meth:`PlaceQuery.as_text`. A text
query goes to the service as it is.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

from geopy import exc as geopy_exc
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from speakout_map.errors import GeocoderUnavailableError
from speakout_map.places.caches import (
    CachedAnswer,
    GeocodeCache,
    MemoryGeocodeCache,
    cache_key,
    location_from_dict,
    location_to_dict,
)
from speakout_map.places.gazetteer import OfflineAdapter
from speakout_map.places.query import PlaceQuery, normalise_codes
from speakout_map.places.services import accepts, describe_failure, service_label, takes_structured_query

#: "Not found" answers are asked again after this long (places get added).
NEGATIVE_TTL_SECONDS = 7 * 24 * 3600.0
#: Retries of a failed online request (timeouts, 5xx, 429) before giving up.
DEFAULT_MAX_RETRIES = 1
#: Seconds to wait before such a retry (at least the minimum delay).
DEFAULT_ERROR_WAIT_SECONDS = 2.0


class OnlineGeocoder(Geocoder):
    """A geopy service behind a rate limiter and a persistent answer cache.

    Follows geopy's ``geocode`` interface. Every failure of the service is
    raised as :class:`GeocoderUnavailableError` with a readable message.
    The countries searched (a structured query's country, or
    ``country_codes``) are passed on to services that take ``country_codes``
    (Nominatim) and always form part of the cache key.
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
        self._takes_country_codes = accepts(service.geocode, "country_codes")
        self._takes_structured = takes_structured_query(service)

    def __repr__(self) -> str:
        return f"OnlineGeocoder({str(service_label(self.service, self.source_name))!r})"

    def _fresh(self, answer: CachedAnswer | None) -> bool:
        if answer is None:
            return False
        return answer.found or self.clock() - answer.stored_at < self.negative_ttl

    def geocode(
        self,
        query: str | Mapping[str, object],
        *,
        exactly_one: bool = True,
        timeout=DEFAULT_SENTINEL,
        country_codes: str | Iterable[str] | None = None,
    ) -> Location | list[Location] | None:
        """Ask the service (or the cache) for ``query``; None if not found.

        ``query`` is a structured place {"city": ..., "country": code or name}
        or a text. The best match only is asked for and cached; with
        ``exactly_one=False`` it comes back as a one-item list.
        """
        if isinstance(query, Mapping):
            place = PlaceQuery.from_query(query)
            text, codes = place.as_text(), place.countries(country_codes)
            if codes is not None and not codes:
                return None  # the place's country is not among country_codes
            request: str | dict[str, str] = place.as_query() if self._takes_structured else text
        else:
            text, codes = str(query), normalise_codes(country_codes)
            request = text
        key = cache_key(self.source_name, text, codes)
        answer = self.cache.get(key)
        if not self._fresh(answer):
            found = self._ask(request, codes, timeout)
            answer = CachedAnswer(None if found is None else location_to_dict(found), self.clock())
            self.cache.put(key, answer)
        assert answer is not None
        if answer.location is None:
            return None
        location = location_from_dict(answer.location)
        return location if exactly_one else [location]

    def _ask(self, request: str | dict[str, str], codes: frozenset[str] | None, timeout) -> Location | None:
        kwargs: dict[str, object] = {"exactly_one": True}
        if timeout is not DEFAULT_SENTINEL:
            kwargs["timeout"] = timeout
        if codes and self._takes_country_codes:
            kwargs["country_codes"] = sorted(code.lower() for code in codes)
        try:
            found = self.rate_limiter(request, **kwargs)
        except (geopy_exc.GeopyError, OSError) as error:
            raise GeocoderUnavailableError(describe_failure(error, service_label(self.service, self.source_name))) from error
        if isinstance(found, list):
            found = found[0] if found else None
        return found

    def reverse(self, query, *, exactly_one: bool = True, timeout=DEFAULT_SENTINEL):
        """Not cached or rate limited here; the app uses the gazetteer's reverse."""
        raise NotImplementedError("reverse geocoding online is not used; use the gazetteer's reverse()")
