"""Taking a proposal: guards, store, status token (speakout_map.supporters.submitting)."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.errors import ProposalError, ProposalRefusedError, RateLimitedError
from speakout_map.store.schema import proposals_table
from speakout_map.supporters.guards import PROPOSAL_LIMITS, RateLimiter
from speakout_map.supporters.moderation import proposal_by_token
from speakout_map.supporters.proposal import ProposalStatus
from speakout_map.supporters.submitting import ProposalRules, submit_proposal
from tests.store_support import table_rows
from tests.supporters_support import NOW, Clock, checked

OPENED = NOW - dt.timedelta(minutes=2)


def _submit(store, proposal, client=("session:a",), clock=None, **kwargs):
    clock = clock or Clock()
    kwargs.setdefault("opened_at", OPENED)
    return submit_proposal(proposal, store=store, client=client, now=clock(),
                           limiter=RateLimiter(store.client_actions(), PROPOSAL_LIMITS, clock=clock), **kwargs)


def test_a_proposal_is_kept_pending_with_a_private_link(store, gazetteer) -> None:
    sent = _submit(store, checked(gazetteer))
    assert sent.proposal.status is ProposalStatus.PENDING
    assert proposal_by_token(sent.token, store=store) == sent.proposal
    assert store.latest_number() is None


@pytest.mark.parametrize(
    "kwargs,error",
    [
        ({"honeypot": "http://spam.example"}, ProposalRefusedError),
        ({"opened_at": NOW - dt.timedelta(seconds=1)}, ProposalRefusedError),
    ],
)
def test_the_guards_keep_nothing(store, gazetteer, kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        _submit(store, checked(gazetteer), **kwargs)
    assert table_rows(store, proposals_table) == 0


def test_a_proposal_with_problems_is_not_kept(store, gazetteer) -> None:
    with pytest.raises(ProposalError):
        _submit(store, checked(gazetteer, date="soon"))
    assert table_rows(store, proposals_table) == 0


def test_the_operators_cap_on_pending_proposals(store, gazetteer) -> None:
    rules = ProposalRules(max_pending=1, min_seconds=5)
    _submit(store, checked(gazetteer), rules=rules)
    with pytest.raises(ProposalRefusedError):
        _submit(store, checked(gazetteer), client=("session:b",), rules=rules)


def test_a_burst_from_one_client_is_cut_off_and_nothing_else_is_affected(store, gazetteer) -> None:
    clock = Clock()
    good = checked(gazetteer)
    taken, refused = 0, 0
    for _ in range(10):
        try:
            _submit(store, good, client=("session:bot", "address:x"), clock=clock)
            taken += 1
        except RateLimitedError:
            refused += 1
    assert (taken, refused) == (PROPOSAL_LIMITS[0].count, 10 - PROPOSAL_LIMITS[0].count)
    assert table_rows(store, proposals_table) == PROPOSAL_LIMITS[0].count
    _submit(store, good, client=("session:someone-else", "address:y"), clock=clock)  # still gets through
    clock.advance(minutes=11)
    _submit(store, good, client=("session:bot", "address:x"), clock=clock)  # and the bot, once the window passed


def test_refused_attempts_count_towards_the_limit(store, gazetteer) -> None:
    clock = Clock()
    for _ in range(PROPOSAL_LIMITS[0].count):
        with pytest.raises(ProposalRefusedError):
            _submit(store, checked(gazetteer), clock=clock, honeypot="spam")
    with pytest.raises(RateLimitedError):
        _submit(store, checked(gazetteer), clock=clock)


# --- the optional proof of work ------------------------------------------------------------------

SECRET = "proof secret"


def _solved_payload() -> str:
    from speakout_map.supporters.challenge import new_challenge
    from tests.test_challenge import EASY, encode, solve

    return encode(solve(new_challenge(SECRET, **EASY)))


def test_a_solved_proof_lets_the_proposal_in_once(store, gazetteer) -> None:
    from speakout_map.errors import ChallengeFailedError

    proof = _solved_payload()
    now = dt.datetime.now(dt.timezone.utc)  # altcha checks expiry against the real clock
    sent = submit_proposal(checked(gazetteer), store=store, client=("session:a",), opened_at=None, now=now,
                           proof=proof, proof_secret=SECRET)
    assert sent.proposal.status is ProposalStatus.PENDING
    with pytest.raises(ChallengeFailedError) as caught:  # the same proof again, from another client
        submit_proposal(checked(gazetteer), store=store, client=("session:b",), opened_at=None, now=now,
                        proof=proof, proof_secret=SECRET)
    assert caught.value.reason == "reused"
    assert table_rows(store, proposals_table) == 1


@pytest.mark.parametrize("proof,reason", [(None, "missing"), ("", "missing"), ("bm90IGpzb24=", "malformed")])
def test_without_a_good_proof_nothing_is_kept(store, gazetteer, proof, reason: str) -> None:
    from speakout_map.errors import ChallengeFailedError

    with pytest.raises(ChallengeFailedError) as caught:
        submit_proposal(checked(gazetteer), store=store, client=("session:a",), opened_at=None,
                        now=dt.datetime.now(dt.timezone.utc), proof=proof, proof_secret=SECRET)
    assert caught.value.reason == reason
    assert table_rows(store, proposals_table) == 0


def test_a_proof_for_another_secret_is_refused(store, gazetteer) -> None:
    from speakout_map.errors import ChallengeFailedError

    with pytest.raises(ChallengeFailedError):
        submit_proposal(checked(gazetteer), store=store, client=("session:a",), opened_at=None,
                        now=dt.datetime.now(dt.timezone.utc), proof=_solved_payload(), proof_secret="other secret")
