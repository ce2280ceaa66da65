"""Filtering events by date and country, and the URL query that carries a filter.

A filtered view is shareable: ``?country=ES,GB&from=2013-09-01&to=2013-09-30``,
and ``?near=Cork, Ireland&radius=300`` for the events near a place. The filter
keeps the place as it was typed: resolving it to coordinates needs a geocoder,
so the page, the feeds and the CLI do it outside
(:func:`speakout_map.places.nearby.resolve_place`, then
:func:`speakout_map.places.nearby.events_near`); :func:`apply_filter`
applies the dates and countries only.
Bad values in a query are dropped with a notice, never an exception, because
anyone can type anything into an address bar. The notices are messages, shown
in the visitor's language; the query itself is the same in every language
(country codes, ISO dates), so a shared link works for anyone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from speakout_map.errors import RadiusError, UnknownCountryError
from speakout_map.languages.localising import sort_key
from speakout_map.languages.message import Message, msg
from speakout_map.languages.translator import Translator, english
from speakout_map.places.countries import resolve_country
from speakout_map.places.distance import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, MIN_RADIUS_KM, parse_radius, radius_text
from speakout_map.places.nearby import MAX_PLACE_TEXT, clean_place_text
from speakout_map.places.place import PlacedEvent

QUERY_COUNTRY = "country"
QUERY_FROM = "from"
QUERY_TO = "to"
QUERY_NEAR = "near"
QUERY_RADIUS = "radius"
#: Longest query value looked at; anything longer is ignored with a notice.
MAX_QUERY_VALUE = 2000


@dataclass(frozen=True)
class EventFilter:
    """Which events to show. Empty ``countries`` means every country.

    ``near`` is a place as typed ("Cork, Ireland"; "" for none) and
    ``radius_km`` the search radius around it (None: the default, 250 km);
    :meth:`matches` and :func:`apply_filter` do not look at them (see the
    module's docstring).
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    countries: frozenset[str] = field(default_factory=frozenset)
    near: str = ""
    radius_km: float | None = None

    @property
    def radius_or_default(self) -> float:
        return DEFAULT_RADIUS_KM if self.radius_km is None else self.radius_km

    def matches(self, placed: PlacedEvent) -> bool:
        event = placed.event
        if self.date_from is not None and event.date < self.date_from:
            return False
        if self.date_to is not None and event.date > self.date_to:
            return False
        return not self.countries or event.country_code in self.countries


def apply_filter(
    placed: Iterable[PlacedEvent], event_filter: EventFilter, *, translator: Translator | None = None
) -> tuple[PlacedEvent, ...]:
    """The events the filter keeps, sorted by date, country name (in the translator's language), city, start time."""
    t = translator or english()
    kept = [p for p in placed if event_filter.matches(p)]
    names = {code: sort_key(t.country(code)) for code in {p.event.country_code for p in kept}}

    def key(item: PlacedEvent) -> tuple:
        e = item.event
        return (e.date, names[e.country_code], e.city.casefold(), e.start_time or dt.time.min)

    return tuple(sorted(kept, key=key))


def countries_present(placed: Iterable[PlacedEvent], translator: Translator | None = None) -> list[str]:
    """Country codes that have events, sorted by their names in the translator's language (English without one)."""
    return (translator or english()).countries({p.event.country_code for p in placed})


def date_span(placed: Sequence[PlacedEvent]) -> tuple[dt.date, dt.date] | None:
    """First and last event date, or None when there are no events."""
    if not placed:
        return None
    dates = [p.event.date for p in placed]
    return min(dates), max(dates)


def _values(params: Mapping[str, object], key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    return [str(item) for item in items]


def _parse_query_date(text: str, key: str, notices: list[Message]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        # Translators: {key} is "from" or "to", a name in the page's address (keep it); {value} is what followed it.
        notices.append(msg("Ignored {key}={value!r} in the address: dates are written YYYY-MM-DD.",
                           key=key, value=text[:40]))
        return None


def filter_from_query(
    params: Mapping[str, object], known_countries: Iterable[str] | None = None
) -> tuple[EventFilter, tuple[Message, ...]]:
    """Read a filter from URL query parameters; returns it with notices (messages) about ignored values.

    ``known_countries`` (codes with events) limits which countries are kept;
    a real country with no events is dropped with a notice too.
    """
    notices: list[Message] = []
    known = set(known_countries) if known_countries is not None else None
    countries: set[str] = set()
    for value in _values(params, QUERY_COUNTRY):
        if len(value) > MAX_QUERY_VALUE:
            notices.append(msg("Ignored an overlong country value in the address."))
            continue
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            try:
                code = resolve_country(part)
            except UnknownCountryError:
                # Translators: {country} is what the page's address gave as a country, quoted.
                notices.append(msg("Ignored country {country!r} in the address: not a country we know.",
                                   country=part[:40]))
                continue
            if known is not None and code not in known:
                # Translators: {country} is what the page's address gave as a country, quoted.
                notices.append(msg("Ignored country {country!r} in the address: no events there yet.",
                                   country=part[:40]))
                continue
            countries.add(code)
    dates: dict[str, dt.date | None] = {}
    for key in (QUERY_FROM, QUERY_TO):
        values = _values(params, key)
        dates[key] = _parse_query_date(values[-1][:MAX_QUERY_VALUE], key, notices) if values else None
    date_from, date_to = dates[QUERY_FROM], dates[QUERY_TO]
    if date_from and date_to and date_from > date_to:
        # Translators: "from" and "to" are names in the page's address (keep them); the dates are YYYY-MM-DD.
        notices.append(msg("Ignored the dates in the address: from ({date_from}) is after to ({date_to}).",
                           date_from=date_from.isoformat(), date_to=date_to.isoformat()))
        date_from = date_to = None
    near = _parse_near(_values(params, QUERY_NEAR), notices)
    radius_values = _values(params, QUERY_RADIUS)
    radius = _parse_query_radius(radius_values[-1], notices) if radius_values else None
    return EventFilter(date_from, date_to, frozenset(countries), near, radius), tuple(notices)


def _parse_near(values: list[str], notices: list[Message]) -> str:
    if not values:
        return ""
    if len(values[-1]) > MAX_PLACE_TEXT:
        notices.append(msg("Ignored an overlong place in the address."))
        return ""
    return clean_place_text(values[-1])


def _parse_query_radius(text: str, notices: list[Message]) -> float | None:
    try:
        return parse_radius(text)
    except RadiusError:
        # Translators: "radius" is a name in the page's address (keep it); {value!r} is what followed it;
        # {low:,} and {high:,} are whole numbers of kilometres (1 and 20,000).
        notices.append(msg("Ignored radius={value!r} in the address: the radius is a number of kilometres "
                           "from {low:,} to {high:,}.", value=text[:40], low=int(MIN_RADIUS_KM),
                           high=int(MAX_RADIUS_KM)))
        return None


def filter_to_query(event_filter: EventFilter) -> dict[str, str]:
    """The URL query that reproduces a filter (keys left out when unset)."""
    query: dict[str, str] = {}
    if event_filter.countries:
        query[QUERY_COUNTRY] = ",".join(sorted(event_filter.countries))
    if event_filter.date_from:
        query[QUERY_FROM] = event_filter.date_from.isoformat()
    if event_filter.date_to:
        query[QUERY_TO] = event_filter.date_to.isoformat()
    if event_filter.near:
        query[QUERY_NEAR] = event_filter.near
    if event_filter.radius_km is not None:
        query[QUERY_RADIUS] = radius_text(event_filter.radius_km)
    return query
