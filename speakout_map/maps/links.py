"""The tags that load the map's scripts and stylesheets, with Subresource Integrity in "cdn" mode.

A file from the CDN must be the file we pinned (its ``integrity`` in
:mod:`speakout_map.maps.assets`), or a compromised CDN runs its code on
supporters' screens. The map's files reach the browser by two roads:

* the standalone page (:func:`~speakout_map.maps.build.map_html`): the head's
  ``<script src>`` and ``<link rel="stylesheet">`` tags, written by
  :func:`add_links` with ``integrity="sha384-..." crossorigin="anonymous"``;
* streamlit-folium, which drops those tags and adds each file of the
  elements' ``default_js``/``default_css`` itself, without integrity. So in
  "cdn" mode the map's first script  is
  ``static/integrity.js`` as a ``data:`` URL: it gives each script and
  stylesheet added after it the pinned hash of its address before it is fetched
  (:func:`~speakout_map.maps.inline.integrity_guard` makes it).

In "self" mode the app serves its own copies: the tags are as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from branca.element import CssLink, Figure, JavascriptLink
from jinja2 import Template

from speakout_map.maps import assets as asset_files

_INTEGRITY_ATTRIBUTES = (
    '{% if this.integrity %} integrity="{{ this.integrity }}" crossorigin="anonymous"{% endif %}'
)


class ScriptLink(JavascriptLink):
    """``<script src>``, with ``integrity`` and ``crossorigin`` when the address is a pinned CDN file."""

    _template = Template('<script src="{{ this.url }}"' + _INTEGRITY_ATTRIBUTES + "></script>")

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.integrity = asset_files.integrity_of(url)


class StyleLink(CssLink):
    """``<link rel="stylesheet">``, with ``integrity`` and ``crossorigin`` when the address is a pinned CDN file.

    It starts like branca's own tag, which streamlit-folium knows to take out of the head.
    """

    _template = Template('<link rel="stylesheet" href="{{ this.url }}"' + _INTEGRITY_ATTRIBUTES + "/>")

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.integrity = asset_files.integrity_of(url)


def add_links(figure: Figure, js: Sequence[tuple[str, str]], css: Sequence[tuple[str, str]]) -> None:
    """Put the ``(name, url)`` scripts and stylesheets in the page's head (a link of the same name is replaced)."""
    for name, url in js:
        figure.header.add_child(ScriptLink(url), name=name)
    for name, url in css:
        figure.header.add_child(StyleLink(url), name=name)
