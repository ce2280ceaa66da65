/*
 * SpeakOut Map: the map on a page of its own (the light embed and the static export;
 * speakout_map/maps/standalone.py puts it on the page).
 *
 * speakoutStandalone(map, options) applies the page's display options:
 *   scroll   true: the map takes the wheel (zoom) and a finger (pan), as a map filling its frame does;
 *            false: it never takes the page's scrolling, so a partner's page scrolls past it
 *            (no wheel zoom, and no one-finger panning on touch screens; zoom with + and -).
 * It has no words and reads no event text.
 */
function speakoutStandalone(map, options) {
  if (options.scroll === false) {
    map.scrollWheelZoom.disable();
    if (L.Browser.mobile || L.Browser.touch) {
      map.dragging.disable();
      if (map.touchZoom) { map.touchZoom.disable(); }
      if (map.tap) { map.tap.disable(); }
    }
  } else {
    map.scrollWheelZoom.enable();
  }
  return map;
}
