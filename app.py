"""SpeakOut Map: the Streamlit entry point (``streamlit run app.py``).

Chooses the visitor's language, declares the pages and their URL paths (each
page lives in ``app_pages/``, not ``pages/``, which Streamlit would also serve
by file name) and puts the language switch above every page. A failure no
page expected is shown to visitors as a short message, its traceback going to
the server log (``st.stop()`` and ``st.rerun()`` are not ``Exception``s, so
they pass through).
"""

import streamlit as st

from app_pages import common
from speakout_map.escaping import escape_markdown

st.set_page_config(page_title="SpeakOut Map", page_icon="📣", layout="wide")

try:
    choice = common.choose_session_language()
except Exception as exc:  # noqa: BLE001 - the pages still work in English
    common.log.error("the visitor's language could not be chosen; English it is", exc_info=exc)
    choice = None
t = common.translator()

pages = [
    st.Page("app_pages/map.py", title=t("Event map"), icon="🗺️", url_path="map", default=True),
    st.Page("app_pages/guide.py", title=t("Host an event"), icon="📣", url_path="guide"),
    st.Page("app_pages/organiser.py", title=t("Organisers"), icon="🔑", url_path="organise"),
]
page = st.navigation(pages, position="top")
common.language_switch(t)
if choice is not None and choice.ignored is not None:
    st.warning(t("This site is not available in the language “{language}” yet, so it is shown in {shown}.",
                 language=escape_markdown(choice.ignored), shown=common.language_name(choice.language)), icon="🌐")
try:
    page.run()
except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback for visitors
    common.show_failure(common.SITE_FAILURE, exc)
