// "Usar esta respuesta": put the article's answer into the task's answer field. The button's form then posts
// (htmx) to link the article to the case and count the use; the server logs it on the case.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-kb-use]") : null;
    if (!button) { return; }
    var form = button.form;
    var source = form ? form.querySelector("[data-kb-answer]") : null;
    var field = document.getElementById(button.getAttribute("data-kb-target") || "");
    if (!source || !field) { return; }
    var text = source.value.trim();
    field.value = field.value.trim() ? field.value.replace(/\s+$/, "") + "\n\n" + text : text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
