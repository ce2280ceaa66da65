"""Event text is hostile until escaped: the escaping for each place it is shown."""

from __future__ import annotations

_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$&\"'=")


def escape_markdown(text: str) -> str:
    """Backslash-escape every Markdown/HTML-significant character so text renders literally."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text.replace("\n", " "))
