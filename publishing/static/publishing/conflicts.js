// A field two editors changed: "Take theirs" puts their value in the form's field, "Keep
// yours" puts back the value it had, and editing the field keeps what is typed. Without
// this script the choice still works: the server takes their value from the hidden inputs
// beside the choice.
document.addEventListener("DOMContentLoaded", () => {
  // The change form itself, not the one-button form among the object tools above it.
  const form = document.querySelector("#content-main form:not(.object-tools form)");
  if (!form) return;
  for (const radio of form.querySelectorAll('input[type="radio"][name^="_resolve-"]')) {
    const name = radio.name.slice("_resolve-".length);
    const field = form.elements.namedItem(name);
    if (!field) continue;
    const theirs = [...form.querySelectorAll(`input[type="hidden"][name="_theirs-${CSS.escape(name)}"]`)]
      .map((input) => input.value);
    const yours = field.multiple
      ? [...field.options].filter((option) => option.selected).map((option) => option.value)
      : [field.value];
    radio.addEventListener("change", () => {
      const values = radio.value === "theirs" ? theirs : yours;
      if (field.multiple) {
        for (const option of field.options) option.selected = values.includes(option.value);
      } else {
        field.value = values[0] ?? "";
      }
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
    if (radio.value === "mine") {
      // Editing the field after taking theirs makes it the form's value: keep that.
      field.addEventListener("input", () => { radio.checked = true; });
    }
  }
});
