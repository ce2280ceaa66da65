"""Propose an event: a supporter's own event, checked by the upload's rules, placed on a small map, sent for review.

Two steps. "Check and show on the map" checks the form exactly as an upload's
row is checked (:func:`~speakout_map.supporters.checking.check_proposal`: the same
messages, the same geocoder) and shows the place on a small map, where the host
moves the pin by clicking (streamlit-folium returns a click, not a dragged
marker's drop) or by typing its coordinates. "Send proposal" hands the checked
proposal to :func:`~speakout_map.supporters.submitting.submit_proposal` (honeypot,
time trap, rate limit, cap on pending proposals) and shows the private status
link once. Nothing here touches the published map.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit_folium import st_folium

from app_pages import common
from app_pages.challenge import proof_of_work, script_url
from speakout_map.errors import (
    ChallengeFailedError,
    ProposalError,
    RateLimitedError,
    SpeakOutError,
    StoreError,
    UnknownCountryError,
)
from speakout_map.escaping import escape_markdown
from speakout_map.events.model import Problem
from speakout_map.languages.message import msg
from speakout_map.maps.build import map_options, missing_assets_message
from speakout_map.maps.pin import Point, clicked_point, pin_map, point_of
from speakout_map.organisers.throttle import utc_now
from speakout_map.places.countries import country_codes, resolve_country
from speakout_map.supporters.challenge import needs_renewal, new_challenge
from speakout_map.supporters.checking import CheckedProposal, check_proposal
from speakout_map.supporters.guards import CHECK_LIMITS, HONEYPOT_FIELD, RateLimiter
from speakout_map.supporters.proposal import FIELD_LABELS, FIELD_LIMITS, FORM_FIELDS
from speakout_map.supporters.submitting import ProposalRules, submit_proposal
from speakout_map.web.routes import app_path

STYLE_FILE = Path(__file__).resolve().parent / "static" / "propose.css"

#: Session keys: when the form was first shown (the time trap), the checked proposal, the coordinates the host
#: set (text, as the form's fields), the last map click acted on, and the status link after sending.
OPENED_AT = "propose-opened-at"
CHECKED = "propose-checked"
COORDINATES = "propose-coordinates"
LAST_CLICK = "propose-last-click"
SENT = "propose-sent"
#: The proof-of-work challenge this session's browser is solving (when the operator asked for one).
CHALLENGE = "propose-challenge"
LATITUDE_INPUT, LONGITUDE_INPUT = "propose-latitude-input", "propose-longitude-input"
#: Where the pin now is, for the coordinate inputs of the next run (a widget's value is set before it is drawn).
PIN_INPUTS = "propose-pin-inputs"
#: The address parameter the map's "Propose an event near X" link fills in.
CITY_PARAMETER = "city"
#: The fields the form asks for directly; latitude and longitude come from the map or the coordinates below it.
TYPED_FIELDS = tuple(f for f in FORM_FIELDS if f not in ("latitude", "longitude"))
MAP_HEIGHT = 380


def key(field: str) -> str:
    """The session key of a field's widget."""
    return f"propose-{field}"


def prefill_from_address() -> None:
    """``?city=Cork, Ireland`` fills in the city (and the country, when the text after the last comma is one)."""
    if key("city") in st.session_state:
        return
    text = (st.query_params.get(CITY_PARAMETER) or "").strip()
    city, _, country = text.rpartition(",")
    try:
        code = resolve_country(country) if city.strip() else None
    except UnknownCountryError:
        code = None
    if code is not None:
        st.session_state[key("country")] = code
        text = city.strip()
    st.session_state[key("city")] = text[: FIELD_LIMITS["city"]]


def start_again() -> None:
    """An empty form for another event (the time trap starts again too)."""
    for name in [*map(key, TYPED_FIELDS), HONEYPOT_FIELD, CHECKED, COORDINATES, LAST_CLICK, SENT,
                 LATITUDE_INPUT, LONGITUDE_INPUT, PIN_INPUTS, "propose-map"]:
        st.session_state.pop(name, None)
    st.session_state[OPENED_AT] = utc_now()


