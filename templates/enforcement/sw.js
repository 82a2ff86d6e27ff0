// Zhifa's service worker (made by enforcement/pwa.py; the settings below change with every deploy of the
// static files, so the browser installs this worker again and the old cache goes).
// It keeps the app shell and the offline page, never a page with anyone's data; posts always go to the network
// (the outbox in static/enforcement/offline.js keeps what could not be sent).
"use strict";
const ZHIFA = {{ config|safe }};
const SHELL_CACHE = "zhifa-shell-" + ZHIFA.version;
const LANGUAGE_KEY = "/__zhifa/language";
let language = null;

self.addEventListener("install", (event) => {
  const offlinePages = Object.values(ZHIFA.offline);
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(ZHIFA.shell.concat(offlinePages)))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("zhifa-") && name !== SHELL_CACHE)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

// The language of the last page that loaded (its Content-Language), kept in the cache because a worker's
// variables do not outlive its sleep.
function rememberLanguage(response) {
  const spoken = response.headers.get("Content-Language");
  if (!spoken || spoken === language || !(spoken in ZHIFA.offline)) { return; }
  language = spoken;
  caches.open(SHELL_CACHE).then((cache) => cache.put(LANGUAGE_KEY, new Response(spoken)));
}

async function offlinePage() {
  const cache = await caches.open(SHELL_CACHE);
  if (!language) {
    const kept = await cache.match(LANGUAGE_KEY);
    language = kept ? await kept.text() : ZHIFA.defaultLanguage;
  }
  const page = await cache.match(ZHIFA.offline[language] || ZHIFA.offline[ZHIFA.defaultLanguage]);
  return page || Response.error();
}

async function navigate(request) {
  try {
    const response = await fetch(request);
    rememberLanguage(response);
    return response;
  } catch (error) {
    return offlinePage();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
    return;
  }
  const url = new URL(request.url);
  if (url.origin === self.location.origin && ZHIFA.shell.includes(url.pathname)) {
    event.respondWith(
      caches.match(request, { ignoreSearch: true }).then((kept) => kept || fetch(request))
    );
  }
});
