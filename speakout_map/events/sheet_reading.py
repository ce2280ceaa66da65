"""How an organiser says to read their sheet: which of its columns is which of ours, and its date format.

Most sheets need nothing: our own column names and the usual other names
(:mod:`speakout_map.events.headers`) are read without being told, and dates
are written YYYY-MM-DD (or are an .xlsx's date cells). For the rest, the
organiser says:

* a **mapping**: their header → our column, or ``ignore`` (:data:`~speakout_map.events.headers.IGNORE`) to leave a
  column out (``Start Date=date``, ``Notes=ignore``). A mapping names headers
  as the sheet writes them, compared like header names are (case, accents,
  spaces and punctuation do not count); it wins over every other reading.
* a **date format** (:class:`DateFormat`): ``DD/MM/YYYY``, ``MM/DD/YYYY`` or
  ``D.M.YYYY``. Dates such as 03/09/2013 are refused when guessed (day or
  month first?); declared, they are read that way, and a cell that is not a
  date of that format (a 13th month) is a row error. YYYY-MM-DD cells (and an
  .xlsx's date cells) are read as always.

:class:`SheetReading` holds both; the upload page, the CLI (``--map``,
``--date-format``) and the readers pass it down to
:func:`~speakout_map.events.validation.validate_records`.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from speakout_map.errors import MappingError
from speakout_map.events.cells import CellError, parse_date
from speakout_map.events.headers import IGNORE, fold_header
from speakout_map.events.model import COLUMNS, ID_COLUMN, SheetColumns
from speakout_map.languages.message import msg

#: Our columns a mapping can name (the read-only "going" is never read; "id" is, for add-and-update).
MAPPABLE_COLUMNS: tuple[str, ...] = (*COLUMNS, ID_COLUMN)


class DateFormat(str, enum.Enum):
    """A sheet's declared date format (the value is how people write it)."""

    DAY_MONTH_YEAR = "DD/MM/YYYY"
    MONTH_DAY_YEAR = "MM/DD/YYYY"
    DOTTED = "D.M.YYYY"

    @classmethod
    def named(cls, text: str) -> DateFormat:
        """The format written ``text`` (case and spaces do not count); MappingError if none is."""
        wanted = "".join(text.split()).upper()
        for form in cls:
            if form.value.upper() == wanted:
                return form
        # Translators: value is what was given; formats lists the date formats, kept as is.
        raise MappingError(msg("{value!r} is not a date format we read; use one of {formats}", value=text,
                               formats=", ".join(f.value for f in cls)))


@dataclass(frozen=True)
class SheetReading:
    """What the organiser said about a sheet: a mapping of its headers, and its date format."""

    #: (header as the sheet writes it, our column or IGNORE), in the order given.
    mapping: tuple[tuple[str, str], ...] = ()
    date_format: DateFormat | None = None

    def __post_init__(self) -> None:
        for header, column in self.mapping:
            if column != IGNORE and column not in MAPPABLE_COLUMNS:
                raise ValueError(f"{column!r} is not a column a mapping can name")
            if not fold_header(header):
                raise ValueError(f"{header!r} is not a header a mapping can name")

    def column_of(self, header: str) -> str | None:
        """Our column (or IGNORE) for a header cell, if the mapping names it; the last word counts."""
        folded = fold_header(header)
        found = None
        for written, column in self.mapping:
            if fold_header(written) == folded:
                found = column
        return found

    @property
    def is_plain(self) -> bool:
        """Whether nothing was said (the sheet is read as any other)."""
        return not self.mapping and self.date_format is None


# --- declared date formats ----------------------------------------------------------

_ISO_LIKE = re.compile(r"^\d{4}-")
_DAY_MONTH = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")


