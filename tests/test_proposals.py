"""Proposals in the store (speakout_map.store.proposals), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.errors import ProposalNotFoundError, ProposalRefusedError, ProposalStateError
from speakout_map.store.schema import proposals_table
from speakout_map.supporters.proposal import ProposalStatus, form_cells
from speakout_map.supporters.tokens import token_digest
from tests.store_support import batch, table_rows
from tests.supporters_support import GOOD, NOW

LATER = NOW + dt.timedelta(hours=1)


def _add(store, n: int = 1, *, max_pending: int = 100, city: str = "Lyon"):
    return [store.proposals().add(form_cells({**GOOD, "city": f"{city} {i}"}), token_digest(f"token-{city}-{i}"),
                                  at=NOW + dt.timedelta(minutes=i), max_pending=max_pending) for i in range(n)]


def test_a_new_proposal_is_pending_and_found_by_its_link_only(store) -> None:
    (proposal,) = _add(store)
    assert proposal.status is ProposalStatus.PENDING and proposal.created_at == NOW
    assert proposal.cells["contact_email"] == "host@example.org"
    assert store.proposals().get(proposal.id) == proposal
    assert store.proposals().by_token(token_digest("token-Lyon-0")) == proposal
    with pytest.raises(ProposalNotFoundError):
        store.proposals().by_token(token_digest("token-Lyon-1"))
    assert store.latest_number() is None  # nothing published


def test_the_token_itself_is_never_stored(store) -> None:
    _add(store)
    with store._engine.connect() as conn:
        row = conn.execute(proposals_table.select()).mappings().one()
    assert "token-Lyon-0" not in " ".join(str(v) for v in row.values())


def test_the_pending_cap(store) -> None:
    _add(store, 2, max_pending=2)
    with pytest.raises(ProposalRefusedError) as caught:
        _add(store, 1, max_pending=2, city="Nice")
    assert "tomorrow" in str(caught.value)
    assert table_rows(store, proposals_table) == 2
    store.proposals().decline(1, reason="no", by="ana", at=LATER)
    _add(store, 1, max_pending=2, city="Nice")  # a decided one frees a place


def test_listed_oldest_first_and_by_status(store) -> None:
    first, second, third = _add(store, 3)
    store.proposals().decline(second.id, reason="duplicate", by="ana", at=LATER)
    assert [p.id for p in store.proposals().list()] == [first.id, second.id, third.id]
    assert [p.id for p in store.proposals().list(ProposalStatus.PENDING)] == [first.id, third.id]
    assert [p.id for p in store.proposals().list(ProposalStatus.DECLINED)] == [second.id]
    assert store.proposals().count() == 2 and store.proposals().count(ProposalStatus.DECLINED) == 1


def test_decline_keeps_the_reason_and_who(store) -> None:
    (proposal,) = _add(store)
    store.proposals().decline(proposal.id, reason="Please add a venue", by="ana", at=LATER)
    declined = store.proposals().get(proposal.id)
    assert declined.status is ProposalStatus.DECLINED
    assert (declined.reason, declined.decided_by, declined.decided_at) == ("Please add a venue", "ana", LATER)


def test_edit_replaces_the_fields_while_pending(store) -> None:
    (proposal,) = _add(store)
    store.proposals().edit(proposal.id, {**proposal.cells, "venue": "Town hall"}, at=LATER)
    assert store.proposals().get(proposal.id).cells["venue"] == "Town hall"


@pytest.mark.parametrize("decide", ["decline", "withdraw", "edit"])
def test_only_pending_proposals_change(store, decide: str) -> None:
    (proposal,) = _add(store)
    store.proposals().withdraw(token_digest("token-Lyon-0"), at=LATER)
    before = store.proposals().get(proposal.id)
    with pytest.raises(ProposalStateError) as caught:
        if decide == "decline":
            store.proposals().decline(proposal.id, reason="x", by="ana", at=LATER)
        elif decide == "withdraw":
            store.proposals().withdraw(token_digest("token-Lyon-0"), at=LATER)
        else:
            store.proposals().edit(proposal.id, GOOD, at=LATER)
    assert "no longer waiting" in str(caught.value)
    assert store.proposals().get(proposal.id) == before


def test_unknown_numbers(store) -> None:
    with pytest.raises(ProposalNotFoundError):
        store.proposals().get(99)
    with pytest.raises(ProposalNotFoundError):
        store.proposals().decline(99, reason="x", by="ana", at=LATER)


def test_approval_is_part_of_the_publish_transaction(store) -> None:
    (proposal,) = _add(store)
    proposals = store.proposals()

    def mark(conn, info) -> None:
        proposals.mark_approved(conn, proposal.id, cells=proposal.cells, by="ana", at=info.created_at,
                                version=info.number)

    info = store.publish(batch("Town", 2), by="ana", source="proposal 1", based_on=None, also=mark)
    approved = proposals.get(proposal.id)
    assert approved.status is ProposalStatus.APPROVED and approved.version_number == info.number == 1
    # A second approval of the same proposal publishes nothing.
    with pytest.raises(ProposalStateError):
        store.publish(batch("Town", 3), by="bo", source="proposal 1", based_on=1, also=mark)
    assert store.latest_number() == 1 and len(store.latest().events) == 2
