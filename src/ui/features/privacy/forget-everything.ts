// Forget everything, the page's half: the engine closes the library and its worker deletes every IndexedDB
// database; the page then empties Cache Storage (model files only if asked), unregisters the service worker and
// clears localStorage/sessionStorage. Returns what was removed, in words, for the confirmation.
import type { Engine } from '../../client/engine-client.ts';

/** transformers.js keeps downloaded model files in this cache (its env.cacheKey default). */
export const MODEL_CACHE = 'transformers-cache';

export async function forgetEverything(engine: Engine, options: { modelFiles: boolean }): Promise<string[]> {
  const removed = [...(await engine.forgetEverything())];
  if (globalThis.caches) {
    for (const name of await caches.keys()) {
      if (name === MODEL_CACHE && !options.modelFiles) continue;
      if (await caches.delete(name)) {
        removed.push(
          name === MODEL_CACHE
            ? `Cache Storage “${name}” (downloaded model files)`
            : `Cache Storage “${name}” (the app's offline copy)`,
        );
      }
    }
  }
  if (navigator.serviceWorker) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) {
      if (await registration.unregister()) removed.push(`The service worker (offline use) for ${registration.scope}`);
    }
  }
  const stored = localStorage.length + sessionStorage.length;
  localStorage.clear();
  sessionStorage.clear();
  if (stored > 0) removed.push(`${stored} entr${stored === 1 ? 'y' : 'ies'} in localStorage/sessionStorage`);
  return removed;
}