def _declared(text: str, form: DateFormat) -> dt.date:
    """A date cell of a sheet whose format is ``form`` (YYYY-MM-DD cells as always)."""
    if _ISO_LIKE.match(text):
        return parse_date(text)
    match = _DAY_MONTH.match(text)
    if match is None:
        # Translators: value is the cell as typed; form is the sheet's date format as chosen (DD/MM/YYYY),
        # kept as is, as is YYYY-MM-DD.
        raise CellError(msg("{value!r} is not a date written {form}, the date format chosen for this sheet; correct "
                            "it, or write it as YYYY-MM-DD", value=text, form=form.value))
    first, second, year_text = match.groups()
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    day, month = (int(second), int(first)) if form is DateFormat.MONTH_DAY_YEAR else (int(first), int(second))
    if not 1 <= month <= 12:
        # Translators: value is the cell as typed; form is the sheet's date format (DD/MM/YYYY); month is a number.
        raise CellError(msg("{value} is not a date written {form}: there is no month {month}; correct it, or check "
                            "the date format chosen for this sheet", value=text, form=form.value, month=month))
    try:
        return dt.date(year, month, day)
    except ValueError:
        # Translators: value is the cell as typed; form is the sheet's date format (DD/MM/YYYY); day is a number.
        raise CellError(msg("{value} is not a date written {form}: that month has no day {day}; correct it, or check "
                            "the date format chosen for this sheet", value=text, form=form.value, day=day)) from None


def _day_month_year(text: str) -> dt.date:
    return _declared(text, DateFormat.DAY_MONTH_YEAR)


def _month_day_year(text: str) -> dt.date:
    return _declared(text, DateFormat.MONTH_DAY_YEAR)


def _dotted(text: str) -> dt.date:
    return _declared(text, DateFormat.DOTTED)


_PARSERS: dict[DateFormat | None, Callable[[str], dt.date]] = {
    None: parse_date,
    DateFormat.DAY_MONTH_YEAR: _day_month_year,
    DateFormat.MONTH_DAY_YEAR: _month_day_year,
    DateFormat.DOTTED: _dotted,
}


def date_parser(form: DateFormat | None) -> Callable[[str], dt.date]:
    """The date cells' parser of a sheet: guessing nothing (None), or reading the declared ``form``.

    One function per format, so a table's reader can remember what it parsed per text.
    """
    return _PARSERS[form]


#: Nothing said: read as any sheet.
PLAIN = SheetReading()


def parse_mapping(options: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """``--map`` options (``"Start Date=date"``, ``"Notes=ignore"``) as a mapping; MappingError if one is wrong.

    The header is everything before the last ``=`` (a header may hold one), our
    column the rest; both trimmed.
    """
    pairs = []
    for option in options:
        header, equals, column = option.rpartition("=")
        column = column.strip().lower()
        if not equals or not fold_header(header):
            # Translators: value is the --map option as given; keep "Start Date=date" as is.
            raise MappingError(msg("{value!r} is not a mapping; write it as the sheet's header, '=', and our column, "
                                   "e.g. \"Start Date=date\"", value=option))
        if column != IGNORE and column not in MAPPABLE_COLUMNS:
            # Translators: column is what was given; columns lists our column names and "ignore", kept as is.
            raise MappingError(msg("{column!r} is not one of our columns; map {header!r} to one of {columns}",
                                   column=column, header=header.strip(),
                                   columns=", ".join((*MAPPABLE_COLUMNS, IGNORE))))
        pairs.append((header.strip(), column))
    return tuple(pairs)


def headers_key(headers: Sequence[str]) -> str:
    """A short key of a header row (as its cells fold), to remember a mapping for the next sheet like it."""
    folded = "\x1f".join(fold_header(cell) for cell in headers)
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32]


# --- the upload page's choices -----------------------------------------------------


def automatic_choices(columns: SheetColumns) -> tuple[str, ...]:
    """What each header is read as without a word from the organiser: our column, or IGNORE (unknown, left out)."""
    return tuple(column if column in MAPPABLE_COLUMNS else IGNORE for column in columns.read_as)


def starting_choices(columns: SheetColumns, remembered: SheetReading | None) -> tuple[str, ...]:
    """The choices to show first: the automatic ones, with what was remembered for these headers over them."""
    automatic = automatic_choices(columns)
    if remembered is None:
        return automatic
    return tuple(remembered.column_of(header) or choice for header, choice in zip(columns.headers, automatic))


def reading_of_choices(
    columns: SheetColumns, chosen: Sequence[str], date_format: DateFormat | None
) -> SheetReading:
    """The reading the organiser's choices make: a mapping of the headers they read otherwise than we would."""
    automatic = automatic_choices(columns)
    mapping = tuple(
        (header, choice)
        for header, auto, choice in zip(columns.headers, automatic, chosen)
        if choice != auto and fold_header(header)
    )
    return SheetReading(mapping, date_format)
