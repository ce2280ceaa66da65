"""SVG files: recognised by their first element; refused when they hold anything active or outside the file (svg.py)."""

from __future__ import annotations

import time

import pytest

from speakout_map.materials.svg import looks_like_svg, svg_problem
from tests.materials_support import HOSTILE_SVGS, SVG_NS, png_bytes, svg_bytes


@pytest.mark.parametrize("data", [
    svg_bytes(),
    svg_bytes(prologue=""),
    svg_bytes(prologue="\ufeff\n  "),
    svg_bytes(prologue="<!-- made by hand -->\n<!-- twice -->"),
    svg_bytes(prologue='<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                       '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'),
    f'<svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>'.encode(),
    b"<SVG>",  # a quick look only: the parse decides
    svg_bytes(prologue="<!--" + "x" * 20_000 + "-->"),
], ids=["declaration", "bare", "bom", "comments", "doctype", "prefixed", "upper-case", "long comment"])
def test_an_svg_is_recognised_by_its_first_element(data):
    assert looks_like_svg(data)


@pytest.mark.parametrize("data", [
    b"", b"svg", b"hello <svg>", png_bytes(), b"%PDF-1.7",
    b"<html><body><svg></svg></body></html>",
    b'<?xml version="1.0"?><svgx/>',
    b"<svgfoo xmlns='http://www.w3.org/2000/svg'/>",
    b"\xff\xfe<\x00s\x00v\x00g\x00",  # UTF-16: not accepted
    b"<svg" + b"\xff" * 10 + b">",
], ids=["empty", "word", "text first", "png", "pdf", "html", "other element", "longer name", "utf-16", "not utf-8"])
def test_anything_else_is_not_an_svg(data):
    assert not looks_like_svg(data)


@pytest.mark.parametrize("data", [
    svg_bytes(),
    svg_bytes('<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>'
              '<rect fill="url(#g)" style="stroke: url(\'#g\')" width="5" height="5"/>'),
    svg_bytes('<defs><path id="p" d="M0 0h5"/></defs><use href="#p"/><use xlink:href="#p"/>'),
    svg_bytes('<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>'),
    svg_bytes("<style>rect { fill: #d6336c; } .only { stroke: url(#g) }</style><text>Love Always Wins</text>"),
    svg_bytes("<text>Speak Out &amp; &lt;stand&gt; with «everyone» 🌍 onload=</text>"),
    svg_bytes(prologue='<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                       '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'),
    svg_bytes('<a href="#top"><text>top</text></a><animate attributeName="opacity" from="0" to="1"/>'),
    svg_bytes(attributes=' data-online="1" onion="no"'.replace("onion", "data-onion")),
], ids=["plain", "gradient", "use", "embedded png", "style", "text", "illustrator doctype", "animation", "data attr"])
def test_a_plain_drawing_is_accepted(data):
    assert svg_problem(data) is None


@pytest.mark.parametrize("name", sorted(HOSTILE_SVGS))
def test_active_content_and_outside_references_are_refused_by_name(name):
    what, data = HOSTILE_SVGS[name]
    problem = svg_problem(data)
    assert problem is not None
    text = str(problem)
    assert text.startswith(f"this SVG image contains {what}")
    assert "save it again without it (or upload the poster as a PDF or PNG)" in text


def test_an_entity_bomb_is_refused_before_it_expands():
    levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 12))
    data = svg_bytes("<text>&l11;</text>", prologue=f'<!DOCTYPE svg [<!ENTITY l0 "ha">{levels}]>')
    started = time.perf_counter()
    problem = svg_problem(data)
    assert time.perf_counter() - started < 1.0
    assert "a DOCTYPE that declares entities" in str(problem)


@pytest.mark.parametrize(("data", "expected"), [
    (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "not well-formed XML (mismatched tag, line 1)"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'>&nbsp;</svg>", "not well-formed XML (undefined entity"),
    (b"<svg><rect/></svg>", 'its <svg> element lacks the SVG namespace (xmlns="http://www.w3.org/2000/svg")'),
    (f"<svg {SVG_NS}>".encode(), "not well-formed XML (no element found"),
])
def test_a_broken_svg_says_what_is_wrong(data, expected):
    assert expected in str(svg_problem(data))
