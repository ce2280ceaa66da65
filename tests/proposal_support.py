"""Shared by the page tests of "Propose an event" and of the host's status page (AppTest).

``propose_app`` opens the form with settings of the test's choosing (the ``speakout``
secrets table), ``fill``/``check``/``send`` drive it as a host would, and
``status_app`` opens the status page of a token. The ``isolated_cache`` fixture
(tests/conftest.py) gives each test its own store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from streamlit.testing.v1 import AppTest

from tests.page_support import APP, all_text

PROPOSE = "app_pages/propose.py"
PROPOSAL = "app_pages/proposal.py"

#: A proposal the upload's rules take: a town the offline gazetteer knows, a date ahead.
EVENT_DAY = dt.date.today() + dt.timedelta(days=40)
GOOD_FORM: dict[str, object] = {
    "title": "Speak Out in Lyon",
    "city": "Lyon",
    "country": "FR",
    "date": EVENT_DAY,
    "start_time": dt.time(18, 30),
    "venue": "Place Bellecour",
    "address": "Place Bellecour, 69002 Lyon",
    "url": "https://example.org/lyon",
    "description": "Bring a placard.",
    "contact_email": "host@example.org",
}
#: No time trap unless a test sets one.
QUICK = {"proposal_min_seconds": 0}


def key(field: str) -> str:
    return f"propose-{field}"


def page_app(page: str, settings: Mapping[str, object] | None = None,
             query: Mapping[str, str] | None = None) -> AppTest:
    """The app on ``page``, with ``settings`` as the secrets' ``speakout`` table and ``query`` in the address."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["speakout"] = dict(QUICK if settings is None else settings)
    at.run()  # st.navigation registers the pages' url paths on the first run
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.switch_page(page)
    return at.run()


def propose_app(settings: Mapping[str, object] | None = None, query: Mapping[str, str] | None = None) -> AppTest:
    return page_app(PROPOSE, settings, query)


def status_app(token: str | None, settings: Mapping[str, object] | None = None) -> AppTest:
    return page_app(PROPOSAL, settings, {"token": token} if token is not None else None)


def fill(at: AppTest, values: Mapping[str, object]) -> AppTest:
    """Type ``values`` into the form (no run: the form holds them until it is submitted)."""
    for field, value in values.items():
        if field == "country":
            box = at.selectbox(key=key(field))
            if value is not None and box.format_func(value) not in box.options:
                # Typed, not picked (the selectbox takes new options): the browser sends the typed text,
                # which AppTest only sends for a value among the options it knows.
                box.options.append(value)
            box.set_value(value)
        elif field == "date":
            at.date_input(key=key(field)).set_value(value)
        elif field == "start_time":
            at.time_input(key=key(field)).set_value(value)
        elif field == "description":
            at.text_area(key=key(field)).set_value(value)
        else:  # set, not typed: a client may send more than the field's max_chars (the check refuses it)
            at.text_input(key=key(field)).set_value(value)
    return at


def check(at: AppTest) -> AppTest:
    at.button(key="propose-check").click()
    return at.run()


def send(at: AppTest) -> AppTest:
    at.button(key="propose-send").click()
    return at.run()


def propose(at: AppTest, values: Mapping[str, object] = GOOD_FORM) -> AppTest:
    """Fill in, check and send one proposal."""
    return send(check(fill(at, values)))


def another(at: AppTest) -> AppTest:
    at.button(key="propose-another").click()
    return at.run()


def status_link(at: AppTest) -> str | None:
    """The status link the confirmation shows (its code block), or None."""
    for block in at.code:
        if "/proposal?token=" in block.value:
            return block.value
    return None


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def page_text(at: AppTest) -> str:
    return all_text(at) + "\n" + "\n".join(t.value for t in at.text) + "\n" + "\n".join(c.value for c in at.caption)


def open_test_store():
    """The store the app under test uses (the same database, from the environment), and its geocoder."""
    import os

    from speakout_map.places.chain import build_geocoder
    from speakout_map.settings import load_settings
    from speakout_map.store.publishing import open_published_store

    settings = load_settings(environ=os.environ)
    store = open_published_store(settings)
    return store, build_geocoder(settings, cache=store.geocode_cache())


def kept_proposal(store, geocoder, **changes: object):
    """A proposal sent through the library as the form sends it: ``(token, proposal)``."""
    from speakout_map.organisers.throttle import utc_now
    from speakout_map.supporters.checking import check_proposal
    from speakout_map.supporters.submitting import submit_proposal

    checked = check_proposal({**GOOD_FORM, **changes}, geocoder=geocoder)
    assert checked.ok, checked.errors
    submission = submit_proposal(checked, store=store, client=(f"session:test-{id(checked)}",), opened_at=None,
                                 now=utc_now())
    return submission.token, submission.proposal
