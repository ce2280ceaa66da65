"""The page edge: settings, the store, cached calls into the library, sign-in.

Streamlit caching and session state live here, never in ``speakout_map``.
Failures reach visitors only through :func:`show_failure`: a short message
that names nothing of the server, the details in the server log.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from speakout_map.errors import (
    OidcRefusedError,
    SettingsError,
    SignInBusyError,
    SignInError,
    SpeakOutError,
    StoreError,
    TooManyAttemptsError,
)
from speakout_map.organisers.clients import ADDRESS_CONNECTION, ADDRESS_FORWARDED, client_address, client_identifiers
from speakout_map.organisers.roster import Organiser, load_organisers, oidc_organiser_email
from speakout_map.organisers.session import (
    OrganiserSession,
    SessionEnd,
    SignInMethod,
    end_message,
    oidc_session,
    password_session,
    session_end,
    touched,
)
from speakout_map.organisers.sign_in import sign_in
from speakout_map.organisers.throttle import LoginThrottle, utc_now
from speakout_map.places.chain import build_geocoder
from speakout_map.places.place import PlacedEvent
from speakout_map.settings import Settings, load_settings
from speakout_map.store.guide import load_guide
from speakout_map.store.publishing import open_published_store
from speakout_map.store.store import Store

MAP_PAGE_PATH = "app_pages/map.py"
GUIDE_PAGE_PATH = "app_pages/guide.py"
ORGANISER_PAGE_PATH = "app_pages/organiser.py"
SIGNED_IN = "organiser"
#: The session_state key of this session's random token, which the sign-in limits count it by.
SIGN_IN_CLIENT = "sign-in-client"

#: What visitors are told when the site itself is at fault.
SITE_FAILURE = "This page cannot be shown right now because of a problem on our side. Please try again later."
SIGN_IN_FAILURE = "Signing in is not possible right now because of a problem on our side. Please try again later."

log = logging.getLogger(__name__)


def show_failure(message: str, detail: BaseException | str) -> None:
    """Show visitors ``message`` (short; no setting, host, user or password) and log ``detail``.

    The library's errors never hold a password and say what to do, so their
    message is logged; anything else is logged with its traceback.
    """
    if isinstance(detail, SpeakOutError):
        log.error("%s [%s: %s]", message, type(detail).__name__, detail)
    elif isinstance(detail, BaseException):
        log.error("%s", message, exc_info=detail)
    else:
        log.error("%s [%s]", message, detail)
    st.error(message, icon="⚠️")


def settings() -> Settings:
    """Settings from the environment and ``st.secrets`` (read every run: cheap); bad ones stop the page."""
    try:
        return load_settings(secrets=st.secrets, base_url_path=st.get_option("server.baseUrlPath") or "")
    except SettingsError as exc:
        show_failure(SITE_FAILURE, exc)
        st.stop()


@st.cache_resource(show_spinner="Opening the event store…")
def store(settings: Settings) -> Store:
    """The event store, seeded from the seed file the first time (as the CLI opens it)."""
    return open_published_store(settings)


@st.cache_resource(show_spinner=False)
def geocoder(settings: Settings):
    return build_geocoder(settings, cache=store(settings).geocode_cache())


@st.cache_data(show_spinner=False, max_entries=16)
def published_events(settings: Settings, version: int | None) -> tuple[PlacedEvent, ...]:
    """The events of one published version (immutable, so cached by number)."""
    if version is None:
        return ()
    return store(settings).get(version).events


@st.cache_data(show_spinner=False, max_entries=4)
def guide_markdown(settings: Settings, version: str) -> str:
    return load_guide(settings)


def _secrets_have(table: str) -> bool:
    try:
        return table in st.secrets
    except Exception:  # no secrets file at all
        return False


def _configured_organisers() -> dict[str, Organiser] | None:
    """The password organisers configured now, or None after showing that their configuration is broken."""
    try:
        return load_organisers(st.secrets, os.environ)
    except SettingsError as exc:
        show_failure(SIGN_IN_FAILURE, exc)
        return None


def _sign_in_client(settings: Settings) -> tuple[str, ...]:
    """This session's identifiers for the sign-in limits: a random token of its own, and a trusted address."""
    token = st.session_state.get(SIGN_IN_CLIENT)
    if not token:
        token = st.session_state[SIGN_IN_CLIENT] = secrets.token_urlsafe(16)
    mode = settings.organiser_client_address
    connection = st.context.ip_address if mode == ADDRESS_CONNECTION else None
    forwarded = st.context.headers.get_all("X-Forwarded-For") if mode == ADDRESS_FORWARDED else []
    return client_identifiers(token, client_address(mode, connection, forwarded))


