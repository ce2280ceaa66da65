"""The organisers' "Guide and materials" tab, run headless with AppTest.

Edit → preview → publish → the public guide shows it; a publish refused when
someone else published meanwhile; rollback; per language; materials shared,
refused with the library's message, removed and restored.
"""

from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from speakout_map.escaping import escape_markdown
from speakout_map.store.store import Store
from tests.materials_support import pdf_bytes, png_bytes, svg_bytes
from tests.page_support import APP, all_text, organiser_app, sign_in

GUIDE = "app_pages/guide.py"
NEW_GUIDE = "# Our new guide\n\nMeet **at noon** by the fountain.\n"

pytestmark = pytest.mark.usefixtures("isolated_cache")


def signed_in(alice_hash: str, name: str = "alice") -> AppTest:
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at, name)
    assert not at.exception, [e.value for e in at.exception]
    return at


def public_guide(language: str | None = None) -> str:
    at = AppTest.from_file(APP, default_timeout=90)
    if language:
        at.query_params["lang"] = language
    at.run()
    at.switch_page(GUIDE)
    at.run()
    assert not at.exception
    return "\n".join(m.value for m in at.markdown)


def guide_history(at: AppTest):
    """The table of the guide's versions (the one with a "from" column)."""
    (found,) = [d.value for d in at.dataframe if "from" in d.value.columns]
    return found


def editor(at: AppTest, language: str = "en"):
    return at.text_area(key=f"guide-text-{language}")


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def messages(at: AppTest) -> list[str]:
    return [s.value for s in at.success] + [e.value for e in at.error]


def test_edit_preview_publish_and_the_public_guide_shows_it(alice_hash):
    at = signed_in(alice_hash)
    assert "after office hours" in editor(at).value  # version 1, seeded from data/guide.md
    assert "Version 1, published by seed" in captions(at)
    editor(at).input(NEW_GUIDE).run()
    assert NEW_GUIDE.strip() in [m.value for m in at.markdown]  # the live preview
    assert "Your changes are not published yet." in captions(at)
    click(at, "guide-publish-en")
    assert messages(at) == ["Published version 2 of the guide in English\\. The guide page shows it now\\."]
    assert editor(at).value == NEW_GUIDE
    assert "Version 2, published by alice" in captions(at)
    assert "Meet **at noon** by the fountain." in public_guide()


def test_an_empty_guide_is_not_published(alice_hash):
    at = signed_in(alice_hash)
    editor(at).input("   ").run()
    click(at, "guide-publish-en")
    assert messages(at) == [escape_markdown("Not published: the guide is empty; write it (or roll back to an earlier "
                                            "version) before publishing")]
    assert "after office hours" in public_guide()


def test_a_publish_is_refused_if_someone_published_meanwhile_and_nothing_is_lost(alice_hash):
    alice, bob = signed_in(alice_hash, "alice"), signed_in(alice_hash, "bob")
    editor(bob).input("# Bob's guide\n").run()
    editor(alice).input(NEW_GUIDE).run()
    click(alice, "guide-publish-en")
    click(bob, "guide-publish-en")
    assert messages(bob) == [escape_markdown(
        "Not published: the guide changed meanwhile: you started from version 1, but version 2 is now published; your "
        "text is kept: compare it with that version, then publish again if you still want to")]
    assert editor(bob).value == "# Bob's guide\n"  # kept
    assert any("Version 2 of the guide was published after you began writing yours" in w.value for w in bob.warning)
    assert "Meet **at noon** by the fountain." in public_guide()
    click(bob, "guide-keep-en")  # knowingly, over version 2
    click(bob, "guide-publish-en")
    assert messages(bob) == ["Published version 3 of the guide in English\\. The guide page shows it now\\."]
    assert "Bob's guide" in public_guide()


def test_starting_again_takes_the_newer_version_and_an_untouched_editor_follows_it(alice_hash):
    alice, bob, carol = (signed_in(alice_hash, name) for name in ("alice", "bob", "alice"))
    editor(bob).input("# Bob's draft\n").run()
    editor(alice).input(NEW_GUIDE).run()
    click(alice, "guide-publish-en")
    carol.run()
    assert editor(carol).value == NEW_GUIDE and not carol.warning  # nothing typed: it follows
    bob.run()
    click(bob, "guide-restart-en")
    assert editor(bob).value == NEW_GUIDE and not bob.warning


def test_history_and_rollback(alice_hash):
    at = signed_in(alice_hash)
    editor(at).input(NEW_GUIDE).run()
    click(at, "guide-publish-en")
    history = guide_history(at)
    assert list(history.iloc[:, 0]) == [2, 1] and list(history.iloc[:, 2]) == ["alice", "seed"]
    assert not [b for b in at.button if b.key == "guide-rollback-en"]  # the published version: nothing to undo
    at.selectbox(key="guide-history-en").set_value(1).run()
    click(at, "guide-rollback-en")
    assert messages(at) == [escape_markdown("Published version 3 of the guide in English: the text of version 1.")]
    assert "after office hours" in editor(at).value  # the editor follows the new version
    assert "after office hours" in public_guide()
    assert list(guide_history(at)["from"])[0] == "rollback to version 1"


