"""End to end: every page passes axe-core's WCAG 2.2 A and AA rules, in English and Spanish, and the map works
from the keyboard.

axe-core comes from npm (``package.json``'s devDependencies, pinned; ``make test`` installs it into
``node_modules``) and is added to each page from disk, never fetched. It runs in every frame of a page on its
own (the app's page, the map's srcdoc iframe, any other component frame), so a finding names its frame. The
pages: the map, the guide, the proposal form, the share page, the organisers' page signed out, the light embed
with and without its list, and the static export opened from disk (the organisers' page signed in, tab by tab, and
a host's status page: test_accessibility_organisers.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import PAGE_TIMEOUT_MS, ROOT, SEED_EVENTS, AppServer
from test_browser import _MARKERS_JS, MAP_IFRAME, map_frame, markers, page_markers, whole_map_in_view

from speakout_map.languages.translator import translator_for
from speakout_map.maps.standalone import LIST_ID

pytestmark = pytest.mark.e2e

_playwright = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
expect = _playwright.expect

AXE_FILE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core's tags of the WCAG 2.0, 2.1 and 2.2 success criteria of levels A and AA.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
LANGUAGES = ("en", "es")
SEED_TOTAL = 19
#: How many of a rule's elements a failure names.
SHOWN_TARGETS = 4

_RUN_AXE = """async tags => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, iframes: false, resultTypes: ['violations']
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')),
    why: v.nodes.length ? [].concat(v.nodes[0].any, v.nodes[0].all, v.nodes[0].none)
      .map(c => c.message).join('; ') : '',
  }));
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_FILE.exists():
        pytest.skip(f"axe-core is not installed ({AXE_FILE.relative_to(ROOT)}): run npm ci (make test does)")
    return AXE_FILE.read_text(encoding="utf-8")


def frame_violations(frame, axe_source: str) -> list[dict]:
    """axe-core's WCAG A/AA violations in one frame (axe added to it first, if it has none yet)."""
    if not frame.evaluate("() => typeof window.axe === 'object'"):
        frame.add_script_tag(content=axe_source)
    return frame.evaluate(_RUN_AXE, list(WCAG_TAGS))


def frame_name(frame) -> str:
    if frame.parent_frame is None:
        return "the page"
    try:
        title = frame.frame_element().get_attribute("title") or ""
    except Exception:  # noqa: BLE001 - a frame on its way out: its address says enough
        title = ""
    return f"frame {title or frame.url[:60]!r}"


def page_violations(page, axe_source: str) -> dict[str, list[dict]]:
    """Every frame's violations, by frame, for the frames that have any."""
    found: dict[str, list[dict]] = {}
    for frame in page.frames:
        if frame.is_detached() or frame.url in ("", "about:blank"):
            continue
        violations = frame_violations(frame, axe_source)
        if violations:
            found[frame_name(frame)] = violations
    return found


def describe(found: dict[str, list[dict]]) -> str:
    """One line a rule: the frame, the rule's id, its impact, what it asks and the first elements it found."""
    lines = []
    for where, violations in found.items():
        for v in violations:
            targets = ", ".join(v["targets"][:SHOWN_TARGETS])
            more = f" (+{len(v['targets']) - SHOWN_TARGETS} more)" if len(v["targets"]) > SHOWN_TARGETS else ""
            lines.append(f"{where}: {v['id']} [{v['impact']}] {v['help']}: {targets}{more}")
            if v["why"]:
                lines.append(f"    first: {v['why'][:300]}")
    return "\n".join(lines)


def assert_axe_clean(visit, axe_source: str, label: str) -> None:
    visit.screenshot("axe")
    found = page_violations(visit.page, axe_source)
    if found:
        styled = visit.page.evaluate(_APP_STYLE_ON)
        found_again = page_violations(visit.page, axe_source)
        visit.screenshot("axe-again")
        assert not found, (f"axe-core found WCAG A/AA violations on {label} (the app's stylesheet in the page: "
                           f"{styled}; a second look a moment later found {'them again' if found_again else 'none'}):"
                           f"\n{describe(found)}")


#: Whether the app's own stylesheet (app_pages/static/app.css) is in the page.
_APP_STYLE_ON = "() => getComputedStyle(document.documentElement).getPropertyValue('--speakout-app-style').trim() === 'on'"


