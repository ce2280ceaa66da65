"""Data in the reader's language: country names, their order, dates, and the date picker's format.

English, the source language, keeps the app's own forms (``Tue 3 Sep 2013``,
dates picked as ``YYYY-MM-DD``, the country names of
:mod:`speakout_map.places.countries`); every other language gets CLDR's
forms through Babel (``mar, 3 sept 2013``, ``España``). Event text itself is
never translated.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from babel import Locale
from babel.dates import format_skeleton

from speakout_map.events.formatting import format_date as source_format_date
from speakout_map.languages.catalogues import SOURCE_LANGUAGE
from speakout_map.places.countries import country_name as source_country_name

#: The date picker's formats Streamlit accepts, as (order, separators).
_PICKER_ORDERS = {"ymd": "YYYY{0}MM{0}DD", "dmy": "DD{0}MM{0}YYYY", "mdy": "MM{0}DD{0}YYYY"}
_PICKER_SEPARATORS = "/-."
#: The source language's date picker format (ISO, the events file's own).
SOURCE_PICKER_FORMAT = "YYYY-MM-DD"


@functools.lru_cache(maxsize=32)
def locale_of(language: str) -> Locale:
    return Locale.parse(language)


def language_name(language: str) -> str:
    """A language's name in itself, capitalised: ``English``, ``Español``, ``Русский``."""
    name = locale_of(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


@functools.lru_cache(maxsize=4096)
def country_name(code: str, language: str) -> str:
    """The country's name in ``language``; the English name where CLDR has none."""
    if language != SOURCE_LANGUAGE:
        name = locale_of(language).territories.get(code.upper())
        if name:
            return name
    return source_country_name(code)


def sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order that ignores accents and case first (``Éire`` beside ``Egipto``), then breaks ties by them.

    An approximation of CLDR collation without ICU, good for names in the
    Latin and Cyrillic alphabets.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return base, text


def sorted_countries(codes, language: str) -> list[str]:
    """Country codes in the alphabetical order of their names in ``language``."""
    return sorted(codes, key=lambda code: sort_key(country_name(code, language)))


@functools.lru_cache(maxsize=4096)  # a campaign has few dates and thousands of events
def format_date(day: dt.date, language: str) -> str:
    """``Tue 3 Sep 2013`` in English, ``mar, 3 sept 2013`` in Spanish: weekday, day, month, year."""
    if language == SOURCE_LANGUAGE:
        return source_format_date(day)
    return format_skeleton("yMMMEd", day, locale=locale_of(language))


def date_picker_format(language: str) -> str:
    """The date picker's format closest to the language's short date (``DD/MM/YYYY`` for Spanish)."""
    if language == SOURCE_LANGUAGE:
        return SOURCE_PICKER_FORMAT
    pattern = locale_of(language).date_formats["short"].pattern
    letters = re.sub(r"[^yMd]", "", pattern)
    order = "".join(dict.fromkeys(letters.lower()))
    separator = next((ch for ch in pattern if ch in _PICKER_SEPARATORS), "/")
    return _PICKER_ORDERS.get(order, SOURCE_PICKER_FORMAT.replace("-", "{0}")).format(separator)
