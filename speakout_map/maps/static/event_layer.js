/*
 * SpeakOut Map: the events layer (speakout_map/maps/layer.py puts it on the page).
 *
 * speakoutEventLayer(map, options) makes one marker per data row, clustered
 * by Leaflet.markercluster, with a legend and, when there are no events, a
 * "no events yet" note. Returns the cluster layer.
 * speakoutSelectEvents(map, selection) then shows only some of them (the full
 * app's filters): see the end of this file.
 *
 * options (JSON, made by the Python side):
 *   fields         names of the row columns, in order (DATA_FIELDS)
 *   rows           the events, one array of public fields each; or
 *   rowsUrl        a same-site address to fetch them from instead, as
 *                  {"fields": [...], "rows": [...]} (maps/data.py); the
 *                  labels' loadFailed note says so if that fails
 *   guideUrl       where the "no events yet" note links to ("" for no link)
 *   labels         every word the layer shows of its own, in the visitor's
 *                  language (layer_labels in layer.py): organisedBy,
 *                  detailsToCome, linkToCome, eventPage, noEvents, hostOne,
 *                  legendConfirmed, legendDetailsToCome, markerConfirmed,
 *                  markerDetailsToCome, showOnMap, zoomIn, zoomOut, loadFailed,
 *                  closePopup
 *   cluster        Leaflet.markercluster options
 *   legend         false: no legend
 *   list           "" or the id of an <ol> of the page to fill with one item
 *                  per event (its popup's text and a "showOnMap" button)
 *   focus          null, or {lat, lon, radiusM, label}: a "near" search's
 *                  place, drawn as a point (labelled with text only) and
 *                  the circle of its radius
 *   open           (a selection's) null, or {index, request}: open the popup of
 *                  row index once per request (the app page's list)
 *   lang           the language of the labels (an HTML lang tag), set on
 *                  the map's document for screen readers
 *   going          null, or {url, pass, labels} (going_options, layer.py):
 *                  each popup shows its row's goingText and a button that
 *                  POSTs {event, pass, lang} as JSON to url (same-site)
 *                  and shows the answer's label, or a labels note on failure.
 *                  The tab keeps the pass it used and the events it said it
 *                  goes to in sessionStorage (gone with the tab; no cookie),
 *                  so after a reload it is still the same one visitor.
 *
 * Event text is hostile: every node is made with document.createElement and
 * filled through textContent, never parsed as markup; a link gets an href
 * only when it is http(s) (already checked on the server, checked again here).
 * The going route's answer is treated the same way: its words are set as
 * textContent only, its count is used only if it is a number.
 *
 * This file has no words of its own: every label comes from options.labels.
 * A label with a field (organisedBy, with its {organiser} token) is a whole
 * translated template, so each language puts the field where its grammar
 * wants it. fill() swaps each {name} token for the event's text by splitting
 * the template (no replacement strings, whose "$" sequences would act), so
 * nothing in the event's text is ever read as a token or a pattern, and the
 * result is only ever set as textContent or an attribute's value.
 */
