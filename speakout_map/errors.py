"""The exceptions the library raises.

One small tree, so callers can catch everything from SpeakOut Map with
``SpeakOutError`` or pick a precise failure.
"""

from __future__ import annotations

from speakout_map.languages.message import Text, msg, nmsg


class SpeakOutError(Exception):
    """Base class of every error this library raises on purpose.

    ``text`` is what the error says: a :class:`~speakout_map.languages.message.Message`
    when people see it (pages render it in their language), or a plain
    English string for what only the logs and the CLI show. ``str(error)``
    is the English.
    """

    def __init__(self, text: Text = "", *args: object) -> None:
        self.text = text
        super().__init__(str(text), *args)


class SettingsError(SpeakOutError):
    """A setting has a value the app cannot use."""


class UnknownCountryError(SpeakOutError, ValueError):
    """A country name or code could not be matched to exactly one country."""

    def __init__(self, written: str) -> None:
        #: The country as it was written (``text`` is the message saying what to do).
        self.written = written
        super().__init__(
            # Translators: {written!r} is the country exactly as the organiser wrote it, in quotes.
            msg("{written!r} is not a country we recognise; write its English name "
                "(e.g. Spain) or its two-letter ISO code (e.g. ES)", written=written)
        )


class EventFileError(SpeakOutError):
    """An events file could not be read at all (encoding, size, not a table)."""


class MappingError(EventFileError, ValueError):
    """A column mapping or a date format the organiser gave cannot be used (a ``--map`` option, a format's name)."""


class GeocodingError(SpeakOutError):
    """Base class of geocoding failures."""


class PlaceNotFoundError(GeocodingError):
    """No geocoder could place a query."""


class GeocoderUnavailableError(GeocodingError):
    """An online geocoding service failed (timeout, refused, rate limited, 5xx)."""


class GazetteerError(GeocodingError):
    """The offline gazetteer index could not be built or opened."""


class RadiusError(SpeakOutError, ValueError):
    """A search radius that is not a number of kilometres within the bounds (the message gives them)."""


class StoreError(SpeakOutError):
    """The event store could not be read or written; published data is unchanged."""


class StaleVersionError(StoreError):
    """Someone published since this change was started from an older version."""

    def __init__(self, based_on: int | None, latest: int | None) -> None:
        self.based_on = based_on
        self.latest = latest
        super().__init__(
            # Translators: {based_on} and {latest} are version numbers of the published events.
            msg("the events changed meanwhile: you started from version {based_on}, but version {latest} "
                "is now published; reload, check the differences and publish again (nothing was lost)",
                based_on=based_on, latest=latest)
        )


class VersionNotFoundError(StoreError):
    """A version number that the store does not have."""


class SignInError(SpeakOutError):
    """Wrong organiser name or password (deliberately not saying which)."""


class TooManyAttemptsError(SignInError):
    """Too many failed sign-ins recently; wait before trying again."""

    def __init__(self, retry_after_seconds: float) -> None:
        self.retry_after_seconds = retry_after_seconds
        seconds = max(1, round(retry_after_seconds))
        super().__init__(nmsg("too many failed sign-ins; try again in {count} second",
                              "too many failed sign-ins; try again in {count} seconds", seconds))


class SignInBusyError(SignInError):
    """Too many password checks are running at once; this one was not made (and counts as no failure)."""

    def __init__(self) -> None:
        super().__init__(msg("signing in is busy right now; wait a few seconds and try again"))


class OidcRefusedError(SignInError):
    """An account from the OpenID Connect provider may not sign in as an organiser; the message says why."""


class NotPublishableError(SpeakOutError):
    """A change still has errors (or no events) and cannot be published."""


class FeedQueryError(SpeakOutError, ValueError):
    """A feed's query has a bad value (``/feeds/events.csv?from=...``); the text is the one-line reason,
    in English for the developer who wrote the link (answered with HTTP 400): fix that value."""


class ProposalError(SpeakOutError):
    """A supporter's proposal cannot be taken, found or changed; the message says what to do."""


class ProposalNotFoundError(ProposalError, LookupError):
    """No proposal has that number, or that status link."""


class ProposalStateError(ProposalError):
    """The proposal is no longer pending (approved, declined or withdrawn meanwhile)."""


class ProposalRefusedError(ProposalError):
    """A proposal was not taken: the spam guards (honeypot, time trap) or the cap on pending proposals."""


class RateLimitedError(SpeakOutError):
    """One client did something too often (proposals, "I'll be there"); ``retry_after_seconds`` says when to retry."""

    def __init__(self, retry_after_seconds: float) -> None:
        self.retry_after_seconds = retry_after_seconds
        seconds = max(1, round(retry_after_seconds))
        minutes = max(1, round(seconds / 60))
        super().__init__(
            nmsg("you have done this too often in a short time; please try again in {count:,} second",
                 "you have done this too often in a short time; please try again in {count:,} seconds", seconds)
            if seconds < 120 else
            nmsg("you have done this too often in a short time; please try again in {count:,} minute",
                 "you have done this too often in a short time; please try again in {count:,} minutes", minutes)
        )


class UnknownEventError(SpeakOutError, LookupError):
    """An event named by its UID is not on the published map (any more)."""


class ChallengeFailedError(SpeakOutError):
    """The anti-spam proof of work of a public form is missing, wrong, expired or used already.

    ``reason`` says which, for the logs (``"missing"``, ``"malformed"``, ``"forged"``, ``"unsolved"``,
    ``"expired"``, ``"reused"``); the visitor's message only says what to do.
    """

    def __init__(self, reason: str = "unsolved") -> None:
        self.reason = reason
        super().__init__(
            msg("the anti-spam check ran out of time; wait for it to show a tick again, then send the form again")
            if reason == "expired" else
            msg("the anti-spam check did not finish; wait for it to show a tick, then send the form again")
        )
