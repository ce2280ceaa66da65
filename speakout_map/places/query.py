"""What a geocoder is asked: a structured place, or a "City, Country" typed by a person.

Every geocoder of this package follows geopy's ``geocode(query, ...)``, where
``query`` is either free text or a structured query, a mapping such as
``{"city": "Valencia", "country": "ES"}`` (geopy's Nominatim takes the same
shape). Placing an event always sends the structured form: the country is
already an ISO code, so nothing turns it into a name only to parse it back.

* :class:`PlaceQuery` is one place asked for: a city and, if known, its
  country's code; :meth:`PlaceQuery.from_query` reads geopy's query shapes.
* :func:`parse_place_text` reads "City, Country" strictly (a country that is
  not one is an error), for the command line; :func:`split_query` reads it
  leniently (a last part that is no country stays part of the name), for
  geocoders handed text.
* :func:`normalise_codes` reads Nominatim-style ``country_codes``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from speakout_map.errors import UnknownCountryError
from speakout_map.places.countries import country_name, resolve_country

#: The keys of a structured query this package reads and writes.
CITY_KEY = "city"
COUNTRY_KEY = "country"
#: The region (state, province...) as written; geopy's Nominatim takes it under the same key.
REGION_KEY = "state"


def parse_place_text(text: str) -> tuple[str, str | None]:
    """Split "City, Country" at the last comma into (city, ISO code); (text, None) without a comma.

    Raises UnknownCountryError if the part after the comma is not a country.
    """
    head, comma, tail = text.rpartition(",")
    if not comma:
        return text.strip(), None
    return head.strip(), resolve_country(tail)


def split_query(text: str) -> tuple[str, str | None]:
    """Split "City, Country" into (city, ISO code); (text, None) if the last part is no country."""
    try:
        city, code = parse_place_text(text)
    except UnknownCountryError:
        return text.strip(), None
    return (city, code) if city else (text.strip(), None)


def normalise_codes(country_codes: str | Iterable[str] | None) -> frozenset[str] | None:
    """Nominatim-style country_codes (a code or a list) as a set of ISO codes, None for any."""
    if country_codes is None:
        return None
    items = [country_codes] if isinstance(country_codes, str) else list(country_codes)
    codes = frozenset(resolve_country(item) for item in items if str(item).strip())
    return codes or None


@dataclass(frozen=True)
class PlaceQuery:
    """One place asked for: a city, its country's ISO code when known, and its region as written ("" if none)."""

    city: str
    country_code: str | None = None
    region: str = ""

    @classmethod
    def from_query(cls, query: str | Mapping[str, object]) -> PlaceQuery:
        """A structured query (country as a code or a name) or a "City, Country" text.

        Raises UnknownCountryError for a structured query whose country is not one.
        """
        if isinstance(query, Mapping):
            country = str(query.get(COUNTRY_KEY) or "").strip()
            return cls(str(query.get(CITY_KEY) or "").strip(), resolve_country(country) if country else None,
                       str(query.get(REGION_KEY) or "").strip())
        return cls(*split_query(str(query)))

    def as_query(self) -> dict[str, str]:
        """The structured query geocoders take: {"city": ..., "state": region, "country": ISO code}."""
        query = {CITY_KEY: self.city}
        if self.region:
            query[REGION_KEY] = self.region
        if self.country_code is not None:
            query[COUNTRY_KEY] = self.country_code
        return query

    def as_text(self) -> str:
        """The free-text form, for services that take no structured query: "Valencia, Spain", "Springfield, IL, United States"."""
        parts = [self.city, self.region, country_name(self.country_code) if self.country_code else ""]
        return ", ".join(part for part in parts if part)

    def countries(self, country_codes: str | Iterable[str] | None = None) -> frozenset[str] | None:
        """The countries to search: this place's, within ``country_codes`` if given.

        None means any country; an empty set means none (the two disagree).
        """
        allowed = normalise_codes(country_codes)
        if self.country_code is None:
            return allowed
        if allowed is not None and self.country_code not in allowed:
            return frozenset()
        return frozenset({self.country_code})
