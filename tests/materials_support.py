"""Shared by the materials' tests: real small files made on the spot (PNG, JPEG, PDF, SVG), and hostile SVGs."""

from __future__ import annotations

import io
import time

from PIL import Image

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
XLINK_NS = 'xmlns:xlink="http://www.w3.org/1999/xlink"'


def png_bytes(size: tuple[int, int] = (60, 40), color="red", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (60, 40), color="blue", exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(out, "JPEG", **kwargs)
    return out.getvalue()


def pdf_bytes(*colors: str, size: tuple[int, int] = (200, 280)) -> bytes:
    """A real PDF (made by Pillow) with one page per colour (red by default)."""
    pages = [Image.new("RGB", size, color) for color in (colors or ("red",))]
    out = io.BytesIO()
    moment = time.gmtime(1_378_209_600)  # 2013-09-03 12:00 UTC: the same bytes every time
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], creationDate=moment, modDate=moment)
    return out.getvalue()


def svg_bytes(body: str = '<rect width="10" height="10" fill="#d6336c"/>', *, attributes: str = "",
              prologue: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> bytes:
    return f'{prologue}<svg {SVG_NS} {XLINK_NS} width="10" height="10"{attributes}>{body}</svg>'.encode()


#: One file of each accepted kind, with a name that agrees.
GOOD_FILES = {
    "png": ("poster.png", png_bytes),
    "jpeg": ("poster.jpg", jpeg_bytes),
    "pdf": ("poster.pdf", pdf_bytes),
    "svg": ("poster.svg", svg_bytes),
}

#: SVGs that must never be shared: (what the refusal names, the file).
HOSTILE_SVGS = {
    "script": ("a script (<script>)", svg_bytes("<script>alert(1)</script>")),
    "script in CDATA": ("a script (<script>)", svg_bytes("<script><![CDATA[alert(document.domain)]]></script>")),
    "upper-case script": ("a script (<script>)", svg_bytes("<SCRIPT>alert(1)</SCRIPT>")),
    "prefixed script": ("a script (<script>)",
                        svg_bytes('<s:script xmlns:s="http://www.w3.org/2000/svg">alert(1)</s:script>')),
    "onload": ("an event handler (onload)", svg_bytes("", attributes=' onload="alert(1)"')),
    "upper-case onclick": ("an event handler (onclick)", svg_bytes('<rect ONCLICK="alert(1)" width="1"/>')),
    "onmouseover deep": ("an event handler (onmouseover)",
                         svg_bytes('<g><g><text onmouseover="alert(1)">hi</text></g></g>')),
    "foreignObject": ("embedded HTML (<foreignObject>)",
                      svg_bytes('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>')),
    "iframe": ("a frame (<iframe>)", svg_bytes('<iframe src="https://example.org"/>')),
    "javascript link": ("a script link", svg_bytes('<a href="javascript:alert(1)"><text>x</text></a>')),
    "javascript link with spaces": ("a script link",
                                    svg_bytes('<a href=" jav&#x09;ascript:alert(1)"><text>x</text></a>')),
    "external link": ("a reference outside the file", svg_bytes('<a href="https://example.org/"><text>x</text></a>')),
    "external image": ("a reference outside the file",
                       svg_bytes('<image xlink:href="https://tracker.example.org/p.png" width="1" height="1"/>')),
    "local file": ("a reference outside the file",
                   svg_bytes('<image href="file:///etc/passwd" width="1" height="1"/>')),
    "relative file": ("a reference outside the file", svg_bytes('<use href="other.svg#logo"/>')),
    "html data": ("a script link", svg_bytes('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>')),
    "style url": ("a reference outside the file",
                  svg_bytes('<rect style="fill: url(https://example.org/x.svg#p)" width="1" height="1"/>')),
    "fill url": ("a reference outside the file", svg_bytes('<rect fill="url(\'http://example.org/#g\')" width="1"/>')),
    "style import": ("a style rule that runs or imports something",
                     svg_bytes("<style>@import url(https://example.org/a.css);</style>")),
    "style url element": ("a reference outside the file",
                          svg_bytes("<style>rect { fill: url(//example.org/x.svg#p) }</style>")),
    "stylesheet instruction": ("a stylesheet from another file", svg_bytes(
        prologue='<?xml version="1.0"?>\n<?xml-stylesheet href="https://example.org/a.css"?>\n')),
    "entities": ("a DOCTYPE that declares entities", svg_bytes(
        "<text>&lol3;</text>",
        prologue='<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
                 '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>\n')),
    "external entity": ("a DOCTYPE that declares entities", svg_bytes(
        "<text>&xxe;</text>", prologue='<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')),
    "animated link": ("an animation that changes href",
                      svg_bytes('<a href="#x"><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>')),
    "animated handler": ("an animation that changes onclick",
                         svg_bytes('<rect width="1"><set attributeName="onclick" to="alert(1)"/></rect>')),
}
