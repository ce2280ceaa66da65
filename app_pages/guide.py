"""Host-your-own-event guide, rendered from the Markdown file organisers edit."""

import streamlit as st

from app_pages import common
from speakout_map.errors import SpeakOutError
from speakout_map.store.guide import file_version

settings = common.settings()
try:
    st.markdown(common.guide_markdown(settings, file_version(settings.guide_file)))
except SpeakOutError as exc:  # e.g. the guide file is missing
    common.show_failure("The guide cannot be shown right now. Please try again later.", exc)
st.page_link(common.MAP_PAGE_PATH, label="Back to the map of events", icon="🗺️")
