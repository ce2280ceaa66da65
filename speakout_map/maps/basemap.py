"""The offline basemap: Natural Earth's country outlines under the tiles, on a water-coloured map.

So the map is readable when no tile server is (or tiles are turned off).
The outlines (world-atlas's 1:110m TopoJSON, about 105 KB) are fetched by
URL from where the other assets come from (:mod:`speakout_map.maps.assets`)
and turned into shapes by topojson-client in the browser
(``static/basemap.js``), so the page itself stays small. Real tiles, once
loaded, cover them.

A page opened from a folder of files (the static export, whose asset
address is a :class:`~speakout_map.maps.assets.RelativeBaseUrl`) may be
opened from ``file://``, where browsers refuse ``fetch``. There the outlines
come from a script file next to the JSON (:data:`OUTLINES_SCRIPT`, made by
:func:`outlines_script`), loaded by a ``<script src>`` before the map: it
hands them to ``basemap.js`` in the global :data:`OUTLINES_GLOBAL`, which the
script uses when it is there and otherwise fetches the JSON as usual.
"""

from __future__ import annotations

import json

from speakout_map.maps import assets as asset_files
from speakout_map.maps.inline import InlineScriptElement

#: Its own pane under the tiles (Leaflet's tilePane is 200), and its colours.
BASEMAP_PANE = "speakoutBasemap"
BASEMAP_PANE_Z_INDEX = 150
BASEMAP_WATER_COLOUR = "#aad3df"
BASEMAP_LAND_COLOUR = "#f2efe9"
BASEMAP_BORDER_COLOUR = "#a89f95"
BASEMAP_BORDER_WEIGHT = 0.8
BASEMAP_ATTRIBUTION = '<a href="https://www.naturalearthdata.com/">Natural Earth</a>'
#: The outlines as a script, under the vendor folder (next to the JSON); written by the static export.
OUTLINES_SCRIPT = "world-atlas/countries-110m.js"
#: The name in ``default_js`` of its ``<script src>``.
OUTLINES_SCRIPT_NAME = "world_countries_script"
#: The global (a property of ``window``) that script sets to the outlines' topology.
OUTLINES_GLOBAL = "speakoutCountryOutlines"


def outlines_script(topojson_text: str) -> str:
    """The text of :data:`OUTLINES_SCRIPT`: the outlines (world-atlas's TopoJSON) handed to ``basemap.js``.

    The JSON is read and written again as plain ASCII JSON, so the file is
    a single assignment of data, whatever the bytes it was given; raises
    ValueError for text that is not a JSON object.
    """
    topology = json.loads(topojson_text)
    if not isinstance(topology, dict):
        raise ValueError("the country outlines must be a JSON object (a TopoJSON topology)")
    data = json.dumps(topology, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return f"window.{OUTLINES_GLOBAL} = {data};\n"


class OfflineBasemap(InlineScriptElement):
    """Natural Earth country outlines in a pane under the tiles, on a water-coloured map."""

    script_file = "basemap.js"
    function = "speakoutOfflineBasemap"

    def __init__(self, *, assets: str = asset_files.SELF, asset_base_url: str = asset_files.DEFAULT_BASE_URL) -> None:
        self.data_url = asset_files.asset_url(asset_files.BASEMAP_DATA, assets, asset_base_url)
        options = {
            "dataUrl": self.data_url,
            "pane": BASEMAP_PANE,
            "zIndex": int(BASEMAP_PANE_Z_INDEX),
            "style": [BASEMAP_WATER_COLOUR, BASEMAP_LAND_COLOUR, BASEMAP_BORDER_COLOUR, BASEMAP_BORDER_WEIGHT],
            "attribution": BASEMAP_ATTRIBUTION,
            "object": asset_files.COUNTRIES_OBJECT,
        }
        integrity = asset_files.integrity_of(self.data_url)
        if integrity is not None:  # cdn mode: the fetched outlines must be the pinned file
            options["integrity"] = integrity
        from_script = asset_files.is_relative(asset_base_url) and assets == asset_files.SELF
        if from_script:  # a folder of files, maybe opened from file://: the outlines come from a script
            options["dataGlobal"] = OUTLINES_GLOBAL
        super().__init__(options, asset_names=asset_files.BASEMAP_ASSETS, assets=assets,
                         asset_base_url=asset_base_url)
        if from_script:
            self.default_js.append((OUTLINES_SCRIPT_NAME, f"{asset_base_url.rstrip('/')}/{OUTLINES_SCRIPT}"))
