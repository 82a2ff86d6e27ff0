// The two-way assessment charts (Chart.js); data and translated labels from the page's json_script.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var L = data.labels;
  function make(id, config) { var el = document.getElementById(id); if (el && window.Chart) { new Chart(el, config); } }
  var percentAxis = { beginAtZero: true, max: 100 };
  // Long department names are shortened on the axis (the table has them in full).
  var shortLabels = { ticks: { callback: function (value) { var l = this.getLabelForValue(value); return l.length > 14 ? l.slice(0, 13) + "…" : l; } } };
  make("chart-departments", { type: "bar", data: { labels: data.departments, datasets: [
      { label: L.on_time, data: data.on_time, backgroundColor: "#2e7d32" },
      { label: L.return_rate, data: data.return_rate, backgroundColor: "#c62828" } ] },
    options: { indexAxis: "y", maintainAspectRatio: false, scales: { x: percentAxis, y: shortLabels } } });
  make("chart-ratings", { type: "bar", data: { labels: data.departments, datasets: [
      { label: L.rating, data: data.rating, backgroundColor: "#f9a825" } ] },
    options: { indexAxis: "y", maintainAspectRatio: false, scales: { x: { beginAtZero: true, max: 5 }, y: shortLabels } } });
  make("chart-months", { type: "line", data: { labels: data.months, datasets: [
      { label: L.raised, data: data.raised, borderColor: "#1f3b66", tension: 0.2 },
      { label: L.returns, data: data.returns, borderColor: "#c62828", tension: 0.2 } ] },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
})();
