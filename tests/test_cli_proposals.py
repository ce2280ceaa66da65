"""The command line's moderation: ``proposals``, ``approve``, ``decline``; and the ``going`` column of ``export``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping

import pytest

from speakout_map.cli import main
from speakout_map.events.identity import event_uids
from speakout_map.settings import load_settings
from speakout_map.store import publishing
from speakout_map.store.store import Store
from speakout_map.supporters.proposal import FORM_FIELDS, ProposalStatus
from speakout_map.supporters.tokens import token_digest

pytestmark = pytest.mark.usefixtures("isolated_cache")

T0 = dt.datetime(2013, 8, 1, 12, 0, tzinfo=dt.timezone.utc)
CORK = {"title": "Cork rally", "city": "Cork", "country": "Ireland", "date": "2013-09-03", "venue": "Grand Parade",
        "contact_email": "cork.host@example.org"}
BAD = {"title": "Nowhere", "city": "Qwertyville", "country": "Spain", "date": "2013-02-30",
       "contact_email": "bad.host@example.org"}
MADRID = {"title": "Second Madrid rally", "city": "Madrid", "country": "ES", "date": "2013-09-03"}


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.fixture
def store() -> Iterator[Store]:
    """The CLI's store, the seed published as version 1."""
    opened = publishing.open_published_store(load_settings())
    yield opened
    opened.close()


def propose(store: Store, *proposals: Mapping[str, str]) -> list[int]:
    """Each kept as a pending proposal, a minute apart; their ids."""
    return [store.proposals().add(cells, token_digest(f"token-{i}"), at=T0 + dt.timedelta(minutes=i), max_pending=50).id
            for i, cells in enumerate(proposals)]


@pytest.fixture
def three(store: Store) -> list[int]:
    """Cork (pending), the bad one (pending), Madrid (declined)."""
    ids = propose(store, CORK, BAD, MADRID)
    store.proposals().decline(ids[2], reason="already on the map", by="bob", at=T0 + dt.timedelta(hours=1))
    return ids


# --- proposals --------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "titles"), [
    (None, ["Cork rally", "Nowhere", "Second Madrid rally"]),
    ("pending", ["Cork rally", "Nowhere"]),
    ("declined", ["Second Madrid rally"]),
    ("approved", []),
    ("withdrawn", []),
])
def test_proposals_json_lists_them_oldest_first(three, status, titles):
    code, out = run("proposals", "--json", *(["--status", status] if status else []))
    assert code == 0
    listed = json.loads(out)
    assert [p["title"] for p in listed] == titles
    for item in listed:
        assert {"id", "status", "created_at", *FORM_FIELDS} <= set(item)
        assert status is None or item["status"] == status
    if status == "pending":
        first = listed[0]
        assert (first["id"], first["status"], first["created_at"]) == (three[0], "pending", T0.isoformat())
        assert first["contact_email"] == "cork.host@example.org", "organisers see the host's email"
        assert (first["city"], first["country"], first["date"], first["venue"]) == (
            "Cork", "Ireland", "2013-09-03", "Grand Parade")
    if status == "declined":
        assert listed[0]["reason"] == "already on the map"


def test_proposals_text_has_one_line_each(three):
    code, out = run("proposals")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].split()[:2] == [str(three[0]), "pending"]
    assert "Cork, Ireland" in lines[0] and '"Cork rally"' in lines[0] and "<cork.host@example.org>" in lines[0]
    assert 'declined by bob: "already on the map"' in lines[2]


@pytest.mark.parametrize(("argv", "expected"), [(["proposals"], "no proposals\n"),
                                                (["proposals", "--status", "pending"], "no pending proposals\n"),
                                                (["proposals", "--json"], "[]\n")])
def test_no_proposals(store, argv, expected):
    assert run(*argv) == (0, expected)


def test_control_characters_from_a_host_stay_inert_on_a_terminal(store):
    (pid,) = propose(store, {**CORK, "title": "Cork\x1b[2J rally\nline two", "city": "Cork\x07"})
    code, out = run("proposals")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and out.count("\n") == 1
    assert "\\x1b[2J" in out and "\\n" in out


def test_an_unknown_status_is_a_usage_error(store):
    with pytest.raises(SystemExit) as info:
        main(["proposals", "--status", "maybe"])
    assert info.value.code == 2


# --- approve ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", [None, "carol"])
def test_approve_publishes_a_version_and_marks_it_approved(store, three, monkeypatch, by):
    monkeypatch.setenv("SPEAKOUT_BY", "from-env")
    code, out = run("approve", str(three[0]), *(["--by", by] if by else []))
    assert code == 0, out
    assert f"approved proposal {three[0]}: published version 2 with 20 events (1 added," in out
    assert "warning: date: 2013-09-03 is in the past; check the year" in out
    latest = store.latest()
    assert (latest.info.number, latest.info.by, latest.info.source) == (2, by or "from-env", f"proposal {three[0]}")
    (cork,) = [p.event for p in latest.events if p.event.city == "Cork"]
    assert (cork.title, cork.venue, cork.contact_email) == ("Cork rally", "Grand Parade", "cork.host@example.org")
    proposal = store.proposals().get(three[0])
    assert (proposal.status, proposal.version_number, proposal.decided_by) == (
        ProposalStatus.APPROVED, 2, by or "from-env")
    assert [p["id"] for p in json.loads(run("proposals", "--status", "approved", "--json")[1])] == [three[0]]


