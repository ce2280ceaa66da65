"""Approve, decline, withdraw (speakout_map.supporters.moderation)."""

from __future__ import annotations

import json

import pytest

from speakout_map.errors import NotPublishableError, ProposalError, ProposalStateError, StaleVersionError
from speakout_map.events import export
from speakout_map.supporters.moderation import (
    MAX_REASON_CHARS,
    approve,
    decline,
    likely_duplicates,
    prepare_approval,
    proposal_by_token,
    withdraw,
)
from speakout_map.supporters.proposal import ProposalStatus
from speakout_map.supporters.submitting import submit_proposal
from tests.events_support import check_message
from tests.store_support import batch
from tests.supporters_support import NOW, checked, published_store


@pytest.fixture
def sent(store, gazetteer):
    published_store(store)
    return submit_proposal(checked(gazetteer), store=store, client=("session:a",), opened_at=None, now=NOW)


def test_approving_publishes_the_event_and_marks_the_proposal(store, gazetteer, sent) -> None:
    approval = prepare_approval(sent.proposal, store=store, geocoder=gazetteer)
    assert approval.ok and approval.preview.based_on == 1
    diff = approval.preview.diff
    assert [e.city for e in diff.added] == ["Lyon"] and not diff.removed and not diff.changed and diff.unchanged == 3
    info = approve(approval, store=store, by="ana")
    assert (info.number, info.rows, info.source, info.by) == (2, 4, f"proposal {sent.proposal.id}", "ana")
    events = store.latest().events
    assert [p.event.city for p in events] == ["Town 0", "Town 1", "Town 2", "Lyon"]
    assert events[-1].event.row == 5  # numbered after the published rows
    done = store.proposals().get(sent.proposal.id)
    assert done.status is ProposalStatus.APPROVED and done.version_number == 2 and done.decided_by == "ana"


def test_the_contact_email_stays_out_of_everything_public(store, gazetteer, sent) -> None:
    approve(prepare_approval(sent.proposal, store=store, geocoder=gazetteer), store=store, by="ana")
    placed = store.latest().events
    assert "host@example.org" not in export.events_to_csv([p.event for p in placed], include_private=False)
    assert "host@example.org" not in export.geojson_text(placed)
    assert "host@example.org" not in json.dumps(export.table_rows(placed))
    assert "host@example.org" in export.events_to_csv([p.event for p in placed], include_private=True)


def test_edits_are_checked_and_published(store, gazetteer, sent) -> None:
    edited = {**sent.proposal.cells, "venue": "Hôtel de Ville", "date": "2026-12-21"}
    approve(prepare_approval(sent.proposal, edited, store=store, geocoder=gazetteer), store=store, by="ana")
    event = store.latest().events[-1].event
    assert (event.venue, event.date.isoformat()) == ("Hôtel de Ville", "2026-12-21")
    assert store.proposals().get(sent.proposal.id).cells["venue"] == "Hôtel de Ville"


def test_bad_edits_get_the_uploads_messages_and_publish_nothing(store, gazetteer, sent) -> None:
    approval = prepare_approval(sent.proposal, {**sent.proposal.cells, "date": "someday"}, store=store,
                                geocoder=gazetteer)
    assert not approval.ok and [p.column for p in approval.checked.errors] == ["date"]
    with pytest.raises(NotPublishableError):
        approve(approval, store=store, by="ana")
    assert store.latest_number() == 1
    assert store.proposals().get(sent.proposal.id).status is ProposalStatus.PENDING


def test_a_version_published_meanwhile_refuses_the_approval(store, gazetteer, sent) -> None:
    approval = prepare_approval(sent.proposal, store=store, geocoder=gazetteer)
    store.publish(batch("Other", 2), by="bo", source="upload", based_on=1)
    with pytest.raises(StaleVersionError):
        approve(approval, store=store, by="ana")
    assert store.latest_number() == 2
    assert store.proposals().get(sent.proposal.id).status is ProposalStatus.PENDING


def test_a_proposal_withdrawn_meanwhile_publishes_nothing(store, gazetteer, sent) -> None:
    approval = prepare_approval(sent.proposal, store=store, geocoder=gazetteer)
    withdraw(sent.token, store=store, now=NOW)
    with pytest.raises(ProposalStateError):
        approve(approval, store=store, by="ana")
    assert store.latest_number() == 1


def test_only_pending_proposals_are_prepared(store, gazetteer, sent) -> None:
    decline(sent.proposal.id, reason="duplicate", store=store, by="ana", now=NOW)
    with pytest.raises(ProposalError) as caught:
        prepare_approval(store.proposals().get(sent.proposal.id), store=store, geocoder=gazetteer)
    check_message(caught.value.text)


def test_decline_keeps_the_reason_for_the_host(store, sent) -> None:
    declined = decline(sent.proposal.id, reason="  There is already an event in Lyon that day.  ", store=store,
                       by="ana", now=NOW)
    assert declined.status is ProposalStatus.DECLINED
    assert proposal_by_token(sent.token, store=store).reason == "There is already an event in Lyon that day."


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * (MAX_REASON_CHARS + 1)])
def test_a_decline_needs_a_reason(store, sent, reason) -> None:
    with pytest.raises(ProposalError) as caught:
        decline(sent.proposal.id, reason=reason, store=store, by="ana", now=NOW)
    check_message(caught.value.text)
    assert store.proposals().get(sent.proposal.id).status is ProposalStatus.PENDING


def test_the_host_withdraws(store, sent) -> None:
    assert withdraw(sent.token, store=store, now=NOW).status is ProposalStatus.WITHDRAWN
    with pytest.raises(ProposalStateError):
        withdraw(sent.token, store=store, now=NOW)


@pytest.mark.parametrize(
    "changes,duplicates",
    [({}, ["Lyon"]), ({"city": " LYON "}, ["Lyon"]), ({"date": "2026-12-21"}, []), ({"city": "Nice"}, [])],
)
def test_likely_duplicates(gazetteer, changes: dict, duplicates: list[str]) -> None:
    published = (checked(gazetteer).placed,) + batch("Town", 2)
    event = checked(gazetteer, **changes).placed.event
    assert [p.event.city for p in likely_duplicates(event, published)] == duplicates
