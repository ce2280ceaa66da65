"""The host's status page (``/proposal?token=...``), run headless with AppTest.

Proposals are sent through the library (as the form sends them); helpers live in
tests/proposal_support.py.
"""

from __future__ import annotations

import pytest

from speakout_map.organisers.throttle import utc_now
from speakout_map.supporters import moderation
from speakout_map.supporters.moderation import approve, decline, prepare_approval, proposal_by_token
from speakout_map.supporters.proposal import ProposalStatus
from tests.proposal_support import kept_proposal, open_test_store, page_text, status_app

pytestmark = pytest.mark.usefixtures("isolated_cache")

NOT_FOUND = "This link does not open any proposal"


@pytest.fixture
def store_and_geocoder():
    store, geocoder = open_test_store()
    yield store, geocoder
    store.close()


def buttons(at) -> list[str]:
    return [b.key for b in at.button]


def shown_text(at) -> list[str]:
    return [t.value for t in at.text]


def test_a_pending_proposal_shows_its_fields_and_can_be_withdrawn(store_and_geocoder):
    store, geocoder = store_and_geocoder
    token, proposal = kept_proposal(store, geocoder)
    at = status_app(token)
    assert not at.exception
    assert any("Waiting for review" in i.value for i in at.info)
    texts = shown_text(at)
    assert "Speak Out in Lyon" in texts and "Place Bellecour" in texts and "France" in texts
    assert "h***@example.org" in texts  # the host's own email, masked
    assert "host@example.org" not in page_text(at)

    at.button(key="proposal-withdraw").click().run()
    assert any("Withdraw this proposal?" in w.value for w in at.warning)
    at.button(key="proposal-withdraw-no").click().run()  # changed their mind
    assert proposal_by_token(token, store=store).status is ProposalStatus.PENDING
    assert "proposal-withdraw-yes" not in buttons(at)

    at.button(key="proposal-withdraw").click().run()
    at.button(key="proposal-withdraw-yes").click().run()
    assert not at.exception
    assert proposal_by_token(token, store=store).status is ProposalStatus.WITHDRAWN
    assert any("Withdrawn" in i.value for i in at.info)
    assert "proposal-withdraw" not in buttons(at)


def test_a_proposal_decided_while_the_host_confirms_is_not_withdrawn(store_and_geocoder):
    store, geocoder = store_and_geocoder
    token, proposal = kept_proposal(store, geocoder)
    at = status_app(token)
    at.button(key="proposal-withdraw").click().run()
    decline(proposal.id, reason="Duplicate", store=store, by="alice", now=utc_now())
    at.button(key="proposal-withdraw-yes").click().run()  # the page shows the decision instead
    assert not at.exception
    assert any("Declined" in w.value for w in at.warning)
    assert "Duplicate" in shown_text(at)
    assert proposal_by_token(token, store=store).status is ProposalStatus.DECLINED


def test_a_decision_in_the_same_moment_as_withdrawing_is_reported(store_and_geocoder, monkeypatch):
    store, geocoder = store_and_geocoder
    token, proposal = kept_proposal(store, geocoder)
    at = status_app(token)
    at.button(key="proposal-withdraw").click().run()
    real_withdraw = moderation.withdraw

    def decided_first(token, *, store, now):
        decline(proposal.id, reason="Duplicate", store=store, by="alice", now=now)
        return real_withdraw(token, store=store, now=now)

    monkeypatch.setattr(moderation, "withdraw", decided_first)
    at.button(key="proposal-withdraw-yes").click().run()
    assert not at.exception
    assert any("no longer waiting for review" in w.value for w in at.warning)
    assert proposal_by_token(token, store=store).status is ProposalStatus.DECLINED


def test_a_declined_proposal_shows_the_reason(store_and_geocoder):
    store, geocoder = store_and_geocoder
    token, proposal = kept_proposal(store, geocoder)
    reason = "Same as the rally already on the map: <b>see</b> [it](javascript:alert(1))"
    decline(proposal.id, reason=reason, store=store, by="alice", now=utc_now())
    at = status_app(token)
    assert not at.exception
    assert any("Declined" in w.value for w in at.warning)
    assert reason in shown_text(at)  # as plain text, never Markdown
    assert "proposal-withdraw" not in buttons(at)


def test_an_approved_proposal_shows_its_version_and_a_link_to_the_map(store_and_geocoder):
    store, geocoder = store_and_geocoder
    token, proposal = kept_proposal(store, geocoder)
    info = approve(prepare_approval(proposal, store=store, geocoder=geocoder), store=store, by="alice")
    at = status_app(token)
    assert not at.exception
    assert any(f"published in version {info.number} of the map" in s.value for s in at.success)
    assert any(link.label == "See it on the map" for link in at.get("page_link"))
    assert "proposal-withdraw" not in buttons(at)


def test_hostile_fields_are_shown_as_plain_text(store_and_geocoder):
    store, geocoder = store_and_geocoder
    hostile = '<img src=x onerror="alert(1)"> **bold** [x](javascript:alert(2))'
    token, _ = kept_proposal(store, geocoder, title=hostile, venue=hostile, description=hostile + "\nline two")
    at = status_app(token)
    assert not at.exception
    texts = shown_text(at)
    assert hostile in texts and hostile + "\nline two" in texts
    assert all("onerror" not in m.value for m in at.markdown)


@pytest.mark.parametrize("token", [None, "", "not-a-token", "x" * 5000])
def test_a_missing_or_unknown_token_gets_a_calm_answer(store_and_geocoder, token):
    store, geocoder = store_and_geocoder
    kept_proposal(store, geocoder)  # another host's proposal: nothing of it shows
    at = status_app(token)
    assert not at.exception
    text = page_text(at)
    assert NOT_FOUND in text
    assert "Lyon" not in text and not at.text
    assert "proposal-withdraw" not in buttons(at)
