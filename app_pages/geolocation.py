"""The visitor's position from their browser, for "Near me": a button that asks the Geolocation API.

``locate_me(label, key=..., texts=...)`` renders a button (an ``st.components.v2`` component whose
JavaScript and CSS are the real files ``static/geolocation.js`` and ``static/geolocation.css``). A click
asks ``navigator.geolocation.getCurrentPosition`` once, at low accuracy; the answer goes back to this
visitor's session only, as the component's state, so it outlives reruns of the page until the next
click. Nothing is sent anywhere else, and the position is never logged (``Position``'s repr leaves the
coordinates out).

A refusal, a browser that cannot tell, a time-out, or a page that may not ask at all (plain HTTP, no
API, an iframe without ``allow="geolocation"``) are calm outcomes, not errors: the page offers the
town box instead. The script has no words of its own: the page passes every text, translated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import streamlit as st

STATIC = Path(__file__).resolve().parent / "static"
SCRIPT_FILE = STATIC / "geolocation.js"
STYLE_FILE = STATIC / "geolocation.css"

#: The component's name in Streamlit's registry (one per app).
COMPONENT_NAME = "speakout_locate_me"
#: The component's state key, under which the script hands back its answer.
STATE_KEY = "answer"

#: How long the browser may take to find the position, once the visitor has allowed it.
TIMEOUT_MS = 10_000
#: A position the browser found this long ago is good enough (low accuracy is all "near me" needs).
MAXIMUM_AGE_MS = 5 * 60_000
#: How long after a click the button gives up waiting, the browser's own question included.
WATCHDOG_MS = 30_000


class Outcome(StrEnum):
    """How a request for the position ended."""

    LOCATED = "located"
    #: The visitor (or the browser's settings) said no.
    DENIED = "denied"
    #: The browser could not tell where it is.
    UNAVAILABLE = "unavailable"
    #: No answer in time.
    TIMEOUT = "timeout"
    #: This page may not ask: not a secure context (HTTP), no Geolocation API, or an embedding
    #: iframe that does not allow geolocation.
    INSECURE = "insecure"


#: The texts ``locate_me`` needs besides its label: the status line while asking, and one per outcome
#: (an empty text shows no status line).
TEXT_KEYS: tuple[str, ...] = ("locating", *(outcome.value for outcome in Outcome))


@dataclass(frozen=True)
class Position:
    """The browser's answer: a position (``outcome`` LOCATED) or why there is none (the numbers are None).

    The coordinates are left out of the repr, so that a stray log line does not record where a visitor is.
    """

    outcome: Outcome
    latitude: float | None = field(default=None, repr=False)
    longitude: float | None = field(default=None, repr=False)
    #: The radius of the browser's uncertainty, in metres, when it said.
    accuracy_m: float | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", Outcome(self.outcome))
        numbers = (self.latitude, self.longitude, self.accuracy_m)
        if self.outcome is not Outcome.LOCATED:
            if any(number is not None for number in numbers):
                raise ValueError(f"a position whose outcome is {self.outcome.value!r} has no coordinates")
            return
        if not (_is_number(self.latitude) and -90 <= self.latitude <= 90):
            raise ValueError("a located position needs a latitude from -90 to 90")
        if not (_is_number(self.longitude) and -180 <= self.longitude <= 180):
            raise ValueError("a located position needs a longitude from -180 to 180")
        if self.accuracy_m is not None and not (_is_number(self.accuracy_m) and self.accuracy_m >= 0):
            raise ValueError("a position's accuracy is a distance in metres, zero or more, or None")

    @property
    def located(self) -> bool:
        return self.outcome is Outcome.LOCATED


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def position_from_state(state: object) -> Position | None:
    """The ``Position`` in the component's state as the browser sent it, or None (no click yet, or nonsense).

    The state comes from the visitor's own browser, so anything is possible; what is not a well-formed
    answer counts as no answer.
    """
    if not isinstance(state, Mapping):
        return None
    try:
        outcome = Outcome(state.get("outcome"))
    except ValueError:
        return None
    if outcome is not Outcome.LOCATED:
        return Position(outcome)
    accuracy = state.get("accuracy_m")
    try:
        return Position(
            outcome,
            latitude=float(state["latitude"]) if _is_number(state.get("latitude")) else None,
            longitude=float(state["longitude"]) if _is_number(state.get("longitude")) else None,
            accuracy_m=float(accuracy) if _is_number(accuracy) and accuracy >= 0 else None,
        )
    except ValueError:
        return None


def component_data(label: str, texts: Mapping[str, str]) -> dict:
    """What the script gets: its label, its texts (exactly ``TEXT_KEYS``) and the request's options.

    Raises ValueError when a text is missing or is not a string (a mistake in the page, not the visitor's).
    """
    missing = [name for name in TEXT_KEYS if name not in texts]
    if missing:
        raise ValueError(f"locate_me needs the texts {', '.join(missing)}; pass every one of {', '.join(TEXT_KEYS)}")
    if not isinstance(label, str) or not all(isinstance(texts[name], str) for name in TEXT_KEYS):
        raise ValueError("locate_me's label and texts are strings (translated by the page)")
    return {
        "label": label,
        "texts": {name: texts[name] for name in TEXT_KEYS},
        "options": {"timeout_ms": TIMEOUT_MS, "maximum_age_ms": MAXIMUM_AGE_MS, "watchdog_ms": WATCHDOG_MS},
    }


def _static_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


_locate_component = st.components.v2.component(
    COMPONENT_NAME, js=_static_text(SCRIPT_FILE), css=_static_text(STYLE_FILE), isolate_styles=True
)


def _answered() -> None:
    """The state's callback: none needed (the rerun that follows the answer is enough)."""


def locate_me(label: str, *, key: str, texts: Mapping[str, str]) -> Position | None:
    """The "Near me" button. Returns the last answer of this visitor's browser, or None before the first click.

    ``label`` is the button's text and ``texts`` (keys ``TEXT_KEYS``) the status lines, all translated by
    the page. ``key`` names this button in the session; the answer stays there across reruns.
    """
    result = _locate_component(
        key=key, data=component_data(label, texts), width="content", on_answer_change=_answered
    )
    return position_from_state(result.get(STATE_KEY))
