"""The organisers' "Upload a spreadsheet" tab: the file, how its columns and dates are read, the preview, publish.

Layout only. The file is read by :func:`speakout_map.events.reading.read_upload`
(first as it is, to show its columns; again with what the organiser said about
it, a :class:`~speakout_map.events.sheet_reading.SheetReading`), then checked
and compared by :mod:`speakout_map.store.publishing`. What the organiser says
about a sheet's columns and dates is remembered in the store for the next
sheet with the same headers (:mod:`speakout_map.store.sheet_mappings`).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import common
from speakout_map.events import export
from speakout_map.events.headers import IGNORE, other_names
from speakout_map.events.model import ParseResult, SheetColumns
from speakout_map.events.reading import read_upload
from speakout_map.events.sheet_reading import (
    MAPPABLE_COLUMNS,
    PLAIN,
    DateFormat,
    SheetReading,
    headers_key,
    reading_of_choices,
    starting_choices,
)
from speakout_map.organisers.throttle import utc_now
from speakout_map.store import publishing
from speakout_map.store.publishing import Mode

#: Session keys: the file checked (read and placed) with how it is read; both choices compared with the published
#: version (kept by the page's current_preview under its context, "upload").
CHECKED, CHOICES = "upload-checked", "upload-preview"
#: The session keys a publish makes obsolete.
FORGET = (CHECKED, CHOICES, "upload-mode")
#: Characters of a column's first values shown beside its header.
SAMPLE_CHARS = 60


def date_format_label(t, form: DateFormat | None) -> str:
    if form is None:
        return t("YYYY-MM-DD, or Excel's date cells (as in the template)")
    if form is DateFormat.MONTH_DAY_YEAR:
        # Translators: the date format is kept as is.
        return t("{form} (month first)", form=form.value)
    return t("{form} (day first)", form=form.value)


def column_label(t, choice: str) -> str:
    # Our column names stay as the file writes them, in every language.
    return t("— leave it out —") if choice == IGNORE else choice


def sample_text(columns: SheetColumns, index: int) -> str:
    shown = ", ".join(columns.first_values(index))
    return shown if len(shown) <= SAMPLE_CHARS else shown[: SAMPLE_CHARS - 1] + "…"


def needs_a_word(result: ParseResult) -> bool:
    """Whether the file as it is has a problem the organiser can settle here: its header, or dates it cannot guess."""
    return any(p.row == 1 or p.column == "date" for p in (*result.errors, *result.warnings))


def choose_reading(t, columns: SheetColumns, remembered: SheetReading | None, key: str, expanded: bool) -> SheetReading:
    """The date format and each column's reading, chosen on the page (starting from what was remembered)."""
    starting = starting_choices(columns, remembered)
    forms = (None, *DateFormat)
    with st.expander(t("How your columns and dates are read"), expanded=expanded):
        st.caption(t("Say which of our columns each of your columns is, or leave it out. What you choose here is "
                     "remembered for the next file with the same column names."))
        form = st.selectbox(t("Dates in this file"), forms, key=f"{key}-dates",
                            index=forms.index(remembered.date_format if remembered else None),
                            format_func=lambda f: date_format_label(t, f))
        head = st.columns([2, 3, 2])
        head[0].markdown(t("**Your column**"))
        head[1].markdown(t("**First values**"))
        head[2].markdown(t("**Read as**"))
        options = (*MAPPABLE_COLUMNS, IGNORE)
        chosen = []
        for index, header in enumerate(columns.headers):
            cells = st.columns([2, 3, 2])
            # Text elements, not Markdown: a header or a value is the file's, and shown as it is.
            cells[0].text(header or t("(no name)"))
            cells[1].text(sample_text(columns, index))
            choice = cells[2].selectbox(
                t("Read {header} as", header=header or t("(no name)")), options, index=options.index(starting[index]),
                format_func=lambda c: column_label(t, c), key=f"{key}-column-{index}", label_visibility="collapsed",
                disabled=not header,
            )
            chosen.append(choice)
    return reading_of_choices(columns, chosen, form)


def remember(store, key: str, reading: SheetReading, remembered: SheetReading | None) -> None:
    """Keep what the organiser said for the next file with these headers, if it changed."""
    if reading != (remembered or PLAIN):
        store.sheet_mappings().save(key, reading, utc_now())


