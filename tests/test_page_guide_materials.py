"""The guide page with the store behind it (AppTest): the published version, raw HTML inert, the materials' cards."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from speakout_map.errors import StoreError
from speakout_map.escaping import escape_markdown
from speakout_map.materials.intake import prepare_material
from speakout_map.materials.kinds import size_text
from speakout_map.store.guide_versions import GuideStore
from speakout_map.store.materials import MaterialStore
from speakout_map.store.store import Store
from tests.materials_support import pdf_bytes, png_bytes, svg_bytes

APP = str(Path(__file__).resolve().parent.parent / "app.py")
GUIDE = "app_pages/guide.py"
AT = dt.datetime(2013, 9, 1, tzinfo=dt.timezone.utc)
POSTERS_NOTE = "Posters and other materials to print and share will appear here as soon as the organisers add them."
HOSTILE = '<img src=x onerror="alert(1)"> **bold** [link](javascript:alert(2))'
HOSTILE_GUIDE = ("# Our guide\n\nMeet at noon.\n\n<script>window.__pwned=1</script>\n\n"
                 '<img src=x onerror="window.__pwned=2">\n\n<b>bold</b>\n')

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.fixture
def store():
    """The store the app opens (isolated_cache points SPEAKOUT_DATABASE_URL at a fresh one)."""
    opened = Store.open(os.environ["SPEAKOUT_DATABASE_URL"])
    yield opened
    opened.close()


def guide_page(language: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if language:
        at.query_params["lang"] = language
    at.run()  # st.navigation registers the pages' url paths on the first run
    at.switch_page(GUIDE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def share(store: Store, data: bytes, name: str, title: str, description: str = "") -> int:
    new = prepare_material(data, name, title=title, description=description, max_bytes=10 * 1024 * 1024)
    return store.materials().add(new, by="alice", at=AT).id


def test_without_materials_the_page_says_posters_will_appear_there():
    at = guide_page()
    assert POSTERS_NOTE in markdown_text(at)
    assert "Posters and materials to share" in [s.value for s in at.subheader]
    assert not at.get("download_button") and not at.get("image")
    assert not at.info  # the note is no warning


def test_materials_are_cards_with_a_thumbnail_or_an_icon_their_text_and_a_download(store):
    share(store, png_bytes((400, 600)), "speak-out.png", "Speak Out For Russia", "A3, colour.\nPrint a few.")
    share(store, svg_bytes(), "love.svg", HOSTILE, HOSTILE)
    share(store, pdf_bytes(), "leaflet «2013».pdf", "Leaflet")
    at = guide_page()
    text = markdown_text(at)
    assert POSTERS_NOTE not in text
    assert "**Speak Out For Russia**" in text and "A3, colour\\.  \nPrint a few\\." in text
    assert f"**{escape_markdown(HOSTILE)}**" in text  # hostile text escaped, never markup
    assert "## ✏️" in text  # the SVG's icon: an SVG is never shown as a picture
    assert len(at.get("image")) == 2  # the PNG's and the PDF's thumbnails
    buttons = at.get("download_button")
    sizes = [str(size_text(len(data))) for data in (png_bytes((400, 600)), svg_bytes(), pdf_bytes())]
    assert [b.label for b in buttons] == [f"speak\\-out\\.png ({sizes[0]})", f"love\\.svg ({sizes[1]})",
                                          f"leaflet «2013»\\.pdf ({sizes[2]})"]
    assert all(b.proto.deferred_file_id or b.proto.url for b in buttons)  # the file is read only when clicked
    assert all(not m.proto.allow_html for m in at.markdown)


def test_a_removed_material_leaves_the_page(store):
    kept = share(store, png_bytes(), "a.png", "Gone soon")
    store.materials().remove(kept, by="alice", at=AT)
    at = guide_page()
    assert "Gone soon" not in markdown_text(at) and POSTERS_NOTE in markdown_text(at)


def test_raw_html_in_the_guide_is_never_rendered_as_html(store):
    store.guides().publish("en", HOSTILE_GUIDE, by="alice", based_on=None)
    at = guide_page()
    (shown,) = [m for m in at.markdown if m.value == HOSTILE_GUIDE.strip()]  # Streamlit trims the ends
    # Streamlit renders Markdown without HTML unless unsafe_allow_html: the browser gets no <script> or <img>
    # from it (tests/e2e/test_guide_browser.py checks the page in Chromium).
    assert shown.proto.allow_html is False
    # the one HTML element: the app's own stylesheet (app.py puts it on every page)
    app_style = (Path(__file__).resolve().parents[1] / "app_pages" / "static" / "app.css").read_text(encoding="utf-8")
    assert [h.proto.body for h in at.get("html")] == [f"<style>{app_style}</style>"]


def test_the_page_shows_a_newly_published_version_at_once(store):
    at = guide_page()
    assert "after office hours" in markdown_text(at)  # version 1, seeded from data/guide.md
    store.guides().publish("en", "# Version two\n\nMeet at the town hall.\n", by="alice", based_on=1)
    at.run()
    assert "Meet at the town hall." in markdown_text(at) and "after office hours" not in markdown_text(at)


def test_a_reader_gets_their_languages_version_published_in_the_app(store):
    at = guide_page("es")
    assert "permiso" in markdown_text(at)  # seeded from data/guide.es.md
    store.guides().publish("es", "# Guía nueva\n\nNos vemos a mediodía.\n", by="alice", based_on=1)
    at.run()
    assert "Nos vemos a mediodía." in markdown_text(at) and not at.info


def test_while_the_store_fails_the_guide_comes_from_its_file(monkeypatch, caplog):
    def down(*_args, **_kwargs):
        raise StoreError("could not read the guide: the database is down")

    monkeypatch.setattr(GuideStore, "latest_number", down)
    monkeypatch.setattr(MaterialStore, "list", down)
    at = guide_page()
    assert "after office hours" in markdown_text(at)
    assert [e.value for e in at.error] == ["The posters and materials cannot be shown right now. Please try again "
                                           "later."]
    assert "the database is down" in caplog.text and "the database is down" not in markdown_text(at)
