"""Adding and updating: an upload merged into the published events (events/merging.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from speakout_map.events.identity import event_uids
from speakout_map.events.merging import merge
from speakout_map.events.model import Event
from speakout_map.places.place import Place, PlacedEvent
from tests.events_support import check_message

DAY = dt.date(2013, 9, 3)


def placed(city: str, country: str = "ES", *, row: int = 2, date: dt.date = DAY, **fields) -> PlacedEvent:
    event = Event(city=city, country_code=country, date=date, row=row, **fields)
    return PlacedEvent(event, Place(city, country, 40.0, -3.0, "Europe/Madrid", "gazetteer"))


#: The published version: two events in Madrid on the day (told apart by their titles), and two alone on theirs.
PUBLISHED = (
    placed("Madrid", row=2, title="Rally"),
    placed("Barcelona", row=3, venue="Plaça de Catalunya"),
    placed("Madrid", row=4, title="Vigil"),
    placed("Berlin", "DE", row=5),
)
UIDS = event_uids([p.event for p in PUBLISHED])
MADRID_RALLY, BARCELONA, MADRID_VIGIL, BERLIN = UIDS
#: Looks like one of ours, names nothing published.
STALE = "0" * 32 + "@speakout-map"


def cities(result) -> list[str]:
    return [f"{p.event.city}:{p.event.title}" if p.event.title else p.event.city for p in result.placed]


# --- good cases: what is updated, what is added, in which order ------------------------------------------------


@pytest.mark.parametrize(
    ("uploaded", "ids", "expected", "updated", "added"),
    [
        pytest.param(  # the id wins over everything, even a new city and date: updated in its place
            [placed("Sevilla", row=2, date=DAY + dt.timedelta(days=1))], {2: BARCELONA},
            ["Madrid:Rally", "Sevilla", "Madrid:Vigil", "Berlin"], ((2, 1),), (), id="id-moves-an-event",
        ),
        pytest.param(  # an id copied with stray spaces and in capitals still names the event
            [placed("Berlin", "DE", row=7, venue="Tor")], {7: f"  {BERLIN.upper()} "},
            ["Madrid:Rally", "Barcelona", "Madrid:Vigil", "Berlin"], ((7, 3),), (), id="id-as-typed",
        ),
        pytest.param(  # no id: the same country, city and date (without case or accents)
            [placed("  BARCELÓNA ", row=2, venue="Sants")], {},
            ["Madrid:Rally", "  BARCELÓNA ", "Madrid:Vigil", "Berlin"], ((2, 1),), (), id="city-country-date",
        ),
        pytest.param(  # several there: the one with the same title
            [placed("madrid", row=2, title="VIGIL")], {},
            ["Madrid:Rally", "Barcelona", "madrid:VIGIL", "Berlin"], ((2, 2),), (), id="same-title",
        ),
        pytest.param(  # another day or another country is another event: added at the end, in the upload's order
            [placed("Berlin", "DE", row=2, date=DAY + dt.timedelta(days=1)), placed("Barcelona", "VE", row=3)], {},
            ["Madrid:Rally", "Barcelona", "Madrid:Vigil", "Berlin", "Berlin", "Barcelona"], (), (2, 3),
            id="added-in-order",
        ),
        pytest.param(  # a published event claimed by its id is not matched by place: the other Madrid row is new
            [placed("Madrid", row=2, title="Rally"), placed("Madrid", row=3, title="Vigil"),
             placed("Madrid", row=4, title="Picnic")],
            {2: MADRID_RALLY, 3: MADRID_VIGIL},
            ["Madrid:Rally", "Barcelona", "Madrid:Vigil", "Berlin", "Madrid:Picnic"], ((2, 0), (3, 2)), (4,),
            id="claimed-by-id",
        ),
        pytest.param(  # a stale id: added (with a warning, below), not matched by place
            [placed("Berlin", "DE", row=2)], {2: STALE},
            ["Madrid:Rally", "Barcelona", "Madrid:Vigil", "Berlin", "Berlin"], (), (2,), id="stale-id",
        ),
        pytest.param(  # a platform's id is not ours: matched as if it had none
            [placed("Berlin", "DE", row=2, venue="Tor")], {2: "123"},
            ["Madrid:Rally", "Barcelona", "Madrid:Vigil", "Berlin"], ((2, 3),), (), id="foreign-id",
        ),
    ],
)
def test_merge_updates_in_place_and_adds_at_the_end(uploaded, ids, expected, updated, added):
    result = merge(PUBLISHED, uploaded, ids)
    assert result.errors == ()
    assert cities(result) == expected
    assert result.updated == updated
    assert result.added_rows == added
    assert result.diff.removed == (), "a merge never removes"
    assert len(result.diff.added) == len(added)
    assert len(result.placed) == len(PUBLISHED) + len(added)


def test_an_update_takes_the_published_row_and_added_events_are_numbered_after():
    result = merge(PUBLISHED, [placed("Barcelona", row=9, venue="Sants"), placed("Lisboa", "PT", row=10)], {})
    assert [p.event.row for p in result.placed] == [2, 3, 4, 5, 6]
    assert result.placed[1].event.venue == "Sants"
    assert result.placed[4].event.city == "Lisboa"
    assert result.placed[0] is PUBLISHED[0], "the events no row matched are left exactly as they were"


def test_the_diff_is_the_merges_own_pairing():
    moved = placed("Sevilla", row=2, date=DAY + dt.timedelta(days=1), venue="Plaça de Catalunya")
    same = dataclasses.replace(PUBLISHED[3], event=dataclasses.replace(PUBLISHED[3].event, row=3))
    new = placed("Lisboa", "PT", row=4)
    result = merge(PUBLISHED, [moved, same, new], {2: BARCELONA})
    (change,) = result.diff.changed
    assert (change.before.city, change.after.city) == ("Barcelona", "Sevilla")
    assert {c.column for c in change.changes} == {"city", "date"}, "one event moved, not one removed and one added"
    assert [e.city for e in result.diff.added] == ["Lisboa"]
    assert result.diff.unchanged == 3, "Madrid twice, untouched; Berlin, updated to the same"
    assert str(result.diff.summary()) == "1 added, 0 removed, 1 changed, 3 unchanged"


def test_a_second_event_of_the_day_is_added_once_the_first_row_has_its_id():
    published = (placed("Madrid", row=2, title="Rally"),)
    (uid,) = event_uids([published[0].event])
    uploaded = [placed("Madrid", row=2, title="Rally", venue="Sol"), placed("Madrid", row=3, title="Vigil")]
    without = merge(published, uploaded, {})
    assert [(p.row, p.column) for p in without.errors] == [(3, None)], "both rows match the one event"
    assert "row 2 already updates" in without.errors[0].message
    result = merge(published, uploaded, {2: uid})
    assert result.errors == ()
    assert cities(result) == ["Madrid:Rally", "Madrid:Vigil"] and result.placed[0].event.venue == "Sol"


def test_into_an_empty_store_everything_is_added():
    uploaded = [placed("Madrid", row=2), placed("Madrid", row=3, title="Vigil")]
    result = merge((), uploaded, {2: STALE})
    assert cities(result) == ["Madrid", "Madrid:Vigil"]
    assert [p.event.row for p in result.placed] == [2, 3]
    assert [(w.row, w.column) for w in result.warnings] == [(2, "id")]


# --- warnings and errors: never a guess ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uploaded", "ids", "errors", "warnings", "needle"),
    [
        pytest.param([placed("Berlin", "DE", row=2)], {2: STALE}, [], [(2, "id")], "names no published event",
                     id="stale-id-warns"),
        pytest.param([placed("Berlin", "DE", row=2)], {2: "123"}, [], [(2, "id")], "not an id from our exports",
                     id="foreign-id-warns"),
        pytest.param([placed("Madrid", row=2, title="Picnic")], {}, [(2, "id")], [],
                     "2 published events are in Madrid, Spain on 2013-09-03, none titled like this row",
                     id="ambiguous-city-day"),
        pytest.param([placed("Madrid", row=2)], {}, [(2, "id")], [], "add the id column",
                     id="ambiguous-without-title"),
        pytest.param([placed("Berlin", "DE", row=2), placed("BERLIN", "DE", row=3, venue="Tor")], {},
                     [(3, None)], [], "row 2 already updates the published event in Berlin, Germany on 2013-09-03",
                     id="two-rows-one-event"),
        pytest.param([placed("Berlin", "DE", row=2), placed("Berlin", "DE", row=5)], {2: BERLIN, 5: BERLIN},
                     [(5, "id")], [], "row 2 has the same id", id="two-rows-one-id"),
        pytest.param([placed("Madrid", row=4, title="Rally"), placed("Sevilla", row=6)], {6: MADRID_RALLY},
                     [(4, None)], [], "row 6 updates the published event in Madrid, Spain on 2013-09-03 by its id",
                     id="a-row-without-id-is-second-to-an-id"),
        pytest.param([placed("Madrid", row=2, title="Rally"), placed("Madrid", row=3, title="Picnic")],
                     {2: MADRID_RALLY}, [(3, "id")], [], "none titled like this row",
                     id="an-id-leaves-one-untitled-candidate-still-no-guess"),
    ],
)
def test_merge_problems_name_the_row_and_what_to_do(uploaded, ids, errors, warnings, needle):
    result = merge(PUBLISHED, uploaded, ids)
    assert [(p.row, p.column) for p in result.errors] == errors
    assert [(p.row, p.column) for p in result.warnings] == warnings
    assert any(needle in str(p.text) for p in result.errors + result.warnings), result.errors + result.warnings
    for problem in result.errors + result.warnings:
        check_message(problem.text)
    assert result.diff.removed == ()
    assert len(result.placed) >= len(PUBLISHED)


def test_two_published_events_with_the_same_title_are_not_guessed():
    published = (placed("Madrid", row=2, title="Rally"), placed("Madrid", row=3, title="rally"))
    result = merge(published, [placed("Madrid", row=2, title="Rally", venue="Sol")], {})
    (error,) = result.errors
    assert (error.row, error.column) == (2, "id")
    assert "2 published events in Madrid, Spain on 2013-09-03 have this row's title" in error.message
    assert result.placed == published, "the row in error changes nothing"
    check_message(error.text)


def test_a_copy_of_rows_updating_by_id_is_an_error_naming_one():
    published = (placed("Madrid", row=2, title="Rally"), placed("Madrid", row=3, title="Rally"))
    first, second = event_uids([p.event for p in published])
    uploaded = [placed("Madrid", row=2, title="Rally"), placed("Madrid", row=3, title="Rally"),
                placed("Madrid", row=4, title="Rally")]
    result = merge(published, uploaded, {2: first, 3: second})
    (error,) = result.errors
    assert (error.row, error.column) == (4, None) and error.message.startswith("row 2 updates the published event")


def test_a_row_in_error_is_left_out_and_the_others_still_merge():
    result = merge(PUBLISHED, [placed("Madrid", row=2), placed("Lisboa", "PT", row=3)], {})
    assert [p.row for p in result.errors] == [2]
    assert cities(result)[-1] == "Lisboa" and len(result.placed) == len(PUBLISHED) + 1


def test_problems_are_sorted_by_row():
    uploaded = [placed("Berlin", "DE", row=2), placed("Madrid", row=3), placed("Berlin", "DE", row=4)]
    result = merge(PUBLISHED, uploaded, {2: "123", 4: "x"})
    assert [p.row for p in result.errors] == [3, 4]
    assert [p.row for p in result.warnings] == [2, 4]
