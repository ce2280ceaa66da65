/*
 * SpeakOut Map: the map on a page of its own (the light embed and the static export;
 * speakout_map/maps/standalone.py puts it on the page).
 *
 * speakoutStandalone(map, options) applies the page's display options:
 *   scroll   true: the map takes the wheel (zoom) and a finger (pan), as a map filling its frame does;
 *            false: it never takes the page's scrolling, so a partner's page scrolls past it
 *            (no wheel zoom, and no one-finger panning on touch screens; zoom with + and -).
 *   fit      null, or {bounds, maxZoom, padding}: the view the page fitted to the events. A frame with no
 *            size when the page loaded (in a hidden tab or a closed accordion of the partner's page)
 *            fitted a view of nothing, so the view is fitted again once the frame has a size.
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
  var fit = options.fit;
  var size = map.getSize();
  if (fit && fit.bounds && !(size.x > 0 && size.y > 0)) {
    var refit = function () {
      var now = map.getSize();
      if (now.x > 0 && now.y > 0) {
        map.off("resize", refit);
        map.fitBounds(fit.bounds, {maxZoom: fit.maxZoom, padding: fit.padding});
      }
    };
    map.on("resize", refit);
  }
  return map;
}
