"""Differences between the published events and an upload: added, removed, changed, unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from speakout_map.events.diff import (
    EventChange,
    EventDiff,
    FieldChange,
    diff_events,
    diff_rows_for_display,
    normalise,
)
from speakout_map.events.model import Event, Status
from speakout_map.events.reading import read_events_file
from speakout_map.settings import PROJECT_ROOT
from tests.events_support import check_message
from tests.i18n_support import fake_translator

DAY = dt.date(2013, 9, 3)


def ev(city: str = "Madrid", title: str = "Rally", **fields) -> Event:
    base = {"city": city, "country_code": "ES", "date": DAY, "title": title}
    return Event(**{**base, **fields})


MADRID = ev()
VALENCIA = ev("Valencia", "Valencia rally", venue="Town hall")
DUBLIN = ev("Dublin", "Dublin vigil", country_code="IE", start_time=dt.time(18))


def changes_of(diff: EventDiff) -> list[list[tuple[str, str, str]]]:
    return [[(c.column, c.old, c.new) for c in change.changes] for change in diff.changed]


def test_identical_lists_are_no_change():
    diff = diff_events([MADRID, VALENCIA, DUBLIN], [MADRID, VALENCIA, DUBLIN])
    assert diff == EventDiff((), (), (), 3)
    assert diff.is_empty and str(diff.summary()) == "0 added, 0 removed, 0 changed, 3 unchanged"


def test_reordering_is_no_change():
    diff = diff_events([MADRID, VALENCIA, DUBLIN], [DUBLIN, MADRID, VALENCIA])
    assert diff.is_empty and diff.unchanged == 3


def test_the_row_an_event_came_from_is_ignored():
    moved = [dataclasses.replace(e, row=i + 10) for i, e in enumerate([VALENCIA, MADRID])]
    assert diff_events([MADRID, VALENCIA], moved).is_empty


def test_added_and_removed():
    paris = ev("Paris", "Paris rally", country_code="FR")
    diff = diff_events([MADRID, VALENCIA], [MADRID, paris])
    assert diff.added == (paris,) and diff.removed == (VALENCIA,) and diff.changed == ()
    assert diff.unchanged == 1 and not diff.is_empty
    assert str(diff.summary()) == "1 added, 1 removed, 0 changed, 1 unchanged"


def test_a_new_title_is_a_change_not_a_removal_and_an_addition():
    renamed = dataclasses.replace(MADRID, title="Speak Out – Madrid")
    diff = diff_events([MADRID, VALENCIA], [renamed, VALENCIA])
    assert diff.added == () and diff.removed == ()
    assert diff.changed == (EventChange(MADRID, renamed, (FieldChange("title", "Rally", "Speak Out – Madrid"),)),)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"venue": "Embassy"}, [("venue", "", "Embassy")]),
        ({"start_time": dt.time(19, 30)}, [("start_time", "", "19:30")]),
        ({"status": Status.DETAILS_TO_COME}, [("status", "confirmed", "details_to_come")]),
        ({"contact_email": "new@example.org"}, [("contact_email", "", "new@example.org")]),
        ({"latitude": 40.4, "longitude": -3.7}, [("latitude", "", "40.4"), ("longitude", "", "-3.7")]),
        ({"url": "https://example.org", "description": "=1+1"},
         [("url", "", "https://example.org"), ("description", "", "=1+1")]),
        ({"city": "MADRID"}, [("city", "Madrid", "MADRID")]),
        ({"title": "RALLY"}, [("title", "Rally", "RALLY")]),
    ],
)
def test_changed_fields_in_csv_form_and_column_order(fields, expected):
    diff = diff_events([MADRID], [dataclasses.replace(MADRID, **fields)])
    assert (diff.added, diff.removed, diff.unchanged) == ((), (), 0)
    assert changes_of(diff) == [expected]


def test_city_matching_ignores_accents_case_and_spaces():
    old = ev("Asunción", "Rally", country_code="PY")
    new = ev(" asuncion ", "rally", country_code="PY")
    diff = diff_events([old], [new])
    assert [c.column for c in diff.changed[0].changes] == ["city", "title"]


@pytest.mark.parametrize(
    "fields",
    [{"date": dt.date(2013, 9, 4)}, {"country_code": "MX"}, {"city": "Barcelona"}],
)
def test_a_different_date_country_or_city_is_another_event(fields):
    other = dataclasses.replace(MADRID, **fields)
    diff = diff_events([MADRID], [other])
    assert diff.added == (other,) and diff.removed == (MADRID,) and diff.changed == ()


def test_duplicates_are_counted_one_for_one():
    assert diff_events([MADRID, MADRID], [MADRID]).removed == (MADRID,)
    diff = diff_events([MADRID], [MADRID, MADRID])
    assert diff.added == (MADRID,) and diff.unchanged == 1
    assert diff_events([MADRID, MADRID], [MADRID, MADRID]).is_empty


def test_same_key_events_swapped_are_no_change():
    evening = dataclasses.replace(MADRID, start_time=dt.time(19), venue="Embassy")
    morning = dataclasses.replace(MADRID, start_time=dt.time(9), venue="Plaza Mayor")
    assert diff_events([evening, morning], [morning, evening]).is_empty


def test_same_key_events_pair_with_the_most_alike():
    evening = dataclasses.replace(MADRID, start_time=dt.time(19), venue="Embassy", organiser="A")
    morning = dataclasses.replace(MADRID, start_time=dt.time(9), venue="Plaza Mayor", organiser="B")
    new_morning = dataclasses.replace(morning, venue="Puerta del Sol")
    new_evening = dataclasses.replace(evening, organiser="C")
    diff = diff_events([evening, morning], [new_morning, new_evening])
    assert changes_of(diff) == [[("venue", "Plaza Mayor", "Puerta del Sol")], [("organiser", "A", "C")]]


def test_two_renamed_events_in_one_city_are_paired_by_likeness():
    a = ev(title="Morning vigil", start_time=dt.time(9), venue="Plaza Mayor")
    b = ev(title="Evening rally", start_time=dt.time(19), venue="Embassy")
    new_b = dataclasses.replace(b, title="Evening march")
    new_a = dataclasses.replace(a, title="Morning gathering")
    diff = diff_events([a, b], [new_b, new_a])
    assert (diff.added, diff.removed) == ((), ())
    assert [(c.before, c.after) for c in diff.changed] == [(b, new_b), (a, new_a)]


def test_exact_title_match_wins_over_same_city_pairing():
    a = ev(title="Rally")
    b = ev(title="Vigil")
    new_b = dataclasses.replace(b, venue="Embassy")
    diff = diff_events([a, b], [new_b])
    assert diff.removed == (a,)
    assert [(c.before, c.after) for c in diff.changed] == [(b, new_b)]


def test_empty_sides():
    assert str(diff_events([], []).summary()) == "0 added, 0 removed, 0 changed, 0 unchanged"
    assert diff_events([], [MADRID]).added == (MADRID,)
    assert diff_events([MADRID], []).removed == (MADRID,)


def test_seed_against_itself_and_a_shuffled_edit():
    seed = list(read_events_file(PROJECT_ROOT / "data" / "events.csv").events)
    assert diff_events(seed, list(reversed(seed))).unchanged == 19
    edited = list(reversed(seed[1:]))
    edited[0] = dataclasses.replace(edited[0], title=edited[0].title + " (moved)", venue="Somewhere")
    diff = diff_events(seed, edited)
    assert (len(diff.added), len(diff.removed), len(diff.changed), diff.unchanged) == (0, 1, 1, 17)


def test_large_groups_are_still_paired():
    old = [ev(title=f"Event {i}") for i in range(300)]
    new = [ev(title=f"Renamed {i}") for i in range(300)]
    diff = diff_events(old, new)
    assert len(diff.changed) == 300 and diff.added == () and diff.removed == ()


def test_rows_for_display():
    paris = ev("Paris", "Paris rally", country_code="FR")
    renamed = dataclasses.replace(MADRID, title="New title", contact_email="x@example.org")
    diff = diff_events([MADRID, VALENCIA], [renamed, paris])
    rows = diff_rows_for_display(diff)
    assert rows == [
        {"change": "added", "event": "2013-09-03 Paris (FR): Paris rally", "column": "", "before": "", "after": ""},
        {"change": "removed", "event": "2013-09-03 Valencia (ES): Valencia rally", "column": "", "before": "",
         "after": ""},
        {"change": "changed", "event": "2013-09-03 Madrid (ES): New title", "column": "title", "before": "Rally",
         "after": "New title"},
        {"change": "changed", "event": "2013-09-03 Madrid (ES): New title", "column": "contact_email", "before": "",
         "after": "x@example.org"},
    ]
    public = diff_rows_for_display(diff, include_private=False)
    assert [r["column"] for r in public] == ["", "", "title"]
    assert diff_rows_for_display(diff_events([MADRID], [MADRID])) == []


# --- in the reader's language -------------------------------------------------------------------

SPANISH = fake_translator({
    ("{count} added", 0): "{count} añadido", ("{count} added", 1): "{count} añadidos",
    ("{count} removed", 0): "{count} eliminado", ("{count} removed", 1): "{count} eliminados",
    ("{count} changed", 0): "{count} modificado", ("{count} changed", 1): "{count} modificados",
    ("{count} unchanged", 0): "{count} sin cambios", ("{count} unchanged", 1): "{count} sin cambios",
    "{added}, {removed}, {changed}, {unchanged}": "{added}; {removed}; {changed}; {unchanged}",
    "change": "cambio", "event": "evento", "column": "columna", "before": "antes", "after": "después",
    "added": "añadido", "removed": "eliminado", "changed": "modificado",
    "Speak out in {city}": "Alza la voz en {city}",
})
PARIS = ev("Paris", "Paris rally", country_code="FR")


@pytest.mark.parametrize(
    ("old", "new", "english", "spanish"),
    [
        ([MADRID, VALENCIA], [MADRID, PARIS], "1 added, 1 removed, 0 changed, 1 unchanged",
         "1 añadido; 1 eliminado; 0 modificados; 1 sin cambios"),
        ([MADRID, VALENCIA, DUBLIN], [dataclasses.replace(MADRID, venue="Embassy"), PARIS, PARIS],
         "2 added, 2 removed, 1 changed, 0 unchanged", "2 añadidos; 2 eliminados; 1 modificado; 0 sin cambios"),
        ([], [], "0 added, 0 removed, 0 changed, 0 unchanged", "0 añadidos; 0 eliminados; 0 modificados; 0 sin cambios"),
        ([MADRID] * 1234, [MADRID] * 1234, "0 added, 0 removed, 0 changed, 1234 unchanged",
         "0 añadidos; 0 eliminados; 0 modificados; 1234 sin cambios"),
    ],
    ids=["one of each", "many", "nothing", "a thousand unchanged"],
)
def test_summary_in_the_readers_language(old, new, english, spanish):
    summary = diff_events(old, new).summary()
    check_message(summary)
    assert str(summary) == english
    assert SPANISH.text(summary) == spanish


@pytest.mark.parametrize("include_private", [True, False])
def test_rows_for_display_in_the_readers_language(include_private):
    untitled = ev("Sevilla", "")
    renamed = dataclasses.replace(MADRID, title="Nuevo título", contact_email="x@example.org")
    diff = diff_events([MADRID, VALENCIA], [renamed, untitled])
    rows = diff_rows_for_display(diff, include_private=include_private, translator=SPANISH)
    expected = [
        {"cambio": "añadido", "evento": "2013-09-03 Sevilla (ES): Alza la voz en Sevilla", "columna": "",
         "antes": "", "después": ""},
        {"cambio": "eliminado", "evento": "2013-09-03 Valencia (ES): Valencia rally", "columna": "", "antes": "",
         "después": ""},
        {"cambio": "modificado", "evento": "2013-09-03 Madrid (ES): Nuevo título", "columna": "title",
         "antes": "Rally", "después": "Nuevo título"},
        {"cambio": "modificado", "evento": "2013-09-03 Madrid (ES): Nuevo título", "columna": "contact_email",
         "antes": "", "después": "x@example.org"},
    ]
    assert rows == (expected if include_private else expected[:3])
    english = diff_rows_for_display(diff, include_private=include_private)
    assert [list(row) for row in english] == [["change", "event", "column", "before", "after"]] * len(rows)
    assert english[0]["change"] == "added" and english[0]["event"] == "2013-09-03 Sevilla (ES): Speak out in Sevilla"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("  Ciudad   de  México ", "ciudad de mexico"), ("GÖTEBORG", "goteborg"), ("Straße", "strasse")],
)
def test_normalise(text, expected):
    assert normalise(text) == expected
