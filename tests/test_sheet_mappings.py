"""Readings of sheets remembered in the store, by header row."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from speakout_map.events.sheet_reading import PLAIN, DateFormat, SheetReading, headers_key
from speakout_map.store.schema import sheet_mappings_table
from speakout_map.store.store import Store

AT = dt.datetime(2026, 12, 1, 12, tzinfo=dt.timezone.utc)
KEY = headers_key(["Start Date", "Pueblo", "Nation"])


@pytest.fixture
def store():
    opened = Store.open("sqlite://")
    yield opened
    opened.close()


@pytest.mark.parametrize("reading", [
    SheetReading((("Pueblo", "city"), ("Nation", "country"))),
    SheetReading(date_format=DateFormat.MONTH_DAY_YEAR),
    SheetReading((("Notas ñ", "ignore"),), DateFormat.DOTTED),
])
def test_a_reading_is_remembered_by_its_headers(store, reading):
    mappings = store.sheet_mappings()
    assert mappings.get(KEY) is None
    mappings.save(KEY, reading, AT)
    assert mappings.get(KEY) == reading
    assert mappings.get(headers_key(["Pueblo", "Start Date", "Nation"])) is None


def test_saving_again_replaces_and_a_plain_reading_forgets(store):
    mappings = store.sheet_mappings()
    mappings.save(KEY, SheetReading((("Pueblo", "city"),)), AT)
    mappings.save(KEY, SheetReading((("Pueblo", "venue"),)), AT)
    assert mappings.get(KEY) == SheetReading((("Pueblo", "venue"),))
    mappings.save(KEY, PLAIN, AT)
    assert mappings.get(KEY) is None


@pytest.mark.parametrize(("mapping", "date_format"), [
    ('[["Pueblo", "town"]]', None), ("not json", None), ('[["Pueblo"]]', None), ("[]", "YYYY/DD"),
])
def test_a_reading_that_no_longer_reads_is_forgotten_not_a_crash(store, mapping, date_format):
    store.sheet_mappings().save(KEY, SheetReading((("Pueblo", "city"),)), AT)
    with store._writing("damage") as conn:
        conn.execute(update(sheet_mappings_table).values(mapping=mapping, date_format=date_format))
    assert store.sheet_mappings().get(KEY) is None
