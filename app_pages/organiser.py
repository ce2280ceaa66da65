"""Organisers: sign in; upload, preview and publish; edit in place; review proposals; history and rollback."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages import common, guide_tab, import_tab, proposals_tab, sign_in, upload_tab
from speakout_map.errors import NotPublishableError, ProposalError, SpeakOutError, StaleVersionError, StoreError
from speakout_map.escaping import escape_markdown
from speakout_map.events import export
from speakout_map.events.diff import diff_rows_for_display
from speakout_map.events.identity import event_uids
from speakout_map.supporters.going import version_going
from speakout_map.events.model import COLUMNS, Problem
from speakout_map.languages.message import Message, Text, msg
from speakout_map.maps.build import build_map, map_options
from speakout_map.store import publishing
from speakout_map.supporters import moderation

#: Session key of the publish a button asked for: the preview it was drawn with, and what to say.
PUBLISH_REQUEST = "publish-request"

t = common.translator()
settings = common.settings()
st.title(t("Organisers"))

# Taken before the sign-in check, so that a click is carried out only for an organiser signed in now.
publish_request = st.session_state.pop(PUBLISH_REQUEST, None)
decline_request = st.session_state.pop(proposals_tab.DECLINE_REQUEST, None)
organiser = sign_in.signed_in_organiser(settings)
if organiser is None:
    st.stop()

try:
    store = common.store(settings)
    store.latest_number()  # fail here, loudly, rather than halfway down the page
except SpeakOutError as exc:
    common.show_failure(msg("The event store cannot be used right now, so nothing can be published. "
                            "Please try again in a few minutes."), exc)
    st.stop()
top_left, top_right = st.columns([4, 1])
top_left.markdown(t("Signed in as **{organiser}**", organiser=escape_markdown(organiser)))
top_right.button(t("Sign out"), on_click=sign_in.sign_out)


#: Session keys of the edit tab: the version its table shows, and the rows last checked (a count, the rows).
EDIT_BASE, EDIT_ROWS = "edit-base", "edit-rows"
PUBLISHED = msg("Published version {number} with {rows} events. The map shows it now.")


def show_problems(problems: tuple[Problem, ...], key: str, *, by_line: bool = False) -> None:
    """Each problem's spreadsheet row (``by_line``: line of pasted text), column and message, in this language."""
    # Translators: the headers of the problems table; "column" is a column of the organisers' spreadsheet,
    # "line" a line of a pasted announcement.
    row, column, problem = t("line") if by_line else t("row"), t("column"), t("problem")
    st.dataframe(export.neutralise_rows({row: p.row, column: p.column, problem: t.text(p.text)} for p in problems),
                 hide_index=True, key=key)


def show_diff(preview: publishing.Preview, key: str) -> None:
    """The summary of the differences, and a row per added, removed or changed event."""
    st.markdown(escape_markdown(t.text(preview.diff.summary())))
    if not preview.diff.is_empty:
        st.dataframe(export.neutralise_rows(diff_rows_for_display(preview.diff, translator=t)), hide_index=True,
                     key=key)


def current_preview(context: str, change: object, make) -> publishing.Preview | publishing.Choices:
    """The preview (or an upload's choices) of ``change`` against the version published now: ``make()`` again
    when either changed."""
    cached = st.session_state.get(f"{context}-preview")
    if cached is None or cached[0] != change or cached[1].based_on != store.latest_number():
        cached = st.session_state[f"{context}-preview"] = (change, make())
    return cached[1]


#: What this run's publish request did, by context: (kind, text, detail), shown by show_outcome.
outcomes: dict[str, tuple[str, Text, BaseException | None]] = {}


def request_publish(*request) -> None:
    """The publish buttons' callback: keep the preview the button was drawn with, for :func:`carry_out`.

    Streamlit calls it before the page runs again, so the request holds the
    preview the organiser saw, not one the page would compute now.
    """
    st.session_state[PUBLISH_REQUEST] = request


def carry_out(preview: publishing.Preview | moderation.Approval, context: str, done: Message, refused: Text,
              forget: tuple[str, ...]) -> None:
    """Publish the preview a button was drawn with, before the page computes anything new.

    So a publish replaces the version that preview was compared with and no
    other, and is refused (StaleVersionError) if another was published since.
    An approval of a proposal publishes its preview and marks the proposal
    approved in the same transaction. ``forget`` are the session keys a
    publish makes obsolete.
    """
    try:
        if isinstance(preview, moderation.Approval):
            info = moderation.approve(preview, store=store, by=organiser)
        else:
            info = publishing.publish(preview, store=store, by=organiser)
    except StaleVersionError as exc:
        # Translators: {refused} is "Not published", "Not rolled back" or "Not approved"; {reason} says why,
        # in a clause.
        outcome = ("error", msg("{refused}: {reason}. The differences shown now are against version {latest}: "
                                "check them, and publish again only if you still want to.",
                                refused=refused, reason=exc.text, latest=exc.latest), None)
    except (NotPublishableError, ProposalError) as exc:
        outcome = ("error", msg("{refused}: {reason}", refused=refused, reason=exc.text), None)
    except StoreError as exc:
        outcome = ("failure", msg("{refused}: the event store failed. Nothing was published; the published "
                                  "events are unchanged. Try again in a moment.", refused=refused), exc)
    else:
        for key in forget:
            st.session_state.pop(key, None)
        outcome = ("success", done.with_fields(number=info.number, rows=info.rows), None)
    outcomes[context] = outcome


