// The town map (/map/): markers from GET /api/map/markers/ with the filter form's values, one colour per kind
// (the legend's), filled while open and hollow once closed; a popup with the title, the stage and a link.
// Changing a filter reloads the markers and the page's address (so a reload or a shared link keeps them).
(function () {
  "use strict";
  var el = document.querySelector("[data-town-map]");
  if (!el || !window.ZhifaMaps) { return; }
  var L = window.L;
  var form = document.getElementById("map-filters");
  var COLOURS = { "case": "#0d6efd", "whistle": "#dc3545", "inspection": "#198754" };
  var map = window.ZhifaMaps.create(el, { scrollWheelZoom: true });
  map.setView(map.zhifaCenter, 13);
  var layer = L.featureGroup().addTo(map);
  var more = document.querySelector("[data-map-more]");
  var failed = document.querySelector("[data-map-error]");
  var count = document.querySelector("[data-map-count]");
  var request = 0;

  function query() {
    var params = new URLSearchParams();
    form.querySelectorAll("input[name=kind]:checked").forEach(function (box) { params.append("kind", box.value); });
    ["state", "stage"].forEach(function (name) {
      var value = form.elements[name].value;
      if (value) { params.set(name, value); }
    });
    return params;
  }

  function popup(marker) {
    var box = document.createElement("div");
    var title = document.createElement("div");
    title.className = "map-popup-title";
    title.textContent = marker.title;
    var stage = document.createElement("div");
    stage.className = "text-muted";
    stage.textContent = marker.stage_label + " · " + marker.on;
    var link = document.createElement("a");
    link.href = marker.url;
    link.textContent = el.dataset.msgOpen;
    box.append(title, stage, link);
    return box;
  }

  function show(data) {
    layer.clearLayers();
    data.markers.forEach(function (marker) {
      var colour = COLOURS[marker.kind] || "#6c757d";
      L.circleMarker([marker.lat, marker.lng], {
        radius: 8, weight: 2, color: marker.open ? "#ffffff" : colour,
        fillColor: colour, fillOpacity: marker.open ? 0.95 : 0.15,
        className: "map-marker map-marker-" + marker.kind
      }).bindPopup(popup(marker)).addTo(layer);
    });
    var anyMore = Object.keys(data.more).some(function (kind) { return data.more[kind]; });
    more.classList.toggle("d-none", !anyMore);
    count.textContent = el.dataset.msgCount.replace("{n}", String(data.markers.length));
    if (data.markers.length) {
      map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 16 });
    }
  }

  function load() {
    var params = query();
    var mine = ++request;
    failed.classList.add("d-none");
    window.history.replaceState(null, "", "?" + params.toString());
    fetch(el.dataset.endpoint + "?" + params.toString(), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      if (mine === request) { show(data); }
    }).catch(function () {
      if (mine === request) { failed.classList.remove("d-none"); }
    });
  }

  form.addEventListener("change", load);
  form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
  load();
})();
