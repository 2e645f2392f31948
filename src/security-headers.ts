// The one source of the security headers: vite.config.ts puts the CSP in a <meta> tag and sends every header from
// the preview server, the build emits them as dist/_headers for static hosts (Netlify, Cloudflare Pages), and
// docs/hosting.md shows the same values for nginx and Caddy (a unit test keeps it in step).
import type { Plugin } from 'vite';
import {
  DEFAULT_MODEL_HOST,
  modelHostConnectSources,
  parseModelHost,
  type ModelHost,
} from './engine/models/model-host.ts';

/** The default build's model host: the Hugging Face hub. */
const HUB = parseModelHost(DEFAULT_MODEL_HOST);

// The privacy promise, enforced by the browser: scripts and connections only to this site, plus model files from
// the build's model host (VITE_TROVE_MODEL_HOST, src/engine/models/model-host.ts): the Hugging Face hub by default
// (its downloads redirect to *.huggingface.co and *.hf.co), a mirror's origin, or nothing at all for a `self` build.
// As a header it also binds the Web Worker, which does the fetching; the <meta> tag binds only the page.
function directives(host: ModelHost): string[] {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    ['connect-src', "'self'", 'blob:', 'data:', ...modelHostConnectSources(host), ...ollamaSources()].join(' '),
    "img-src 'self' data: blob:",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ];
}

/**
 * The optional Ollama embeddings backend talks to a server on another origin, which the CSP must allow. A meta CSP
 * cannot be widened at run time, so it is a build-time opt-in: VITE_TROVE_OLLAMA_ORIGIN=http://localhost:11434 adds
 * exactly that origin to connect-src (and the app offers the backend in Settings only for it). Unset: nothing changes.
 */
export function ollamaConnectSource(
  value: string | undefined = process.env.VITE_TROVE_OLLAMA_ORIGIN,
): string | undefined {
  if (!value?.trim()) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`VITE_TROVE_OLLAMA_ORIGIN must be an origin such as http://localhost:11434, got "${value}".`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash) {
    throw new Error(
      `VITE_TROVE_OLLAMA_ORIGIN must be an http(s) origin such as http://localhost:11434, got "${value}".`,
    );
  }
  return url.origin;
}
const OLLAMA_SOURCE = ollamaConnectSource();
function ollamaSources(): string[] {
  return OLLAMA_SOURCE ? [OLLAMA_SOURCE] : [];
}

/** For the <meta> tag: browsers ignore frame-ancestors there (and warn), so it is left out. */
export function metaContentSecurityPolicy(host: ModelHost = HUB): string {
  return directives(host).join('; ');
}

/** For the response header: no site may frame Trove (clickjacking). */
export function contentSecurityPolicy(host: ModelHost = HUB): string {
  return [...directives(host), "frame-ancestors 'none'"].join('; ');
}

/** Cross-origin isolation lets onnxruntime-web use threads (SharedArrayBuffer). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export function securityHeaders(host: ModelHost = HUB): Readonly<Record<string, string>> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(host),
    ...ISOLATION_HEADERS,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    // Trove needs none of these; denying them means injected script cannot use them either.
    'Permissions-Policy':
      'accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()',
  };
}

/** The default build's values (models from the Hugging Face hub): what docs/hosting.md shows. */
export const META_CONTENT_SECURITY_POLICY = metaContentSecurityPolicy(HUB);
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy(HUB);
export const SECURITY_HEADERS: Readonly<Record<string, string>> = securityHeaders(HUB);

/** The Netlify / Cloudflare Pages `_headers` file: every path gets every header. */
export function headersFile(host: ModelHost = HUB): string {
  const lines = Object.entries(securityHeaders(host)).map(([name, value]) => `  ${name}: ${value}`);
  return [
    '# Generated from src/security-headers.ts by the build; edit that file, not this one.',
    '/*',
    ...lines,
    '',
  ].join('\n');
}

/** Vite plugin: emits `_headers` into the build output. */
export function headersFilePlugin(host: ModelHost = HUB): Plugin {
  return {
    name: 'trove-headers-file',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile(host) });
    },
  };
}
