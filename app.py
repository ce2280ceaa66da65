"""SpeakOut Map: the Streamlit entry point (``streamlit run app.py``).

Declares the pages and their URL paths; each page lives in ``app_pages/`` (not ``pages/``, which Streamlit would also serve by file name).
A failure no page expected is shown to visitors as a short message, its traceback going to the server log
(``st.stop()`` and ``st.rerun()`` are not ``Exception``s, so they pass through).
"""

import streamlit as st

from app_pages import common

st.set_page_config(page_title="SpeakOut Map", page_icon="📣", layout="wide")

MAP_PAGE = st.Page("app_pages/map.py", title="Event map", icon="🗺️", url_path="map", default=True)
GUIDE_PAGE = st.Page("app_pages/guide.py", title="Host an event", icon="📣", url_path="guide")
ORGANISER_PAGE = st.Page("app_pages/organiser.py", title="Organisers", icon="🔑", url_path="organise")

page = st.navigation([MAP_PAGE, GUIDE_PAGE, ORGANISER_PAGE], position="top")
try:
    page.run()
except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback for visitors
    common.show_failure(common.SITE_FAILURE, exc)
