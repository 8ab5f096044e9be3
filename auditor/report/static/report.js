// Finding filters. Progressive: without this script the filter bar stays hidden and everything shows.
// Allowed by its hash in the page's CSP; it only reads data-* attributes and toggles `hidden`.
(function () {
  "use strict";
  var bar = document.getElementById("filters");
  if (!bar) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-filter-item]"));
  // A card holds the same problem on several devices: it shows while any of its devices' findings does.
  var cards = Array.prototype.slice.call(document.querySelectorAll("[data-filter-group]"));
  var groups = ["severity", "stage", "device", "check"];
  var chosen = {};
  groups.forEach(function (g) { chosen[g] = new Set(); });
  var count = document.getElementById("filter-count");

  function visible(el) {
    for (var i = 0; i < groups.length; i++) {
      var set = chosen[groups[i]];
      if (!set.size) { continue; }
      var value = el.getAttribute("data-" + groups[i]);
      if (value === null || !set.has(value)) { return false; }  // passed items have no severity
    }
    return true;
  }

  function apply() {
    var shown = 0, total = 0, cardsShown = 0;
    items.forEach(function (el) {
      var ok = visible(el);
      el.hidden = !ok;
      if (el.hasAttribute("data-finding")) {
        total += 1;
        if (ok) { shown += 1; }
      }
    });
    cards.forEach(function (card) {
      card.hidden = !card.querySelector("[data-filter-item]:not([hidden])");
      if (!card.hidden) { cardsShown += 1; }
    });
    var any = groups.some(function (g) { return chosen[g].size > 0; });
    count.textContent = any ? "Showing " + shown + " of " + total + " findings, in " + cardsShown + " of " +
      cards.length + " problems" : "";
  }

  bar.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-group]");
    if (!button) { return; }
    var group = button.getAttribute("data-group");
    if (group === "reset") {
      groups.forEach(function (g) { chosen[g].clear(); });
      bar.querySelectorAll("button[aria-pressed]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    } else {
      var set = chosen[group], value = button.getAttribute("data-value");
      if (set.has(value)) { set.delete(value); } else { set.add(value); }
      button.setAttribute("aria-pressed", set.has(value) ? "true" : "false");
    }
    apply();
  });

  bar.hidden = false;
  apply();
}());
