// The page's side of the service worker: registration, "update available — reload", and the one reload that makes
// a page cross-origin isolated on hosts that cannot send COOP/COEP (src/sw/sw.ts adds them).
// A new version never replaces the running one by itself: it waits until applyUpdate() (the user's click).
/// <reference types="vite-plugin-pwa/vanillajs" />
import { registerSW } from 'virtual:pwa-register';

type Listener = () => void;

const updateListeners = new Set<Listener>();
const isolationListeners = new Set<Listener>();
let updateAvailable = false;
let started = false;
let sendSkipWaiting: ((reloadPage?: boolean) => Promise<void>) | undefined;

export interface StartPwaOptions {
  /**
   * Asked when the service worker first controls a page that is not cross-origin isolated: return true to reload
   * now (the reload makes it isolated, so WASM embeds with threads). Default: never reload by itself; the app can
   * call reloadForIsolation() at a quiet moment (no ingest running), or the next visit is isolated anyway.
   */
  autoReloadForIsolation?: () => boolean;
}

/** Registers the service worker once (from main.tsx). No-op where service workers are unavailable (dev, http:). */
export function startPwa(options: StartPwaOptions = {}): void {
  if (started || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  started = true;
  sendSkipWaiting = registerSW({
    onNeedRefresh() {
      updateAvailable = true;
      for (const listener of updateListeners) listener();
    },
    onRegisterError(error: unknown) {
      console.warn('Trove: the service worker could not be registered; the app will not work offline.', error);
    },
  });
  const onController = () => {
    if (!isolationReloadWouldHelp()) return;
    if (options.autoReloadForIsolation?.()) {
      reloadForIsolation();
      return;
    }
    for (const listener of isolationListeners) listener();
  };
  let controlled = !!navigator.serviceWorker.controller;
  if (controlled) queueMicrotask(onController);
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!controlled) {
      controlled = true; // first install claimed this page: nothing was swapped
      onController();
      return;
    }
    // A new version took over (this tab's applyUpdate(), or the user accepted it in another tab). The old version's
    // files are gone from the cache, so this page must not run on: reload once into the new version.
    if (!reloading) {
      reloading = true;
      location.reload();
    }
  });
}

let reloading = false;

/**
 * Calls cb when a new version is installed and waiting (at once if one already is). Returns an unsubscribe function.
 * The UI shows "update available — reload" and calls applyUpdate() when the user agrees.
 */
export function onUpdateAvailable(cb: Listener): () => void {
  updateListeners.add(cb);
  if (updateAvailable) queueMicrotask(cb);
  return () => updateListeners.delete(cb);
}

/** Activates the waiting version; the page reloads once the new service worker controls it. */
export async function applyUpdate(): Promise<void> {
  if (!sendSkipWaiting) throw new Error('No service worker is registered (startPwa was not called or is unsupported).');
  await sendSkipWaiting(true);
}

/** True when a reload would make this page cross-origin isolated (controlled by our worker, but not isolated yet). */
export function isolationReloadWouldHelp(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    !!navigator.serviceWorker?.controller &&
    !globalThis.crossOriginIsolated &&
    // Once per tab: if the reload did not isolate the page (a browser without SharedArrayBuffer), do not loop.
    sessionStorage.getItem(RELOADED_KEY) === null
  );
}

/** Calls cb when the service worker has started controlling a page a reload would isolate (see StartPwaOptions). */
export function onIsolationReloadAvailable(cb: Listener): () => void {
  isolationListeners.add(cb);
  if (isolationReloadWouldHelp()) queueMicrotask(cb);
  return () => isolationListeners.delete(cb);
}

const RELOADED_KEY = 'trove-isolation-reload';

export function reloadForIsolation(): void {
  sessionStorage.setItem(RELOADED_KEY, String(Date.now()));
  location.reload();
}
