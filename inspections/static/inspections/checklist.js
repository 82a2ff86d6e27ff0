// The on-site checklist: each point's answer is sent in the background and its card replaced by the server's; until
// it is sent, the answer is kept in this phone's localStorage (restored if the page is reloaded), and answers that
// could not be sent for want of a connection are sent again when the connection comes back. The photos chosen for
// an answer not yet sent are kept in this phone's IndexedDB (localStorage holds text only) and put back in their
// card if the page is reloaded.
(function () {
  "use strict";
  var root = document.querySelector("[data-checklist]");
  if (!root) { return; }
  var PREFIX = "zhifa-inspection-answer:";
  var LABELS = {
    draft: root.dataset.labelDraft || "",
    sending: root.dataset.labelSending || "",
    offline: root.dataset.labelOffline || ""
  };
  var waiting = {};

  function storageKey(form) { return PREFIX + form.dataset.draft; }

  var photoDb = null;
  function photos() {  // a promise of the database, or of null where IndexedDB is missing or refused
    if (!photoDb) {
      photoDb = new Promise(function (resolve) {
        if (!window.indexedDB) { resolve(null); return; }
        var request;
        try { request = window.indexedDB.open("zhifa-inspection-photos", 1); } catch (e) { resolve(null); return; }
        request.onupgradeneeded = function () { request.result.createObjectStore("photos"); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { resolve(null); };
      });
    }
    return photoDb;
  }

  function photoInput(form) { return form.querySelector("input[type=file]"); }

  function keepPhotos(form) {
    var input = photoInput(form);
    if (!input) { return; }
    var files = Array.prototype.slice.call(input.files || []);
    photos().then(function (db) {
      if (!db) { return; }
      var store = db.transaction("photos", "readwrite").objectStore("photos");
      if (files.length) { store.put(files, storageKey(form)); } else { store.delete(storageKey(form)); }
    });
  }

  function restorePhotos(form) {
    var input = photoInput(form);
    if (!input || (input.files && input.files.length) || typeof DataTransfer === "undefined") { return; }
    photos().then(function (db) {
      if (!db) { return; }
      var request = db.transaction("photos", "readonly").objectStore("photos").get(storageKey(form));
      request.onsuccess = function () {
        var files = request.result;
        if (!files || !files.length || (input.files && input.files.length)) { return; }
        var transfer = new DataTransfer();
        files.forEach(function (file) { transfer.items.add(file); });
        input.files = transfer.files;
        input.dataset.restored = String(files.length);
        setState(form, "draft");
      };
    });
  }

  function forgetPhotos(form) {
    photos().then(function (db) {
      if (db) { db.transaction("photos", "readwrite").objectStore("photos").delete(storageKey(form)); }
    });
  }

  function fieldsOf(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      out[el.name] = el.value;
    });
    return out;
  }

  function setState(form, state) {
    var card = form.closest("[data-point-card]");
    if (!card) { return; }
    if (state) { card.dataset.state = state; } else { delete card.dataset.state; }
    var holder = card.querySelector("[data-point-state]");
    if (holder && state) {
      holder.textContent = LABELS[state] || "";
      holder.className = "small point-state " + (state === "offline" ? "text-danger" : "text-warning");
    }
  }

  function keep(form) {
    try {
      window.localStorage.setItem(storageKey(form), JSON.stringify(fieldsOf(form)));
    } catch (e) { /* storage full or disabled: the answer is still in the form */ }
    setState(form, "draft");
  }

  function restore(form) {
    var raw = null;
    try { raw = window.localStorage.getItem(storageKey(form)); } catch (e) { return; }
    if (!raw) { return; }
    var saved = JSON.parse(raw);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      if (el.type === "radio") { el.checked = saved[el.name] === el.value; }
      else if (el.type === "checkbox") { el.checked = el.name in saved; }
      else if (el.name in saved) { el.value = saved[el.name]; }
    });
    setState(form, "draft");
  }

  function forget(form) {
    try { window.localStorage.removeItem(storageKey(form)); } catch (e) { /* nothing kept */ }
    forgetPhotos(form);
    delete waiting[form.dataset.draft];
  }

  function progress() {
    var cards = root.querySelectorAll("[data-point-card]");
    var answered = root.querySelectorAll("[data-point-card]:not([data-result='pending'])").length;
    var bar = document.querySelector("[data-progress]");
    var count = document.querySelector("[data-answered]");
    if (bar) { bar.max = cards.length; bar.value = answered; }
    if (count) { count.textContent = answered; }
  }

  function send(form) {
    if (navigator.onLine === false) {  // no request at all: it would only fail
      waiting[form.dataset.draft] = form;
      setState(form, "offline");
      return Promise.resolve(null);
    }
    setState(form, "sending");
    return window.fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Checklist": "card" }
    }).then(function (response) {
      if (!response.ok) {
        // 403, 404, 409: the task moved on (finished elsewhere, not on the visit any more): show the page as it is.
        forget(form);
        window.location.reload();
        return null;
      }
      return response.text().then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var card = holder.firstElementChild;
        var saved = card.dataset.saved === "1";
        if (saved) { forget(form); }
        form.closest("[data-point-card]").replaceWith(card);
        var fresh = card.querySelector("form[data-point-form]");
        if (fresh) {
          bind(fresh);
          if (!saved) {  // refused (a note or a photo missing): still kept on the phone, its photos put back
            keep(fresh);
            restorePhotos(fresh);
          }
        }
        progress();
      });
    }).catch(function () {
      waiting[form.dataset.draft] = form;
      setState(form, "offline");
    });
  }

  function bind(form) {
    if (form.dataset.bound) { return; }
    form.dataset.bound = "1";
    form.addEventListener("input", function () { keep(form); });
    form.addEventListener("change", function (event) {
      keep(form);
      if (event.target && event.target.type === "file") { keepPhotos(form); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      keep(form);
      send(form);
    });
  }

  root.querySelectorAll("form[data-point-form]").forEach(function (form) {
    bind(form);
    restore(form);
    restorePhotos(form);
  });

  window.addEventListener("online", function () {
    Object.keys(waiting).forEach(function (key) { send(waiting[key]); });
  });
})();
