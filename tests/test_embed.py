"""The light embed's answer: a query and a published version in, a cacheable page out (web/embed.py)."""

from __future__ import annotations

import pytest

from speakout_map.errors import FeedQueryError
from speakout_map.events.identity import event_uids
from speakout_map.maps.display import Display
from speakout_map.maps.filters import EventFilter
from speakout_map.web.embed import (
    EmbedPlaces,
    EmbedQueryError,
    answer_embed,
    bad_query_page,
    embed_etag,
    embed_page,
    parse_embed_query,
    refusal_page,
)
from tests.map_support import PAYLOADS, PRIVATE_EMAIL, WORLD, extract_rows, options_of, start_tags_of

POLICY = "default-src 'none'; frame-ancestors *"
PLACES = EmbedPlaces(map_path="/campaign/map", guide_path="/campaign/guide", policy=POLICY,
                     map_settings={"tiles": None, "basemap": False})


def query(text: str = "", accept_language: str | None = None):
    params: dict[str, list[str]] = {}
    for part in filter(None, text.split("&")):
        key, _, value = part.partition("=")
        params.setdefault(key, []).append(value)
    return parse_embed_query(params, accept_language)


@pytest.mark.parametrize(
    ("text", "accept", "language", "countries", "display"),
    [
        ("", None, "en", frozenset(), Display()),
        ("lang=es", None, "es", frozenset(), Display()),
        ("", "es-AR,es;q=0.9", "es", frozenset(), Display()),
        ("lang=en", "es", "en", frozenset(), Display()),  # the address wins over the browser
        ("lang=xx", None, "en", frozenset(), Display()),  # a language the app lacks: English
        ("country=ES,jp&list=1&legend=0", None, "en", frozenset({"ES", "JP"}), Display(legend=False, list=True)),
        ("height=300&zoom=4&center=1,2&scroll=0", None, "en", frozenset(),
         Display(height=300, zoom=4, center=(1.0, 2.0), scroll=False)),
    ],
)
def test_good_queries(text, accept, language, countries, display):
    found = query(text, accept)
    assert (found.language, found.event_filter.countries, found.display) == (language, countries, display)
    assert found.language_given is ("lang=" in text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("country=Atlantis", "country 'Atlantis'"),
        ("from=yesterday", "from='yesterday'"),
        ("from=2013-09-04&to=2013-09-03", "is after to"),
        ("radius=0", "radius='0'"),
        ("height=10", "height='10'"),
        ("legend=perhaps", "legend='perhaps'"),
        ("center=north", "center='north'"),
    ],
)
def test_bad_values_are_refused_with_their_notices(text, words):
    with pytest.raises(EmbedQueryError) as caught:
        query(text)
    assert words in str(caught.value)
    answer = bad_query_page(caught.value, policy=POLICY)
    assert answer.status == 400 and answer.header("Cache-Control") == "no-store"
    assert words.replace("'", "&#x27;") in answer.body.decode()


def test_a_bad_query_is_refused_in_the_readers_language():
    with pytest.raises(EmbedQueryError) as caught:
        query("lang=es&height=1")
    page = bad_query_page(caught.value, policy=POLICY)
    assert page.header("Content-Language") == "es" and b'<html lang="es">' in page.body
    assert "Ignored height" not in page.body.decode()  # Spanish, from the catalogue


def test_the_normalised_query_ignores_order_and_spelling():
    assert query("country=jp,ES&list=1&lang=es").normalised() == query("lang=es&list=yes&country=ES&country=JP")\
        .normalised()
    assert query("country=ES").normalised() != query("country=ES&list=1").normalised()
    assert query("country=ES").map_query() == {"country": "ES", "lang": "en"}
    assert query("country=ES&height=300&zoom=3").map_query() == {"country": "ES", "lang": "en"}


def test_the_etag_follows_everything_the_page_shows():
    base = embed_etag(query("country=ES"), 3, "5@x", "Speak")
    assert base.startswith('"e3-') and base == embed_etag(query("country=ES"), 3, "5@x", "Speak")
    others = {
        embed_etag(query("country=ES"), 4, "5@x", "Speak"),
        embed_etag(query("country=JP"), 3, "5@x", "Speak"),
        embed_etag(query("country=ES&lang=es"), 3, "5@x", "Speak"),
        embed_etag(query("country=ES&legend=0"), 3, "5@x", "Speak"),
        embed_etag(query("country=ES"), 3, "6@y", "Speak"),
        embed_etag(query("country=ES"), 3, "5@x", "Speak up"),
    }
    assert base not in others and len(others) == 6


