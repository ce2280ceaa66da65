"""The event store's tables, and how a placed event becomes a row and back.

The tables, defined once with SQLAlchemy Core so SQLite and PostgreSQL get
the same schema:

* ``event_versions``: one row per published version (never updated);
* ``event_version_rows``: the events of each version, every Event field
  (contact_email included) and its Place (never updated);
* ``geocode_answers``: the online geocoder's answers, shared by app servers;
* ``login_failures``: failed sign-ins, counted by the sign-in throttle;
* ``proposals``: events proposed by supporters, with their review (never
  published until approved; see :mod:`speakout_map.store.proposals`);
* ``going_marks``: one row per session that said "I'll be there" to an
  event, the event named by its UID (:mod:`speakout_map.events.identity`),
  the session by a keyed digest (see :mod:`speakout_map.store.going_marks`);
* ``client_actions``: recent proposals and "I'll be there" clicks per
  client key, counted by the public rate limits (deleted after a day);
* ``site_secrets``: random keys made on first use and shared by every app
  server (digests of sessions and addresses, the challenge);
* ``guide_versions``: every published version of the host-your-own-event
  guide, per language (never updated; see
  :mod:`speakout_map.store.guide_versions`);
* ``materials``: organisers' posters and files to share, their thumbnail,
  and their bytes unless a folder keeps them (only ``removed_at`` and
  ``removed_by`` are ever set afterwards; see :mod:`speakout_map.store.materials`).

Times are kept in UTC (:class:`UTCDateTime`).

A column added to a table after databases were made with it is listed in
:data:`ADDED_COLUMNS` with a server default; opening an older database adds
it (:func:`add_missing_columns`, ``ALTER TABLE ... ADD COLUMN``, the same
statement on SQLite and PostgreSQL), and the rows already there get the
default.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Connection,
    Engine,
    Inspector,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    Time,
    TypeDecorator,
    inspect,
)
from sqlalchemy.exc import SQLAlchemyError

from speakout_map.events.model import Event, Status
from speakout_map.places.place import Place, PlacedEvent


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC (SQLite keeps no zone; PostgreSQL timestamptz)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"datetime {value!r} has no time zone; the store keeps UTC times only")
        utc = value.astimezone(timezone.utc)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


metadata = MetaData()

versions_table = Table(
    "event_versions",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("published_by", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("row_count", Integer, nullable=False),
    CheckConstraint("number >= 1", name="event_versions_number_positive"),
)

version_events_table = Table(
    "event_version_rows",
    metadata,
    Column("version_number", Integer, ForeignKey("event_versions.number"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    # the Event
    Column("city", Text, nullable=False),
    Column("country_code", Text, nullable=False),
    Column("event_date", Date, nullable=False),
    Column("title", Text, nullable=False),
    Column("start_time", Time, nullable=True),
    Column("end_time", Time, nullable=True),
    Column("venue", Text, nullable=False),
    Column("address", Text, nullable=False),
    # Added with issue 15 (ADDED_COLUMNS): older databases get it, "" in the rows already there.
    Column("region", Text, nullable=False, server_default=""),
    Column("url", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("organiser", Text, nullable=False),
    Column("contact_email", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("latitude", Double, nullable=True),
    Column("longitude", Double, nullable=True),
    Column("sheet_row", Integer, nullable=False),
    # its Place
    Column("place_name", Text, nullable=False),
    Column("place_country_code", Text, nullable=False),
    Column("place_latitude", Double, nullable=False),
    Column("place_longitude", Double, nullable=False),
    Column("place_timezone", Text, nullable=False),
    Column("place_source", Text, nullable=False),
)

geocode_answers_table = Table(
    "geocode_answers",
    metadata,
    Column("key", Text, primary_key=True),
    Column("location", Text, nullable=True),  # JSON; NULL means "not found"
    Column("stored_at", Double, nullable=False),
)

login_failures_table = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False),
    Column("failed_at", UTCDateTime(), nullable=False),
    Index("login_failures_key_time", "key", "failed_at"),
)

proposals_table = Table(
    "proposals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("status", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    # SHA-256 of the host's private status token (the token itself is never stored).
    Column("token_digest", Text, nullable=False, unique=True),
    # The event's columns as the form's text, JSON (contact_email included: organisers only).
    Column("cells", Text, nullable=False),
    Column("decided_by", Text, nullable=False, default=""),
    Column("decided_at", UTCDateTime(), nullable=True),
    Column("reason", Text, nullable=False, default=""),
    Column("version_number", Integer, nullable=True),
    CheckConstraint("status in ('pending', 'approved', 'declined', 'withdrawn')", name="proposals_status_known"),
    Index("proposals_status_created", "status", "created_at"),
)

going_marks_table = Table(
    "going_marks",
    metadata,
    Column("event_uid", Text, primary_key=True),
    Column("session_digest", Text, primary_key=True),
    Column("marked_at", UTCDateTime(), nullable=False),
)

client_actions_table = Table(
    "client_actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Index("client_actions_key_time", "key", "at"),
)

site_secrets_table = Table(
    "site_secrets",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

guide_versions_table = Table(
    "guide_versions",
    metadata,
    Column("language", Text, primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("published_by", Text, nullable=False),
    # What made it: the file it was seeded from, "edit in app", "rollback to version N".
    Column("source", Text, nullable=False),
    Column("markdown", Text, nullable=False),
    CheckConstraint("number >= 1", name="guide_versions_number_positive"),
)

materials_table = Table(
    "materials",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("media_type", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", Text, nullable=False),
    # The file's bytes; NULL when the materials folder keeps them (named by sha256).
    Column("content", LargeBinary, nullable=True),
    # A small PNG made from the file; NULL when it has none (the page shows an icon).
    Column("thumbnail", LargeBinary, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_by", Text, nullable=False),
    Column("removed_at", UTCDateTime(), nullable=True),
    Column("removed_by", Text, nullable=False, default=""),
    CheckConstraint("size >= 1", name="materials_size_positive"),
    Index("materials_removed_created", "removed_at", "created_at"),
)

# How organisers said to read a sheet (their headers -> our columns, its date format), remembered for the
# next sheet with the same headers. Keyed by a digest of the folded header row; no event text, no person.
sheet_mappings_table = Table(
    "sheet_mappings",
    metadata,
    Column("headers_key", Text, primary_key=True),
    # JSON: [[header as written, our column or "ignore"], ...]
    Column("mapping", Text, nullable=False),
    Column("date_format", Text, nullable=True),
    Column("saved_at", UTCDateTime(), nullable=False),
)


# --- columns added to existing tables ----------------------------------------------------------

#: (table, column) of each column added after databases were made without it; each has a server default.
ADDED_COLUMNS: tuple[tuple[str, str], ...] = (("event_version_rows", "region"),)


def missing_columns(inspector: Inspector) -> list[tuple[str, str]]:
    """The :data:`ADDED_COLUMNS` that the database's existing tables do not have yet."""
    tables = set(inspector.get_table_names())
    missing = []
    for table, column in ADDED_COLUMNS:
        if table in tables and column not in {c["name"] for c in inspector.get_columns(table)}:
            missing.append((table, column))
    return missing


