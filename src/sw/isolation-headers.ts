// Cross-origin isolation for static hosts that cannot send headers (GitHub Pages and the like): the service worker
// answers same-origin requests with COOP/COEP added, the pattern of coi-serviceworker. With both on the page (and
// COEP on the worker script), `crossOriginIsolated` is true and onnxruntime-web may use threads. Kept free of
// service-worker globals so Node tests can run it.

/** What the service worker adds when the host did not send it. require-corp, as the dev/preview server sends. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  // Lets an isolated page of this origin load the response under require-corp whatever the request mode.
  'Cross-Origin-Resource-Policy': 'same-origin',
});

/**
 * The response with the isolation headers the host left out; headers the host did send are kept as they are.
 * Opaque and error responses (status 0) cannot be rebuilt and are returned unchanged.
 */
export function withIsolationHeaders(response: Response): Response {
  if (response.status === 0 || response.type === 'opaque' || response.type === 'opaqueredirect') return response;
  const missing = Object.entries(ISOLATION_HEADERS).filter(([name]) => !response.headers.has(name));
  if (missing.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of missing) headers.set(name, value);
  // A null-body status (204, 304) must be rebuilt without a body.
  const body = [101, 204, 205, 304].includes(response.status) ? null : response.body;
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** The path under which self-hosted models live for a service worker of this scope ("/trove/" → "/trove/models/"). */
export function modelsPathForScope(scope: string): string {
  return new URL('models/', scope).pathname;
}

/** Navigations the app-shell fallback must not answer: files under the models folder (a 404 must stay a 404). */
export function navigationDenylist(scope: string): RegExp[] {
  const escaped = modelsPathForScope(scope).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [new RegExp(`^${escaped}`)];
}
