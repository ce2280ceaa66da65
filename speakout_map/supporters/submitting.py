"""Taking a supporter's proposal: the spam guards, then the store, and the host's private status link.

:func:`submit_proposal` takes a proposal already checked by the upload's
rules (:func:`~speakout_map.supporters.checking.check_proposal`, whose
problems the form showed), runs the guards of
:mod:`speakout_map.supporters.guards` (and, when the operator turned it on,
the proof of work, :func:`spend_proof`), keeps it as pending and gives
back the one copy of its status token: the store keeps only its digest.
Each attempt that gets past the rate limit counts towards it, whether the
proposal is then taken or not, so a burst is cut off whatever it sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from speakout_map.errors import ChallengeFailedError, ProposalError
from speakout_map.languages.message import msg
from speakout_map.store.store import Store
from speakout_map.supporters.challenge import DEFAULT_EXPIRES_IN, REUSED, verify_solution
from speakout_map.supporters.checking import CheckedProposal
from speakout_map.supporters.guards import PROPOSAL_LIMITS, RateLimiter, check_honeypot, check_time_trap
from speakout_map.supporters.proposal import Proposal
from speakout_map.supporters.tokens import new_token, token_digest

@dataclass(frozen=True)
class ProposalRules:
    """The operator's limits for the public form (from settings)."""

    #: Most proposals waiting for review at once; more are refused until some are decided.
    max_pending: int = 200
    #: Fewest seconds between opening the form and sending it.
    min_seconds: float = 5.0


@dataclass(frozen=True)
class Submission:
    """A proposal taken: what was kept, and the token of its status link (shown once to the host)."""

    proposal: Proposal
    token: str


#: The key prefix under which solved challenges are remembered in the store's client actions.
SPENT_PREFIX = "challenge:"


def spend_proof(payload: str | None, secret: str, *, store: Store, now: datetime) -> None:
    """Accept a proof of work once: verified (:func:`~speakout_map.supporters.challenge.verify_solution`),
    then remembered in the store until it expires, so that it cannot be sent again (ChallengeFailedError).

    Two servers receiving the same payload at the very same moment may both accept it once.
    """
    solved = verify_solution(payload or "", secret, now=now)
    spent = store.client_actions()
    key = SPENT_PREFIX + solved.digest
    if spent.count_login_failures(key, now - 2 * DEFAULT_EXPIRES_IN):
        raise ChallengeFailedError(REUSED)
    spent.record_login_failure(key, now)


def submit_proposal(
    checked: CheckedProposal,
    *,
    store: Store,
    client: Sequence[str],
    honeypot: object = "",
    opened_at: datetime | None,
    now: datetime,
    rules: ProposalRules = ProposalRules(),
    limiter: RateLimiter | None = None,
    proof: str | None = None,
    proof_secret: str | None = None,
) -> Submission:
    """Keep ``checked`` as a pending proposal, if the guards let it through.

    ``client`` are the client's keys (:func:`~speakout_map.supporters.guards.client_keys`).
    With ``proof_secret`` (the operator asked for a proof of work), ``proof``
    must be a solved challenge not sent before (:func:`spend_proof`).
    Raises RateLimitedError, ProposalRefusedError (honeypot, time trap, too
    many pending), ChallengeFailedError, ProposalError (the proposal still has
    problems), StoreError.
    """
    limiter = limiter or RateLimiter(store.client_actions(), PROPOSAL_LIMITS)
    limiter.check(client)
    limiter.record(client)
    check_honeypot(honeypot)
    check_time_trap(opened_at, now, rules.min_seconds)
    if proof_secret is not None:
        spend_proof(proof, proof_secret, store=store, now=now)
    if not checked.ok:
        raise ProposalError(msg("the proposal still has problems; fix the fields marked above, then send it again"))
    token = new_token()
    proposal = store.proposals().add(checked.cells, token_digest(token), at=now, max_pending=rules.max_pending)
    return Submission(proposal, token)
