"""The host-your-own guide page, run headless with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
GUIDE = "app_pages/guide.py"

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_guide_page_renders_the_markdown():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()  # st.navigation registers the pages' url paths on the first run
    at.switch_page(GUIDE)
    at.run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    for fact in ("permit", "after office hours", "Love Always Wins", "Peter Tatchell Foundation", "GLAAD"):
        assert fact in text


def test_guide_page_follows_the_setting(tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text("# Our own guide\n\nMeet at noon.", encoding="utf-8")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["speakout"] = {"guide_file": str(guide)}
    at.run()  # st.navigation registers the pages' url paths on the first run
    at.switch_page(GUIDE)
    at.run()
    assert not at.exception
    assert any("Meet at noon." in m.value for m in at.markdown)
