// The one source of the security headers: vite.config.ts puts the CSP in a <meta> tag and sends every header from
// the preview server, the build emits them as dist/_headers for static hosts (Netlify, Cloudflare Pages), and
// docs/hosting.md shows the same values for nginx and Caddy (a unit test keeps it in step).
import type { Plugin } from 'vite';

// The privacy promise, enforced by the browser: scripts and connections only to this site, plus model files from
// the Hugging Face hub (its downloads redirect to *.hf.co). As a header it also binds the Web Worker, which does the
// fetching; the <meta> tag binds only the page.
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data: https://huggingface.co https://*.huggingface.co https://*.hf.co",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'self'",
];

// ── Ollama (issue 11c) ──
/**
 * The optional Ollama embeddings backend talks to a server on another origin, which the CSP must allow. A meta CSP
 * cannot be widened at run time, so it is a build-time opt-in: VITE_TROVE_OLLAMA_ORIGIN=http://localhost:11434 adds
 * exactly that origin to connect-src (and the app offers the backend in Settings only for it). Unset: nothing changes.
 */
export function ollamaConnectSource(value: string | undefined = process.env.VITE_TROVE_OLLAMA_ORIGIN): string | undefined {
  if (!value?.trim()) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`VITE_TROVE_OLLAMA_ORIGIN must be an origin such as http://localhost:11434, got "${value}".`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`VITE_TROVE_OLLAMA_ORIGIN must be an http(s) origin such as http://localhost:11434, got "${value}".`);
  }
  return url.origin;
}
const OLLAMA_SOURCE = ollamaConnectSource();
if (OLLAMA_SOURCE) {
  const connect = DIRECTIVES.findIndex((d) => d.startsWith('connect-src '));
  DIRECTIVES[connect] = `${DIRECTIVES[connect]} ${OLLAMA_SOURCE}`;
}

/** For the <meta> tag: browsers ignore frame-ancestors there (and warn), so it is left out. */
export const META_CONTENT_SECURITY_POLICY = DIRECTIVES.join('; ');

/** For the response header: no site may frame Trove (clickjacking). */
export const CONTENT_SECURITY_POLICY = [...DIRECTIVES, "frame-ancestors 'none'"].join('; ');

/** Cross-origin isolation lets onnxruntime-web use threads (SharedArrayBuffer). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  ...ISOLATION_HEADERS,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  // Trove needs none of these; denying them means injected script cannot use them either.
  'Permissions-Policy':
    'accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()',
};

/** The Netlify / Cloudflare Pages `_headers` file: every path gets every header. */
export function headersFile(): string {
  const lines = Object.entries(SECURITY_HEADERS).map(([name, value]) => `  ${name}: ${value}`);
  return ['# Generated from src/security-headers.ts by the build; edit that file, not this one.', '/*', ...lines, ''].join('\n');
}

/** Vite plugin: emits `_headers` into the build output. */
export function headersFilePlugin(): Plugin {
  return {
    name: 'trove-headers-file',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile() });
    },
  };
}
