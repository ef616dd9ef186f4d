/* Starts ReDoc on the API reference page (templates/rest_framework/redoc.html).
 *
 * Instead of drf-spectacular's inline script, which the Content-Security-Policy forbids.
 * The page gives the schema's address in this script element's data-schema-url, optional
 * ReDoc settings in a JSON block (#redoc-settings), and the request's CSP nonce as this
 * element's nonce: ReDoc passes it on to the <style> elements its styled-components insert,
 * which the policy would refuse otherwise. */
(function () {
  "use strict";
  var script = document.currentScript;
  var settingsBlock = document.getElementById("redoc-settings");
  var settings = settingsBlock ? JSON.parse(settingsBlock.textContent) : {};
  if (script.nonce) {
    settings.nonce = script.nonce;
  }

  /* ReDoc's sidebar ends with "API docs by Redocly" and Redocly's logo, fetched from their
   * CDN. The site loads nothing from elsewhere (the policy refuses it, and reports each
   * attempt), so an image from another site is hidden instead of requested, whether its
   * address is set as a property (as React does) or an attribute. */
  function elsewhere(address) {
    var url = new URL(String(address), document.baseURI);
    return url.origin !== window.location.origin && url.protocol !== "data:";
  }
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (address) {
      if (elsewhere(address)) {
        this.hidden = true;
      } else {
        src.set.call(this, address);
      }
    },
  });
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src" && elsewhere(value)) {
      this.hidden = true;
      return undefined;
    }
    return setAttribute.call(this, name, value);
  };

  Redoc.init(
    script.dataset.schemaUrl,
    settings,
    document.getElementById(script.dataset.container)
  );
})();
