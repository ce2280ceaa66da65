"""Dates and times written in words, as announcements write them, in English and Spanish.

Part of reading a pasted announcement (:mod:`speakout_map.events.announcement`):
:func:`find_date` finds the first date of a line and :func:`find_times` its
time or time range; each gives where it was found (so the rest of the line can
be read without it) and the value, or a message saying what to fix.

Dates: ``September 3``, ``Sept. 3rd``, ``3 September``, ``3rd of September``,
``Tuesday, September 3, 2013``, ``3 de septiembre``, ``martes 3 de septiembre
de 2013``, ``septiembre 3``, ISO ``2013-09-03``, and ``3/9/2013`` when only one
reading is possible (``13/9``; ``3/9`` could be either, and says so). A date
without its year takes the ``year`` given (the campaign's). A weekday written
with the date is checked against it.

Times: ``19:00``, ``7pm``, ``7 p.m.``, ``7:30 p.m.``, ``19h``, ``19h30``,
``19 hs``, ``19.30h``, and ranges of them: ``18:00–20:00``, ``6-8pm``,
``de 19 a 21h``, ``from 7 to 9 pm``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from speakout_map.events.model import Problem
from speakout_map.languages.message import Message, msg

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "enero", "ene"),
    2: ("february", "feb", "febrero"),
    3: ("march", "mar", "marzo"),
    4: ("april", "apr", "abril", "abr"),
    5: ("may", "mayo"),
    6: ("june", "jun", "junio"),
    7: ("july", "jul", "julio"),
    8: ("august", "aug", "agosto", "ago"),
    9: ("september", "sept", "sep", "septiembre", "setiembre", "set"),
    10: ("october", "oct", "octubre"),
    11: ("november", "nov", "noviembre"),
    12: ("december", "dec", "diciembre", "dic"),
}
_WEEKDAY_NAMES: dict[int, tuple[str, ...]] = {
    0: ("monday", "mon", "lunes"),
    1: ("tuesday", "tues", "tue", "martes"),
    2: ("wednesday", "wed", "miercoles", "miércoles"),
    3: ("thursday", "thurs", "thur", "thu", "jueves"),
    4: ("friday", "fri", "viernes"),
    5: ("saturday", "sat", "sabado", "sábado"),
    6: ("sunday", "sun", "domingo"),
}


def _fold(word: str) -> str:
    """A month's or weekday's name as looked up: lower case, no accents, no dot."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().rstrip("."))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_MONTHS = {_fold(name): month for month, names in _MONTH_NAMES.items() for name in names}
_WEEKDAYS = {_fold(name): day for day, names in _WEEKDAY_NAMES.items() for name in names}


def _alternation(names) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


_MONTH = rf"(?P<month>{_alternation(n for names in _MONTH_NAMES.values() for n in names)})\.?"
_WEEKDAY = rf"(?:(?P<weekday>{_alternation(n for names in _WEEKDAY_NAMES.values() for n in names)})\.?,?\s+)?"
_DAY = r"(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th|º|°|ª)?"
_YEAR = r"(?:,?\s*(?:del?\s+)?(?P<year>(?:19|20)\d\d)(?![\d:/-]))?"
#: Words before a date that belong to it ("on 3 September", "el 3 de septiembre").
_BEFORE = r"(?:(?:on|el|from|desde)\s+)?"
_START, _END = r"(?<![\w/.:-])", r"(?![\w/])"
#: Month first ("September 3") and day first ("3 September", "3 de septiembre"): two patterns, since one
#: pattern cannot name the day and the month twice.
_IN_WORDS = tuple(
    re.compile(rf"{_START}{_BEFORE}{_WEEKDAY}(?:the\s+)?{order}{_YEAR}{_END}", re.IGNORECASE)
    for order in (rf"{_MONTH}\s+{_DAY}", rf"{_DAY}\.?(?:\s+of|\s+de)?\s+{_MONTH}")
)
_ISO = re.compile(rf"{_START}{_BEFORE}{_WEEKDAY}(?P<iso>(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})){_END}",
                  re.IGNORECASE)
_SLASHED = re.compile(
    rf"{_START}{_BEFORE}{_WEEKDAY}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})(?:/(?P<y>\d{{4}}|\d{{2}}))?{_END}", re.IGNORECASE
)


@dataclass(frozen=True)
class DateFound:
    """A date found in a line: where it is, as written, and the date, or what is wrong with it."""

    start: int
    end: int
    written: str
    date: dt.date | None = None
    #: Why there is no date (no year, no such day, day/month could be either); None when ``date`` is set.
    problem: Message | None = None
    #: The weekday written with the date does not fall on it.
    wrong_weekday: bool = False


def _weekday_of(match: re.Match[str]) -> int | None:
    written = match.group("weekday")
    return None if written is None else _WEEKDAYS.get(_fold(written))


def _no_year(written: str) -> Message:
    # Translators: written is the date as the announcement writes it ("September 3").
    return msg("the date {written!r} has no year; write the year in it, or give the year of the campaign",
               written=written)


def lacks_year(problem: Problem) -> bool:
    """Whether ``problem`` is a date written without its year (the CLI then suggests --year)."""
    return problem.text.source == _no_year("").source


def _dated(match: re.Match[str], year: int | None, month: int, day: int, year_text: str | None) -> DateFound:
    written = match.group(0).strip()
    start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
    if year_text:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    if year is None:
        return DateFound(start, match.end(), written, problem=_no_year(written))
    try:
        date = dt.date(year, month, day)
    except ValueError:
        # Translators: written is the date as the announcement writes it; year is the year it was read in.
        return DateFound(start, match.end(), written, problem=msg(
            "{written!r} is not a date in {year}; check the day and the month", written=written, year=str(year)))
    weekday = _weekday_of(match)
    return DateFound(start, match.end(), written, date, wrong_weekday=weekday is not None and weekday != date.weekday())


