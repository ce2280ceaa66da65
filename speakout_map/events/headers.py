"""The header row of an organiser's own spreadsheet, read as our columns: "Start Date" is the date, "Ciudad" the city.

Organisers upload what they already have: an export of an event platform
(``Event Name, Venue, City, State, Zip, Country, Start Date, Start Time,
Event URL``) or a sheet a volunteer made in Spanish (``ciudad; país; fecha;
lugar``). Each header cell is folded (:func:`fold_header`: case, accents,
spaces and punctuation do not count) and looked up among our column names and
:data:`HEADER_NAMES`, the usual names of each column in English and Spanish.

Our own name always wins: a sheet with a ``date`` column keeps it, and its
"Event Date" column is one we do not use. Two other names for one column are
not guessed between (:class:`HeaderReading`'s ``conflicts``): the organiser
says which. A name that is not listed (``Date created``) is never read as a
column, and postal codes are known and left out without a word.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from speakout_map.events.model import COLUMNS, READ_ONLY_COLUMNS

#: A column that is known and left out (postal codes: the city and country place an event).
IGNORED = ""
#: What an organiser's mapping says of a column to leave out (see :mod:`speakout_map.events.sheet_reading`).
IGNORE = "ignore"

#: Other names of our columns, as organisers' sheets and event platforms' exports write them.
_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("Event Name", "Event title", "Name", "Título", "Titulo", "Nombre del evento", "Evento"),
    "date": ("Start Date", "Event Date", "Fecha", "Día", "Fecha del evento", "Fecha de inicio"),
    "start_time": ("Time", "Hora", "Hora de inicio", "Event Time"),
    "end_time": ("Hora de fin", "Hora final", "Hora de término"),
    "venue": ("Venue name", "Location name", "Location", "Lugar", "Sitio"),
    "address": ("Street", "Street address", "Address 1", "Dirección", "Calle"),
    "city": ("Town", "City/Town", "Ciudad", "Localidad", "Municipio", "Población"),
    "region": ("State", "Province", "State/Province", "State or province", "County", "Provincia", "Estado",
               "Comunidad autónoma"),
    "country": ("Country code", "Country name", "País", "Código de país"),
    "url": ("Event URL", "Event link", "Link", "RSVP link", "RSVP URL", "Website", "Web", "Enlace", "Página del evento"),
    "organiser": ("Host", "Host name", "Organizer", "Organiser name", "Organizer name", "Organization", "Organisation",
                  "Group", "Organizador", "Organizadora", "Organiza", "Organización", "Grupo"),
    "contact_email": ("Host Email", "Host e-mail", "Contact", "Email", "E-mail", "Organizer email",
                      "Correo", "Correo electrónico", "Email de contacto", "Contacto"),
    "description": ("Event description", "Details", "Descripción", "Detalles"),
    "status": ("Event status",),
    "latitude": ("Lat", "Latitud"),
    "longitude": ("Lng", "Lon", "Long", "Longitud"),
    IGNORED: ("Zip", "Zip code", "Postal code", "Postcode", "Post code", "Código postal", "CP"),
}


def other_names() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each of our columns with the other names it is read by, in the format's column order (the page lists them)."""
    return tuple((column, _NAMES[column]) for column in COLUMNS if column in _NAMES)


def fold_header(text: str) -> str:
    """A header cell as matched: lower case, no accents, only its letters and digits (``Start Date`` → ``startdate``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


#: Folded name → our column (or :data:`IGNORED`), for every other name of every column.
HEADER_NAMES = MappingProxyType({fold_header(name): column for column, names in _NAMES.items() for name in names})
#: Folded name → our column, for our own names (``start_time``, ``Start Time``, ``start-time`` alike).
_OWN = MappingProxyType({fold_header(name): name for name in (*COLUMNS, *READ_ONLY_COLUMNS)})


@dataclass(frozen=True)
class HeaderReading:
    """What each header cell is read as.

    ``columns`` has one entry per cell: our column name, :data:`IGNORED` for a
    known column left out, or the cell as written (normalised) when it is none
    of ours. ``renamed`` lists ``(index, as written, column)`` of the cells read
    by another name; ``conflicts`` ``(column, indices)`` of columns that two or
    more other names could be (none of them is used).
    """

    columns: tuple[str, ...]
    renamed: tuple[tuple[int, str, str], ...] = ()
    conflicts: tuple[tuple[str, tuple[int, ...]], ...] = ()


def _no_mapping(cell: str) -> str | None:
    return None


def read_header(
    cells: Sequence[str], normalised: Sequence[str], mapped: Callable[[str], str | None] = _no_mapping
) -> HeaderReading:
    """Each header cell (as written, and as the table normalises it) read as one of our columns, where it is one.

    ``mapped`` gives the organiser's own word on a cell, if any: our column, or
    ``"ignore"`` to leave it out; it wins over every other reading.
    """
    said = {index: mapped(cell) for index, cell in enumerate(cells)}
    own = {index: None if said[index] else _OWN.get(fold_header(cell)) for index, cell in enumerate(cells)}
    present = {column for column in own.values() if column}
    present.update(column for column in said.values() if column)
    candidates: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        column = HEADER_NAMES.get(fold_header(cell))
        if not said[index] and own[index] is None and column is not None and column not in present:
            candidates.setdefault(column, []).append(index)
    columns = [own[index] or name for index, name in enumerate(normalised)]
    renamed, conflicts = [], []
    for index, column in said.items():
        if column == IGNORE:
            columns[index] = IGNORED
        elif column:
            columns[index] = column
            if fold_header(cells[index]) != fold_header(column):
                renamed.append((index, cells[index].strip(), column))
    for column, indices in candidates.items():
        if column == IGNORED:
            for index in indices:
                columns[index] = IGNORED
        elif len(indices) == 1:
            columns[indices[0]] = column
            renamed.append((indices[0], cells[indices[0]].strip(), column))
        else:
            conflicts.append((column, tuple(indices)))
    return HeaderReading(tuple(columns), tuple(sorted(renamed)), tuple(conflicts))
