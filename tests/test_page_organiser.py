"""The organisers' page, run headless with AppTest: sign-in, upload, preview, publish, history."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from speakout_map.organisers.passwords import hash_password

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ORGANISER = "app_pages/organiser.py"
PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.usefixtures("isolated_cache")

UPDATE = (
    "city,country,date,title,venue,url\n"
    "Madrid,España,2013-09-03,Madrid rally,Russian Embassy,https://example.org/madrid\n"
    "Berlin,Deutschland,2013-09-03,Berlin rally,Brandenburg Gate,\n"
).encode("utf-8")


@pytest.fixture(scope="module")
def alice_hash() -> str:
    return hash_password(PASSWORD)


def organiser_app(alice_hash: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if alice_hash is not None:
        at.secrets["organisers"] = {"alice": alice_hash}
    at.run()  # st.navigation registers the pages' url paths on the first run
    at.switch_page(ORGANISER)
    return at


def sign_in(at: AppTest, name: str = "alice", password: str = PASSWORD) -> AppTest:
    at.text_input(key="sign-in-name").input(name)
    at.text_input(key="sign-in-password").input(password)
    at.button[0].click().run()
    return at


def all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [i.value for i in at.info]
    parts += [s.value for s in at.success] + [w.value for w in at.warning]
    return "\n".join(parts)


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
    assert any("2 problem(s) to fix" in e.value for e in at.error)
    problems = at.dataframe[0].value
    assert list(zip(problems["row"], problems["column"])) == [(2, "date"), (3, "url")]
    publish = next(b for b in at.button if b.label == "Publish")
    assert publish.disabled


def test_history_lists_versions_and_rolls_back(alice_hash):
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at)
    at.get("file_uploader")[0].upload("update.csv", UPDATE, "text/csv").run()
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


AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "client",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.mark.parametrize(
    ("email", "allowed"),
    [("alice@example.org", True), ("ALICE@example.org", True), ("mallory@example.org", False), (None, False)],
)
def test_oidc_sign_in_needs_the_allow_list(email, allowed):
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.secrets["speakout"] = {"organiser_emails": "alice@example.org, bob@example.org"}
    at.user = {"is_logged_in": True, **({"email": email} if email else {})}
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
