"""Spam guards and rate limits (speakout_map.supporters.guards)."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.errors import ProposalRefusedError, RateLimitedError
from speakout_map.organisers.throttle import InMemoryLoginFailures
from speakout_map.supporters.guards import (
    GOING_LIMITS,
    PROPOSAL_LIMITS,
    Limit,
    RateLimiter,
    check_honeypot,
    check_time_trap,
    client_keys,
)
from tests.events_support import check_message
from tests.supporters_support import NOW, Clock


@pytest.mark.parametrize("value", ["", "   ", None, 0])
def test_an_empty_honeypot_passes(value) -> None:
    check_honeypot(value)


@pytest.mark.parametrize("value", ["http://spam.example", "x"])
def test_a_filled_honeypot_is_refused(value: str) -> None:
    with pytest.raises(ProposalRefusedError) as caught:
        check_honeypot(value)
    assert "Leave this empty" in str(caught.value)
    check_message(caught.value.text)


@pytest.mark.parametrize("seconds,refused", [(0, True), (4.9, True), (5, False), (300, False)])
def test_the_time_trap(seconds: float, refused: bool) -> None:
    opened = NOW - dt.timedelta(seconds=seconds)
    if refused:
        with pytest.raises(ProposalRefusedError) as caught:
            check_time_trap(opened, NOW, 5)
        assert "5 seconds" in str(caught.value)
        check_message(caught.value.text)
    else:
        check_time_trap(opened, NOW, 5)


@pytest.mark.parametrize("opened,minimum", [(None, 5), (NOW, 0)])
def test_no_time_trap_without_a_start_or_a_minimum(opened, minimum: float) -> None:
    check_time_trap(opened, NOW, minimum)


def test_client_keys_are_digests() -> None:
    keys = client_keys("secret", "session-token", "203.0.113.9")
    assert [k.split(":")[0] for k in keys] == ["session", "address"]
    assert "session-token" not in "".join(keys) and "203.0.113.9" not in "".join(keys)
    assert client_keys("secret", "session-token") == keys[:1]
    assert client_keys("other", "session-token")[0] != keys[0]
    with pytest.raises(ValueError):
        client_keys("secret", "")


def _limiter(clock: Clock, backend=None) -> RateLimiter:
    return RateLimiter(backend or InMemoryLoginFailures(), PROPOSAL_LIMITS, clock=clock)


def test_a_burst_is_cut_off_and_other_clients_go_on() -> None:
    clock = Clock()
    limiter = _limiter(clock)
    burst, other = ("session:a",), ("session:b",)
    for _ in range(PROPOSAL_LIMITS[0].count):
        limiter.check(burst)
        limiter.record(burst)
    with pytest.raises(RateLimitedError) as caught:
        limiter.check(burst)
    assert 0 < caught.value.retry_after_seconds <= PROPOSAL_LIMITS[0].window.total_seconds()
    check_message(caught.value.text)
    limiter.check(other)  # not affected


def test_a_shared_address_is_cut_off_across_sessions() -> None:
    clock = Clock()
    limiter = _limiter(clock)
    for n in range(PROPOSAL_LIMITS[0].count):
        keys = (f"session:{n}", "address:same")
        limiter.check(keys)
        limiter.record(keys)
    with pytest.raises(RateLimitedError):
        limiter.check(("session:new", "address:same"))


def test_the_window_passes_and_the_days_ceiling_holds() -> None:
    clock = Clock()
    limiter = _limiter(clock)
    keys = ("session:a",)
    sent = 0
    while True:
        try:
            limiter.check(keys)
        except RateLimitedError:
            clock.advance(minutes=11)
            if sent >= PROPOSAL_LIMITS[1].count:
                break
            continue
        limiter.record(keys)
        sent += 1
    assert sent == PROPOSAL_LIMITS[1].count
    with pytest.raises(RateLimitedError) as caught:
        limiter.check(keys)
    assert caught.value.retry_after_seconds > 60 * 60  # the day's ceiling: hours, said in minutes
    assert "minutes" in str(caught.value)
    clock.advance(days=1)
    limiter.check(keys)


def test_limits_are_per_action() -> None:
    backend, clock = InMemoryLoginFailures(), Clock()
    proposals = RateLimiter(backend, PROPOSAL_LIMITS, clock=clock)
    going = RateLimiter(backend, GOING_LIMITS, clock=clock)
    for _ in range(PROPOSAL_LIMITS[0].count):
        proposals.record(("session:a",))
    going.check(("session:a",))


@pytest.mark.parametrize("limits", [(), (Limit("a", 1, dt.timedelta(minutes=1)), Limit("b", 1, dt.timedelta(minutes=1)))])
def test_a_limiter_needs_limits_of_one_action(limits) -> None:
    with pytest.raises(ValueError):
        RateLimiter(InMemoryLoginFailures(), limits)
