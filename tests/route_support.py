"""Shared helpers of the HTTP routes' tests (test_embed_route.py, test_map_data_route.py, test_calendar_route.py):
a store behind the routes' source, a clock to move, a query string as Starlette parses it, one request through an
ASGI app."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from speakout_map.settings import Settings
from speakout_map.web.routes import FeedSource


def source_of(store, **settings) -> FeedSource:
    return FeedSource(lambda: Settings(**settings), open_store=lambda s: store)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def query(text: str) -> dict[str, list[str]]:
    """A query string's parameters as the routes read them: each name's values in order, undecoded."""
    params: dict[str, list[str]] = {}
    for part in filter(None, text.split("&")):
        key, _, value = part.partition("=")
        params.setdefault(key, []).append(value)
    return params


def through_starlette(app, path: str, method: str = "GET", **headers: str) -> tuple[int, dict, bytes]:
    """One request through the ASGI app (in a thread of its own: a browser test may leave a loop running here)."""
    route, _, query_string = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": route, "raw_path": route.encode(), "query_string": query_string.encode(), "root_path": "",
        "client": ("203.0.113.9", 5000), "server": ("testserver", 80),
        "headers": [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def respond(message: dict) -> None:
        sent.append(message)

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, respond)).result()
    return (sent[0]["status"], {k.decode(): v.decode() for k, v in sent[0]["headers"]},
            b"".join(m.get("body", b"") for m in sent[1:]))