def show_outcome(context: str) -> None:
    """What the click of ``context``'s publish button did, if it was clicked."""
    outcome = outcomes.get(context)
    if outcome is None:
        return
    kind, text, detail = outcome
    if kind == "success":
        st.success(escape_markdown(t.text(text)))
    elif kind == "error":
        st.error(escape_markdown(t.text(text)))
    else:
        common.show_failure(text, detail)


def publish_button(preview: publishing.Preview | moderation.Approval, context: str, *, label: str | None = None,
                   key: str | None = None, done: Message = PUBLISHED, refused: Text = msg("Not published"),
                   forget: tuple[str, ...] = (), confirmed: bool = True) -> None:
    """A button that publishes ``preview``, the one on the page now (see :func:`carry_out`); off until ``confirmed``."""
    st.button(label or t("Publish"), type="primary", disabled=not (preview.ok and confirmed),
              key=key or f"{context}-publish",
              on_click=request_publish, args=(preview, context, done, refused, forget))


def show_preview(preview: publishing.Preview, context: str, *, forget: tuple[str, ...] = (),
                 by_line: bool = False, confirmed: bool = True) -> None:
    """Errors, warnings, the differences and the new map, then the publish button (``by_line``: problems of
    pasted text, by line; the button is off until ``confirmed``)."""
    if preview.errors:
        st.error(t.plural("{count:,} problem to fix in {source}. Nothing is published until the file is clean; "
                          "the published map is unchanged.",
                          "{count:,} problems to fix in {source}. Nothing is published until the file is clean; "
                          "the published map is unchanged.", len(preview.errors), source=escape_markdown(preview.source)))
        show_problems(preview.errors, f"{context}-errors", by_line=by_line)
    if preview.geocoder_unavailable:
        st.warning(t("The online geocoder is unavailable right now, so the places only it knows could not be placed "
                     "({failure}). Nothing was published: the published map is unchanged. Try again later, or add "
                     "latitude and longitude to the rows listed above.",
                     failure=escape_markdown(t.text(preview.geocoder_unavailable))))
    if preview.warnings:
        st.warning(t.plural("{count:,} warning: worth a look, but it does not block publishing.",
                            "{count:,} warnings: worth a look, but they do not block publishing.", len(preview.warnings)))
        show_problems(preview.warnings, f"{context}-warnings", by_line=by_line)
    if not preview.errors:
        if preview.based_on is None:
            st.subheader(t("Changes against the published version (nothing is published yet)"))
        else:
            st.subheader(t("Changes against the published version (version {number})", number=preview.based_on))
        show_diff(preview, f"{context}-diff")
        st.subheader(t("The new map"))
        st_folium(build_map(preview.placed, translator=t, **map_options(settings)), returned_objects=[],
                  use_container_width=True, height=420, key=f"{context}-map")
    publish_button(preview, context, forget=forget, confirmed=confirmed)


def edit_base(latest: int) -> int:
    """The version the edit table shows: the latest, unless the organiser began editing an older one.

    Edits are kept when someone else publishes meanwhile; the organiser then
    checks them against the newer version, or starts again from it.
    """
    base = st.session_state.get(EDIT_BASE)
    state = st.session_state.get(f"editor-{base}") or {}
    edited = EDIT_ROWS in st.session_state or any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))
    if base is None or (base != latest and not edited):
        base = latest
    st.session_state[EDIT_BASE] = base
    return base


def forget_edits() -> None:
    for key in (EDIT_BASE, EDIT_ROWS, "edit-preview"):
        st.session_state.pop(key, None)


def campaign_day():
    """The campaign's first day of action (the template's example is dated then), or None."""
    try:
        dates = common.campaign(settings).dates
    except SpeakOutError:
        return None
    return dates[0] if dates else None


def placing_progress():
    bar = st.progress(0.0, text=t("Placing events on the map…"))

    def report(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0,
                     text=t.plural("Placed {done:,} of {count:,} event", "Placed {done:,} of {count:,} events", total,
                                   done=done))

    return report


if publish_request is not None:
    carry_out(*publish_request)
if decline_request is not None:
    context, outcome = proposals_tab.carry_out_decline(decline_request, store=store, by=organiser)
    outcomes[context] = outcome

pending_count = 0
with common.store_errors_shown(msg("count the proposals")):
    pending_count = proposals_tab.pending_count(store)
upload_section, import_text_tab, edit_tab, review_tab, guide_edit_tab, history_tab = st.tabs([
    t("Upload a spreadsheet"), t("Import from text"), t("Edit the published events"),
    proposals_tab.tab_label(t, pending_count), t("Guide and materials"), t("History"),
])

