"""Share and embed: choose which events and how they look, see the map, copy the frame's code, the link, its QR
code and the feeds' addresses.

Layout and session state only: every address and snippet is made by
:mod:`speakout_map.web.sharing`. The page starts from its address's query
(the map page's filter and the display options), so the map page can link
here with its filter, and it keeps the choice in its address.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import common
from app_pages.near import RADII_KM
from speakout_map.errors import GeocodingError, SpeakOutError
from speakout_map.escaping import escape_markdown
from speakout_map.languages.catalogues import available_languages
from speakout_map.languages.localising import language_name
from speakout_map.maps import display as displays
from speakout_map.maps import filters
from speakout_map.places import nearby
from speakout_map.places.chain import gazetteer_of
from speakout_map.places.distance import distance_unit, format_distance
from speakout_map.places.nearby import MAX_PLACE_TEXT, PlaceMatches, place_label
from speakout_map.settings import Settings
from speakout_map.web import sharing

#: The widgets' session keys (their own, apart from the map page's filter).
COUNTRIES, DATES, NEAR, RADIUS = "share-countries", "share-dates", "share-near", "share-radius"
LANGUAGE, KIND, HEIGHT = "share-language", "share-kind", "share-height"
VIEW, ZOOM, LATITUDE, LONGITUDE = "share-view", "share-zoom", "share-latitude", "share-longitude"
LEGEND, LIST, SCROLL = "share-legend", "share-list", "share-scroll"
#: The view's choices: fitted to the events, or a zoom and centre of one's own.
FIT, CHOSEN = "fit", "chosen"
HEIGHT_STEP = 10
QR_WIDTH = 240

t = common.translator()
settings = common.settings()
campaign = common.campaign(settings)


@st.cache_data(show_spinner=False, max_entries=64)
def qr_png(link: str) -> bytes:
    return sharing.qr_png(link)


@st.cache_data(show_spinner=False, max_entries=64)
def qr_svg(link: str) -> bytes:
    return sharing.qr_svg(link)


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def embed_place(app_settings: Settings, text: str) -> PlaceMatches:
    """The place the light embed will measure from: the offline gazetteer's answer, as the embed's own."""
    geocoder = common.geocoder(app_settings)
    return nearby.resolve_place(text, gazetteer_of(geocoder) or geocoder)


def start_from(query: filters.EventFilter, shown: displays.Display, known: list[str],
               span: tuple[dt.date, dt.date] | None) -> None:
    """The widgets start from the address on a session's first visit to the page."""
    first = {
        COUNTRIES: [code for code in t.countries(query.countries) if code in known],
        NEAR: query.near, RADIUS: query.radius_or_default, LANGUAGE: t.language, KIND: sharing.EMBED,
        HEIGHT: min(max(shown.height or displays.DEFAULT_HEIGHT, displays.MIN_HEIGHT), displays.MAX_HEIGHT),
        VIEW: FIT if shown.fitted else CHOSEN, ZOOM: shown.zoom or displays.CENTER_ZOOM,
        LATITUDE: shown.center[0] if shown.center else None, LONGITUDE: shown.center[1] if shown.center else None,
        LEGEND: shown.legend, LIST: shown.list, SCROLL: shown.scroll,
    }
    for key, value in first.items():
        if key not in st.session_state:
            st.session_state[key] = value
    st.session_state[COUNTRIES] = [code for code in st.session_state[COUNTRIES] if code in known]
    if span is not None:
        stored = st.session_state.get(DATES)
        if not stored or not all(span[0] <= day <= span[1] for day in stored):
            start = min(max(query.date_from or span[0], span[0]), span[1])
            end = min(max(query.date_to or span[1], span[0]), span[1])
            st.session_state[DATES] = (min(start, end), max(start, end))


def chosen_dates(span: tuple[dt.date, dt.date] | None, picked: object) -> tuple[dt.date | None, dt.date | None]:
    """The dates picked, each left open (None) where it is the first or last day of the events (so new ones show)."""
    if span is None:
        return None, None
    if isinstance(picked, (tuple, list)) and picked:
        first, last = picked[0], picked[-1]
    elif isinstance(picked, dt.date):
        first = last = picked
    else:
        return None, None
    return (first if first != span[0] else None), (last if last != span[1] else None)


