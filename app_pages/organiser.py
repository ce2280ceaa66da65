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
from speakout_map.events.model import COLUMNS
from speakout_map.maps.build import build_map, map_options
from speakout_map.store import publishing

settings = common.settings()
st.title("Organisers")

organiser = common.signed_in_organiser(settings)
if organiser is None:
    st.stop()

try:
    store = common.store(settings)
    store.latest_number()  # fail here, loudly, rather than halfway down the page
except SpeakOutError as exc:
    st.error(f"The event store cannot be used right now, so nothing can be published: {escape_markdown(str(exc))}")
    st.stop()
top_left, top_right = st.columns([4, 1])
top_left.markdown(f"Signed in as **{escape_markdown(organiser)}**")
top_right.button("Sign out", on_click=common.sign_out)


def show_problems(problems, key: str) -> None:
    """Each problem's spreadsheet row, column and message, as the CLI's --json gives them."""
    st.dataframe([p.as_dict() for p in problems], hide_index=True, key=key,
                 column_config={"message": st.column_config.TextColumn("problem")})


def show_preview(preview: publishing.Preview, context: str) -> None:
    """Errors, warnings, the differences and the new map, then the publish button."""
    if preview.errors:
        st.error(
            f"{len(preview.errors)} problem(s) to fix in {escape_markdown(preview.source)}. "
            "Nothing is published until the file is clean; the published map is unchanged."
        )
        show_problems(preview.errors, f"{context}-errors")
    if getattr(preview, "geocoder_unavailable", None):
        st.warning(
            "The online geocoder is unavailable right now, so the places only it knows could not be placed "
            f"({escape_markdown(preview.geocoder_unavailable)}). Nothing was published: the published map "
            "is unchanged. Try again later, or add latitude and longitude to the rows listed above."
        )
    if preview.warnings:
        st.warning(f"{len(preview.warnings)} warning(s): worth a look, but they do not block publishing.")
        show_problems(preview.warnings, f"{context}-warnings")
    if not preview.errors:
        st.subheader("Changes against the published version")
        st.markdown(escape_markdown(preview.diff.summary()))
        if not preview.diff.is_empty:
            st.dataframe(diff_rows_for_display(preview.diff), hide_index=True, key=f"{context}-diff")
        st.subheader("The new map")
        st_folium(build_map(preview.placed, **map_options(settings)), returned_objects=[],
                  use_container_width=True, height=420, key=f"{context}-map")
    if st.button("Publish", type="primary", disabled=not preview.ok, key=f"{context}-publish"):
        try:
            info = publishing.publish(preview, store=store, by=organiser)
        except (StaleVersionError, NotPublishableError, StoreError) as exc:
            st.error(f"Not published: {escape_markdown(str(exc))}")
        else:
            st.session_state.pop(f"{context}-preview", None)
            st.success(f"Published version {info.number} with {info.rows} events. The map shows it now.")


def placing_progress():
    bar = st.progress(0.0, text="Placing events on the map…")

    def report(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Placed {done} of {total} events")

    return report


upload_tab, edit_tab, history_tab = st.tabs(["Upload a spreadsheet", "Edit the published events", "History"])

with upload_tab:
    with common.store_errors_shown("check the upload"):
        st.markdown(
            "Upload the whole list of events as **CSV** or **Excel (.xlsx)**: one row per event, "
            "with the columns of the template."
        )
        st.download_button("Download the template", export.template_csv(), "speakout-events-template.csv", "text/csv")
        uploaded = st.file_uploader("Events file", type=["csv", "tsv", "txt", "xlsx"], key="upload")
        if uploaded is not None:
            data = uploaded.getvalue()
            fingerprint = (uploaded.name, len(data), hash(data), store.latest_number())
            cached = st.session_state.get("upload-preview")
            if cached is None or cached[0] != fingerprint:
                preview = publishing.prepare_upload(
                    data, uploaded.name, store=store, geocoder=common.geocoder(settings),
                    max_bytes=settings.max_upload_bytes, today=dt.date.today(),
                    progress=placing_progress(),
                )
                st.session_state["upload-preview"] = (fingerprint, preview)
            show_preview(st.session_state["upload-preview"][1], "upload")

with edit_tab:
    with common.store_errors_shown("load the published events for editing"):
        latest = store.latest()
        if latest is None:
            st.info("Nothing is published yet: upload a spreadsheet first.")
        else:
            st.caption(f"Version {latest.info.number}. Change cells, add or delete rows, then check and publish.")
            table = pd.DataFrame(export.events_to_rows([p.event for p in latest.events], include_private=True), columns=list(COLUMNS))
            edited = st.data_editor(
                table.astype("string"), num_rows="dynamic", hide_index=True, key=f"editor-{latest.info.number}"
            )
            if st.button("Check the changes", key="edit-check"):
                rows = edited.astype(object).where(edited.notna(), "").to_dict("records")
                st.session_state["edit-preview"] = publishing.prepare_rows(
                    rows, store=store, geocoder=common.geocoder(settings), today=dt.date.today(),
                    progress=placing_progress(),
                )
            if "edit-preview" in st.session_state:
                show_preview(st.session_state["edit-preview"], "edit")

with history_tab:
    with common.store_errors_shown("load the history"):
        versions = store.history()
        if not versions:
            st.info("Nothing is published yet.")
        else:
            st.dataframe(
                [
                    {"version": v.number, "published (UTC)": v.created_at.strftime("%Y-%m-%d %H:%M"), "by": v.by,
                     "file": v.source, "rows": v.rows}
                    for v in reversed(versions)
                ],
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
            latest_number = numbers[0]
            if chosen != latest_number:
                st.markdown(
                    f"Rolling back publishes the {version.info.rows} events of version {chosen} as a new version; "
                    "it can be undone the same way."
                )
                if st.button(f"Roll back to version {chosen}", key="rollback"):
                    try:
                        info = store.rollback(chosen, by=organiser, based_on=latest_number)
                    except (StaleVersionError, StoreError) as exc:
                        st.error(f"Not rolled back: {escape_markdown(str(exc))}")
                    else:
                        st.success(f"Published version {info.number}: the events of version {chosen}.")
                        st.rerun()
