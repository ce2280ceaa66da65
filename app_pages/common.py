"""The page edge: settings, the store, cached calls into the library, the visitor's language and session.

Organisers' sign-in is :mod:`app_pages.sign_in`.

Streamlit caching and session state live here, never in ``speakout_map``.
Failures reach visitors only through :func:`show_failure`: a short message
that names nothing of the server, the details in the server log.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType

import pandas as pd
import streamlit as st

from speakout_map.campaign import Campaign, campaign_from_settings
from speakout_map.languages.catalogues import available_languages
from speakout_map.languages.choosing import LANG_PARAMETER, ChosenBy, LanguageChoice, choose_language
from speakout_map.languages.localising import language_name
from speakout_map.languages.message import Text, msg
from speakout_map.languages.translator import Translator, english, translator_for
from speakout_map.errors import SettingsError, SpeakOutError, StoreError
from speakout_map.organisers.clients import ADDRESS_CONNECTION, ADDRESS_FORWARDED, client_address
from speakout_map.events.export import neutralise_rows, table_columns, table_rows
from speakout_map.events.identity import event_uids
from speakout_map.maps.data import calendar_links_of, row_index
from speakout_map.places import nearby
from speakout_map.places.chain import build_geocoder
from speakout_map.places.nearby import PlaceMatches
from speakout_map.places.place import PlacedEvent
from speakout_map.settings import Settings, load_settings
from speakout_map.store.guide import Guide, guide_version, load_guide
from speakout_map.store.guide_versions import guide_to_show
from speakout_map.store.publishing import open_published_store
from speakout_map.store.store import Store
from speakout_map.supporters import going
from speakout_map.supporters.guards import client_keys
from speakout_map.supporters.tokens import new_token
from speakout_map.web.feeds import FORMATS
from speakout_map.web.calendar_route import google_calendar_path
from speakout_map.web.routes import feed_path

MAP_PAGE_PATH = "app_pages/map.py"
GUIDE_PAGE_PATH = "app_pages/guide.py"
ORGANISER_PAGE_PATH = "app_pages/organiser.py"
PROPOSE_PAGE_PATH = "app_pages/propose.py"
PROPOSAL_PAGE_PATH = "app_pages/proposal.py"
SHARE_PAGE_PATH = "app_pages/share.py"
#: The session_state key of this visitor's random token: "I'll be there" and the proposal limits count it.
VISITOR_SESSION = "visitor-session"
#: The name of the site secret of the proof-of-work challenges.
CHALLENGE_SECRET = "challenge"

#: The session_state keys of the language: the one shown (the switch's value), and whether the visitor picked it.
LANGUAGE = "language"
LANGUAGE_PICKED = "language-picked"

#: What visitors are told when the site itself is at fault.
SITE_FAILURE = msg("This page cannot be shown right now because of a problem on our side. Please try again later.")

log = logging.getLogger(__name__)


# --- the visitor's language ----------------------------------------------------


def _browser_language_hints() -> tuple[str | None, str | None]:
    """The ``Accept-Language`` header and the browser's locale (None where Streamlit has none)."""
    try:
        return st.context.headers.get("Accept-Language"), st.context.locale
    except Exception:  # noqa: BLE001 - no browser behind this run (e.g. a test harness)
        return None, None


def choose_session_language() -> LanguageChoice:
    """This run's language: the address's ``?lang=``, else one the visitor picked earlier, else the browser's."""
    requested = st.query_params.get(LANG_PARAMETER)
    if not requested and st.session_state.get(LANGUAGE_PICKED):
        requested = st.session_state.get(LANGUAGE)
    accept_language, browser_locale = _browser_language_hints()
    choice = choose_language(requested, accept_language, browser_locale, available_languages())
    st.session_state[LANGUAGE] = choice.language
    if choice.chosen_by is ChosenBy.ADDRESS:
        st.session_state[LANGUAGE_PICKED] = True
    if choice.ignored is not None and choice.chosen_by is not ChosenBy.ADDRESS:
        del st.query_params[LANG_PARAMETER]
    language_query_kept()
    return choice


def browser_locale() -> str | None:
    """The browser's locale (``en-US``), for what follows the region more than the language (miles)."""
    return _browser_language_hints()[1]


def language_query() -> dict[str, str]:
    """``{"lang": …}`` once the visitor picked a language (so links and shared addresses keep it), else ``{}``."""
    if st.session_state.get(LANGUAGE_PICKED) and st.session_state.get(LANGUAGE):
        return {LANG_PARAMETER: st.session_state[LANGUAGE]}
    return {}


def language_query_kept() -> None:
    """Put the picked language back in the address (moving between pages drops the query)."""
    for key, value in language_query().items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def feed_url(name: str, query: dict[str, str]) -> str:
    """The address of a live feed (``/feeds/events.ics``) for this filter, under the app's base path."""
    path = feed_path(FORMATS[name], st.get_option("server.baseUrlPath") or "")
    return f"{path}?{urlencode(query)}" if query else path


