"""Shared by the event store's tests: sample events, counting rows, racing threads.

Also the publish attempt on a read-only store file, which a test runs in a
child process as an unprivileged user when the tests run as root.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from speakout_map.errors import StoreError
from speakout_map.events.model import Event, Status
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.store.schema import version_events_table
from speakout_map.store.store import Store

UTC = dt.timezone.utc


def placed(city: str = "Madrid", row: int = 2, **changes) -> PlacedEvent:
    event = Event(city=city, country_code=changes.pop("country_code", "ES"), date=dt.date(2013, 9, 3), row=row, **changes)
    return PlacedEvent(event, Place(city, event.country_code, 40.4168, -3.7038, "Europe/Madrid", "gazetteer"))


def batch(prefix: str, n: int) -> tuple[PlacedEvent, ...]:
    return tuple(placed(f"{prefix} {i}", row=i + 2) for i in range(n))


TRICKY = (
    PlacedEvent(
        Event(
            city="Göteborg",
            country_code="SE",
            date=dt.date(2013, 9, 3),
            title="Speak Out – «Göteborg» 🌍 <b>&amp;</b> 'quotes' \"double\"",
            start_time=dt.time(18, 30),
            end_time=dt.time(23, 59, 59, 999999),
            venue="Gustaf Adolfs torg",
            address="Line one\nLine two\ttab",
            url="https://example.org/event?a=1&b=2",
            status=Status.DETAILS_TO_COME,
            organiser="Åsa Ö",
            contact_email="private@example.org",
            description="  spaces kept  ",
            latitude=0.1 + 0.2,
            longitude=-179.99999999999997,
            row=9999,
        ),
        Place("Göteborg", "SE", 57.70716, 11.96679, "Europe/Stockholm", "csv"),
    ),
    PlacedEvent(
        Event(city="Ottawa", country_code="CA", date=dt.date(1, 1, 1), row=0),
        Place("Ottawa", "CA", 5e-324, -1.7976931348623157e308, "", "nominatim"),
    ),
    PlacedEvent(
        Event(city="Nuuk", country_code="GL", date=dt.date(9999, 12, 31), start_time=dt.time(0, 0), latitude=-0.0, longitude=90.0, row=3),
        Place("Nuuk", "GL", 64.18347, -51.72157, "America/Nuuk", "photon"),
    ),
)


def table_rows(store: Store, table) -> int:
    with store._engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def run_together(*jobs: Callable[[], object]) -> list[object]:
    """Run jobs in threads released at the same moment; their results or exceptions."""
    start = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        start.wait(timeout=10)
        try:
            results[i] = jobs[i]()
        except Exception as exc:  # collected and checked by the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def published_state(store: Store) -> tuple[object, ...]:
    return store.latest_number(), store.latest(), table_rows(store, version_events_table)


def publish_over_read_only(path: Path) -> tuple[str, bool]:
    """Try to publish batch B over the store file at ``path``, which holds batch A as version 1.

    Returns the StoreError's message ("" if publishing worked) and whether
    batch A is still what the store publishes afterwards.
    """
    with Store.open(f"sqlite:///{path}") as read_only:
        try:
            read_only.publish(batch("B", 2), by="bob", source="b.csv", based_on=1)
        except StoreError as exc:
            error = str(exc)
        else:
            error = ""
        return error, read_only.latest().events == batch("A", 3)
