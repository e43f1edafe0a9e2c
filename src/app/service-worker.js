// The DAM app's service worker (built into dist/app/sw.js with the shell's file list): the app
// starts without a network, and says it is offline when the API cannot be reached.
const shell = self.__APP_SHELL__;
const cacheName = `media-library-app-${self.__APP_VERSION__}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(cacheName)
      .then((cache) => cache.addAll(shell))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith('media-library-app-') && name !== cacheName)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Only the app's own files: the API, thumbnails and originals always go to the server.
  if (request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith('/app/'))
    return;
  if (request.mode === 'navigate') {
    // A fresh page when the server answers; the cached shell (which then shows it is offline) when not.
    event.respondWith(
      fetch(request).catch(() =>
        caches
          .open(cacheName)
          .then((cache) => cache.match('/app/'))
          .then((hit) => hit ?? Response.error()),
      ),
    );
    return;
  }
  // Hashed files never change: the cache first, and lazy chunks join it as they are fetched.
  event.respondWith(
    caches.open(cacheName).then(async (cache) => {
      const hit = await cache.match(request);
      if (hit) return hit;
      const response = await fetch(request);
      if (response.ok && url.pathname.startsWith('/app/assets/')) await cache.put(request, response.clone());
      return response;
    }),
  );
});
