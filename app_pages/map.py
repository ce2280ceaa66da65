"""The supporters' map: filters (countries, dates, near a place), the map, the count, how many are going, the
table of events with its "I'll be there", and the events to take away (calendar, feeds), in the visitor's language."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit_folium import st_folium

from app_pages import common
from app_pages.event_list import IN_VIEW, LIST_PAGE, MAP_OPEN, show_list
from app_pages.near import near_control
from speakout_map.errors import RateLimitedError, SpeakOutError, StoreError, UnknownEventError
from speakout_map.escaping import escape_markdown
from speakout_map.events import export
from speakout_map.languages.message import msg
from speakout_map.maps import filters
from speakout_map.events.calendar import MEDIA_TYPE as ICS_MEDIA_TYPE
from speakout_map.events.calendar import calendar_ics
from speakout_map.events import paging
from speakout_map.events.paging import page_of
from speakout_map.maps.build import SELECTION_FIT, app_map, map_options, missing_assets_message
from speakout_map.maps.focus import Focus
from speakout_map.maps.listing import clicked_event, in_view
from speakout_map.maps.selection import select, selection_group
from speakout_map.places.distance import distance_unit, format_distance
from speakout_map.places.nearby import events_near
from speakout_map.supporters.going import (
    GoingAnswer,
    going_counts,
    going_label,
    going_pass,
    going_total,
    say_going,
    session_digest,
)
from speakout_map.web.going_route import going_path
from speakout_map.web.map_data_route import map_data_path

#: Session key: what the table's "I'll be there" button did last (an answer or an error), shown once.
GOING_ANSWER = "map-going-answer"
#: Session keys: the events table's page, and the filter it belongs to (a new filter starts at page 1).
TABLE_PAGE, TABLE_FILTER = "events-table-page", "events-table-filter"
GOING_FAILURE = msg("How many people are going cannot be shown right now. Please try again in a few minutes.")

t = common.translator()
settings = common.settings()
campaign = common.campaign(settings)


def count_me_in(uid: str) -> None:
    """The table's "I'll be there" (a button's callback: it runs before the page, so the counts below include it)."""
    try:
        published = common.calendar_uids(settings, common.store(settings).latest_number()).values()
        st.session_state[GOING_ANSWER] = say_going(
            uid, session=common.visitor_session(), client=common.public_client(settings),
            store=common.store(settings), published_uids=frozenset(published), secret=common.client_secret(settings))
    except (RateLimitedError, UnknownEventError, StoreError) as exc:
        st.session_state[GOING_ANSWER] = exc


def show_going_answer(answer: GoingAnswer | SpeakOutError) -> None:
    """What the last click of the table's "I'll be there" did."""
    if isinstance(answer, GoingAnswer):
        count = t.text(going_label(answer.count))
        if answer.counted:
            st.success(t("Counted, thank you: you're going. Now {count}.", count=count), icon="🙌")
        else:
            st.info(t("You had already said you're going, so nothing changed. Now {count}.", count=count))
    elif isinstance(answer, StoreError):
        common.show_failure(msg("Your “I'll be there” could not be counted right now. "
                                "Please try again in a few minutes."), answer)
    else:  # too many clicks, or the event is no longer on the map
        st.warning(t("Not counted: {reason}.", reason=t.text(answer.text)), icon="⚠️")


version, placed = common.published_or_stop(settings)

# Translators: the map page's heading; {campaign} is the campaign's name as the organisers wrote it.
st.title(t("{campaign} — events worldwide", campaign=escape_markdown(campaign.name)))
if campaign.tagline:
    st.caption(escape_markdown(t.text(campaign.tagline_text)))
st.page_link(common.PROPOSE_PAGE_PATH, label=t("No event near you? Propose one"), icon="📣",
             query_params=common.language_query())

known_countries = filters.countries_present(placed, translator=t)
span = filters.date_span(placed)
query = {key: st.query_params.get_all(key) for key in st.query_params}
from_query, notices = filters.filter_from_query(query, known_countries)
for notice in notices:
    st.warning(escape_markdown(t.text(notice)), icon="⚠️")

# Widgets start from the URL query on the first run of a session.
if "countries" not in st.session_state:
    st.session_state["countries"] = t.countries(from_query.countries)
else:  # the published events may have changed since the last run
    st.session_state["countries"] = [c for c in st.session_state["countries"] if c in known_countries]
if span is not None:
    stored = st.session_state.get("dates")
    if not stored or not all(span[0] <= d <= span[1] for d in stored):
        start = min(max(from_query.date_from or span[0], span[0]), span[1])
        end = min(max(from_query.date_to or span[1], span[0]), span[1])
        st.session_state["dates"] = (min(start, end), max(start, end))

country_col, date_col = st.columns([3, 2])
chosen_countries = country_col.multiselect(
    t("Countries"), options=known_countries, format_func=t.country, key="countries", placeholder=t("All countries")
)
date_from = date_to = None
if span is not None:
    picked = date_col.date_input(t("Dates"), min_value=span[0], max_value=span[1], key="dates",
                                 format=t.date_picker_format)
    if isinstance(picked, (tuple, list)) and picked:
        date_from, date_to = picked[0], picked[-1]
    elif isinstance(picked, dt.date):
        date_from = date_to = picked

