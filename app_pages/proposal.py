"""A host's private status page (``/proposal?token=...``): their proposal, where its review is, and withdrawing it.

Reached only by the link shown once when the proposal was sent; the token in it
is the only key (the store keeps its digest). A missing or unknown token gets
the same calm answer, which says nothing of any other proposal. The event's
text is the host's own but shown as plain text all the same, and its link is
not made clickable here: following it would hand the status link to another
site as the referrer.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import common
from speakout_map.errors import ProposalError, ProposalNotFoundError, SpeakOutError
from speakout_map.escaping import escape_markdown
from speakout_map.languages.message import msg
from speakout_map.organisers.throttle import utc_now
from speakout_map.supporters.moderation import proposal_by_token, withdraw
from speakout_map.supporters.proposal import FIELD_LABELS, Proposal, ProposalStatus

TOKEN_PARAMETER = "token"
#: Tokens are about 43 characters; anything much longer is not one of ours (and is not looked up).
MAX_TOKEN_CHARS = 200
#: The session key of "are you sure?" for withdrawing, holding the token it was asked for.
CONFIRM_WITHDRAW = "proposal-confirm-withdraw"
#: What the host sees of their proposal, in the form's order (the coordinates only say where the pin is).
SHOWN_FIELDS = ("title", "city", "country", "date", "start_time", "venue", "address", "url", "description",
                "contact_email")
#: A contact email shows its first character and its domain only.
MASK = "***"

STATUS_ICONS = {
    ProposalStatus.PENDING: "⏳",
    ProposalStatus.APPROVED: "✅",
    ProposalStatus.DECLINED: "✋",
    ProposalStatus.WITHDRAWN: "↩️",
}


def masked_email(address: str) -> str:
    """``a***@example.org``: enough for the host to recognise their address, not to read it over a shoulder."""
    local, at, domain = address.partition("@")
    if not at:
        return MASK
    return f"{local[:1]}{MASK}@{domain}"


def shown_value(field: str, text: str, t) -> str:
    """A field as the host reads it: countries named and dates written in their language, the email masked."""
    if not text:
        return ""
    if field == "contact_email":
        return masked_email(text)
    if field == "country" and len(text) == 2 and text.isalpha():
        return t.country(text.upper())
    if field == "date":
        try:
            return t.date(dt.date.fromisoformat(text))
        except ValueError:
            return text
    return text


def show_fields(proposal: Proposal, t) -> None:
    """The proposal's fields: labels in bold, the host's text as plain text (never Markdown)."""
    for field in SHOWN_FIELDS:
        value = shown_value(field, proposal.cells.get(field, ""), t)
        if not value:
            continue
        label_col, value_col = st.columns([1, 3])
        label_col.markdown(f"**{escape_markdown(t.text(FIELD_LABELS[field]))}**")
        value_col.text(value)


def ask_withdraw(token: str) -> None:
    st.session_state[CONFIRM_WITHDRAW] = token


def keep() -> None:
    st.session_state.pop(CONFIRM_WITHDRAW, None)


def withdraw_section(settings, token: str, t) -> None:
    """"Withdraw my proposal", then "are you sure?"."""
    if st.session_state.get(CONFIRM_WITHDRAW) != token:
        st.button(t("Withdraw my proposal"), key="proposal-withdraw", on_click=ask_withdraw, args=(token,))
        return
    st.warning(t("Withdraw this proposal? The organisers will no longer review it, and it cannot be undone: "
                 "to put the event on the map later, propose it again."))
    yes_col, no_col = st.columns(2)
    confirmed = yes_col.button(t("Yes, withdraw it"), key="proposal-withdraw-yes", type="primary")
    no_col.button(t("No, keep it"), key="proposal-withdraw-no", on_click=keep)
    if not confirmed:
        return
    keep()
    try:
        withdraw(token, store=common.store(settings), now=utc_now())
    except ProposalError as exc:  # decided, or withdrawn, meanwhile
        st.warning(escape_markdown(common.sentence(t.text(exc.text))))
        return
    except SpeakOutError as exc:
        common.show_failure(msg("Your proposal could not be withdrawn because of a problem on our side. "
                                "Please try again in a few minutes."), exc)
        return
    st.rerun()


def show_status(settings, proposal: Proposal, token: str, t) -> None:
    label = t.text(proposal.status.label)
    icon = STATUS_ICONS[proposal.status]
    if proposal.status is ProposalStatus.PENDING:
        st.info(t("Status: {status}. An organiser will look at it soon.", status=label), icon=icon)
    elif proposal.status is ProposalStatus.APPROVED:
        if proposal.version_number is not None:
            st.success(t("Status: {status}. It was published in version {number} of the map.", status=label,
                         number=proposal.version_number), icon=icon)
        else:
            st.success(t("Status: {status}.", status=label), icon=icon)
        st.page_link(common.MAP_PAGE_PATH, label=t("See it on the map"), icon="🗺️",
                     query_params=common.language_query())
    elif proposal.status is ProposalStatus.DECLINED:
        st.warning(t("Status: {status}.", status=label), icon=icon)
        if proposal.reason:
            st.markdown(t("**The organisers' reason:**"))
            st.text(proposal.reason)
    else:
        st.info(t("Status: {status}. You withdrew this proposal; it will not be reviewed.", status=label), icon=icon)
    st.caption(t("Sent on {date}.", date=t.date(proposal.created_at.date())))
    show_fields(proposal, t)
    if proposal.status is ProposalStatus.PENDING:
        withdraw_section(settings, token, t)


def not_found(t) -> None:
    st.info(t("This page shows a proposed event to its host, through the private link they got when they sent "
              "it. This link does not open any proposal: check that you copied the whole link."), icon="🔒")
    st.page_link(common.PROPOSE_PAGE_PATH, label=t("Propose an event"), icon="📣",
                 query_params=common.language_query())


t = common.translator()
settings = common.settings()
st.title(t("Your proposed event"))

token = (st.query_params.get(TOKEN_PARAMETER) or "").strip()
if not token or len(token) > MAX_TOKEN_CHARS:
    not_found(t)
    st.stop()
try:
    proposal = proposal_by_token(token, store=common.store(settings))
except ProposalNotFoundError:
    not_found(t)
    st.stop()
except SpeakOutError as exc:
    common.show_failure(msg("Your proposal cannot be shown right now because of a problem on our side. "
                            "Please try again in a few minutes."), exc)
    st.stop()
show_status(settings, proposal, token, t)
