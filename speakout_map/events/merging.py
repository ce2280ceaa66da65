"""Adding and updating: an upload merged into the published events instead of replacing them.

A city organiser's four-row file should not remove everyone else's events.
:func:`merge` takes the published version's events (in order), an upload's
placed events and the upload's ``id`` cells (:attr:`~speakout_map.events.model.ParseResult.ids`)
and gives the published list with the upload added and updated:

1. a row whose ``id`` is a published event's UID (:func:`~speakout_map.events.identity.event_uids`
   of the published version: what our exports write in their ``id`` column)
   updates that event, in its place in the list, whatever its city and date now
   say (an event moved to another day keeps its place in the list);
2. an ``id`` that looks like one of ours but names no published event (removed,
   or moved to another city or date, since the export) is a warning on that
   row's ``id``, and the row is added as a new event; an ``id`` that is not
   ours (an event platform's "123") is a warning that it is not used, and the
   row is matched as if it had none;
3. a row without a usable ``id`` matches the published event with the same
   country, city and date (compared as :func:`~speakout_map.events.diff.normalise`
   compares); of several there, the one with the same title; still several,
   or none of several with that title, is an error on that row asking for the
   ``id`` column (or the title): never a guess. The rows with an ``id`` are
   matched first, and what they update counts: of several events with the
   row's title, the one no ``id`` updates is it; a row titled like none of the
   events there, every one of them updated by an ``id``, is a new event (so a city's
   second event of the day can be added next to the first, once the first
   row carries its ``id``);
4. two rows matching the same published event: an error on the second (in the
   upload's order; a row without an ``id`` is always the second to one with
   it), naming the first;
5. the other rows are added at the end, in the upload's order; published events
   no row matched stay as they are, in order. Nothing is removed.

Rows: the merged list keeps the published events' ``row`` numbers (an updated
event takes the row of the event it updates, where it stands in the list) and
numbers the added events after the published ones, as
:func:`~speakout_map.store.publishing.prepare_addition` numbers an approved
proposal: so the rows of a version stay one per event. The problems of a merge
name the upload's rows, as every problem of the upload does.

The merge says what it did as an :class:`~speakout_map.events.diff.EventDiff`
of its own pairing (not the replace's guess by likeness): an event updated by
its ``id`` into another city is one change, not a removal and an addition.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from speakout_map.events.diff import EventChange, EventDiff, FieldChange, field_changes, normalise, place_key
from speakout_map.events.export import events_to_rows
from speakout_map.events.identity import UID_PATTERN, event_uids
from speakout_map.events.model import FIRST_EVENT_ROW, ID_COLUMN, Event, Problem, by_row
from speakout_map.languages.message import CountryName, Message, msg, nmsg
from speakout_map.places.place import PlacedEvent


@dataclass(frozen=True)
class Merge:
    """The published events with an upload added and updated, and what the merge found."""

    #: The merged list: the published events (updated ones in their place), then the added ones.
    placed: tuple[PlacedEvent, ...]
    #: What the merge adds and changes (it never removes).
    diff: EventDiff
    #: Rows the merge could not place in the list (ambiguous, or matching an event another row updates), by row.
    errors: tuple[Problem, ...]
    #: Ids not used as ids (stale, or not ours), by row.
    warnings: tuple[Problem, ...]
    #: (upload row, index in the published list) of each row that updates a published event, in the upload's order.
    updated: tuple[tuple[int, int], ...]
    #: The upload rows added as new events, in the upload's order.
    added_rows: tuple[int, ...]


def _where(event: Event) -> dict[str, object]:
    """The fields that name an event's city, country and date in the messages."""
    return {"city": event.city, "country": CountryName(event.country_code.upper()), "date": event.date.isoformat()}


def _stale_id(written: str) -> Message:
    # Translators: id is the row's "id" cell as written (a long code ending in @speakout-map); keep "id" as is.
    return msg("the id {id} names no published event (it was removed, or moved to another city or date, since this "
               "file was exported), so this row is added as a new event; if it should update an event on the map, "
               "copy that event's id from a new export of the published events", id=written)


