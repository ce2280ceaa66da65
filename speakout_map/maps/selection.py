"""Which of the map's events to show, sent to a map that already has them all (the full app's map).

The app's map is made once per published version and language, its events
fetched from the map data document (:mod:`speakout_map.maps.data`). A filter
change does not make a new map: the page sends a :class:`Selection` (the
shown events by their index in the document, the view to fit, the searched
place, the "I'll be there" counts of the moment and this visitor's pass), and
the layer script shows just those (``speakoutSelectEvents`` in
``static/event_layer.js``). It reaches the map as the small script of a
``folium.FeatureGroup`` (:func:`selection_group`), which streamlit-folium
runs in the map's frame whenever it changes (``feature_group_to_add``),
without drawing the frame again.

The filtering itself stays in Python (:mod:`speakout_map.maps.filters`); the
browser only shows the indices it is given.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
from folium.template import Template

from speakout_map.escaping import script_object
from speakout_map.languages.translator import Translator, english
from speakout_map.maps.focus import Focus, union_bounds
from speakout_map.maps.rows import events_bounds, row_position
from speakout_map.places.place import PlacedEvent
from speakout_map.supporters.going import going_label

#: The script's function that shows a selection on a map (defined by ``static/event_layer.js``).
SELECT_FUNCTION = "speakoutSelectEvents"


@dataclass(frozen=True)
class Selection:
    """What the map shows: ``indices`` of the document's rows (None: all of them; the map draws them in any order).

    ``bounds`` (``[[south, west], [north, east]]`` or None) is the view to fit,
    with ``focus``'s circle in it; ``going`` is None when the counts cannot be
    shown, else ``(index, count, words, mine)`` of each shown event someone is
    going to (or this visitor is): the others show the document's "nobody yet".
    ``going_pass`` is this visitor's pass for the popups' button.
    """

    indices: tuple[int, ...] | None
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None
    focus: Focus | None = None
    going: tuple[tuple[int, int, str, bool], ...] | None = None
    going_pass: str = ""
    fit: Mapping[str, Any] = field(default_factory=dict)
    #: ``(index, request)``: open the popup of the document's row ``index`` (the list's "Show on the map");
    #: the map does it once per ``request`` number, so a later run with the same request leaves the map be.
    open: tuple[int, int] | None = None

    def as_option(self) -> dict[str, Any]:
        """The script's selection option (JSON-ready)."""
        return {
            "show": list(self.indices) if self.indices is not None else None,
            "bounds": [list(corner) for corner in self.bounds] if self.bounds is not None else None,
            "fit": dict(self.fit),
            "focus": self.focus.as_option() if self.focus is not None else None,
            "going": None if self.going is None else {
                "pass": self.going_pass,
                "counts": [[index, count, words, 1 if mine else 0] for index, count, words, mine in self.going],
            },
            "open": None if self.open is None else {"index": self.open[0], "request": self.open[1]},
        }


def points_bounds(shown: Sequence[PlacedEvent]) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around the events' points (as rounded in the rows), or None if none."""
    return events_bounds([row_position(p) for p in shown])


def select(
    shown: Sequence[PlacedEvent],
    index: Mapping[PlacedEvent, int],
    *,
    focus: Focus | None = None,
    uids: Mapping[PlacedEvent, str] | None = None,
    counts: Mapping[str, int] | None = None,
    mine: Collection[str] = (),
    going_pass: str = "",
    translator: Translator | None = None,
    fit: Mapping[str, Any] | None = None,
    open_event: PlacedEvent | None = None,
    open_request: int = 0,
) -> Selection:
    """The selection of ``shown`` (events of the version whose rows ``index`` numbers; others are left out).

    With ``counts`` (by UID; ``uids`` names the events) the popups show how many
    are going, in the translator's words; without, no counts and no button.
    ``fit`` is Leaflet's ``fitBounds`` options (``padding``, ``maxZoom``).
    ``open_event`` (one of ``shown``) has its popup opened, once per ``open_request``.
    """
    t = translator or english()
    drawn = [p for p in shown if p in index]
    indices = [index[p] for p in drawn]
    bounds = union_bounds(points_bounds(drawn), focus.bounds() if focus is not None else None)
    going = None
    if counts is not None:
        uids = uids or {}
        words: dict[int, str] = {}
        going = []
        for p, row in zip(drawn, indices):
            uid = uids.get(p, "")
            count = max(0, int(counts.get(uid, 0))) if uid else 0
            if count or (uid and uid in mine):
                if count not in words:
                    words[count] = t.text(going_label(count))
                going.append((row, count, words[count], bool(uid and uid in mine)))
    return Selection(
        indices=None if len(set(indices)) == len(index) else tuple(indices),
        bounds=tuple(tuple(corner) for corner in bounds) if bounds is not None else None,
        focus=focus,
        going=tuple(going) if going is not None else None,
        going_pass=going_pass,
        fit=dict(fit or {}),
        open=(index[open_event], open_request) if open_event is not None and open_event in drawn else None,
    )


class SelectionScript(folium.MacroElement):
    """One line of script that shows a :class:`Selection` on the map its group is on.

    streamlit-folium calls the ``script`` macro itself and runs its text once
    (no second template pass); the options are :func:`~speakout_map.escaping.script_object`
    JSON, in which nothing can end the script or be read as a template.
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.script_text() }}{% endmacro %}")

    def __init__(self, selection: Selection) -> None:
        super().__init__()
        self._name = "SpeakoutSelection"
        self.options_json = script_object(selection.as_option())

    def script_text(self) -> str:
        group = self._parent
        target = group._parent if group is not None and group._parent is not None else group
        return f"{SELECT_FUNCTION}({target.get_name()}, {self.options_json});\n"


def selection_group(selection: Selection) -> folium.FeatureGroup:
    """A feature group that carries the selection's script (streamlit-folium's ``feature_group_to_add``)."""
    group = folium.FeatureGroup(name="speakout-selection", control=False)
    SelectionScript(selection).add_to(group)
    return group
