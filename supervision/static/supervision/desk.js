// The desk: "tick every open warning on this page" ticks (or clears) the row boxes of the bulk form.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var all = event.target.closest && event.target.closest("input[data-tick-all]");
    if (!all) return;
    var name = all.getAttribute("data-tick-all");
    all.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });
})();
