"""The "Propose an event" page, run headless with AppTest: check, place, send, and the spam guards.

Helpers (``propose_app``, ``fill``, ``check``, ``send``...) live in tests/proposal_support.py;
``isolated_cache`` (tests/conftest.py) gives each test a store of its own.
"""

from __future__ import annotations

import logging
import os

import pytest

from speakout_map.escaping import escape_markdown
from speakout_map.settings import load_settings
from speakout_map.store.publishing import open_published_store
from speakout_map.supporters.guards import HONEYPOT_FIELD
from speakout_map.supporters.moderation import proposal_by_token
from speakout_map.supporters.proposal import FIELD_LIMITS, ProposalStatus
from tests.proposal_support import (
    GOOD_FORM,
    QUICK,
    another,
    check,
    errors,
    fill,
    key,
    page_text,
    propose,
    propose_app,
    send,
    status_link,
    token_of,
)

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.fixture
def store():
    """The store the app under test uses (the same database, from the environment)."""
    opened = open_published_store(load_settings(environ=os.environ))
    yield opened
    opened.close()


def kept(store) -> list:
    return store.proposals().list()


def test_a_good_proposal_is_kept_pending_and_its_status_link_shown(store, caplog):
    caplog.set_level(logging.DEBUG)
    at = propose_app()
    assert not at.exception
    assert "Never shown on the map or anywhere public" in at.text_input(key=key("contact_email")).help
    check(fill(at, GOOD_FORM))
    assert not at.exception
    assert not at.error
    assert any("placed in Lyon, France" in s.value for s in at.success)
    assert at.button(key="propose-send") is not None
    assert kept(store) == []  # checking sends nothing

    send(at)
    assert not at.exception, at.exception
    link = status_link(at)
    assert link is not None and link.startswith("/proposal?token="), link
    proposal = proposal_by_token(token_of(link), store=store)
    assert proposal.status is ProposalStatus.PENDING
    assert proposal.cells["title"] == "Speak Out in Lyon"
    assert proposal.cells["country"] == "FR"
    assert proposal.cells["date"] == GOOD_FORM["date"].isoformat()
    assert proposal.cells["start_time"] == "18:30"
    assert proposal.cells["contact_email"] == "host@example.org"
    assert [p.id for p in kept(store)] == [proposal.id]
    assert store.latest_number() == 1  # the published map is untouched
    assert token_of(link) not in caplog.text  # the link is never logged
    assert "propose-send" not in [b.key for b in at.button]

    another(at)
    assert status_link(at) is None
    assert at.text_input(key=key("title")).value == ""


@pytest.mark.parametrize(
    ("changes", "label", "expected"),
    [
        ({"date": None}, "Date", "date is empty; every event needs a date"),
        ({"country": "Atlantis"}, "Country", "is not a country we recognise"),
        ({"url": "javascript:alert(1)"}, "Event page (URL)", "is not a web address; links must start with https://"),
        ({"contact_email": "host at example.org"}, "Your email (never shown publicly)", "is not an email address"),
        # Typed fields stop at their limit (below); a typed country has none in the browser.
        ({"country": "x" * (FIELD_LIMITS["country"] + 1)}, "Country", "has 61 characters; the limit is 60: shorten it"),
        ({"city": "Xyzzyville"}, "City", "could not be found in France"),
    ],
    ids=["date", "country", "url", "email", "too-long", "place"],
)
def test_bad_input_gets_the_uploads_messages_and_cannot_be_sent(store, changes, label, expected):
    at = check(fill(propose_app(), {**GOOD_FORM, **changes}))
    assert not at.exception
    [problems] = errors(at)
    unescaped = problems.replace("\\", "")
    assert f"**{label}**: " in unescaped, problems
    assert expected in unescaped, problems
    assert "propose-send" not in [b.key for b in at.button]
    assert kept(store) == []


def test_text_fields_stop_at_their_limit():
    at = check(fill(propose_app(), {**GOOD_FORM, "title": "x" * 500, "description": "y" * 5000}))
    assert not at.error
    cells = at.session_state["propose-checked"].cells
    assert (len(cells["title"]), len(cells["description"])) == (FIELD_LIMITS["title"], FIELD_LIMITS["description"])


def test_hostile_text_in_a_message_is_escaped():
    hostile = "<img src=x onerror=alert(1)>[x](javascript:1)"
    at = check(fill(propose_app(), {**GOOD_FORM, "contact_email": hostile}))
    [problems] = errors(at)
    assert escape_markdown(hostile) in problems


def test_a_town_the_gazetteer_lacks_is_placed_by_typed_coordinates(store):
    at = check(fill(propose_app(), {**GOOD_FORM, "city": "Xyzzyville"}))
    assert any("could not be found" in e for e in errors(at))
    at.number_input(key="propose-latitude-input").set_value(45.75)
    at.number_input(key="propose-longitude-input").set_value(4.85)
    at.button(key="propose-move").click().run()
    assert not at.exception
    assert not at.error
    assert any("placed in Xyzzyville, France" in s.value for s in at.success)
    # Checking again keeps the pin while the town is the same.
    check(at)
    assert not at.error
    send(at)
    [proposal] = kept(store)
    assert (proposal.cells["latitude"], proposal.cells["longitude"]) == ("45.75", "4.85")
    assert proposal.cells["city"] == "Xyzzyville"


