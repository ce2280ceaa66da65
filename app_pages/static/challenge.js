// The anti-spam check of a public form: the ALTCHA widget (npm package "altcha", served by this app
// from its vendor folder, never a CDN) solving the challenge the page passes in data.challenge, and
// the solved payload handed back to this visitor's own app session (setStateValue), nowhere else.
//
// Streamlit imports this file as a module and calls its default export with
// {data, parentElement, setStateValue}, again whenever `data` changes, so every call re-uses the
// elements of the one before. The component is not style-isolated: the widget is a custom element
// that puts its styles in the document's head and looks its checkbox up by id in the document.
//
// It has no words of its own: every text the widget shows is registered as the widget's strings
// under a language of ours, from data.texts (already translated); the widget's logo and footer,
// which would name ALTCHA in English, are hidden. The state it sends is
//   {payload: "<base64>", signature: "<the challenge's signature>"}   once solved
//   {payload: null, signature: "...", expired: true}                    when the challenge expired
// and the page uses a payload only if its signature is that of the challenge it passed.

const ROOT_CLASS = "speakout-challenge";
const STATE_KEY = "solved";
// The widget looks languages up in lower case; a private-use tag cannot clash with a real one.
const LANGUAGE = "x-speakout";

// One import of the widget per page, shared by every mount; forgotten when it fails, to try again.
let widgetLoading = null;

function loadWidget(url) {
  if (!widgetLoading) {
    widgetLoading = import(new URL(url, document.baseURI).href).catch(function (error) {
      widgetLoading = null;
      throw error;
    });
  }
  return widgetLoading;
}

function text(texts, name) {
  const value = texts && texts[name];
  return typeof value === "string" ? value : "";
}

// Every string of the widget: ours where it shows one, empty where this setup never shows it (the
// code-challenge dialog, the footer, the logo's link).
function widgetStrings(texts) {
  return {
    ariaLinkLabel: "",
    cancel: "",
    enterCode: "",
    enterCodeAria: "",
    enterCodeFromImage: "",
    error: text(texts, "error"),
    expired: text(texts, "expired"),
    footer: "",
    getAudioChallenge: "",
    label: text(texts, "label"),
    loading: text(texts, "verifying"),
    reload: "",
    verificationRequired: text(texts, "label"),
    verified: text(texts, "verified"),
    verify: "",
    verifying: text(texts, "verifying"),
    waitAlert: text(texts, "verifying"),
  };
}

function canSolve() {
  return (
    typeof window !== "undefined" &&
    window.isSecureContext === true &&
    !!window.crypto &&
    !!window.crypto.subtle &&
    typeof window.Worker === "function" &&
    !!window.customElements
  );
}

function partsOf(parentElement) {
  let root = parentElement.querySelector("." + ROOT_CLASS);
  if (!root) {
    root = document.createElement("div");
    root.className = ROOT_CLASS;
    const status = document.createElement("p");
    status.className = ROOT_CLASS + "__status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.hidden = true;
    const slot = document.createElement("div");
    slot.className = ROOT_CLASS + "__widget";
    root.appendChild(slot);
    root.appendChild(status);
    parentElement.appendChild(root);
  }
  return {
    root: root,
    slot: root.querySelector("." + ROOT_CLASS + "__widget"),
    status: root.querySelector("." + ROOT_CLASS + "__status"),
  };
}

function showStatus(parts, line) {
  parts.status.textContent = line;
  parts.status.hidden = line === "";
}

// A new <altcha-widget> for one challenge. Everything is set as attributes before it is connected,
// so that it starts with them (its methods exist only after its "load" event).
function newWidget(parts, challenge, auto, setStateValue) {
  const signature = challenge.signature;
  const widget = document.createElement("altcha-widget");
  widget.setAttribute("challenge", JSON.stringify(challenge));
  widget.setAttribute("language", LANGUAGE);
  widget.setAttribute("auto", auto ? "onload" : "off");
  widget.setAttribute("type", "checkbox");
  widget.setAttribute("display", "standard");
  widget.setAttribute("name", "speakout-proof-of-work");
  widget.setAttribute(
    "configuration",
    JSON.stringify({ hideLogo: true, hideFooter: true, humanInteractionSignature: false }),
  );
  widget.dataset.signature = signature;

  // Answers of a widget that has since been replaced (a new challenge) are not this page's any more.
  function current() {
    return widget.isConnected && parts.root.dataset.signature === signature;
  }

  widget.addEventListener("verified", function (event) {
    const payload = event.detail && event.detail.payload;
    if (current() && typeof payload === "string" && payload !== "") {
      setStateValue(STATE_KEY, { payload: payload, signature: signature });
    }
  });
  widget.addEventListener("expired", function () {
    if (current()) {
      setStateValue(STATE_KEY, { payload: null, signature: signature, expired: true });
    }
  });
  widget.addEventListener("statechange", function (event) {
    const state = event.detail && event.detail.state;
    if (!current() || typeof state !== "string") {
      return;
    }
    parts.root.dataset.state = state;
    if (state === "error") {
      // The widget puts its own English reason in a tooltip; the visitor reads our line only.
      window.requestAnimationFrame(function () {
        widget.querySelectorAll("[title]").forEach(function (element) {
          element.removeAttribute("title");
        });
      });
    }
  });
  return widget;
}

export default function proofOfWork(component) {
  const { data, parentElement, setStateValue } = component;
  const texts = (data && data.texts) || {};
  const challenge = data && data.challenge;
  const parts = partsOf(parentElement);

  if (!challenge || typeof challenge.signature !== "string" || !challenge.parameters) {
    return;
  }
  if (!canSolve()) {
    // Browsers give WebCrypto to secure pages only (HTTPS, or this machine): the widget cannot work here.
    parts.slot.replaceChildren();
    showStatus(parts, text(texts, "insecure"));
    return;
  }

  loadWidget(String(data.script_url || ""))
    .then(function () {
      const registry = globalThis.$altcha;
      if (registry && registry.i18n) {
        registry.i18n.set(LANGUAGE, widgetStrings(texts)); // a change of language shows at once
      }
      showStatus(parts, "");
      const shown = parts.slot.querySelector("altcha-widget");
      if (shown && shown.dataset.signature === challenge.signature) {
        return; // the same challenge on a rerun: leave the widget as it is (solved, or solving)
      }
      parts.root.dataset.signature = challenge.signature;
      delete parts.root.dataset.state;
      parts.slot.replaceChildren(newWidget(parts, challenge, data.auto !== false, setStateValue));
    })
    .catch(function () {
      parts.slot.replaceChildren();
      showStatus(parts, text(texts, "unavailable"));
    });
}
