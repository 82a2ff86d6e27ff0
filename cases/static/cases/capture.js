// The capture page (cases/case_capture.html): reads the phone's place (navigator.geolocation) and clock into
// the form's hidden fields and says what it found, and shows what was taken before it is sent. Each camera
// shot fills a file input; the filled input moves into a hidden holder and an empty one takes its place, so
// several shots add up and the form posts them all as `files` (a plain multipart form, queued as it is when
// the phone is offline). Messages come translated in data- attributes.
(function () {
  "use strict";
  var form = document.getElementById("capture-form");
  if (!form) { return; }
  var where = document.getElementById("capture-location");
  var whereText = document.getElementById("capture-location-text");
  var timeText = document.getElementById("capture-device-time");
  var relocate = document.getElementById("capture-relocate");
  var holder = document.getElementById("capture-taken");
  var previews = document.getElementById("capture-previews");
  var count = document.getElementById("capture-count");
  var submit = document.getElementById("capture-submit");
  var fields = {
    latitude: document.getElementById("capture-latitude"),
    longitude: document.getElementById("capture-longitude"),
    accuracy: document.getElementById("capture-accuracy"),
    time: document.getElementById("capture-time")
  };

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function degrees(value, positive, negative) {
    var template = value >= 0 ? where.dataset[positive] : where.dataset[negative];
    return fill(template, { deg: Math.abs(value).toFixed(6) });
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function stampTime() {
    var now = new Date();
    fields.time.value = now.toISOString();
    var local = now.getFullYear() + "-" + two(now.getMonth() + 1) + "-" + two(now.getDate()) + " " +
      two(now.getHours()) + ":" + two(now.getMinutes()) + ":" + two(now.getSeconds());
    timeText.textContent = fill(where.dataset.msgTime, { time: local });
  }

  function located(position) {
    var c = position.coords;
    fields.latitude.value = c.latitude.toFixed(6);
    fields.longitude.value = c.longitude.toFixed(6);
    fields.accuracy.value = String(Math.ceil(c.accuracy));
    var text = fill(where.dataset.msgPair, {
      lat: degrees(c.latitude, "msgNorth", "msgSouth"),
      lon: degrees(c.longitude, "msgEast", "msgWest")
    });
    whereText.textContent = fill(where.dataset.msgLocated, { where: text, m: Math.ceil(c.accuracy) });
    where.dataset.state = "located";
    relocate.classList.add("d-none");
  }

  function unlocated(why) {
    fields.latitude.value = "";
    fields.longitude.value = "";
    fields.accuracy.value = "";
    whereText.textContent = fill(where.dataset.msgNone, { why: why });
    where.dataset.state = "none";
    relocate.classList.remove("d-none");
  }

  function locate() {
    if (!navigator.geolocation) { unlocated(where.dataset.msgUnsupported); return; }
    where.dataset.state = "pending";
    whereText.textContent = where.dataset.msgLocating;
    navigator.geolocation.getCurrentPosition(located, function (error) {
      var why = { 1: where.dataset.msgDenied, 3: where.dataset.msgTimeout }[error.code];
      unlocated(why || where.dataset.msgUnknown);
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 30000 });
  }

  function taken() {
    return holder.querySelectorAll("input[type=file]");
  }

  function recount() {
    var n = 0;
    taken().forEach(function (input) { n += input.files.length; });
    count.textContent = n ? fill(count.dataset.msgSome, { n: n }) : count.dataset.msgNone;
  }

  function preview(file, item) {
    if (file.type.indexOf("image/") === 0) {
      var img = document.createElement("img");
      img.alt = file.name;
      var reader = new FileReader();  // a data: URL (the CSP allows data: images, not blob:)
      reader.onload = function () { img.src = reader.result; };
      reader.readAsDataURL(file);
      item.appendChild(img);
    } else {
      var tile = document.createElement("span");
      tile.className = "capture-tile";
      tile.textContent = file.type.indexOf("video/") === 0 ? "\u25B6" : "\u266B";
      item.appendChild(tile);
    }
    var name = document.createElement("span");
    name.className = "capture-name";
    name.textContent = file.name;
    item.appendChild(name);
  }

  function keep(input) {
    // Move the filled input into the holder, put an empty copy where it was, show what it holds.
    var fresh = input.cloneNode(false);
    fresh.value = "";
    fresh.addEventListener("change", changed);
    input.parentNode.insertBefore(fresh, input);
    holder.appendChild(input);
    var group = document.createElement("li");
    group.className = "capture-group";
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("div");
      item.className = "capture-item";
      item.setAttribute("data-testid", "capture-preview");
      preview(file, item);
      group.appendChild(item);
    });
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-sm btn-outline-danger capture-remove";
    remove.textContent = previews.dataset.msgRemove;
    remove.addEventListener("click", function () {
      input.remove();
      group.remove();
      recount();
    });
    group.appendChild(remove);
    previews.appendChild(group);
  }

  function changed(event) {
    var input = event.target;
    if (!input.files || !input.files.length) { return; }
    stampTime();
    if (where.dataset.state !== "located") { locate(); }
    keep(input);
    recount();
  }

  form.querySelectorAll("input.capture-input").forEach(function (input) {
    input.addEventListener("change", changed);
  });
  relocate.addEventListener("click", locate);
  form.addEventListener("submit", function () {
    if (!fields.time.value) { stampTime(); }
    submit.textContent = submit.dataset.msgSending;
    submit.setAttribute("aria-busy", "true");
  });
  var errors = document.getElementById("capture-errors");
  if (errors) { errors.focus(); }
  stampTime();
  locate();
})();
