"""An event's identity across published versions, as a calendar UID.

Calendars (a re-import, a feed refresh) and anything else that must follow
"the same event" from one version to the next name an event by its UID. It
follows the way :mod:`speakout_map.events.diff` tells the same event in two
versions: events are known by country, city and date, and by their title
only when several share those. So: the first event (in the list's order) of
each country, city and date (compared as the diff compares them: without
case, accents or extra spaces) is named by those three; any later event of
the same country, city and date also by its title, and by its rank among
events with that same title. The UID is a SHA-256 digest of those public
fields (``<32 hex digits>@speakout-map``): it reveals nothing, and changes
of time, venue, address, link, status, description, organiser or
coordinates, or of the title of an event alone on its day in its city, keep
it. A new date, city or country makes another event (as the diff says: one
removed, one added).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence

from speakout_map.events.diff import normalise
from speakout_map.events.model import Event

#: The right-hand part of every UID (RFC 5545 suggests a domain-like name).
UID_DOMAIN = "speakout-map"
#: What every UID looks like (and nothing else does).
UID_PATTERN = re.compile(r"[0-9a-f]{32}@" + re.escape(UID_DOMAIN))


def _digest(*parts: str) -> str:
    # surrogatepass: text with a lone surrogate (not valid Unicode, but a cell may hold one) still has a UID;
    # every other text encodes as plain UTF-8, so UIDs are the same as ever.
    joined = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(joined).hexdigest()[:32] + "@" + UID_DOMAIN


def event_uids(events: Sequence[Event]) -> list[str]:
    """The UID of each event, in order, named as this module's docstring says.

    Pass the whole published version (in its order), so that every download
    and feed names each event the same way.
    """
    first_of_day: set[tuple[str, str, str]] = set()
    same_title: Counter[tuple[str, str, str, str]] = Counter()
    uids = []
    for event in events:
        day = (event.country_code.upper(), normalise(event.city), event.date.isoformat())
        if day not in first_of_day:
            first_of_day.add(day)
            uids.append(_digest("day", *day))
            continue
        titled = (*day, normalise(event.title))
        same_title[titled] += 1
        uids.append(_digest("titled", *titled, str(same_title[titled])))
    return uids


def uids_within(targets: Sequence[Event], among: Sequence[Event]) -> list[str]:
    """The UIDs of ``targets`` as named within ``among`` (a target not in it is named as if added at its end)."""
    pool = list(among)
    named = list(zip(pool, event_uids(pool)))
    by_id = {id(e): uid for e, uid in named}
    by_value: dict[Event, str] = {}
    for event, uid in named:
        by_value.setdefault(event, uid)
    extra = [e for e in targets if id(e) not in by_id and e not in by_value]
    if extra:
        everything = pool + extra
        by_id.update((id(e), uid) for e, uid in zip(extra, event_uids(everything)[len(pool):]))
    return [by_id.get(id(e)) or by_value[e] for e in targets]


def event_uid(event: Event, among: Sequence[Event] = ()) -> str:
    """One event's UID within ``among`` (the published version's events; empty: the event alone)."""
    return uids_within([event], among)[0]
