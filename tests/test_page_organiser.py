"""The organisers' page, run headless with AppTest: sign-in, upload, preview, publish, history.

The AppTest helpers (``organiser_app``, ``sign_in``, ``all_text``, ...) live in
tests/page_support.py, the ``alice_hash`` fixture in tests/conftest.py.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from speakout_map.store.store import Store
from tests.page_support import APP, AUTH, ORGANISER, PASSWORD, all_text, confirm_removal, organiser_app, sign_in

pytestmark = pytest.mark.usefixtures("isolated_cache")

UPDATE = (
    "city,country,date,title,venue,url\n"
    "Madrid,España,2013-09-03,Madrid rally,Russian Embassy,https://example.org/madrid\n"
    "Berlin,Deutschland,2013-09-03,Berlin rally,Brandenburg Gate,\n"
).encode("utf-8")


def test_nothing_without_credentials():
    at = organiser_app(None)
    at.run()
    assert not at.exception
    assert "No organiser accounts are set up yet" in all_text(at)
    assert not at.get("file_uploader") and not at.tabs and not at.get("data_editor")


def test_sign_in_form_hides_everything_until_signed_in(alice_hash):
    at = organiser_app(alice_hash)
    at.run()
    assert not at.exception
    assert at.text_input(key="sign-in-password") is not None
    assert not at.get("file_uploader") and not at.tabs


@pytest.mark.parametrize(("name", "password"), [("alice", "wrong"), ("mallory", PASSWORD), ("", "")])
def test_wrong_credentials(alice_hash, name, password):
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at, name, password)
    assert not at.exception
    assert "Wrong organiser name or password." in [e.value for e in at.error]
    assert not at.get("file_uploader")


def test_repeated_failures_are_slowed_down(alice_hash):
    at = organiser_app(alice_hash)
    at.run()
    for _ in range(5):
        sign_in(at, "alice", "wrong")
    sign_in(at, "alice", PASSWORD)
    assert any("Too many failed sign-ins" in e.value for e in at.error)
    assert not at.get("file_uploader")


def test_upload_preview_publish_and_the_map_follows(alice_hash):
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at)
    assert not at.exception
    assert "Signed in as **alice**" in all_text(at)
    at.get("file_uploader")[0].upload("update.csv", UPDATE, "text/csv").run()
    assert not at.exception
    text = all_text(at)
    assert "1 added, 18 removed, 1 changed" in text.replace("\\", "")
    assert "This removes 18 of 19 published events." in [w.value for w in at.warning]
    assert next(b for b in at.button if b.label == "Publish").disabled  # until the removal is confirmed
    confirm_removal(at)
    publish = next(b for b in at.button if b.label == "Publish")
    assert not publish.disabled
    publish.click().run()
    assert not at.exception
    assert any("Published version 2 with 2 events" in s.value for s in at.success)

    supporter = AppTest.from_file(APP, default_timeout=90)
    supporter.run()
    assert not supporter.exception
    assert list(supporter.dataframe[0].value["City"]) == ["Berlin", "Madrid"]


def test_bad_upload_lists_problems_and_cannot_publish(alice_hash):
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at)
    bad = b"city,country,date,url\nMadrid,ES,2013-02-30,\nDublin,IE,2013-09-03,javascript:alert(1)\n"
    at.get("file_uploader")[0].upload("bad.csv", bad, "text/csv").run()
    assert not at.exception
    assert any("2 problems to fix" in e.value for e in at.error)
    problems = next(d.value for d in at.dataframe if "row" in d.value.columns)
    assert list(zip(problems["row"], problems["column"])) == [(2, "date"), (3, "url")]
    publish = next(b for b in at.button if b.label == "Publish")
    assert publish.disabled


def test_history_lists_versions_and_rolls_back(alice_hash):
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at)
    at.get("file_uploader")[0].upload("update.csv", UPDATE, "text/csv").run()
    confirm_removal(at)
    next(b for b in at.button if b.label == "Publish").click().run()
    history = next(df for df in at.dataframe if "version" in df.value.columns).value
    assert list(history["version"]) == [2, 1]
    assert list(history["by"]) == ["alice", "seed"]
    at.selectbox(key="history-version").set_value(1).run()
    at.button(key="rollback").click().run()
    assert not at.exception
    history = next(df for df in at.dataframe if "version" in df.value.columns).value
    assert list(history["version"]) == [3, 2, 1]
    assert history["file"][0] == "rollback to version 1"
    assert history["rows"][0] == 19


@pytest.mark.parametrize(
    ("email", "allowed"),
    [("alice@example.org", True), ("ALICE@example.org", True), ("mallory@example.org", False), (None, False)],
)
def test_oidc_sign_in_needs_the_allow_list(email, allowed):
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.secrets["speakout"] = {"organiser_emails": "alice@example.org, bob@example.org"}
    at.user = {"is_logged_in": True, **({"email": email, "email_verified": True} if email else {})}
    at.run()  # st.navigation registers the pages' url paths on the first run
    at.switch_page(ORGANISER)
    at.run()
    assert not at.exception
    if allowed:
        assert at.get("file_uploader"), "signed in through OIDC"
        assert f"Signed in as **{email.replace('.', chr(92) + '.')}**" in all_text(at)
    else:
        assert not at.get("file_uploader")
        assert any("not on the organisers' list" in e.value for e in at.error)


def test_oidc_logged_out_sees_a_sign_in_button():
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()  # st.navigation registers the pages' url paths on the first run
    at.switch_page(ORGANISER)
    at.run()
    assert not at.exception
    assert any(b.label == "Sign in with your campaign account" for b in at.button)
    assert not at.get("file_uploader")


def test_edit_tab_checks_the_table_through_the_same_rules(alice_hash):
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at)
    at.button(key="edit-check").click().run()
    assert not at.exception
    text = all_text(at).replace("\\", "")
    assert "0 added, 0 removed, 0 changed, 19 unchanged" in text
    assert not at.error
    publish = at.button(key="edit-publish")
    assert not publish.disabled


# --- a publish carries the version its preview was made against --------------------------

OTHER = (
    "city,country,date,title,venue,url\n"
    "Madrid,España,2013-09-03,Madrid rally,Russian Embassy,https://example.org/madrid\n"
    "Paris,France,2013-09-03,Paris rally,Place de la République,\n"
).encode("utf-8")


def signed_in(alice_hash: str, name: str = "alice", events_file: Path | None = None) -> AppTest:
    at = organiser_app(alice_hash, events_file)
    at.run()
    sign_in(at, name)
    assert not at.exception
    return at


def plain(at: AppTest) -> str:
    """The page's text without Markdown's backslashes."""
    return all_text(at).replace("\\", "")


def published_store() -> Store:
    """The store the app uses (isolated_cache points it at the test's own database)."""
    return Store.open(os.environ["SPEAKOUT_DATABASE_URL"])


def latest_info() -> tuple[int, str, str]:
    store = published_store()
    try:
        info = store.latest().info
        return info.number, info.by, info.source
    finally:
        store.close()


def bob_publishes(alice_hash: str, data: bytes = OTHER, name: str = "other.csv") -> int:
    bob = signed_in(alice_hash, "bob")
    bob.get("file_uploader")[0].upload(name, data, "text/csv").run()
    confirm_removal(bob)
    bob.button(key="upload-publish").click().run()
    assert not bob.exception
    (success,) = bob.success
    return int(re.search(r"Published version (\d+)", success.value).group(1))


def assert_refused(at: AppTest, latest: int) -> None:
    """The stale-version message (errors.StaleVersionError's), naming the newer version."""
    assert not at.exception
    assert not at.success, [s.value for s in at.success]
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("changed meanwhile" in e and f"version {latest} is now published" in e for e in errors), errors


def test_an_upload_previewed_before_someone_else_published_is_refused(alice_hash):
    alice = signed_in(alice_hash)
    alice.get("file_uploader")[0].upload("update.csv", UPDATE, "text/csv").run()
    assert "1 added, 18 removed, 1 changed" in plain(alice)
    confirm_removal(alice)
    assert bob_publishes(alice_hash) == 2

    alice.button(key="upload-publish").click().run()
    assert_refused(alice, 2)
    assert latest_info() == (2, "bob", "other.csv"), "bob's version is still the published one"
    # alice now sees her file against bob's version, and may publish it knowingly
    assert "1 added, 1 removed, 0 changed, 1 unchanged" in plain(alice)
    alice.button(key="upload-publish").click().run()
    assert any("Published version 3 with 2 events" in s.value for s in alice.success)
    assert latest_info() == (3, "alice", "update.csv")


def test_an_edit_checked_before_someone_else_published_is_refused(alice_hash):
    alice = signed_in(alice_hash)
    alice.session_state["editor-1"] = {"edited_rows": {0: {"venue": "Somewhere else"}}, "added_rows": [],
                                       "deleted_rows": []}
    alice.run()
    alice.button(key="edit-check").click().run()
    assert "0 added, 0 removed, 1 changed, 18 unchanged" in plain(alice)
    assert bob_publishes(alice_hash) == 2

    alice.button(key="edit-publish").click().run()
    assert_refused(alice, 2)
    assert latest_info() == (2, "bob", "other.csv")
    # her table (the 19 events, one edited) against bob's two events
    assert "18 added, 1 removed, 1 changed, 0 unchanged" in plain(alice)
    # her table, still based on version 1, keeps her edit until she starts again from version 2
    assert "Version 2 was published after you began editing version 1" in plain(alice)
    assert [table.key for table in alice.data_editor] == ["editor-1"]
    alice.button(key="edit-restart").click().run()
    assert [table.key for table in alice.data_editor] == ["editor-2"]
    assert "edit-rows" not in alice.session_state


def test_a_rollback_chosen_before_someone_else_published_is_refused(alice_hash):
    alice = signed_in(alice_hash)
    alice.get("file_uploader")[0].upload("update.csv", UPDATE, "text/csv").run()
    confirm_removal(alice)
    alice.button(key="upload-publish").click().run()
    alice.selectbox(key="history-version").set_value(1).run()
    assert alice.button(key="rollback").label == "Roll back to version 1"
    assert bob_publishes(alice_hash) == 3

    alice.button(key="rollback").click().run()
    assert_refused(alice, 3)
    assert latest_info() == (3, "bob", "other.csv")
    # what rolling back to version 1 would now change: bob's two events against the 19 of version 1
    assert "18 added, 1 removed, 1 changed, 0 unchanged" in plain(alice)


# --- the edit table gives back exactly what is stored -------------------------------------

#: Titles as stored once read (the CSV's apostrophes undo the export's neutralising).
TRICKY_TITLES = ("'=1", "=1", "\tx", "''=x", "-3", "@a", "Ünïcødé — 東京 «x»")


def tricky_seed(tmp_path: Path) -> Path:
    import csv
    import io

    from speakout_map.events.export import neutralise_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["city", "country", "date", "title", "venue", "description"])
    for title in TRICKY_TITLES:
        writer.writerow(["Madrid", "ES", "2013-09-03", neutralise_cell(title), neutralise_cell(title),
                         neutralise_cell(f"{title} ")])
    path = tmp_path / "tricky.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def stored_events() -> list:
    store = published_store()
    try:
        return [dataclasses.replace(p.event, row=0) for p in store.latest().events]
    finally:
        store.close()


