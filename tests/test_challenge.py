"""The proposal form's proof of work (speakout_map/supporters/challenge.py): challenges solved by the altcha
package's own solver pass; tampered, forged, expired, unsolved and garbage payloads fail with
ChallengeFailedError and a reason; a challenge's digest survives re-encoding (for the replay record)."""

from __future__ import annotations

import base64
import copy
import json
import re
from datetime import UTC, datetime, timedelta, timezone

import altcha
import pytest

from speakout_map.errors import ChallengeFailedError, SpeakOutError
from speakout_map.languages.message import Message
from speakout_map.supporters import challenge as pow_
from speakout_map.supporters.challenge import (
    ALGORITHM,
    DEFAULT_EXPIRES_IN,
    EXPIRED,
    FORGED,
    MALFORMED,
    MAX_PAYLOAD_CHARS,
    MISSING,
    UNSOLVED,
    SolvedChallenge,
    challenge_expires_at,
    needs_renewal,
    new_challenge,
    payload_digest,
    verify_solution,
)

SECRET = "a site secret of the tests"
#: Small, so that the solver takes milliseconds.
EASY = {"max_number": 40, "cost": 10}


def solve(challenge: dict) -> dict:
    """The widget's payload, as data: the challenge and the altcha solver's solution."""
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(challenge), timeout=30)
    assert solution is not None
    return {"challenge": copy.deepcopy(challenge), "solution": solution.to_dict()}


def encode(data: object, **dumps) -> str:
    return base64.b64encode(json.dumps(data, **dumps).encode("utf-8")).decode("ascii")


@pytest.fixture
def solved() -> dict:
    return solve(new_challenge(SECRET, **EASY))


def refused(payload: object, reason: str, secret: str = SECRET, **kwargs) -> ChallengeFailedError:
    with pytest.raises(ChallengeFailedError) as info:
        verify_solution(payload, secret, **kwargs)
    assert info.value.reason == reason, info.value.reason
    return info.value


# --- a challenge ------------------------------------------------------------------------


def test_a_challenge_is_signed_json_for_the_widget():
    now = datetime(2026, 5, 1, 12, 0, 0, 250_000, tzinfo=UTC)
    challenge = new_challenge(SECRET, max_number=100, cost=7, expires_in=timedelta(minutes=30), now=now)
    assert json.loads(json.dumps(challenge)) == challenge
    assert set(challenge) == {"parameters", "signature"}
    parameters = challenge["parameters"]
    assert parameters["algorithm"] == ALGORITHM == "PBKDF2/SHA-256"
    assert parameters["cost"] == 7
    assert parameters["expiresAt"] == int((now + timedelta(minutes=30)).timestamp()) + 1  # rounded up
    assert re.fullmatch(r"[0-9a-f]{32}", parameters["nonce"]) and re.fullmatch(r"[0-9a-f]{32}", parameters["salt"])
    assert re.fullmatch(r"[0-9a-f]{32}", parameters["keyPrefix"])  # the key of one secret counter
    assert re.fullmatch(r"[0-9a-f]{64}", challenge["signature"])
    assert "keySignature" not in parameters and "data" not in parameters


def test_every_challenge_is_new():
    first, second = new_challenge(SECRET, **EASY), new_challenge(SECRET, **EASY)
    assert first["parameters"]["nonce"] != second["parameters"]["nonce"]
    assert first["signature"] != second["signature"]


@pytest.mark.parametrize("max_number", [1, 2, 3, 10, 41])
def test_the_secret_counter_lies_in_the_upper_half_of_max_number(max_number):
    for _ in range(5):
        counter = solve(new_challenge(SECRET, max_number=max_number, cost=1))["solution"]["counter"]
        assert (max_number + 1) // 2 <= counter <= max_number


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_number": 0}, {"max_number": -5}, {"max_number": True}, {"max_number": 2.5}, {"max_number": 2**32},
        {"cost": 0}, {"cost": "10"}, {"expires_in": timedelta(0)}, {"expires_in": timedelta(seconds=-1)},
        {"expires_in": 600}, {"now": datetime(2026, 5, 1, 12, 0)}, {"purpose": ""},
    ],
)
def test_bad_arguments_are_the_callers_mistake(kwargs):
    with pytest.raises(ValueError):
        new_challenge(SECRET, **{**EASY, **kwargs})


@pytest.mark.parametrize("secret", ["", None, b"bytes"])
def test_a_secret_is_needed(secret):
    with pytest.raises(ValueError):
        new_challenge(secret, **EASY)
    with pytest.raises(ValueError):
        verify_solution(encode({"challenge": {"parameters": {}}, "solution": {}}), secret)


# --- a right solution --------------------------------------------------------------------


def test_a_solved_challenge_passes(solved):
    payload = encode(solved)
    result = verify_solution(payload, SECRET)
    assert isinstance(result, SolvedChallenge)
    assert result.digest == payload_digest(payload)
    assert re.fullmatch(r"[0-9a-f]{64}", result.digest)
    assert result.expires_at == datetime.fromtimestamp(solved["challenge"]["parameters"]["expiresAt"], UTC)
    assert result.expires_at - datetime.now(UTC) <= DEFAULT_EXPIRES_IN + timedelta(seconds=2)


