"""Organisers signing in: the session re-checked every run, OIDC or a password within its limits.

The rules are the library's (``speakout_map.organisers``); this is the page
edge: the secrets, the session state, the sign-in form and its messages.
"""

from __future__ import annotations

import os
import secrets

import streamlit as st

from app_pages import common
from speakout_map.errors import (
    OidcRefusedError,
    SettingsError,
    SignInBusyError,
    SignInError,
    StoreError,
    TooManyAttemptsError,
)
from speakout_map.languages.message import msg
from speakout_map.organisers.clients import client_identifiers
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
from speakout_map.settings import Settings

SIGNED_IN = "organiser"
#: The session_state key of this session's random token, which the sign-in limits count it by.
SIGN_IN_CLIENT = "sign-in-client"
SIGN_IN_FAILURE = msg("Signing in is not possible right now because of a problem on our side. "
                      "Please try again later.")


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
        common.show_failure(SIGN_IN_FAILURE, exc)
        return None


def _sign_in_client(settings: Settings) -> tuple[str, ...]:
    """This session's identifiers for the sign-in limits: a random token of its own, and a trusted address."""
    token = st.session_state.get(SIGN_IN_CLIENT)
    if not token:
        token = st.session_state[SIGN_IN_CLIENT] = secrets.token_urlsafe(16)
    return client_identifiers(token, common.trusted_address(settings))


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
        st.warning(common.translator().text(end_message(end, settings.organiser_session_timeout)))  # OIDC: shown below
    if end is SessionEnd.IDLE and session.method is SignInMethod.OIDC and st.user.is_logged_in:
        st.logout()  # else the provider's cookie would sign the idle organiser straight back in
    return None


def signed_in_organiser(settings: Settings) -> str | None:
    """The signed-in organiser's name, or None after showing the sign-in options.

    The rules are the library's: the session is re-checked on every run
    (``organisers.session``), OIDC accounts need a verified email on the list
    (``roster.oidc_organiser_email``), and passwords are checked by
    ``sign_in`` within its limits for this session (and its trusted address).
    """
    t = common.translator()
    organisers = _configured_organisers()
    name = _session_organiser(settings, organisers)
    if name is not None:
        return name
    if _secrets_have("auth"):
        if st.user.is_logged_in:
            try:
                email = oidc_organiser_email(st.user.to_dict(), settings.organiser_email_list)
            except OidcRefusedError as exc:
                st.error(common.sentence(t.text(exc.text)))
                st.button(t("Log out"), on_click=st.logout)
                return None
            st.session_state[SIGNED_IN] = oidc_session(email, utc_now())
            return email
        st.button(t("Sign in with your campaign account"), on_click=st.login, type="primary")
    if organisers is None:
        return None
    if not organisers:
        if not _secrets_have("auth"):
            st.info(t("No organiser accounts are set up yet. See the README, section *Organisers*, to add one."))
        return None
    with st.form("sign-in"):
        name = st.text_input(t("Organiser name"), key="sign-in-name")
        password = st.text_input(t("Password"), type="password", key="sign-in-password")
        submitted = st.form_submit_button(t("Sign in"), type="primary")
    if submitted:
        try:
            organiser = sign_in(organisers, name, password, LoginThrottle(common.store(settings)),
                                client=_sign_in_client(settings))
        except TooManyAttemptsError as exc:
            seconds = max(1, round(exc.retry_after_seconds))
            st.error(t.plural("Too many failed sign-ins. Try again in {count} second.",
                              "Too many failed sign-ins. Try again in {count} seconds.", seconds))
        except SignInBusyError:
            st.error(t("Signing in is busy right now. Wait a few seconds and try again."))
        except SignInError:
            st.error(t("Wrong organiser name or password."))
        except StoreError as exc:  # the throttle lives in the store
            common.show_failure(SIGN_IN_FAILURE, exc)
        else:
            st.session_state[SIGNED_IN] = password_session(organiser, utc_now())
            st.rerun()
    return None


def sign_out() -> None:
    st.session_state.pop(SIGNED_IN, None)
    if _secrets_have("auth") and st.user.is_logged_in:
        st.logout()
