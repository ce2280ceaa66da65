"""The page edge: settings, the store, cached calls into the library, sign-in.

Streamlit caching and session state live here, never in ``speakout_map``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from speakout_map.errors import SignInError, StoreError, TooManyAttemptsError
from speakout_map.escaping import escape_markdown
from speakout_map.organisers.roster import email_allowed, load_organisers
from speakout_map.organisers.sign_in import sign_in
from speakout_map.organisers.throttle import LoginThrottle
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


def settings() -> Settings:
    """Settings from the environment and ``st.secrets`` (read every run: cheap)."""
    return load_settings(secrets=st.secrets, base_url_path=st.get_option("server.baseUrlPath") or "")


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


def signed_in_organiser(settings: Settings) -> str | None:
    """The signed-in organiser's name, or None after showing the sign-in options."""
    if st.session_state.get(SIGNED_IN):
        return st.session_state[SIGNED_IN]
    if _secrets_have("auth"):
        if st.user.is_logged_in:
            email = st.user.get("email")
            if email_allowed(email, settings.organiser_email_list):
                st.session_state[SIGNED_IN] = str(email)
                return str(email)
            st.error("This account is not on the organisers' list. Ask the campaign team to add your email.")
            st.button("Log out", on_click=st.logout)
            return None
        st.button("Sign in with your campaign account", on_click=st.login, type="primary")
    organisers = load_organisers(st.secrets, os.environ)
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
            organiser = sign_in(organisers, name, password, LoginThrottle(store(settings)))
        except TooManyAttemptsError as exc:
            st.error(f"Too many failed sign-ins. Try again in {max(1, round(exc.retry_after_seconds))} seconds.")
        except SignInError:
            st.error("Wrong organiser name or password.")
        except StoreError as exc:  # the throttle lives in the store
            st.error(f"Signing in is not possible right now: {escape_markdown(str(exc))}")
        else:
            st.session_state[SIGNED_IN] = organiser.name
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
        st.error(
            f"The event store failed as the page tried to {what} ({escape_markdown(str(exc))}). "
            "The published events are unchanged; reload the page to try again."
        )
