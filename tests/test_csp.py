"""The light embed's Content-Security-Policy: who may frame it, and the hosts it may reach (web/csp.py)."""

from __future__ import annotations

import pytest

from speakout_map.errors import SettingsError
from speakout_map.web.csp import check_frame_ancestors, page_policy, tile_source


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*", "*"),
        (" * ", "*"),
        ("'self'", "'self'"),
        ("'SELF'", "'self'"),
        ("'none'", "'none'"),
        ("https:", "https:"),
        ("https://allout.org", "https://allout.org"),
        ("https://allout.org, https://*.glaad.org", "https://allout.org https://*.glaad.org"),
        ("'self'   http://localhost:8080 example.org", "'self' http://localhost:8080 example.org"),
        ("https://example.org/campaign/", "https://example.org/campaign/"),
        ("https://example.org:*", "https://example.org:*"),
    ],
)
def test_good_frame_ancestors(text, expected):
    assert check_frame_ancestors(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("self", "with its single quotes"),
        ("none", "with its single quotes"),
        ("'none' https://allout.org", "must stand alone"),
        ("javascript:alert(1)", "is not a site"),
        ("https://allout.org; script-src *", "is not a site"),
        ("https://a.org\"", "is not a site"),
        ("data:", "is not a site"),
        ("https://*", "is not a site"),
        ("ftp://example.org", "is not a site"),
    ],
)
def test_bad_frame_ancestors_say_what_to_write(text, words):
    with pytest.raises(SettingsError) as caught:
        check_frame_ancestors(text)
    assert words in str(caught.value) and "embed_frame_ancestors" in str(caught.value)


@pytest.mark.parametrize(
    ("tiles", "expected"),
    [
        (None, None),
        ("", None),
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://tiles.internal:8080/{z}/{x}/{y}.png", "http://tiles.internal:8080"),
        ("https://tiles-{s}.example.org/{z}/{x}/{y}.png", "https:"),
        ("/tiles/{z}/{x}/{y}.png", "'self'"),
    ],
)
def test_the_tile_servers_source(tiles, expected):
    assert tile_source(tiles) == expected


def directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for part in policy.split(";"):
        name, *values = part.split()
        assert name not in found
        found[name] = values
    return found


def test_the_policy_allows_this_app_and_the_tiles_only():
    policy = directives(page_policy(frame_ancestors="*", tiles_url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                                    assets="self", asset_base_url="/app/static/vendor"))
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]
    assert policy["frame-ancestors"] == ["*"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'none'"]


def test_no_tiles_no_image_host():
    policy = directives(page_policy(frame_ancestors="'self'", tiles_url=None, assets="self",
                                    asset_base_url="/app/static/vendor"))
    assert policy["img-src"] == ["'self'", "data:"] and policy["frame-ancestors"] == ["'self'"]


@pytest.mark.parametrize(
    ("assets", "base", "host"),
    [("cdn", "/app/static/vendor", "https://cdn.jsdelivr.net"),
     ("self", "https://assets.example.org/vendor", "https://assets.example.org")],
)
def test_scripts_from_elsewhere_are_named(assets, base, host):
    policy = directives(page_policy(frame_ancestors="*", tiles_url=None, assets=assets, asset_base_url=base))
    assert host in policy["script-src"] and host in policy["style-src"] and host in policy["connect-src"]
