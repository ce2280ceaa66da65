"""Tests of the escaping of event text: Markdown for the pages, JSON for inline scripts."""

from __future__ import annotations

import json
import math
import re

import pytest

from speakout_map.escaping import escape_markdown, script_json, script_object
from tests.map_support import PAYLOADS, UNSAFE_CHARS

JINJA_MARKERS = ("{{", "{%", "{#")


@pytest.mark.parametrize(
    "value",
    [
        [],
        ["plain"],
        [PAYLOADS],
        [[1.5, -2, 0, None, True, "x"]],
        ["\ud800", "\udc00", "x\udfffy"],
        ["{}[]", "$`'\"\\"],
    ],
)
def test_script_json_is_inert_and_lossless(value):
    text = script_json(value)
    for ch in UNSAFE_CHARS:
        assert ch not in text
    assert not re.search("[\ud800-\udfff]", text)
    assert json.loads(text) == value


@pytest.mark.parametrize("value", [{"a": 1}, [{"a": 1}], [math.nan], [math.inf]])
def test_script_json_refuses_objects_and_non_numbers(value):
    with pytest.raises((TypeError, ValueError)):
        script_json(value)


@pytest.mark.parametrize(
    "members",
    [
        {},
        {"rows": []},
        {"title": "plain", "count": 3, "weight": 0.8, "on": True, "none": None},
        {"payloads": PAYLOADS, "first": PAYLOADS[0]},
        {"nested": {"deeper": {"text": "{{7*7}}", "list": ["{%", "{#", "}}"]}}, "after": {}},
        {"{{ key }}": "</script>", "<!--": "${x}"},
    ],
)
def test_script_object_is_inert_and_lossless(members):
    text = script_object(members)
    assert json.loads(text) == members
    for ch in UNSAFE_CHARS.replace("{", "").replace("}", ""):
        assert ch not in text
    for marker in JINJA_MARKERS:
        assert marker not in text
    # the only braces left are the objects' own: one pair per mapping
    assert text.count("{") == text.count("}") == _mappings_in(members)


def _mappings_in(value) -> int:
    if isinstance(value, dict):
        return 1 + sum(_mappings_in(v) for v in value.values())
    return 0


@pytest.mark.parametrize(
    "members, error",
    [
        ({1: "x"}, TypeError),
        ({"a": {2: "x"}}, TypeError),
        ({"a": [{"b": 1}]}, TypeError),
        ({"a": math.nan}, ValueError),
        ({"a": {"b": [math.inf]}}, ValueError),
        ({"a": object()}, TypeError),
    ],
)
def test_script_object_refuses_what_script_json_refuses(members, error):
    with pytest.raises(error):
        script_object(members)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("[x](javascript:alert(1))", r"\[x\]\(javascript\:alert\(1\)\)"),
        ("<b>bold</b>", r"\<b\>bold\</b\>"),
        ("**a** _b_ `c` $x$", r"\*\*a\*\* \_b\_ \`c\` \$x\$"),
        ("line\nbreak", "line break"),
    ],
)
def test_escape_markdown(text, expected):
    assert escape_markdown(text) == expected