def _foreign_id(written: str) -> Message:
    # Translators: id is the row's "id" cell as written (e.g. an event platform's number); keep "id" as is.
    return msg("{id!r} is not an id from our exports, so it is not used: this row is matched with the published "
               "events by country, city and date; leave the id column empty, or copy the ids from an export of the "
               "published events", id=written)


def _ambiguous(event: Event, count: int, titled: int) -> Message:
    if titled:
        # Translators: count (2 or more) published events share this row's city, country (a name) and date
        # (YYYY-MM-DD) and its title; keep "id" as is.
        return nmsg("{count} published event in {city}, {country} on {date} has this row's title, so which one "
                    "this row updates is not clear; add the id column from an export of the published events and "
                    "keep this row's id",
                    "{count} published events in {city}, {country} on {date} have this row's title, so which one "
                    "this row updates is not clear; add the id column from an export of the published events and "
                    "keep this row's id", count, **_where(event))
    # Translators: count (2 or more) published events share this row's city, country (a name) and date (YYYY-MM-DD),
    # none with its title; keep "id" as is.
    return nmsg("{count} published event is in {city}, {country} on {date}, not titled like this row, so which one "
                "this row updates is not clear; add the id column from an export of the published events and keep "
                "this row's id, or give this row the title of the event it updates",
                "{count} published events are in {city}, {country} on {date}, none titled like this row, so which "
                "one this row updates is not clear; add the id column from an export of the published events and "
                "keep this row's id, or give this row the title of the event it updates", count, **_where(event))


def _same_id(first_row: int, published: Event) -> Message:
    # Translators: row is a row number of the spreadsheet; city, country (a name) and date (YYYY-MM-DD) name the
    # published event both rows update; keep "id" as is.
    return msg("row {row} has the same id: both would update the published event in {city}, {country} on {date}; "
               "delete one of the rows, or empty this row's id to add it as a new event",
               row=first_row, **_where(published))


def _updated_by_id(id_row: int, published: Event) -> Message:
    # Translators: row is a row number of the spreadsheet; city, country (a name) and date (YYYY-MM-DD) name the
    # published event; keep "id" as is.
    return msg("row {row} updates the published event in {city}, {country} on {date} by its id, and this row, "
               "without an id, matches it too; delete this row if it is a copy, or give it another title if it is "
               "another event", row=id_row, **_where(published))


def _matched_twice(first_row: int, published: Event) -> Message:
    # Translators: row is a row number of the spreadsheet; city, country (a name) and date (YYYY-MM-DD) name the
    # published event both rows match; keep "id" as is.
    return msg("row {row} already updates the published event in {city}, {country} on {date}, which this row "
               "matches too; delete one of the rows, or, if one of them is a new event, add the id column from an "
               "export of the published events with the event's id on the row that updates it (a row with an id is "
               "matched by its id alone)", row=first_row, **_where(published))


def _field_changes(before: Event, after: Event) -> tuple[FieldChange, ...]:
    """The columns that differ, as the CSV writes them (as the diff compares)."""
    return field_changes(*events_to_rows([before, after], include_private=True))


#: What an id names: a published event's index, or None for an id of ours naming none (the row is added).
_NO_ID = object()


