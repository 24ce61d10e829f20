// Tarsier's service worker: after one visit the site loads and works with the network off.
// scripts/post_build.mjs fills in BUILD (a hash of the built files) and FILES (their names), so
// each deploy gets a cache of its own and the previous one is deleted once the new one is ready.
// It answers only same-origin GET requests for the app's own files; it never sends anything.
const BUILD = '__TARSIER_BUILD__';
const FILES = __TARSIER_FILES__;
const CACHE = `tarsier-${BUILD}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('tarsier-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(request, { ignoreSearch: true });
    if (hit) return hit;
    if (request.mode === 'navigate') {
      const index = await cache.match('./index.html');
      if (index) return index;
    }
    return fetch(request);
  })());
});
