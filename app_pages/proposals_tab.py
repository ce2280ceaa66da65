"""The organisers' Proposals tab: review what supporters proposed, edit it, approve or decline it.

Drawn by ``app_pages/organiser.py`` inside its tab. Approving is publishing:
the Approve button is the page's own publish button (``publish_button``),
so a click publishes the approval preview it was drawn with, through the
same request, checks and messages as an upload, refused if another version
was published since. Declining is asked for by a button's callback
(:func:`request_decline`) and carried out by the page before it draws
anything (:func:`carry_out_decline`), so the tab's count is right at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import streamlit as st
from streamlit_folium import st_folium

from app_pages import common
from speakout_map.errors import ProposalError, StoreError
from speakout_map.escaping import escape_markdown
from speakout_map.events import export
from speakout_map.events.model import Problem
from speakout_map.languages.message import Message, Text, msg
from speakout_map.languages.translator import Translator
from speakout_map.maps.build import build_map, map_options
from speakout_map.maps.focus import Focus
from speakout_map.places.nearby import events_near
from speakout_map.places.place import PlacedEvent
from speakout_map.settings import Settings
from speakout_map.store.store import Store
from speakout_map.supporters import moderation
from speakout_map.supporters.proposal import FIELD_LABELS, FORM_FIELDS, Proposal, ProposalStatus

#: Session key of a Decline click: (proposal id, the reason typed).
DECLINE_REQUEST = "decline-request"
#: The selectbox of pending proposals.
CHOICE = "proposal-choice"
#: The page's outcome contexts: what a decision did (top of the tab), and a refused decline (by its reason).
DECIDED, DECLINE = "proposals", "decline"
#: Published events within this many km are shown beside a proposal.
NEARBY_KM = 100.0
#: Fields edited in a text area rather than a one-line input.
LONG_FIELDS = frozenset({"description", "address"})

Outcome = tuple[str, Text, BaseException | None]


def pending_count(store: Store) -> int:
    return store.proposals().count(ProposalStatus.PENDING)


def tab_label(t: Translator, count: int) -> str:
    # Translators: the organisers' tab of supporters' proposals; {count} is how many wait for review.
    return t("Proposals ({count:,})", count=count)


def _key(proposal_id: int, part: str) -> str:
    return f"proposal-{proposal_id}-{part}"


def forget_keys(proposal_id: int) -> tuple[str, ...]:
    """The session keys that deciding proposal ``proposal_id`` makes obsolete."""
    return (CHOICE, _key(proposal_id, "edits"), _key(proposal_id, "approval"), _key(proposal_id, "reason"),
            *(_key(proposal_id, f"field-{name}") for name in FORM_FIELDS))


# --- decline: asked for by a callback, carried out before the page draws ---------------------


def request_decline(proposal_id: int) -> None:
    """The Decline button's callback: keep which proposal, and the reason as typed when clicked."""
    st.session_state[DECLINE_REQUEST] = (proposal_id, st.session_state.get(_key(proposal_id, "reason"), ""))


def carry_out_decline(request: tuple[int, str], *, store: Store, by: str) -> tuple[str, Outcome]:
    """Decline as asked; the outcome's context (:data:`DECIDED` on success, :data:`DECLINE` if refused)."""
    proposal_id, reason = request
    refused = msg("Not declined")
    try:
        moderation.decline(proposal_id, reason=reason, store=store, by=by, now=dt.datetime.now(dt.timezone.utc))
    except ProposalError as exc:
        return DECLINE, ("error", msg("{refused}: {reason}", refused=refused, reason=exc.text), None)
    except StoreError as exc:
        return DECLINE, ("failure", msg("{refused}: the event store failed. Nothing was changed; try again in a "
                                        "moment.", refused=refused), exc)
    for key in forget_keys(proposal_id):
        st.session_state.pop(key, None)
    return DECIDED, ("success", msg("Declined proposal {id}. Its host sees your reason on their status page.",
                                    id=proposal_id), None)


# --- the edits and their approval preview --------------------------------------------------


def _check_edits(proposal_id: int) -> None:
    """The edit form's callback: the fields as typed become the ones checked and approved."""
    st.session_state[_key(proposal_id, "edits")] = {
        name: st.session_state.get(_key(proposal_id, f"field-{name}"), "") for name in FORM_FIELDS
    }


def _restore(proposal_id: int) -> None:
    for key in forget_keys(proposal_id):
        if key != CHOICE:
            st.session_state.pop(key, None)


