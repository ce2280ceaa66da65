"""Organisers: sign in; upload, preview and publish; edit in place; history and rollback."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages import common
from speakout_map.errors import NotPublishableError, SpeakOutError, StaleVersionError, StoreError
from speakout_map.escaping import escape_markdown
from speakout_map.events import export
from speakout_map.events.diff import diff_rows_for_display
from speakout_map.events.model import COLUMNS, Problem
from speakout_map.maps.build import build_map, map_options
from speakout_map.store import publishing

#: Session key of the publish a button asked for: the preview it was drawn with, and what to say.
PUBLISH_REQUEST = "publish-request"

settings = common.settings()
st.title("Organisers")

# Taken before the sign-in check, so that a click is carried out only for an organiser signed in now.
publish_request = st.session_state.pop(PUBLISH_REQUEST, None)
organiser = common.signed_in_organiser(settings)
if organiser is None:
    st.stop()

try:
    store = common.store(settings)
    store.latest_number()  # fail here, loudly, rather than halfway down the page
except SpeakOutError as exc:
    common.show_failure("The event store cannot be used right now, so nothing can be published. "
                        "Please try again in a few minutes.", exc)
    st.stop()
top_left, top_right = st.columns([4, 1])
top_left.markdown(f"Signed in as **{escape_markdown(organiser)}**")
top_right.button("Sign out", on_click=common.sign_out)


#: Session keys of the edit tab: the version its table shows, and the rows last checked (a count, the rows).
EDIT_BASE, EDIT_ROWS = "edit-base", "edit-rows"
PUBLISHED = "Published version {number} with {rows} events. The map shows it now."


def show_problems(problems: tuple[Problem, ...], key: str) -> None:
    """Each problem's spreadsheet row, column and message, as the CLI's --json gives them."""
    st.dataframe(export.neutralise_rows(p.as_dict() for p in problems), hide_index=True, key=key,
                 column_config={"message": st.column_config.TextColumn("problem")})


def show_diff(preview: publishing.Preview, key: str) -> None:
    """The summary of the differences, and a row per added, removed or changed event."""
    st.markdown(escape_markdown(preview.diff.summary()))
    if not preview.diff.is_empty:
        st.dataframe(export.neutralise_rows(diff_rows_for_display(preview.diff)), hide_index=True, key=key)


def current_preview(context: str, change: object, make) -> publishing.Preview:
    """The preview of ``change`` against the version published now: ``make()`` again when either changed."""
    cached = st.session_state.get(f"{context}-preview")
    if cached is None or cached[0] != change or cached[1].based_on != store.latest_number():
        cached = st.session_state[f"{context}-preview"] = (change, make())
    return cached[1]


#: What this run's publish request did, by context: (kind, text, detail), shown by show_outcome.
outcomes: dict[str, tuple[str, str, BaseException | None]] = {}


def request_publish(*request) -> None:
    """The publish buttons' callback: keep the preview the button was drawn with, for :func:`carry_out`.

    Streamlit calls it before the page runs again, so the request holds the
    preview the organiser saw, not one the page would compute now.
    """
    st.session_state[PUBLISH_REQUEST] = request


def carry_out(preview: publishing.Preview, context: str, done: str, refused: str, forget: tuple[str, ...]) -> None:
    """Publish the preview a button was drawn with, before the page computes anything new.

    So a publish replaces the version that preview was compared with and no
    other, and is refused (StaleVersionError) if another was published since.
    ``forget`` are the session keys a publish makes obsolete.
    """
    try:
        info = publishing.publish(preview, store=store, by=organiser)
    except StaleVersionError as exc:
        outcome = ("error", f"{refused}: {exc}. The differences shown now are against version {exc.latest}: "
                   "check them, and publish again only if you still want to.", None)
    except NotPublishableError as exc:
        outcome = ("error", f"{refused}: {exc}", None)
    except StoreError as exc:
        outcome = ("failure", f"{refused}: the event store failed. Nothing was published; the published "
                   "events are unchanged. Try again in a moment.", exc)
    else:
        for key in forget:
            st.session_state.pop(key, None)
        outcome = ("success", done.format(number=info.number, rows=info.rows), None)
    outcomes[context] = outcome


def show_outcome(context: str) -> None:
    """What the click of ``context``'s publish button did, if it was clicked."""
    outcome = outcomes.get(context)
    if outcome is None:
        return
    kind, text, detail = outcome
    if kind == "success":
        st.success(escape_markdown(text))
    elif kind == "error":
        st.error(escape_markdown(text))
    else:
        common.show_failure(text, detail)


def publish_button(preview: publishing.Preview, context: str, *, label: str = "Publish", key: str | None = None,
                   done: str = PUBLISHED, refused: str = "Not published", forget: tuple[str, ...] = ()) -> None:
    """A button that publishes ``preview``, the one on the page now (see :func:`carry_out`)."""
    st.button(label, type="primary", disabled=not preview.ok, key=key or f"{context}-publish",
              on_click=request_publish, args=(preview, context, done, refused, forget))