near = near_control(settings, t, from_query)

current = filters.EventFilter(
    date_from if span is None or date_from != span[0] else None,
    date_to if span is None or date_to != span[1] else None,
    frozenset(chosen_countries),
    near=near.text if near is not None else "",
    radius_km=near.radius_km if near is not None and near.text else None,
)
query_now = {**filters.filter_to_query(current), **common.language_query()}
st.query_params.from_dict(query_now)
shown = filters.apply_filter(placed, current, translator=t)
nearby = events_near(shown, near.origin, near.radius_km) if near is not None else None
if nearby is not None:
    shown = nearby.events
    unit = distance_unit(common.browser_locale())
    radius_text = format_distance(near.radius_km, unit, t)
    if nearby.none_within:
        st.info(t("No events within {radius} of {place} yet. The nearest ones are below, or host one there.",
                  radius=radius_text, place=escape_markdown(near.label)), icon="📍")
        st.page_link(common.PROPOSE_PAGE_PATH, label=t("Propose an event near {place}",
                                                      place=escape_markdown(near.label)),
                     icon="📣", query_params={**common.language_query(), "city": near.label})
    else:
        st.markdown(t.plural("**{count:,}** event within {radius} of {place}, nearest first",
                             "**{count:,}** events within {radius} of {place}, nearest first",
                             nearby.count_within, radius=radius_text, place=escape_markdown(near.label)))

st.markdown(t.plural("**{shown:,}** of {count:,} event shown", "**{shown:,}** of {count:,} events shown", len(placed),
                     shown=len(shown)))
uids = common.calendar_uids(settings, version)
# "I'll be there": how many are going to each event shown, and which of them this visitor is going to.
session = common.visitor_session()
try:
    secret = common.client_secret(settings)
    going_marks = common.store(settings).going()
    counts = going_marks.counts([uids[p] for p in shown if p in uids])
    mine = going_marks.marked_by(session_digest(secret, session))
except StoreError as exc:
    common.show_failure(GOING_FAILURE, exc)
    secret, counts, mine = None, None, frozenset()
going_numbers = going_counts(shown, uids, counts or {})
if counts is not None and shown:
    st.markdown(t.text(going_total(shown, going_numbers)))
