"""The online geocoder's answers kept in the event store, so every app server shares them.

:class:`StoreGeocodeCache` is the :class:`~speakout_map.places.caches.GeocodeCache`
that :meth:`Store.geocode_cache <speakout_map.store.store.Store.geocode_cache>`
hands out: answers are JSON in the store's ``geocode_answers`` table. Like
every cache, one that fails costs a lookup, never an error.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from speakout_map.errors import StoreError
from speakout_map.places.caches import CachedAnswer

if TYPE_CHECKING:
    from speakout_map.store.store import Store

log = logging.getLogger(__name__)


class StoreGeocodeCache:
    """A GeocodeCache in the event store. Like every cache, failing costs a lookup, never an error."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, key: str) -> CachedAnswer | None:
        try:
            found = self._store.get_geocode_answer(key)
            if found is None:
                return None
            location, stored_at = found
            return CachedAnswer(None if location is None else json.loads(location), stored_at)
        except (StoreError, ValueError) as exc:
            log.warning("geocoder cache in the event store unreadable (%s); asking the service", exc)
            return None

    def put(self, key: str, answer: CachedAnswer) -> None:
        location = None if answer.location is None else json.dumps(answer.location, default=str)
        try:
            self._store.put_geocode_answer(key, location, answer.stored_at)
        except StoreError as exc:
            log.warning("geocoder cache in the event store not writable (%s); the answer is not kept", exc)
