// The usage page: its charts (Chart.js; data from the page's json_script, translated series names from the
// canvases' data- attributes; names, never codes, on the axes) and "select all" for the zombie items.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      var boxes = button.form.querySelectorAll('input[type=checkbox][name="' + button.dataset.selectAll + '"]');
      var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      boxes.forEach(function (b) { b.checked = !all; });
    });
  });
  if (typeof Chart === "undefined") { return; }
  var data = JSON.parse(document.getElementById("usage-chart-data").textContent);
  var domains = document.getElementById("domains-chart");
  var towns = document.getElementById("towns-chart");
  var common = { responsive: true, maintainAspectRatio: false };
  if (domains && data.domains.labels.length) {
    new Chart(domains, {
      type: "bar",
      data: { labels: data.domains.labels, datasets: [
        { label: domains.dataset.labelUses, data: data.domains.uses, backgroundColor: "#1f3b66" },
        { label: domains.dataset.labelZombies, data: data.domains.zombies, backgroundColor: "#dc3545" }
      ] },
      options: Object.assign({ indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }, common)
    });
  }
  if (towns && data.towns.labels.length) {
    new Chart(towns, {
      type: "bar",
      data: { labels: data.towns.labels, datasets: [
        { label: towns.dataset.labelUsed, data: data.towns.used, backgroundColor: "#198754" },
        { label: towns.dataset.labelZombie, data: data.towns.zombies, backgroundColor: "#dc3545" },
        { label: towns.dataset.labelNew, data: data.towns.other, backgroundColor: "#adb5bd" }
      ] },
      options: Object.assign({ scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }, common)
    });
  }
})();
