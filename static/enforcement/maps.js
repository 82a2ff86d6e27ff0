// Maps on Leaflet (static/vendor/leaflet). One base for every map: the configured tile server (MAP_TILE_URL,
// given in the element's data- attributes), or, with none, a coordinate grid drawn here, so a map works
// offline and asks no outside host. Then two uses that start by themselves:
//   [data-point-picker]  the place picker of the forms (enforcement.maps.PointWidget): a tap on the map or
//                        "use my location" fills the latitude and longitude inputs, which stay editable;
//   [data-place-map]     a small map of one place (the case page), from data-lat and data-lng.
// The town map (town_map.js) uses ZhifaMaps.create. Messages come translated in data- attributes.
(function () {
  "use strict";
  if (window.ZhifaMaps || !window.L) { return; }
  var L = window.L;

  // The plain base: one canvas per tile, its edges drawn as grid lines and its north-west corner labelled.
  var CoordinateGrid = L.GridLayer.extend({
    createTile: function (coords) {
      var size = this.getTileSize();
      var tile = document.createElement("canvas");
      tile.width = size.x;
      tile.height = size.y;
      var ctx = tile.getContext("2d");
      ctx.strokeStyle = "rgba(90, 100, 110, 0.28)";
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(0.5, 0); ctx.lineTo(0.5, size.y);
      ctx.moveTo(0, 0.5); ctx.lineTo(size.x, 0.5);
      ctx.stroke();
      ctx.strokeStyle = "rgba(90, 100, 110, 0.10)";
      ctx.beginPath();
      ctx.moveTo(size.x / 2 + 0.5, 0); ctx.lineTo(size.x / 2 + 0.5, size.y);
      ctx.moveTo(0, size.y / 2 + 0.5); ctx.lineTo(size.x, size.y / 2 + 0.5);
      ctx.stroke();
      var corner = this._map.unproject([coords.x * size.x, coords.y * size.y], coords.z);
      var digits = coords.z >= 15 ? 4 : coords.z >= 11 ? 3 : 2;
      ctx.fillStyle = "rgba(70, 80, 90, 0.75)";
      ctx.font = "10px sans-serif";
      ctx.fillText(corner.lat.toFixed(digits) + ", " + corner.lng.toFixed(digits), 4, 12);
      return tile;
    }
  });

  function config(el) {
    var holder = el.closest("[data-center]") || el;
    var center = (holder.dataset.center || "29.556,106.533").split(",").map(Number);
    return {
      tileUrl: holder.dataset.tileUrl || "",
      attribution: holder.dataset.tileAttribution || "",
      maxZoom: Number(holder.dataset.tileMaxZoom) || 18,
      gridLabel: holder.dataset.msgGrid || "",
      center: L.latLng(center[0] || 0, center[1] || 0)
    };
  }

  function create(el, options) {
    var cfg = config(el);
    var map = L.map(el, L.extend({ maxZoom: cfg.tileUrl ? cfg.maxZoom : 19, scrollWheelZoom: false }, options || {}));
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, { attribution: cfg.attribution, maxZoom: cfg.maxZoom }).addTo(map);
    } else {
      el.classList.add("map-offline");
      new CoordinateGrid({ attribution: cfg.gridLabel }).addTo(map);
    }
    map.attributionControl.setPrefix(false);
    map.zhifaCenter = cfg.center;
    return map;
  }

  function number(input) {
    var text = (input.value || "").trim();
    return text === "" ? NaN : Number(text);
  }

  function validPoint(lat, lng) {
    return isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
  }

  function pointMarker(latlng) {
    return L.circleMarker(latlng, {
      radius: 9, weight: 3, color: "#ffffff", fillColor: "#b02a37", fillOpacity: 1, className: "map-point"
    });
  }

  function initPicker(root) {
    var inputs = root.querySelectorAll("input");
    var latInput = inputs[0], lngInput = inputs[1];
    var el = root.querySelector("[data-map-el]");
    var status = root.querySelector("[data-point-status]");
    var msg = root.dataset;
    el.classList.remove("d-none");
    root.querySelector("[data-point-tools]").classList.remove("d-none");
    root.querySelector("[data-point-hint]").classList.remove("d-none");
    var map = create(el);
    var marker = null, accuracy = null;

    function show(latlng, zoom) {
      if (marker) { marker.setLatLng(latlng); } else { marker = pointMarker(latlng).addTo(map); }
      map.setView(latlng, Math.max(map.getZoom() || 0, zoom || 16));
    }
    function fill(lat, lng) {
      latInput.value = lat.toFixed(6);
      lngInput.value = lng.toFixed(6);
      [latInput, lngInput].forEach(function (input) {
        input.classList.remove("is-invalid");
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }
    function dropAccuracy() {
      if (accuracy) { map.removeLayer(accuracy); accuracy = null; }
    }

    var lat = number(latInput), lng = number(lngInput);
    if (validPoint(lat, lng)) { show(L.latLng(lat, lng), 16); } else { map.setView(map.zhifaCenter, 13); }

    map.on("click", function (event) {
      var latlng = event.latlng.wrap();
      dropAccuracy();
      fill(latlng.lat, latlng.lng);
      show(latlng, map.getZoom());
      status.textContent = msg.msgPicked;
    });
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var a = number(latInput), b = number(lngInput);
        if (validPoint(a, b)) { show(L.latLng(a, b), map.getZoom()); }
      });
    });
    root.querySelector("[data-point-clear]").addEventListener("click", function () {
      latInput.value = ""; lngInput.value = "";
      [latInput, lngInput].forEach(function (input) {
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      if (marker) { map.removeLayer(marker); marker = null; }
      dropAccuracy();
      status.textContent = "";
    });
    root.querySelector("[data-point-locate]").addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = msg.msgUnavailable; return; }
      status.textContent = msg.msgLocating;
      navigator.geolocation.getCurrentPosition(function (pos) {
        var latlng = L.latLng(pos.coords.latitude, pos.coords.longitude);
        fill(latlng.lat, latlng.lng);
        dropAccuracy();
        if (pos.coords.accuracy) {
          accuracy = L.circle(latlng, {
            radius: pos.coords.accuracy, weight: 1, color: "#b02a37", fillOpacity: 0.08, interactive: false
          }).addTo(map);
        }
        show(latlng, 17);
        status.textContent = msg.msgAccuracy.replace("{m}", String(Math.round(pos.coords.accuracy || 0)));
      }, function () {
        status.textContent = msg.msgFailed;
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  }

  function initPlace(el) {
    var latlng = L.latLng(Number(el.dataset.lat), Number(el.dataset.lng));
    var map = create(el);
    map.setView(latlng, 16);
    pointMarker(latlng).addTo(map);
  }

  window.ZhifaMaps = { create: create, pointMarker: pointMarker };

  function start() {
    document.querySelectorAll("[data-point-picker]").forEach(initPicker);
    document.querySelectorAll("[data-place-map]").forEach(initPlace);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