with upload_section:
    with common.store_errors_shown(msg("check the upload")):
        upload_tab.show_tab(store=store, settings=settings, t=t, show_preview=show_preview,
                            current_preview=current_preview, placing_progress=placing_progress,
                            show_outcome=show_outcome,
                            template_day=campaign_day())

with edit_tab:
    with common.store_errors_shown(msg("load the published events for editing")):
        latest_number = store.latest_number()
        if latest_number is None:
            st.info(t("Nothing is published yet: upload a spreadsheet first."))
        else:
            base = edit_base(latest_number)
            if base == latest_number:
                st.caption(t("Version {number}. Change cells, add or delete rows, then check and publish.",
                             number=base))
            else:
                st.warning(t("Version {latest} was published after you began editing version {base}, so your table "
                             "does not have its changes. Check your table to see what publishing it would change in "
                             "version {latest}, or start again from that version.", latest=latest_number, base=base))
                st.button(t("Start again from version {number}", number=latest_number), key="edit-restart",
                          on_click=forget_edits)
            events = [p.event for p in store.get(base).events]
            table = pd.DataFrame(export.events_to_rows(events, include_private=True), columns=list(COLUMNS))
            edited = st.data_editor(table.astype("string"), num_rows="dynamic", hide_index=True, key=f"editor-{base}")
            if st.button(t("Check the changes"), key="edit-check"):
                rows = edited.astype(object).where(edited.notna(), "").to_dict("records")
                st.session_state[EDIT_ROWS] = (st.session_state.get(EDIT_ROWS, (0,))[0] + 1, rows)
            show_outcome("edit")
            if EDIT_ROWS in st.session_state:
                checked, rows = st.session_state[EDIT_ROWS]
                preview = current_preview("edit", checked, lambda: publishing.prepare_rows(
                    rows, store=store, geocoder=common.geocoder(settings), today=dt.date.today(),
                    progress=placing_progress(),
                ))
                show_preview(preview, "edit", forget=(EDIT_BASE, EDIT_ROWS, "edit-preview"))

with review_tab:
    with common.store_errors_shown(msg("load the proposals")):
        proposals_tab.show_tab(store=store, settings=settings, t=t, publish_button=publish_button,
                               show_outcome=show_outcome)

with import_text_tab:
    with common.store_errors_shown(msg("check the pasted text")):
        import_tab.show_tab(store=store, settings=settings, t=t, show_preview=show_preview,
                            current_preview=current_preview, placing_progress=placing_progress,
                            show_outcome=show_outcome)

with guide_edit_tab:
    with common.store_errors_shown(msg("load the guide")):
        guide_tab.show_tab(store=store, settings=settings, t=t, organiser=organiser)

with history_tab:
    with common.store_errors_shown(msg("load the history")):
        versions = store.history()
        if not versions:
            st.info(t("Nothing is published yet."))
        else:
            # Translators: the headers of the table of published versions.
            headers = (t("version"), t("published (UTC)"), t("by"), t("file"), t("rows"))
            st.dataframe(
                export.neutralise_rows(
                    dict(zip(headers, (v.number, v.created_at.strftime("%Y-%m-%d %H:%M"), v.by, v.source, v.rows)))
                    for v in reversed(versions)
                ),
                hide_index=True,
                key="history",
            )
            numbers = [v.number for v in reversed(versions)]
            chosen = st.selectbox(t("Version"), numbers, key="history-version",
                                  format_func=lambda n: t("Version {number}", number=n))
            version = store.get(chosen)
            going = version_going(store, version.events)
            csv_col, geo_col = st.columns(2)
            csv_col.download_button(
                t("Download as CSV (with contact emails)"),
                export.events_to_csv([p.event for p in version.events], include_private=True, going=going,
                                     ids=event_uids([p.event for p in version.events])),
                f"speakout-events-v{chosen}.csv",
                "text/csv",
                key="download-csv",
            )
            geo_col.download_button(
                t("Download as GeoJSON"),
                export.geojson_text(version.events, going=going),
                f"speakout-events-v{chosen}.geojson",
                "application/geo+json",
                key="download-geojson",
            )
            show_outcome("rollback")
            if chosen != numbers[0]:
                preview = current_preview("rollback", chosen, lambda: publishing.prepare_rollback(chosen, store=store))
                st.markdown(t.plural(
                    "Rolling back publishes the {count:,} event of version {chosen} as a new version; it can be undone "
                    "the same way. What it changes in the published version (version {based_on}):",
                    "Rolling back publishes the {count:,} events of version {chosen} as a new version; it can be "
                    "undone the same way. What it changes in the published version (version {based_on}):",
                    preview.rows, chosen=chosen, based_on=preview.based_on))
                show_diff(preview, "rollback-diff")
                publish_button(preview, "rollback", label=t("Roll back to version {number}", number=chosen),
                               key="rollback",
                               done=msg("Published version {number}: the events of version {chosen}.", chosen=chosen),
                               refused=msg("Not rolled back"), forget=("history-version",))