def test_the_edit_table_changes_only_what_was_typed(alice_hash, tmp_path):
    alice = signed_in(alice_hash, events_file=tricky_seed(tmp_path))
    seeded = stored_events()
    assert [e.title for e in seeded] == list(TRICKY_TITLES)

    alice.button(key="edit-check").click().run()
    assert not alice.error, [e.value for e in alice.error]
    assert f"0 added, 0 removed, 0 changed, {len(TRICKY_TITLES)} unchanged" in plain(alice)
    alice.button(key="edit-publish").click().run()
    assert any("Published version 2" in s.value for s in alice.success)
    assert stored_events() == seeded, "an unchanged table publishes exactly the stored events"

    typed = {0: {"title": " spaced "}, 1: {"venue": "'=2"}, 2: {"description": "\t@x"}}
    alice.session_state["editor-2"] = {"edited_rows": typed, "added_rows": [], "deleted_rows": []}
    alice.run()
    alice.button(key="edit-check").click().run()
    assert f"0 added, 0 removed, 3 changed, {len(TRICKY_TITLES) - 3} unchanged" in plain(alice)
    alice.button(key="edit-publish").click().run()
    assert any("Published version 3" in s.value for s in alice.success)
    expected = list(seeded)
    for index, cells in typed.items():
        expected[index] = dataclasses.replace(expected[index], **cells)
    assert stored_events() == expected, "edited cells are read as typed, the others are unchanged"


