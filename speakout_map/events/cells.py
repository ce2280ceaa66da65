"""One cell of the events table: its text, and the parsers that turn that text into a value.

Every format (CSV, .xlsx, rows edited in the app) ends up here, so a cell
means the same thing wherever it came from:

* :func:`cell_text` gives the text a typed value stands for (an .xlsx date
  cell is ``YYYY-MM-DD``, a whole number has no ``.0``).
* :func:`clean_cell` trims a file's cell and applies the apostrophe rule
  below; :func:`typed_cell` takes a cell typed in the app's table as it is.
* The ``parse_*`` functions turn a cleaned, non-empty cell into its value, or
  raise :class:`CellError` with a message that says how to write it (a
  :class:`~speakout_map.languages.message.Message`, in the reader's language
  when shown).

Text is data, never code. A cell such as ``=HYPERLINK("http://x","y")``,
``@SUM(A1)`` or ``<script>`` is kept as literal text (pages escape it when they
show it). Our CSV export (:mod:`speakout_map.events.export`) neutralises text
cells that a spreadsheet would run as a formula by putting an apostrophe in
front of them. Reading undoes exactly that, so export and upload round-trip:

    **Apostrophe rule.** After surrounding spaces are trimmed, a cell that
    starts with one or more apostrophes followed by ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return loses its *first* apostrophe (``'=1+1`` is read
    as ``=1+1``; ``''=x`` as ``'=x``). Any other apostrophe is kept
    (``'hello`` stays ``'hello``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from urllib.parse import urlsplit

from speakout_map.errors import UnknownCountryError
from speakout_map.events.model import Status
from speakout_map.languages.message import Message, msg
from speakout_map.places.countries import resolve_country


class CellError(ValueError):
    """A cell's text is not a value of its column; ``text`` says how to write it (``str(error)`` is the English)."""

    def __init__(self, text: Message) -> None:
        if not isinstance(text, Message):
            raise TypeError("a cell error's text is a Message (msg(...)), so each reader gets it in their language")
        self.text = text
        super().__init__(str(text))


_SPACES = re.compile(r"\s+")


def normalise_header(name: str) -> str:
    """A column name as matched: trimmed, lower case, runs of spaces as ``_`` (``Start Time`` -> ``start_time``)."""
    return _SPACES.sub("_", name.strip().lower())


_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def clean_cell(text: str) -> str:
    """A cell's text as validated: trimmed, and with the apostrophe rule applied (see the module docs)."""
    text = text.strip()
    if text[:1] == "'" and _NEUTRALISED.match(text):
        return text[1:]
    return text


def typed_cell(text: str) -> str:
    """A cell typed in the app's table, as validated: exactly as typed, or empty if it is blank.

    No trimming and no apostrophe rule: nothing neutralised the table's cells,
    so ``'=1``, a leading tab or `` spaced `` are values to keep, and a
    published event shown in the table and read back is the same event.
    """
    return text if text.strip() else ""


# --- typed values (an .xlsx cell, an edited table's value) to text ---------------


def _round_to_second(value: dt.datetime) -> dt.datetime:
    return (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)