def status_link(token: str) -> str:
    """The host's private status page: absolute when the browser's address is known, else the path."""
    path = app_path("/proposal", st.get_option("server.baseUrlPath") or "")
    query = urlencode({"token": token, **common.language_query()})
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:  # noqa: BLE001 - no browser behind this run (a test harness)
        parts = None
    if parts is not None and parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}{path}?{query}"
    return f"{path}?{query}"


def field_widget(field: str, t) -> None:
    """One field of the form, labelled in plain words, limited to the length the check takes."""
    label, limit = t.text(FIELD_LABELS[field]), FIELD_LIMITS[field]
    if field == "country":
        codes = country_codes()
        st.selectbox(label, t.countries(codes), index=None, key=key(field), accept_new_options=True,
                     format_func=lambda v: t.country(v) if v in codes else v,
                     placeholder=t("Choose a country, or type its name"))
    elif field == "date":
        today = dt.date.today()
        st.date_input(label, value=None, key=key(field), format=t.date_picker_format,
                      min_value=today - dt.timedelta(days=366), max_value=today + dt.timedelta(days=3 * 366))
    elif field == "start_time":
        st.time_input(label, value=None, key=key(field), step=dt.timedelta(minutes=5),
                      help=t("Local time where the event is. Leave it empty if you do not know it yet."))
    elif field == "description":
        st.text_area(label, key=key(field), max_chars=limit,
                     help=t("What will happen, what to bring, how to find the group. Plain text."))
    elif field == "url":
        st.text_input(label, key=key(field), max_chars=limit, placeholder="https://", type="url",
                      help=t("The event's own page, e.g. on Facebook or your group's site. Optional."))
    elif field == "contact_email":
        st.text_input(label, key=key(field), max_chars=limit, type="email", autocomplete="email",
                      help=t("Optional. Never shown on the map or anywhere public: only the organisers see it, "
                             "to ask you about this event if they need to."))
    else:
        st.text_input(label, key=key(field), max_chars=limit)


def form_values(coordinates: tuple[str, str] | None) -> dict[str, object]:
    """The form's fields as last submitted, with the coordinates the host set (if any)."""
    values = {field: st.session_state.get(key(field)) for field in TYPED_FIELDS}
    if coordinates is not None:
        values["latitude"], values["longitude"] = coordinates
    return values


def run_check(settings, coordinates: tuple[str, str] | None) -> CheckedProposal | None:
    """Check (and place) the form as it stands; the result goes into the session. None if the check failed
    (or this visitor checked too often: checking may ask the online geocoder)."""
    client = common.public_client(settings)
    try:
        limiter = RateLimiter(common.store(settings).client_actions(), CHECK_LIMITS)
        limiter.check(client)
        limiter.record(client)
        checked = check_proposal(form_values(coordinates), geocoder=common.geocoder(settings))
    except RateLimitedError as exc:
        st.error(escape_markdown(common.sentence(common.translator().text(exc.text))))
        return None
    except SpeakOutError as exc:
        common.show_failure(msg("Your event cannot be checked right now because of a problem on our side. "
                                "Please try again in a few minutes."), exc)
        return None
    st.session_state[CHECKED] = checked
    st.session_state[COORDINATES] = coordinates
    if checked.placed is not None:  # the coordinates below the map show where the pin is
        st.session_state[PIN_INPUTS] = (checked.placed.place.latitude, checked.placed.place.longitude)
    return checked


def problem_line(problem: Problem, t) -> str:
    label = t.text(FIELD_LABELS[problem.column]) if problem.column in FIELD_LABELS else problem.column or ""
    text = t.text(problem.text)
    return f"- **{escape_markdown(label)}**: {escape_markdown(text)}" if label else f"- {escape_markdown(text)}"


