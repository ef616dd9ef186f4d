/* The admin's export page (templates/admin/import_export/export.html): the "Select all" box
 * ticks or clears every field, as django-import-export's template did with an inline
 * onchange= handler, which the Content-Security-Policy refuses. onSelectToggleChange comes
 * from import-export's export_selectable_fields.js, loaded before this (deferred) script. */
"use strict";

document.querySelectorAll("input.select-toggle").forEach((toggle) => {
  toggle.addEventListener("change", onSelectToggleChange);
});