def _clock(value: dt.time | dt.datetime) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def cell_text(value: object) -> str:
    """The text a cell's value stands for, as it would be typed in a CSV.

    Dates -> ``YYYY-MM-DD``, times -> ``HH:MM`` (``HH:MM:SS`` if there are
    seconds), date-times -> ``YYYY-MM-DD HH:MM``, whole numbers without
    ``.0``, other numbers as Python writes them (``-3.7038``), booleans
    ``TRUE``/``FALSE``, nothing -> ``""``, formulas -> their text.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        value = _round_to_second(value.replace(tzinfo=None))
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return f"{value.date().isoformat()} {_clock(value)}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return _clock(_round_to_second(dt.datetime.combine(dt.date(2000, 1, 1), value.replace(tzinfo=None))))
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        if 0 <= seconds < 86400:
            return _clock(dt.datetime(2000, 1, 1) + dt.timedelta(seconds=seconds))
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    text = getattr(value, "text", None)  # openpyxl's ArrayFormula
    if isinstance(text, str):
        return text
    return str(value)


# --- cell parsers: each returns a value or raises CellError(msg(...)) -------------
# The formats (YYYY-MM-DD, HH:MM, confirmed, details_to_come) and the examples are
# what organisers type in the file: they stay as written in every language.

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_SLASHED_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")


def parse_date(text: str) -> dt.date:
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            # Translators: value is the cell as typed; YYYY-MM-DD is the file's date format, kept as is.
            raise CellError(msg("{value} is not a date; write it as YYYY-MM-DD, e.g. 2013-09-03", value=text)) from None
    slashed = _SLASHED_DATE.match(text)
    if slashed:
        first, second, year_text = slashed.groups()
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        a, b = int(first), int(second)
        if a <= 12 and b <= 12 and a != b:
            # Translators: value is the cell as typed; day_first and month_first are the two dates it could be,
            # as YYYY-MM-DD (read day/month, then month/day).
            raise CellError(
                msg(
                    "{value} could be day/month or month/day; write it as YYYY-MM-DD ({day_first} or {month_first})",
                    value=text,
                    day_first=f"{year:04d}-{b:02d}-{a:02d}",
                    month_first=f"{year:04d}-{a:02d}-{b:02d}",
                )
            )
        candidates = []
        for day, month in ((a, b), (b, a)):
            try:
                candidates.append(dt.date(year, month, day))
            except ValueError:
                pass
        if len(candidates) >= 1:
            # Translators: value is the cell as typed; date is the one date it can be, as YYYY-MM-DD.
            raise CellError(
                msg("{value} is not in YYYY-MM-DD form; write it as {date}", value=text, date=candidates[0].isoformat())
            )
    raise CellError(msg("{value!r} is not a date in YYYY-MM-DD form; write it like 2013-09-03", value=text))


_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_time(text: str) -> dt.time:
    match = _TIME.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60 and (match.group(3) in (None, "00")):
            return dt.time(hour, minute)
    # Translators: HH:MM is the file's time format, kept as is.
    raise CellError(msg("{value!r} is not a time; write it as HH:MM in 24-hour local time, e.g. 18:30", value=text))


#: A space (any that str.isspace knows: re's \s is the same set) or a control character (below 32).
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")


#: A web address that urlsplit surely reads as http(s) with a host: a plain host name, then a path or nothing.
_PLAIN_WEB_ADDRESS = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.\-]+(?:[/?#]|\Z)")


def parse_url(text: str) -> str:
    if _SPACE_OR_CONTROL.search(text):
        raise CellError(
            msg("the link contains spaces or control characters; paste the full address, "
                "e.g. https://example.org/event")
        )
    if _PLAIN_WEB_ADDRESS.match(text):  # most links: no need to split them
        return text
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. "https://[abc": an unclosed IPv6 bracket
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise CellError(
            msg(
                "{value!r} is not a web address; links must start with https:// or http://, "
                "e.g. https://example.org/event",
                value=text,
            )
        )
    return text


_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


def parse_email(text: str) -> str:
    if not _EMAIL.match(text):
        raise CellError(msg("{value!r} is not an email address; write it like name@example.org", value=text))
    return text


def parse_status(text: str) -> Status:
    key = normalise_header(text).replace("-", "_")
    aliases = {"confirmed": Status.CONFIRMED, "details_to_come": Status.DETAILS_TO_COME, "tbc": Status.DETAILS_TO_COME}
    if key in aliases:
        return aliases[key]
    # Translators: confirmed and details_to_come are the values organisers type in the file, kept as is.
    raise CellError(msg("{value!r} is not a status; write confirmed or details_to_come", value=text))


def parse_coordinate(text: str, column: str) -> float:
    cleaned = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    try:
        value = float(cleaned)
    except ValueError:
        raise CellError(msg("{value!r} is not a number; write decimal degrees, e.g. 40.4168", value=text)) from None
    limit = 90 if column == "latitude" else 180
    if not math.isfinite(value) or not -limit <= value <= limit:
        # Translators: column is latitude or longitude (the file's column name, kept as is); limit is 90 or 180.
        raise CellError(
            msg("{value} is out of range; {column} must be between -{limit} and {limit}", value=text, column=column,
                limit=limit)
        )
    return value


def parse_country(text: str) -> str:
    try:
        return resolve_country(text)
    except UnknownCountryError as exc:
        raise CellError(exc.text) from None
