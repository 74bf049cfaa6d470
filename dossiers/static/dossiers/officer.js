// The officers' screens (loaded with defer on every one of them; no inline script anywhere, as the
// Content-Security-Policy requires).

// A select marked data-submit-on-change sends its form when a choice is made (the counter's procedure).
document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});

// The dossier screen: one action form open at a time; after a refusal, bring the open form (an action's, or a
// card's marked refused) into view.
document.querySelectorAll(".actions details").forEach(function (panel) {
  panel.addEventListener("toggle", function () {
    if (!panel.open) return;
    document.querySelectorAll(".actions details[open]").forEach(function (other) {
      if (other !== panel) other.open = false;
    });
  });
});
var failed = document.querySelector(".actions details[open], details.refused[open]");
if (failed) failed.scrollIntoView({block: "center"});
