// Behaviour the templates used to carry inline (onclick=, onsubmit=, onchange=, style=). The Content-Security-
// Policy allows no inline script or style, so each is a data- attribute here, handled by delegation (it also
// works for content that htmx swaps in).
(function () {
  "use strict";

  // <form data-confirm="…">: ask before an action that cannot be undone. Capture phase, so a refusal stops the
  // submission before any other listener (htmx's) sees it.
  // A button may carry its own data-confirm (one form, two buttons: approve and reject).
  document.addEventListener("submit", function (event) {
    var message = event.target.dataset ? event.target.dataset.confirm : null;
    if (!message && event.submitter && event.submitter.dataset) { message = event.submitter.dataset.confirm; }
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // <form data-busy="…">: a slow submission (a PDF being made) says so and cannot be sent twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.dataset || !form.dataset.busy) { return; }
    // A disabled button is not sent: keep the pressed one's name and value (approve or reject) as a field.
    var pressed = event.submitter;
    if (pressed && pressed.name) {
      var keep = document.createElement("input");
      keep.type = "hidden";
      keep.name = pressed.name;
      keep.value = pressed.value;
      form.appendChild(keep);
    }
    form.querySelectorAll("button").forEach(function (button) {
      button.disabled = true;
      button.classList.add("busy");
      button.textContent = form.dataset.busy;
    });
  });

  // <select data-autosubmit>: a filter that applies as soon as it is picked.
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-autosubmit]")) {
      event.target.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest) { return; }
    // A suggestion's "Use" button fills the embedding form's input named data-pick with the item's code.
    var pick = event.target.closest("button[data-pick][data-code]");
    if (pick) {
      document.getElementsByName(pick.dataset.pick).forEach(function (field) {
        field.value = pick.dataset.code;
        field.dispatchEvent(new Event("change", { bubbles: true }));
      });
      return;
    }
    // An example under a text box puts its text in the box (and htmx matches it as if typed).
    var example = event.target.closest("button[data-example][data-example-for]");
    if (example) {
      var box = document.getElementById(example.dataset.exampleFor);
      box.value = example.dataset.example;
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });

  // <input data-filter-list="ID">: narrow a long list in the page as one types (the town's published list).
  // Rows carry data-filter-text; a <details data-filter-group> with no row left is hidden, one with a hit opens.
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-filter-list]")) { return; }
    var root = document.getElementById(box.dataset.filterList);
    if (!root) { return; }
    var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var found = 0;
    root.querySelectorAll("[data-filter-text]").forEach(function (row) {
      var text = row.dataset.filterText.toLowerCase();
      var hit = words.every(function (w) { return text.indexOf(w) !== -1; });
      row.hidden = !hit;
      if (hit) { found += 1; }
    });
    root.querySelectorAll("details[data-filter-group]").forEach(function (group) {
      var left = group.querySelectorAll("[data-filter-text]:not([hidden])").length;
      group.hidden = left === 0;
      group.open = words.length > 0 && left > 0;
    });
    root.querySelectorAll("section[data-kind]").forEach(function (section) {
      section.hidden = section.querySelectorAll("[data-filter-text]:not([hidden])").length === 0;
    });
    var count = box.parentNode.querySelector("[data-filter-count]");
    if (count) {
      count.hidden = words.length === 0;
      count.textContent = (box.dataset.foundText || "") + " " + found + " · ";
    }
  });

  // A form that came back with errors: a summary at the top of the page (each error a link to its field) and the
  // first field with an error focused, so that on a phone the reader is not left 1,500 px above the problem.
  function summariseFormErrors() {
    var main = document.querySelector("main");
    if (!main || main.querySelector("[data-error-summary]")) { return; }
    var invalid = Array.prototype.filter.call(main.querySelectorAll("form .is-invalid"), function (field) {
      return field.id && !field.closest("[data-no-error-summary]");
    });
    if (!invalid.length) { return; }
    var summary = document.createElement("div");
    summary.className = "alert alert-danger py-2";
    summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1");
    summary.dataset.errorSummary = "";
    summary.setAttribute("data-testid", "error-summary");
    var heading = document.createElement("div");
    heading.className = "fw-semibold";
    heading.textContent = document.body.dataset.errorSummaryText || "";
    summary.appendChild(heading);
    var list = document.createElement("ul");
    list.className = "mb-0 small";
    invalid.forEach(function (field) {
      var label = document.querySelector("label[for='" + field.id + "']");
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + field.id;
      link.className = "alert-link";
      link.textContent = label ? label.textContent.trim() : field.name;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      });
      item.appendChild(link);
      var message = field.parentNode.querySelector(".invalid-feedback");
      if (message) { item.appendChild(document.createTextNode(": " + message.textContent.trim())); }
      list.appendChild(item);
    });
    summary.appendChild(list);
    main.insertBefore(summary, main.firstChild);
    invalid[0].focus({ preventScroll: true });
    invalid[0].scrollIntoView({ block: "center" });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", summariseFormErrors);
  } else {
    summariseFormErrors();
  }

  // Bands on a range track take their place from data-left / data-width (percent), set through the CSSOM.
  function placeBands(root) {
    root.querySelectorAll("[data-band-left][data-band-width]").forEach(function (band) {
      band.style.left = band.dataset.bandLeft + "%";
      band.style.width = band.dataset.bandWidth + "%";
    });
  }
  placeBands(document);
  document.addEventListener("htmx:load", function (event) { placeBands(event.detail.elt); });

  // A background refresh (data-poll: the notifications bell, a document being generated) is not sent while
  // the phone has no connection: a page the service worker serves offline would only log a failed request.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!navigator.onLine && event.detail.elt.hasAttribute("data-poll")) event.preventDefault();
  });
})();
