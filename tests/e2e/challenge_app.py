"""A test-only Streamlit script for tests/e2e/test_challenge_browser.py: the proof-of-work widget alone, and
what Python made of its payload, written out for the test to read (``streamlit run tests/e2e/challenge_app.py``).

The address sets it up: ``?auto=off`` waits for a tick, ``?expires=SECONDS`` makes short-lived challenges,
``?form=on`` puts the widget in an ``st.form`` with a "Send" button, as the proposal form has it. The page
renews its challenge as a real page would (``needs_renewal``), with no margin here.
"""

from contextlib import nullcontext
from datetime import timedelta

import streamlit as st

from app_pages.challenge import TEXT_KEYS, proof_of_work
from speakout_map.errors import ChallengeFailedError
from speakout_map.supporters.challenge import needs_renewal, new_challenge, verify_solution

SECRET = "e2e proof-of-work secret"
#: Small, so that solving takes a moment only.
MAX_NUMBER = 300
COST = 100
#: Texts the test can find, one per key (the page passes translated ones).
TEXTS = {name: f"text: {name}" for name in TEXT_KEYS}

auto = st.query_params.get("auto", "on") != "off"
expires_in = timedelta(seconds=int(st.query_params.get("expires", "600")))
in_form = st.query_params.get("form") == "on"

if st.button("New challenge") or needs_renewal(st.session_state.get("challenge"), margin=timedelta(0)):
    st.session_state["challenge"] = new_challenge(SECRET, max_number=MAX_NUMBER, cost=COST, expires_in=expires_in)
    st.session_state["challenges"] = st.session_state.get("challenges", 0) + 1
challenge = st.session_state["challenge"]

with st.form("form") if in_form else nullcontext():
    payload = proof_of_work(challenge, key="proof", texts=TEXTS, auto=auto)
    if in_form:
        st.form_submit_button("Send")
st.write(f"challenges: {st.session_state['challenges']}")
if payload is None:
    st.write("answer: none")
else:
    try:
        solved = verify_solution(payload, SECRET)
    except ChallengeFailedError as exc:
        st.write(f"answer: refused {exc.reason}")
    else:
        st.write(f"answer: verified {solved.digest[:12]}")
