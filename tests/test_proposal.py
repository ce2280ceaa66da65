"""A proposal's fields, limits and record (speakout_map.supporters.proposal)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from speakout_map.languages.message import Message
from speakout_map.supporters.proposal import (
    FIELD_LABELS,
    FIELD_LIMITS,
    FORM_FIELDS,
    Proposal,
    ProposalStatus,
    cells_from_json,
    cells_json,
    form_cells,
    too_long,
)
from tests.events_support import check_message

UTC = dt.timezone.utc


def test_every_field_has_a_label_and_a_limit_and_is_a_column() -> None:
    from speakout_map.events.model import COLUMNS

    assert set(FIELD_LABELS) == set(FIELD_LIMITS) == set(FORM_FIELDS)
    assert set(FORM_FIELDS) <= set(COLUMNS)
    assert "organiser" not in FORM_FIELDS  # no names asked
    for label in FIELD_LABELS.values():
        check_message(label)


@pytest.mark.parametrize(
    "values,expected",
    [
        ({"city": "  Lyon "}, {"city": "Lyon"}),
        ({"date": dt.date(2026, 12, 20)}, {"date": "2026-12-20"}),
        ({"start_time": dt.time(18, 30)}, {"start_time": "18:30"}),
        ({"latitude": 45.75}, {"latitude": "45.75"}),
        ({"title": None}, {}),
        ({"organiser": "Ana", "status": "tbc"}, {}),  # not form fields: dropped
    ],
)
def test_form_cells_are_trimmed_text_with_every_field(values: dict, expected: dict) -> None:
    cells = form_cells(values)
    assert list(cells) == list(FORM_FIELDS)
    assert {k: v for k, v in cells.items() if v} == expected


def test_cells_survive_the_store_as_json() -> None:
    cells = form_cells({"title": "«Ünïcode» <b>", "city": "Lyon"})
    assert cells_from_json(cells_json(cells)) == cells
    assert cells_from_json(json.dumps(["not", "a", "dict"])) == form_cells({})


@pytest.mark.parametrize("field", FORM_FIELDS)
def test_each_field_has_a_limit(field: str) -> None:
    limit = FIELD_LIMITS[field]
    assert too_long(form_cells({field: "x" * limit})) == ()
    (problem,) = too_long(form_cells({field: "x" * (limit + 1)}))
    assert problem.row is None and problem.column == field
    assert f"{limit + 1:,}" in problem.message and "shorten" in problem.message
    check_message(problem.text)


@pytest.mark.parametrize("status", list(ProposalStatus))
def test_each_status_has_a_label(status: ProposalStatus) -> None:
    assert isinstance(status.label, Message)
    check_message(status.label)


def test_as_dict_is_the_cli_json() -> None:
    at = dt.datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    proposal = Proposal(3, ProposalStatus.DECLINED, at, at, form_cells({"city": "Lyon", "contact_email": "a@b.org"}),
                        decided_by="ana", decided_at=at, reason="duplicate")
    data = proposal.as_dict()
    assert data["id"] == 3 and data["status"] == "declined" and data["created_at"] == "2026-12-02T12:00:00+00:00"
    assert data["city"] == "Lyon" and data["contact_email"] == "a@b.org" and data["reason"] == "duplicate"
    assert json.loads(json.dumps(data)) == data
