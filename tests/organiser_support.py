"""Shared by the organisers' tests: cheap argon2 hashes of known passwords, a fake clock, fixtures.

Hashes are made with cheap argon2 parameters so the tests stay fast. Time is a
fake clock: nothing sleeps and nothing measures time. Test modules import the
fixtures they use from here.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher, Type
from argon2.profiles import Parameters

from speakout_map.organisers.passwords import hash_password
from speakout_map.organisers.roster import Organiser, load_organisers
from speakout_map.organisers.throttle import InMemoryLoginFailures, LoginThrottle

CHEAP = PasswordHasher.from_parameters(
    Parameters(type=Type.ID, version=19, salt_len=16, hash_len=32, time_cost=1, memory_cost=8, parallelism=1)
)
ALICE_PASSWORD = "correct horse battery staple"
BOB_PASSWORD = "s3cret-Bob"
ALICE_HASH = hash_password(ALICE_PASSWORD, hasher=CHEAP)
BOB_HASH = hash_password(BOB_PASSWORD, hasher=CHEAP)
T0 = datetime(2013, 9, 3, 12, 0, tzinfo=timezone.utc)


class FakeClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def throttle(clock: FakeClock) -> LoginThrottle:
    return LoginThrottle(InMemoryLoginFailures(), max_failures=5, window=timedelta(minutes=15), clock=clock)


@pytest.fixture
def organisers() -> dict[str, Organiser]:
    return load_organisers({"organisers": {"Alice": ALICE_HASH, "bob": BOB_HASH}}, {})
