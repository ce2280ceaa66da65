"""The map on a page of its own: the light embed's page (``/embed``) and the static export's ``index.html``.

It is the app's map (:func:`~speakout_map.maps.build.build_map`: the same
layer, script, escaping and browser files), as a whole HTML document that
needs no Streamlit in the browser, with a slim bar under it (the campaign's
name, how many events, "Open the full map" and other links) and, with
``list=1``, the accessible list of the events, which the layer's own script
fills from the same data rows as the popups. How it is shown comes from a
:class:`~speakout_map.maps.display.Display`.

The bar and the list's heading are the only HTML written here; every piece
of text in them goes through :func:`~speakout_map.escaping.escape_html`, and
each link is checked (:func:`~speakout_map.maps.rows.safe_guide_link`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium

from speakout_map.escaping import escape_html
from speakout_map.languages.translator import Translator, english
from speakout_map.maps.build import WORLD_CENTER, WORLD_ZOOM, build_map, map_html
from speakout_map.maps.display import DEFAULT_HEIGHT, Display, view_of
from speakout_map.maps.focus import Focus
from speakout_map.maps.inline import InlineScriptElement, FinishedText
from speakout_map.maps.rows import GoingOf, events_bounds, event_rows, safe_guide_link
from speakout_map.places.place import PlacedEvent

#: The id of the list's ``<ol>`` that the events layer fills.
LIST_ID = "speakout-list"


@dataclass(frozen=True)
class PageLink:
    """A link of the bar: its words (already in the reader's language) and where it goes."""

    label: str
    href: str
    #: Opens in a new tab (out of the frame), as the full map does.
    new_tab: bool = True


class StandaloneFrame(InlineScriptElement):
    """The page around the map: its stylesheet, the display options' script, the title, the bar and the list."""

    script_file = "standalone.js"
    function = "speakoutStandalone"
    style_file = "standalone.css"

    def __init__(self, *, display: Display, title: str, bar: str, list_heading: str,
                 fit: Mapping[str, Any] | None = None) -> None:
        super().__init__({"scroll": display.scroll, "fit": fit}, asset_names=())
        self.display = display
        self.title = title
        self.bar = bar
        self.list_heading = list_heading

    def page_style(self) -> str:
        """The page's one generated rule: the map's own height (made of whole numbers only)."""
        if self.display.list:
            height = self.display.height or DEFAULT_HEIGHT
            return (f"html, body {{ height: auto; }} body {{ display: block; }} "
                    f"body > .folium-map {{ height: {int(height)}px !important; }}")
        if self.display.height is not None:
            return f"body > .folium-map {{ flex: none; height: {int(self.display.height)}px !important; }}"
        return ""

    def render(self, **kwargs: Any) -> None:
        super().render(**kwargs)
        figure = self.get_root()
        head = (f"<title>{escape_html(self.title)}</title>\n"
                '<meta name="robots" content="noindex">\n'
                f"<style>\n{self.page_style()}\n</style>\n")
        figure.header.add_child(FinishedText(head), name="speakout_standalone_head")
        body = self.bar
        if self.display.list:
            body += (f'<section class="speakout-list" aria-labelledby="{LIST_ID}-heading">'
                     f'<h2 id="{LIST_ID}-heading">{escape_html(self.list_heading)}</h2>'
                     f'<ol id="{LIST_ID}"></ol></section>\n')
        figure.html.add_child(FinishedText(body), name="speakout_standalone_body")


def bar_html(title: str, count_text: str, links: Sequence[PageLink]) -> str:
    """The bar under the map: the title, the count and the links (each kept only if it is a safe address)."""
    items = []
    for link in links:
        href = safe_guide_link(link.href) if not link.href.startswith(("./", "../")) else link.href
        if not href or any(ch in href for ch in "\"'<>` \t\r\n"):
            continue
        target = ' target="_blank" rel="noopener"' if link.new_tab else ""
        items.append(f'<a href="{escape_html(href)}"{target}>{escape_html(link.label)}</a>')
    return ('<nav class="speakout-bar">'
            f'<span class="speakout-bar-title">{escape_html(title)}</span>'
            f'<span class="speakout-bar-count">{escape_html(count_text)}</span>'
            f'<span class="speakout-bar-links">{"".join(items)}</span></nav>\n')


def _events_center(shown: Sequence[PlacedEvent]) -> tuple[float, float] | None:
    bounds = events_bounds(event_rows(shown))
    if bounds is None:
        return None
    (south, west), (north, east) = bounds
    return (south + north) / 2, (west + east) / 2


def standalone_map(
    shown: Sequence[PlacedEvent],
    *,
    display: Display,
    title: str,
    links: Sequence[PageLink] = (),
    translator: Translator | None = None,
    guide_url: str = "",
    focus: Focus | None = None,
    going: GoingOf | None = None,
    map_settings: Mapping[str, Any] | None = None,
) -> folium.Map:
    """The map of ``shown`` on a page of its own (see the module's docstring), as a Folium map to render.

    ``title`` is the page's title and the bar's name (the campaign's);
    ``links`` the bar's links (the full map, the data). ``guide_url`` is
    linked from the "no events yet" note ("" for none). ``going`` shows
    each event's "I'll be there" count, without the button (no session
    here to count a click by). ``map_settings`` are
    :func:`~speakout_map.maps.build.map_options`'s (tiles, assets, basemap).
    """
    t = translator or english()
    view = view_of(display, _events_center(shown) if display.zoom is not None and display.center is None else None,
                   (WORLD_CENTER, WORLD_ZOOM))
    going_args = {"going": going, "going_url": "", "going_pass": ""} if going is not None else {}
    m = build_map(shown, translator=t, guide_url=guide_url, focus=focus, legend=display.legend, view=view,
                  list_id=LIST_ID if display.list else "", **going_args, **dict(map_settings or {}))
    # Translators: under the light embed's map: how many events it shows.
    count_text = t.plural("{count:,} event", "{count:,} events", len(shown))
    # Translators: the heading of the list of events under the light embed's map.
    heading = t("Events on this map")
    StandaloneFrame(display=display, title=title, bar=bar_html(title, count_text, links),
                    list_heading=heading, fit=_fitted_view(m)).add_to(m)
    return m


def _fitted_view(m: folium.Map) -> dict[str, Any] | None:
    """The bounds the map fits its view to (and how), for fitting again once a frame that had no size gets one."""
    fits = [child for child in m._children.values() if isinstance(child, folium.map.FitBounds)]
    if not fits:
        return None
    options = fits[-1].options
    return {"bounds": [[float(v) for v in corner] for corner in fits[-1].bounds],
            "maxZoom": options.get("maxZoom"), "padding": list(options.get("padding") or (0, 0))}


def standalone_html(shown: Sequence[PlacedEvent], **options: Any) -> str:
    """:func:`standalone_map` rendered: the whole HTML document."""
    return map_html(standalone_map(shown, **options))
