/* Django's two-pane picker (filter_horizontal, built by SelectFilter2.js) labels each of its
 * filter boxes with an empty <span> carrying an aria-label, which ARIA does not allow on an
 * element without a role: screen readers may drop the name, and axe-core reports it. As an
 * image (the magnifier it shows) the span may carry the name, and the box is named by it.
 * SelectFilter2 builds the picker when the page has loaded; this runs after it. */
"use strict";

window.addEventListener("load", () => {
  document.querySelectorAll(".selector-filter .search-label-icon[aria-label]").forEach((icon) => {
    icon.setAttribute("role", "img");
  });
});
