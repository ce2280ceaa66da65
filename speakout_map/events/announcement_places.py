"""Where a line of a pasted announcement says its event is: "City, Country", "City (Country)", or a city alone.

Part of reading a pasted announcement (:mod:`speakout_map.events.announcement`).
:func:`read_place` turns the place part of a line into a city and a country:

* ``Valencia, España`` and ``Valencia (Spain)``: the country as written (the
  events table's country rule reads it, and says what to do if it is not one).
  After more commas, the country is the last part that is one
  (``London, UK, Parliament Square``); the other parts become the venue.
* ``Mexico DF``, ``Nueva York``, ``Gothenburg``: a city alone, when the offline
  gazetteer is sure of its country: the place it most likely means is at least
  :data:`SURE_RATIO` times as likely (by population, alternate names counting
  for less, as the gazetteer ranks them) as the likeliest place of another
  country. The city then takes the gazetteer's name when it was written by
  another of its names (``Mexico DF`` is ``Mexico City``, MX). ``Valencia``
  alone (Venezuela or Spain) asks for the country; so does a city without a
  gazetteer to ask.
* ``London UK``: a city and a country without a comma, when the gazetteer
  knows the city in that country.

:func:`place_like` tells a place ("Santa Cruz de la Sierra, Bolivia") from the
start of a sentence ("The following events are happening"), so prose is not
read as an event.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass

import pycountry
from babel import Locale

from speakout_map.errors import UnknownCountryError
from speakout_map.languages.message import CountryName, Message, msg
from speakout_map.places.countries import NAME_LOCALES, fold_name, resolve_country
from speakout_map.places.gazetteer import ALTERNATE_NAME_WEIGHT, CityRow, GazetteerGeocoder

#: How many times likelier a city alone must be in one country than in any other for its country to be taken.
SURE_RATIO = 5.0
#: Most words in the place part of a line (Santa Cruz de la Sierra, Bolivia: 6).
MAX_PLACE_WORDS = 8
#: Small words place names have in lower case.
_PARTICLES = frozenset(
    "de del la las los el y da do dos das di du des le les am an der den upon on sur en of the and et i a al "
    "bei im op aan ter van von au aux sous".split()
)
_WORD = re.compile(r"[^\s,()]+")
_IN_BRACKETS = re.compile(r"(?P<city>[^()]+?)\s*\((?P<inner>[^()]+)\)")


class PlaceKind(enum.Enum):
    #: A country was written and is one ("Valencia, España").
    NAMED = "named"
    #: A country was written but is not one we know ("Paris, Texas"): the table's country rule will say so.
    UNKNOWN_COUNTRY = "unknown country"
    #: A city alone whose country the gazetteer is sure of.
    KNOWN = "known"
    #: A city alone in more than one country.
    AMBIGUOUS = "ambiguous"
    #: A country alone, without its city.
    COUNTRY_ONLY = "country only"
    #: A name alone the gazetteer does not know (or no gazetteer to ask).
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PlaceRead:
    """The place part of a line, read: city, country (as written, or an ISO code), venue, or what is wrong."""

    kind: PlaceKind
    city: str = ""
    country: str = ""
    venue: str = ""
    #: Why the place cannot be used (AMBIGUOUS, COUNTRY_ONLY, UNKNOWN); None otherwise.
    problem: Message | None = None
    #: The column the problem is about.
    column: str = "city"

    @property
    def usable(self) -> bool:
        return self.problem is None


def place_words(text: str) -> list[str]:
    return _WORD.findall(text)


def place_like(text: str) -> bool:
    """Whether ``text`` is written like a place: a few words, each capitalised or a particle (``de``, ``upon``)."""
    words = place_words(text)
    if not 1 <= len(words) <= MAX_PLACE_WORDS or not any(c.isalpha() for c in text):
        return False
    for index, word in enumerate(words):
        first = next((c for c in word if c.isalpha()), "")
        if not first or any(c.isdigit() for c in word):
            return False
        if first.isupper():
            continue
        if index == 0 or word.casefold() not in _PARTICLES:
            return False
    return True


def _country_code(text: str) -> str | None:
    try:
        return resolve_country(text)
    except UnknownCountryError:
        return None


@functools.lru_cache(maxsize=64)
def _country_names(code: str) -> frozenset[str]:
    """The names of a country (ISO's, and in English and the languages countries are read in), folded."""
    names = set()
    country = pycountry.countries.get(alpha_2=code)
    for attr in ("name", "official_name", "common_name"):
        names.add(getattr(country, attr, None) if country is not None else None)
    for language in ("en",) + NAME_LOCALES:
        names.add(Locale.parse(language).territories.get(code))
    return frozenset(fold_name(n) for n in names if n)


def _score(row: CityRow, key: str) -> float:
    return row.population * (1.0 if fold_name(row.name) == key else ALTERNATE_NAME_WEIGHT)


def _alone(name: str, venue: str, gazetteer: GazetteerGeocoder | None) -> PlaceRead:
    """A city written without its country."""
    key = fold_name(name)
    code = _country_code(name)
    rows = gazetteer.candidates(name, limit=10) if gazetteer is not None and key else []
    if code is not None:
        # A country's name is a city only where a city of that country is called so (Luxembourg, Singapore); an
        # informal name of the country ("Mexico DF") is the city of that country the gazetteer finds by it.
        own = [r for r in rows if r.country_code == code and fold_name(r.name) == key]
        if own or (key not in _country_names(code) and any(r.country_code == code for r in rows)):
            best = own[0] if own else next(r for r in rows if r.country_code == code)
            return PlaceRead(PlaceKind.KNOWN, name if own else best.name, code, venue)
        # Translators: place is a country's name as written on a line of the pasted announcement.
        return PlaceRead(PlaceKind.COUNTRY_ONLY, name, code, venue, msg(
            "{place!r} is a country; write the city before it, e.g. {example}", place=name,
            example=msg("Valencia, Spain")))
    if rows:
        best = rows[0]
        others = [_score(r, key) for r in rows if r.country_code != best.country_code]
        if not others or _score(best, key) >= SURE_RATIO * max(others):
            city = name if fold_name(best.name) == key else best.name
            return PlaceRead(PlaceKind.KNOWN, city, best.country_code, venue)
        second = next(r for r in rows if r.country_code != best.country_code)
        # Translators: city is a city's name as written; first and second are countries that have a city of that name.
        return PlaceRead(PlaceKind.AMBIGUOUS, name, "", venue, msg(
            "{city!r} is the name of places in {first} and in {second}; add the country after a comma, "
            "e.g. {city}, {first}", city=name, first=CountryName(best.country_code),
            second=CountryName(second.country_code)), "country")
    words = name.split()
    for size in (1, 2, 3):
        if len(words) > size and gazetteer is not None:
            code = _country_code(" ".join(words[-size:]))
            city = " ".join(words[:-size])
            if code is not None and gazetteer.candidates(city, frozenset({code}), limit=1):
                return PlaceRead(PlaceKind.NAMED, city, " ".join(words[-size:]), venue)
    if gazetteer is None:
        # Translators: city is the place as written on a line of the pasted announcement.
        problem = msg("{city!r} has no country; write the country after a comma, e.g. {example}", city=name,
                      example=msg("Valencia, Spain"))
    else:
        problem = msg("{city!r} was not found as a city; check the spelling, or write the country after a comma, "
                      "e.g. {example}", city=name, example=msg("Valencia, Spain"))
    return PlaceRead(PlaceKind.UNKNOWN, name, "", venue, problem)


def read_place(text: str, gazetteer: GazetteerGeocoder | None) -> PlaceRead:
    """The city, country and venue of a line's place part (see the module's docs)."""
    text = text.strip()
    extra: list[str] = []
    brackets = _IN_BRACKETS.fullmatch(text)
    if brackets:
        if _country_code(brackets["inner"]) is not None and "," not in brackets["city"]:
            return PlaceRead(PlaceKind.NAMED, brackets["city"].strip(), brackets["inner"].strip())
        text, extra = brackets["city"].strip(), [brackets["inner"].strip()]
    pieces = [p.strip() for p in text.split(",")]
    if len(pieces) == 1:
        return _alone(pieces[0], ", ".join(extra), gazetteer)
    found = [i for i in range(1, len(pieces)) if _country_code(pieces[i]) is not None]
    at = found[-1] if found else len(pieces) - 1
    venue = ", ".join(p for p in pieces[1:at] + pieces[at + 1:] + extra if p)
    if not found and gazetteer is not None:
        whole = _alone(text, ", ".join(extra), gazetteer)  # a name with a comma of its own ("Washington, D.C.")
        if whole.kind is PlaceKind.KNOWN:
            return whole
    kind = PlaceKind.NAMED if found else PlaceKind.UNKNOWN_COUNTRY
    return PlaceRead(kind, pieces[0], pieces[at], venue)
