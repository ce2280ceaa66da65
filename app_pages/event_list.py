"""The map page's list of events: the events the map shows, as headings and text, a page at a time.

Layout only (the entries are :func:`speakout_map.maps.listing.entry_markdown`).
"Show on the map" asks the map to open that event's popup (the page sends it
with the next selection, :data:`MAP_OPEN`); the event whose pin was opened on
the map is marked here, and the list turns to its page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from speakout_map.events.paging import page_of
from speakout_map.maps.listing import LIST_PAGE_ROWS, entry_markdown
from speakout_map.places.place import PlacedEvent

#: Session keys: the event to open on the map, as (uid, request number, the map's last click when asked);
#: the list's page; the event last marked (to turn to its page once); "only what the map shows".
MAP_OPEN, LIST_PAGE, LIST_MARKED, IN_VIEW = "map-open", "events-list-page", "events-list-marked", "events-list-in-view"


def ask_to_open(uid: str, last_click: object) -> None:
    """A "Show on the map" button's callback: a new request, so the map opens the popup even if asked before."""
    number = st.session_state.get(MAP_OPEN, ("", 0, None))[1] + 1
    st.session_state[MAP_OPEN] = (uid, number, last_click)


def show_list(
    t,
    listed: Sequence[PlacedEvent],
    uids: dict[PlacedEvent, str],
    *,
    marked: PlacedEvent | None,
    last_click: object,
    distance: Callable[[PlacedEvent], str] | None = None,
    going: Callable[[PlacedEvent], str] | None = None,
) -> None:
    """The list of ``listed`` (the map's events, or those in its view), ``marked`` shown as open on the map.

    ``distance(event)`` is its distance's text (a "near" search), ``going(event)`` its "I'll be there"
    count's words.
    """
    if not listed:
        st.info(t("No events in the map's view. Zoom out or move the map, or show every event of the map."))
        return
    if marked is not None and st.session_state.get(LIST_MARKED) != uids.get(marked):
        position = next((index for index, event in enumerate(listed) if event == marked), None)
        if position is not None:  # newly marked, and listed: turn to its page, once
            st.session_state[LIST_MARKED] = uids.get(marked)
            st.session_state[LIST_PAGE] = position // LIST_PAGE_ROWS + 1
    page = page_of(len(listed), st.session_state.get(LIST_PAGE, 1), LIST_PAGE_ROWS)
    if page.pages > 1:
        st.session_state[LIST_PAGE] = page.number
        page_col, range_col = st.columns([1, 3], vertical_alignment="bottom")
        page = page_of(len(listed), page_col.number_input(t("List page"), min_value=1, max_value=page.pages,
                                                          key=LIST_PAGE), LIST_PAGE_ROWS)
        range_col.caption(t("Events {first:,}–{last:,} of {total:,}, in the order of the list",
                            first=page.start + 1, last=page.stop, total=page.total))
    for position in range(page.start, page.stop):
        event = listed[position]
        uid = uids.get(event, "")
        is_marked = event == marked
        with st.container(border=is_marked, key=f"list-entry-{position}"):
            if is_marked:
                st.caption(t("📍 Open on the map"))
            st.markdown(entry_markdown(event, t, distance=distance(event) if distance else "",
                                       going=going(event) if going else ""))
            st.button(t("Show on the map"), key=f"list-show-{position}", disabled=not uid, on_click=ask_to_open,
                      args=(uid, last_click), help=t("Opens this event's popup on the map above"))
