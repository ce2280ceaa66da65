"""Who is asking: the identifiers sign-in limits are counted per (clients.py)."""

from __future__ import annotations

import pytest

from speakout_map.errors import SettingsError
from speakout_map.organisers.clients import (
    ADDRESS_MODES,
    check_address_mode,
    client_address,
    client_identifiers,
)


@pytest.mark.parametrize(("mode", "peer", "forwarded", "expected"), [
    ("none", "203.0.113.7", ["198.51.100.1"], None),  # the default: addresses are not trusted at all
    ("connection", "203.0.113.7", ["198.51.100.1"], "203.0.113.7"),
    ("connection", None, [], None),  # Streamlit gives None on localhost
    ("connection", " 2001:db8::1 ", [], "2001:db8::1"),
    ("forwarded", "10.0.0.2", ["198.51.100.9, 198.51.100.1"], "198.51.100.1"),  # the proxy appends the last
    ("forwarded", "10.0.0.2", ["1.1.1.1", "203.0.113.5 , 198.51.100.1 "], "198.51.100.1"),
    ("forwarded", "10.0.0.2", [], None),
    ("forwarded", "10.0.0.2", ["   "], None),
    ("forwarded", "10.0.0.2", ["198.51.100.1, not an address"], None),
    ("connection", object(), [], None),  # anything that is not text
    ("connection", "not an address", [], None),
])
def test_client_address_follows_the_mode(mode, peer, forwarded, expected):
    assert client_address(mode, peer, forwarded) == expected


@pytest.mark.parametrize(("session", "address", "expected"), [
    ("tok", None, ("session:tok",)),
    ("tok", "203.0.113.7", ("session:tok", "address:203.0.113.7")),
])
def test_client_identifiers(session, address, expected):
    assert client_identifiers(session, address) == expected


def test_client_identifiers_need_a_session():
    with pytest.raises(ValueError, match="session"):
        client_identifiers("", None)


@pytest.mark.parametrize("mode", sorted(ADDRESS_MODES))
def test_address_modes_are_accepted(mode):
    assert check_address_mode(f" {mode.upper()} ") == mode


@pytest.mark.parametrize("mode", ["", "proxy", "x-forwarded-for", "yes"])
def test_unknown_address_modes_are_refused(mode):
    with pytest.raises(SettingsError, match="organiser_client_address must be one of"):
        check_address_mode(mode)
