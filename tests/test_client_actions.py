"""The public rate limits' log and the site's secrets (speakout_map.store.client_actions)."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.errors import RateLimitedError
from speakout_map.store.client_actions import MAX_AGE
from speakout_map.store.schema import client_actions_table
from speakout_map.store.store import Store
from speakout_map.supporters.guards import PROPOSAL_LIMITS, RateLimiter
from tests.store_support import table_rows
from tests.supporters_support import NOW, Clock


def test_actions_are_counted_per_key_and_old_ones_deleted(store) -> None:
    log = store.client_actions()
    log.record_login_failure("propose:session:a", NOW - MAX_AGE - dt.timedelta(minutes=1))
    log.record_login_failure("propose:session:a", NOW - dt.timedelta(minutes=5))
    log.record_login_failure("propose:session:b", NOW)
    assert table_rows(store, client_actions_table) == 2  # the day-old one went
    assert log.count_login_failures("propose:session:a", NOW - dt.timedelta(hours=1)) == 1
    assert log.login_failure_times("propose:session:b", NOW) == [NOW]
    log.clear_login_failures("propose:session:b")
    assert log.count_login_failures("propose:session:b", NOW - dt.timedelta(hours=1)) == 0


def test_a_limit_holds_across_app_servers(store_url: str) -> None:
    clock = Clock()
    first, second = Store.open(store_url), Store.open(store_url)
    try:
        for _ in range(PROPOSAL_LIMITS[0].count):
            RateLimiter(first.client_actions(), PROPOSAL_LIMITS, clock=clock).record(("session:a",))
        with pytest.raises(RateLimitedError):
            RateLimiter(second.client_actions(), PROPOSAL_LIMITS, clock=clock).check(("session:a",))
    finally:
        first.close()
        second.close()


def test_a_site_secret_is_made_once_and_shared(store_url: str) -> None:
    first, second = Store.open(store_url), Store.open(store_url)
    try:
        secret = first.site_secret("client-keys")
        assert len(secret) == 64
        assert second.site_secret("client-keys") == secret == first.site_secret("client-keys")
        assert first.site_secret("other") != secret
    finally:
        first.close()
        second.close()
