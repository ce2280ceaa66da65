"""SVG files: recognised by their first element, refused when they hold anything active or outside the file.

An SVG is a document a browser runs: scripts, event handlers (``onload``),
embedded HTML (``<foreignObject>``), links and references to other files
all work in it. A poster needs none of them. So:

* the site never shows an SVG inline: it is offered only as a download
  (``st.download_button``, served with ``Content-Disposition: attachment``),
  and its card shows an icon, not a picture (no well-kept renderer installs
  without system libraries, and a sanitiser's output would still be an SVG
  for the browser to run);
* and :func:`svg_problem` refuses, before anything is kept, an SVG with a
  script, an event handler, embedded HTML or frames, a reference outside
  the file (``href``, ``url(...)``, ``@import``, a stylesheet instruction:
  only ``#fragments`` and embedded ``data:image/png|jpeg|gif|webp`` are
  allowed), or a DOCTYPE that declares entities (entity expansion bombs,
  external entities). Parsing is expat's, which never fetches anything.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from speakout_map.languages.message import Message, msg

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
#: Elements that run code, embed HTML or frames.
_ACTIVE_ELEMENTS = {
    "script": msg("a script (<script>)"),
    "foreignobject": msg("embedded HTML (<foreignObject>)"),
    "handler": msg("an event handler (<handler>)"),
    "listener": msg("an event listener (<listener>)"),
    "iframe": msg("a frame (<iframe>)"),
    "embed": msg("an embedded object (<embed>)"),
    "object": msg("an embedded object (<object>)"),
}
#: Animation elements, which may change another attribute (a link into ``javascript:``, a handler).
_ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform", "animatecolor"})
#: References that stay inside the file: a fragment, or an embedded raster image.
_INTERNAL_REFERENCE = re.compile(r"^(?:#.*|data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*)$",
                                 re.DOTALL | re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.DOTALL | re.IGNORECASE)
_CSS_ACTIVE = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding", re.IGNORECASE)
_SCHEMES = re.compile(r"(?:java|vb)script:|data:text/html", re.IGNORECASE)
#: What may come before the first element: a byte order mark, the XML declaration, comments,
#: processing instructions, a DOCTYPE (with an internal subset, refused later).
_PROLOGUE = re.compile(
    r"^\ufeff?\s*(?:<\?xml\b.*?\?>\s*)?(?:(?:<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)\s*)*"
    r"<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]",
    re.DOTALL | re.IGNORECASE,
)
#: How much of a file :func:`looks_like_svg` reads (a long comment or DOCTYPE may come first).
_SNIFF_CHARS = 65_536
_SAVE_AGAIN = msg("save it again without it (or upload the poster as a PDF or PNG)")


def looks_like_svg(data: bytes) -> bool:
    """Whether ``data`` is text whose first element is ``<svg>`` (a quick look; :func:`svg_problem` parses)."""
    head = data[: _SNIFF_CHARS * 4]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut in two at the end
            return False
        text = head[: exc.start].decode("utf-8")
    return _PROLOGUE.match(text[:_SNIFF_CHARS]) is not None


class _Refused(Exception):
    def __init__(self, what: Message) -> None:
        self.what = what


def _local(name: str) -> str:
    """An expat name (``namespace local`` with namespaces on) to its lower-case local part."""
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1].lower()


def _shown(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 60 else value[:57] + "..."


def _check_css(text: str) -> None:
    if _CSS_ACTIVE.search(text):
        raise _Refused(msg("a style rule that runs or imports something ({rule})", rule=_shown(text)))
    for match in _CSS_URL.finditer(text):
        if not _INTERNAL_REFERENCE.match(match.group(2).strip()):
            raise _Refused(msg("a reference outside the file ({reference})", reference=_shown(match.group(2))))


def _check_attribute(element: str, name: str, value: str) -> None:
    local = _local(name)
    if local.startswith("on"):
        raise _Refused(msg("an event handler ({attribute})", attribute=local))
    compact = "".join(ch for ch in value if ch.isprintable() and not ch.isspace())
    if _SCHEMES.search(compact):
        raise _Refused(msg("a script link ({reference})", reference=_shown(value)))
    if local in ("href", "src") and not _INTERNAL_REFERENCE.match(value.strip()):
        raise _Refused(msg("a reference outside the file ({reference})", reference=_shown(value)))
    if element in _ANIMATIONS and local == "attributename" and (
            _local(value).startswith("on") or _local(value) in ("href", "src", "style")):
        raise _Refused(msg("an animation that changes {attribute}", attribute=_shown(value)))
    if local == "style" or "url(" in value.lower():
        _check_css(value)


class _Checker:
    def __init__(self) -> None:
        self.depth = 0
        self.root: str | None = None
        self.in_style = 0
        self.style_text: list[str] = []

    def doctype(self, name, system_id, public_id, has_internal_subset) -> None:
        if has_internal_subset:
            raise _Refused(msg("a DOCTYPE that declares entities"))

    def entity(self, *_args) -> None:
        raise _Refused(msg("a DOCTYPE that declares entities"))

    def instruction(self, target: str, _data: str) -> None:
        if target.lower() == "xml-stylesheet":
            raise _Refused(msg("a stylesheet from another file (<?xml-stylesheet?>)"))

    def start(self, name: str, attributes: dict[str, str]) -> None:
        element = _local(name)
        if self.root is None:
            self.root = name
        if element in _ACTIVE_ELEMENTS:
            raise _Refused(_ACTIVE_ELEMENTS[element])
        for attribute, value in attributes.items():
            _check_attribute(element, attribute, value)
        if element == "style":
            self.in_style += 1
        self.depth += 1

    def end(self, name: str) -> None:
        if _local(name) == "style":
            self.in_style -= 1
            _check_css("".join(self.style_text))
            self.style_text.clear()
        self.depth -= 1

    def text(self, data: str) -> None:
        if self.in_style:
            self.style_text.append(data)


def svg_problem(data: bytes) -> Message | None:
    """Why the SVG ``data`` may not be shared (a sentence saying what to do), or None when it may."""
    checker = _Checker()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = checker.doctype
    parser.EntityDeclHandler = checker.entity
    parser.ProcessingInstructionHandler = checker.instruction
    parser.StartElementHandler = checker.start
    parser.EndElementHandler = checker.end
    parser.CharacterDataHandler = checker.text
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        # Translators: {what} is what was found, e.g. "a script (<script>)"; {advice} what to do.
        return msg("this SVG image contains {what}, which shared files may not hold (it could run or fetch something "
                   "on the computers of those who open it); {advice}", what=refused.what, advice=_SAVE_AGAIN)
    except expat.ExpatError as exc:
        return msg("this SVG image is not well-formed XML ({reason}, line {line}); export it again from the drawing "
                   "program", reason=expat.ErrorString(exc.code), line=exc.lineno)
    if checker.root != f"{SVG_NAMESPACE} svg":
        return msg("this file looks like an SVG image, but its <svg> element lacks the SVG namespace "
                   "(xmlns=\"{namespace}\"); export it again from the drawing program", namespace=SVG_NAMESPACE)
    return None
