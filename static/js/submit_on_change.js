// A form control marked data-submit-on-change submits its form as soon as
// it changes (the catalog's sort order applies when chosen). Without
// JavaScript the form's own submit button does it.
for (const control of document.querySelectorAll("[data-submit-on-change]")) {
  control.addEventListener("change", () => control.form.requestSubmit());
}
