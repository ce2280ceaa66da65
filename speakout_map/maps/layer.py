"""The events layer of the map: clustered markers, popups and tooltips that the browser makes from one data array.

Folium writes ``Popup``/``Tooltip`` text into the page raw (and inside
JavaScript template literals), so event text is never handed to Folium.
The layer puts the events' :func:`~speakout_map.maps.rows.event_rows` into
the page as one :func:`~speakout_map.escaping.script_json` array, and
``static/event_layer.js`` makes the markers from it with
``document.createElement`` and ``textContent``; ``static/map.css`` styles
them. Markers are CSS ``divIcon``s, so no marker images are fetched.

Every word the script shows of its own (the legend, "Organised by ...", the
"no events yet" note, the markers' labels for screen readers, the zoom
buttons' titles) is in the options too, as :func:`layer_labels` in the
visitor's language: the script has no text of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from speakout_map.languages.translator import Translator, english
from speakout_map.maps import assets as asset_files
from speakout_map.maps.focus import Focus
from speakout_map.maps.inline import InlineScriptElement
from speakout_map.maps.rows import DATA_FIELDS, events_bounds, safe_guide_link

#: Marker colours, as ``static/map.css`` draws the pins and the legend.
CONFIRMED_COLOUR = "#1b7f3b"
DETAILS_TO_COME_COLOUR = "#c2410c"

#: The fields the script fills into a label's template, each written ``{name}`` in it.
#: A template is translated with the field given as its own token (``organiser="{organiser}"``), so the
#: translation keeps the token wherever its language puts it; the script swaps each token for the event's
#: text as plain text (never markup, never a pattern), and leaves any other brace alone.
LABEL_FIELDS: tuple[str, ...] = ("organiser", "title", "place")


def _token(name: str) -> str:
    return "{" + name + "}"


def layer_labels(translator: Translator | None = None) -> dict[str, str]:
    """The script's own words in the translator's language (English without one), by the names it uses.

    ``organisedBy`` and the two ``marker...`` labels are templates whose
    :data:`LABEL_FIELDS` the script fills in; the others are shown as they are.
    """
    t = translator or english()
    organiser, title, place = (_token(name) for name in LABEL_FIELDS)
    return {
        # Translators: a line of an event's popup on the map; {organiser} is the group that organises it.
        "organisedBy": t("Organised by {organiser}", organiser=organiser),
        "detailsToCome": t("Details to come"),
        "linkToCome": t("Event page: link to come"),
        "eventPage": t("Event page (opens in a new tab)"),
        "noEvents": t("No events on the map yet."),
        # Translators: a link after "No events on the map yet.", to the guide to hosting an event.
        "hostOne": t("Host one"),
        "legendConfirmed": t("Confirmed event"),
        "legendDetailsToCome": t("Details to come"),
        # Translators: what a screen reader says of a marker on the map; {title} is the event's title,
        # {place} its city and country ("Madrid, Spain").
        "markerConfirmed": t("{title}, {place} (confirmed)", title=title, place=place),
        # Translators: what a screen reader says of a marker on the map; {title} is the event's title,
        # {place} its city and country ("Madrid, Spain").
        "markerDetailsToCome": t("{title}, {place} (details to come)", title=title, place=place),
        # Translators: what a screen reader says of the point of a "near" search; {place} is the place searched.
        "searchedPlace": t("Searched place: {place}", place=place),
        # Translators: a popup line before its two links, "Google Calendar" and ".ics file".
        "addToCalendar": t("Add to calendar:"),
        "googleCalendar": t("Google Calendar"),
        # Translators: a link to download the event as a calendar file (iCalendar), for any calendar app.
        "icsFile": t(".ics file"),
        # Translators: the titles of the map's + and - buttons.
        "zoomIn": t("Zoom in"),
        "zoomOut": t("Zoom out"),
    }


def language_tag(translator: Translator | None = None) -> str:
    """The map document's language as HTML writes it (``es``, ``pt-BR``), so screen readers speak it right."""
    return (translator or english()).language.replace("_", "-")


#: Leaflet.markercluster's options: no hull on hover, markers added in
#: chunks (thousands stay responsive), clusters up to 50 px, and at the
#: deepest zoom a cluster spreads out so each marker can be clicked.
CLUSTER_OPTIONS = MappingProxyType({
    "showCoverageOnHover": False,
    "chunkedLoading": True,
    "maxClusterRadius": 50,
    "spiderfyOnMaxZoom": True,
})


class EventClusterLayer(InlineScriptElement):
    """The events, clustered, with a legend and (when there are none) a "no events yet" note.

    ``rows`` are :func:`~speakout_map.maps.rows.event_row` lists (made with
    the same translator). ``guide_url`` is linked from the note when it is a
    same-site path or an http(s) URL. The script's own words are
    :func:`layer_labels` of ``translator`` (English without one).
    """

    script_file = "event_layer.js"
    function = "speakoutEventLayer"
    style_file = "map.css"

    def __init__(
        self,
        rows: Sequence[Sequence[Any]],
        *,
        guide_url: str = "",
        translator: Translator | None = None,
        focus: Focus | None = None,
        assets: str = asset_files.SELF,
        asset_base_url: str = asset_files.DEFAULT_BASE_URL,
    ) -> None:
        self.rows = [list(row) for row in rows]
        options = {
            "fields": list(DATA_FIELDS),
            "rows": self.rows,
            "guideUrl": safe_guide_link(guide_url),
            "labels": layer_labels(translator),
            "lang": language_tag(translator),
            "focus": focus.as_option() if focus is not None else None,
            "cluster": CLUSTER_OPTIONS,
        }
        super().__init__(options, asset_names=asset_files.CLUSTER_ASSETS, assets=assets,
                         asset_base_url=asset_base_url)

    def _get_self_bounds(self) -> list[list[float | None]]:
        bounds = events_bounds(self.rows)
        return bounds if bounds is not None else [[None, None], [None, None]]
