"""Country names and codes.

Organisers write countries the way they say them: ``Spain``, ``España``,
``ES``, ``UK``, ``England``, ``Estados Unidos``. ``resolve_country`` turns any
of those into an ISO 3166-1 alpha-2 code using pycountry's ISO data, Babel's
localized territory names (CLDR) and a short alias table. It never guesses:
a name that matches nothing, or that two sources give to different
countries, is an error.

Kosovo has no ISO 3166-1 code yet; it is accepted under ``XK`` / ``XKX``, the
user-assigned codes that GeoNames, CLDR and the EU use for it.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pycountry
from babel import Locale

from speakout_map.errors import UnknownCountryError

#: Languages whose CLDR country names are accepted, besides English.
#: Chosen for the campaign's reach; adding one is cheap.
NAME_LOCALES: tuple[str, ...] = (
    "es", "pt", "fr", "de", "it", "ca", "gl", "eu", "nl", "sv", "da", "nb", "nn", "fi",
    "is", "ga", "cy", "pl", "cs", "sk", "hu", "ro", "hr", "sr", "sl", "bg", "el",
    "ru", "uk", "tr", "he", "ar", "fa", "hi", "ja", "zh", "ko", "id", "vi", "th",
)

#: Names people use that ISO and CLDR do not list (or list for another thing).
ALIASES: dict[str, str] = {
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "u.s.a.": "US",
    "us": "US",
    "america": "US",
    "united states of america": "US",
    "eeuu": "US",
    "ee.uu.": "US",
    "mexico df": "MX",
    "holland": "NL",
    "south korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "turkey": "TR",
}


#: Countries with user-assigned codes (not in ISO 3166-1, so not in pycountry): alpha-2 → alpha-3.
USER_ASSIGNED_CODES: dict[str, str] = {"XK": "XKX"}


_DROPPED = re.compile(r"[.\u2019'`]")
_SEPARATORS = re.compile(r"[\s\-_,()]+")


def fold_name(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form of a name."""
    if text.isascii():  # nothing to decompose, no accents: lower() is casefold() for ASCII
        stripped = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _DROPPED.sub("", stripped)
    return _SEPARATORS.sub(" ", stripped).strip()


@functools.lru_cache(maxsize=1)
def _valid_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | frozenset(USER_ASSIGNED_CODES)


@functools.lru_cache(maxsize=1)
def country_codes() -> tuple[str, ...]:
    """Every code a country may be given as (ISO 3166-1 alpha-2, and Kosovo's user-assigned XK), sorted."""
    return tuple(sorted(_valid_codes()))


@functools.lru_cache(maxsize=1)
def _name_index() -> dict[str, str]:
    codes = _valid_codes()
    index: dict[str, str] = {}
    ambiguous: set[str] = set()

    def add(name: str | None, code: str, *, authoritative: bool) -> None:
        if not name or code not in codes:
            return
        key = fold_name(name)
        if not key:
            return
        if key in index and index[key] != code:
            if not authoritative:
                ambiguous.add(key)
            return
        if key in ambiguous:
            return
        index.setdefault(key, code)

    for alias, code in ALIASES.items():
        add(alias, code, authoritative=True)
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            add(getattr(country, attr, None), country.alpha_2, authoritative=True)
    english = Locale("en").territories
    for code in codes:
        add(english.get(code), code, authoritative=True)
    for locale_name in NAME_LOCALES:
        for code, name in Locale.parse(locale_name).territories.items():
            add(name, code, authoritative=False)
    for key in ambiguous:
        index.pop(key, None)
    return index


def resolve_country(text: str) -> str:
    """Return the ISO alpha-2 code for a country name or code, or raise UnknownCountryError."""
    cleaned = text.strip()
    if not cleaned:
        raise UnknownCountryError(text)
    upper = cleaned.upper()
    if len(upper) == 2 and upper.isascii() and upper.isalpha():
        if upper == "UK":
            return "GB"
        if upper in _valid_codes():
            return upper
        raise UnknownCountryError(text)
    if len(upper) == 3 and upper.isascii() and upper.isalpha():
        found = pycountry.countries.get(alpha_3=upper)
        if found is not None:
            return found.alpha_2
        for alpha_2, alpha_3 in USER_ASSIGNED_CODES.items():
            if upper == alpha_3:
                return alpha_2
    code = _name_index().get(fold_name(cleaned))
    if code is None:
        raise UnknownCountryError(text)
    return code


@functools.lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """Short English name of a country code (``GB`` → ``United Kingdom``)."""
    if code not in _valid_codes():
        return code
    return Locale("en").territories.get(code) or pycountry.countries.get(alpha_2=code).name
