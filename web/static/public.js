// The citizen pages. At a library kiosk nothing is left behind: after 3 minutes without use, and a while
// after the receipt, the kiosk goes back to its start page (replacing history, so "back" shows nothing).
(function () {
  "use strict";
  var body = document.body;
  var home = body.getAttribute("data-kiosk-home");
  if (!home) { return; }
  function clear() { window.location.replace(home); }
  var idle = parseInt(body.getAttribute("data-kiosk-idle") || "180", 10) * 1000;
  var timer = window.setTimeout(clear, idle);
  ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (name) {
    document.addEventListener(name, function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(clear, idle);
    }, { passive: true });
  });
  var after = parseInt(body.getAttribute("data-kiosk-clear") || "0", 10);
  if (after > 0) { window.setTimeout(clear, after * 1000); }
  document.querySelectorAll("[data-kiosk-end]").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); clear(); });
  });
})();
// The company field suggests the names in the provider registry (free text is still allowed).
(function () {
  "use strict";
  var form = document.querySelector("form[data-empresas]");
  if (!form) { return; }
  var input = form.querySelector("input[name='provider.name']");
  if (input) { input.setAttribute("list", form.getAttribute("data-empresas")); }
})();
