"""Proposed events in the store: taken, listed, found by their status link, edited and decided.

A proposal is never part of a published version until it is approved, and
approving is publishing: :mod:`speakout_map.supporters.moderation` publishes
a version with the event added and, in that same transaction, marks the
proposal approved (:meth:`ProposalStore.mark_approved`), so either both
happen or neither. Every change of status is conditional on the proposal
still being pending, so two organisers deciding at once cannot both win:
the second gets :class:`~speakout_map.errors.ProposalStateError`.

The host's status link is found by the SHA-256 of its token only
(:func:`~speakout_map.supporters.tokens.token_digest`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, update

from speakout_map.errors import ProposalNotFoundError, ProposalRefusedError, ProposalStateError
from speakout_map.languages.message import msg
from speakout_map.store.schema import proposals_table
from speakout_map.supporters.proposal import Proposal, ProposalStatus, cells_from_json, cells_json

if TYPE_CHECKING:
    from speakout_map.store.store import Store

PENDING = ProposalStatus.PENDING.value


def _proposal(row: Mapping[str, Any]) -> Proposal:
    return Proposal(
        id=int(row["id"]),
        status=ProposalStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        cells=cells_from_json(row["cells"]),
        decided_by=row["decided_by"] or "",
        decided_at=row["decided_at"],
        reason=row["reason"] or "",
        version_number=row["version_number"],
    )


def _not_pending(proposal_id: int, status: ProposalStatus) -> ProposalStateError:
    # Translators: {status} is the proposal's status, e.g. "Declined".
    return ProposalStateError(msg("proposal {id} is no longer waiting for review ({status}), so it can no longer "
                                  "be changed; reload to see it as it is now", id=proposal_id, status=status.label))


def _no_proposal(proposal_id: int) -> ProposalNotFoundError:
    return ProposalNotFoundError(msg("there is no proposal {id}; list them with: python -m speakout_map proposals",
                                     id=proposal_id))


class ProposalStore:
    """Proposals in the store (thread-safe, shared by every app server)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, cells: Mapping[str, str], token_digest: str, *, at: datetime, max_pending: int) -> Proposal:
        """Keep a new pending proposal, unless ``max_pending`` are pending already (ProposalRefusedError)."""
        t = proposals_table
        with self._store._writing("keep the proposal") as conn:
            pending = conn.execute(select(func.count()).select_from(t).where(t.c.status == PENDING)).scalar_one()
            if pending >= max_pending:
                raise ProposalRefusedError(msg("we have more proposals waiting for review than we can read just now; "
                                               "nothing was kept: please send yours again tomorrow"))
            new_id = conn.execute(t.insert().values(
                status=PENDING, created_at=at, updated_at=at, token_digest=token_digest, cells=cells_json(cells),
                decided_by="", reason="",
            )).inserted_primary_key[0]
            return _proposal(conn.execute(select(t).where(t.c.id == new_id)).mappings().one())

    def get(self, proposal_id: int) -> Proposal:
        """Proposal ``proposal_id``; ProposalNotFoundError if there is none."""
        t = proposals_table
        with self._store._reading("read a proposal") as conn:
            row = conn.execute(select(t).where(t.c.id == proposal_id)).mappings().first()
        if row is None:
            raise _no_proposal(proposal_id)
        return _proposal(row)

    def by_token(self, token_digest: str) -> Proposal:
        """The proposal of a status link; ProposalNotFoundError if the link matches none."""
        t = proposals_table
        with self._store._reading("read a proposal") as conn:
            row = conn.execute(select(t).where(t.c.token_digest == token_digest)).mappings().first()
        if row is None:
            raise ProposalNotFoundError(msg("this status link does not match any proposal; check that the whole "
                                            "link was copied"))
        return _proposal(row)

    def list(self, status: ProposalStatus | None = None) -> list[Proposal]:
        """The proposals (of one ``status``, or all), oldest first."""
        t = proposals_table
        query = select(t).order_by(t.c.created_at, t.c.id)
        if status is not None:
            query = query.where(t.c.status == status.value)
        with self._store._reading("list the proposals") as conn:
            return [_proposal(row) for row in conn.execute(query).mappings()]

    def count(self, status: ProposalStatus = ProposalStatus.PENDING) -> int:
        t = proposals_table
        with self._store._reading("count the proposals") as conn:
            return int(conn.execute(select(func.count()).select_from(t).where(t.c.status == status.value))
                       .scalar_one())

    def _change(self, conn: Connection, proposal_id: int, values: dict[str, object]) -> None:
        """Change a pending proposal; ProposalNotFoundError or ProposalStateError (nothing changed) otherwise."""
        t = proposals_table
        done = conn.execute(update(t).where(t.c.id == proposal_id, t.c.status == PENDING).values(**values))
        if done.rowcount:
            return
        status = conn.execute(select(t.c.status).where(t.c.id == proposal_id)).scalar_one_or_none()
        raise _no_proposal(proposal_id) if status is None else _not_pending(proposal_id, ProposalStatus(status))

    def edit(self, proposal_id: int, cells: Mapping[str, str], *, at: datetime) -> None:
        """Replace a pending proposal's fields (an organiser's corrections)."""
        with self._store._writing("save the proposal") as conn:
            self._change(conn, proposal_id, {"cells": cells_json(cells), "updated_at": at})

    def decline(self, proposal_id: int, *, reason: str, by: str, at: datetime) -> None:
        """Decline a pending proposal, with the reason its host will read."""
        with self._store._writing("decline the proposal") as conn:
            self._change(conn, proposal_id, {"status": ProposalStatus.DECLINED.value, "reason": reason,
                                             "decided_by": by, "decided_at": at, "updated_at": at})

    def withdraw(self, token_digest: str, *, at: datetime) -> Proposal:
        """The host withdraws their pending proposal (found by its status link)."""
        proposal = self.by_token(token_digest)
        with self._store._writing("withdraw the proposal") as conn:
            self._change(conn, proposal.id, {"status": ProposalStatus.WITHDRAWN.value, "decided_by": "",
                                             "decided_at": at, "updated_at": at})
        return self.get(proposal.id)

    def mark_approved(self, conn: Connection, proposal_id: int, *, cells: Mapping[str, str], by: str, at: datetime,
                      version: int) -> None:
        """Inside the publishing transaction: the proposal is approved, as published in ``version``."""
        self._change(conn, proposal_id, {"status": ProposalStatus.APPROVED.value, "cells": cells_json(cells),
                                         "decided_by": by, "decided_at": at, "updated_at": at,
                                         "version_number": version})
