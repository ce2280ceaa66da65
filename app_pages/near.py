"""The map page's "Near me" control: a town box, the browser's position, the radius; and the place they give.

Layout and session state only: resolving the place, naming a position and
measuring distances are the library's (``speakout_map.places.nearby``). A
position the browser gives stays in the session: the address gets the name
of the nearest town (``?near=Cork, IE``), never the coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from app_pages import common
from app_pages.geolocation import Outcome, locate_me
from speakout_map.errors import GeocodingError
from speakout_map.escaping import escape_markdown
from speakout_map.languages.translator import Translator
from speakout_map.maps.filters import EventFilter
from speakout_map.places.distance import distance_unit, format_distance
from speakout_map.places.nearby import place_at, place_label
from speakout_map.places.place import Place
from speakout_map.settings import Settings

#: The radii offered, in km (a radius from the address is added when it is another one).
RADII_KM: tuple[float, ...] = (25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0)
NEAR, RADIUS, LOCATE = "near", "radius", "locate"
#: Session keys: the last browser answer seen, and the place of that point while the search is from it
#: (a position with no town near it), else None.
LAST_POSITION, POSITION_IN_USE = "near-last-position", "near-position-in-use"


@dataclass(frozen=True)
class NearChoice:
    """The place to measure from, its name as shown, the radius, and the text the address keeps ("" for none)."""

    origin: Place
    label: str
    radius_km: float
    text: str


def _start_from(query: EventFilter) -> None:
    """The widgets start from the address on a session's first run."""
    if NEAR not in st.session_state:
        st.session_state[NEAR] = query.near
    if RADIUS not in st.session_state:
        st.session_state[RADIUS] = query.radius_or_default


def _position_place(settings: Settings, t: Translator) -> Place | None:
    """The place of the browser's latest answer, once per click; its town's name goes into the box."""
    position = locate_me(t("📍 Near me"), key=LOCATE, texts={
        "locating": t("Finding where you are…"),
        Outcome.LOCATED.value: "",
        Outcome.DENIED.value: t("Your browser did not share its position. Type a town instead."),
        Outcome.UNAVAILABLE.value: t("Your browser could not tell where you are. Type a town instead."),
        Outcome.TIMEOUT.value: t("Finding your position took too long. Type a town instead."),
        Outcome.INSECURE.value: t("This page cannot ask for your position here. Type a town instead."),
    })
    if position is None or not position.located:
        return None
    key = (position.latitude, position.longitude)
    if st.session_state.get(LAST_POSITION) != key:  # a new answer: named once, its town goes in the box
        place = place_at(position.latitude, position.longitude, common.geocoder(settings))
        st.session_state[LAST_POSITION] = key
        st.session_state[NEAR] = f"{place.name}, {place.country_code}" if place.name else ""
        # no town near: the search is from the point itself, until the visitor types a place
        st.session_state[POSITION_IN_USE] = None if place.name else place
    elif st.session_state.get(NEAR):  # the visitor typed a place since: the text wins from now on
        st.session_state[POSITION_IN_USE] = None
    return st.session_state.get(POSITION_IN_USE)


def near_control(settings: Settings, t: Translator, query: EventFilter) -> NearChoice | None:
    """The town box, the "Near me" button and the radius; the chosen place, or None (no near search)."""
    _start_from(query)
    unit = distance_unit(common.browser_locale())
    radii = sorted({*RADII_KM, float(st.session_state[RADIUS])})
    text_col, radius_col, locate_col = st.columns([3, 1, 1], vertical_alignment="bottom")
    with locate_col:
        positioned = _position_place(settings, t)
    text = text_col.text_input(t("Near a town or city"), key=NEAR, max_chars=200,
                               placeholder=t("e.g. Cork, Nueva York, Göteborg"))
    radius = radius_col.selectbox(t("Within"), radii, key=RADIUS,
                                  format_func=lambda km: format_distance(km, unit, t))
    if positioned is not None:  # a position with no town near it: measured from the point itself
        return NearChoice(positioned, t("your position"), radius, "")
    text = text.strip()
    if not text:
        return None
    try:
        matches = common.resolve_place(settings, text)
    except GeocodingError as exc:
        st.warning(escape_markdown(t.text(exc.text)), icon="🔎")
        return None
    place = matches.best
    if matches.ambiguous:
        labels = [escape_markdown(place_label(p, t)) for p in matches.places]
        chosen = st.radio(t("Which {place}?", place=escape_markdown(text)), range(len(labels)),
                          format_func=labels.__getitem__,
                          horizontal=True, key=f"near-choice-{text}")
        place = matches.places[chosen]
    return NearChoice(place, place_label(place, t), radius, text)
