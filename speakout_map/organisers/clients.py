"""Who is asking: the client identifiers that sign-in limits are counted per.

A client is always the Streamlit session (a random token the page keeps in
its session state), and also its network address when the operator says
where a trustworthy one is found (the ``organiser_client_address`` setting):

- ``none`` (the default): addresses are not used. Behind a proxy every
  visitor would share the proxy's address, so counting per address would let
  anyone lock everyone out.
- ``connection``: the address of the connection (``st.context.ip_address``),
  for an app reached directly, with no proxy in front.
- ``forwarded``: the last address of the ``X-Forwarded-For`` header, the one
  a trusted reverse proxy appends; the addresses before it are whatever the
  client sent. Only for an app reachable through that proxy alone.

The library never imports Streamlit: the page passes the values in.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from speakout_map.errors import SettingsError

ADDRESS_NONE = "none"
ADDRESS_CONNECTION = "connection"
ADDRESS_FORWARDED = "forwarded"
#: The values of the ``organiser_client_address`` setting.
ADDRESS_MODES = frozenset({ADDRESS_NONE, ADDRESS_CONNECTION, ADDRESS_FORWARDED})


def check_address_mode(mode: str) -> str:
    """``mode`` normalised (trimmed, lower case); :class:`SettingsError` if it is not one of :data:`ADDRESS_MODES`."""
    normal = mode.strip().lower()
    if normal not in ADDRESS_MODES:
        raise SettingsError(
            f"setting organiser_client_address must be one of {', '.join(sorted(ADDRESS_MODES))}, not {mode!r}; "
            "leave it at none unless you know where the app finds its visitors' real addresses (see the README)"
        )
    return normal


def _address(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(mode: str, connection: object, forwarded_for: Iterable[str]) -> str | None:
    """The client's address as ``mode`` says to find it, or None (no mode, none given, or not an address).

    ``connection`` is the connection's address (``st.context.ip_address``,
    None on localhost); ``forwarded_for`` the values of every
    ``X-Forwarded-For`` header, in order.
    """
    if mode == ADDRESS_CONNECTION:
        return _address(connection)
    if mode == ADDRESS_FORWARDED:
        hops = [hop for value in forwarded_for for hop in str(value).split(",")]
        return _address(hops[-1]) if hops else None
    return None


def client_identifiers(session: str, address: str | None) -> tuple[str, ...]:
    """The identifiers of one client: its session, and its address when there is a trusted one."""
    if not session:
        raise ValueError("a client needs its session token")
    return (f"session:{session}",) + ((f"address:{address}",) if address else ())
