"""SpeakOut Map: the Streamlit entry point (``streamlit run app.py``).

Declares the pages and their URL paths; each page lives in ``app_pages/`` (not ``pages/``, which Streamlit would also serve by file name).
"""

import streamlit as st

st.set_page_config(page_title="SpeakOut Map", page_icon="📣", layout="wide")

MAP_PAGE = st.Page("app_pages/map.py", title="Event map", icon="🗺️", url_path="map", default=True)
GUIDE_PAGE = st.Page("app_pages/guide.py", title="Host an event", icon="📣", url_path="guide")
ORGANISER_PAGE = st.Page("app_pages/organiser.py", title="Organisers", icon="🔑", url_path="organise")

st.navigation([MAP_PAGE, GUIDE_PAGE, ORGANISER_PAGE], position="top").run()
