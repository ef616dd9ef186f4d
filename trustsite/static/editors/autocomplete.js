/* Django's autocomplete boxes (autocomplete_fields, built by select2) and its tabular inlines
 * leave screen readers without names, which axe-core reports:
 * - select2's combobox and its search field carry no name: they get the field's label;
 * - a multiple box's "clear" cross is a <span> straight inside its <ul>: it goes in an <li>;
 * - a tabular inline's first and last header cells are empty: they get words, hidden.
 * select2 builds a box when the page loads, again for each inline row added, and re-renders
 * a box's list on every change, so this looks again whenever the form's markup changes. */
"use strict";

function labelOf(select) {
  const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
  const words = label ? label.textContent : select.name.split("-").pop();
  return words.replace(/:\s*$/, "").trim();
}

function nameAutocompletes() {
  document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
    const box = select.nextElementSibling;
    if (!box || !box.classList.contains("select2")) return;
    const name = labelOf(select);
    box.querySelectorAll(".select2-selection, .select2-search__field, .select2-selection__rendered[role]")
      .forEach((element) => {
        if (element.getAttribute("aria-label") !== name) element.setAttribute("aria-label", name);
      });
    box.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear").forEach((cross) => {
      const item = document.createElement("li");
      item.className = "select2-selection__clear-item";
      cross.replaceWith(item);
      item.append(cross);
    });
  });
}

function nameEmptyHeaders() {
  document.querySelectorAll(".tabular thead th").forEach((cell) => {
    if (cell.textContent.trim() || cell.querySelector(".visually-hidden")) return;
    const words = document.createElement("span");
    words.className = "visually-hidden";
    words.textContent = cell.classList.contains("original") ? "Saved as" : "Remove";
    cell.append(words);
  });
}

window.addEventListener("load", () => {
  // The page's own form, not a one-button form among the object tools above it.
  const form = document.querySelector("#content-main form:not(.object-tools form)");
  if (!form) return;
  const fix = () => {
    nameAutocompletes();
    nameEmptyHeaders();
  };
  fix();
  new MutationObserver(fix).observe(form, { childList: true, subtree: true });
});
