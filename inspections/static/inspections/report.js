// The inspection figures chart (Chart.js); data and translated labels from the page's json_script.
(function () {
  "use strict";
  var el = document.getElementById("chart-units");
  var source = document.getElementById("chart-data");
  if (!el || !source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var shortLabels = { ticks: { callback: function (value) { var l = this.getLabelForValue(value); return l.length > 12 ? l.slice(0, 11) + "…" : l; } } };
  new Chart(el, { type: "bar", data: { labels: data.units, datasets: [
      { label: L.inspections, data: data.inspections, backgroundColor: "#1f3b66" },
      { label: L.joint, data: data.joint, backgroundColor: "#2e7d32" },
      { label: L.failures, data: data.failures, backgroundColor: "#c62828" } ] },
    options: { indexAxis: "y", maintainAspectRatio: false, scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: shortLabels } } });
})();