def current_approval(proposal: Proposal, *, store: Store, settings: Settings) -> moderation.Approval:
    """The approval of the proposal's fields (as edited) against the version published now, kept while both hold."""
    cells = dict(st.session_state.get(_key(proposal.id, "edits")) or proposal.cells)
    kept = st.session_state.get(_key(proposal.id, "approval"))
    if kept is None or kept[0] != cells or kept[1].preview.based_on != store.latest_number():
        approval = moderation.prepare_approval(proposal, cells, store=store, geocoder=common.geocoder(settings),
                                               today=dt.date.today())
        kept = st.session_state[_key(proposal.id, "approval")] = (cells, approval)
    return kept[1]


# --- drawing ------------------------------------------------------------------------------------


def _event_rows(t: Translator, placed: Sequence[PlacedEvent], distances: Sequence[float] | None = None) -> list[dict]:
    """Published events as table rows (with their distance in km first, if given); safe in a spreadsheet."""
    # Translators: the headers of the tables of published events beside a proposal ("km": their distance from it).
    km, date, city, country, title, venue = t("km"), t("date"), t("city"), t("country"), t("title"), t("venue")
    rows = []
    for i, item in enumerate(placed):
        event = item.event
        row = {km: round(distances[i], 1)} if distances is not None else {}
        row.update({date: t.date(event.date), city: event.city, country: t.country(event.country_code),
                    title: t.text(event.title_text), venue: event.venue})
        rows.append(row)
    return export.neutralise_rows(rows)


def _show_nearby(t: Translator, approval: moderation.Approval, published: Sequence[PlacedEvent], settings: Settings,
                 proposal_id: int) -> None:
    """The proposal on a small map with the published events near it, and those events in a table beside it."""
    placed = approval.checked.placed
    if placed is None:
        st.info(t("This proposal cannot be placed on the map until the problems below are fixed."))
        return
    duplicates = moderation.likely_duplicates(placed.event, published)
    if duplicates:
        st.warning(t.plural("Likely a duplicate: {count:,} published event is in the same city on the same date.",
                            "Likely a duplicate: {count:,} published events are in the same city on the same date.",
                            len(duplicates)))
        st.dataframe(_event_rows(t, duplicates), hide_index=True, key=_key(proposal_id, "duplicates"))
    near = events_near(published, (placed.place.latitude, placed.place.longitude), NEARBY_KM)
    map_col, table_col = st.columns([3, 2])
    with map_col:
        shown = (placed, *(() if near.none_within else near.events))
        focus = Focus(placed.place.latitude, placed.place.longitude, NEARBY_KM, t.text(placed.event.title_text))
        st_folium(build_map(shown, translator=t, focus=focus, **map_options(settings)), returned_objects=[],
                  use_container_width=True, height=320, key=_key(proposal_id, "map"))
    with table_col:
        if near.none_within and not near.events:
            st.caption(t("No published event within {radius:,} km.", radius=int(NEARBY_KM)))
        elif near.none_within:
            st.caption(t("No published event within {radius:,} km. The nearest:", radius=int(NEARBY_KM)))
        else:
            st.caption(t.plural("{count:,} published event within {radius:,} km:",
                                "{count:,} published events within {radius:,} km:", len(near.events),
                                radius=int(NEARBY_KM)))
        if near.events:
            st.dataframe(_event_rows(t, near.events, near.distances_km), hide_index=True,
                         key=_key(proposal_id, "nearby"))


def _field_problems(t: Translator, problems: Sequence[Problem], name: str, show: Callable[[str], object]) -> None:
    for problem in problems:
        if problem.column == name:
            show(escape_markdown(t.text(problem.text)))


def _show_form(t: Translator, proposal: Proposal, approval: moderation.Approval) -> None:
    """The proposal's fields, editable, each with its problems under it; checked with the upload's rules."""
    checked = approval.checked
    cells = st.session_state.get(_key(proposal.id, "edits")) or proposal.cells
    if checked.errors:
        st.error(t.plural("{count:,} problem to fix before approving: edit the field marked below, then check "
                          "the edits.",
                          "{count:,} problems to fix before approving: edit the fields marked below, then check "
                          "the edits.", len(checked.errors)))
    # Problems of no one field (none are expected: the check names the field) are shown above the form.
    for problems, show in ((checked.errors, st.error), (checked.warnings, st.warning)):
        for problem in problems:
            if problem.column not in FORM_FIELDS:
                show(escape_markdown(t.text(problem.text)))
    if checked.geocoder_unavailable:
        st.warning(t("The online geocoder is unavailable right now ({failure}). Try again later, or give the "
                     "latitude and longitude.", failure=escape_markdown(t.text(checked.geocoder_unavailable))))
    with st.form(_key(proposal.id, "form"), border=True):
        st.markdown(t("**The proposal's fields** (edit them if needed, then check the edits; the contact email "
                      "is for organisers only and never published)"))
        for name in FORM_FIELDS:
            widget = st.text_area if name in LONG_FIELDS else st.text_input
            widget(t.text(FIELD_LABELS[name]) if name != "contact_email" else t("Contact email (organisers only)"),
                   value=cells.get(name, ""), key=_key(proposal.id, f"field-{name}"))
            _field_problems(t, checked.errors, name, st.error)
            _field_problems(t, checked.warnings, name, st.warning)
        st.form_submit_button(t("Check the edits"), on_click=_check_edits, args=(proposal.id,),
                              key=_key(proposal.id, "check"))
    if _key(proposal.id, "edits") in st.session_state:
        st.button(t("Undo my edits"), key=_key(proposal.id, "restore"), on_click=_restore, args=(proposal.id,))