class _Matching:
    """Rules 1 to 4, row by row: which uploaded row updates which published event, which rows are added."""

    def __init__(self, published: Sequence[PlacedEvent]) -> None:
        self.published = published
        self.by_uid = {uid: index for index, uid in enumerate(event_uids([p.event for p in published]))}
        self.at_place: dict[tuple[str, str, object], list[int]] = defaultdict(list)
        for index, item in enumerate(published):
            self.at_place[place_key(item.event)].append(index)
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        #: published index -> (uploaded index, upload row, whether by its id)
        self.updates: dict[int, tuple[int, int, bool]] = {}
        self.added: list[int] = []

    def named(self, row: int, written: str) -> object:
        """The published index an id cell names, None for an id of ours naming none, _NO_ID for no usable id."""
        if not written:
            return _NO_ID
        if UID_PATTERN.fullmatch(written.lower()):
            index = self.by_uid.get(written.lower())
            if index is None:
                self.warnings.append(Problem(row, ID_COLUMN, _stale_id(written)))
            return index
        self.warnings.append(Problem(row, ID_COLUMN, _foreign_id(written)))
        return _NO_ID

    def by_id(self, k: int, row: int, index: int | None) -> None:
        if index is None:
            self.added.append(k)
        elif index in self.updates:
            self.errors.append(Problem(row, ID_COLUMN, _same_id(self.updates[index][1], self.published[index].event)))
        else:
            self.updates[index] = (k, row, True)

    def _by_an_id(self, index: int) -> bool:
        return index in self.updates and self.updates[index][2]

    def by_place(self, k: int, event: Event) -> None:
        candidates = self.at_place.get(place_key(event), [])
        title = normalise(event.title)
        titled = [index for index in candidates if normalise(self.published[index].event.title) == title]
        free = [index for index in (titled or candidates) if not self._by_an_id(index)]
        if not candidates or (not titled and not free):  # nothing there, or all updated by their ids: a new event
            self.added.append(k)
            return
        if len(titled) == 1 or (not titled and len(candidates) == 1):
            target = (titled or candidates)[0]
        elif len(titled) > 1 and len(free) == 1:  # of those with its title, the one no id updates
            target = free[0]
        elif titled and not free:  # every one with its title updated by an id: a copy (an error below)
            target = titled[0]
        else:
            self.errors.append(Problem(event.row, ID_COLUMN, _ambiguous(event, len(titled) or len(candidates),
                                                                        len(titled))))
            return
        if target in self.updates:
            _, first_row, first_by_id = self.updates[target]
            message = (_updated_by_id if first_by_id else _matched_twice)(first_row, self.published[target].event)
            self.errors.append(Problem(event.row, None, message))
        else:
            self.updates[target] = (k, event.row, False)


def merge(published: Sequence[PlacedEvent], uploaded: Sequence[PlacedEvent], ids: Mapping[int, str]) -> Merge:
    """The ``published`` events with the ``uploaded`` ones added and updated, as this module's docstring says.

    ``ids`` maps an upload row to its ``id`` cell (rows without one may be
    left out); each uploaded event's ``row`` is its upload row.
    """
    published = tuple(published)
    uploaded = tuple(uploaded)
    matching = _Matching(published)
    without_id = []
    for k, item in enumerate(uploaded):  # the rows with our ids first: an id says which event
        row = item.event.row
        index = matching.named(row, str(ids.get(row, "")).strip())
        if index is _NO_ID:
            without_id.append(k)
        else:
            matching.by_id(k, row, index)  # type: ignore[arg-type]
    for k in without_id:
        matching.by_place(k, uploaded[k].event)

    updates = {index: k for index, (k, _, _) in matching.updates.items()}
    added = sorted(matching.added)
    merged: list[PlacedEvent] = []
    changes: list[EventChange] = []
    unchanged = 0
    for index, item in enumerate(published):
        k = updates.get(index)
        if k is None:
            merged.append(item)
            unchanged += 1
            continue
        event = replace(uploaded[k].event, row=item.event.row)
        merged.append(PlacedEvent(event, uploaded[k].place))
        if differing := _field_changes(item.event, event):
            changes.append(EventChange(item.event, event, differing))
        else:
            unchanged += 1
    first_new = max([len(published) + FIRST_EVENT_ROW - 1, *(p.event.row for p in published)]) + 1
    added_events = tuple(replace(uploaded[k].event, row=first_new + n) for n, k in enumerate(added))
    merged.extend(PlacedEvent(event, uploaded[k].place) for event, k in zip(added_events, added))

    return Merge(
        placed=tuple(merged),
        diff=EventDiff(added=added_events, removed=(), changed=tuple(changes), unchanged=unchanged),
        errors=by_row(matching.errors),
        warnings=by_row(matching.warnings),
        updated=tuple((row, index) for index, (_, row, _) in sorted(matching.updates.items(), key=lambda u: u[1][0])),
        added_rows=tuple(uploaded[k].event.row for k in added),
    )