def test_each_language_has_its_own_guide(alice_hash):
    at = signed_in(alice_hash)
    at.selectbox(key="guide-language").set_value("es").run()
    assert "permiso" in editor(at, "es").value  # seeded from data/guide.es.md
    editor(at, "es").input("# Guía nueva\n\nNos vemos a mediodía.\n").run()
    click(at, "guide-publish-es")
    assert messages(at) == ["Published version 2 of the guide in Español\\. The guide page shows it now\\."]
    assert "Nos vemos a mediodía." in public_guide("es")
    assert "after office hours" in public_guide("en")


# --- materials ----------------------------------------------------------------------------------


def uploader(at: AppTest):
    (found,) = [u for u in at.get("file_uploader") if u.key and u.key.startswith("material-file-")]
    return found


def share(at: AppTest, name: str, data: bytes, title: str = "Love Always Wins", description: str = "") -> AppTest:
    at.text_input(key="material-title").input(title)
    at.text_area(key="material-description").input(description)
    uploader(at).upload(name, data, "application/octet-stream")
    at.run()
    return click(at, "material-share")


def test_a_poster_is_shared_listed_and_shown_on_the_guide_page(alice_hash):
    at = signed_in(alice_hash)
    assert "Posters and other materials to print and share will appear here" in public_guide()
    share(at, "love.png", png_bytes((300, 400)), "Love Always Wins", "Print it A3.")
    assert messages(at) == ["Shared “Love Always Wins”\\. The guide page shows it now\\."]
    assert at.text_input(key="material-title").value == "" and uploader(at).key == "material-file-1"  # emptied
    assert "**Love Always Wins**" in all_text(at)
    assert [b.label for b in at.get("download_button") if b.key and b.key.startswith("material-")] == ["Download"]
    page = public_guide()
    assert "**Love Always Wins**" in page and "Print it A3\\." in page
    assert "will appear here" not in page


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("poster.pdf", png_bytes(), "Not shared: this file is a PNG image but is named .pdf; rename it or upload the "
                                "right file"),
    ("poster.svg", svg_bytes("<script>alert(1)</script>"), "Not shared: this SVG image contains a script (<script>)"),
    ("poster.pdf", b"%PDF-1.7 not really", "Not shared: this PDF cannot be opened"),
    ("poster.pdf", b"", "Not shared: the file is empty"),
    ("big.png", png_bytes() + b"\x00" * 60_000, "Not shared: the file is 0.06 MB, more than the 0.05 MB allowed"),
], ids=["png named pdf", "svg with script", "broken pdf", "empty", "oversized"])
def test_a_refused_upload_says_why_and_keeps_nothing(alice_hash, monkeypatch, name, data, expected):
    monkeypatch.setenv("SPEAKOUT_MAX_MATERIAL_MB", "0.05")
    at = signed_in(alice_hash)
    share(at, name, data, "A poster")
    (error,) = at.error
    assert error.value.startswith(escape_markdown(expected))
    assert at.text_input(key="material-title").value == "A poster"  # kept, to try again
    with Store.open(os.environ["SPEAKOUT_DATABASE_URL"]) as store:
        assert store.materials().list() == []


def test_a_file_without_a_title_or_no_file_is_refused(alice_hash):
    at = signed_in(alice_hash)
    share(at, "a.pdf", pdf_bytes(), "")
    assert [e.value for e in at.error] == [escape_markdown("Not shared: the title is empty; give the file a title "
                                                           "supporters will understand, such as the poster's slogan")]
    at.text_input(key="material-title").input("A title").run()
    uploader(at).set_value(None)
    at.run()
    click(at, "material-share")
    assert [e.value for e in at.error] == [escape_markdown("Not shared: choose a file first")]


def test_hostile_titles_are_escaped_in_the_list(alice_hash):
    hostile = '<img src=x onerror="alert(1)"> **bold**'
    at = signed_in(alice_hash)
    share(at, "x.pdf", pdf_bytes(), hostile, hostile)
    assert f"**{escape_markdown(hostile)}**" in all_text(at)
    assert all(not m.proto.allow_html for m in at.markdown)


def test_remove_and_restore(alice_hash):
    at = signed_in(alice_hash)
    share(at, "love.png", png_bytes(), "Our own poster")
    with Store.open(os.environ["SPEAKOUT_DATABASE_URL"]) as store:
        (material,) = store.materials().list()
    click(at, f"material-remove-{material.id}")
    assert messages(at) == [escape_markdown("Removed “Our own poster” from the guide page. It is kept: you can "
                                            "restore it below.")]
    assert "Our own poster" not in public_guide()
    click(at, f"material-restore-{material.id}")
    assert messages(at) == [escape_markdown("Restored “Our own poster”: the guide page shows it again.")]
    assert "Our own poster" in public_guide()
