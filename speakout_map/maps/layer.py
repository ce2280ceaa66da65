"""The events layer of the map: clustered markers, popups and tooltips that the browser makes from one data array.

Folium writes ``Popup``/``Tooltip`` text into the page raw (and inside
JavaScript template literals), so event text is never handed to Folium.
The layer puts the events' :func:`~speakout_map.maps.rows.event_rows` into
the page as one :func:`~speakout_map.escaping.script_json` array, and
``static/event_layer.js`` makes the markers from it with
``document.createElement`` and ``textContent``; ``static/map.css`` styles
them. Markers are CSS ``divIcon``s, so no marker images are fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from speakout_map.maps import assets as asset_files
from speakout_map.maps.inline import InlineScriptElement
from speakout_map.maps.rows import DATA_FIELDS, events_bounds, safe_guide_link

#: Marker colours, as ``static/map.css`` draws the pins and the legend.
CONFIRMED_COLOUR = "#1b7f3b"
DETAILS_TO_COME_COLOUR = "#c2410c"
LEGEND_CONFIRMED = "Confirmed event"
LEGEND_DETAILS_TO_COME = "Details to come"

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

    ``rows`` are :func:`~speakout_map.maps.rows.event_row` lists.
    ``guide_url`` is linked from the note when it is a same-site path or
    an http(s) URL.
    """

    script_file = "event_layer.js"
    function = "speakoutEventLayer"
    style_file = "map.css"

    def __init__(
        self,
        rows: Sequence[Sequence[Any]],
        *,
        guide_url: str = "",
        assets: str = asset_files.SELF,
        asset_base_url: str = asset_files.DEFAULT_BASE_URL,
    ) -> None:
        self.rows = [list(row) for row in rows]
        options = {
            "fields": list(DATA_FIELDS),
            "rows": self.rows,
            "guideUrl": safe_guide_link(guide_url),
            "legend": {"confirmed": LEGEND_CONFIRMED, "detailsToCome": LEGEND_DETAILS_TO_COME},
            "cluster": CLUSTER_OPTIONS,
        }
        super().__init__(options, asset_names=asset_files.CLUSTER_ASSETS, assets=assets,
                         asset_base_url=asset_base_url)

    def _get_self_bounds(self) -> list[list[float | None]]:
        bounds = events_bounds(self.rows)
        return bounds if bounds is not None else [[None, None], [None, None]]
