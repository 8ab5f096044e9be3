// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Gallery: thumbnails swap the main image instead of opening the picture on its own.
  document.querySelectorAll(".thumb[data-full]").forEach(function (thumb) {
    thumb.addEventListener("click", function (event) {
      var main = document.getElementById("main-image");
      if (!main) return;
      event.preventDefault();
      main.src = thumb.getAttribute("data-full");
      document.querySelectorAll(".thumb").forEach(function (t) { t.removeAttribute("aria-current"); });
      thumb.setAttribute("aria-current", "true");
    });
  });

  // Card number: group digits in fours as the shopper types (text inputs only; a number input cannot hold spaces).
  document.querySelectorAll('input[autocomplete="cc-number"][type="text"]').forEach(function (input) {
    input.addEventListener("input", function () {
      var digits = input.value.replace(/\D/g, "").slice(0, 19);
      var grouped = digits.replace(/(\d{4})(?=\d)/g, "$1 ");
      if (grouped !== input.value) input.value = grouped;
    });
  });

  // Optional account: the password is only required once the shopper ticks the box.
  var createAccount = document.getElementById("create-account");
  var password = document.getElementById("account-password");
  if (createAccount && password) {
    var sync = function () { password.required = createAccount.checked; };
    createAccount.addEventListener("change", sync);
    sync();
  }

  // One order per click: a double click on "Place order" must not submit twice.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button) return;
      window.setTimeout(function () { button.disabled = true; button.setAttribute("aria-busy", "true"); }, 0);
    });
  });
  // Coming back with the Back button restores the page from cache: make its buttons usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll('button[aria-busy="true"]').forEach(function (b) {
      b.disabled = false;
      b.removeAttribute("aria-busy");
    });
  });
})();
