// "Near me": a button that asks the browser for its position, once per click, and hands the answer
// back to this visitor's own app session (st.components.v2's setStateValue), and nowhere else.
//
// Streamlit imports this file as a module and calls its default export with
// {data, parentElement, setStateValue}, again whenever `data` changes, so every call re-uses the
// elements of the one before. It has no words of its own: the button's label and every status line
// come from Python in data.texts (already translated), and are set with textContent only.
//
// The answer is one of
//   {outcome: "located", latitude, longitude, accuracy_m}
//   {outcome: "denied" | "unavailable" | "timeout" | "insecure"}
// "insecure" means this page may not ask at all: not a secure context (plain HTTP), no Geolocation
// API, or an embedding iframe whose permissions policy does not allow geolocation.

const ROOT_CLASS = "speakout-locate";
const STATE_KEY = "answer";

// GeolocationPositionError codes.
const PERMISSION_DENIED = 1;
const TIMEOUT = 3;

function outcomeOfError(error) {
  if (error && error.code === PERMISSION_DENIED) {
    return "denied";
  }
  if (error && error.code === TIMEOUT) {
    return "timeout";
  }
  return "unavailable";
}

function mayAsk() {
  if (typeof window === "undefined" || !window.isSecureContext) {
    return false;
  }
  const geolocation = window.navigator && window.navigator.geolocation;
  if (!geolocation || typeof geolocation.getCurrentPosition !== "function") {
    return false;
  }
  // Chromium says up front when an embedding frame has not allowed geolocation.
  const policy = window.document && (window.document.permissionsPolicy || window.document.featurePolicy);
  if (policy && typeof policy.allowsFeature === "function" && !policy.allowsFeature("geolocation")) {
    return false;
  }
  return true;
}

function finite(value, limit) {
  return typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= limit;
}

function answerOf(position) {
  const coords = position && position.coords;
  if (!coords || !finite(coords.latitude, 90) || !finite(coords.longitude, 180)) {
    return { outcome: "unavailable" };
  }
  const accuracy = finite(coords.accuracy, Number.MAX_VALUE) && coords.accuracy >= 0 ? coords.accuracy : null;
  return { outcome: "located", latitude: coords.latitude, longitude: coords.longitude, accuracy_m: accuracy };
}

function text(texts, name) {
  const value = texts && texts[name];
  return typeof value === "string" ? value : "";
}

function partsOf(parentElement) {
  let root = parentElement.querySelector("." + ROOT_CLASS);
  if (!root) {
    root = document.createElement("div");
    root.className = ROOT_CLASS;
    const button = document.createElement("button");
    button.type = "button";
    button.className = ROOT_CLASS + "__button";
    const status = document.createElement("p");
    status.className = ROOT_CLASS + "__status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    root.appendChild(button);
    root.appendChild(status);
    parentElement.appendChild(root);
  }
  return {
    root: root,
    button: root.querySelector("." + ROOT_CLASS + "__button"),
    status: root.querySelector("." + ROOT_CLASS + "__status"),
  };
}

export default function locateMe(component) {
  const { data, parentElement, setStateValue } = component;
  const texts = (data && data.texts) || {};
  const options = (data && data.options) || {};
  const parts = partsOf(parentElement);
  parts.button.textContent = text(data, "label");

  function show(name) {
    const line = text(texts, name);
    parts.status.textContent = line;
    parts.status.hidden = line === "";
    parts.root.dataset.outcome = name;
  }

  if (parts.root.dataset.outcome) {
    show(parts.root.dataset.outcome); // the same state, in the texts of this call (a new language)
  }

  parts.button.onclick = function () {
    if (parts.button.disabled) {
      return;
    }
    if (!mayAsk()) {
      show("insecure");
      setStateValue(STATE_KEY, { outcome: "insecure" });
      return;
    }
    const asked = (Number(parts.root.dataset.asked) || 0) + 1;
    parts.root.dataset.asked = String(asked);
    parts.button.disabled = true;
    parts.button.setAttribute("aria-busy", "true");
    show("locating");

    function answer(value) {
      // A late answer (after the watchdog, while the visitor was still deciding) still counts; an
      // answer to an older click than the latest does not.
      if (Number(parts.root.dataset.asked) !== asked) {
        return;
      }
      window.clearTimeout(watchdog);
      parts.button.disabled = false;
      parts.button.removeAttribute("aria-busy");
      show(value.outcome);
      setStateValue(STATE_KEY, value);
    }

    // The API's own timeout starts only once the visitor has answered the browser's question; this
    // one also ends a question left open.
    const watchdog = window.setTimeout(function () {
      answer({ outcome: "timeout" });
    }, Number(options.watchdog_ms) || 30000);

    try {
      window.navigator.geolocation.getCurrentPosition(
        function (position) {
          answer(answerOf(position));
        },
        function (error) {
          answer({ outcome: outcomeOfError(error) });
        },
        {
          enableHighAccuracy: false,
          timeout: Number(options.timeout_ms) || 10000,
          maximumAge: Number(options.maximum_age_ms) || 0,
        },
      );
    } catch (error) {
      answer({ outcome: "unavailable" });
    }
  };
}