# What the map says back: the event opened on it (marked in the list), and the events in its view (when asked).
marked, last_click, in_the_view = None, None, None
only_in_view = bool(st.session_state.get(IN_VIEW))
if shown:
    missing_assets = missing_assets_message(settings)
    if missing_assets:
        common.show_failure(msg("The map cannot be drawn right now; the list of events is below."), missing_assets)
    else:
        focus = Focus(near.origin.latitude, near.origin.longitude, near.radius_km, near.label) if near else None
        base_path = st.get_option("server.baseUrlPath") or ""
        # One map per published version and language (fetching its events once); each run sends it a selection.
        the_map = app_map(map_data_path(version, t.language, base_path), translator=t,
                          going_url=going_path(base_path), **map_options(settings))
        open_uid, open_number, asked_at = st.session_state.get(MAP_OPEN, ("", 0, None))
        to_open = next((p for p in shown if uids.get(p) == open_uid), None) if open_uid else None
        selection = select(shown, common.map_index(settings, version), focus=focus, uids=uids, counts=counts,
                           mine=mine, going_pass=going_pass(secret, session) if counts is not None else "",
                           translator=t, fit=SELECTION_FIT, open_event=to_open, open_request=open_number)
        # A pin opened on the map comes back (and reruns the page) to be marked in the list; the view's bounds
        # too, only while the list shows just the events in view.
        # (streamlit-folium reads what to return when its frame starts: a map of its own, asked for by key.)
        wanted = ["last_object_clicked", "last_object_clicked_tooltip", *(["bounds"] if only_in_view else [])]
        answer = st_folium(the_map, feature_group_to_add=selection_group(selection), returned_objects=wanted,
                           use_container_width=True, height=520, key="map-in-view" if only_in_view else "map") or {}
        last_click = answer.get("last_object_clicked")
        clicked = clicked_event(shown, last_click, answer.get("last_object_clicked_tooltip"), t)
        # The newer of the two: the list's "Show on the map" (no pin clicked since), or the pin clicked.
        marked = to_open if to_open is not None and last_click == asked_at else (
            shown[clicked] if clicked is not None else None)
        if only_in_view:
            in_the_view = in_view(shown, answer.get("bounds"))
    st.subheader(t("Events shown"))
    # Long lists go a page at a time; a new filter starts at the first page.
    if st.session_state.get(TABLE_FILTER) != query_now:
        st.session_state[TABLE_FILTER] = query_now
        st.session_state[TABLE_PAGE] = st.session_state[LIST_PAGE] = 1
    list_tab, table_tab = st.tabs([t("List"), t("Table")])
    with list_tab:
        st.toggle(t("Only the events in the map's view"), key=IN_VIEW)
        distances = dict(zip(shown, nearby.distances_km)) if nearby is not None else {}
        show_list(t, in_the_view if in_the_view is not None else shown, uids, marked=marked, last_click=last_click,
                  distance=(lambda p: format_distance(distances[p], unit, t)) if distances else None,
                  going=(lambda p: t.text(going_label(counts.get(uids.get(p, ""), 0)))) if counts is not None
                  else None)
    with table_tab:
        columns = list(export.table_columns(translator=t))
        link_column = columns[-1]
        calendar_column, ics_column = common.table_calendar_columns(t)
        distance_column, going_column = t("Distance"), t("Going")
        page = page_of(len(shown), st.session_state.get(TABLE_PAGE, 1), paging.TABLE_PAGE_ROWS)
        if page.pages > 1:
            st.session_state[TABLE_PAGE] = page.number  # within the pages there are now (a shorter list, republished)
            page_col, range_col = st.columns([1, 3], vertical_alignment="bottom")
            page = page_of(len(shown), page_col.number_input(t("Page"), min_value=1, max_value=page.pages,
                                                             key=TABLE_PAGE), paging.TABLE_PAGE_ROWS)
            range_col.caption(t("Events {first:,}–{last:,} of {total:,}, in the order of the list",
                                first=page.start + 1, last=page.stop, total=page.total))
        on_page = shown[page.start:page.stop]
        # Every event's row is made once per version and language; this run takes the page's, in their order.
        positions = common.table_positions(settings, version)
        rows = common.events_table(settings, version, t.language).iloc[[positions[p] for p in on_page]]
        rows = rows.reset_index(drop=True)
        if counts is not None:
            columns.insert(len(columns) - 1, going_column)  # before the link
            rows[going_column] = going_numbers[page.start:page.stop]
        if nearby is not None:
            columns.insert(0, distance_column)
            rows[distance_column] = [format_distance(distance, unit, t)
                                     for distance in nearby.distances_km[page.start:page.stop]]
        table = st.dataframe(
            rows,  # its text is neutralised: it can be downloaded as CSV
            hide_index=True,
            column_order=[*columns, calendar_column, ics_column],
            column_config={
                link_column: st.column_config.LinkColumn(link_column, display_text=t("Event page")),
                calendar_column: st.column_config.LinkColumn(calendar_column, display_text=t("Add to Google Calendar")),
                ics_column: st.column_config.LinkColumn(ics_column, display_text=t("Download .ics")),
                going_column: st.column_config.NumberColumn(going_column, format="%d"),
            },
            on_select="rerun",
            selection_mode="single-row",
            key="events-table" if page.number == 1 else f"events-table-{page.number}",  # a pick belongs to its page
        )
        # "I'll be there" for the event picked in the table (the popups on the map have their own button).
        picked = [index for index in table.selection.rows if 0 <= index < len(on_page)]
        if counts is not None and not picked:
            st.caption(t("Pick an event in the table to say you'll be there."))
        elif counts is not None:
            chosen = on_page[picked[0]]
            uid = uids.get(chosen, "")
            st.markdown(t("**{event}** ({place}): {count}", event=escape_markdown(t.text(chosen.event.title_text)),
                          place=escape_markdown(chosen.event.city), count=t.text(going_label(counts.get(uid, 0)))))
            if uid in mine:
                st.button(t("You're going"), disabled=True, key="going-mine", icon="✅")
            else:
                st.button(t("I'll be there"), type="primary", key="going-button", icon="🙋", on_click=count_me_in,
                          args=(uid,))
        if GOING_ANSWER in st.session_state:
            show_going_answer(st.session_state.pop(GOING_ANSWER))
    calendar_col, subscribe_col, data_col = st.columns(3)
    calendar_col.download_button(
        t("Add these events to your calendar (.ics)"), on_click="ignore", icon="📅", file_name="speakout-events.ics",
        mime=ICS_MEDIA_TYPE, data=lambda: calendar_ics(shown, among=placed, translator=t,
                                                      name=campaign.name),
    )
    calendar_query = {**query_now, "lang": t.language}  # the calendar's own words in the visitor's language
    subscribe_col.link_button(t("Subscribe to this calendar"), common.calendar_subscription_url(calendar_query),
                              icon="🔔")
    data_col.markdown(t("Data: [GeoJSON]({geojson}) · [CSV]({csv}) · [iCalendar]({ics})",
                        geojson=common.feed_url("geojson", query_now), csv=common.feed_url("csv", query_now),
                        ics=common.feed_url("ics", calendar_query)))
    # Translators: a link under the map to the page that makes the code to show this map on another website.
    st.page_link(common.SHARE_PAGE_PATH, label=t("Share or embed this map on your website"), icon="🔗",
                 query_params=query_now)
else:
    st.info(t("No events match these filters. Clear a filter, or host an event of your own."))
    st.page_link(common.GUIDE_PAGE_PATH, label=t("How to host your own event"), icon="📣",
                 query_params=common.language_query())
