// The service worker (built by vite-plugin-pwa's injectManifest into <base>/sw.js).
// - Precaches the app shell, engine worker, pdf.js and the ONNX Runtime wasm, so the app opens offline from the
//   first visit on (it claims that first page).
// - Never swaps versions under the user: a new version waits until the page asks for it (SKIP_WAITING, sent by
//   src/ui/client/pwa-update.ts when the user accepts "update available — reload").
// - Adds COOP/COEP to what it serves when the host does not send them, so the app is cross-origin isolated
//   (multi-threaded WASM) on any static host from its second load on.
// Everything is relative to the registration scope, so a build under any base path (vite build --base=/trove/) works.
/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { navigationDenylist, withIsolationHeaders } from './isolation-headers.ts';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<string | { url: string; revision: string | null }>;
};

// Before precacheAndRoute, so the precache strategy (and the navigation fallback, which uses it) has the plugin.
addPlugins([{ handlerWillRespond: async ({ response }) => withIsolationHeaders(response) }]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Single-page app: any navigation inside the scope gets index.html, except files under models/.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: navigationDenylist(self.registration.scope) }),
);

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// The first install has no waiting phase; claiming makes that first page controlled (offline from the first visit).
clientsClaim();
