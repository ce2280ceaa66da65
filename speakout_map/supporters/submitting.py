"""Taking a supporter's proposal: the spam guards, then the store, and the host's private status link.

:func:`submit_proposal` takes a proposal already checked by the upload's
rules (:func:`~speakout_map.supporters.checking.check_proposal`, whose
problems the form showed), runs the guards of
:mod:`speakout_map.supporters.guards` (and, when the operator turned it on,
the proof-of-work, verified by the caller), keeps it as pending and gives
back the one copy of its status token: the store keeps only its digest.
Each attempt that gets past the rate limit counts towards it, whether the
proposal is then taken or not, so a burst is cut off whatever it sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from speakout_map.errors import ProposalError
from speakout_map.languages.message import msg
from speakout_map.store.store import Store
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
) -> Submission:
    """Keep ``checked`` as a pending proposal, if the guards let it through.

    ``client`` are the client's keys (:func:`~speakout_map.supporters.guards.client_keys`).
    Raises RateLimitedError, ProposalRefusedError (honeypot, time trap, too
    many pending), ProposalError (the proposal still has problems), StoreError.
    """
    limiter = limiter or RateLimiter(store.client_actions(), PROPOSAL_LIMITS)
    limiter.check(client)
    limiter.record(client)
    check_honeypot(honeypot)
    check_time_trap(opened_at, now, rules.min_seconds)
    if not checked.ok:
        raise ProposalError(msg("the proposal still has problems; fix the fields marked above, then send it again"))
    token = new_token()
    proposal = store.proposals().add(checked.cells, token_digest(token), at=now, max_pending=rules.max_pending)
    return Submission(proposal, token)
