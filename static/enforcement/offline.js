// Work that survives a weak signal (issue 17): the service worker, drafts and the outbox.
//
// - Registers the service worker (/sw.js): the app shell and an offline page when a page cannot be loaded.
// - <form data-offline="queue">: what is typed is kept on the phone (localStorage, per user and form address)
//   and put back after a reload until it is sent. The form is posted by this script with a key it makes up
//   (`submission_key`; the server runs a key once, enforcement/submissions.py). With no connection, or when
//   the post fails on the network, the whole submission (fields and files) waits in an outbox (IndexedDB) and
//   is sent when the connection returns (the online event, each page load, a timer).
// - The banner (templates/offline_outbox.html, which holds every word shown here) says what waits, what was
//   sent (with a link to the result) and what the server refused (with a way back to the form).
(function () {
  "use strict";

  var banner = document.getElementById("outbox-banner");
  if (!banner) { return; }
  var text = banner.dataset;
  var user = banner.dataset.user || "";
  var loginPath = banner.dataset.login;
  var RETRY_MS = 30000;
  var DB_NAME = "zhifa-outbox";
  var STORE = "items";
  var signedOut = banner.dataset.signedOut === "1";
  var flushing = false;

  if ("serviceWorker" in navigator && banner.dataset.worker) {
    navigator.serviceWorker.register(banner.dataset.worker, { scope: "/" }).catch(function () {
      // No worker (a private window, an old browser): pages load as before, the outbox still works.
    });
  }

  // --- IndexedDB: the outbox -------------------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(result && result.result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function allItems() { return withStore("readonly", function (store) { return store.getAll(); }); }
  function putItem(item) { return withStore("readwrite", function (store) { return store.put(item); }); }
  function deleteItem(id) { return withStore("readwrite", function (store) { return store.delete(id); }); }
  function getItem(id) { return withStore("readonly", function (store) { return store.get(id); }); }

  // --- what was sent, until the officer closes the message -------------------------------------------------
  var sentKey = "zhifa:outbox-sent:" + user;
  function sentList() {
    try { return JSON.parse(localStorage.getItem(sentKey) || "[]"); } catch (error) { return []; }
  }
  function setSentList(list) {
    if (list.length) {
      localStorage.setItem(sentKey, JSON.stringify(list));
    } else {
      localStorage.removeItem(sentKey);
    }
  }

  // --- drafts ----------------------------------------------------------------------------------------------
  var SKIPPED = { csrfmiddlewaretoken: true, submission_key: true };

  function formAddress(form) {
    var url = new URL(form.action, location.href);
    return url.pathname + url.search;
  }

  function draftKey(form) { return "zhifa:draft:" + user + ":" + formAddress(form); }

  function keptField(element) {
    return element.name && !SKIPPED[element.name] && !element.disabled
      && ["file", "password", "hidden", "submit", "button"].indexOf(element.type) < 0;
  }

  function saveDraft(form) {
    if (!user) { return; }
    var values = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!keptField(element)) { return; }
      var list = values[element.name] || (values[element.name] = []);
      if (element.type === "checkbox" || element.type === "radio") {
        if (element.checked) { list.push(element.value); }
      } else if (element.type === "select-multiple") {
        Array.prototype.forEach.call(element.selectedOptions, function (option) { list.push(option.value); });
      } else {
        list.push(element.value);
      }
    });
    localStorage.setItem(draftKey(form), JSON.stringify(values));
  }

  function clearDraft(form) { localStorage.removeItem(draftKey(form)); }

  // Put values (name -> list of values) into the form's fields; files through a DataTransfer.
  function fillForm(form, values, files) {
    var used = {};  // fields that share a name (rows of questions and answers) take its values in order
    Array.prototype.forEach.call(form.elements, function (element) {
      if (element.type === "file" && files && files[element.name]) {
        var transfer = new DataTransfer();
        files[element.name].forEach(function (file) { transfer.items.add(file); });
        element.files = transfer.files;
        return;
      }
      if (!keptField(element) || !(element.name in values)) { return; }
      var list = values[element.name];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = list.indexOf(element.value) >= 0;
      } else if (element.type === "select-multiple") {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = list.indexOf(option.value) >= 0;
        });
      } else {
        var index = used[element.name] || 0;
        used[element.name] = index + 1;
        element.value = index < list.length ? list[index] : "";
      }
    });
  }

  function notice(form, message, actionLabel, action) {
    var box = document.createElement("div");
    box.className = "alert alert-info d-flex flex-wrap align-items-center gap-2 outbox-notice";
    box.setAttribute("role", "status");
    box.dataset.testid = "draft-notice";
    var words = document.createElement("span");
    words.textContent = message;
    box.appendChild(words);
    if (actionLabel) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-secondary ms-auto";
      button.textContent = actionLabel;
      button.addEventListener("click", function () { action(); box.remove(); });
      box.appendChild(button);
    }
    form.parentNode.insertBefore(box, form);
  }

  function restoreDraft(form) {
    if (!user) { return; }
    var kept = localStorage.getItem(draftKey(form));
    if (!kept) { return; }
    try { fillForm(form, JSON.parse(kept)); } catch (error) { return; }
    notice(form, text.textRestored, text.textDiscard, function () { clearDraft(form); form.reset(); });
  }

  // --- sending ---------------------------------------------------------------------------------------------
  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (part) {
      return part.indexOf(name + "=") === 0;
    })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  // The token of the session as it is now (a stored submission's own token may be from before a new login).
  function csrfToken() {
    var token = cookie("csrftoken");
    if (token) { return token; }
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function itemFrom(form, data) {
    var fields = [];
    data.forEach(function (value, name) {
      if (value instanceof File) {
        if (value.size || value.name) { fields.push([name, { file: value, name: value.name }]); }
      } else {
        fields.push([name, value]);
      }
    });
    // What the officer will recognise: the page's heading and what they called it ("Record a lead: …").
    var heading = document.querySelector("main h1");
    var named = form.elements.title && form.elements.title.value ? form.elements.title.value.trim() : "";
    var what = (form.dataset.offlineTitle || (heading ? heading.textContent : document.title)).trim();
    return {
      id: data.get("submission_key"),
      user: user,
      action: formAddress(form),
      title: named ? what + " · " + named : what,
      fields: fields,
      created: new Date().toISOString(),
      state: "waiting",
    };
  }

  // Post a submission; say what happened: sent (with the result's address), network (try again later),
  // signed-out, refused (a form error or a refusal) or later (the server failed; try again later).
  function send(item, retried) {
    var body = new FormData();
    var token = csrfToken();
    item.fields.forEach(function (field) {
      if (field[0] === "csrfmiddlewaretoken") { return; }
      if (field[1] && field[1].file) { body.append(field[0], field[1].file, field[1].name); }
      else { body.append(field[0], field[1]); }
    });
    body.append("csrfmiddlewaretoken", token);
    return fetch(item.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Zhifa-Outbox": "1", "X-CSRFToken": token },
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("application/json") === 0) {
        return response.json().then(function (answer) { return { kind: "sent", url: answer.result }; });
      }
      if (new URL(response.url).pathname === loginPath) { return { kind: "signed-out" }; }
      if (response.status === 403 && !retried && !cookie("csrftoken")) {
        // No CSRF cookie any more (cleared, or a new browser session): any page sets one; then once again.
        return fetch(loginPath, { credentials: "same-origin" }).then(function () {
          return send(item, true);
        });
      }
      if (response.status >= 400 && response.status < 500) { return { kind: "refused" }; }
      return { kind: "later" };
    }, function () { return { kind: "network" }; });
  }

  function flush() {
    if (flushing || !user || !navigator.onLine) { return render(); }
    flushing = true;
    render();
    return allItems().then(function (items) {
      var waiting = items.filter(function (item) { return item.user === user && item.state === "waiting"; });
      return waiting.reduce(function (previous, item) {
        return previous.then(function (go) {
          if (!go) { return false; }
          return send(item).then(function (outcome) {
            if (outcome.kind === "sent") {
              signedOut = false;
              setSentList(sentList().concat([{ title: item.title, url: outcome.url }]));
              return deleteItem(item.id).then(function () { return true; });
            }
            if (outcome.kind === "refused") {
              item.state = "refused";
              return putItem(item).then(function () { return true; });
            }
            if (outcome.kind === "signed-out") { signedOut = true; }
            return false;
          });
        });
      }, Promise.resolve(true));
    }).catch(function () { /* the outbox stays as it is; the timer tries again */ }).then(function () {
      flushing = false;
      return render();
    });
  }

  // --- the banner ------------------------------------------------------------------------------------------
  function line(message, links) {
    var row = document.createElement("div");
    row.className = "outbox-line";
    var words = document.createElement("span");
    words.textContent = message;
    row.appendChild(words);
    (links || []).forEach(function (link) { row.appendChild(link); });
    return row;
  }

  function control(label, href, onClick, testid) {
    var element = document.createElement(href ? "a" : "button");
    if (href) { element.href = href; } else { element.type = "button"; }
    element.className = "btn btn-sm btn-light";
    element.textContent = label;
    element.dataset.testid = testid;
    if (onClick) { element.addEventListener("click", onClick); }
    return element;
  }

  function render() {
    return allItems().catch(function () { return []; }).then(function (items) {
      var mine = items.filter(function (item) { return !user || item.user === user; });
      var waiting = mine.filter(function (item) { return item.state === "waiting"; });
      var refused = mine.filter(function (item) { return item.state === "refused"; });
      var lines = [];
      if (waiting.length) {
        var count = waiting.length === 1 ? text.textOne : text.textMany.replace("{n}", waiting.length);
        var row;
        if (signedOut) {
          var next = loginPath + "?next=" + encodeURIComponent(location.pathname + location.search);
          row = line(text.textSignIn.replace("{n}", waiting.length),
            [control(text.textSignInLink, next, null, "outbox-sign-in")]);
        } else if (flushing) {
          row = line(count + " · " + text.textSending);
        } else if (user && navigator.onLine) {
          row = line(count, [control(text.textSendNow, null, flush, "outbox-send-now")]);
        } else {
          row = line(count + " · " + text.textLater);
        }
        row.dataset.testid = "outbox-waiting";
        lines.push(row);
      }
      refused.forEach(function (item) {
        lines.push(line(text.textRefused.replace("{title}", item.title), [
          control(text.textReopen, null, function () {
            sessionStorage.setItem("zhifa:outbox-reopen", item.id);
            location.assign(item.action);
          }, "outbox-reopen"),
        ]));
      });
      var sent = user ? sentList() : [];
      sent.forEach(function (entry, index) {
        var links = [control(text.textOpen, entry.url, null, "outbox-open")];
        if (index === sent.length - 1) {
          links.push(control(text.textClose, null, function () {
            setSentList([]);
            render();
          }, "outbox-close"));
        }
        var row = line(text.textSent.replace("{title}", entry.title), links);
        row.dataset.testid = "outbox-sent";
        lines.push(row);
      });
      var holder = banner.querySelector(".outbox-lines");
      holder.replaceChildren.apply(holder, lines);
      banner.hidden = lines.length === 0;
      banner.classList.toggle("outbox-waiting", waiting.length > 0 || refused.length > 0);
    });
  }

  // --- the forms -------------------------------------------------------------------------------------------
  function queue(item, form) {
    return putItem(item).then(function () {
      clearDraft(form);
      form.reset();
      form.querySelector("input[name=submission_key]").value = "";
      window.scrollTo({ top: 0, behavior: "instant" });
      return render();
    });
  }

  function setBusy(form, busy) {
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
      button.disabled = busy;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !user || !form.matches || !form.matches("form[data-offline=queue]")) {
      return;
    }
    if (form.dataset.offlineNative === "1") { return; } // the browser posts it: the server's page shows
    event.preventDefault();
    var keyField = form.querySelector("input[name=submission_key]");
    if (!keyField.value) { keyField.value = newKey(); }
    var submitter = event.submitter;
    var item = itemFrom(form, new FormData(form, submitter));
    if (!navigator.onLine) { queue(item, form); return; }
    setBusy(form, true);
    send(item).then(function (outcome) {
      if (outcome.kind === "sent") {
        clearDraft(form);
        location.assign(outcome.url);
        return;
      }
      setBusy(form, false);
      if (outcome.kind === "network") { queue(item, form); return; }
      if (outcome.kind === "signed-out") { // kept until the officer signs in again
        signedOut = true;
        queue(item, form);
        return;
      }
      // A form error, a refusal or a failure: post it the ordinary way, so the server's own page says what
      // is wrong (the key makes sure it is done at most once).
      form.dataset.offlineNative = "1";
      form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
    });
  });

  function prepare(form) {
    if (!form.querySelector("input[name=submission_key]")) {
      var keyField = document.createElement("input");
      keyField.type = "hidden";
      keyField.name = "submission_key";
      form.appendChild(keyField);
    }
    var reopen = sessionStorage.getItem("zhifa:outbox-reopen");
    if (reopen) {
      sessionStorage.removeItem("zhifa:outbox-reopen");
      getItem(reopen).then(function (item) {
        if (!item || item.action !== formAddress(form)) { return; }
        var values = {};
        var files = {};
        item.fields.forEach(function (field) {
          var bucket = field[1] && field[1].file ? files : values;
          var value = field[1] && field[1].file ? field[1].file : field[1];
          (bucket[field[0]] = bucket[field[0]] || []).push(value);
        });
        fillForm(form, values, files);
        saveDraft(form);
        return deleteItem(item.id).then(render);
      });
    } else {
      restoreDraft(form);
    }
    form.addEventListener("input", function () { saveDraft(form); });
    form.addEventListener("change", function () { saveDraft(form); });
  }

  if (user) { document.querySelectorAll("form[data-offline=queue]").forEach(prepare); }

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-offline-retry]")) { location.reload(); }
  });

  // Without a connection, htmx's requests (the bell's polling, the item suggestions) wait for it instead of
  // failing one after another.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!navigator.onLine) { event.preventDefault(); }
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  setInterval(flush, RETRY_MS);
  flush();
})();
