"""The anti-spam check of a public form: the ALTCHA widget solving a challenge the page gives.

``proof_of_work(challenge, key=..., texts=...)`` renders the widget (an ``st.components.v2``
component whose JavaScript and CSS are the real files ``static/challenge.js`` and
``static/challenge.css``). The challenge comes from :func:`speakout_map.supporters.challenge.new_challenge`
as data (no challenge URL): the browser solves it in web workers, with no request to anyone, and the
solved payload goes back to this visitor's session as the component's state. The page checks it with
:func:`~speakout_map.supporters.challenge.verify_solution` when the form is sent.

The widget's script is the app's own copy of the npm package ``altcha`` (``static/vendor/altcha/``,
copied by ``make install``; :data:`speakout_map.maps.assets.CHALLENGE_ASSET`), never a CDN's. It has
no words of its own here: every text it shows comes from the page, translated (:data:`TEXT_KEYS`),
and its logo and "Protected by ALTCHA" footer are hidden.

A payload is returned only for the challenge the page passes now: after the page makes a new one
(the old one was used, or is about to expire: ``needs_renewal``), the widget starts again and the
answer is None until it is solved.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from speakout_map.maps.assets import CHALLENGE_ASSET, DEFAULT_BASE_URL, SELF, asset_url
from speakout_map.supporters.challenge import MAX_PAYLOAD_CHARS

STATIC = Path(__file__).resolve().parent / "static"
SCRIPT_FILE = STATIC / "challenge.js"
STYLE_FILE = STATIC / "challenge.css"

#: The component's name in Streamlit's registry (one per app).
COMPONENT_NAME = "speakout_proof_of_work"
#: The component's state key, under which the script hands back ``{"payload", "signature"}``.
STATE_KEY = "solved"

#: The texts the widget shows: its label before, while and after solving, its two failure lines,
#: and the page's own lines for a browser that cannot run it (``insecure``: a plain-HTTP page, where
#: browsers give no WebCrypto) or for a widget script that did not load (``unavailable``).
TEXT_KEYS: tuple[str, ...] = ("label", "verifying", "verified", "error", "expired", "insecure", "unavailable")


def script_url(base_url: str = DEFAULT_BASE_URL) -> str:
    """Where browsers load the widget from: this app's vendor folder (``settings.asset_base_url``)."""
    return asset_url(CHALLENGE_ASSET, SELF, base_url)


def component_data(challenge: Mapping, texts: Mapping[str, str], *, widget_url: str, auto: bool) -> dict:
    """What the script gets: the challenge, its texts (exactly ``TEXT_KEYS``), the widget's address, the start.

    Raises ValueError when the challenge is not one of ``new_challenge``'s or a text is missing or not a
    string (mistakes in the page, not the visitor's).
    """
    parameters = challenge.get("parameters") if isinstance(challenge, Mapping) else None
    signature = challenge.get("signature") if isinstance(challenge, Mapping) else None
    if not isinstance(parameters, Mapping) or not isinstance(signature, str) or not signature:
        raise ValueError("proof_of_work needs a signed challenge made by supporters.challenge.new_challenge")
    missing = [name for name in TEXT_KEYS if name not in texts]
    if missing:
        raise ValueError(f"proof_of_work needs the texts {', '.join(missing)}; "
                         f"pass every one of {', '.join(TEXT_KEYS)}")
    if not all(isinstance(texts[name], str) for name in TEXT_KEYS):
        raise ValueError("proof_of_work's texts are strings (translated by the page)")
    if not isinstance(widget_url, str) or not widget_url:
        raise ValueError("proof_of_work needs the widget script's address")
    return {
        "challenge": {"parameters": dict(parameters), "signature": signature},
        "texts": {name: texts[name] for name in TEXT_KEYS},
        "script_url": widget_url,
        "auto": bool(auto),
    }


def payload_from_state(state: object, challenge: Mapping) -> str | None:
    """The solved payload in the component's state if it answers ``challenge``, else None.

    The state comes from the visitor's browser, so anything is possible; what is not a payload for
    this very challenge counts as none (the page's check decides whether it is a right one).
    """
    if not isinstance(state, Mapping) or not isinstance(challenge, Mapping):
        return None
    payload = state.get("payload")
    signature = challenge.get("signature")
    if not isinstance(signature, str) or state.get("signature") != signature:
        return None
    if not isinstance(payload, str) or not 0 < len(payload) <= MAX_PAYLOAD_CHARS:
        return None
    return payload


def _static_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# Not isolated: the widget is a custom element that puts its styles in the document's head and finds
# its checkbox with document.getElementById, neither of which reaches into a shadow root.
_challenge_component = st.components.v2.component(
    COMPONENT_NAME, js=_static_text(SCRIPT_FILE), css=_static_text(STYLE_FILE), isolate_styles=False
)


def _answered() -> None:
    """The state's callback: none needed (the rerun that follows the answer is enough)."""


def proof_of_work(challenge: Mapping, *, key: str, texts: Mapping[str, str], widget_url: str | None = None,
                  auto: bool = True) -> str | None:
    """The widget for ``challenge``. Returns its solved payload, or None until it is solved.

    ``texts`` (keys ``TEXT_KEYS``) are translated by the page; ``key`` names the widget in the session.
    ``widget_url`` is :func:`script_url` of the app's ``asset_base_url`` (the default vendor folder when
    None). With ``auto`` the browser starts solving as soon as the widget shows; without, when the
    visitor ticks it.
    """
    data = component_data(challenge, texts, widget_url=widget_url or script_url(), auto=auto)
    result = _challenge_component(key=key, data=data, width="stretch", on_solved_change=_answered)
    return payload_from_state(result.get(STATE_KEY), challenge)