def test_approve_with_problems_exits_1_and_publishes_nothing(store, three):
    code, out = run("approve", str(three[1]))
    assert code == 1
    lines = out.splitlines()
    assert "error: date: 2013-02-30 is not a date; write it as YYYY-MM-DD, e.g. 2013-09-03" in lines
    assert lines[-1].startswith(f"proposal {three[1]}: not approved")
    assert store.latest_number() == 1
    assert store.proposals().get(three[1]).status is ProposalStatus.PENDING


@pytest.mark.parametrize("decided", ["approved", "declined", "withdrawn"])
def test_approve_of_a_proposal_no_longer_pending_is_refused(store, capsys, decided):
    (pid,) = propose(store, CORK)
    if decided == "approved":
        assert run("approve", str(pid))[0] == 0
    elif decided == "declined":
        store.proposals().decline(pid, reason="no", by="bob", at=T0)
    else:
        store.proposals().withdraw(token_digest("token-0"), at=T0)
    capsys.readouterr()
    before = store.latest_number()
    code, out = run("approve", str(pid))
    assert code == 1
    assert out == ""
    err = capsys.readouterr().err
    assert err.startswith(f"error: proposal {pid} is no longer waiting for review"), err
    assert store.latest_number() == before, "nothing was published"
    assert store.proposals().get(pid).status.value == decided


@pytest.mark.parametrize("argv", [["approve", "99"], ["decline", "99", "--reason", "spam"]])
def test_an_unknown_proposal_is_a_usage_error(store, capsys, argv):
    code, out = run(*argv)
    assert code == 2
    assert "error: there is no proposal 99; list them with: python -m speakout_map proposals" in capsys.readouterr().err
    assert store.latest_number() == 1


@pytest.mark.parametrize("argv", [["approve"], ["approve", "one"], ["decline"], ["decline", "x", "--reason", "r"]])
def test_approve_and_decline_need_a_numeric_id(store, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2


# --- decline ---------------------------------------------------------------------------------------


def test_decline_needs_reason(store, three, capsys):
    with pytest.raises(SystemExit) as info:
        main(["decline", str(three[0])])
    assert info.value.code == 2
    assert "--reason" in capsys.readouterr().err
    assert store.proposals().get(three[0]).status is ProposalStatus.PENDING


@pytest.mark.parametrize(("reason", "message"), [
    ("", "write the reason for declining"),
    ("  \n ", "write the reason for declining"),
    ("x" * 1001, "the reason has 1,001 characters; the limit is 1,000"),
])
def test_decline_refuses_an_empty_or_long_reason(store, three, capsys, reason, message):
    code, _ = run("decline", str(three[0]), "--reason", reason)
    assert code == 2
    assert message in capsys.readouterr().err
    assert store.proposals().get(three[0]).status is ProposalStatus.PENDING


@pytest.mark.parametrize("by", [None, "carol"])
def test_decline_keeps_the_reason_and_publishes_nothing(store, three, monkeypatch, by):
    monkeypatch.setenv("SPEAKOUT_BY", "from-env")
    code, out = run("decline", str(three[0]), "--reason", "  Please give the venue.  ", *(["--by", by] if by else []))
    assert code == 0
    assert out == f"declined proposal {three[0]}; its host reads the reason on their status page\n"
    proposal = store.proposals().get(three[0])
    assert (proposal.status, proposal.reason, proposal.decided_by) == (
        ProposalStatus.DECLINED, "Please give the venue.", by or "from-env")
    assert store.latest_number() == 1


def test_decline_of_a_declined_proposal_is_refused(store, three, capsys):
    code, _ = run("decline", str(three[2]), "--reason", "again")
    assert code == 1
    assert "no longer waiting for review" in capsys.readouterr().err
    assert store.proposals().get(three[2]).reason == "already on the map"


# --- export: the going column ------------------------------------------------------------------------


def mark_going(store: Store, index: int, sessions: int) -> str:
    uid = event_uids([p.event for p in store.latest().events])[index]
    for n in range(sessions):
        store.going().mark(uid, f"session-{n}", T0)
    return uid


@pytest.mark.parametrize("private", [False, True])
def test_export_csv_has_the_going_column(store, private):
    mark_going(store, 3, 2)
    mark_going(store, 0, 1)
    code, out = run("export", *(["--include-private"] if private else []))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert len(rows) == 19
    assert [int(r["going"]) for r in rows] == [1, 0, 0, 2] + [0] * 15
    assert ("contact_email" in rows[0]) is private


def test_export_geojson_has_the_going_property(store):
    mark_going(store, 5, 3)
    code, out = run("export", "--format", "geojson")
    assert code == 0
    going = [f["properties"]["going"] for f in json.loads(out)["features"]]
    assert going == [0] * 5 + [3] + [0] * 13


def test_export_counts_follow_the_event_into_a_new_version(store):
    mark_going(store, 0, 2)  # Asunción
    (pid,) = propose(store, CORK)
    assert run("approve", str(pid))[0] == 0
    for version in ("1", "2"):
        rows = list(csv.DictReader(io.StringIO(run("export", "--version", version)[1].lstrip("\ufeff"))))
        assert {r["city"]: int(r["going"]) for r in rows}["Asunción"] == 2
    rows = list(csv.DictReader(io.StringIO(run("export")[1].lstrip("\ufeff"))))
    assert {r["city"]: int(r["going"]) for r in rows}["Cork"] == 0


def test_export_ics_has_no_going(store):
    mark_going(store, 0, 2)
    code, out = run("export", "--format", "ics")
    assert code == 0 and "going" not in out.lower()


@pytest.mark.parametrize("command", ["proposals", "approve", "decline"])
def test_the_help_lists_the_moderation_commands(capsys, command):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert command in capsys.readouterr().out
