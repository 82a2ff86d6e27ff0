// The usage report's charts (Chart.js); data from the page's json_script, translated series names from the
// canvases' data- attributes.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("usage-chart-data").textContent);
  var items = document.getElementById("items-chart");
  var towns = document.getElementById("towns-chart");
  if (items && data.items.labels.length) {
    new Chart(items, {
      type: "bar",
      data: { labels: data.items.labels, datasets: [{ label: items.dataset.labelUses, data: data.items.uses, backgroundColor: "#1f3b66" }] },
      options: { indexAxis: "y", plugins: { legend: { display: false }, tooltip: { callbacks: { title: function (ctx) { return data.items.titles[ctx[0].dataIndex]; } } } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  if (towns) {
    new Chart(towns, {
      type: "bar",
      data: { labels: data.towns.labels, datasets: [
        { label: towns.dataset.labelUsed, data: data.towns.used, backgroundColor: "#198754" },
        { label: towns.dataset.labelZombie, data: data.towns.zombies, backgroundColor: "#dc3545" },
        { label: towns.dataset.labelNew, data: data.towns.other, backgroundColor: "#adb5bd" }
      ] },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
})();
