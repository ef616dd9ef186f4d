/* The API documentation pages (templates/rest_framework/swagger_ui.html and redoc.html), as
 * readers of assistive technology need them, once Swagger UI or ReDoc has rendered (both
 * bring their own <h1>, and Swagger UI its own <main>):
 *
 * - headings never skip a level: both tools jump (Swagger UI from h1 to h3, ReDoc from h2 to
 *   h5), so such a heading gets the aria-level it should have had;
 * - Swagger UI's API description, outside its <main>, is a labelled region.
 *
 * Kept up as the tools render again (an operation opened, a search made). */
(function () {
  "use strict";
  var scheduled = false;

  function describeRegions() {
    var info = document.querySelector(".swagger-ui .information-container");
    if (info && !info.hasAttribute("role")) {
      info.setAttribute("role", "region");
      info.setAttribute("aria-label", "About this API");
    }
  }

  function levelHeadings() {
    var previous = 0;
    document.querySelectorAll("h1, h2, h3, h4, h5, h6").forEach(function (heading) {
      if (heading.getClientRects().length === 0) {
        return; // not shown, so not read either
      }
      var level = Number(heading.tagName.charAt(1));
      var wanted = Math.min(level, previous + 1);
      if (wanted !== level) {
        if (heading.getAttribute("aria-level") !== String(wanted)) {
          heading.setAttribute("aria-level", String(wanted));
        }
      } else if (heading.hasAttribute("aria-level")) {
        heading.removeAttribute("aria-level");
      }
      previous = wanted;
    });
  }

  function fix() {
    scheduled = false;
    describeRegions();
    levelHeadings();
  }

  new MutationObserver(function () {
    if (!scheduled) {
      scheduled = true;
      window.requestAnimationFrame(fix);
    }
  }).observe(document.body, { childList: true, subtree: true });
  fix();
})();
