"""What changes between two lists of events (the published ones and an upload).

Events have no ids in the spreadsheet, so they are paired by what identifies
them for people:

1. identical events (every CSV field equal) are unchanged, whatever their order;
2. then events with the same country, city, date and title (compared without
   case, accents or extra spaces) are the same event, changed;
3. then the remaining events with the same country, city and date are paired
   one to one (the most alike first), so a new title is a change, not a removal
   and an addition;
4. whatever is left is removed (old) or added (new).

Fields are compared as the CSV writes them (:func:`speakout_map.events.export.events_to_rows`
with private fields), under the CSV's column names; the ``row`` an event came
from is ignored.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from speakout_map.events.model import COLUMNS, PRIVATE_COLUMNS, Event
from speakout_map.events.export import events_to_rows
from speakout_map.languages.message import Message, msg, nmsg
from speakout_map.languages.translator import Translator, english

#: Largest group (old x new events sharing a key) paired by likeness; bigger ones are paired in order.
_MAX_LIKENESS_PAIRS = 10_000


@dataclass(frozen=True)
class FieldChange:
    """One column of one event that differs, as CSV text."""

    column: str
    old: str
    new: str


@dataclass(frozen=True)
class EventChange:
    """The same event before and after, and its changed columns (in CSV column order)."""

    before: Event
    after: Event
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class EventDiff:
    """Added, removed and changed events (added and changed in the new order, removed in the old)."""

    added: tuple[Event, ...]
    removed: tuple[Event, ...]
    changed: tuple[EventChange, ...]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> Message:
        """E.g. "2 added, 1 removed, 3 changed, 13 unchanged" (its ``str``), in the reader's language when shown.

        Each count is a message of its own, so that languages whose words
        agree with the number (``1 añadido``, ``2 añadidos``) get their forms;
        the English is the same for one and many.
        """
        # Translators: events added to the map by an upload (part of the summary of differences).
        added = nmsg("{count} added", "{count} added", len(self.added))
        # Translators: events removed from the map by an upload (part of the summary of differences).
        removed = nmsg("{count} removed", "{count} removed", len(self.removed))
        # Translators: events changed by an upload (part of the summary of differences).
        changed = nmsg("{count} changed", "{count} changed", len(self.changed))
        # Translators: events an upload leaves as they were (part of the summary of differences).
        unchanged = nmsg("{count} unchanged", "{count} unchanged", self.unchanged)
        # Translators: the summary of differences: its four parts ("2 added", "1 removed", "3 changed",
        # "13 unchanged"), in this order.
        return msg("{added}, {removed}, {changed}, {unchanged}", added=added, removed=removed, changed=changed,
                   unchanged=unchanged)


def normalise(text: str) -> str:
    """Text for matching: no accents, case folded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def place_key(event: Event) -> tuple[str, str, object]:
    """Country, city and date as events are matched by them (without case, accents or extra spaces)."""
    return (event.country_code.upper(), normalise(event.city), event.date)


def _title_key(event: Event) -> tuple[str, str, object, str]:
    return (*place_key(event), normalise(event.title))


def field_changes(old: dict[str, str], new: dict[str, str]) -> tuple[FieldChange, ...]:
    """The columns whose CSV text differs between two rows of :func:`~speakout_map.events.export.events_to_rows`."""
    return tuple(FieldChange(c, old[c], new[c]) for c in COLUMNS if old[c] != new[c])


def _pair(
    old_left: list[int],
    new_left: list[int],
    old_rows: list[dict[str, str]],
    new_rows: list[dict[str, str]],
    key: Callable[[int, bool], Hashable],
) -> list[tuple[int, int]]:
    """Pair old and new indices sharing a key, most alike first (ties in order); one to one."""
    old_groups: dict[Hashable, list[int]] = defaultdict(list)
    for i in old_left:
        old_groups[key(i, False)].append(i)
    new_groups: dict[Hashable, list[int]] = defaultdict(list)
    for j in new_left:
        new_groups[key(j, True)].append(j)
    pairs: list[tuple[int, int]] = []
    for group_key, news in new_groups.items():
        olds = old_groups.get(group_key)
        if not olds:
            continue
        if len(olds) == 1 and len(news) == 1:
            pairs.append((olds[0], news[0]))
            continue
        if len(olds) * len(news) > _MAX_LIKENESS_PAIRS:
            pairs.extend(zip(olds, news))
            continue
        candidates = sorted(
            (sum(old_rows[i][c] != new_rows[j][c] for c in COLUMNS), oi, nj, i, j)
            for oi, i in enumerate(olds)
            for nj, j in enumerate(news)
        )
        used_old: set[int] = set()
        used_new: set[int] = set()
        for _, _, _, i, j in candidates:
            if i in used_old or j in used_new:
                continue
            used_old.add(i)
            used_new.add(j)
            pairs.append((i, j))
    return pairs


