// "Use my location" on the whistle form: fills latitude and longitude from the phone. Messages come translated
// in the button's data- attributes.
(function () {
  "use strict";
  var button = document.getElementById("locate");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var status = document.getElementById("locate-status");
    if (!navigator.geolocation) { status.textContent = button.dataset.msgUnavailable; return; }
    status.textContent = "…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
      status.textContent = "";
    }, function () { status.textContent = button.dataset.msgFailed; });
  });
})();