def show_check(checked: CheckedProposal, t) -> None:
    """What the check found: problems per field, warnings, and where the event was placed."""
    if checked.errors:
        st.error(t.plural("**{count:,}** thing to fix before sending:", "**{count:,}** things to fix before sending:",
                          len(checked.errors)) + "\n\n" + "\n".join(problem_line(p, t) for p in checked.errors))
    if checked.warnings:
        st.warning(t("Please check:") + "\n\n" + "\n".join(problem_line(p, t) for p in checked.warnings))
    if checked.geocoder_unavailable is not None:
        st.warning(escape_markdown(common.sentence(t.text(checked.geocoder_unavailable))))
    if checked.placed is not None:
        place = checked.placed.place
        name = f"{place.name}, {t.country(place.country_code)}" if place.country_code else place.name
        st.success(t("Your event is placed in {place}. Is the pin in the right spot? If not, click the map where "
                     "the event is, or type its coordinates below the map.", place=escape_markdown(name)))
    else:
        st.info(t("Once the form has no problems, the map shows where your event will be. If the place cannot be "
                  "found, click the map where the event is, or type its coordinates below the map."))


def move_pin(settings, point: Point) -> None:
    """Place the event at ``point`` (the host's correction) and check again."""
    if run_check(settings, point.cells()) is not None:
        st.rerun()


def place_section(settings, checked: CheckedProposal, t) -> None:
    """The small map with the event's pin, and its coordinates to type."""
    placed = checked.placed.place if checked.placed is not None else None
    coordinates = st.session_state.get(COORDINATES)
    if placed is not None:
        point = Point(placed.latitude, placed.longitude)
    else:  # problems elsewhere in the form: the pin stays where the host put it, if they did
        point = point_of(*coordinates) if coordinates is not None else None
    missing = missing_assets_message(settings)
    if missing:
        common.show_failure(msg("The map cannot be drawn right now; give the coordinates below instead."), missing)
    else:
        returned = st_folium(pin_map(point, **map_options(settings)), returned_objects=["last_clicked"],
                             key="propose-map", height=MAP_HEIGHT, use_container_width=True)
        click = clicked_point(returned)
        if click is not None and click != st.session_state.get(LAST_CLICK):
            st.session_state[LAST_CLICK] = click
            move_pin(settings, click)
    st.caption(t("Or type the coordinates (decimal degrees; you can copy them from any online map):"))
    pin_inputs = st.session_state.pop(PIN_INPUTS, None)
    if pin_inputs is not None:
        st.session_state[LATITUDE_INPUT], st.session_state[LONGITUDE_INPUT] = pin_inputs
    lat_col, lon_col = st.columns(2)
    latitude = lat_col.number_input(t.text(FIELD_LABELS["latitude"]), min_value=-90.0, max_value=90.0, value=None,
                                    step=0.0001, format="%.5f", key=LATITUDE_INPUT)
    longitude = lon_col.number_input(t.text(FIELD_LABELS["longitude"]), min_value=-180.0, max_value=180.0,
                                     value=None, step=0.0001, format="%.5f", key=LONGITUDE_INPUT)
    move_col, city_col = st.columns(2)
    if move_col.button(t("Move the pin to these coordinates"), key="propose-move"):
        typed = point_of(latitude, longitude)
        if typed is None:
            st.error(t("Give both the latitude and the longitude, then press the button again."))
        else:
            move_pin(settings, typed)
    if st.session_state.get(COORDINATES) is not None and city_col.button(
            t("Place it by the city again"), key="propose-by-city"):
        if run_check(settings, None) is not None:
            st.rerun()


def proof_widget(settings, t) -> str | None:
    """The optional proof of work: the browser solves this session's challenge while the host reads on."""
    challenge = st.session_state.get(CHALLENGE)
    if needs_renewal(challenge):
        challenge = st.session_state[CHALLENGE] = new_challenge(
            common.challenge_secret(settings), max_number=settings.proposal_challenge_max_number)
    return proof_of_work(challenge, key="propose-proof", widget_url=script_url(settings.asset_base_url), texts={
        "label": t("Anti-spam check, done by your browser"),
        "verifying": t("Checking…"),
        "verified": t("Done: you can send"),
        "error": t("The check failed. Reload the page and try again."),
        "expired": t("The check ran out of time. Tick it again."),
        "insecure": t("This check needs a secure (https) page. Open this site with https:// and try again."),
        "unavailable": t("The anti-spam check cannot start right now, so the form cannot be sent. Please try "
                         "again later."),
    })


