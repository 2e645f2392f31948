// Where the app lives on its host: "/" normally, "/trove/" for `vite build --base=/trove/` (a GitHub Pages project
// site). Everything the app fetches by path must start here, self-hosted models included.

/** The app's base path, absolute and ending in "/" (a relative base such as "../" is resolved against the page). */
export function appBasePath(
  base: string = import.meta.env.BASE_URL,
  pageUrl: string = globalThis.location?.href ?? 'http://localhost/',
): string {
  const path = new URL(base || '/', pageUrl).pathname;
  return path.endsWith('/') ? path : `${path}/`;
}

/**
 * The default localModelPath for the engine: "<base>models/" ("/models/" at the root, "/trove/models/" under
 * /trove/). Absolute, because the engine worker resolves relative paths against its own script URL (…/assets/).
 */
export function defaultLocalModelPath(base?: string, pageUrl?: string): string {
  return `${appBasePath(base, pageUrl)}models/`;
}
