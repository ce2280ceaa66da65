/*
 * SpeakOut Map: Subresource Integrity for the files that streamlit-folium adds
 * (speakout_map/maps/links.py puts it first on the page, in "cdn" mode only).
 *
 * streamlit-folium drops the page's <script src> and <link> tags and adds the
 * files itself, each with document.createElement and no integrity. Loaded
 * before them, speakoutRequireIntegrity(hashes) makes every script or
 * stylesheet whose address is a key of hashes carry that hash (and
 * crossorigin="anonymous") from the moment the address is set, before the
 * element joins the page and is fetched: the browser then refuses a file
 * whose bytes are not the pinned ones.
 *
 * hashes (JSON, made by the Python side): {address: "sha384-..."}
 */
function speakoutRequireIntegrity(hashes) {
  function guard(prototype, attribute) {
    var original = Object.getOwnPropertyDescriptor(prototype, attribute);
    Object.defineProperty(prototype, attribute, {
      configurable: true,
      enumerable: original.enumerable,
      get: original.get,
      set: function (value) {
        var address = String(value);
        if (Object.prototype.hasOwnProperty.call(hashes, address)) {
          this.integrity = hashes[address];
          this.crossOrigin = "anonymous";
        }
        original.set.call(this, value);
      }
    });
  }
  guard(HTMLScriptElement.prototype, "src");
  guard(HTMLLinkElement.prototype, "href");
}
