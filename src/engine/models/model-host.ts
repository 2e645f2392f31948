// Where model files come from: a build setting (VITE_TROVE_MODEL_HOST). The Hugging Face hub by default; any other
// https origin with the hub's layout (<repo>/resolve/<revision>/<file>: a mirror, or a test's local stand-in); or
// "self": a same-origin-only build that fetches models only from the self-hosted <base>models/ path. The same value
// shapes the Content Security Policy (src/security-headers.ts) and the engine's fetch guard, so what the browser
// allows and what the engine tries are one decision. Pure: no DOM, usable from Vite's config, the worker and Node.
import { TroveError } from '../core/errors.ts';

export const DEFAULT_MODEL_HOST = 'https://huggingface.co';
/** The value of VITE_TROVE_MODEL_HOST for a build that never leaves its own origin. */
export const SELF_MODEL_HOST = 'self';

export type ModelHost =
  | {
      kind: 'remote';
      /** e.g. "https://huggingface.co" (no path, no trailing slash). */
      origin: string;
      /** The remote host for transformers.js (env.remoteHost), ending in "/". */
      url: string;
      /** True for the real Hugging Face hub (its downloads redirect to *.huggingface.co and *.hf.co). */
      isHub: boolean;
    }
  | { kind: 'self' };

const HUB_ORIGINS = new Set(['https://huggingface.co', 'https://hf.co']);
/** Where the hub's file downloads redirect (LFS/xet storage); allowed only when the host is the hub itself. */
export const HUB_REDIRECT_SOURCES: readonly string[] = ['https://*.huggingface.co', 'https://*.hf.co'];

/**
 * Parses a model host setting. Accepts "self", or an http(s) URL whose path is "/" (models live at
 * <origin>/<repo>/resolve/<revision>/<file>). Plain http is accepted only for loopback hosts (tests, a local mirror).
 * Errors: INVALID_ARGUMENT, naming the value and what is expected.
 */
export function parseModelHost(value: string | undefined): ModelHost {
  const raw = (value ?? '').trim();
  if (raw === '') return parseModelHost(DEFAULT_MODEL_HOST);
  if (raw === SELF_MODEL_HOST) return { kind: 'self' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(raw, 'it is not a URL');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw invalid(raw, 'it must be https (plain http only for 127.0.0.1 or localhost)');
  }
  if (url.username || url.password) throw invalid(raw, 'it must not carry a user name or password');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw invalid(
      raw,
      'it must be an origin only, e.g. "https://models.example.org" (files are fetched from <host>/<repo>/resolve/<revision>/)',
    );
  }
  return { kind: 'remote', origin: url.origin, url: `${url.origin}/`, isHub: HUB_ORIGINS.has(url.origin) };
}

function invalid(value: string, why: string): TroveError {
  return new TroveError(
    'INVALID_ARGUMENT',
    `Model host "${value}" is not usable: ${why}. Use "self" or an origin such as ${DEFAULT_MODEL_HOST}.`,
  );
}

/** The normalised setting value: "self" or the origin. */
export function modelHostValue(host: ModelHost): string {
  return host.kind === 'self' ? SELF_MODEL_HOST : host.origin;
}

/** CSP connect-src sources for model files beyond 'self': the host's origin (and the hub's redirect targets). */
export function modelHostConnectSources(host: ModelHost): string[] {
  if (host.kind === 'self') return [];
  return host.isHub ? [host.origin, ...HUB_REDIRECT_SOURCES] : [host.origin];
}

/** In words, for the UI and error messages: "huggingface.co", "models.example.org", "this site". */
export function modelHostLabel(host: ModelHost): string {
  return host.kind === 'self' ? 'this site' : new URL(host.url).host;
}

// The engine's current host. transformers.js' `env` is global per worker, and so is this: the engine sets it from
// its settings at start-up (engine.ts), and configureTransformersEnv reads it on every model load.
let active: ModelHost = parseModelHost(DEFAULT_MODEL_HOST);

export function setActiveModelHost(value: string | undefined): ModelHost {
  active = parseModelHost(value);
  return active;
}

export function activeModelHost(): ModelHost {
  return active;
}
