"""Bounding concurrent password checks: a few slots, a bounded wait, a clear "busy" (gate.py)."""

from __future__ import annotations

import threading

import pytest

from speakout_map.errors import SignInBusyError, SignInError
from speakout_map.organisers.gate import MAX_CONCURRENT_CHECKS, PASSWORD_CHECKS, CheckGate


@pytest.mark.parametrize("slots", [1, 2, 3])
def test_a_gate_lets_through_as_many_as_it_has_slots(slots):
    gate = CheckGate(slots, wait_seconds=0.01)
    held = [gate.slot() for _ in range(slots)]
    for slot in held:
        slot.__enter__()
    with pytest.raises(SignInBusyError) as caught:
        with gate.slot():
            pytest.fail("got in beyond the slots")
    assert isinstance(caught.value, SignInError)
    assert "busy" in str(caught.value) and "try again" in str(caught.value)
    held.pop().__exit__(None, None, None)
    with gate.slot():  # a freed slot can be taken again
        pass
    for slot in held:
        slot.__exit__(None, None, None)


def test_a_slot_is_given_back_when_the_check_raises():
    gate = CheckGate(1, wait_seconds=0.01)
    with pytest.raises(RuntimeError):
        with gate.slot():
            raise RuntimeError("boom")
    with gate.slot():
        pass


def test_a_waiting_check_gets_a_slot_that_frees_in_time():
    gate = CheckGate(1, wait_seconds=5)
    entered, release, done = threading.Event(), threading.Event(), threading.Event()

    def holder() -> None:
        with gate.slot():
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    entered.wait(5)
    threading.Timer(0.05, release.set).start()
    with gate.slot():
        done.set()
    thread.join(5)
    assert done.is_set()


@pytest.mark.parametrize(("slots", "wait", "message"), [
    (0, 1.0, "slots"), (-1, 1.0, "slots"), (1, -1.0, "wait_seconds"),
])
def test_a_gate_refuses_nonsense(slots, wait, message):
    with pytest.raises(ValueError, match=message):
        CheckGate(slots, wait_seconds=wait)


def test_the_process_has_one_gate_of_two_slots():
    assert MAX_CONCURRENT_CHECKS == 2
    assert PASSWORD_CHECKS.slots == MAX_CONCURRENT_CHECKS
    assert 0 < PASSWORD_CHECKS.wait_seconds <= 30
