"""Shared by the supporters' tests: a good proposal's fields, a clock, a published store."""

from __future__ import annotations

import datetime as dt

from speakout_map.store import publishing
from speakout_map.store.store import Store
from speakout_map.supporters.checking import CheckedProposal, check_proposal
from tests.store_support import batch

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=UTC)

GOOD = {
    "title": "Speak Out in Lyon",
    "city": "Lyon",
    "country": "France",
    "date": "2026-12-20",
    "start_time": "18:30",
    "venue": "Place Bellecour",
    "address": "Place Bellecour, 69002 Lyon",
    "url": "https://example.org/lyon",
    "description": "Bring a placard.",
    "contact_email": "host@example.org",
}


class Clock:
    """A clock a test moves by hand."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def checked(geocoder, **changes: str) -> CheckedProposal:
    return check_proposal({**GOOD, **changes}, geocoder=geocoder)


def published_store(store: Store, n: int = 3) -> Store:
    """``store`` with version 1 published: ``n`` events in Spain."""
    store.publish(batch("Town", n), by="seed", source="seed", based_on=None)
    return store


def republish_latest(store: Store) -> None:
    """Publish the latest version's events again, unchanged."""
    latest = store.latest()
    store.publish(latest.events, by="test", source="again", based_on=latest.info.number)


def rollback(store: Store, number: int) -> None:
    publishing.publish(publishing.prepare_rollback(number, store=store), store=store, by="test")
