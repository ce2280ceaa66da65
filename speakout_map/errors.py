"""The exceptions the library raises.

One small tree, so callers can catch everything from SpeakOut Map with
``SpeakOutError`` or pick a precise failure.
"""

from __future__ import annotations


class SpeakOutError(Exception):
    """Base class of every error this library raises on purpose."""


class SettingsError(SpeakOutError):
    """A setting has a value the app cannot use."""


class UnknownCountryError(SpeakOutError, ValueError):
    """A country name or code could not be matched to exactly one country."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            f"{text!r} is not a country we recognise; write its English name "
            "(e.g. Spain) or its two-letter ISO code (e.g. ES)"
        )


class EventFileError(SpeakOutError):
    """An events file could not be read at all (encoding, size, not a table)."""


class GeocodingError(SpeakOutError):
    """Base class of geocoding failures."""


class PlaceNotFoundError(GeocodingError):
    """No geocoder could place a query."""


class GeocoderUnavailableError(GeocodingError):
    """An online geocoding service failed (timeout, refused, rate limited, 5xx)."""


class GazetteerError(GeocodingError):
    """The offline gazetteer index could not be built or opened."""