def calendar_subscription_url(query: dict[str, str]) -> str:
    """The calendar feed as calendar apps subscribe to it (``webcal://host/feeds/events.ics?...``).

    The host is the one the visitor's browser used; without one (a test harness) the plain path.
    """
    path = feed_url("ics", query)
    try:
        host = urlsplit(st.context.url or "").netloc
    except Exception:  # noqa: BLE001 - no browser behind this run
        host = ""
    return f"webcal://{host}{path}" if host else path


def translator() -> Translator:
    """This session's translator (English until :func:`choose_session_language` has run, or if it failed)."""
    try:
        return translator_for(st.session_state.get(LANGUAGE) or "en")
    except LookupError:
        return english()


def _language_picked() -> None:
    st.session_state[LANGUAGE_PICKED] = True
    st.query_params[LANG_PARAMETER] = st.session_state[LANGUAGE]


def language_switch(t: Translator) -> None:
    """The language menu, each language named in itself; a pick goes into the address."""
    _, corner = st.columns([5, 1])  # top right, where people look for it
    corner.selectbox(t("Language"), available_languages(), format_func=language_name, key=LANGUAGE,
                     on_change=_language_picked, label_visibility="collapsed")


# --- failures ----------------------------------------------------------------


def show_failure(message: Text, detail: BaseException | str) -> None:
    """Show visitors ``message`` (short; no setting, host, user or password) in their language, and log ``detail``.

    The library's errors never hold a password and say what to do, so their
    message is logged; anything else is logged with its traceback. The log is in English.
    """
    if isinstance(detail, SpeakOutError):
        log.error("%s [%s: %s]", message, type(detail).__name__, detail)
    elif isinstance(detail, BaseException):
        log.error("%s", message, exc_info=detail)
    else:
        log.error("%s [%s]", message, detail)
    st.error(translator().text(message), icon="⚠️")


def sentence(text: str) -> str:
    """A library message (a clause) as a sentence of its own: a capital first, a full stop last."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def settings() -> Settings:
    """Settings from the environment and ``st.secrets`` (read every run: cheap); bad ones stop the page."""
    try:
        return load_settings(secrets=st.secrets, base_url_path=st.get_option("server.baseUrlPath") or "")
    except SettingsError as exc:
        show_failure(SITE_FAILURE, exc)
        st.stop()


def campaign(settings: Settings) -> Campaign:
    """The campaign the settings describe (built every run: cheap); bad campaign settings stop the page."""
    try:
        return campaign_from_settings(settings)
    except SettingsError as exc:
        show_failure(SITE_FAILURE, exc)
        st.stop()


@st.cache_resource(show_spinner=False)
def store(settings: Settings) -> Store:
    """The event store, seeded from the seed file the first time (as the CLI opens it)."""
    return open_published_store(settings)


@st.cache_resource(show_spinner=False)
def geocoder(settings: Settings):
    return build_geocoder(settings, cache=store(settings).geocode_cache())


@st.cache_resource(show_spinner=False, max_entries=16)
def calendar_uids(settings: Settings, version: int | None) -> Mapping[PlacedEvent, str]:
    """Each published event's calendar UID (its identity within its whole version), by event.

    A resource, not data: one read-only mapping shared by every run, not a copy per run.
    """
    events = published_events(settings, version)
    return MappingProxyType(dict(zip(events, event_uids([p.event for p in events]))))


@st.cache_resource(show_spinner=False, max_entries=8)
def calendar_links(settings: Settings, version: int | None, language: str) -> Mapping[PlacedEvent, tuple[str, str]]:
    """Each published event's "Add to calendar" addresses in ``language``: the way to its Google Calendar page and
    its own .ics feed. Made once per version and language (a read-only mapping shared by every run), not per run."""
    events = published_events(settings, version)
    uids = calendar_uids(settings, version)
    return calendar_links_of(events, translator_for(language), ics_path=feed_url("ics", {}),
                             google_path=google_calendar_path(st.get_option("server.baseUrlPath") or ""),
                             uids=[uids[p] for p in events])


def table_calendar_columns(t: Translator) -> tuple[str, str]:
    """The headers of the events table's two calendar columns, in the translator's language."""
    # Translators: headers of the events table's columns of "Add to Google Calendar" and ".ics" links.
    return t("Calendar"), t("Calendar file")


@st.cache_resource(show_spinner=False, max_entries=16)
def table_positions(settings: Settings, version: int | None) -> Mapping[PlacedEvent, int]:
    """Each published event's row in :func:`events_table` (its place in the version)."""
    return MappingProxyType({p: i for i, p in enumerate(published_events(settings, version))})