def near_note(event_filter: filters.EventFilter) -> None:
    """Which place the embedded map measures from, or why it cannot find the one typed."""
    if not event_filter.near:
        return
    radius = format_distance(event_filter.radius_or_default, distance_unit(common.browser_locale()), t)
    try:
        matches = embed_place(settings, event_filter.near)
    except GeocodingError as exc:
        # Translators: {place} is the place as typed; {reason} a sentence saying what to write instead.
        st.warning(t("The shared map cannot search near {place}: {reason} Change the place, or leave it empty.",
                     place=escape_markdown(event_filter.near),
                     reason=escape_markdown(common.sentence(t.text(exc.text)))), icon="🔎")
        return
    place = escape_markdown(place_label(matches.best, t))
    st.caption(t("The shared map shows the events within {radius} of {place}.", radius=radius, place=place))
    if matches.ambiguous:
        st.caption(t("Another place of that name? Add its country, like “Cork, Ireland”."))


version, placed = common.published_or_stop(settings)

st.title(t("Share and embed"))
st.markdown(t("Put the map of {campaign} on your site, or share a link or a QR code: choose the events, "
              "see the map, then copy what you need.", campaign=escape_markdown(campaign.name)))

known_countries = filters.countries_present(placed, translator=t)
span = filters.date_span(placed)
query = {key: st.query_params.get_all(key) for key in st.query_params}
from_query, filter_notices = filters.filter_from_query(query, known_countries)
from_display, display_notices = displays.display_from_query(query)
for notice in (*filter_notices, *display_notices):
    st.warning(escape_markdown(t.text(notice)), icon="⚠️")
start_from(from_query, from_display, known_countries, span)

st.subheader(t("Which events"))
country_col, date_col = st.columns([3, 2])
countries = country_col.multiselect(t("Countries"), options=known_countries, format_func=t.country, key=COUNTRIES,
                                    placeholder=t("All countries"))
picked = None
if span is not None:
    picked = date_col.date_input(t("Dates"), min_value=span[0], max_value=span[1], key=DATES,
                                 format=t.date_picker_format)
date_from, date_to = chosen_dates(span, picked)
unit = distance_unit(common.browser_locale())
near_col, radius_col = st.columns([3, 1])
near_text = near_col.text_input(t("Near a town or city"), key=NEAR, max_chars=MAX_PLACE_TEXT,
                                 placeholder=t("e.g. Cork, Nueva York, Göteborg")).strip()
radius = radius_col.selectbox(t("Within"), sorted({*RADII_KM, float(st.session_state[RADIUS])}), key=RADIUS,
                              format_func=lambda km: format_distance(km, unit, t))
event_filter = filters.EventFilter(date_from, date_to, frozenset(countries), near=near_text,
                                   radius_km=radius if near_text else None)
near_note(event_filter)

st.subheader(t("How it looks"))
language_col, kind_col = st.columns([1, 2])
language = language_col.selectbox(t("Language of the map"), available_languages(), format_func=language_name,
                                  key=LANGUAGE)
kind_names = {sharing.EMBED: t("Light embed (recommended)"), sharing.APP: t("Full app")}
kind = kind_col.radio(t("Kind of frame"), sharing.KINDS, format_func=kind_names.__getitem__, key=KIND, horizontal=True)
kind_col.caption(t("The light embed is a plain page that any number of visitors can load at once; the full app "
                   "keeps a live connection open for each visitor, so busy pages should use the light embed."))
height = st.slider(t("Height of the map (pixels)"), displays.MIN_HEIGHT, displays.MAX_HEIGHT, step=HEIGHT_STEP,
                   key=HEIGHT)
is_app = kind == sharing.APP
if is_app:
    st.caption(t("The full app shows its own filters, legend and list: the options below are for the light embed."))
view_col, zoom_col, latitude_col, longitude_col = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
view = view_col.radio(t("View"), (FIT, CHOSEN), key=VIEW, disabled=is_app, format_func={
    FIT: t("Fit to the events"), CHOSEN: t("Zoom and centre of my own")}.__getitem__)