def _show_decline(t: Translator, proposal: Proposal, show_outcome: Callable[[str], None]) -> None:
    st.subheader(t("Decline"))
    st.text_area(t("Reason (the host reads it on their status page)"), key=_key(proposal.id, "reason"),
                 max_chars=moderation.MAX_REASON_CHARS)
    show_outcome(DECLINE)
    st.button(t("Decline"), key=f"decline-{proposal.id}", on_click=request_decline, args=(proposal.id,))


def _show_decided(t: Translator, decided: Sequence[Proposal]) -> None:
    st.subheader(t("Decided proposals"))
    if not decided:
        st.caption(t("None yet."))
        return
    # Translators: the headers of the table of decided proposals.
    headers = (t("proposal"), t("status"), t("sent (UTC)"), t("decided (UTC)"), t("by"), t("date"), t("city"),
               t("title"), t("reason"), t("version"))
    rows = [dict(zip(headers, (
        p.id, t.text(p.status.label), p.created_at.strftime("%Y-%m-%d %H:%M"),
        p.decided_at.strftime("%Y-%m-%d %H:%M") if p.decided_at else "", p.decided_by, p.cells.get("date", ""),
        p.cells.get("city", ""), p.cells.get("title", ""), p.reason, p.version_number,
    ))) for p in reversed(decided)]
    st.dataframe(export.neutralise_rows(rows), hide_index=True, key="proposals-decided")


def _choice_label(t: Translator, proposal: Proposal) -> str:
    cells = proposal.cells
    # Translators: one pending proposal in the list: its number, when it was sent (UTC), its date, city and title.
    return t("{id} · sent {sent} · {date} {city}: {title}", id=proposal.id,
             sent=proposal.created_at.strftime("%Y-%m-%d %H:%M"), date=cells.get("date", ""),
             city=cells.get("city", ""), title=cells.get("title", ""))


def show_tab(*, store: Store, settings: Settings, t: Translator, publish_button: Callable[..., None],
             show_outcome: Callable[[str], None]) -> None:
    """The whole tab: the pending proposals, oldest first, one at a time; then the decided ones."""
    show_outcome(DECIDED)
    everything = store.proposals().list()
    pending = [p for p in everything if p.status is ProposalStatus.PENDING]
    if not pending:
        st.info(t("No proposal is waiting for review."))
    else:
        by_id: Mapping[int, Proposal] = {p.id: p for p in pending}
        if st.session_state.get(CHOICE) not in by_id:
            st.session_state.pop(CHOICE, None)
        chosen = st.selectbox(t.plural("{count:,} proposal waiting for review, oldest first",
                                       "{count:,} proposals waiting for review, oldest first", len(pending)),
                              list(by_id), key=CHOICE, format_func=lambda i: _choice_label(t, by_id[i]))
        proposal = by_id[chosen]
        st.caption(t("Proposal {id}, sent {sent} (UTC).", id=proposal.id,
                     sent=proposal.created_at.strftime("%Y-%m-%d %H:%M")))
        latest = store.latest_number()
        published = common.published_events(settings, latest)
        approval = current_approval(proposal, store=store, settings=settings)
        _show_nearby(t, approval, published, settings, proposal.id)
        _show_form(t, proposal, approval)
        if approval.ok:
            st.markdown(escape_markdown(t("Approving publishes a new version: the events of version {based_on} "
                                          "with this one added ({summary}).", based_on=approval.preview.based_on or 0,
                                          summary=approval.preview.diff.summary())))
        publish_button(approval, DECIDED, label=t("Approve"), key=f"approve-{proposal.id}",
                       done=approved_message(proposal.id), refused=msg("Not approved"),
                       forget=forget_keys(proposal.id))
        _show_decline(t, proposal, show_outcome)
    _show_decided(t, [p for p in everything if p.status is not ProposalStatus.PENDING])


def approved_message(proposal_id: int) -> Message:
    return msg("Approved proposal {id}: published version {number} with {rows} events. The map shows it now.",
               id=proposal_id)
