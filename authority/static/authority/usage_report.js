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
  // No animation: the figures are read, not watched (and a resize would replay it).
  var common = { responsive: true, maintainAspectRatio: false, animation: false };
  if (domains && data.domains.labels.length) {
    // One bar per domain, each labelled: the box grows with the number of domains instead of skipping labels.
    domains.parentNode.style.height = Math.max(160, 26 * data.domains.labels.length + 40) + "px";
    new Chart(domains, {
      type: "bar",
      data: { labels: data.domains.labels, datasets: [
        { label: domains.dataset.labelUses, data: data.domains.uses, backgroundColor: "#1f3b66" }
      ] },
      options: Object.assign({ indexAxis: "y", plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false } } } }, common)
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
