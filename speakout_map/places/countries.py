"""Country names and codes.

Organisers write countries the way they say them: ``Spain``, ``España``,
``ES``, ``UK``, ``England``, ``Estados Unidos``. ``resolve_country`` turns any
of those into an ISO 3166-1 alpha-2 code using pycountry's ISO data, Babel's
localized territory names (CLDR) and a short alias table. It never guesses:
a name that matches nothing, or that two sources give to different
countries, is an error.

Kosovo has no ISO 3166-1 code yet; it is accepted under ``XK`` / ``XKX``, the
user-assigned codes that GeoNames, CLDR and the EU use for it.

The codes and names are read from ``country_names.json``, built from those
sources at install time by ``python scripts/country_names.py`` (see
:mod:`speakout_map.places.country_data`), not from the packages in every
process: loading forty languages of CLDR data costs a few hundred
milliseconds, longer than reading a campaign's file of events. Without that
file, or with one made from other versions or other code, the data is built
in the process instead.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import unicodedata
from importlib import metadata
from pathlib import Path

from speakout_map.errors import UnknownCountryError

#: The codes and names built by scripts/country_names.py (speakout_map/places/country_data.py).
_DATA_FILE = Path(__file__).with_name("country_names.json")

#: Languages whose CLDR country names are accepted, besides English.
#: Chosen for the campaign's reach; adding one is cheap (make install builds the names again).
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


def data_stamp() -> dict[str, str]:
    """What the built data depends on: pycountry's and Babel's versions, and the code that builds it."""
    code = hashlib.sha256()
    for name in ("countries.py", "country_data.py"):
        code.update(Path(__file__).with_name(name).read_bytes())
    return {"pycountry": metadata.version("pycountry"), "babel": metadata.version("babel"),
            "code": code.hexdigest()}


@functools.lru_cache(maxsize=1)
def _data() -> dict[str, dict]:
    try:
        with open(_DATA_FILE, encoding="utf-8") as handle:
            stored = json.load(handle)
        if stored.get("stamp") == data_stamp():
            return stored
    except (OSError, ValueError):
        pass  # no file yet (before make install), or a broken one: built below
    from speakout_map.places.country_data import build_country_data  # a few hundred ms; it imports this module

    logging.getLogger(__name__).warning(
        "%s is missing or was built from other versions or code: the country names are built in this process "
        "instead (slower, and tens of MB more); make install builds the file again", _DATA_FILE.name)
    return build_country_data()


@functools.lru_cache(maxsize=1)
def _valid_codes() -> frozenset[str]:
    return frozenset(_data()["codes"])


@functools.lru_cache(maxsize=1)
def _alpha_2_of_alpha_3() -> dict[str, str]:
    return {alpha_3: alpha_2 for alpha_2, alpha_3 in _data()["codes"].items()}


@functools.lru_cache(maxsize=1)
def country_codes() -> tuple[str, ...]:
    """Every code a country may be given as (ISO 3166-1 alpha-2, and Kosovo's user-assigned XK), sorted."""
    return tuple(sorted(_valid_codes()))


@functools.lru_cache(maxsize=1)
def _name_index() -> dict[str, str]:
    """Folded name → code, of every name that means one country (aliases, ISO's and CLDR's names)."""
    return {key: code for code, keys in _data()["names"].items() for key in keys}


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
        found = _alpha_2_of_alpha_3().get(upper)  # ISO's alpha-3 codes, and the user-assigned XKX
        if found is not None:
            return found
    code = _name_index().get(fold_name(cleaned))
    if code is None:
        raise UnknownCountryError(text)
    return code


def country_name(code: str) -> str:
    """Short English name of a country code (``GB`` → ``United Kingdom``)."""
    return _data()["english"].get(code, code)
