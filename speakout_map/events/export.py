"""Views and files of events: the public table, CSV-form rows, CSV and GeoJSON exports, the template.

Everything a visitor or an organiser can open in a spreadsheet is neutralised
here (:func:`neutralise_cell`): the CSV exports, and the tables the pages show
(:func:`neutralise_rows`), since a shown table can be downloaded as CSV.

``contact_email`` leaves through here only when a caller asks for private
fields (``include_private=True``, organisers' exports); the table and the
default exports never contain it.

The public table is in the visitor's language (:func:`table_columns`,
:func:`table_rows` with their translator); the files (CSV, GeoJSON, the
template) are the events file's format and stay in English whatever the
language.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from speakout_map.events.formatting import table_time_range
from speakout_map.events.model import COLUMNS, ID_COLUMN, PRIVATE_COLUMNS, Event, Status
from speakout_map.languages.translator import Translator, english
from speakout_map.places.countries import country_name
from speakout_map.places.place import PlacedEvent

log = logging.getLogger(__name__)

#: Columns of the public events table, in order, in English (:func:`table_columns` gives them in any language).
TABLE_COLUMNS: tuple[str, ...] = ("Date", "Time", "City", "Country", "Event", "Venue", "Status", "Link")


def table_columns(translator: Translator | None = None) -> tuple[str, ...]:
    """The public table's column headers in the translator's language, in :data:`TABLE_COLUMNS` order.

    They are also the keys of :func:`table_rows`' dicts. The last one is
    always the link column (:func:`link_column`). Should a catalogue give
    two columns the same header, the table would lose one, so the English
    headers are used instead (with an error in the log).
    """
    t = translator or english()
    headers = (
        # Translators: headers of the columns of the events table on the map page.
        t("Date"),
        t("Time"),
        t("City"),
        t("Country"),
        t("Event"),
        t("Venue"),
        t("Status"),
        # Translators: header of the events table's column of links to each event's own page.
        t("Link"),
    )
    if len(set(headers)) != len(headers):
        log.error("the %s headers of the events table are not all different (%s); showing the English",
                  t.language, headers)
        return TABLE_COLUMNS
    return headers


def link_column(translator: Translator | None = None) -> str:
    """The header of the table's column of links, in the translator's language (the last of :func:`table_columns`)."""
    return table_columns(translator)[-1]


def place_text(event: Event) -> str:
    """The city, then the region if the event has one: "Springfield, IL" (plain text, escaped where shown)."""
    return f"{event.city}, {event.region}" if event.region else event.city


def table_rows(placed: Iterable[PlacedEvent], translator: Translator | None = None) -> list[dict[str, str]]:
    """One dict per event, keyed by :func:`table_columns` in that order: plain text, escaped by the renderer.

    Dates, countries, statuses, times and made-up titles are in the
    translator's language (English without one); the event's own text and
    its link are as the organisers wrote them. The city is followed by the
    region when there is one ("Springfield, IL": :func:`place_text`).
    """
    t = translator or english()
    columns = table_columns(t)
    rows = []
    for p in placed:
        e = p.event
        venue = ", ".join(part for part in (e.venue, e.address) if part)
        values = (
            t.date(e.date),
            t.text(table_time_range(e.start_time, e.end_time)),
            place_text(e),
            t.country(e.country_code),
            t.text(e.title_text),
            venue,
            t.text(Status(e.status).label),
            e.url,
        )
        rows.append(dict(zip(columns, values, strict=True)))
    return rows


# --- files: CSV (the upload format), GeoJSON, the template --------------------


def _columns(include_private: bool) -> list[str]:
    return [c for c in COLUMNS if include_private or c not in PRIVATE_COLUMNS]


def events_to_rows(events: Iterable[Event], *, include_private: bool = False) -> list[dict[str, str]]:
    """Turn events back into CSV-format rows (strings, keyed by column), e.g. for tables and exports."""
    columns = _columns(include_private)
    rows = []
    for e in events:
        values = {
            "city": e.city,
            "country": e.country_code,
            "date": e.date.isoformat(),
            "title": e.title,
            "start_time": e.start_time.strftime("%H:%M") if e.start_time else "",
            "end_time": e.end_time.strftime("%H:%M") if e.end_time else "",
            "venue": e.venue,
            "address": e.address,
            "region": e.region,
            "url": e.url,
            "status": e.status.value,
            "organiser": e.organiser,
            "contact_email": e.contact_email,
            "description": e.description,
            "latitude": "" if e.latitude is None else repr(e.latitude),
            "longitude": "" if e.longitude is None else repr(e.longitude),
        }
        rows.append({c: values[c] for c in columns})
    return rows


#: Columns whose cells are free text a spreadsheet could mistake for a formula.
#: Dates, times and coordinates are not: ``-3.7`` must stay a number.
TEXT_COLUMNS: frozenset[str] = frozenset(COLUMNS) - {"date", "start_time", "end_time", "latitude", "longitude"}

_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def neutralise_cell(text: str) -> str:
    """Put an apostrophe before text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR).

    Text already starting with apostrophes before such a character gets one
    more, so that reading (which removes exactly one, see
    :func:`speakout_map.events.cells.clean_cell`) gives the original back.
    """
    return "'" + text if _FORMULA_START.match(text) else text


#: A number as written (``-3.7038``, ``+34``, ``1e5``): a spreadsheet reads it as that number, never as a formula.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise_rows(rows: Iterable[Mapping[str, object]]) -> list[dict[str, object]]:
    """Rows for a table a page shows, with every text cell as safe to open in a spreadsheet as the CSV export.

    A shown table can be downloaded as CSV (Streamlit's table toolbar), so
    every text cell a spreadsheet would run as a formula gets the export's
    apostrophe (:func:`neutralise_cell`: ``=HYPERLINK(...)`` is shown as
    ``'=HYPERLINK(...)``), whatever its column: event text, problems quoting a
    file, file names. Numbers written as text (``-3.7038``) and links
    (``https://...``) are not formulas and stay as they are; other values
    (numbers, dates, None) too.
    """
    return [
        {
            key: neutralise_cell(value) if isinstance(value, str) and not _NUMBER.fullmatch(value) else value
            for key, value in row.items()
        }
        for row in rows
    ]


def events_to_csv(events: Sequence[Event], *, include_private: bool, bom: bool = True,
                  going: Sequence[int] | None = None, ids: Sequence[str] | None = None) -> str:
    """Events as a CSV in the upload format, safe to open in a spreadsheet.

    The header is :data:`~speakout_map.events.model.COLUMNS`, without
    ``contact_email`` unless ``include_private`` (organisers' exports only).
    Text cells that a spreadsheet would run as a formula are neutralised with
    a leading apostrophe (:func:`neutralise_cell`); uploading the file again
    removes it, so ``parse_events_text(events_to_csv(events, include_private=True))``
    gives the same events back (``row`` aside). Lines end with CRLF. With
    ``bom`` (the default) the text starts with U+FEFF, so that Excel, once the
    text is saved as UTF-8, shows accents correctly; the reader ignores it.
    ``going`` (each event's "I'll be there" count, in order) adds the
    read-only ``going`` column, which uploads ignore. ``ids`` (each event's
    UID in the version exported, in order: :func:`~speakout_map.events.identity.event_uids`
    of the whole version, never of a part) adds the read-only ``id`` column,
    last: an upload that adds and updates matches its rows by it
    (:mod:`speakout_map.events.merging`).
    """
    columns = _columns(include_private)
    if going is not None and len(going) != len(events):
        raise ValueError("going needs one count per event")
    if ids is not None and len(ids) != len(events):
        raise ValueError("ids needs one id per event")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns + (["going"] if going is not None else []) + ([ID_COLUMN] if ids is not None else []))
    for index, row in enumerate(events_to_rows(events, include_private=include_private)):
        cells = [neutralise_cell(row[c]) if c in TEXT_COLUMNS else row[c] for c in columns]
        writer.writerow(cells + ([str(int(going[index]))] if going is not None else [])
                        + ([neutralise_cell(ids[index])] if ids is not None else []))
    return ("\ufeff" if bom else "") + buffer.getvalue()


def events_to_csv_bytes(events: Sequence[Event], *, include_private: bool, going: Sequence[int] | None = None,
                        ids: Sequence[str] | None = None) -> bytes:
    """:func:`events_to_csv` as UTF-8 bytes with a BOM, ready for a download."""
    return events_to_csv(events, include_private=include_private, bom=True, going=going, ids=ids).encode("utf-8")


def _coordinate(value: float, limit: float, name: str) -> float:
    number = float(value)
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise ValueError(f"{name} {value!r} is not between -{limit:g} and {limit:g}")
    return number


def events_to_geojson(placed: Sequence[PlacedEvent], *, include_private: bool = False,
                      going: Sequence[int] | None = None) -> dict[str, Any]:
    """Placed events as an RFC 7946 GeoJSON FeatureCollection (a dict ready for ``json.dumps``).

    Each event is a Feature with a Point geometry ``[longitude, latitude]`` (where
    the map shows it) and, as properties, the public CSV fields as text (empty
    cells ``""``), except ``latitude``/``longitude`` which are the shown point as
    numbers, plus ``timezone`` (IANA name, ``""`` if unknown). ``contact_email``
    only with ``include_private``; ``going`` (each event's "I'll be there"
    count, in order) as the number ``going``. Raises ValueError for a place
    whose coordinates are not finite or out of range.
    """
    if going is not None and len(going) != len(placed):
        raise ValueError("going needs one count per event")
    features = []
    rows = events_to_rows([p.event for p in placed], include_private=include_private)
    for item, row in zip(placed, rows, strict=True):
        lat = _coordinate(item.place.latitude, 90.0, "latitude")
        lon = _coordinate(item.place.longitude, 180.0, "longitude")
        properties: dict[str, Any] = dict(row)
        properties["latitude"] = lat
        properties["longitude"] = lon
        properties["timezone"] = item.place.timezone or ""
        if going is not None:
            properties["going"] = int(going[len(features)])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def geojson_text(placed: Sequence[PlacedEvent], *, include_private: bool = False, indent: int | None = None,
                 going: Sequence[int] | None = None) -> str:
    """:func:`events_to_geojson` as JSON text (UTF-8 characters kept, no NaN)."""
    return json.dumps(events_to_geojson(placed, include_private=include_private, going=going), ensure_ascii=False,
                      allow_nan=False, indent=indent)


#: The fictional event shown in the template (coordinates left empty on purpose:
#: a copied row with a new city but old coordinates would be placed wrongly).
TEMPLATE_EVENT = Event(
    city="Madrid",
    country_code="ES",
    date=dt.date(2013, 9, 3),
    title="Rally in Madrid (example: replace this row)",
    start_time=dt.time(19, 0),
    end_time=dt.time(21, 0),
    venue="Plaza Mayor",
    address="Plaza Mayor, 28012 Madrid",
    url="https://example.org/madrid",
    status=Status.CONFIRMED,
    organiser="Example Group",
    contact_email="organiser@example.org",
    description="Bring a placard. Coordinates (latitude, longitude) are optional: leave them empty to place the city.",
)


def template_csv(*, bom: bool = True, day: dt.date | None = None) -> str:
    """A CSV with every column and one fictional example row, itself valid (country written as a name).

    ``day`` dates the example (the campaign's day of action); the default is :data:`TEMPLATE_EVENT`'s.
    """
    example = TEMPLATE_EVENT if day is None else replace(TEMPLATE_EVENT, date=day)
    (row,) = events_to_rows([example], include_private=True)
    row["country"] = country_name(TEMPLATE_EVENT.country_code)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow([neutralise_cell(row[c]) if c in TEXT_COLUMNS else row[c] for c in COLUMNS])
    return ("\ufeff" if bom else "") + buffer.getvalue()
