"""The store's tables and the row of a placed event (schema.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from speakout_map.events.model import Event
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.store.schema import UTCDateTime, placed_event_from_row, placed_event_to_row, version_events_table
from tests.store_support import TRICKY


STORED_EVENT_FIELDS = {
    "city", "country_code", "date", "title", "start_time", "end_time", "venue", "address", "region", "url",
    "status", "organiser", "contact_email", "description", "latitude", "longitude", "row",
}
STORED_PLACE_FIELDS = {"name", "country_code", "latitude", "longitude", "timezone", "source"}


def test_every_event_and_place_field_is_stored():
    """A new field on Event or Place needs a column and both conversions in schema.py, then a line here."""
    assert {f.name for f in fields(Event)} == STORED_EVENT_FIELDS
    assert {f.name for f in fields(Place)} == STORED_PLACE_FIELDS
    row = placed_event_to_row(TRICKY[0], version=1, position=0)
    assert placed_event_from_row(row) == TRICKY[0]
    assert set(row) == {c.name for c in version_events_table.columns}


# --- times are kept in UTC -------------------------------------------------------------------

PARIS_SUMMER = dt.timezone(dt.timedelta(hours=2))


@pytest.mark.parametrize(
    ("dialect", "value", "stored"),
    [
        (sqlite.dialect(), dt.datetime(2026, 5, 1, 14, 0, tzinfo=PARIS_SUMMER), dt.datetime(2026, 5, 1, 12, 0)),
        (sqlite.dialect(), dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.timezone.utc), dt.datetime(2026, 5, 1, 12, 0)),
        (
            postgresql.dialect(),
            dt.datetime(2026, 5, 1, 14, 0, tzinfo=PARIS_SUMMER),
            dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.timezone.utc),
        ),
        (sqlite.dialect(), None, None),
    ],
)
def test_aware_times_are_stored_in_utc(dialect, value, stored):
    bound = UTCDateTime().process_bind_param(value, dialect)
    assert bound == stored
    if stored is not None:
        assert bound.tzinfo == stored.tzinfo  # SQLite gets a naive UTC time, PostgreSQL an aware one


class NoOffset(dt.tzinfo):
    def utcoffset(self, _when):
        return None


@pytest.mark.parametrize("value", [dt.datetime(2026, 5, 1, 12, 0), dt.datetime(2026, 5, 1, 12, 0, tzinfo=NoOffset())])
@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()])
def test_times_without_a_zone_are_refused(value, dialect):
    with pytest.raises(ValueError, match="has no time zone; the store keeps UTC times only"):
        UTCDateTime().process_bind_param(value, dialect)


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        (dt.datetime(2026, 5, 1, 12, 0), dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.timezone.utc)),  # SQLite
        (dt.datetime(2026, 5, 1, 14, 0, tzinfo=PARIS_SUMMER), dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.timezone.utc)),
        (None, None),
    ],
)
def test_times_read_back_are_aware_and_in_utc(read, expected):
    value = UTCDateTime().process_result_value(read, sqlite.dialect())
    assert value == expected
    if expected is not None:
        assert value.tzinfo is dt.timezone.utc


# --- columns added later: an older database gets them -------------------------------------------


def _old_database(url: str) -> None:
    """A store made before the region column: every table, event_version_rows without region, one event."""
    from sqlalchemy import create_engine, text

    from speakout_map.store.schema import metadata, versions_table

    engine = create_engine(url)
    try:
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE event_version_rows DROP COLUMN region"))
            connection.execute(versions_table.insert().values(
                number=1, created_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), published_by="alice",
                source="old.csv", row_count=1))
            row = placed_event_to_row(TRICKY[1], version=1, position=0)
            del row["region"]
            columns = ", ".join(row)
            connection.execute(text(f"INSERT INTO event_version_rows ({columns}) VALUES "
                                    f"({', '.join(':' + c for c in row)})"), row)
    finally:
        engine.dispose()


def test_an_older_database_gets_the_region_column_and_keeps_its_events(store_url):
    from dataclasses import replace

    from sqlalchemy import create_engine, inspect

    from speakout_map.store.schema import missing_columns
    from speakout_map.store.store import Store

    if store_url.startswith("sqlite:///"):
        Path(store_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    _old_database(store_url)
    engine = create_engine(store_url)
    assert missing_columns(inspect(engine)) == [("event_version_rows", "region")]
    engine.dispose()
    with Store.open(store_url) as store:
        assert store.get(1).events == (TRICKY[1],)  # region "" for the rows already there
        springfield = PlacedEvent(replace(TRICKY[1].event, city="Springfield", country_code="US", region="IL <b>"),
                                  TRICKY[1].place)
        store.publish((springfield,), by="bob", source="new.csv", based_on=1)
    with Store.open(store_url) as store:  # opened again: nothing left to add
        assert store.latest().events == (springfield,)
    engine = create_engine(store_url)
    assert missing_columns(inspect(engine)) == []
    engine.dispose()