def diff_events(old: Sequence[Event], new: Sequence[Event]) -> EventDiff:
    """Compare the events before (``old``) and after (``new``)."""
    old = list(old)
    new = list(new)
    old_rows = events_to_rows(old, include_private=True)
    new_rows = events_to_rows(new, include_private=True)

    # 1. identical events, as a multiset: reordering is no change
    exact: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, row in enumerate(old_rows):
        exact[tuple(row.values())].append(i)
    old_done: set[int] = set()
    new_left: list[int] = []
    for j, row in enumerate(new_rows):
        waiting = exact.get(tuple(row.values()))
        if waiting:
            old_done.add(waiting.pop(0))
        else:
            new_left.append(j)
    unchanged = len(old_done)
    old_left = [i for i in range(len(old)) if i not in old_done]

    # 2. same country, city, date and title; 3. same country, city and date
    matched: list[tuple[int, int]] = []
    for key in (
        lambda k, is_new: _title_key((new if is_new else old)[k]),
        lambda k, is_new: place_key((new if is_new else old)[k]),
    ):
        pairs = _pair(old_left, new_left, old_rows, new_rows, key)
        matched.extend(pairs)
        paired_old = {i for i, _ in pairs}
        paired_new = {j for _, j in pairs}
        old_left = [i for i in old_left if i not in paired_old]
        new_left = [j for j in new_left if j not in paired_new]

    changed = tuple(
        EventChange(old[i], new[j], field_changes(old_rows[i], new_rows[j]))
        for i, j in sorted(matched, key=lambda pair: pair[1])
    )
    return EventDiff(
        added=tuple(new[j] for j in new_left),
        removed=tuple(old[i] for i in old_left),
        changed=changed,
        unchanged=unchanged,
    )


def event_label(event: Event, *, translator: Translator | None = None) -> str:
    """How an event is named in the differences table: "2013-09-03 Madrid (ES): Rally".

    The date, city and country code are the file's own; only a title made
    from the city (an event without one) is in the translator's language.
    """
    t = translator or english()
    return f"{event.date.isoformat()} {event.city} ({event.country_code}): {t.text(event.title_text)}"


# The differences table's headers and kinds of change (the keys of its rows, in English when not shown).
# Translators: a header of the table of differences: the kind of change (added, removed, changed).
_CHANGE = msg("change")
# Translators: a header of the table of differences: which event.
_EVENT = msg("event")
# Translators: a header of the table of differences: which column of the events file changed.
_COLUMN = msg("column")
# Translators: a header of the table of differences: the cell before the change.
_BEFORE = msg("before")
# Translators: a header of the table of differences: the cell after the change.
_AFTER = msg("after")
# Translators: a kind of change in the table of differences: an event the upload adds.
_ADDED = msg("added")
# Translators: a kind of change in the table of differences: an event the upload removes.
_REMOVED = msg("removed")
# Translators: a kind of change in the table of differences: an event the upload changes.
_CHANGED = msg("changed")


def diff_rows_for_display(
    diff: EventDiff, *, include_private: bool = True, translator: Translator | None = None
) -> list[dict[str, str]]:
    """The differences as table rows: change, event, column, before, after (all text).

    One row per added or removed event (column, before and after empty) and one
    per changed column of a changed event. Organisers see ``contact_email``
    changes; pass ``include_private=False`` to leave them out.

    The keys (the table's headers) and the kinds of change (added, removed,
    changed) are in the ``translator``'s language (English without one); the
    events' text, the columns' names (``title``, ``start_time``: the file's
    own) and the cells before and after are as the file has them.
    """
    t = translator or english()
    change_key, event_key, column_key, before_key, after_key = (
        t.text(header) for header in (_CHANGE, _EVENT, _COLUMN, _BEFORE, _AFTER)
    )
    added, removed, changed = t.text(_ADDED), t.text(_REMOVED), t.text(_CHANGED)

    def row(kind: str, event: Event, column: str = "", before: str = "", after: str = "") -> dict[str, str]:
        return {
            change_key: kind,
            event_key: event_label(event, translator=t),
            column_key: column,
            before_key: before,
            after_key: after,
        }

    rows: list[dict[str, str]] = []
    for event in diff.added:
        rows.append(row(added, event))
    for event in diff.removed:
        rows.append(row(removed, event))
    for change in diff.changed:
        for field in change.changes:
            if not include_private and field.column in PRIVATE_COLUMNS:
                continue
            rows.append(row(changed, change.after, field.column, field.old, field.new))
    return rows