function speakoutEventLayer(map, options) {
  var FIELDS = options.fields;
  var rows = options.rows;
  var guideUrl = options.guideUrl;
  var labels = options.labels;
  if (typeof options.lang === "string" && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(options.lang) &&
      document.documentElement) {
    document.documentElement.setAttribute("lang", options.lang);
  }
  var SAFE_LINK = /^https?:\/\//i;
  var SAFE_GUIDE = /^(https?:\/\/|\/(?![\/\\]))/i;
  var SAME_SITE = /^\/(?![\/\\])[^\s]*$/;
  var EVENT_UID = /^[0-9a-f]{32}@speakout-map$/;
  var going = options.going && typeof options.going === "object" && options.going.labels ? options.going : null;
  var PASS = /^[A-Za-z0-9_-]{1,200}\.[0-9a-f]{1,64}$/;
  var TAB_KEY = "speakout-going";
  var tab = readTab();
  var F = {};
  FIELDS.forEach(function (name, index) { F[name] = index; });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function addLine(parent, className, text) {
    if (typeof text === "string" && text.length > 0) {
      parent.appendChild(el("p", className, text));
    }
  }

  // The template with each {name} token that is a key of values replaced by
  // its value, once; other text, and braces that are not such tokens, are kept.
  function fill(template, values) {
    var parts = template.split(/\{([a-z]+)\}/);
    for (var i = 1; i < parts.length; i += 2) {
      parts[i] = Object.prototype.hasOwnProperty.call(values, parts[i]) ? values[parts[i]] : "{" + parts[i] + "}";
    }
    return parts.join("");
  }

  // "Springfield, IL, United States": the city, its region when it has one, the country (as text, never markup).
  function placeLabel(row) {
    var parts = [row[F.city], row[F.region], row[F.country]];
    return parts.filter(function (part) { return typeof part === "string" && part.length > 0; }).join(", ");
  }

  function buildPopup(row) {
    var box = el("div", "speakout-popup");
    box.appendChild(el("p", "speakout-popup-title", row[F.title]));
    addLine(box, "speakout-popup-place", placeLabel(row));
    addLine(box, "speakout-popup-when", row[F.date]);
    addLine(box, "speakout-popup-time", row[F.time]);
    addLine(box, "speakout-popup-venue", row[F.venue]);
    addLine(box, "speakout-popup-address", row[F.address]);
    if (row[F.organiser]) {
      addLine(box, "speakout-popup-organiser", fill(labels.organisedBy, {organiser: row[F.organiser]}));
    }
    addLine(box, "speakout-popup-description", row[F.description]);
    var url = row[F.url];
    var hasLink = typeof url === "string" && SAFE_LINK.test(url);
    if (row[F.confirmed] !== 1) {
      addLine(box, "speakout-popup-tbc", labels.detailsToCome);
    } else if (!hasLink) {
      addLine(box, "speakout-popup-tbc", labels.linkToCome);
    }
    if (hasLink) {
      var line = el("p", "speakout-popup-link");
      var link = el("a", null, labels.eventPage);
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      line.appendChild(link);
      box.appendChild(line);
    }
    addCalendarLinks(box, row);
    addGoing(box, row);
    return box;
  }

  // This tab's pass and the events it is going to, from an earlier page of the tab ({pass: "", uids: []} if none).
  function readTab() {
    var kept = {pass: "", uids: []};
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(TAB_KEY));
      if (saved && typeof saved.pass === "string" && PASS.test(saved.pass) && Array.isArray(saved.uids)) {
        kept.pass = saved.pass;
        kept.uids = saved.uids.filter(function (uid) { return typeof uid === "string" && EVENT_UID.test(uid); });
      }
    } catch (error) { /* no storage in this browser: each page is a visitor of its own */ }
    return kept;
  }

  function writeTab(pass, uid) {
    if (tab.pass !== pass) { tab = {pass: pass, uids: []}; }
    if (uid) { tab.uids.push(uid); }
    try {
      if (pass) { window.sessionStorage.setItem(TAB_KEY, JSON.stringify(tab)); }
      else { window.sessionStorage.removeItem(TAB_KEY); }
    } catch (error) { /* as above */ }
  }

  function passToSend() {
    return tab.pass || (typeof going.pass === "string" ? going.pass : "");
  }

  // The popup's going part: the count and, where clicks can be sent, the button.
  function addGoing(box, row) {
    if (!going || typeof row[F.event] !== "string" || !EVENT_UID.test(row[F.event])) { return; }
    var part = el("div", "speakout-popup-going");
    var count = el("p", "speakout-popup-going-count", row[F.goingText]);
    count.setAttribute("aria-live", "polite");
    part.appendChild(count);
    var canSend = typeof going.url === "string" && SAME_SITE.test(going.url) && PASS.test(passToSend());
    var mine = row[F.goingMine] === 1 || tab.uids.indexOf(row[F.event]) >= 0;
    if (canSend || mine) {
      var button = el("button", "speakout-popup-going-button", mine ? going.labels.mine : going.labels.button);
      button.type = "button";
      button.disabled = mine;
      button.addEventListener("click", function () { sendGoing(row, part, count, button); });
      part.appendChild(button);
    }
    box.appendChild(part);
  }

  // A short note under the button (a failure), or none ("" clears it).
  function noteGoing(part, text) {
    if (!part.speakoutNote) {
      if (!text) { return; }
      part.speakoutNote = part.appendChild(el("p", "speakout-popup-going-note"));
      part.speakoutNote.setAttribute("role", "alert");
    }
    part.speakoutNote.textContent = text;
  }

  function sendGoing(row, part, count, button) {
    if (button.disabled) { return; }
    button.disabled = true;
    noteGoing(part, "");
    var status = 0, pass = passToSend();
    Promise.resolve().then(function () {
      return fetch(going.url, {method: "POST", credentials: "same-origin", cache: "no-store",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({event: row[F.event], pass: pass, lang: options.lang})});
    }).then(function (response) {
      status = response.status;
      if (!response.ok) { throw new Error(status); }
      return response.json();
    }).then(function (answer) {
      if (!answer || typeof answer.count !== "number" || typeof answer.label !== "string") { throw new Error(); }
      row[F.going] = answer.count;
      row[F.goingText] = count.textContent = answer.label;
      row[F.goingMine] = 1;
      button.textContent = going.labels.mine;
      writeTab(pass, row[F.event]);
    }).catch(function () {
      button.disabled = false;
      if (status === 400 && pass === tab.pass) { writeTab("", ""); }  // a kept pass no longer taken: forget it
      var why = status === 429 ? "tooOften" : (status === 400 || status === 404 ? "reload" : "failed");
      noteGoing(part, going.labels[why]);
    });
  }

  // The popup's calendar line: its label, then each of the two calendar links that is a safe address.
  function addCalendarLinks(box, row) {
    var google = row[F.googleCalendar], ics = row[F.icsFile];
    var links = [];
    if (typeof google === "string" && SAFE_GUIDE.test(google)) { links.push([google, labels.googleCalendar]); }
    if (typeof ics === "string" && SAFE_GUIDE.test(ics)) { links.push([ics, labels.icsFile]); }
    if (!links.length) { return; }
    var line = el("p", "speakout-popup-calendar", labels.addToCalendar + " ");
    links.forEach(function (spec, index) {
      if (index) { line.appendChild(el("span", null, " \u00b7 ")); }
      var link = el("a", null, spec[1]);
      link.href = spec[0];
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      line.appendChild(link);
    });
    box.appendChild(line);
  }

  function buildTooltip(row) {
    var box = el("div", "speakout-tooltip");
    box.appendChild(el("strong", "speakout-tooltip-title", row[F.title]));
    box.appendChild(el("div", "speakout-tooltip-place", placeLabel(row)));
    return box;
  }

  function popupFor(marker) {
    if (!marker.speakoutPopup) { marker.speakoutPopup = buildPopup(marker.speakoutRow); }
    return marker.speakoutPopup;
  }

  function tooltipFor(marker) {
    if (!marker.speakoutTooltip) { marker.speakoutTooltip = buildTooltip(marker.speakoutRow); }
    return marker.speakoutTooltip;
  }

  function labelIcon() {
    var node = this.getElement();
    if (node) {
      var row = this.speakoutRow;
      var template = row[F.confirmed] === 1 ? labels.markerConfirmed : labels.markerDetailsToCome;
      node.setAttribute("aria-label", fill(template, {title: row[F.title], place: placeLabel(row)}));
    }
  }

  // Leaflet's own zoom buttons have English titles: the same buttons, in the same corner, with ours.
  if (map.zoomControl && L.control.zoom) {
    var corner = map.zoomControl.getPosition();
    map.removeControl(map.zoomControl);
    map.zoomControl = L.control.zoom({position: corner, zoomInTitle: labels.zoomIn, zoomOutTitle: labels.zoomOut});
    map.zoomControl.addTo(map);
  }

  // Pins of 24 px, the smallest target WCAG 2.5.8 allows, with the popup's tip at the pin's top edge; the two kinds
  // differ by shape as well as colour (map.css: a filled circle, a diamond).
  var PIN = 24;
  var icons = [
    L.divIcon({className: "speakout-pin speakout-pin--tbc", iconSize: [PIN, PIN], popupAnchor: [0, -PIN / 2]}),
    L.divIcon({className: "speakout-pin speakout-pin--confirmed", iconSize: [PIN, PIN], popupAnchor: [0, -PIN / 2]})
  ];
  var cluster = L.markerClusterGroup(options.cluster);
  cluster.addTo(map);
  var baseGoing = going;    // the popups' going words and address; a selection brings the counts and the pass
  var markers = null;       // one per data row (null for a row that cannot be drawn), once the rows are here
  var selection = null;     // the last selection (speakoutSelectEvents); null: every event, no view change
  var shownGoing = "";      // the going part of the selection last applied, as JSON
  var shownView = "";       // the events and place the view was last fitted to, as JSON
  var focusLayers = [];

  function makeMarker(row) {
    if (!Array.isArray(row) || !isFinite(row[F.lat]) || !isFinite(row[F.lon]) ||
        typeof row[F.lat] !== "number" || typeof row[F.lon] !== "number") { return null; }
    var marker = L.marker([row[F.lat], row[F.lon]], {
      icon: icons[row[F.confirmed] === 1 ? 1 : 0],
      keyboard: true,
      riseOnHover: true
    });
    marker.speakoutRow = row;
    marker.speakoutBase = [row[F.going], row[F.goingText], row[F.goingMine]];
    marker.on("add", onMarkerAdd);
    marker.on("keypress", onKeyboardOpen);
    return marker;
  }

  // Enter on a focused pin opens its popup (Leaflet's "keypress"), but no "click" is fired, and the page
  // (streamlit-folium, listening for clicks on the map's layers) hears of pins opened by the mouse only.
  // Told to the cluster group as a click, a pin opened from the keyboard is reported the same way.
  function onKeyboardOpen(e) {
    var key = e && e.originalEvent ? e.originalEvent.keyCode : 0;
    if (key === 13 && typeof cluster.fire === "function") {
      cluster.fire("click", {latlng: this.getLatLng(), layer: this, sourceTarget: this, originalEvent: e.originalEvent});
    }
  }

  // A marker gets its popup and tooltip when it is first drawn on its own (not as part of a cluster): of
  // thousands of events, most are only ever counted in a cluster, and binding each one up front was much of
  // the time to open the map.
  function onMarkerAdd() {
    if (!this.speakoutBound) {
      this.speakoutBound = true;
      this.bindPopup(popupFor, {maxWidth: 280, maxHeight: 260, autoPanPadding: [20, 20]});  // a long one scrolls
      this.bindTooltip(tooltipFor, {direction: "top", offset: [0, -PIN / 2 - 1]});
      this.on("popupopen", onPopupOpen);
      this.on("popupclose", onPopupClose);
    }
    labelIcon.call(this);
  }

  // A popup is a dialog named by its event's title. Opened from its focused pin (Enter), it takes the focus; opened
  // otherwise (a click, the page's list), the map's status line names its event. Escape, or its close button pressed
  // from the keyboard, closes it and gives the focus back to the pin.
  var openMarker = null;
  var statusLine = el("div", "speakout-status");
  statusLine.setAttribute("role", "status");
  var mapBox = typeof map.getContainer === "function" ? map.getContainer() : null;
  if (mapBox) {
    mapBox.appendChild(statusLine);
    L.DomEvent.on(mapBox, "keydown", function (event) {
      if ((event.key === "Escape" || event.keyCode === 27) && openMarker) {
        var marker = openMarker;
        marker.closePopup();
        focusPin(marker);
        L.DomEvent.stop(event);
      }
    });
  }

  function focusPin(marker) {
    var pin = marker.getElement();
    if (pin && typeof pin.focus === "function") { pin.focus({preventScroll: true}); }
  }

  function onPopupOpen(event) {
    openMarker = this;
    var box = event.popup.getElement(), pin = this.getElement();
    if (!box) { return; }
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", String(this.speakoutRow[F.title] || ""));
    box.setAttribute("tabindex", "-1");
    var close = box.querySelector && box.querySelector(".leaflet-popup-close-button");
    if (close) { close.setAttribute("aria-label", labels.closePopup); close.setAttribute("title", labels.closePopup); }
    if (pin && document.activeElement === pin && typeof box.focus === "function") {
      box.focus({preventScroll: true});
    } else {
      statusLine.textContent = pin ? pin.getAttribute("aria-label") || "" : "";
    }
  }

  // Closed with the focus in it from the keyboard (not a click on its close button): the focus goes back to the pin.
  function onPopupClose(event) {
    if (openMarker === this) { openMarker = null; }
    var box = event.popup.getElement(), now = document.activeElement;
    if (box && box.contains && box.contains(now) && keyboardFocus(now)) { focusPin(this); }
  }

  function keyboardFocus(node) {
    try { return node.matches(":focus-visible"); } catch (error) { return true; }  // a browser without it: as if so
  }

  function drawFocus(focus) {
    focusLayers.forEach(function (layer) { map.removeLayer(layer); });
    focusLayers = [];
    if (!focus || !isFinite(focus.lat) || !isFinite(focus.lon) || !isFinite(focus.radiusM) || !(focus.radiusM > 0)) {
      return;
    }
    focusLayers.push(L.circle([focus.lat, focus.lon], {
      radius: focus.radiusM, color: "#1d4ed8", weight: 2, dashArray: "6 5", fillOpacity: 0.05, interactive: false
    }).addTo(map));
    var origin = L.circleMarker([focus.lat, focus.lon], {
      radius: 7, color: "#ffffff", weight: 2, fillColor: "#1d4ed8", fillOpacity: 1, className: "speakout-origin"
    }).addTo(map);
    focusLayers.push(origin);
    var placeName = typeof focus.label === "string" ? focus.label : "";
    origin.bindTooltip(el("span", "speakout-origin-label", placeName), {direction: "top", offset: [0, -8]});
    var originNode = origin.getElement && origin.getElement();
    if (originNode) {  // an SVG path: named as an image (a path with no role may not have a name)
      originNode.setAttribute("role", "img");
      originNode.setAttribute("aria-label", fill(labels.searchedPlace, {place: placeName}));
    }
  }

  // The selection's going counts: each row back to the document's counts, then the selection's on top;
  // popups made before are made again when next opened.
  function applyGoing(part) {
    var text = JSON.stringify(part === undefined ? null : part);
    if (text === shownGoing) { return; }
    shownGoing = text;
    going = null;
    if (baseGoing && part && typeof part === "object") {
      going = {url: baseGoing.url, labels: baseGoing.labels, pass: typeof part.pass === "string" ? part.pass : ""};
    }
    markers.forEach(function (marker) {
      if (!marker) { return; }
      var row = marker.speakoutRow;
      row[F.going] = marker.speakoutBase[0];
      row[F.goingText] = marker.speakoutBase[1];
      row[F.goingMine] = marker.speakoutBase[2];
      marker.speakoutPopup = null;
    });
    var counts = part && Array.isArray(part.counts) ? part.counts : [];
    counts.forEach(function (entry) {
      var marker = Array.isArray(entry) && typeof entry[0] === "number" ? markers[entry[0]] : null;
      if (!marker || typeof entry[1] !== "number" || typeof entry[2] !== "string") { return; }
      marker.speakoutRow[F.going] = entry[1];
      marker.speakoutRow[F.goingText] = entry[2];
      marker.speakoutRow[F.goingMine] = entry[3] === 1 ? 1 : 0;
    });
  }

  function fitView(chosen) {
    var view = JSON.stringify([chosen.show, chosen.bounds, chosen.focus]);
    if (view === shownView) { return; }
    shownView = view;
    var b = chosen.bounds, fit = chosen.fit && typeof chosen.fit === "object" ? chosen.fit : {};
    if (Array.isArray(b) && b.length === 2 && Array.isArray(b[0]) && Array.isArray(b[1]) &&
        [b[0][0], b[0][1], b[1][0], b[1][1]].every(isFinite)) {
      map.fitBounds(b, {padding: Array.isArray(fit.padding) ? fit.padding : [30, 30],
                        maxZoom: isFinite(fit.maxZoom) ? fit.maxZoom : map.getMaxZoom()});
    }
  }

  var listBox = typeof options.list === "string" && options.list ? document.getElementById(options.list) : null;
  var emptyNote = null;

  // Shows the selection's events (every event without one): markers, list, the "no events" note, the view.
  function show() {
    if (!markers) { return; }
    var chosen = markers;
    if (selection && Array.isArray(selection.show)) {
      chosen = selection.show.map(function (index) {
        return typeof index === "number" ? markers[index] : null;
      });
    }
    chosen = chosen.filter(function (marker) { return !!marker; });
    if (selection) { applyGoing(selection.going); }
    cluster.clearLayers();
    cluster.addLayers(chosen);
    fillList(chosen);
    showEmpty(chosen.length === 0);
    if (selection) {
      drawFocus(selection.focus);
      fitView(selection);
      openRequested(selection.open);
    }
  }

  // The page's list asking for an event (selection.open = {index, request}): that event's popup opened, its cluster
  // zoomed into first; once per request, so a later selection carrying the same request leaves the map be.
  var openedRequest = null;
  function openRequested(request) {
    if (!request || typeof request !== "object" || typeof request.index !== "number" ||
        request.request === openedRequest) { return; }
    var marker = markers[request.index];
    if (!marker || !cluster.hasLayer(marker)) { return; }
    openedRequest = request.request;
    showMarker(marker);
  }

  // An event chosen in a list (the map page's, or the light embed's): its cluster zoomed into, its popup opened,
  // and the map brought into the middle of the screen, as the list is under it (a long way down on a phone).
  function showMarker(marker) {
    cluster.zoomToShowLayer(marker, function () { marker.openPopup(); });
    if (mapBox && typeof mapBox.scrollIntoView === "function") { mapBox.scrollIntoView({block: "center"}); }
  }

  drawFocus(options.focus);
  map.speakoutSelect = function (chosen) {
    selection = chosen && typeof chosen === "object" ? chosen : null;
    show();
  };
  if (map.speakoutPendingSelection) {
    selection = map.speakoutPendingSelection;
    map.speakoutPendingSelection = null;
  }

  var legend = L.control({position: "bottomleft"});
  legend.onAdd = function () {
    var box = el("div", "speakout-legend");
    var rowsSpec = [
      ["speakout-pin speakout-pin--confirmed", labels.legendConfirmed],
      ["speakout-pin speakout-pin--tbc", labels.legendDetailsToCome]
    ];
    rowsSpec.forEach(function (spec) {
      var line = el("div", "speakout-legend-row");
      line.appendChild(el("span", spec[0]));
      line.appendChild(el("span", null, spec[1]));
      box.appendChild(line);
    });
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  if (options.legend !== false) { legend.addTo(map); }

  // The accessible list below the map (the light embed's list=1): each shown event's popup text, in order,
  // with a button that zooms the map to its marker and opens its popup.
  function fillList(chosen) {
    if (!listBox) { return; }
    while (listBox.firstChild) { listBox.removeChild(listBox.firstChild); }
    chosen.forEach(function (marker) {
      var item = el("li", "speakout-list-item");
      item.appendChild(buildPopup(marker.speakoutRow));
      var showButton = el("button", "speakout-list-show", labels.showOnMap);
      showButton.type = "button";
      showButton.addEventListener("click", function () { showMarker(marker); });
      item.appendChild(showButton);
      listBox.appendChild(item);
    });
  }

  // A note on the map: "no events" with a link to the guide, or that the events could not be loaded.
  function note(words, withGuide) {
    var box = L.control({position: "topright"});
    box.onAdd = function () {
      var node = el("div", "speakout-empty");
      node.setAttribute("role", "status");
      node.appendChild(el("span", null, words + " "));
      if (withGuide && typeof guideUrl === "string" && SAFE_GUIDE.test(guideUrl)) {
        var link = el("a", null, labels.hostOne);
        link.href = guideUrl;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        node.appendChild(link);
      }
      L.DomEvent.disableClickPropagation(node);
      return node;
    };
    return box.addTo(map);
  }

  function showEmpty(empty) {
    if (empty && !emptyNote) { emptyNote = note(labels.noEvents, true); }
    if (!empty && emptyNote) { map.removeControl(emptyNote); emptyNote = null; }
  }

  // The rows: in the options (a page of its own), or fetched from the app's same-site address (the app's map).
  var rowsUrl = typeof options.rowsUrl === "string" ? options.rowsUrl : "";
  if (rowsUrl) {
    Promise.resolve().then(function () {
      if (!SAME_SITE.test(rowsUrl)) { throw new Error("not a same-site address"); }
      return fetch(rowsUrl, {credentials: "same-origin"});
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) {
      if (!data || !Array.isArray(data.rows) || JSON.stringify(data.fields) !== JSON.stringify(FIELDS)) {
        throw new Error("not the map's data");
      }
      markers = data.rows.map(makeMarker);
      show();
    }).catch(function () {
      note(labels.loadFailed, false);
    });
  } else {
    markers = (Array.isArray(rows) ? rows : []).map(makeMarker);
    show();
  }
  return cluster;
}

// Shows a selection (speakout_map/maps/selection.py) on a map drawn by speakoutEventLayer: the events of the
// given indices of its data rows (all of them for null), the view fitted to the given bounds, the searched place,
// the going counts of the moment. Runs in the map's frame whenever the page sends a new one.
function speakoutSelectEvents(map, selection) {
  if (map && typeof map.speakoutSelect === "function") {
    map.speakoutSelect(selection);
  } else if (map) {
    map.speakoutPendingSelection = selection;
  }
}
