// The on-site record form (cases/record_form.html): signature pads, question rows, the refusal toggle.
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=record-form]");
  if (!form || typeof SignaturePad === "undefined") { return; }

  var pads = [];
  Array.prototype.forEach.call(form.querySelectorAll("[data-signature]"), function (box) {
    var canvas = box.querySelector("canvas");
    var field = box.querySelector("[data-signature-value]");
    var pad = new SignaturePad(canvas, { penColor: "#000", minWidth: 1, maxWidth: 3 });
    function fit() {
      // Draw at the device's pixel ratio, keeping what was drawn across a rotation.
      var data = pad.toData();
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      if (data.length) {
        pad.fromData(data);
      } else if (field.value && field.value.indexOf("data:image/png;base64,") === 0) {
        // Sent back with an error: show the signature that was sent (it is sent again unless redrawn).
        pad.fromDataURL(field.value, { width: canvas.offsetWidth, height: canvas.offsetHeight });
      }
    }
    fit();
    window.addEventListener("resize", fit);
    box.querySelector("[data-signature-clear]").addEventListener("click", function () {
      pad.clear();
      field.value = "";
    });
    pads.push({ box: box, pad: pad, field: field });
  });

  form.addEventListener("submit", function () {
    pads.forEach(function (p) {
      if (p.box.closest("[hidden]")) { p.field.value = ""; return; }
      p.field.value = p.pad.isEmpty() ? (p.field.value || "") : p.pad.toDataURL("image/png");
    });
  });

  var refused = form.querySelector("[name=party_refused]");
  var refusal = form.querySelector("[data-refusal-fields]");
  var partyBox = form.querySelector("[data-party-signature]");
  function showRefusal() {
    refusal.hidden = !refused.checked;
    partyBox.hidden = refused.checked;
  }
  if (refused) { refused.addEventListener("change", showRefusal); showRefusal(); }

  var list = form.querySelector("[data-qa-list]");
  var template = form.querySelector("[data-qa-template]");
  function renumber() {
    Array.prototype.forEach.call(list.querySelectorAll("[data-qa-number]"), function (span, i) {
      span.textContent = String(i + 1);
    });
  }
  if (list && template) {
    list.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-qa-remove]");
      if (!remove) { return; }
      var rows = list.querySelectorAll("[data-qa-row]");
      if (rows.length > 1) { remove.closest("[data-qa-row]").remove(); renumber(); }
    });
    form.querySelector("[data-qa-add]").addEventListener("click", function () {
      var row = template.content.firstElementChild.cloneNode(true);
      list.appendChild(row);
      renumber();
      row.querySelector("textarea").focus();
    });
    renumber();
  }
})();