def test_the_page_shows_the_querys_events_and_links_to_the_full_map():
    html = embed_page(query("country=ES,JP&lang=es"), WORLD, title="Speak", places=PLACES).decode()
    assert sorted(row[4] for row in extract_rows(html)) == ["Madrid", "Tokyo"]
    assert 'href="/campaign/map?country=ES%2CJP&amp;lang=es" target="_blank"' in html
    assert options_of(html)["guideUrl"] == "/campaign/guide?lang=es"
    assert PRIVATE_EMAIL not in html


def test_near_keeps_the_events_within_the_radius_and_draws_the_place(gazetteer):
    html = embed_page(query("near=Madrid&radius=300"), WORLD, title="Speak", places=PLACES,
                      geocoder=gazetteer).decode()
    assert [row[4] for row in extract_rows(html)] == ["Madrid"]
    focus = options_of(html)["focus"]
    assert focus["radiusM"] == 300_000 and focus["label"].startswith("Madrid")


def test_a_place_that_cannot_be_found_is_a_query_error(gazetteer):
    with pytest.raises(FeedQueryError):
        embed_page(query("near=Qwxzzy"), WORLD, title="Speak", places=PLACES, geocoder=gazetteer)


def test_the_counts_are_shown_without_a_button():
    uid = event_uids([p.event for p in WORLD])[0]
    html = embed_page(query(), WORLD, title="Speak", places=PLACES, going={uid: 23}).decode()
    going = options_of(html)["going"]
    assert going["url"] == "" and going["pass"] == ""  # no session here: no button
    counts = {row[4]: row[-2] for row in extract_rows(html)}
    assert counts[WORLD[0].event.city] == "23 going"


def test_200_then_304_and_the_page_is_made_once():
    made, kept = [], {}

    def keep(etag, make):
        if etag not in kept:
            kept[etag] = make()
        return kept[etag]

    def published():
        made.append(1)
        return WORLD

    first = answer_embed(query("country=ES"), version=2, published=published, title="Speak", places=PLACES,
                         keep=keep)
    assert first.status == 200 and first.header("Content-Type") == "text/html; charset=utf-8"
    assert first.header("Cache-Control") == "public, max-age=60"
    assert first.header("Content-Security-Policy") == POLICY and first.header("Vary") == "Accept-Language, Accept-Encoding"
    again = answer_embed(query("country=ES"), version=2, published=published, title="Speak", places=PLACES,
                         keep=keep)
    assert again.body == first.body and len(made) == 1
    cached = answer_embed(query("country=ES"), version=2, published=lambda: pytest.fail("no page for a 304"),
                          title="Speak", places=PLACES, if_none_match=first.header("ETag"))
    assert (cached.status, cached.body) == (304, b"") and cached.header("ETag") == first.header("ETag")
    assert cached.header("Content-Security-Policy") == POLICY


def test_nothing_published_is_an_empty_map():
    answer = answer_embed(query(), version=None, published=lambda: pytest.fail("nothing to read"), title="Speak",
                          places=PLACES)
    assert answer.status == 200 and extract_rows(answer.body.decode()) == []


@pytest.mark.parametrize("payload", PAYLOADS[:7])
def test_refusal_pages_are_inert(payload):
    page = refusal_page(503, payload, policy=POLICY).body.decode()
    assert start_tags_of(page) == ["html", "head", "meta", "meta", "title", "body", "p"]


def test_a_503_says_when_to_try_again():
    answer = refusal_page(503, "Later.", policy=POLICY)
    assert answer.header("Retry-After") and answer.header("Cache-Control") == "no-store"
    assert answer.header("ETag") is None


def test_the_filter_is_the_map_pages():
    assert query("country=ES&from=2013-09-01&to=2013-09-30&near=Cork&radius=50").event_filter == EventFilter(
        __import__("datetime").date(2013, 9, 1), __import__("datetime").date(2013, 9, 30), frozenset({"ES"}),
        near="Cork", radius_km=50.0)