@st.cache_resource(show_spinner=False, max_entries=8)
def events_table(settings: Settings, version: int | None, language: str) -> pd.DataFrame:
    """The events table of every published event in ``language`` (the public columns and the two calendar
    links), each text cell neutralised for spreadsheets; made once per version and language and shared: a run
    takes its rows with ``iloc`` (a copy), never changing this one."""
    t = translator_for(language)
    events = published_events(settings, version)
    links = calendar_links(settings, version, language)
    calendar_column, ics_column = table_calendar_columns(t)
    rows = table_rows(events, translator=t)
    for row, placed in zip(rows, events):
        row[calendar_column], row[ics_column] = links[placed]
    return pd.DataFrame(neutralise_rows(rows), columns=[*table_columns(t), calendar_column, ics_column])


@st.cache_resource(show_spinner=False, max_entries=16)
def map_index(settings: Settings, version: int | None) -> Mapping[PlacedEvent, int]:
    """Each published event's index among the rows of its version's map data (what a map selection names)."""
    return row_index(published_events(settings, version))


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def resolve_place(settings: Settings, text: str) -> PlaceMatches:
    """The places a visitor's text may mean (the geocoder's answers change rarely: an hour's cache)."""
    return nearby.resolve_place(text, geocoder(settings))


@st.cache_resource(show_spinner=False, max_entries=16)
def published_events(settings: Settings, version: int | None) -> tuple[PlacedEvent, ...]:
    """The events of one published version (immutable, so cached by number).

    A resource, not data: one tuple of frozen events shared by every run and session, not a copy unpickled per run.
    """
    if version is None:
        return ()
    return store(settings).get(version).events


def published_or_stop(settings: Settings) -> tuple[int | None, tuple[PlacedEvent, ...]]:
    """The published version's number and its events; if the store cannot be read, the short failure, and the run
    stops there (the map and share pages cannot go on without the events)."""
    try:
        version = store(settings).latest_number()
        return version, published_events(settings, version)
    except SpeakOutError as exc:
        show_failure(msg("The events cannot be shown right now. Please try again in a few minutes."), exc)
        st.stop()
        raise  # st.stop() raises; this is for readers and linters


@st.cache_data(show_spinner=False, max_entries=32)
def _guide(settings: Settings, language: str, version: int) -> Guide:
    """A published version of the guide (immutable, so cached by language and number)."""
    return Guide(store(settings).guides().get(language, version).markdown, language, version)


@st.cache_data(show_spinner=False, max_entries=8)
def _file_guide(settings: Settings, language: str, files: str) -> Guide:
    return load_guide(settings, language)


def guide(settings: Settings, language: str) -> Guide:
    """The published guide in ``language``, or in English where it has none; cached by version number.

    The first time a language is asked for, its file seeds the store
    (:mod:`speakout_map.store.guide_versions`). While the store cannot be
    read, the guide files stand in (cached until they change).
    """
    try:
        shown, number = guide_to_show(store(settings).guides(), settings, language)
    except StoreError as exc:
        log.error("the guide is read from its files: the store failed (%s)", exc)
        return _file_guide(settings, language, guide_version(settings, language))
    return _guide(settings, shown, number)


def trusted_address(settings: Settings) -> str | None:
    """The client's network address where the settings say a trustworthy one is found, else None."""
    mode = settings.organiser_client_address
    connection = st.context.ip_address if mode == ADDRESS_CONNECTION else None
    forwarded = st.context.headers.get_all("X-Forwarded-For") if mode == ADDRESS_FORWARDED else []
    return client_address(mode, connection, forwarded)


# --- supporters: this session, as the public rate limits and "I'll be there" know it ---------------


def visitor_session() -> str:
    """This session's random token (kept in its session state only: no cookie, no name)."""
    token = st.session_state.get(VISITOR_SESSION)
    if not token:
        token = st.session_state[VISITOR_SESSION] = new_token()
    return token


@st.cache_resource(show_spinner=False)
def client_secret(settings: Settings) -> str:
    """The site secret of the public side (kept in the store, the same on every app server)."""
    return going.client_secret(store(settings))


@st.cache_resource(show_spinner=False)
def challenge_secret(settings: Settings) -> str:
    """The site secret the proposal form's proof-of-work challenges are signed with."""
    return store(settings).site_secret(CHALLENGE_SECRET)


def public_client(settings: Settings) -> tuple[str, ...]:
    """This visitor's keys for the public rate limits: digests of its session and of its trusted address."""
    return client_keys(client_secret(settings), visitor_session(), trusted_address(settings))


@contextmanager
def store_errors_shown(what: Text) -> Iterator[None]:
    """Turn a store that fails mid-session into a clear error in place of a traceback.

    The store writes each version in one transaction, so a failure here never changes
    what is published; the message says so.
    """
    try:
        yield
    except StoreError as exc:
        # Translators: {what} is what the page was doing, e.g. "check the upload".
        show_failure(msg("The event store failed as the page tried to {what}. "
                         "The published events are unchanged; reload the page to try again.", what=what), exc)