chosen_view = view == CHOSEN and not is_app
zoom = zoom_col.slider(t("Zoom"), displays.MIN_ZOOM, displays.MAX_ZOOM, key=ZOOM, disabled=not chosen_view)
centre_help = t("Both empty: the view is centred on the events.")
latitude = latitude_col.number_input(t("Centre latitude"), min_value=-90.0, max_value=90.0, step=0.1, format="%.4f",
                                     key=LATITUDE, disabled=not chosen_view, placeholder="40.42", help=centre_help)
longitude = longitude_col.number_input(t("Centre longitude"), min_value=-180.0, max_value=180.0, step=0.1,
                                       format="%.4f", key=LONGITUDE, disabled=not chosen_view, placeholder="-3.70",
                                       help=centre_help)
legend_col, list_col, scroll_col = st.columns(3)
legend = legend_col.checkbox(t("Legend"), key=LEGEND, disabled=is_app)
listed = list_col.checkbox(t("List of the events under the map"), key=LIST, disabled=is_app,
                           help=t("An accessible list, for visitors who do not use the map."))
scroll = scroll_col.checkbox(t("The mouse wheel zooms the map"), key=SCROLL, disabled=is_app,
                             help=t("Off: the wheel and a finger scroll your page; visitors zoom with + and −."))
center = (round(latitude, 5), round(longitude, 5)) if latitude is not None and longitude is not None else None
display = displays.Display(height=height, zoom=zoom if chosen_view else None, center=center if chosen_view else None,
                           legend=legend, list=listed, scroll=scroll)
share = sharing.Share(event_filter, language, kind, display)
st.query_params.from_dict({**filters.filter_to_query(event_filter), **displays.display_to_query(display),
                           **common.language_query()})

try:
    page_url = st.context.url
except Exception:  # noqa: BLE001 - no browser behind this run
    page_url = None
base_path = st.get_option("server.baseUrlPath") or ""
try:
    site = sharing.Site(sharing.site_root(page_url, base_path, settings.public_url), base_path)
except SpeakOutError as exc:  # a bad public_url: the operator's to fix; the snippets use paths meanwhile
    common.log.error("the share page cannot use public_url [%s]", exc)
    site = sharing.Site("", base_path)

st.subheader(t("Preview"))
preview_share = sharing.Share(event_filter, language, sharing.EMBED, display)
st.iframe(sharing.embed_url(preview_share, site), height=sharing.frame_height(preview_share))
if is_app:
    st.caption(t("This is the light embed of the same events; the full app looks like the map page."))

st.subheader(t("Code for your page"))
st.caption(t("Paste it into your page's HTML where the map should be."))
st.code(sharing.iframe_code(share, site, campaign_name=campaign.name), language="html", wrap_lines=True)
if not site.root:
    st.caption(t("These addresses start with / because this page cannot tell its own address: put this site's "
                 "address in front of them, or ask the organisers to set public_url."))

link = sharing.link_url(share, site)
st.subheader(t("Link"))
st.code(link, language=None, wrap_lines=True)

st.subheader(t("QR code for posters"))
try:
    png = qr_png(link)
except SpeakOutError as exc:
    st.warning(escape_markdown(t.text(exc.text)), icon="⚠️")
else:
    st.image(png, width=QR_WIDTH, caption=t("The link above, as a QR code"),
             alt=t("QR code that opens this map with the events chosen above"))
    svg_col, png_col = st.columns(2)
    svg_col.download_button(t("Download the QR code (SVG, for print)"), data=lambda: qr_svg(link),
                            file_name="speakout-map-qr.svg", mime="image/svg+xml", on_click="ignore", icon="⬇️",
                            key="share-qr-svg")
    png_col.download_button(t("Download the QR code (PNG)"), data=png, file_name="speakout-map-qr.png",
                            mime="image/png", on_click="ignore", icon="⬇️", key="share-qr-png")

st.subheader(t("Data feeds"))
st.caption(t("The same events, always up to date, for your own map, spreadsheet or calendar."))
feed_names = {"geojson": t("GeoJSON (maps)"), "csv": t("CSV (spreadsheets)"), "ics": t("iCalendar (calendars)")}
for name, url in sharing.feed_urls(share, site).items():
    st.markdown(f"**{feed_names.get(name, escape_markdown(name))}**")
    st.code(url, language=None, wrap_lines=True)