def _oidc_email(settings: Settings) -> str | None:
    """The email the OIDC provider vouches for now, verified and on the list; None otherwise."""
    if not _secrets_have("auth") or not st.user.is_logged_in:
        return None
    try:
        return oidc_organiser_email(st.user.to_dict(), settings.organiser_email_list)
    except OidcRefusedError:
        return None


def _session_organiser(settings: Settings, organisers: dict[str, Organiser] | None) -> str | None:
    """The organiser of this session if the session goes on (re-checked every run), else None."""
    session = st.session_state.get(SIGNED_IN)
    if session is None:
        return None
    end = None
    if isinstance(session, OrganiserSession):
        if organisers is None and session.method is SignInMethod.PASSWORD:
            st.session_state.pop(SIGNED_IN, None)  # the roster cannot be read: fail closed (already shown)
            return None
        now = utc_now()
        end = session_end(session, now=now, idle_limit=settings.organiser_session_timeout,
                          organisers=organisers or {}, oidc_email=_oidc_email(settings))
        if end is None:
            st.session_state[SIGNED_IN] = touched(session, now)
            return session.name
    st.session_state.pop(SIGNED_IN, None)
    if end is not None and not (end is SessionEnd.REMOVED and session.method is SignInMethod.OIDC):
        st.warning(end_message(end, settings.organiser_session_timeout))  # OIDC refusals are shown below
    if end is SessionEnd.IDLE and session.method is SignInMethod.OIDC and st.user.is_logged_in:
        st.logout()  # else the provider's cookie would sign the idle organiser straight back in
    return None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def signed_in_organiser(settings: Settings) -> str | None:
    """The signed-in organiser's name, or None after showing the sign-in options.

    The rules are the library's: the session is re-checked on every run
    (``organisers.session``), OIDC accounts need a verified email on the list
    (``roster.oidc_organiser_email``), and passwords are checked by
    ``sign_in`` within its limits for this session (and its trusted address).
    """
    organisers = _configured_organisers()
    name = _session_organiser(settings, organisers)
    if name is not None:
        return name
    if _secrets_have("auth"):
        if st.user.is_logged_in:
            try:
                email = oidc_organiser_email(st.user.to_dict(), settings.organiser_email_list)
            except OidcRefusedError as exc:
                st.error(_sentence(str(exc)))
                st.button("Log out", on_click=st.logout)
                return None
            st.session_state[SIGNED_IN] = oidc_session(email, utc_now())
            return email
        st.button("Sign in with your campaign account", on_click=st.login, type="primary")
    if organisers is None:
        return None
    if not organisers:
        if not _secrets_have("auth"):
            st.info("No organiser accounts are set up yet. See the README, section *Organisers*, to add one.")
        return None
    with st.form("sign-in"):
        name = st.text_input("Organiser name", key="sign-in-name")
        password = st.text_input("Password", type="password", key="sign-in-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            organiser = sign_in(organisers, name, password, LoginThrottle(store(settings)),
                                client=_sign_in_client(settings))
        except TooManyAttemptsError as exc:
            st.error(f"Too many failed sign-ins. Try again in {max(1, round(exc.retry_after_seconds))} seconds.")
        except SignInBusyError:
            st.error("Signing in is busy right now. Wait a few seconds and try again.")
        except SignInError:
            st.error("Wrong organiser name or password.")
        except StoreError as exc:  # the throttle lives in the store
            show_failure(SIGN_IN_FAILURE, exc)
        else:
            st.session_state[SIGNED_IN] = password_session(organiser, utc_now())
            st.rerun()
    return None


def sign_out() -> None:
    st.session_state.pop(SIGNED_IN, None)
    if _secrets_have("auth") and st.user.is_logged_in:
        st.logout()


@contextmanager
def store_errors_shown(what: str) -> Iterator[None]:
    """Turn a store that fails mid-session into a clear error in place of a traceback.

    The store writes each version in one transaction, so a failure here never changes
    what is published; the message says so.
    """
    try:
        yield
    except StoreError as exc:
        show_failure(
            f"The event store failed as the page tried to {what}. "
            "The published events are unchanged; reload the page to try again.",
            exc,
        )
