"""The map's events as one data document per published version and language, fetched by the app's map.

The full app draws its map once per version and language and filters it in
the browser (:mod:`speakout_map.maps.selection`): the events' rows are not in
the map's script, which would make streamlit-folium build a new frame for
every filter, but in this document, which the map fetches from the app's own
route (:mod:`speakout_map.web.map_data_route`) and the browser may keep. It
holds every drawable event of the version, in the version's order, each as an
:func:`~speakout_map.maps.rows.event_row` with its "Add to calendar" links
and its UID, nobody going yet: the counts of the moment come with the
selection, which names events by their index here (:func:`row_index`).

The document is data, never markup: the layer script reads it with
``JSON.parse`` and puts every piece of text in the page as ``textContent``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from urllib.parse import urlencode

from speakout_map.events.identity import event_uids
from speakout_map.languages.translator import Translator, english
from speakout_map.maps.rows import DATA_FIELDS, event_rows, going_of, has_valid_point
from speakout_map.places.place import PlacedEvent

#: What the document is, for the ``Content-Type`` header.
MEDIA_TYPE = "application/json"


def drawable(placed: Sequence[PlacedEvent]) -> list[PlacedEvent]:
    """The events that can be drawn (a finite point), in order: the document's rows, one each."""
    return [p for p in placed if has_valid_point(p)]


def row_index(placed: Sequence[PlacedEvent]) -> Mapping[PlacedEvent, int]:
    """Each drawable event's index among the document's rows of the same version (a read-only mapping)."""
    return MappingProxyType({p: index for index, p in enumerate(drawable(placed))})


def calendar_links_of(placed: Sequence[PlacedEvent], translator: Translator | None = None, *, ics_path: str,
                      google_path: str, uids: Sequence[str] | None = None) -> Mapping[PlacedEvent, tuple[str, str]]:
    """Each event's two "Add to calendar" addresses in the translator's language, both on this site: the route
    that sends the browser on to its Google Calendar page (``google_path``,
    :mod:`speakout_map.web.calendar_route`) and its own .ics file (``ics_path``, the calendar feed). The event is
    named by its UID (``uids`` in the same order as ``placed``: the whole version's, made here when not given).
    Short paths, not the Google links themselves: each of those is most of a kilobyte, made when it is followed."""
    t = translator or english()
    uids = event_uids([p.event for p in placed]) if uids is None else uids
    links = {}
    for p, uid in zip(placed, uids, strict=True):
        query = urlencode({"event": uid, "lang": t.language})
        links[p] = (f"{google_path}?{query}", f"{ics_path}?{query}")
    return MappingProxyType(links)


def map_document(placed: Sequence[PlacedEvent], translator: Translator | None = None, *,
                 calendar: Mapping[PlacedEvent, tuple[str, str]] | None = None,
                 uids: Sequence[str] | None = None) -> bytes:
    """The document of one version's events (``placed``: the whole version, in order) in the translator's language.

    ``{"fields": DATA_FIELDS, "rows": [...]}`` as compact UTF-8 JSON; ``calendar``
    (:func:`calendar_links_of`) gives the popups' calendar links (none without it); ``uids`` are the events'
    UIDs in the same order (made here when not given).
    """
    t = translator or english()
    uids = event_uids([p.event for p in placed]) if uids is None else uids
    nobody_going = going_of(dict(zip(placed, uids, strict=True)), {}, ())
    rows = event_rows(placed, t, calendar.__getitem__ if calendar is not None else None, nobody_going)
    document = {"fields": list(DATA_FIELDS), "rows": rows}
    # ASCII, every other character as its JSON escape: a lone surrogate (text can hold one, and it has no UTF-8)
    # reads back the same, and the text is made once, not copied to be cleaned and encoded.
    return json.dumps(document, ensure_ascii=True, separators=(",", ":"), allow_nan=False).encode("ascii")