#: Month names that are also everyday words ("you may", "el mar", "hace 3 años ago"): a month only with a capital.
_WORDS_TOO = frozenset({"may", "mar", "set", "ago"})


def _from_words(match: re.Match[str], year: int | None) -> DateFound | None:
    written_month = match.group("month")
    if _fold(written_month) in _WORDS_TOO and written_month[0].islower():
        return None
    month = _MONTHS[_fold(written_month)]
    return _dated(match, year, month, int(match.group("day")), match.group("year"))


def _from_slashes(match: re.Match[str], year: int | None) -> DateFound:
    a, b = int(match.group("a")), int(match.group("b"))
    if a <= 12 and b <= 12 and a != b:
        written = match.group(0).strip()
        # Translators: written is a date written with slashes (3/9), which could be day/month or month/day.
        return DateFound(match.start(), match.end(), written, problem=msg(
            "{written!r} could be day/month or month/day; write the month in words (e.g. 3 September) "
            "or the date as YYYY-MM-DD", written=written))
    day, month = (a, b) if b <= 12 else (b, a)
    return _dated(match, year, month, day, match.group("y"))


def _candidates(text: str, year: int | None):
    for pattern in _IN_WORDS:
        for match in pattern.finditer(text):
            found = _from_words(match, year)
            if found is not None:
                yield found
    for match in _ISO.finditer(text):
        yield _dated(match, None, int(match.group("m")), int(match.group("d")), match.group("y"))


def find_dates(text: str, year: int | None = None) -> list[DateFound]:
    """Every date of ``text`` in words or ISO form, in order; slashed dates only when there is none of those."""
    found: list[DateFound] = []
    for date in sorted(_candidates(text, year), key=lambda d: (d.start, -d.end)):
        if not found or date.start >= found[-1].end:  # "3 September 4": the first reading wins
            found.append(date)
    if not found:
        found = [_from_slashes(m, year) for m in _SLASHED.finditer(text)]
    return found


def find_date(text: str, year: int | None = None) -> DateFound | None:
    """The first date of ``text`` (see the module's docs), or None."""
    found = find_dates(text, year)
    return found[0] if found else None


# --- times ---------------------------------------------------------------------------

_SUFFIX_H = r"h(?:rs?|s|oras)?\.?"


def _clock_pattern(p: str) -> str:
    """One time of day, its groups prefixed with ``p``: 19:00, 7:30 p.m., 19.30h, 7pm, 19h, 19h30."""
    meridian = rf"(?P<{p}ap>[ap])\.?\s?m\.?"
    return (
        rf"(?P<{p}h>[01]?\d|2[0-3])"
        rf"(?:(?::(?P<{p}m>[0-5]\d))\s*(?:{meridian}|{_SUFFIX_H})?"
        rf"|\.(?P<{p}dm>[0-5]\d)\s*(?:(?P<{p}dap>[ap])\.?\s?m\.?|{_SUFFIX_H})"
        rf"|\s*(?P<{p}bap>[ap])\.?\s?m\.?"
        rf"|\s*h(?P<{p}hm>[0-5]\d)?(?:rs?|s|oras)?\.?)"
    )


_BARE = r"(?P<sh0>[01]?\d|2[0-3])"
_RANGE_WORD = r"(?:\s*[-–—]\s*|\s+(?:to|till|until|a|hasta|y|and)\s+)"
_TIME_BEFORE = r"(?:(?:from|between|de|desde|entre|at|starting at|a las|a la|desde las|de las|@)\s+)?"
_TIMES = re.compile(
    rf"(?<![\w:./-]){_TIME_BEFORE}"
    rf"(?:(?:{_clock_pattern('s')}|{_BARE}){_RANGE_WORD}{_clock_pattern('e')}|{_clock_pattern('o')})"
    r"(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TimesFound:
    """A time, or a time range, found in a line."""

    start: int
    end: int
    begins: dt.time
    ends: dt.time | None = None


def _clock(match: re.Match[str], p: str) -> tuple[int, int, str | None] | None:
    """(hour, minute, "a"/"p"/None) of the time whose groups start with ``p``, None if it did not match."""
    if match.group(f"{p}h") is None:
        return None
    minute = match.group(f"{p}m") or match.group(f"{p}dm") or match.group(f"{p}hm") or "0"
    meridian = match.group(f"{p}ap") or match.group(f"{p}dap") or match.group(f"{p}bap")
    return int(match.group(f"{p}h")), int(minute), meridian.lower() if meridian else None


def _to_time(hour: int, minute: int, meridian: str | None) -> dt.time | None:
    if meridian is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridian == "p" else 0)
    return dt.time(hour, minute)


def find_times(text: str) -> TimesFound | None:
    """The first time (or range of times) of ``text``, or None; a time like 15pm is not one."""
    for match in _TIMES.finditer(text):
        single = _clock(match, "o")
        if single is not None:
            begins = _to_time(*single)
            if begins is not None:
                return TimesFound(match.start(), match.end(), begins)
            continue
        end = _clock(match, "e")
        start = _clock(match, "s") or (int(match.group("sh0")), 0, None)
        if start[2] is None and end[2] is not None and start[0] <= 12:
            # "6-8pm": the start takes the end's half of the day, unless that puts it after the end ("11-1pm").
            borrowed = (start[0], start[1], end[2])
            start = borrowed if _to_time(*borrowed) and _to_time(*borrowed) <= _to_time(*end) else (*start[:2], "a")
        begins, ends = _to_time(*start), _to_time(*end)
        if begins is not None and ends is not None:
            return TimesFound(match.start(), match.end(), begins, ends)
    return None
