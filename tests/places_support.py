"""Shared by the geocoding tests (tests/test_online.py, test_chain.py, test_placing.py, test_faults.py, ...).

A fake Nominatim served on 127.0.0.1 (a thread running http.server; nothing
talks to a public host), the settings and online geocoder that point at it, a
port nothing listens on, and the cities of a tiny gazetteer source file. The
fixtures built on these (``nominatim``, ``chain``, ``tiny_source``,
``tiny_dir``) live in tests/conftest.py.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from speakout_map.places.caches import SQLiteGeocodeCache
from speakout_map.places.online import OnlineGeocoder
from speakout_map.places.services import make_service
from speakout_map.settings import Settings

# --- a fake Nominatim on loopback ------------------------------------------------


@dataclass
class FakeNominatim:
    """Answers /search like Nominatim (format=json); behaviour set per test."""

    port: int = 0
    places: dict[str, dict] = field(default_factory=dict)
    #: HTTP statuses to answer with, one per request, before answering normally.
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    requests: list[dict[str, list[str]]] = field(default_factory=list)

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    def add(self, name: str, lat: float, lon: float, display: str) -> None:
        self.places[name.casefold()] = {
            "place_id": len(self.places) + 1,
            "lat": str(lat),
            "lon": str(lon),
            "display_name": display,
            "name": name,
            "class": "place",
            "type": "town",
        }

    def answer(self, params: dict[str, list[str]]) -> tuple[int, object]:
        self.requests.append(params)
        if self.delay:
            time.sleep(self.delay)
        if self.statuses:
            status = self.statuses.pop(0)
            return status, {"error": f"status {status}"}
        asked = params.get("city") or params.get("q") or [""]  # structured, or free text
        city = asked[0].split(",")[0].strip().casefold()
        found = self.places.get(city)
        return 200, [found] if found else []


@contextmanager
def serving_nominatim() -> Iterator[FakeNominatim]:
    """A FakeNominatim served on 127.0.0.1 (a free port) until the block ends; it knows Xyzzyville."""
    fake = FakeNominatim()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            status, body = fake.answer(parse_qs(parts.query) if parts.path == "/search" else {})
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "30")
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.add("Xyzzyville", 40.2, -3.6, "Xyzzyville, Comunidad de Madrid, España")
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def online_settings(cache_dir: Path, domain: str, **changes) -> Settings:
    values = dict(
        cache_dir=cache_dir,
        geocoder_online=True,
        geocoder_service="nominatim",
        geocoder_domain=domain,
        geocoder_scheme="http",
        geocoder_timeout=2.0,
        geocoder_min_delay=0.0,
        geocoder_user_agent="speakout-map-tests/1 (loopback only)",
    )
    values.update(changes)
    return Settings(**values)


def make_online(fake: FakeNominatim, tmp_path: Path, *, timeout: float = 2.0, max_retries: int = 0, **kwargs) -> OnlineGeocoder:
    service = make_service(online_settings(tmp_path, fake.domain, geocoder_timeout=timeout))
    kwargs.setdefault("cache", SQLiteGeocodeCache(tmp_path / "online.sqlite3"))
    return OnlineGeocoder(service, name="nominatim", min_delay=0.0, max_retries=max_retries, **kwargs)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- a tiny source file for gazetteer index tests that rebuild ---------------------

TINY_CITIES = {
    "1": {"geonameid": 1, "name": "Bigtown", "latitude": 10.0, "longitude": 20.0, "countrycode": "ES",
          "population": 500000, "timezone": "Europe/Madrid", "admin1code": "01", "alternatenames": ["Grossstadt", "Villa Grande"]},
    "2": {"geonameid": 2, "name": "Villa Grande", "latitude": 11.0, "longitude": 21.0, "countrycode": "ES",
          "population": 6000, "timezone": "Europe/Madrid", "admin1code": "02", "alternatenames": []},
    "4": {"geonameid": 4, "name": "Grossstadt", "latitude": 12.0, "longitude": 22.0, "countrycode": "ES",
          "population": 700, "timezone": "Europe/Madrid", "admin1code": "02", "alternatenames": []},
    "3": {"geonameid": 3, "name": "Bigtown", "latitude": -10.0, "longitude": -20.0, "countrycode": "AR",
          "population": 900000, "timezone": "America/Argentina/Cordoba", "admin1code": "03", "alternatenames": ["12345"]},
}
