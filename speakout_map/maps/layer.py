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
buttons' titles, the popups' close button) is in the options too, as :func:`layer_labels` in the
visitor's language: the script has no text of its own.

"I'll be there" (:func:`going_options`, off unless the map asks for it): each
popup shows its event's count and a button that posts the event's UID and
this session's pass to the route (:mod:`speakout_map.web.going_route`), a
same-site path; its words are :func:`going_labels`, and the new count's
words come back from the route in the visitor's language.
"""

from __future__ import annotations

import re
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
        # Translators: a button under an event in the list below the map: zooms the map to it and opens its popup.
        "showOnMap": t("Show on the map"),
        # Translators: the titles of the map's + and - buttons.
        "zoomIn": t("Zoom in"),
        "zoomOut": t("Zoom out"),
        # Translators: a note on the map when its events could not be fetched from the server.
        "loadFailed": t("The events could not be loaded. Reload the page to try again."),
        # Translators: what a screen reader says of the x button that closes an event's popup on the map.
        "closePopup": t("Close the event's details"),
    }


def going_labels(translator: Translator | None = None) -> dict[str, str]:
    """The words of the popups' "I'll be there" part in the translator's language (English without one)."""
    t = translator or english()
    return {
        # Translators: the button in an event's popup and in the map page that counts the visitor as going.
        "button": t("I'll be there"),
        # Translators: the popup's button once the visitor said they will go (it can no longer be clicked).
        "mine": t("You're going"),
        "failed": t("Not counted: something went wrong on our side. Try again in a minute."),
        "tooOften": t("Not counted: too many clicks from here in a short time. Try again later."),
        "reload": t("Not counted: the map is out of date. Reload the page and try again."),
    }


#: A going pass as :func:`~speakout_map.supporters.going.going_pass` makes it (a token, a dot, hex digits).
_PASS = re.compile(r"[A-Za-z0-9_-]{1,200}\.[0-9a-f]{1,64}")


def same_site_path(url: str) -> bool:
    """Whether ``url`` is a path on this site (``/api/...``): not another host's (``//host``), no spaces or controls."""
    return url.startswith("/") and not url.startswith(("//", "/\\")) and not re.search(r"[\s\x00-\x1f\x7f]", url)


def going_options(url: str, going_pass: str, translator: Translator | None = None) -> dict[str, Any]:
    """The script's ``going`` option: where to send a click (a same-site path, else none), the pass, the words.

    Without a usable path or pass the popups still show the counts, with no button to click.
    """
    url, going_pass = url.strip(), going_pass.strip()
    return {
        "url": url if same_site_path(url) else "",
        "pass": going_pass if _PASS.fullmatch(going_pass) else "",
        "labels": going_labels(translator),
    }


def language_tag(translator: Translator | None = None) -> str:
    """The map document's language as HTML writes it (``es``, ``pt-BR``), so screen readers speak it right."""
    return (translator or english()).language.replace("_", "-")


#: Leaflet.markercluster's options: no hull on hover, markers added in
#: chunks of half a second with a short breath between them (10,000 events
#: are one chunk; tens of thousands keep the page responsive), clusters up to
#: 50 px, and at the deepest zoom a cluster spreads out so each marker can be clicked.
#: Spread out ("spiderfied"), events that share one place are 24 px pins that must not overlap (WCAG 2.5.8),
#: but with the plugin's default legs 9 or more events (laid out on its spiral) come 20-22 px apart, centre
#: to centre, so neighbours overlap. Legs half as long again keep them at least 30 px apart up to
#: 100 events at one place, and 24 px up to about 250 (tests/e2e/test_spider_browser.py measures them).
CLUSTER_OPTIONS = MappingProxyType({
    "showCoverageOnHover": False,
    "chunkedLoading": True,
    "chunkInterval": 500,
    "chunkDelay": 10,
    "maxClusterRadius": 50,
    "spiderfyOnMaxZoom": True,
    "spiderfyDistanceMultiplier": 1.5,
})


#: The id of the page's list element that the layer fills (letters, digits and dashes).
_ELEMENT_ID = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,63}")


class EventClusterLayer(InlineScriptElement):
    """The events, clustered, with a legend and (when there are none) a "no events yet" note.

    ``rows`` are :func:`~speakout_map.maps.rows.event_row` lists (made with
    the same translator). ``guide_url`` is linked from the note when it is a
    same-site path or an http(s) URL. The script's own words are
    :func:`layer_labels` of ``translator`` (English without one). ``going``
    (:func:`going_options`, None: off) shows each row's "I'll be there"
    count in its popup, with the button. ``rows_url`` (a same-site path, with
    no ``rows``) is where the script fetches the rows instead
    (:mod:`speakout_map.maps.data`): the full app's map, which then shows what
    each :class:`~speakout_map.maps.selection.Selection` says.
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
        going: dict[str, Any] | None = None,
        legend: bool = True,
        list_id: str = "",
        rows_url: str = "",
        assets: str = asset_files.SELF,
        asset_base_url: str = asset_files.DEFAULT_BASE_URL,
    ) -> None:
        self.rows = [list(row) for row in rows]
        options = {
            "fields": list(DATA_FIELDS),
            "rows": self.rows,
            "rowsUrl": rows_url if same_site_path(rows_url) else "",
            "guideUrl": safe_guide_link(guide_url),
            "labels": layer_labels(translator),
            "lang": language_tag(translator),
            "focus": focus.as_option() if focus is not None else None,
            "going": going,
            "cluster": CLUSTER_OPTIONS,
            "legend": bool(legend),
            "list": list_id if _ELEMENT_ID.fullmatch(list_id) else "",
        }
        super().__init__(options, asset_names=asset_files.CLUSTER_ASSETS, assets=assets,
                         asset_base_url=asset_base_url)

    def _get_self_bounds(self) -> list[list[float | None]]:
        bounds = events_bounds(self.rows)
        return bounds if bounds is not None else [[None, None], [None, None]]