# --- every table an organiser can download is safe to open in a spreadsheet ----------------

FORMULA = re.compile(r"[=+\-@\t\r]")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def formula_cells(at: AppTest) -> list[str]:
    """Text cells of the page's read-only tables that a spreadsheet would run as a formula."""
    cells = []
    for table in at.dataframe:
        if table.editing_mode != "read_only":
            continue
        for value in table.value.to_numpy().ravel():
            if isinstance(value, str) and FORMULA.match(value) and not NUMBER.fullmatch(value):
                cells.append(value)
    return cells


HOSTILE = (
    'city,country,date,title,venue,latitude,longitude,@evil\n'
    'Madrid,ES,2013-09-03,"=HYPERLINK(""http://x"",""y"")",+cmd,-3.7,-3.7,1\n'
    'Madrid,ES,2013-09-04,-2+3,@SUM(A1),,,1\n'
    'Madrid,ES,2013-02-30,x,y,,,\n'
).encode("utf-8")


def test_the_organisers_tables_are_neutralised(alice_hash):
    alice = signed_in(alice_hash)
    alice.get("file_uploader")[0].upload("=cmd.csv", HOSTILE, "text/csv").run()
    assert not alice.exception
    problems = [df.value for df in alice.dataframe if "problem" in df.value.columns]
    assert problems and "'@evil" in list(problems[-1]["column"]), "the warnings table"
    assert formula_cells(alice) == []

    fixed = HOSTILE.replace(b"2013-02-30", b"2013-09-05")
    alice.get("file_uploader")[0].upload("=cmd.csv", fixed, "text/csv").run()
    diff = next(df.value for df in alice.dataframe if "change" in df.value.columns)
    assert {'\'=HYPERLINK("http://x","y")', "'+cmd", "-3.7"} <= set(diff["after"]), list(diff["after"])
    assert formula_cells(alice) == []
    confirm_removal(alice)
    alice.button(key="upload-publish").click().run()
    history = next(df.value for df in alice.dataframe if "version" in df.value.columns)
    assert history["file"][0] == "'=cmd.csv"
    assert formula_cells(alice) == []


def test_an_event_platforms_export_is_previewed_with_its_columns_named(alice_hash):
    """Headers like "Event Name" and "Start Date" are read as ours, and the preview says which is which."""
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at)
    export = ("Event Name,Venue,City,Zip,Country,Start Date,Start Time,Event URL\n"
              "Rally,Plaza,Madrid,28001,Spain,2013-09-03,18:00,https://example.org/madrid\n"
              "<b>Vigil</b>,,Berlin,10115,DE,2013-09-03,,\n").encode()
    at.get("file_uploader")[0].upload("platform.csv", export, "text/csv").run()
    assert not at.exception and not at.error
    text = all_text(at)
    said = [str(cell) for frame in at.dataframe for column in frame.value.columns for cell in frame.value[column]]
    assert any("'Event Name' is read as title" in cell for cell in said), said
    assert any("'Start Date' is read as date" in cell for cell in said)
    assert "1 added, 18 removed, 1 changed" in text.replace("\\", "")
    confirm_removal(at)
    publish = next(b for b in at.button if b.label == "Publish")
    assert not publish.disabled
