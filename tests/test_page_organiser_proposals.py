"""The organisers' Proposals tab (app_pages/proposals_tab.py), run headless with AppTest.

Proposals are put in the app's store directly (as the propose page would
keep them); the organiser reviews, edits, approves or declines them on the
page. The AppTest helpers live in tests/page_support.py, the ``alice_hash``
fixture in tests/conftest.py.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator, Mapping

import pytest
from streamlit.testing.v1 import AppTest

from speakout_map.store import publishing
from speakout_map.store.store import Store
from speakout_map.supporters.proposal import ProposalStatus
from speakout_map.supporters.tokens import token_digest
from tests.page_support import APP, all_text, organiser_app, sign_in

pytestmark = pytest.mark.usefixtures("isolated_cache")

EMAIL = "host.private@example.org"
T0 = dt.datetime(2013, 8, 1, 12, 0, tzinfo=dt.timezone.utc)
CORK = {"title": "Cork rally", "city": "Cork", "country": "Ireland", "date": "2013-09-03", "venue": "Grand Parade",
        "contact_email": EMAIL}
MADRID = {"title": "Second Madrid rally", "city": "Madrid", "country": "Spain", "date": "2013-09-03",
          "contact_email": "madrid.host@example.org"}


@pytest.fixture
def store() -> Iterator[Store]:
    """The store the app uses (isolated_cache points it at the test's own database)."""
    opened = Store.open(os.environ["SPEAKOUT_DATABASE_URL"])
    yield opened
    opened.close()


def propose(store: Store, *proposals: Mapping[str, str]) -> list[int]:
    """Keep each as a pending proposal, a minute apart, oldest first; their ids."""
    return [store.proposals().add(cells, token_digest(f"token-{i}"), at=T0 + dt.timedelta(minutes=i), max_pending=50).id
            for i, cells in enumerate(proposals)]


def signed_in(alice_hash: str, store: Store, *proposals: Mapping[str, str]) -> tuple[AppTest, list[int]]:
    at = organiser_app(alice_hash)
    at.run()  # the app publishes the seed events as version 1
    ids = propose(store, *proposals)
    sign_in(at)
    assert not at.exception
    return at, ids


#: The columns of the tables of published events beside a proposal (the nearby ones add "km" first).
EVENT_COLUMNS = ["date", "city", "country", "title", "venue"]


def plain(at: AppTest) -> str:
    return all_text(at).replace("\\", "")


def proposals_label(at: AppTest) -> str:
    (label,) = [tab.label for tab in at.tabs if tab.label.startswith("Proposals")]
    return label


def errors(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error]


def successes(at: AppTest) -> list[str]:
    return [s.value.replace("\\", "") for s in at.success]


@pytest.mark.parametrize(("proposals", "label"), [((), "Proposals (0)"), ((CORK,), "Proposals (1)"),
                                                  ((CORK, MADRID, CORK), "Proposals (3)")])
def test_the_tab_label_counts_the_pending_proposals(alice_hash, store, proposals, label):
    at, _ = signed_in(alice_hash, store, *proposals)
    assert proposals_label(at) == label
    if not proposals:
        assert "No proposal is waiting for review." in plain(at)


def test_pending_proposals_are_listed_oldest_first_with_their_fields(alice_hash, store):
    at, ids = signed_in(alice_hash, store, MADRID, CORK)
    options = at.selectbox(key="proposal-choice").options
    assert [option.split(" · ")[0] for option in options] == [str(i) for i in ids]
    assert "Second Madrid rally" in options[0] and "Cork rally" in options[1]
    first = ids[0]
    assert at.text_input(key=f"proposal-{first}-field-city").value == "Madrid"
    # organisers see the host's contact email here (and only here)
    assert at.text_input(key=f"proposal-{first}-field-contact_email").value == "madrid.host@example.org"
    at.selectbox(key="proposal-choice").set_value(ids[1]).run()
    assert at.text_input(key=f"proposal-{ids[1]}-field-contact_email").value == EMAIL
    assert at.text_input(key=f"proposal-{ids[1]}-field-venue").value == "Grand Parade"


@pytest.mark.parametrize(("cells", "duplicate"), [(MADRID, True), (CORK, False),
                                                  ({**MADRID, "date": "2013-09-04"}, False),
                                                  ({**MADRID, "city": "madrid"}, True)])
def test_a_likely_duplicate_is_flagged_with_the_published_events(alice_hash, store, cells, duplicate):
    at, _ = signed_in(alice_hash, store, cells)
    flags = [w.value for w in at.warning if "Likely a duplicate" in w.value]
    if duplicate:
        assert flags == ["Likely a duplicate: 1 published event is in the same city on the same date."]
        table = next(df.value for df in at.dataframe if list(df.value.columns) == EVENT_COLUMNS)
        assert list(table["title"]) == ["Speak Out For Russia – Madrid"]
    else:
        assert flags == []


@pytest.mark.parametrize(("cells", "caption", "cities"), [
    (MADRID, "1 published event within 100 km:", ["Madrid"]),
    ({**CORK, "city": "Xàtiva", "country": "ES", "latitude": "38.99", "longitude": "-0.52"},
     "1 published event within 100 km:", ["Valencia"]),
    (CORK, "No published event within 100 km. The nearest:", ["Galway", "Dublin", "Manchester"]),
])
def test_the_published_events_near_a_proposal_are_listed_beside_it(alice_hash, store, cells, caption, cities):
    at, _ = signed_in(alice_hash, store, cells)
    assert caption in [c.value for c in at.caption]
    nearby = next(df.value for df in at.dataframe if list(df.value.columns) == ["km", *EVENT_COLUMNS])
    assert list(nearby["city"]) == cities
    assert list(nearby["km"]) == sorted(nearby["km"]), "nearest first"


def test_edit_then_approve_publishes_the_edited_event(alice_hash, store):
    at, (pid,) = signed_in(alice_hash, store, CORK)
    at.text_input(key=f"proposal-{pid}-field-date").input("2013-02-30")
    at.button(key=f"proposal-{pid}-check").click().run()
    assert not at.exception
    assert "2013-02-30 is not a date; write it as YYYY-MM-DD, e.g. 2013-09-03" in errors(at), "the upload's message"
    assert at.button(key=f"approve-{pid}").disabled

    at.text_input(key=f"proposal-{pid}-field-date").input("2013-09-04")
    at.text_input(key=f"proposal-{pid}-field-venue").input("City Hall")
    at.button(key=f"proposal-{pid}-check").click().run()
    assert not errors(at)
    approve = at.button(key=f"approve-{pid}")
    assert approve.label == "Approve" and not approve.disabled
    approve.click().run()
    assert not at.exception
    assert f"Approved proposal {pid}: published version 2 with 20 events. The map shows it now." in successes(at)
    assert proposals_label(at) == "Proposals (0)"

    latest = store.latest()
    assert (latest.info.number, latest.info.by, latest.info.source) == (2, "alice", f"proposal {pid}")
    (cork,) = [p.event for p in latest.events if p.event.city == "Cork"]
    assert (cork.date, cork.venue, cork.title) == (dt.date(2013, 9, 4), "City Hall", "Cork rally")
    proposal = store.proposals().get(pid)
    assert (proposal.status, proposal.version_number, proposal.decided_by) == (ProposalStatus.APPROVED, 2, "alice")
    assert proposal.cells["venue"] == "City Hall"
    decided = next(df.value for df in at.dataframe if "reason" in df.value.columns)
    assert list(decided["proposal"]) == [pid] and list(decided["version"]) == [2]


def test_undo_my_edits_brings_back_the_proposal_as_sent(alice_hash, store):
    at, (pid,) = signed_in(alice_hash, store, CORK)
    at.text_input(key=f"proposal-{pid}-field-venue").input("Elsewhere")
    at.button(key=f"proposal-{pid}-check").click().run()
    at.button(key=f"proposal-{pid}-restore").click().run()
    assert at.text_input(key=f"proposal-{pid}-field-venue").value == "Grand Parade"


def test_an_approval_previewed_before_someone_else_published_is_refused(alice_hash, store):
    at, (pid,) = signed_in(alice_hash, store, CORK)
    assert "the events of version 1 with this one added" in plain(at)
    other = publishing.publish(publishing.prepare_rollback(1, store=store), store=store, by="bob")
    assert other.number == 2

    at.button(key=f"approve-{pid}").click().run()
    assert not at.exception
    assert not successes(at)
    assert any(e.startswith("Not approved: the events changed meanwhile") and "version 2 is now published" in e
               for e in errors(at)), errors(at)
    assert store.latest_number() == 2 and store.latest().info.by == "bob", "nothing was published"
    assert store.proposals().get(pid).status is ProposalStatus.PENDING
    # the approval is now previewed against bob's version, and may be approved knowingly
    assert "the events of version 2 with this one added" in plain(at)
    at.button(key=f"approve-{pid}").click().run()
    assert f"Approved proposal {pid}: published version 3 with 20 events. The map shows it now." in successes(at)
    assert store.proposals().get(pid).version_number == 3


def test_an_approval_of_a_proposal_declined_meanwhile_is_refused(alice_hash, store):
    at, (pid,) = signed_in(alice_hash, store, CORK)
    store.proposals().decline(pid, reason="spam", by="bob", at=T0)
    at.button(key=f"approve-{pid}").click().run()
    assert not at.exception
    assert any(e.startswith("Not approved:") and "no longer waiting for review" in e for e in errors(at)), errors(at)
    assert store.latest_number() == 1, "nothing was published"
    assert proposals_label(at) == "Proposals (0)"


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_decline_needs_a_reason(alice_hash, store, reason):
    at, (pid,) = signed_in(alice_hash, store, CORK)
    at.text_area(key=f"proposal-{pid}-reason").input(reason)
    at.button(key=f"decline-{pid}").click().run()
    assert not at.exception
    assert "Not declined: write the reason for declining: the host reads it on their status page" in errors(at)
    assert store.proposals().get(pid).status is ProposalStatus.PENDING
    assert proposals_label(at) == "Proposals (1)"


def test_decline_stores_the_reason_for_the_host(alice_hash, store):
    at, (first, second) = signed_in(alice_hash, store, CORK, MADRID)
    at.text_area(key=f"proposal-{first}-reason").input("  Please add the venue's address.  ")
    at.button(key=f"decline-{first}").click().run()
    assert not at.exception
    assert f"Declined proposal {first}. Its host sees your reason on their status page." in successes(at)
    assert proposals_label(at) == "Proposals (1)"
    proposal = store.proposals().get(first)
    assert (proposal.status, proposal.reason, proposal.decided_by) == (
        ProposalStatus.DECLINED, "Please add the venue's address.", "alice")
    assert store.latest_number() == 1, "declining publishes nothing"
    assert at.selectbox(key="proposal-choice").value == second
    decided = next(df.value for df in at.dataframe if "reason" in df.value.columns)
    assert list(decided["reason"]) == ["Please add the venue's address."]
    assert list(decided["status"]) == ["Declined"]


def test_the_contact_email_never_reaches_the_public_map(alice_hash, store):
    at, (pid,) = signed_in(alice_hash, store, CORK)
    at.button(key=f"approve-{pid}").click().run()
    assert store.latest_number() == 2
    assert EMAIL in [p.event.contact_email for p in store.latest().events], "kept for the organisers"

    public = AppTest.from_file(APP, default_timeout=90)
    public.run()
    assert not public.exception
    (table,) = [df.value for df in public.dataframe]
    assert "Cork" in set(table.astype(str).to_numpy().ravel()), "the approved event is on the public map"
    assert not any(EMAIL in str(cell) for cell in table.to_numpy().ravel())
    assert not any("email" in str(column).lower() for column in table.columns)
    assert EMAIL not in all_text(public)


def test_the_history_download_has_the_going_column(alice_hash, store, monkeypatch):
    from speakout_map.events import export
    from speakout_map.events.identity import event_uids

    made = {}
    real_csv, real_geojson = export.events_to_csv, export.geojson_text

    def events_to_csv(events, **options):
        made["csv"] = options.get("going")
        return real_csv(events, **options)

    def geojson_text(placed, **options):
        made["geojson"] = options.get("going")
        return real_geojson(placed, **options)

    monkeypatch.setattr(export, "events_to_csv", events_to_csv)
    monkeypatch.setattr(export, "geojson_text", geojson_text)
    at, _ = signed_in(alice_hash, store)
    events = store.latest().events
    uid = event_uids([p.event for p in events])[3]
    for session in ("a", "b"):
        store.going().mark(uid, session, T0)
    at.run()
    assert not at.exception
    expected = [2 if i == 3 else 0 for i in range(len(events))]
    assert made == {"csv": expected, "geojson": expected}, "counts by UID within the version, in its order"


HOSTILE = "**x** <img src=x onerror=alert(1)> [y](javascript:alert(1))"
UNESCAPED = re.compile(r"(?<!\\)(<img|\*\*x|\[y\])")


@pytest.mark.parametrize("field", ["title", "city", "country", "date", "venue", "url", "description", "contact_email"])
def test_hostile_text_in_a_proposal_stays_text(alice_hash, store, field):
    at, (pid,) = signed_in(alice_hash, store, {**CORK, field: HOSTILE})
    assert not at.exception
    widget = at.text_area if field == "description" else at.text_input
    assert widget(key=f"proposal-{pid}-field-{field}").value == HOSTILE, "shown to the organiser as typed"
    shown = [e.value for kind in ("markdown", "error", "warning", "info", "success", "caption") for e in at.get(kind)]
    assert not [text for text in shown if UNESCAPED.search(text)]
    if field in ("city", "country", "date", "url"):
        assert errors(at), "the upload's rules refuse it"
        assert at.button(key=f"approve-{pid}").disabled