def _add_column_sql(connection: Connection, table: str, column: str) -> str:
    col = metadata.tables[table].columns[column]
    preparer = connection.dialect.identifier_preparer
    kind = col.type.compile(dialect=connection.dialect)
    default = connection.dialect.statement_compiler(connection.dialect, None).render_literal_value(
        col.server_default.arg, col.type)  # type: ignore[union-attr]
    null = "" if col.nullable else " NOT NULL"
    return (f"ALTER TABLE {preparer.quote(table)} ADD COLUMN {preparer.quote(column)} {kind}{null} "
            f"DEFAULT {default}")


def add_missing_columns(engine: Engine) -> None:
    """Add each missing :data:`ADDED_COLUMNS` column; another process adding it at the same moment is fine."""
    from sqlalchemy import text

    for table, column in missing_columns(inspect(engine)):
        try:
            with engine.begin() as connection:
                connection.execute(text(_add_column_sql(connection, table, column)))
        except SQLAlchemyError:
            if (table, column) in missing_columns(inspect(engine)):  # not a race lost: a real failure
                raise


# --- PlacedEvent <-> row -----------------------------------------------------------


def placed_event_to_row(placed: PlacedEvent, *, version: int, position: int) -> dict[str, object]:
    """The stored row of one event (every Event field, contact_email included, and its Place)."""
    e, p = placed.event, placed.place
    return {
        "version_number": version,
        "position": position,
        "city": e.city,
        "country_code": e.country_code,
        "event_date": e.date,
        "title": e.title,
        "start_time": e.start_time,
        "end_time": e.end_time,
        "venue": e.venue,
        "address": e.address,
        "region": e.region,
        "url": e.url,
        "status": Status(e.status).value,
        "organiser": e.organiser,
        "contact_email": e.contact_email,
        "description": e.description,
        "latitude": e.latitude,
        "longitude": e.longitude,
        "sheet_row": e.row,
        "place_name": p.name,
        "place_country_code": p.country_code,
        "place_latitude": p.latitude,
        "place_longitude": p.longitude,
        "place_timezone": p.timezone,
        "place_source": p.source,
    }


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _as_time(value: object) -> time | None:
    if value is None or isinstance(value, time):
        return value
    return time.fromisoformat(str(value))


def _as_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def placed_event_from_row(row: Mapping[str, Any]) -> PlacedEvent:
    """The PlacedEvent a stored row holds (the inverse of :func:`placed_event_to_row`)."""
    event_ = Event(
        city=row["city"],
        country_code=row["country_code"],
        date=_as_date(row["event_date"]),
        title=row["title"],
        start_time=_as_time(row["start_time"]),
        end_time=_as_time(row["end_time"]),
        venue=row["venue"],
        address=row["address"],
        region=row["region"],
        url=row["url"],
        status=Status(row["status"]),
        organiser=row["organiser"],
        contact_email=row["contact_email"],
        description=row["description"],
        latitude=_as_float(row["latitude"]),
        longitude=_as_float(row["longitude"]),
        row=int(row["sheet_row"]),
    )
    place = Place(
        name=row["place_name"],
        country_code=row["place_country_code"],
        latitude=float(row["place_latitude"]),
        longitude=float(row["place_longitude"]),
        timezone=row["place_timezone"],
        source=row["place_source"],
    )
    return PlacedEvent(event_, place)