def test_the_payload_as_the_widget_writes_it_passes(solved):
    """The widget sends btoa(JSON.stringify(...)): compact, its own key order, the solving time as a float."""
    widget = {"challenge": {"parameters": dict(reversed(list(solved["challenge"]["parameters"].items()))),
                            "signature": solved["challenge"]["signature"]},
              "solution": {**solved["solution"], "time": 123.4}}
    assert verify_solution(encode(widget, separators=(",", ":")), SECRET).digest == payload_digest(encode(solved))
    assert verify_solution("  " + encode(widget) + "\n", SECRET)  # stray spaces around it do not matter


def test_a_solution_passes_as_often_as_it_is_sent_so_the_caller_records_its_digest(solved):
    """altcha keeps no record: a replay passes until the challenge expires. However re-encoded, it names the
    same challenge, so a stored digest catches it."""
    first = encode(solved)
    replays = [first, encode(solved, indent=2),
               encode({"solution": solved["solution"], "challenge": solved["challenge"]}),
               encode({**solved, "solution": {**solved["solution"], "time": 1.0}})]
    digests = {verify_solution(payload, SECRET).digest for payload in replays}
    assert digests == {payload_digest(first)}


def test_challenges_of_another_purpose_do_not_pass():
    payload = encode(solve(new_challenge(SECRET, purpose="going", **EASY)))
    assert verify_solution(payload, SECRET, purpose="going")
    refused(payload, FORGED)  # the default purpose is the proposal form


# --- what fails ----------------------------------------------------------------------------


def parameters(**changes):
    """A change of the payload: these parameters of the challenge set to other values (or left out, as None)."""
    def change(data: dict) -> dict:
        data["challenge"]["parameters"].update(changes)
        return data
    return change


def signature(value, *, drop: bool = False):
    def change(data: dict) -> dict:
        if drop:
            del data["challenge"]["signature"]
        else:
            data["challenge"]["signature"] = value(data["challenge"]["signature"]) if callable(value) else value
        return data
    return change


def solution(*, drop: str | None = None, **changes):
    def change(data: dict) -> dict:
        old = data["solution"]["counter"]
        data["solution"].update({k: v(old) if callable(v) else v for k, v in changes.items()})
        data["solution"].pop(drop, None)
        return data
    return change


def replaced(**parts):
    def change(data: dict) -> dict:
        for key, value in parts.items():
            if value is None:
                data.pop(key)
            else:
                data[key] = value(data[key]) if callable(value) else value
        return data
    return change


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        pytest.param(parameters(keyPrefix="00"), FORGED, id="easier prefix"),
        pytest.param(parameters(cost=1), FORGED, id="lower cost"),
        pytest.param(parameters(expiresAt=4_000_000_000), FORGED, id="later expiry"),
        pytest.param(parameters(algorithm="SHA-256"), FORGED, id="other algorithm"),
        pytest.param(parameters(data={"extra": 1}), FORGED, id="added data"),
        pytest.param(parameters(expiresAt=None), FORGED, id="no expiry"),
        pytest.param(parameters(expiresAt="tomorrow"), FORGED, id="expiry not a number"),
        pytest.param(signature("0" * 64), FORGED, id="made-up signature"),
        pytest.param(signature(str.upper), FORGED, id="signature in capitals"),
        pytest.param(signature(None, drop=True), FORGED, id="no signature"),
        pytest.param(signature(12), FORGED, id="signature not text"),
        pytest.param(solution(counter=lambda c: c + 1), UNSOLVED, id="next counter"),
        pytest.param(solution(counter=-1), UNSOLVED, id="negative counter"),
        pytest.param(solution(counter=2**40), UNSOLVED, id="counter too big"),
        pytest.param(solution(counter=str), UNSOLVED, id="counter as text"),
        pytest.param(solution(derivedKey="00" * 32), UNSOLVED, id="wrong key"),
        pytest.param(solution(derivedKey=None), UNSOLVED, id="no key"),
        pytest.param(solution(drop="counter"), MALFORMED, id="no counter"),
        pytest.param(replaced(solution=lambda s: None), MALFORMED, id="solution null"),
        pytest.param(replaced(solution=None), MALFORMED, id="no solution"),
        pytest.param(replaced(challenge=lambda c: {"signature": c["signature"]}), MALFORMED, id="no parameters"),
    ],
)
def test_a_tampered_payload_fails(solved, change, reason):
    refused(encode(change(copy.deepcopy(solved))), reason)


def test_the_wrong_secret_fails(solved):
    refused(encode(solved), FORGED, secret="another site's secret")


def test_an_unsigned_challenge_fails():
    unsigned = altcha.create_challenge(ALGORITHM, 5, counter=3).to_dict()
    refused(encode(solve(unsigned)), FORGED)


