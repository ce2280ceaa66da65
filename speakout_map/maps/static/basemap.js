/*
 * SpeakOut Map: the offline basemap (speakout_map/maps/basemap.py puts it on the page).
 *
 * speakoutOfflineBasemap(map, options) colours the map as water, fetches
 * Natural Earth's country outlines (TopoJSON) and draws them as land in a
 * pane of their own under the tiles, so the map is readable when no tile
 * server is. Needs topojson-client. Returns the layer group of the outlines.
 *
 * options (JSON, made by the Python side):
 *   dataUrl        where the TopoJSON is fetched from
 *   pane           the name of the pane; zIndex its z-index (tiles are 200)
 *   style          [water colour, land colour, border colour, border weight]
 *   attribution    the credit added to the map's attribution control
 *   object         the name of the countries object in the topology
 *   integrity      (cdn mode only) the file's Subresource Integrity hash
 *   dataGlobal     (a page opened from a folder of files, maybe from file://, where fetch is
 *                  refused) the name of the window property that a script file loaded before
 *                  this one set to the topology: used when it is there, else the data is fetched
 */
function speakoutOfflineBasemap(map, options) {
  var DATA_URL = options.dataUrl;
  var PANE = options.pane;
  var STYLE = options.style;
  map.getContainer().style.background = STYLE[0];
  var pane = map.createPane(PANE);
  pane.style.zIndex = options.zIndex;
  pane.style.pointerEvents = "none";
  if (map.attributionControl) { map.attributionControl.addAttribution(options.attribution); }
  var layer = L.layerGroup().addTo(map);

  // Natural Earth cuts Russia, Fiji and Antarctica at the antimeridian, so a ring can
  // jump from 180 to -180: on a flat map that is a line across the world. Unwrap each
  // ring into continuous longitudes; a ring that still ends 360 degrees away goes
  // round a pole, and is closed along it.
  function unwrapRing(ring) {
    var out = [];
    var shift = 0;
    for (var i = 0; i < ring.length; i++) {
      var lon = ring[i][0] + shift;
      if (i > 0) {
        var step = lon - out[i - 1][0];
        if (step > 180) { shift -= 360; lon -= 360; }
        else if (step < -180) { shift += 360; lon += 360; }
      }
      out.push([lon, ring[i][1]]);
    }
    if (shift !== 0 && out.length > 0) {
      var pole = out[0][1] < 0 ? -90 : 90;
      out.push([out[out.length - 1][0], pole], [out[0][0], pole], out[0]);
    }
    return out;
  }

  function unwrapGeometry(geometry) {
    if (!geometry) { return geometry; }
    if (geometry.type === "Polygon") {
      geometry.coordinates = geometry.coordinates.map(unwrapRing);
    } else if (geometry.type === "MultiPolygon") {
      geometry.coordinates = geometry.coordinates.map(function (polygon) { return polygon.map(unwrapRing); });
    }
    return geometry;
  }

  function draw(topology) {
    if (typeof topojson === "undefined") { throw new Error("topojson-client is not loaded"); }
    var countries = topology && topology.objects && topology.objects[options.object];
    if (!countries) { throw new Error("no country outlines in the data"); }
    var shapes = topojson.feature(topology, countries);
    (shapes.features || []).forEach(function (feature) { unwrapGeometry(feature.geometry); });
    // One copy each side too, as the tiles repeat: the map pans round the world.
    [-360, 0, 360].forEach(function (offset) {
      L.geoJSON(shapes, {
        pane: PANE,
        interactive: false,
        coordsToLatLng: function (coords) { return L.latLng(coords[1], coords[0] + offset); },
        style: function () {
          return {fillColor: STYLE[1], fillOpacity: 1, color: STYLE[2], weight: STYLE[3], opacity: 1};
        }
      }).addTo(layer);
    });
  }
  var given = options.dataGlobal ? window[options.dataGlobal] : undefined;
  if (given && typeof given === "object") {
    try {
      draw(given);
    } catch (error) {
      if (window.console) {
        console.warn("SpeakOut Map: no offline basemap from " + options.dataGlobal + ": " + error);
      }
    }
    return layer;
  }
  var request = {credentials: "same-origin"};
  if (options.integrity) { request.integrity = options.integrity; }
  fetch(DATA_URL, request)
    .then(function (answer) {
      if (!answer.ok) { throw new Error("HTTP " + answer.status); }
      return answer.json();
    })
    .then(draw)
    .catch(function (error) {
      if (window.console) { console.warn("SpeakOut Map: no offline basemap from " + DATA_URL + ": " + error); }
    });
  return layer;
}
