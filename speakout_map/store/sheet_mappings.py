"""How organisers said to read their sheets, remembered for the next sheet with the same headers.

An organiser who maps "Start Date" to ``date`` and declares DD/MM/YYYY once
should not have to say it again next week, when the same spreadsheet (with
new rows) comes back. The store keeps one :class:`~speakout_map.events.sheet_reading.SheetReading`
per header row, keyed by :func:`~speakout_map.events.sheet_reading.headers_key`
(a digest of the folded header cells): nothing of the events, no person.
Saved again, a header row's reading replaces the one before; saved empty, it
is forgotten.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from speakout_map.events.sheet_reading import DateFormat, SheetReading
from speakout_map.store.schema import sheet_mappings_table

if TYPE_CHECKING:
    from speakout_map.store.store import Store

_log = logging.getLogger(__name__)


class SheetMappings:
    """The remembered readings in the store (thread-safe, shared by every app server)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, headers_key: str) -> SheetReading | None:
        """The reading remembered for a header row, None if there is none (or it no longer reads)."""
        t = sheet_mappings_table
        with self._store._reading("read how a sheet was read before") as conn:
            row = conn.execute(select(t.c.mapping, t.c.date_format).where(t.c.headers_key == headers_key)).first()
        if row is None:
            return None
        try:
            pairs = tuple((str(header), str(column)) for header, column in json.loads(row.mapping))
            return SheetReading(pairs, DateFormat(row.date_format) if row.date_format else None)
        except (ValueError, TypeError) as exc:  # written by another version of the app: forget it, say so in the log
            _log.warning("a remembered sheet reading could not be used (%s); it is ignored", exc)
            return None

    def save(self, headers_key: str, reading: SheetReading, at: datetime) -> None:
        """Remember ``reading`` for a header row (replacing what was); a plain reading forgets it."""
        t = sheet_mappings_table
        with self._store._writing("remember how a sheet is read") as conn:
            conn.execute(delete(t).where(t.c.headers_key == headers_key))
            if not reading.is_plain:
                conn.execute(t.insert().values(
                    headers_key=headers_key,
                    mapping=json.dumps([list(pair) for pair in reading.mapping], ensure_ascii=False),
                    date_format=reading.date_format.value if reading.date_format else None,
                    saved_at=at,
                ))
