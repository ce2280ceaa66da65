"""Messages: built in the library in English, filled in and translated only when shown."""

from __future__ import annotations

import pytest

from speakout_map.languages.message import CountryName, Message, msg, nmsg


def test_msg_keeps_its_source_and_fields_and_reads_as_english():
    message = msg("{column} is empty; every event needs a {column}", column="city")
    assert message.source == "{column} is empty; every event needs a {column}"
    assert message.fields == {"column": "city"}
    assert str(message) == "city is empty; every event needs a city"


@pytest.mark.parametrize(
    ("count", "english"),
    [(1, "1 event"), (2, "2 events"), (0, "0 events"), (20000, "20,000 events")],
)
def test_nmsg_picks_the_english_form_by_its_count(count, english):
    assert str(nmsg("{count:,} event", "{count:,} events", count)) == english


@pytest.mark.parametrize(
    ("message", "english"),
    [
        (msg("not found in {country}", country=CountryName("GB")), "not found in United Kingdom"),
        (msg("{refused}: {reason}", refused=msg("Not published"), reason=msg("no events")), "Not published: no events"),
        (msg("{text!r} is not a time", text="25:00"), "'25:00' is not a time"),
        (msg("the limit is {limit:,}", limit=5_000_000), "the limit is 5,000,000"),
    ],
)
def test_fields_hold_countries_nested_messages_quoted_text_and_numbers(message, english):
    assert str(message) == english


def test_with_fields_adds_what_is_known_later():
    done = msg("Published version {number}: the events of version {chosen}.", chosen=2)
    assert str(done.with_fields(number=5)) == "Published version 5: the events of version 2."
    assert done.fields == {"chosen": 2}  # the original is unchanged (frozen)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Message(""),
        lambda: Message(None),  # type: ignore[arg-type]
        lambda: Message("{count} event", plural="{count} events"),
        lambda: Message("{count} event", count=3),
    ],
)
def test_a_message_needs_a_source_and_plurals_need_both_halves(build):
    with pytest.raises(TypeError):
        build()


def test_messages_are_frozen_and_hashable():
    message = msg("{column} is empty", column="city")
    assert message == msg("{column} is empty", column="city")
    assert len({message, msg("{column} is empty", column="city")}) == 1
    with pytest.raises(AttributeError):
        message.source = "other"  # type: ignore[misc]
