"""Shared by the organisers' page tests (tests/test_page_organiser.py, test_page_sign_in.py).

The app run headless with Streamlit's AppTest: the organisers' page opened
with given secrets, the sign-in form filled in, and the page's text gathered.
The ``alice_hash`` fixture (PASSWORD hashed) lives in tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ORGANISER = "app_pages/organiser.py"
PASSWORD = "correct horse battery staple"

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "client",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def organiser_app(alice_hash: str | None, events_file: Path | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if alice_hash is not None:
        at.secrets["organisers"] = {"alice": alice_hash, "bob": alice_hash}
    if events_file is not None:
        at.secrets["speakout"] = {"events_file": str(events_file)}
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


def confirm_removal(at) -> None:
    """Tick "Yes, remove them", which a replace removing more than half of the published events asks for."""
    boxes = [box for box in at.checkbox if box.key == "upload-remove-replace"]
    if boxes:
        boxes[0].check().run()
