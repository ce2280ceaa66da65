"""Organisers review proposals: approve (publishing a new version), decline with a reason; hosts withdraw.

Approving is publishing, by the same path as an upload:
:func:`prepare_approval` checks the (possibly edited) fields by the upload's
rules and makes a :class:`~speakout_map.store.publishing.Preview` of the
published events with this one added, against the version published now;
:func:`approve` publishes that preview, refused with
:class:`~speakout_map.errors.StaleVersionError` if another version was
published since, and marks the proposal approved in the same transaction.
:func:`likely_duplicates` finds published events of the same city and date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from speakout_map.errors import ProposalError
from speakout_map.events.diff import normalise
from speakout_map.events.model import Event
from speakout_map.languages.message import msg
from speakout_map.places.place import PlacedEvent
from speakout_map.store import publishing
from speakout_map.store.store import Store, VersionInfo
from speakout_map.supporters.checking import CheckedProposal, check_proposal
from speakout_map.supporters.proposal import SOURCE, Proposal, ProposalStatus, form_cells
from speakout_map.supporters.tokens import token_digest

#: The longest reason for declining (the host reads it on their status page).
MAX_REASON_CHARS = 1000


@dataclass(frozen=True)
class Approval:
    """A proposal ready to approve: its checked fields and the preview of publishing it."""

    proposal: Proposal
    checked: CheckedProposal
    preview: publishing.Preview

    @property
    def ok(self) -> bool:
        return self.checked.ok and self.preview.ok


def _pending(proposal: Proposal) -> None:
    if proposal.status is not ProposalStatus.PENDING:
        raise ProposalError(msg("proposal {id} is no longer waiting for review ({status}); only pending proposals "
                                "can be approved or declined", id=proposal.id, status=proposal.status.label))


def prepare_approval(proposal: Proposal, cells: Mapping[str, object] | None = None, *, store: Store, geocoder,
                     today: dt.date | None = None) -> Approval:
    """Check the proposal's fields (``cells``: an organiser's edits) and preview publishing it now."""
    _pending(proposal)
    checked = check_proposal(cells if cells is not None else proposal.cells, geocoder=geocoder, today=today)
    source = SOURCE.format(id=proposal.id)
    placed = (checked.placed,) if checked.placed is not None else ()
    change = publishing.Checked(source, 1, placed, checked.errors, checked.warnings, checked.geocoder_unavailable)
    return Approval(proposal, checked, publishing.prepare_addition(change, store=store))


def approve(approval: Approval, *, store: Store, by: str) -> VersionInfo:
    """Publish the approval's preview and mark the proposal approved, in one transaction.

    StaleVersionError if a version was published since the preview;
    ProposalStateError if the proposal was decided or withdrawn meanwhile
    (nothing is published then either).
    """
    proposals = store.proposals()

    def mark(conn, info: VersionInfo) -> None:
        proposals.mark_approved(conn, approval.proposal.id, cells=approval.checked.cells, by=by,
                                at=info.created_at, version=info.number)

    return publishing.publish(approval.preview, store=store, by=by, also=mark)


def decline_reason(reason: object) -> str:
    """The reason, trimmed; ProposalError if it is empty or too long."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise ProposalError(msg("write the reason for declining: the host reads it on their status page"))
    if len(text) > MAX_REASON_CHARS:
        raise ProposalError(msg("the reason has {length:,} characters; the limit is {limit:,}: shorten it",
                                length=len(text), limit=MAX_REASON_CHARS))
    return text


def decline(proposal_id: int, *, reason: object, store: Store, by: str, now: dt.datetime) -> Proposal:
    """Decline a pending proposal with the reason its host will see."""
    text = decline_reason(reason)
    proposals = store.proposals()
    proposals.decline(proposal_id, reason=text, by=by, at=now)
    return proposals.get(proposal_id)


def withdraw(token: str, *, store: Store, now: dt.datetime) -> Proposal:
    """The host withdraws their pending proposal (found by the token of its status link)."""
    return store.proposals().withdraw(token_digest(token), at=now)


def proposal_by_token(token: str, *, store: Store) -> Proposal:
    """The proposal of a status link's token (ProposalNotFoundError if none)."""
    return store.proposals().by_token(token_digest(token))


def same_day_and_city(event: Event, other: Event) -> bool:
    """Whether two events share country, city (as the diff compares names) and date."""
    return (event.country_code.upper() == other.country_code.upper() and event.date == other.date
            and normalise(event.city) == normalise(other.city))


def likely_duplicates(event: Event, published: Sequence[PlacedEvent]) -> tuple[PlacedEvent, ...]:
    """The published events of the same city and date as ``event``."""
    return tuple(p for p in published if same_day_and_city(event, p.event))


def proposal_cells(values: Mapping[str, object]) -> dict[str, str]:
    """An organiser's edited fields as the store keeps them."""
    return form_cells(values)
