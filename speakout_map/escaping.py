"""Event text is hostile until escaped: the escaping for each place it is shown.

* :func:`escape_markdown` for text Streamlit renders as Markdown;
* :func:`script_json` (and :func:`script_object`, made of it) for data put
  inside an inline ``<script>`` of the map page;
* :func:`escape_html` for text and attribute values the server writes into
  HTML itself (the light embed's and the static export's frame around the
  map, the share page's ``<iframe>`` code). Event text on the map itself is
  never written as HTML: the browser sets it as text (``event_layer.js``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$&\"'=")

# Characters that must not appear literally inside an inline <script>:
# < > & (end of script, HTML comments, entities), quotes and backticks
# (other string syntaxes), $ { } (template literals and Jinja tags), the
# line/paragraph separators (line ends in older JavaScript), and ( ) _ :
# streamlit-folium edits the whole map script as text (it deletes
# "alert(coords);" and renames "drawnItems_draw_control_div_N", "map_<id>" and
# "_<element id>"), and every one of its edits needs "(", "_", "<" or "{".
_SCRIPT_UNSAFE = "<>&'`${}()_\u2028\u2029"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_markdown(text: str) -> str:
    """Backslash-escape every Markdown/HTML-significant character so text renders literally."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text.replace("\n", " "))


#: What stays as it is in a Markdown link's address; everything else (parentheses, angle brackets, spaces,
#: backslashes, quotes' neighbours) is percent-encoded, so nothing ends the link or the text around it.
_LINK_SAFE = ":/?#@!$&*+,;=%~-._"


def markdown_link(label: str, url: str) -> str:
    """A Markdown link showing ``label`` literally and going to ``url`` (already checked to be http(s))."""
    return f"[{escape_markdown(label)}]({quote(url, safe=_LINK_SAFE)})"


_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "`": "&#x60;",
                 "{": "&#123;", "}": "&#125;", "\u2028": "&#x2028;", "\u2029": "&#x2029;"}
_HTML_UNSAFE = re.compile("[&<>\"'`{}\u2028\u2029]")


def escape_html(text: str) -> str:
    """``text`` as HTML text or a quoted attribute's value that shows exactly it: markup, quotes and braces as
    character references (so no ``{{`` reaches a template either); a lone surrogate becomes U+FFFD."""
    text = _LONE_SURROGATE.sub("\ufffd", str(text))
    return _HTML_UNSAFE.sub(lambda m: _HTML_ESCAPES[m.group()], text)


def _unicode_escape(char: str) -> str:
    return f"\\u{ord(char):04x}"


def _reject_objects(value: Any) -> None:
    if isinstance(value, dict):
        raise TypeError("script_json takes lists, strings, numbers, booleans and None, not objects")
    if isinstance(value, (list, tuple)):
        for item in value:
            _reject_objects(item)


def script_json(value: Any) -> str:
    """JSON for inline ``<script>`` use, in which no character can end the script or run.

    Only arrays and scalars are accepted: braces are escaped everywhere, which is
    right inside strings and would break an object's own braces.
    """
    _reject_objects(value)
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char in _SCRIPT_UNSAFE:
        text = text.replace(char, _unicode_escape(char))
    return _LONE_SURROGATE.sub(lambda m: _unicode_escape(m.group()), text)


def script_object(members: Mapping[str, Any]) -> str:
    """A JSON object for inline ``<script>`` use: every key and value is :func:`script_json`.

    Values may be mappings themselves (written the same way). The only
    characters added around the escaped parts are ``{``, ``:``, ``,`` and
    ``}``; as each ``{`` is followed by a quote or ``}``, the text never holds
    ``{{``, ``{%`` or ``{#``.
    """
    parts = []
    for key, value in members.items():
        if not isinstance(key, str):
            raise TypeError(f"script_object takes string keys, not {key!r}")
        text = script_object(value) if isinstance(value, Mapping) else script_json(value)
        parts.append(f"{script_json(key)}:{text}")
    return "{" + ",".join(parts) + "}"
