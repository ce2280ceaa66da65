"""A test-only Streamlit script for tests/e2e/test_geolocation.py: the "Near me" button alone, and what
Python got from it, written out for the test to read (``streamlit run tests/e2e/geolocation_app.py``)."""

import streamlit as st

from app_pages.geolocation import TEXT_KEYS, locate_me

#: Texts the test can find, one per status (the page passes translated ones).
TEXTS = {name: f"status: {name}" for name in TEXT_KEYS}

position = locate_me("Find me", key="near_me", texts=TEXTS)
st.button("Run the page again")  # a rerun, as any other widget of the map page makes
st.session_state["runs"] = st.session_state.get("runs", 0) + 1
st.write(f"runs: {st.session_state['runs']}")
if position is None:
    st.write("answer: none")
elif position.located:
    st.write(f"answer: located {position.latitude:.4f} {position.longitude:.4f} {position.accuracy_m is not None}")
else:
    st.write(f"answer: {position.outcome.value}")
