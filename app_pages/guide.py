"""Host-your-own-event guide, rendered from the Markdown file organisers edit, in the visitor's language."""

import streamlit as st

from app_pages import common
from speakout_map.errors import SpeakOutError
from speakout_map.languages.localising import language_name
from speakout_map.languages.message import msg

t = common.translator()
settings = common.settings()
try:
    guide = common.guide(settings, t.language)
except SpeakOutError as exc:  # e.g. the guide file is missing
    common.show_failure(msg("The guide cannot be shown right now. Please try again later."), exc)
else:
    if guide.language != t.language:
        st.info(t("This guide is not written in {language} yet, so here it is in {shown}.",
                  language=language_name(t.language), shown=language_name(guide.language)), icon="🌐")
    st.markdown(guide.markdown)
st.page_link(common.PROPOSE_PAGE_PATH, label=t("Ready? Propose your event for the map"), icon="📣",
             query_params=common.language_query())
st.page_link(common.MAP_PAGE_PATH, label=t("Back to the map of events"), icon="🗺️",
             query_params=common.language_query())
