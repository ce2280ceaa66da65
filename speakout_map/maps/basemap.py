"""The offline basemap: Natural Earth's country outlines under the tiles, on a water-coloured map.

So the map is readable when no tile server is (or tiles are turned off).
The outlines (world-atlas's 1:110m TopoJSON, about 105 KB) are fetched by
URL from where the other assets come from (:mod:`speakout_map.maps.assets`)
and turned into shapes by topojson-client in the browser
(``static/basemap.js``), so the page itself stays small. Real tiles, once
loaded, cover them.
"""

from __future__ import annotations

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
        super().__init__(options, asset_names=asset_files.BASEMAP_ASSETS, assets=assets,
                         asset_base_url=asset_base_url)
