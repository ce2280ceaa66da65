"""The guide's versions in the store, per language (guide_versions.py), on SQLite and PostgreSQL.

Seeded from the files the first time a language is asked for; published
against the version the organiser started from (refused when stale, as the
events are); a history kept for good; rollback as a new version.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from speakout_map.errors import EventFileError, NotPublishableError, StoreError
from speakout_map.settings import Settings
from speakout_map.store.guide_versions import (
    EDIT_SOURCE,
    MAX_GUIDE_CHARS,
    SEED_BY,
    GuideVersionNotFoundError,
    StaleGuideError,
    guide_to_show,
    latest_or_seeded,
)
from speakout_map.store.schema import guide_versions_table
from speakout_map.store.store import Store
from tests.store_support import run_together, table_rows

HOSTILE = "# Title\n\n<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))\n"


@pytest.fixture
def guides(store: Store):
    return store.guides()


@pytest.fixture
def files(tmp_path) -> Settings:
    (tmp_path / "guide.md").write_text("# Host an event\n\nBring friends.\n", encoding="utf-8")
    (tmp_path / "guide.es.md").write_text("# Organiza un evento\n\n¡Trae amigos!\n", encoding="utf-8")
    return Settings(guide_file=tmp_path / "guide.md")


def stored_rows(store: Store) -> list[tuple]:
    t = guide_versions_table
    with store._engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(t).order_by(t.c.language, t.c.number))]


# --- seeding --------------------------------------------------------------------------------------


def test_a_fresh_store_seeds_each_language_from_its_file_the_first_time(guides, files):
    assert guides.latest("en") is None and guides.languages() == []
    assert latest_or_seeded(guides, files, "en") == 1
    english = guides.latest("en")
    assert (english.number, english.by, english.source, english.markdown) == (
        1, SEED_BY, "guide.md", "# Host an event\n\nBring friends.\n")
    assert latest_or_seeded(guides, files, "es") == 1
    assert guides.get("es", 1).markdown == "# Organiza un evento\n\n¡Trae amigos!\n"
    assert guides.get("es", 1).source == "guide.es.md"
    assert guides.languages() == ["en", "es"]


def test_seeding_happens_once_and_the_file_is_not_read_again(guides, files):
    latest_or_seeded(guides, files, "en")
    guides.publish("en", "# Edited in the app\n", by="alice", based_on=1)
    files.guide_file.write_text("# The file changed\n", encoding="utf-8")
    assert latest_or_seeded(guides, files, "en") == 2
    assert [v.source for v in guides.history("en")] == ["guide.md", EDIT_SOURCE]


def test_a_language_without_a_file_or_versions_gets_the_english_guide(guides, files):
    assert latest_or_seeded(guides, files, "ru") is None
    assert guide_to_show(guides, files, "ru") == ("en", 1)
    assert guide_to_show(guides, files, "es") == ("es", 1)
    assert guides.languages() == ["en", "es"]  # nothing stored for ru


def test_a_language_published_in_the_app_is_shown_even_without_its_file(guides, files):
    guides.publish("ru", "# Проведите акцию\n", by="alice", based_on=None)
    assert guide_to_show(guides, files, "ru") == ("ru", 1)


def test_a_missing_english_file_is_an_error_only_while_the_store_has_no_english_guide(guides, tmp_path):
    settings = Settings(guide_file=tmp_path / "missing.md")
    with pytest.raises(EventFileError):
        guide_to_show(guides, settings, "en")
    guides.publish("en", "# Written in the app\n", by="alice", based_on=None)
    assert guide_to_show(guides, settings, "ru") == ("en", 1)


def test_an_empty_english_file_says_so(guides, tmp_path):
    (tmp_path / "guide.md").write_text("  \n", encoding="utf-8")
    with pytest.raises(NotPublishableError, match="the guide file .* is empty"):
        guide_to_show(guides, Settings(guide_file=tmp_path / "guide.md"), "en")


def test_two_servers_seeding_at_once_seed_once(store_url, files):
    stores = [Store.open(store_url) for _ in range(4)]
    try:
        results = run_together(*(lambda s=s: latest_or_seeded(s.guides(), files, "en") for s in stores))
        assert results == [1, 1, 1, 1]
        assert len(stores[0].guides().history("en")) == 1
    finally:
        for s in stores:
            s.close()


# --- publishing -------------------------------------------------------------------------------------


def test_publish_history_get_and_latest(guides, store):
    first = guides.publish("en", "# One\n", by="alice", based_on=None)
    second = guides.publish("en", HOSTILE, by="bob", based_on=1)
    assert (first.number, second.number) == (1, 2)
    assert second.markdown == HOSTILE  # kept as written; pages never render raw HTML
    assert guides.latest("en") == second == guides.get("en", 2)
    assert guides.latest_number("en") == 2
    assert [(v.number, v.by, v.source) for v in guides.history("en")] == [(1, "alice", EDIT_SOURCE),
                                                                          (2, "bob", EDIT_SOURCE)]
    assert second.created_at.tzinfo is not None and second.created_at >= first.created_at
    assert table_rows(store, guide_versions_table) == 2


def test_languages_have_histories_of_their_own(guides):
    guides.publish("en", "# One\n", by="alice", based_on=None)
    guides.publish("es", "# Uno\n", by="alice", based_on=None)
    guides.publish("es", "# Dos\n", by="alice", based_on=1)
    assert guides.latest_number("en") == 1 and guides.latest_number("es") == 2
    assert guides.latest("pt_BR") is None and guides.history("pt_BR") == []


def test_a_publish_from_an_old_version_is_refused_and_writes_nothing(guides, store):
    guides.publish("en", "# One\n", by="alice", based_on=None)
    guides.publish("en", "# Alice's two\n", by="alice", based_on=1)
    before = stored_rows(store)
    with pytest.raises(StaleGuideError) as caught:
        guides.publish("en", "# Bob's two\n", by="bob", based_on=1)
    assert (caught.value.based_on, caught.value.latest, caught.value.language) == (1, 2, "en")
    assert str(caught.value).startswith("the guide changed meanwhile: you started from version 1, but version 2 is "
                                        "now published; your text is kept")
    with pytest.raises(StaleGuideError) as caught:
        guides.publish("en", "# Bob's first\n", by="bob", based_on=None)
    assert "version 2 was published while you wrote yours" in str(caught.value)
    assert isinstance(caught.value, StoreError)
    assert stored_rows(store) == before
    assert guides.publish("en", "# Bob's three\n", by="bob", based_on=2).number == 3  # knowingly, over version 2


def test_a_publish_from_a_version_that_does_not_exist_yet_is_refused(guides):
    guides.publish("en", "# One\n", by="alice", based_on=None)
    with pytest.raises(StaleGuideError):
        guides.publish("en", "# Three?\n", by="alice", based_on=2)


def test_of_two_organisers_publishing_from_the_same_version_one_wins(store_url):
    stores = [Store.open(store_url) for _ in range(2)]
    try:
        stores[0].guides().publish("en", "# One\n", by="seed", based_on=None)
        results = run_together(
            lambda: stores[0].guides().publish("en", "# Alice\n", by="alice", based_on=1),
            lambda: stores[1].guides().publish("en", "# Bob\n", by="bob", based_on=1),
        )
        won = [r for r in results if not isinstance(r, Exception)]
        lost = [r for r in results if isinstance(r, Exception)]
        assert len(won) == 1 and won[0].number == 2
        assert len(lost) == 1 and isinstance(lost[0], StaleGuideError) and lost[0].latest == 2
        assert [v.number for v in stores[1].guides().history("en")] == [1, 2]
    finally:
        for s in stores:
            s.close()


@pytest.mark.parametrize(("markdown", "expected"), [
    ("", "the guide is empty"),
    (" \n\t\n", "the guide is empty"),
    ("x" * (MAX_GUIDE_CHARS + 1), "the guide is 200,001 characters long, more than the 200,000 allowed"),
    ("nul \x00 here", "the guide holds a character that cannot be kept (U+0000)"),
    ("lone \ud800 surrogate", "the guide holds a character that cannot be kept (U+D800)"),
    ("# One\n", "the guide is the same as the published version 1: there is nothing to publish"),
    ("# One\r\n", "the guide is the same as the published version 1"),  # line ends do not count
])
def test_a_guide_that_cannot_be_published_says_why_and_writes_nothing(guides, store, markdown, expected):
    guides.publish("en", "# One\n", by="alice", based_on=None)
    with pytest.raises(NotPublishableError) as caught:
        guides.publish("en", markdown, by="alice", based_on=1)
    assert str(caught.value).startswith(expected)
    assert table_rows(store, guide_versions_table) == 1


def test_line_ends_are_kept_as_newlines(guides):
    assert guides.publish("en", "# One\r\n\r\nTwo\rThree", by="a", based_on=None).markdown == "# One\n\nTwo\nThree"
    assert guides.latest("en").markdown == "# One\n\nTwo\nThree"


@pytest.mark.parametrize("language", ["../en", "", "en/x", "e", "en.md", None])
def test_a_language_that_is_no_tag_is_refused(guides, language):
    with pytest.raises(ValueError):
        guides.publish(language, "# x\n", by="a", based_on=None)
    with pytest.raises(ValueError):
        guides.latest(language)


def test_a_failing_database_is_a_store_error_and_nothing_is_published(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 's.sqlite3'}")
    guides = store.guides()
    guides.publish("en", "# One\n", by="a", based_on=None)
    with store._engine.begin() as conn:
        conn.exec_driver_sql("CREATE TRIGGER refuse BEFORE INSERT ON guide_versions BEGIN "
                             "SELECT RAISE(ABORT, 'disk full, say'); END")
    with pytest.raises(StoreError) as caught:
        guides.publish("en", "# Two\n", by="a", based_on=1)
    assert not isinstance(caught.value, StaleGuideError)
    assert "could not publish the guide" in str(caught.value)
    assert guides.latest_number("en") == 1
    store.close()


# --- rollback ------------------------------------------------------------------------------------------


def test_a_rollback_republishes_an_old_version_as_a_new_one(guides, store):
    guides.publish("en", "# One\n", by="alice", based_on=None)
    guides.publish("en", "# Two\n", by="alice", based_on=1)
    back = guides.rollback("en", 1, by="bob", based_on=2)
    assert (back.number, back.markdown, back.by, back.source) == (3, "# One\n", "bob", "rollback to version 1")
    assert guides.latest("en") == back
    undone = guides.rollback("en", 2, by="alice", based_on=3)  # a rollback can itself be undone
    assert (undone.number, undone.markdown) == (4, "# Two\n")
    old = stored_rows(store)[:2]
    assert [row[1] for row in old] == [1, 2] and [row[5] for row in old] == ["# One\n", "# Two\n"]  # never updated


def test_a_rollback_is_refused_when_stale_or_to_a_version_that_does_not_exist(guides):
    guides.publish("en", "# One\n", by="alice", based_on=None)
    guides.publish("en", "# Two\n", by="alice", based_on=1)
    with pytest.raises(StaleGuideError):
        guides.rollback("en", 1, by="bob", based_on=1)
    with pytest.raises(GuideVersionNotFoundError) as caught:
        guides.rollback("en", 7, by="bob", based_on=2)
    assert str(caught.value) == "there is no version 7 of the guide in en"
    with pytest.raises(NotPublishableError):  # the text of the published version: nothing would change
        guides.rollback("en", 2, by="bob", based_on=2)
    assert guides.latest_number("en") == 2


def test_times_are_the_stores_clock_in_utc(store_url):
    moment = dt.datetime(2013, 9, 3, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    store = Store(Store.open(store_url)._engine, clock=lambda: moment)
    try:
        version = store.guides().publish("en", "# One\n", by="a", based_on=None)
        assert version.created_at == moment
        assert store.guides().get("en", 1).created_at == moment.astimezone(dt.timezone.utc)
    finally:
        store.close()