def streamlit_settled(page) -> None:
    """The page's first heading is shown, with the app's stylesheet, and Streamlit has finished running its script."""
    expect(page.locator("h1").first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function(_APP_STYLE_ON, timeout=PAGE_TIMEOUT_MS)
    expect(page.locator("[data-testid=stStatusWidget]")).to_have_count(0, timeout=PAGE_TIMEOUT_MS)
    expect(page.locator("[data-testid=stApp]")).to_have_attribute("data-test-script-state", "notRunning",
                                                                 timeout=PAGE_TIMEOUT_MS)
    for index in range(page.locator(MAP_IFRAME).count()):
        map_frame(page, index)


def map_settled(frame) -> None:
    """The map's markers the same on two polls in a row, with no animation running (mid-animation, clusters and
    pins overlap: targets too close together, for a moment)."""
    frame.wait_for_function(f"""() => {{
      const now = JSON.stringify(({_MARKERS_JS})());
      const animating = !!document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim');
      const same = window.__axeLastMarkers === now;
      window.__axeLastMarkers = now;
      return same && !animating;
    }}""", timeout=PAGE_TIMEOUT_MS, polling=250)


# --- the app's pages ---------------------------------------------------------------------------


APP_PAGES = ("/guide", "/propose", "/share", "/organise")


#: The map page's states checked: every event; a "near" search (its place drawn, the list in its order); the table
#: tab open; the list showing only the events in the map's view; an event opened from the list (marked there, its
#: popup open on the map); and a phone's screen.
MAP_STATES = ("all", "near", "table", "in-view", "opened", "phone")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("state", MAP_STATES)
def test_the_map_page_passes_axe(seed_app: AppServer, open_page, axe_source: str, lang: str, state: str):
    t = translator_for(lang)
    visit = open_page(bypass_csp=True, **(PHONE if state == "phone" else {}))
    page = visit.page
    page.goto(seed_app.url("/", lang=lang, **({"near": "Madrid"} if state == "near" else {})))
    streamlit_settled(page)
    if state == "near":
        frame = map_frame(page)
        frame.wait_for_selector(".speakout-origin", state="attached", timeout=PAGE_TIMEOUT_MS)
        map_settled(frame)
    else:
        page_markers(page, SEED_TOTAL)
    if state == "table":
        page.get_by_role("tab", name=t("Table")).click()
        expect(page.locator("[data-testid=stDataFrame]").first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    elif state == "in-view":
        old_map = page.locator(MAP_IFRAME).first.element_handle()
        page.get_by_text(t("Only the events in the map's view")).click()
        # A map of its own key (it reports its view) replaces the first: checked once that one has gone.
        page.wait_for_function("frame => !frame.isConnected", arg=old_map, timeout=PAGE_TIMEOUT_MS)
        page_markers(page, SEED_TOTAL)
        streamlit_settled(page)
        map_settled(map_frame(page))
    elif state == "opened":
        page.get_by_role("button", name=t("Show on the map")).first.click()
        expect(page.get_by_text(t("📍 Open on the map"))).to_have_count(1, timeout=PAGE_TIMEOUT_MS)
        frame = map_frame(page)
        expect(frame.locator(".leaflet-popup")).to_have_count(1, timeout=PAGE_TIMEOUT_MS)
        # faded in (mid-fade, its text is lighter than it will be)
        frame.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    assert_axe_clean(visit, axe_source, f"the map page, {state} ({lang})")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", APP_PAGES)
def test_the_app_pages_pass_axe(seed_app: AppServer, open_page, axe_source: str, path: str, lang: str):
    visit = open_page(bypass_csp=True)
    visit.page.goto(seed_app.url(path, lang=lang))
    streamlit_settled(visit.page)
    assert_axe_clean(visit, axe_source, f"{path} ({lang})")


# --- the light embed and the static export ------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("with_list", "phone"), ((False, False), (True, False), (True, True)),
                         ids=("map", "list", "list-phone"))
def test_the_light_embed_passes_axe(seed_app: AppServer, open_page, axe_source: str, lang: str, with_list: bool,
                                    phone: bool):
    visit = open_page(bypass_csp=True, **(PHONE if phone else {}))
    query = {"lang": lang, **({"list": "1"} if with_list else {})}
    visit.page.goto(seed_app.url("/embed", **query))
    markers(visit.page.main_frame, SEED_TOTAL)  # settled: mid-animation, clusters and pins overlap
    if with_list:
        expect(visit.page.locator(f"#{LIST_ID} > li")).to_have_count(SEED_TOTAL)
    assert_axe_clean(visit, axe_source, f"the light embed ({lang}{', with its list' if with_list else ''}"
                                        f"{', on a phone' if phone else ''})")


@pytest.fixture(scope="module")
def export_sites(tmp_path_factory, gazetteer_index) -> dict[str, Path]:
    from test_static_export_browser import export_folder

    return {lang: export_folder(tmp_path_factory, gazetteer_index.parent, f"axe-{lang}", SEED_EVENTS,
                                "--lang", lang, "--list") for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_static_export_passes_axe(export_sites: dict[str, Path], open_page, axe_source: str, lang: str):
    from test_static_export_browser import open_offline

    visit, _refused, _console = open_offline(open_page, export_sites[lang])
    markers(visit.page.main_frame, SEED_TOTAL)
    expect(visit.page.locator(f"#{LIST_ID} > li")).to_have_count(SEED_TOTAL)
    assert_axe_clean(visit, axe_source, f"the static export ({lang})")


# --- the keyboard ------------------------------------------------------------------------------


_FOCUSED_PIN = """() => {
  const el = document.activeElement;
  return el && el.classList.contains('speakout-pin') ? el.getAttribute('aria-label') : null;
}"""


def test_a_pin_is_reached_opened_and_closed_from_the_keyboard(seed_app: AppServer, open_page, axe_source: str):
    """Tab reaches a pin (with its name), Enter opens its popup as a dialog named by the event's title, with the focus
    in it (and axe finds nothing there either); Escape closes it and gives the pin the focus back; so does the
    popup's close button, pressed from the keyboard."""
    visit = open_page(bypass_csp=True)
    page = visit.page
    page.goto(seed_app.url("/"))
    streamlit_settled(page)
    page_markers(page, SEED_TOTAL)
    frame = map_frame(page)
    whole_map_in_view(frame)
    label = None
    for _ in range(120):
        page.keyboard.press("Tab")
        label = frame.evaluate(_FOCUSED_PIN)
        if label:
            break
    assert label and label.endswith(("(confirmed)", "(details to come)")), "Tab never reached a pin"
    page.keyboard.press("Enter")
    popup = frame.locator(".leaflet-popup")
    expect(popup).to_have_count(1)
    title = frame.locator(".leaflet-popup .speakout-popup-title").inner_text()
    assert label.startswith(title), (label, title)
    expect(popup).to_have_attribute("role", "dialog")
    expect(popup).to_have_attribute("aria-label", title)
    in_popup = frame.evaluate("() => !!document.activeElement.closest('.leaflet-popup')")
    assert in_popup, "the popup did not take the focus"
    # faded in (mid-fade, its text is lighter than it will be)
    frame.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    found = {"frame 'streamlit_folium.st_folium'": frame_violations(frame, axe_source)}
    assert not found[next(iter(found))], f"axe-core, with a popup open:\n{describe(found)}"
    visit.screenshot("popup-open")
    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)
    assert frame.evaluate(_FOCUSED_PIN) == label, "Escape did not give the focus back to the pin"
    # again, closed by its close button from the keyboard this time
    page.keyboard.press("Enter")
    expect(popup).to_have_count(1)
    close = frame.locator(".leaflet-popup-close-button")
    expect(close).to_have_attribute("aria-label", "Close the event's details")
    close.focus()
    page.keyboard.press("Enter")
    expect(popup).to_have_count(0)
    assert frame.evaluate(_FOCUSED_PIN) == label, "the close button did not give the focus back to the pin"


# --- focus ----------------------------------------------------------------------------------------


#: The focused element's name (for the message) and its box, with room around it for an outline or a ring.
_FOCUSED_BOX = """margin => {
  const el = document.activeElement;
  if (!el || el === document.body || el.tagName === 'IFRAME') return null;
  window.__focused = el;
  const r = el.getBoundingClientRect();
  const name = (el.getAttribute('aria-label') || el.innerText || el.getAttribute('data-testid') || '').trim();
  return {name: `${el.tagName.toLowerCase()} ${name.slice(0, 40)}`, x: Math.max(0, r.left - margin),
          y: Math.max(0, r.top - margin), width: r.width + 2 * margin, height: r.height + 2 * margin};
}"""
#: Pixels around a focused element where its focus may show.
FOCUS_MARGIN = 6


def _settled_shot(page, clip: dict) -> bytes:
    page.wait_for_timeout(250)  # Streamlit's widgets restyle on React's next render, and some fade
    return page.screenshot(clip=clip, animations="disabled")


@pytest.mark.parametrize("path", ("/", "/guide", "/propose", "/organise"))
def test_focus_is_always_visible(seed_app: AppServer, open_page, path: str):
    """Tab through the page's first elements: each, focused, looks different (pixel for pixel, in and around its box)
    from when the focus has left it, so a keyboard user always sees where they are."""
    visit = open_page()
    page = visit.page
    page.goto(seed_app.url(path))
    streamlit_settled(page)
    unseen, seen = [], 0
    for _ in range(20):
        page.keyboard.press("Tab")
        box = page.evaluate(_FOCUSED_BOX, FOCUS_MARGIN)
        if box is None:
            if page.evaluate("() => document.activeElement && document.activeElement.tagName === 'IFRAME'"):
                break  # the map's own focus is the map's test
            continue
        name = box.pop("name")
        focused = _settled_shot(page, box)
        page.evaluate("() => window.__focused.blur()")
        unfocused = _settled_shot(page, box)
        page.evaluate("() => window.__focused.focus()")
        seen += 1
        if focused == unfocused:
            unseen.append(name)
    assert seen >= 3, f"Tab reached only {seen} elements on {path}"
    assert not unseen, f"focused, these look as they do unfocused on {path}: {unseen}"
