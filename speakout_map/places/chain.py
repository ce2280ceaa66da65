"""The geocoder the settings ask for: the gazetteer alone, or the gazetteer then an online service.

:class:`GeocoderChain` asks the offline gazetteer first and each online
geocoder after it, with geopy's interface, so code placing events does not
care which it was given. :func:`build_geocoder` makes the one the settings
ask for; :func:`call_geocode` calls any geocoder with the options it takes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from geopy import exc as geopy_exc
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from speakout_map.errors import GeocoderUnavailableError
from speakout_map.places.caches import ONLINE_CACHE_FILE, GeocodeCache, SQLiteGeocodeCache
from speakout_map.places.gazetteer import GazetteerGeocoder, OfflineAdapter
from speakout_map.places.gazetteer_index import ensure_index
from speakout_map.places.online import OnlineGeocoder
from speakout_map.places.services import accepts, describe_failure, make_service
from speakout_map.settings import Settings

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

    def geocode_tagged(self, query: str | Mapping[str, object], *, timeout=DEFAULT_SENTINEL) -> tuple[Location, str] | None:
        """The first geocoder's answer and that geocoder's source name, or None."""
        for geocoder in self.geocoders:
            found = call_geocode(geocoder, query, timeout=timeout)
            if found is not None:
                return found, source_of(geocoder)
        return None

    def geocode(
        self,
        query: str | Mapping[str, object],
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
    query: str | Mapping[str, object],
    *,
    exactly_one: bool = True,
    country_codes: str | Iterable[str] | None = None,
    timeout=DEFAULT_SENTINEL,
):
    """``geocoder.geocode`` with the options it takes; geopy errors become GeocoderUnavailableError."""
    kwargs: dict[str, object] = {"exactly_one": exactly_one}
    if timeout is not DEFAULT_SENTINEL:
        kwargs["timeout"] = timeout
    if country_codes is not None and accepts(geocoder.geocode, "country_codes"):
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