def show_preview(preview: publishing.Preview, context: str, *, forget: tuple[str, ...] = ()) -> None:
    """Errors, warnings, the differences and the new map, then the publish button."""
    if preview.errors:
        st.error(
            f"{len(preview.errors)} problem(s) to fix in {escape_markdown(preview.source)}. "
            "Nothing is published until the file is clean; the published map is unchanged."
        )
        show_problems(preview.errors, f"{context}-errors")
    if preview.geocoder_unavailable:
        st.warning(
            "The online geocoder is unavailable right now, so the places only it knows could not be placed "
            f"({escape_markdown(preview.geocoder_unavailable)}). Nothing was published: the published map "
            "is unchanged. Try again later, or add latitude and longitude to the rows listed above."
        )
    if preview.warnings:
        st.warning(f"{len(preview.warnings)} warning(s): worth a look, but they do not block publishing.")
        show_problems(preview.warnings, f"{context}-warnings")
    if not preview.errors:
        against = "nothing is published yet" if preview.based_on is None else f"version {preview.based_on}"
        st.subheader(f"Changes against the published version ({against})")
        show_diff(preview, f"{context}-diff")
        st.subheader("The new map")
        st_folium(build_map(preview.placed, **map_options(settings)), returned_objects=[],
                  use_container_width=True, height=420, key=f"{context}-map")
    publish_button(preview, context, forget=forget)


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


def placing_progress():
    bar = st.progress(0.0, text="Placing events on the map…")

    def report(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Placed {done} of {total} events")

    return report


if publish_request is not None:
    carry_out(*publish_request)

upload_tab, edit_tab, history_tab = st.tabs(["Upload a spreadsheet", "Edit the published events", "History"])

with upload_tab:
    with common.store_errors_shown("check the upload"):
        st.markdown(
            "Upload the whole list of events as **CSV** or **Excel (.xlsx)**: one row per event, "
            "with the columns of the template."
        )
        st.download_button("Download the template", export.template_csv(), "speakout-events-template.csv", "text/csv")
        uploaded = st.file_uploader("Events file", type=["csv", "tsv", "txt", "xlsx"], key="upload")
        show_outcome("upload")
        if uploaded is not None:
            data = uploaded.getvalue()
            change = (uploaded.name, len(data), hash(data))
            preview = current_preview("upload", change, lambda: publishing.prepare_upload(
                data, uploaded.name, store=store, geocoder=common.geocoder(settings),
                max_bytes=settings.max_upload_bytes, today=dt.date.today(), progress=placing_progress(),
            ))
            show_preview(preview, "upload")

with edit_tab:
    with common.store_errors_shown("load the published events for editing"):
        latest_number = store.latest_number()
        if latest_number is None:
            st.info("Nothing is published yet: upload a spreadsheet first.")
        else:
            base = edit_base(latest_number)
            if base == latest_number:
                st.caption(f"Version {base}. Change cells, add or delete rows, then check and publish.")
            else:
                st.warning(f"Version {latest_number} was published after you began editing version {base}, so "
                           "your table does not have its changes. Check your table to see what publishing it "
                           f"would change in version {latest_number}, or start again from that version.")
                st.button(f"Start again from version {latest_number}", key="edit-restart", on_click=forget_edits)
            events = [p.event for p in store.get(base).events]
            table = pd.DataFrame(export.events_to_rows(events, include_private=True), columns=list(COLUMNS))
            edited = st.data_editor(table.astype("string"), num_rows="dynamic", hide_index=True, key=f"editor-{base}")
            if st.button("Check the changes", key="edit-check"):
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

with history_tab:
    with common.store_errors_shown("load the history"):
        versions = store.history()
        if not versions:
            st.info("Nothing is published yet.")
        else:
            st.dataframe(
                export.neutralise_rows(
                    {"version": v.number, "published (UTC)": v.created_at.strftime("%Y-%m-%d %H:%M"), "by": v.by,
                     "file": v.source, "rows": v.rows}
                    for v in reversed(versions)
                ),
                hide_index=True,
                key="history",
            )
            numbers = [v.number for v in reversed(versions)]
            chosen = st.selectbox("Version", numbers, key="history-version", format_func=lambda n: f"Version {n}")
            version = store.get(chosen)
            csv_col, geo_col = st.columns(2)
            csv_col.download_button(
                "Download as CSV (with contact emails)",
                export.events_to_csv([p.event for p in version.events], include_private=True),
                f"speakout-events-v{chosen}.csv",
                "text/csv",
                key="download-csv",
            )
            geo_col.download_button(
                "Download as GeoJSON",
                export.geojson_text(version.events),
                f"speakout-events-v{chosen}.geojson",
                "application/geo+json",
                key="download-geojson",
            )
            show_outcome("rollback")
            if chosen != numbers[0]:
                preview = current_preview("rollback", chosen, lambda: publishing.prepare_rollback(chosen, store=store))
                st.markdown(
                    f"Rolling back publishes the {preview.rows} events of version {chosen} as a new version; "
                    f"it can be undone the same way. What it changes in the published version (version "
                    f"{preview.based_on}):"
                )
                show_diff(preview, "rollback-diff")
                publish_button(preview, "rollback", label=f"Roll back to version {chosen}", key="rollback",
                               done=f"Published version {{number}}: the events of version {chosen}.",
                               refused="Not rolled back", forget=("history-version",))