def read_file(data: bytes, name: str, reading: SheetReading, settings) -> ParseResult:
    return read_upload(data, name, max_bytes=settings.max_upload_bytes, today=dt.date.today(), reading=reading)


def show_tab(*, store, settings, t, show_preview, current_preview, placing_progress, show_outcome,
             template_day) -> None:
    st.markdown(t("Upload the list of events as **CSV** or **Excel (.xlsx)**: one row per event. Our template's "
                  "column names are read as they are, and so are the usual ones of spreadsheets and event "
                  "platforms (Start Date, Event Name, Ciudad, Fecha…); say which column is which for the others."))
    st.download_button(t("Download the template"), export.template_csv(day=template_day),
                       "speakout-events-template.csv", "text/csv")
    with st.expander(t("Column names we read")):
        # Translators: the headers of the table of column names; "our column" is the template's name for it.
        ours, theirs = t("our column"), t("also read from")
        st.dataframe(export.neutralise_rows({ours: column, theirs: ", ".join(names)} for column, names in other_names()),
                     hide_index=True, key="upload-header-names")
        st.caption(t("Case, accents, spaces and punctuation do not matter. A postal code column is left out."))
    uploaded = st.file_uploader(t("Events file"), type=["csv", "tsv", "txt", "xlsx"], key="upload")
    show_outcome("upload")
    if uploaded is None:
        return
    data = uploaded.getvalue()
    file_change = (uploaded.name, len(data), hash(data))
    cached = st.session_state.get("upload-plain")
    if cached is None or cached[0] != file_change:
        cached = st.session_state["upload-plain"] = (file_change, read_file(data, uploaded.name, PLAIN, settings))
    plain = cached[1]
    reading = PLAIN
    if plain.columns is not None:
        key = headers_key(plain.columns.headers)
        remembered = store.sheet_mappings().get(key)
        if remembered is not None:
            st.caption(t("Columns and dates are read as you said for the last file with these column names."))
        reading = choose_reading(t, plain.columns, remembered, f"upload-{key}",
                                 remembered is None and needs_a_word(plain))
        remember(store, key, reading, remembered)
    change = (file_change, reading)
    checked = st.session_state.get(CHECKED)
    if checked is None or checked[0] != change:
        result = plain if reading.is_plain else read_file(data, uploaded.name, reading, settings)
        checked = st.session_state[CHECKED] = (change, publishing.check(
            result, uploaded.name, geocoder=common.geocoder(settings), progress=placing_progress()))
    both = current_preview("upload", change, lambda: publishing.choices(checked[1], store))
    # The choice means something once the file reads cleanly and there is a published list to change.
    choosing = not checked[1].errors and both.based_on is not None
    mode = choose_mode(t, both) if choosing else Mode.REPLACE
    preview = both.of(mode)
    removed, published = len(preview.diff.removed), published_count(both.replace)
    confirmed = True
    if choosing and removes_most(removed, published):
        st.warning(t("This removes {removed:,} of {published:,} published events.", removed=removed,
                     published=published))
        confirmed = st.checkbox(t("Yes, remove them: this file is the whole new list"), key=f"upload-remove-{mode.value}")
    show_preview(preview, "upload", forget=FORGET, confirmed=confirmed)


def choose_mode(t, both: publishing.Choices) -> Mode:
    """Replace the whole list, or add and update: each option says what it would do."""
    labels = {Mode.REPLACE: t("Replace the whole list"), Mode.MERGE: t("Add and update")}
    captions = [
        t("The file is the new list: {summary}.", summary=t.text(both.replace.diff.summary())),
        t("New events added, matching ones updated (by the id column of our exports, else by city, country and "
          "date), the others left as they are: {summary}.", summary=t.text(both.merge.diff.summary())),
    ]
    return st.radio(t("What this file does"), (Mode.REPLACE, Mode.MERGE), format_func=labels.__getitem__,
                    captions=captions, key="upload-mode")


def published_count(replacing: publishing.Preview) -> int:
    """How many events the version a replacing preview was compared with has."""
    diff = replacing.diff
    return len(diff.removed) + len(diff.changed) + diff.unchanged


def removes_most(removed: int, published: int) -> bool:
    """Whether a publish would remove more than half of the published events (it then asks to be sure)."""
    return removed * 2 > published
