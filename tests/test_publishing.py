"""From a file or an edited table to a published version: validate, place, diff, publish."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from speakout_map.store import publishing
from speakout_map.errors import NotPublishableError, StaleVersionError, VersionNotFoundError
from speakout_map.events.export import events_to_rows
from speakout_map.events.model import Event, ParseResult, Problem
from speakout_map.languages.message import msg
from speakout_map.places.placing import place_events
from speakout_map.settings import PROJECT_ROOT
from speakout_map.store.store import Store
from tests.i18n_support import fake_translator
from tests.store_support import batch

SEED = PROJECT_ROOT / "data" / "events.csv"
MAX = 5 * 1024 * 1024

NEW_FILE = (
    "city,country,date,title,venue,url\n"
    "Madrid,España,2013-09-03,Speak Out For Russia – Madrid,Russian Embassy,https://example.org/madrid\n"
    "Berlin,Deutschland,2013-09-03,Berlin rally,Brandenburg Gate,\n"
).encode("utf-8")


@pytest.fixture
def store(tmp_path: Path):
    opened = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    yield opened
    opened.close()


@pytest.fixture
def seeded(store, gazetteer):
    assert publishing.seed_if_empty(store, SEED, gazetteer) is not None
    return store


def test_seed_once(store, gazetteer):
    first = publishing.seed_if_empty(store, SEED, gazetteer)
    assert first is not None and first.number == 1 and first.rows == 19 and first.by == "seed"
    assert publishing.seed_if_empty(store, SEED, gazetteer) is None
    assert [v.number for v in store.history()] == [1]


def test_bad_seed_publishes_nothing(store, gazetteer, tmp_path):
    bad = tmp_path / "seed.csv"
    bad.write_text("city,country,date\nMadrid,ES,2013-09-03\nQwertyville,ES,2013-09-03\n", encoding="utf-8")
    with pytest.raises(NotPublishableError, match="row 3"):
        publishing.seed_if_empty(store, bad, gazetteer)
    assert store.latest_number() is None


def test_upload_preview_and_publish(seeded, gazetteer):
    reports: list[tuple[int, int]] = []
    preview = publishing.prepare_upload(
        NEW_FILE, "update.csv", store=seeded, geocoder=gazetteer, max_bytes=MAX, progress=lambda d, t: reports.append((d, t))
    )
    assert preview.ok and preview.errors == ()
    assert preview.based_on == 1 and preview.rows == 2
    assert reports[0] == (0, 2) and reports[-1] == (2, 2)
    assert [e.city for e in preview.diff.added] == ["Berlin"]
    assert len(preview.diff.removed) == 18
    (changed,) = preview.diff.changed
    assert changed.after.city == "Madrid"
    assert {c.column for c in changed.changes} >= {"venue", "url"}
    assert seeded.latest_number() == 1, "nothing is written before publish"

    info = publishing.publish(preview, store=seeded, by="alice")
    assert (info.number, info.by, info.source, info.rows) == (2, "alice", "update.csv", 2)
    assert [p.event.city for p in seeded.latest().events] == ["Madrid", "Berlin"]
    berlin = seeded.latest().events[1].place
    assert berlin.timezone == "Europe/Berlin" and berlin.latitude == pytest.approx(52.52, abs=0.1)


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"city,country,date\nMadrid,ES,03/09/2013\n", "row 2, date"),
        (b"city,country,date\nQwertyville,ES,2013-09-03\n", "row 2, city"),
        (b"", "empty"),
        (b"city,country,date\n", "no events"),
        (b"\x00\x01\x02junk", "binary"),
    ],
)
def test_bad_upload_cannot_be_published(seeded, gazetteer, data, needle):
    before = seeded.latest()
    preview = publishing.prepare_upload(data, "bad.csv", store=seeded, geocoder=gazetteer, max_bytes=MAX)
    assert not preview.ok
    assert any(needle in str(p) for p in preview.errors), preview.errors
    with pytest.raises(NotPublishableError, match="nothing was published"):
        publishing.publish(preview, store=seeded, by="alice")
    assert seeded.latest() == before


def test_upload_size_limit(seeded, gazetteer):
    preview = publishing.prepare_upload(NEW_FILE, "big.csv", store=seeded, geocoder=gazetteer, max_bytes=10)
    assert not preview.ok and "MB" in str(preview.errors[0])


def test_second_organiser_from_an_older_version_is_told_and_loses_nothing(seeded, gazetteer):
    first = publishing.prepare_upload(NEW_FILE, "alice.csv", store=seeded, geocoder=gazetteer, max_bytes=MAX)
    second = publishing.prepare_upload(NEW_FILE.replace(b"Berlin", b"Paris").replace(b"Deutschland", b"France"),
                                       "bob.csv", store=seeded, geocoder=gazetteer, max_bytes=MAX)
    publishing.publish(first, store=seeded, by="alice")
    with pytest.raises(StaleVersionError, match="changed meanwhile"):
        publishing.publish(second, store=seeded, by="bob")
    assert seeded.latest().info.by == "alice"
    again = publishing.prepare_upload(NEW_FILE.replace(b"Berlin", b"Paris").replace(b"Deutschland", b"France"),
                                      "bob.csv", store=seeded, geocoder=gazetteer, max_bytes=MAX)
    assert again.based_on == 2
    assert publishing.publish(again, store=seeded, by="bob").number == 3


def test_edited_rows(seeded, gazetteer):
    rows = events_to_rows([p.event for p in seeded.latest().events], include_private=True)
    rows[0]["venue"] = "Plaza Uruguaya"
    rows.append({"city": "Paris", "country": "FR", "date": "2013-09-03"})
    preview = publishing.prepare_rows(rows, store=seeded, geocoder=gazetteer)
    assert preview.ok, preview.errors
    assert preview.source == "edit in app"
    assert [e.city for e in preview.diff.added] == ["Paris"]
    assert [(c.column, c.new) for ch in preview.diff.changed for c in ch.changes] == [("venue", "Plaza Uruguaya")]
    assert publishing.publish(preview, store=seeded, by="alice").rows == 20


def test_edited_rows_report_spreadsheet_rows(seeded, gazetteer):
    rows = events_to_rows([p.event for p in seeded.latest().events], include_private=True)
    rows[4]["date"] = "2013-02-30"
    preview = publishing.prepare_rows(rows, store=seeded, geocoder=gazetteer)
    assert [(p.row, p.column) for p in preview.errors] == [(6, "date")]


def test_past_dates_warn_but_do_not_block(seeded, gazetteer):
    preview = publishing.prepare_upload(NEW_FILE, "update.csv", store=seeded, geocoder=gazetteer, max_bytes=MAX,
                                        today=dt.date(2026, 1, 1))
    assert preview.ok
    assert any("past" in p.message for p in preview.warnings)


def test_empty_store_upload_publishes_version_1(store, gazetteer):
    preview = publishing.prepare_upload(NEW_FILE, "first.csv", store=store, geocoder=gazetteer, max_bytes=MAX)
    assert preview.based_on is None and len(preview.diff.added) == 2
    assert publishing.publish(preview, store=store, by="alice").number == 1


# --- the edit table: cells nobody touched come back exactly; typed cells are read as typed ---

#: Values that reading a CSV would change (trimmed, or an apostrophe taken off) but a stored event may hold.
TYPED = ["'=1", "=1", "\tx", " spaced ", "''=x", "-3", "@a", "+1", "\r=x", "Ünïcødé — 東京 «x» 🙂", "'hello"]
TEXT_FIELDS = ["title", "venue", "address", "organiser", "description"]


def stored(store: Store) -> list:
    """The published events, without the spreadsheet row they came from."""
    return [dataclasses.replace(p.event, row=0) for p in store.latest().events]


@pytest.fixture
def tricky(store, gazetteer):
    """A store whose one published event holds every awkward value, one per text field."""
    placed = place_events([Event(city="Madrid", country_code="ES", date=dt.date(2013, 9, 3), title=TYPED[0],
                                 venue=TYPED[1], address=TYPED[2], organiser=TYPED[3], description=TYPED[4],
                                 url="https://example.org/e", contact_email="host@example.org",
                                 start_time=dt.time(18, 30), latitude=40.4168, longitude=-3.7038)],
                          gazetteer).placed
    store.publish(placed, by="test", source="test", based_on=None)
    return store


@pytest.mark.parametrize("value", TYPED)
@pytest.mark.parametrize("column", TEXT_FIELDS)
def test_an_unchanged_edit_table_publishes_exactly_the_stored_events(store, gazetteer, column, value):
    event = Event(city="Madrid", country_code="ES", date=dt.date(2013, 9, 3), latitude=-33.8, longitude=151.2,
                  **{column: value})
    store.publish(place_events([event], gazetteer).placed, by="test", source="test", based_on=None)
    before = stored(store)
    rows = events_to_rows([p.event for p in store.latest().events], include_private=True)
    preview = publishing.prepare_rows(rows, store=store, geocoder=gazetteer)
    assert preview.ok, preview.errors
    assert preview.diff.is_empty, preview.diff.summary()
    publishing.publish(preview, store=store, by="alice")
    assert stored(store) == before
    assert getattr(before[0], column) == value


@pytest.mark.parametrize("value", TYPED)
@pytest.mark.parametrize("column", TEXT_FIELDS)
def test_an_edited_cell_is_read_as_typed(tricky, gazetteer, column, value):
    before = stored(tricky)
    rows = events_to_rows([p.event for p in tricky.latest().events], include_private=True)
    rows[0][column] = value
    preview = publishing.prepare_rows(rows, store=tricky, geocoder=gazetteer)
    assert preview.ok, preview.errors
    publishing.publish(preview, store=tricky, by="alice")
    assert stored(tricky) == [dataclasses.replace(before[0], **{column: value})]


# --- rollback: a preview like any other -------------------------------------------------------


def test_rollback_preview_compares_with_the_published_version_and_refuses_when_stale(seeded, gazetteer):
    update = publishing.prepare_upload(NEW_FILE, "update.csv", store=seeded, geocoder=gazetteer, max_bytes=MAX)
    publishing.publish(update, store=seeded, by="alice")
    back = publishing.prepare_rollback(1, store=seeded)
    assert (back.based_on, back.source, back.rows, back.ok) == (2, "rollback to version 1", 19, True)
    assert str(back.diff.summary()) == "18 added, 1 removed, 1 changed, 0 unchanged"
    assert back.placed == seeded.get(1).events

    other = publishing.prepare_upload(NEW_FILE.replace(b"Berlin", b"Paris").replace(b"Deutschland", b"France"),
                                      "bob.csv", store=seeded, geocoder=gazetteer, max_bytes=MAX)
    publishing.publish(other, store=seeded, by="bob")
    with pytest.raises(StaleVersionError, match="you started from version 2, but version 3 is now published"):
        publishing.publish(back, store=seeded, by="alice")
    assert seeded.latest().info.by == "bob"
    again = publishing.prepare_rollback(1, store=seeded)
    assert again.based_on == 3
    assert publishing.publish(again, store=seeded, by="alice").source == "rollback to version 1"
    assert [p.event for p in seeded.latest().events] == [p.event for p in seeded.get(1).events]


# --- rollback: a version published again, through a preview like any change ----------------


def roll_back(store: Store, number: int, by: str):
    return publishing.publish(publishing.prepare_rollback(number, store=store), store=store, by=by)


def test_rollback_publishes_an_old_version_again_and_can_be_undone(store_url):
    """On each backend (conftest's store_url), not only this module's SQLite store."""
    with Store.open(store_url) as store:
        rollback_and_undo(store)


def rollback_and_undo(store: Store) -> None:
    a, b = batch("A", 2), batch("B", 3)
    store.publish(a, by="alice", source="a.csv", based_on=None)
    store.publish(b, by="bob", source="b.csv", based_on=1)

    back = roll_back(store, 1, "carol")
    assert (back.number, back.by, back.source, back.rows) == (3, "carol", "rollback to version 1", 2)
    assert store.latest().events == a

    undo = roll_back(store, 2, "carol")
    assert (undo.number, undo.source, undo.rows) == (4, "rollback to version 2", 3)
    assert store.latest().events == b
    assert [v.source for v in store.history()] == ["a.csv", "b.csv", "rollback to version 1", "rollback to version 2"]
    assert store.get(1).events == a and store.get(2).events == b  # nothing overwritten


def test_rollback_checks_the_base_and_the_version(store_url):
    with Store.open(store_url) as store:
        refuse_stale_and_unknown(store)


def refuse_stale_and_unknown(store: Store) -> None:
    store.publish(batch("A", 1), by="a", source="a", based_on=None)
    stale = publishing.prepare_rollback(1, store=store)  # made against version 1
    store.publish(batch("B", 1), by="b", source="b", based_on=1)
    with pytest.raises(StaleVersionError):
        publishing.publish(stale, store=store, by="c")
    with pytest.raises(VersionNotFoundError):
        publishing.prepare_rollback(9, store=store)
    assert store.latest_number() == 2


# --- what organisers are told, in their language ----------------------------------------------------

SPANISH = fake_translator({
    "the events changed meanwhile: you started from version {based_on}, but version {latest} is now published; "
    "reload, check the differences and publish again (nothing was lost)":
        "los eventos cambiaron entretanto: partió de la versión {based_on}, pero ya está publicada la versión "
        "{latest}; recargue, revise las diferencias y publique de nuevo (no se perdió nada)",
    ("{count:,} problem must be fixed before publishing; nothing was published", 0):
        "hay que corregir {count:,} problema antes de publicar; no se publicó nada",
    ("{count:,} problem must be fixed before publishing; nothing was published", 1):
        "hay que corregir {count:,} problemas antes de publicar; no se publicó nada",
    "there are no events to publish; nothing was published": "no hay eventos que publicar; no se publicó nada",
    "the file has no events; add one row per event under the header":
        "el archivo no tiene eventos; añada una fila por evento bajo la cabecera",
})


def test_a_stale_publish_is_told_in_the_readers_language(seeded):
    with pytest.raises(StaleVersionError) as caught:
        seeded.publish(seeded.latest().events, by="bob", source="bob.csv", based_on=None)
    assert (caught.value.based_on, caught.value.latest) == (None, 1)
    stale = StaleVersionError(2, 3)
    assert SPANISH.text(stale.text) == (
        "los eventos cambiaron entretanto: partió de la versión 2, pero ya está publicada la versión 3; recargue, "
        "revise las diferencias y publique de nuevo (no se perdió nada)")
    assert str(stale).startswith("the events changed meanwhile: you started from version 2, but version 3 is now")


@pytest.mark.parametrize(("errors", "english", "spanish"), [
    (1, "1 problem must be fixed before publishing; nothing was published",
     "hay que corregir 1 problema antes de publicar; no se publicó nada"),
    (3, "3 problems must be fixed before publishing; nothing was published",
     "hay que corregir 3 problemas antes de publicar; no se publicó nada"),
    (0, "there are no events to publish; nothing was published", "no hay eventos que publicar; no se publicó nada"),
])
def test_a_change_that_cannot_be_published_says_why_in_the_readers_language(seeded, gazetteer, errors, english,
                                                                              spanish):
    problems = tuple(Problem(row, "city", msg("wrong")) for row in range(2, 2 + errors))
    preview = publishing.prepare(ParseResult(events=(), errors=problems, rows=errors), "bad.csv", store=seeded,
                                 geocoder=gazetteer)
    preview = dataclasses.replace(preview, errors=problems)  # no errors at all: nothing to publish either
    with pytest.raises(NotPublishableError) as caught:
        publishing.publish(preview, store=seeded, by="alice")
    assert str(caught.value) == english
    assert SPANISH.text(caught.value.text) == spanish


def test_a_file_without_events_is_a_problem_in_the_readers_language(gazetteer):
    checked = publishing.check(ParseResult(events=()), "empty.csv", geocoder=gazetteer)
    (problem,) = checked.errors
    assert (problem.row, problem.column) == (None, None)
    assert SPANISH.text(problem.text) == "el archivo no tiene eventos; añada una fila por evento bajo la cabecera"


# --- add and update (publish --merge): the published list kept, the upload added and updated ----------------------


def test_a_merge_preview_adds_and_updates_and_removes_nothing(seeded, gazetteer):
    before = [p.event.city for p in seeded.latest().events]
    preview = publishing.prepare_upload(NEW_FILE, "update.csv", store=seeded, geocoder=gazetteer, max_bytes=MAX,
                                        mode=publishing.Mode.MERGE)
    assert preview.ok, preview.errors
    assert (preview.mode, preview.based_on, preview.rows) == (publishing.Mode.MERGE, 1, 20)
    assert str(preview.diff.summary()) == "1 added, 0 removed, 1 changed, 18 unchanged"
    (changed,) = preview.diff.changed
    assert changed.after.city == "Madrid" and {c.column for c in changed.changes} >= {"venue", "url"}
    assert seeded.latest_number() == 1, "nothing is written before publish"

    info = publishing.publish(preview, store=seeded, by="alice")
    assert (info.number, info.rows, info.source) == (2, 20, "update.csv (added and updated)")
    events = [p.event for p in seeded.latest().events]
    assert [e.city for e in events] == before + ["Berlin"], "Madrid updated in its place, Berlin added at the end"
    assert events[before.index("Madrid")].venue == "Russian Embassy"
    assert [e.row for e in events] == list(range(2, 22))


def test_choices_show_both_ways_against_one_version_from_one_check(seeded, gazetteer):
    from speakout_map.events.reading import read_upload

    checked = publishing.check(read_upload(NEW_FILE, "update.csv"), "update.csv", geocoder=gazetteer)
    both = publishing.choices(checked, seeded)
    assert (both.replace.mode, both.merge.mode) == (publishing.Mode.REPLACE, publishing.Mode.MERGE)
    assert both.replace.based_on == both.merge.based_on == 1
    assert str(both.replace.diff.summary()) == "1 added, 18 removed, 1 changed, 0 unchanged"
    assert str(both.merge.diff.summary()) == "1 added, 0 removed, 1 changed, 18 unchanged"
    assert (len(both.replace.placed), len(both.merge.placed)) == (2, 20)
    assert both.of(publishing.Mode.MERGE) is both.merge
    assert publishing.compare(checked, seeded, mode=publishing.Mode.MERGE) == both.merge
    assert publishing.compare(checked, seeded) == both.replace


def test_a_stale_merge_is_refused(seeded, gazetteer):
    merge = publishing.prepare_upload(NEW_FILE, "alice.csv", store=seeded, geocoder=gazetteer, max_bytes=MAX,
                                      mode=publishing.Mode.MERGE)
    publishing.publish(publishing.prepare_rollback(1, store=seeded), store=seeded, by="bob")
    with pytest.raises(StaleVersionError, match="you started from version 1, but version 2 is now published"):
        publishing.publish(merge, store=seeded, by="alice")
    assert seeded.latest().info.by == "bob"


def test_merge_problems_are_the_previews_sorted_by_row(store, gazetteer):
    from tests.store_support import placed

    store.publish((placed("Madrid", row=2, title="A"), placed("Madrid", row=3, title="B")), by="t", source="t",
                  based_on=None)
    data = ("city,country,date,title,id\n"
            "Madrid,ES,2013-09-03,C,\n"
            "Qwertyville,ES,2013-09-03,,\n"
            "Paris,FR,2013-09-03,,123\n").encode()
    preview = publishing.prepare_upload(data, "m.csv", store=store, geocoder=gazetteer, max_bytes=MAX,
                                        mode=publishing.Mode.MERGE)
    assert [(p.row, p.column) for p in preview.errors] == [(2, "id"), (3, "city")]
    assert [(p.row, p.column) for p in preview.warnings] == [(4, "id")]
    assert not preview.ok
    with pytest.raises(NotPublishableError):
        publishing.publish(preview, store=store, by="alice")


def test_an_export_edited_and_uploaded_again_adds_and_updates_by_id(seeded, gazetteer):
    """The round trip: download with ids, keep and edit some rows (one moved), add one, upload to add and update."""
    import csv
    import io

    from speakout_map.events.export import events_to_csv
    from speakout_map.events.identity import event_uids

    events = [p.event for p in seeded.latest().events]
    exported = events_to_csv(events, include_private=True, ids=event_uids(events))
    header, *rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    assert header[-1] == "id"
    kept = {row[0]: row for row in rows if row[0] in ("Madrid", "Dublin")}
    kept["Madrid"][header.index("city")] = "Toledo"  # moved: still the same event, by its id
    kept["Dublin"][header.index("venue")] = "Spire"
    new = ["Paris", "France", "2013-09-03"] + [""] * (len(header) - 3)
    text = "\r\n".join(",".join(f'"{cell}"' for cell in row) for row in [header, *kept.values(), new]) + "\r\n"

    preview = publishing.prepare_upload(text.encode(), "mine.csv", store=seeded, geocoder=gazetteer, max_bytes=MAX,
                                        mode=publishing.Mode.MERGE)
    assert preview.ok, preview.errors
    assert preview.warnings == (), "the id column is ours: read without a warning"
    assert str(preview.diff.summary()) == "1 added, 0 removed, 2 changed, 17 unchanged"
    moved = next(c for c in preview.diff.changed if c.before.city == "Madrid")
    assert [c.column for c in moved.changes] == ["city"]
    publishing.publish(preview, store=seeded, by="alice")
    cities = [p.event.city for p in seeded.latest().events]
    assert cities == ["Toledo" if e.city == "Madrid" else e.city for e in events] + ["Paris"], "nothing removed"
