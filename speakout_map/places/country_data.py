"""The country data :mod:`speakout_map.places.countries` reads, built from pycountry and Babel.

Building it means loading Babel's CLDR data for every language of
``NAME_LOCALES`` (a few hundred milliseconds), too slow to do in every
process that reads a file of events. So ``make install`` (and ``make test``)
builds it once, with ``python scripts/country_names.py``, into
``country_names.json`` next to this module (git-ignored: it is made from the
installed packages, never copied into the repository). The file carries a
:func:`data_stamp` (the two packages' versions and a digest of the code that
builds the data); ``countries`` reads it only while its stamp is the current
one, and otherwise builds the data in the process, as before, so a missing or
out-of-date file is slower, never wrong.

The data (:func:`build_country_data`), as JSON:

* ``codes``: every code a country may be given as → its alpha-3 code;
* ``english``: code → short English name (CLDR's, else ISO's);
* ``names``: code → the folded names (:func:`~speakout_map.places.countries.fold_name`)
  that mean it and no other country, sorted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pycountry
from babel import Locale

from speakout_map.places.countries import ALIASES, NAME_LOCALES, USER_ASSIGNED_CODES, data_stamp, fold_name

#: Where the built data is kept (read by :mod:`speakout_map.places.countries`).
DATA_FILE = Path(__file__).with_name("country_names.json")


def _alpha_3_codes() -> dict[str, str]:
    codes = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    codes.update(USER_ASSIGNED_CODES)
    return codes


def _english_names(codes: dict[str, str]) -> dict[str, str]:
    english = Locale("en").territories
    return {code: english.get(code) or pycountry.countries.get(alpha_2=code).name for code in codes}


def _name_index(codes: dict[str, str]) -> dict[str, str]:
    """Folded name → code: aliases and ISO names first, then English and the other languages' CLDR names.

    A name two languages give to different countries means neither; one an
    alias or ISO (or English) gives keeps that first meaning.
    """
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


def build_country_data() -> dict[str, dict]:
    """The country data, from the installed pycountry and Babel (see the module's notes), with its stamp."""
    codes = _alpha_3_codes()
    names: dict[str, list[str]] = {}
    for key, code in _name_index(codes).items():
        names.setdefault(code, []).append(key)
    return {
        "stamp": data_stamp(),
        "codes": dict(sorted(codes.items())),
        "english": dict(sorted(_english_names(codes).items())),
        "names": {code: sorted(keys) for code, keys in sorted(names.items())},
    }


def country_data_text(data: dict[str, dict]) -> str:
    """The JSON text of the data file: one entry a line, so a change reads well in a diff."""
    return json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
