"""The organisers' "Import from text" tab: paste a campaign's announcement, preview its events as an upload's, publish.

Layout only: the text is read by :func:`speakout_map.events.announcement.parse_announcement`
and goes on the upload's road (:func:`speakout_map.store.publishing.prepare`,
then the page's own preview and Publish button). A problem's row is the line
of the pasted text.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import common
from speakout_map.campaign import campaign_from_settings
from speakout_map.errors import SettingsError
from speakout_map.events.announcement import MAX_ANNOUNCEMENT_CHARS, PASTED_SOURCE, parse_announcement
from speakout_map.places.chain import gazetteer_of
from speakout_map.store import publishing

#: Session key of the text last read: (how many times "Read the text" was pressed, the text, the year).
IMPORT_READ = "import-read"
#: The session keys a publish makes obsolete (the page's preview of this tab is "import-preview").
FORGET = (IMPORT_READ, "import-preview")
#: Years the year input offers.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def campaign_year(settings) -> int | None:
    """The year of the campaign's first day of action, None if the settings give none (or cannot be read)."""
    try:
        return campaign_from_settings(settings).year
    except SettingsError:
        return None


def show_tab(*, store, settings, t, show_preview, current_preview, placing_progress, show_outcome) -> None:
    st.markdown(t("Paste the campaign's announcement: one event per line, with its place and date, such as "
                  "“Asunción, Paraguay – September 3: Click here”. Bullets, numbers, times (19:00, 7pm, 19h), "
                  "links, and “details to come” or “por confirmar” are understood; headings and other text "
                  "are skipped. Links copied from a web page keep their address only when pasted as "
                  "Markdown: [Click here](https://...)."))
    year = campaign_year(settings)
    text = st.text_area(t("Announcement"), key="import-text", height=300, max_chars=MAX_ANNOUNCEMENT_CHARS,
                        placeholder=t("• Asunción, Paraguay – September 3: Click here"))
    if year is None:
        year = int(st.number_input(t("Year of the dates written without one"), min_value=FIRST_YEAR,
                                   max_value=LAST_YEAR, value=dt.date.today().year, step=1, key="import-year"))
    else:
        st.caption(t("Dates written without a year are read as {year}, the campaign's year.", year=str(year)))
    if st.button(t("Read the text"), key="import-read-button"):
        st.session_state[IMPORT_READ] = (st.session_state.get(IMPORT_READ, (0,))[0] + 1, text, year)
    show_outcome("import")
    if IMPORT_READ not in st.session_state:
        return
    change, pasted, pasted_year = st.session_state[IMPORT_READ]
    geocoder = common.geocoder(settings)
    preview = current_preview("import", change, lambda: publishing.prepare(
        parse_announcement(pasted, year=pasted_year, gazetteer=gazetteer_of(geocoder), today=dt.date.today()),
        PASTED_SOURCE, store=store, geocoder=geocoder, progress=placing_progress(),
    ))
    if preview.errors or preview.warnings:
        st.caption(t("Each problem's line is a line of the pasted text (the first line is 1)."))
    show_preview(preview, "import", forget=FORGET, by_line=True)