def test_an_expired_challenge_fails():
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    old = encode(solve(new_challenge(SECRET, expires_in=timedelta(hours=1), now=long_ago, **EASY)))
    refused(old, EXPIRED)


@pytest.mark.parametrize("later", [timedelta(minutes=10), timedelta(minutes=10, seconds=1), timedelta(days=3)])
def test_a_challenge_expires_at_the_callers_now(later):
    now = datetime.now(UTC)
    payload = encode(solve(new_challenge(SECRET, expires_in=timedelta(minutes=10), now=now, **EASY)))
    assert verify_solution(payload, SECRET, now=now + timedelta(minutes=9))
    refused(payload, EXPIRED, now=now + later + timedelta(seconds=1))


def test_now_may_be_in_any_time_zone_but_not_naive(solved):
    payload = encode(solved)
    assert verify_solution(payload, SECRET, now=datetime.now(timezone(timedelta(hours=-5))))
    with pytest.raises(ValueError):
        verify_solution(payload, SECRET, now=datetime.now())


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (None, MISSING),
        ("", MISSING),
        ("not base64 at all!", MALFORMED),
        ("e30", MALFORMED),  # "{}" without its padding
        (base64.b64encode(b"\xff\xfe not utf-8").decode(), MALFORMED),
        (base64.b64encode(b"not json").decode(), MALFORMED),
        (encode([1, 2, 3]), MALFORMED),
        (encode("a string"), MALFORMED),
        (encode({}), MALFORMED),
        (encode({"challenge": None, "solution": None, "test": True}), MALFORMED),  # the widget's test mode
        (encode({"challenge": [], "solution": {}}), MALFORMED),
        (encode({"challenge": {"parameters": "x"}, "solution": {}}), MALFORMED),
        (base64.b64encode(b"[" * 100_000).decode()[:MAX_PAYLOAD_CHARS], MALFORMED),
        (encode({"challenge": {"parameters": {}, "signature": "x"}, "solution": {}, "pad": "x" * MAX_PAYLOAD_CHARS}),
         MALFORMED),
        (b"eyJjaGFsbGVuZ2UiOiB7fX0=", MALFORMED),
        (12345, MALFORMED),
        ({"challenge": {}, "solution": {}}, MALFORMED),
    ],
)
def test_garbage_fails(payload, reason):
    refused(payload, reason)


def test_deeply_nested_data_fails_calmly():
    nested: object = "x"
    for _ in range(200):
        nested = {"a": nested}
    data = {"challenge": {"parameters": {"algorithm": ALGORITHM, "nonce": "00", "salt": "00", "cost": 1,
                                         "expiresAt": 4_000_000_000, "data": nested}, "signature": "ab"},
            "solution": {"counter": 1, "derivedKey": "00"}}
    refused(encode(data), FORGED)


def test_payload_digest_reads_but_does_not_check(solved):
    forged = copy.deepcopy(solved)
    forged["solution"]["counter"] += 1
    assert payload_digest(encode(forged)) == payload_digest(encode(solved))
    for garbage in (None, "", "%%%", encode({"challenge": {"parameters": {}}, "solution": {}})):
        with pytest.raises(ChallengeFailedError):
            payload_digest(garbage)


# --- the error --------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [MISSING, MALFORMED, FORGED, UNSOLVED, EXPIRED, pow_.REUSED])
def test_the_error_says_what_to_do(reason):
    error = ChallengeFailedError(reason)
    assert isinstance(error, SpeakOutError) and isinstance(error.text, Message)
    assert error.reason == reason
    assert "anti-spam check" in str(error) and "send the form again" in str(error)
    assert ("ran out of time" in str(error)) == (reason == EXPIRED)
    assert reason not in str(error)  # the reason is for the logs, not the visitor


# --- renewing a page's challenge ----------------------------------------------------------------


def test_expiry_of_a_challenge():
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    challenge = new_challenge(SECRET, expires_in=timedelta(hours=1), now=now, **EASY)
    assert challenge_expires_at(challenge) == now + timedelta(hours=1)


@pytest.mark.parametrize(
    ("challenge", "minutes_later", "renew"),
    [
        ("fresh", 0, False),
        ("fresh", 44, False),
        ("fresh", 45, True),  # within the 15-minute margin of its hour
        ("fresh", 61, True),
        (None, 0, True),
        ({}, 0, True),
        ({"parameters": {}}, 0, True),
        ({"parameters": {"expiresAt": "soon"}}, 0, True),
        ("not a challenge", 0, True),
    ],
)
def test_needs_renewal(challenge, minutes_later, renew):
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    if challenge == "fresh":
        challenge = new_challenge(SECRET, expires_in=timedelta(hours=1), now=now, **EASY)
    assert needs_renewal(challenge, now=now + timedelta(minutes=minutes_later)) is renew


def test_the_library_module_does_not_import_streamlit():
    import subprocess
    import sys

    code = "import sys, speakout_map.supporters.challenge; sys.exit(1 if 'streamlit' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