def test_a_moved_pin_goes_back_to_the_city_on_request(store):
    at = check(fill(propose_app(), GOOD_FORM))
    at.number_input(key="propose-latitude-input").set_value(10.0)
    at.number_input(key="propose-longitude-input").set_value(20.0)
    at.button(key="propose-move").click().run()
    assert at.number_input(key="propose-latitude-input").value == 10.0
    at.button(key="propose-by-city").click().run()
    assert not at.exception
    assert abs(at.number_input(key="propose-latitude-input").value - 45.75) < 0.1  # Lyon again
    send(at)
    [proposal] = kept(store)
    assert proposal.cells["latitude"] == proposal.cells["longitude"] == ""


def test_coordinates_half_given_are_asked_for_again():
    at = check(fill(propose_app(), {**GOOD_FORM, "city": "Xyzzyville"}))
    at.number_input(key="propose-latitude-input").set_value(None)
    at.number_input(key="propose-longitude-input").set_value(4.85)
    at.button(key="propose-move").click().run()
    assert "Give both the latitude and the longitude" in "\n".join(errors(at))


@pytest.mark.parametrize(
    ("query", "city", "country"),
    [({"city": "Cork, Ireland"}, "Cork", "IE"), ({"city": "Springfield"}, "Springfield", None), ({}, "", None)],
)
def test_the_address_fills_in_the_city(query, city, country):
    at = propose_app(query=query)
    assert not at.exception
    assert at.text_input(key=key("city")).value == city
    assert at.selectbox(key=key("country")).value == country


def test_the_honeypot_refuses_a_filled_in_form(store):
    at = propose_app()
    assert at.text_input(key=HONEYPOT_FIELD).label == "Leave this empty"
    fill(at, GOOD_FORM)
    at.text_input(key=HONEYPOT_FIELD).set_value("https://spam.example")
    send(check(at))
    assert any("“Leave this empty” has text in it" in e for e in errors(at))
    assert status_link(at) is None
    assert kept(store) == []


def test_the_time_trap_refuses_a_form_sent_too_soon(store):
    at = propose(propose_app({"proposal_min_seconds": 3600}))
    assert any("sooner than a person can fill it in" in e for e in errors(at))
    assert status_link(at) is None
    assert kept(store) == []


def test_a_burst_from_one_session_is_cut_off_and_others_still_get_through(store):
    at = propose_app()
    for n in range(3):  # PROPOSAL_LIMITS: 3 in 10 minutes
        propose(at, {**GOOD_FORM, "title": f"Lyon {n}"})
        assert status_link(at) is not None, errors(at)
        another(at)
    propose(at, {**GOOD_FORM, "title": "Lyon 3"})
    assert status_link(at) is None
    assert any("you have done this too often" in e.lower() for e in errors(at)), errors(at)
    assert [p.cells["title"] for p in kept(store)] == ["Lyon 0", "Lyon 1", "Lyon 2"]

    other = propose(propose_app(), {**GOOD_FORM, "title": "Cork"})
    assert status_link(other) is not None, errors(other)
    assert len(kept(store)) == 4
    assert store.latest_number() == 1


def test_the_cap_on_pending_proposals(store):
    first = propose(propose_app({**QUICK, "proposals_max_pending": 1}))
    assert status_link(first) is not None
    second = propose(propose_app({**QUICK, "proposals_max_pending": 1}), {**GOOD_FORM, "title": "Another"})
    assert status_link(second) is None
    assert any("more proposals waiting for review than we can read" in e for e in errors(second))
    assert len(kept(store)) == 1


def test_the_page_shows_no_traceback_when_the_store_fails(monkeypatch):
    at = check(fill(propose_app(), GOOD_FORM))

    from speakout_map.errors import StoreError
    from speakout_map.store.proposals import ProposalStore

    def broken(*args, **kwargs):
        raise StoreError("the database is gone")

    monkeypatch.setattr(ProposalStore, "add", broken)
    send(at)
    assert not at.exception
    assert any("could not be kept because of a problem on our side" in e for e in errors(at))
    assert "database is gone" not in page_text(at)


def test_checking_is_rate_limited_per_session(store):
    from speakout_map.supporters.guards import CHECK_LIMITS

    at = fill(propose_app(), GOOD_FORM)
    for _ in range(CHECK_LIMITS[0].count):
        check(at)
        assert not errors(at), errors(at)
    check(at)
    assert any("you have done this too often" in e.lower() for e in errors(at)), errors(at)
    other = check(fill(propose_app(), GOOD_FORM))  # another visitor still checks
    assert not errors(other) and other.button(key="propose-send") is not None


def test_with_the_proof_of_work_on_a_form_without_a_solved_check_is_refused(store):
    at = check(fill(propose_app({**QUICK, "proposal_challenge": True}), GOOD_FORM))
    assert not at.exception, at.exception
    assert at.session_state["propose-challenge"]["parameters"]  # a challenge for the browser to solve
    send(at)
    assert any("anti\\-spam check did not finish" in e for e in errors(at)), errors(at)  # as Markdown
    assert status_link(at) is None and kept(store) == []


def test_without_the_proof_of_work_no_challenge_is_made(store):
    at = check(fill(propose_app(), GOOD_FORM))
    assert "propose-challenge" not in at.session_state
