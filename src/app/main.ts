// The DAM app's entry (`/app/`): the app element, and the service worker that lets it start offline.
import './dam-app.js';

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => undefined);
  });
}
