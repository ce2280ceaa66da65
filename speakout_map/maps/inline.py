"""Our own browser code on the map page: the files of ``static/``, inlined as finished text.

The map is shown in an iframe (streamlit-folium's ``srcdoc``), so the page
carries its own code instead of linking to it. Each file in
``speakout_map/maps/static/`` is plain JavaScript or CSS, read once with
:mod:`importlib.resources`. A ``.js`` file defines one function that takes
the Leaflet map and one options object; the per-map part of the page is a
single generated line that calls it with the map and the options as
:func:`~speakout_map.escaping.script_object` JSON::

    var offline_basemap_1a2b = speakoutOfflineBasemap(map_3c4d, {"pane":"speakoutBasemap",...});

Branca renders every script it is given a *second* time as a Jinja
template, so ``{{ ... }}`` in event text handed to an ordinary element would
run Python on the server. :class:`InlineScriptElement` therefore adds its
style and script to the page as :class:`FinishedText`, never re-rendered.
Its ``_template`` only exists for streamlit-folium, which calls each
element's ``script`` macro itself; the macro returns the same finished text.

``integrity.js`` is the one file not called on a map: :func:`integrity_guard`
makes it, with the CDN files' pinned hashes, into a ``data:`` URL script that
loads before Leaflet in "cdn" mode (see :mod:`speakout_map.maps.links`).
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any, ClassVar

from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from speakout_map.escaping import script_object
from speakout_map.maps import assets as asset_files
from speakout_map.maps.links import add_links

#: The folder of this package that holds our own .js and .css files.
STATIC_PACKAGE = "speakout_map.maps"
STATIC_FOLDER = "static"
#: Every file there, each used by one element.
STATIC_FILES = ("event_layer.js", "basemap.js", "map.css", "integrity.js", "standalone.js", "standalone.css")
#: The script that pins the CDN files' hashes (see :mod:`speakout_map.maps.links`), by its name in default_js.
GUARD_NAME = "speakout_integrity"
GUARD_FILE = "integrity.js"
GUARD_FUNCTION = "speakoutRequireIntegrity"


@functools.cache
def static_text(name: str) -> str:
    """The text of one of :data:`STATIC_FILES` (read once per process)."""
    if name not in STATIC_FILES:
        raise ValueError(f"{name!r} is not one of the map's static files {STATIC_FILES}")
    return (resources.files(STATIC_PACKAGE) / STATIC_FOLDER / name).read_text(encoding="utf-8")


class FinishedText(Element):
    """Text that goes into the page as it is, never rendered again as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class InlineScriptElement(JSCSSMixin, MacroElement):
    """A map element drawn by a function of one of our .js files, called with one JSON options object.

    Subclasses name the file (:attr:`script_file`), the function it defines
    (:attr:`function`) and, optionally, a stylesheet (:attr:`style_file`).
    ``asset_names`` are the npm files (see :mod:`speakout_map.maps.assets`)
    the function needs, loaded before it.
    """

    script_file: ClassVar[str]
    function: ClassVar[str]
    style_file: ClassVar[str | None] = None

    _template = Template("{% macro script(this, kwargs) %}{{ this.script_text() }}{% endmacro %}")

    def __init__(
        self,
        options: Mapping[str, Any],
        *,
        asset_names: Sequence[str],
        assets: str = asset_files.SELF,
        asset_base_url: str = asset_files.DEFAULT_BASE_URL,
    ) -> None:
        super().__init__()
        self._name = type(self).__name__
        # Instance lists: folium's class-level CDN links are never used, nor changed.
        self.default_js = asset_files.asset_links(asset_names, "js", assets, asset_base_url)
        self.default_css = asset_files.asset_links(asset_names, "css", assets, asset_base_url)
        self.options_json = script_object(options)

    def script_text(self) -> str:
        """The function's file and the line that calls it on the parent map."""
        call = f"var {self.get_name()} = {self.function}({self._parent.get_name()}, {self.options_json});"
        return f"{static_text(self.script_file)}\n{call}\n"

    def render(self, **kwargs: Any) -> None:
        """Add the library links, the style and the script to the page, as finished text."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{type(self).__name__} must be on a map inside a Figure to render")
        add_links(figure, self.default_js, self.default_css)
        if self.style_file is not None:
            style = f"<style>\n{static_text(self.style_file)}</style>\n"
            figure.header.add_child(FinishedText(style), name=f"speakout_{self.style_file}")
        figure.script.add_child(FinishedText(self.script_text()), name=self.get_name())


def integrity_guard(mode: str) -> list[tuple[str, str]]:
    """``[(name, data: URL)]`` of the script that pins every CDN file's hash, in "cdn" mode; ``[]`` in "self" mode.

    It goes first in the map's ``default_js``, so streamlit-folium loads it before any other file.
    """
    if asset_files.check_mode(mode) != asset_files.CDN:
        return []
    hashes = {asset.url(asset_files.CDN): asset.integrity
              for asset in asset_files.ASSETS if asset.kind in ("js", "css")}
    code = f"{static_text(GUARD_FILE)}\n{GUARD_FUNCTION}({script_object(hashes)});\n"
    return [(GUARD_NAME, "data:text/javascript;base64," + base64.b64encode(code.encode("utf-8")).decode("ascii"))]
