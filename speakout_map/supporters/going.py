"""'I'll be there': anonymous counts per event, one per session, following the event across versions.

* A session says it is going with :func:`say_going`: the event is named by
  its UID within the published version
  (:func:`~speakout_map.events.identity.event_uids`), so the count belongs
  to the event and survives new versions and rollbacks while the event is
  there (same country, city and date). Only events on the published map can
  be marked; each session counts once per event; clicks are rate-limited
  per client like proposals (:data:`~speakout_map.supporters.guards.GOING_LIMITS`).
* Nothing personal is kept: the session's random token is stored only as a
  keyed digest (:func:`session_digest`), and no name, email, address or
  cookie beyond Streamlit's own session is involved.
* The map's popups send the click to an HTTP route
  (:mod:`speakout_map.web.going_route`), which cannot see the Streamlit
  session: the page gives the browser this session's *pass*, its token
  signed with the site secret (:func:`going_pass`), and the route accepts
  only passes it can verify (:func:`session_of_pass`).
* :func:`going_counts` lines the counts up with a list of events;
  :func:`going_total` says "412 people going in 19 cities".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from speakout_map.errors import UnknownEventError
from speakout_map.events.diff import normalise
from speakout_map.events.identity import UID_PATTERN, event_uids
from speakout_map.languages.message import Message, msg, nmsg
from speakout_map.organisers.throttle import utc_now
from speakout_map.places.place import PlacedEvent
from speakout_map.store.store import Store
from speakout_map.supporters.guards import GOING_LIMITS, RateLimiter
from speakout_map.supporters.tokens import keyed_digest, sign, unsign

#: The site secret that session digests, passes and client keys are made with.
CLIENT_SECRET = "client-keys"
_PASS = "going-pass"


def client_secret(store: Store) -> str:
    """The site secret of the public side (the same on every app server)."""
    return store.site_secret(CLIENT_SECRET)


def session_digest(secret: str, session: str) -> str:
    """How the store names a session's marks: a keyed digest of its token."""
    return keyed_digest(secret, "going-session", session)


def going_pass(secret: str, session: str) -> str:
    """This session's pass for the "I'll be there" route: its token, signed."""
    return sign(secret, _PASS, session)


def session_of_pass(secret: str, text: object) -> str | None:
    """The session token of a pass, or None if the pass is not one we made."""
    return unsign(secret, _PASS, text)


@dataclass(frozen=True)
class GoingAnswer:
    """What a click did: the event's count now, and whether this click added to it."""

    event_uid: str
    count: int
    counted: bool


def say_going(
    event_uid: str,
    *,
    session: str,
    client: Sequence[str],
    store: Store,
    published_uids: Collection[str],
    now: datetime | None = None,
    limiter: RateLimiter | None = None,
    secret: str | None = None,
) -> GoingAnswer:
    """Count this session as going to the event ``event_uid`` (once; a second click changes nothing).

    ``published_uids`` are the UIDs of the published version's events;
    another UID is an UnknownEventError. RateLimitedError if the client
    (``client``: its keys) clicked too often; StoreError if the store failed.
    """
    if not isinstance(event_uid, str) or not UID_PATTERN.fullmatch(event_uid) or event_uid not in published_uids:
        raise UnknownEventError(msg("this event is no longer on the map; reload the page to see the events as they "
                                    "are now"))
    if not session:
        raise ValueError("saying one is going needs the session's token")
    limiter = limiter or RateLimiter(store.client_actions(), GOING_LIMITS)
    limiter.check(client)
    limiter.record(client)
    marks = store.going()
    counted = marks.mark(event_uid, session_digest(secret or client_secret(store), session), now or utc_now())
    return GoingAnswer(event_uid, marks.counts([event_uid]).get(event_uid, 0), counted)


def going_counts(placed: Sequence[PlacedEvent], uid_of: Callable[[PlacedEvent], str] | Mapping[PlacedEvent, str],
                 counts: Mapping[str, int]) -> list[int]:
    """Each event's count, in order (0 for an event nobody marked)."""
    lookup = uid_of.get if isinstance(uid_of, Mapping) else uid_of
    return [counts.get(lookup(p) or "", 0) for p in placed]


def version_going(store: Store, placed: Sequence[PlacedEvent]) -> list[int]:
    """Each event's count, for the events of one whole published version (named by their UIDs within it)."""
    uids = event_uids([p.event for p in placed])
    counts = store.going().counts(uids)
    return [counts.get(uid, 0) for uid in uids]


def going_total(placed: Sequence[PlacedEvent], counts: Sequence[int]) -> Message:
    """'412 people going in 19 cities': everyone going to these events, and the cities they go to."""
    people = sum(counts)
    cities = {(p.event.country_code.upper(), normalise(p.event.city)) for p, n in zip(placed, counts) if n > 0}
    # Translators: {people} is e.g. "412 people going" and {cities} "19 cities".
    return msg("{people} in {cities}",
               people=nmsg("{count:,} person going", "{count:,} people going", people),
               cities=nmsg("{count:,} city", "{count:,} cities", len(cities)))


def going_label(count: int) -> Message:
    """'23 going'."""
    return nmsg("{count:,} going", "{count:,} going", count)