def send(settings, checked: CheckedProposal, t, proof: str | None = None) -> None:
    """Hand the checked proposal to the library's guards and the store; on success, the status link."""
    challenge_on = settings.proposal_challenge
    try:
        submission = submit_proposal(
            checked,
            store=common.store(settings),
            client=common.public_client(settings),
            honeypot=st.session_state.get(HONEYPOT_FIELD, ""),
            opened_at=st.session_state.get(OPENED_AT),
            now=utc_now(),
            rules=ProposalRules(settings.proposals_max_pending, settings.proposal_min_seconds),
            proof=proof,
            proof_secret=common.challenge_secret(settings) if challenge_on else None,
        )
    except (RateLimitedError, ProposalError, ChallengeFailedError) as exc:
        if challenge_on:
            st.session_state.pop(CHALLENGE, None)  # a proof counts once: the browser solves a new one
        st.error(escape_markdown(common.sentence(t.text(exc.text))))
        return
    except StoreError as exc:
        common.show_failure(msg("Your proposal could not be kept because of a problem on our side, so it was not "
                                "sent. Please try again in a few minutes."), exc)
        return
    st.session_state[SENT] = (submission.token, status_link(submission.token))
    st.session_state.pop(CHECKED, None)
    st.session_state.pop(CHALLENGE, None)
    st.rerun()


def show_sent(t) -> None:
    """The confirmation, with the private status link (the store keeps only its digest)."""
    token, link = st.session_state[SENT]
    st.success(t("Thank you! Your event was sent. An organiser will check it soon; once approved, it appears on "
                 "the map for everyone."))
    st.markdown(t("**Keep this private link.** It shows whether your event was approved, and lets you withdraw it. "
                  "We do not keep a copy and cannot send it again: bookmark it or copy it now, and share it with "
                  "no one."))
    st.code(link, language=None, wrap_lines=True)
    st.page_link(common.PROPOSAL_PAGE_PATH, label=t("Open the status page of your event"), icon="📨",
                 query_params={"token": token, **common.language_query()})
    st.button(t("Propose another event"), on_click=start_again, key="propose-another")


t = common.translator()
settings = common.settings()
# Our own stylesheet (no event text in it). st.html sends a style-only body to the event container,
# where Streamlit 1.67 does not draw it, so it goes in as Markdown's HTML.
st.markdown(f"<style>{STYLE_FILE.read_text(encoding='utf-8')}</style>", unsafe_allow_html=True)
st.title(t("Propose an event"))

if st.session_state.get(SENT):
    show_sent(t)
    st.stop()

st.markdown(t("Hosting an event for the day of action? Tell us about it here. An organiser checks each proposal, "
              "then it appears on the map for everyone. No account needed, and we never ask for your name."))
st.caption(t("City, country and date are needed; the rest helps people find and join your event."))
st.session_state.setdefault(OPENED_AT, utc_now())
prefill_from_address()

with st.form("propose-form", enter_to_submit=False):
    for field in TYPED_FIELDS:
        field_widget(field, t)
    # The honeypot: hidden from people by propose.css; a bot that fills it in is refused when sending.
    st.text_input(t("Leave this empty"), key=HONEYPOT_FIELD, autocomplete="off")
    check_clicked = st.form_submit_button(t("Check and show on the map"), type="primary", key="propose-check")

if check_clicked:
    before = st.session_state.get(CHECKED)
    coordinates = st.session_state.get(COORDINATES)
    moved_town = before is None or any(before.cells.get(f, "") != str(st.session_state.get(key(f)) or "").strip()
                                       for f in ("city", "country"))
    run_check(settings, None if moved_town else coordinates)  # a pin set for another town does not follow

checked = st.session_state.get(CHECKED)
if checked is not None:
    show_check(checked, t)
    place_section(settings, checked, t)
    if checked.ok:
        st.divider()
        st.markdown(t("All set. Send it, and an organiser will review it."))
        st.caption(t("Changed something in the form? Press “Check and show on the map” again first: what is sent "
                     "is what was checked."))
        proof = proof_widget(settings, t) if settings.proposal_challenge else None
        if st.button(t("Send proposal"), type="primary", key="propose-send"):
            send(settings, checked, t, proof)
