// One request to a local Ollama server, shared by the embedding backend (/api/embed) and the answer backend
// (/api/chat): the address check, a time limit that a cancel or a stalled server ends, and errors that say what to do
// (start the server, allow this site with OLLAMA_ORIGINS, pull the model). The page may only reach the server when
// the build allows its origin (VITE_TROVE_OLLAMA_ORIGIN, added to the CSP's connect-src).
import { TroveError } from '../core/errors.ts';

export const DEFAULT_OLLAMA_ORIGIN = 'http://localhost:11434';

/** "http://localhost:11434/" → "http://localhost:11434"; anything but an http(s) origin is refused, naming it. */
export function ollamaOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin.trim());
  } catch {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `The Ollama server address "${origin}" is not a URL (e.g. ${DEFAULT_OLLAMA_ORIGIN}).`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `The Ollama server address must start with http:// or https://, got "${origin}".`,
    );
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `The Ollama server address must be an origin only (e.g. ${DEFAULT_OLLAMA_ORIGIN}), got "${origin}".`,
    );
  }
  return url.origin;
}

export interface OllamaServerOptions {
  /** Server origin, e.g. "http://localhost:11434". */
  origin: string;
  /** Model name as Ollama knows it, with its tag ("nomic-embed-text:latest"). */
  model: string;
  /** The page's origin, for the OLLAMA_ORIGINS hint when the server refuses it. */
  pageOrigin?: string;
  /** Longest wait for the server's next bytes; a model still loading into the server's memory may take a while. */
  timeoutMs?: number;
  /** For tests (Node) and the worker; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** What a reader of a successful answer gets: the response, and a way to say the server is still sending. */
export interface OllamaReply {
  response: Response;
  /** Restarts the time limit (a streamed answer calls it for every chunk that arrives). */
  alive: () => void;
  /** Aborts on cancel or time-out: a reader of a stream stops reading at once. */
  signal: AbortSignal;
}

export class OllamaServer {
  readonly origin: string;
  readonly model: string;
  readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly pageOrigin?: string;

  constructor(options: OllamaServerOptions) {
    this.origin = ollamaOrigin(options.origin);
    this.model = options.model;
    this.pageOrigin = options.pageOrigin;
    this.fetchFn = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  describe(): string {
    return `The Ollama server at ${this.origin} (model ${this.model})`;
  }

  /**
   * POSTs `body` as JSON to `path` and hands a 2xx answer to `read`. The request ends when `signal` aborts (CANCELLED)
   * or nothing arrives for timeoutMs; a non-2xx answer becomes an error naming the cause (404: pull the model).
   */
  async post<T>(
    path: string,
    body: unknown,
    read: (reply: OllamaReply) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    if (signal?.aborted) throw new TroveError('CANCELLED');
    const controller = new AbortController();
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const alive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.timeoutMs);
    };
    alive();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let response: Response;
      try {
        response = await this.fetchFn(`${this.origin}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
          signal: controller.signal,
          credentials: 'omit',
          referrerPolicy: 'no-referrer',
        });
      } catch (error) {
        throw this.requestError(error, signal, timedOut);
      }
      if (!response.ok) {
        let said: unknown;
        try {
          said = await response.json();
        } catch (error) {
          if (signal?.aborted || timedOut) throw this.requestError(error, signal, timedOut);
        }
        throw this.statusError(response.status, said);
      }
      try {
        return await read({ response, alive, signal: controller.signal });
      } catch (error) {
        if (signal?.aborted || timedOut) throw this.requestError(error, signal, timedOut);
        throw error;
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private requestError(error: unknown, signal: AbortSignal | undefined, timedOut: boolean): TroveError {
    if (signal?.aborted) return new TroveError('CANCELLED');
    if (timedOut) {
      return new TroveError(
        'MODEL_UNAVAILABLE',
        `${this.describe()} did not answer within ${this.timeoutMs >= 1000 ? `${Math.round(this.timeoutMs / 1000)} s` : `${this.timeoutMs} ms`}.`,
      );
    }
    const detail = error instanceof Error ? ` (${error.message})` : '';
    // A browser gives the same TypeError for "nothing listening" and "CORS refused": name both causes.
    const allow = this.pageOrigin
      ? ` or it does not allow this site: start it with OLLAMA_ORIGINS=${this.pageOrigin}`
      : ' or it does not allow this site: set OLLAMA_ORIGINS to include this site’s origin';
    return new TroveError(
      'MODEL_UNAVAILABLE',
      `Could not reach the Ollama server at ${this.origin}${detail}: it is not running (start it with “ollama serve”)${allow}.`,
      { cause: error },
    );
  }

  private statusError(status: number, body: unknown): TroveError {
    const said = ollamaErrorText(body);
    if (status === 404) {
      return new TroveError(
        'MODEL_UNAVAILABLE',
        `The Ollama server at ${this.origin} has no model “${this.model}”: run “ollama pull ${this.model}” there${said ? ` (${said})` : ''}.`,
      );
    }
    if (status === 403) {
      return new TroveError(
        'MODEL_UNAVAILABLE',
        `The Ollama server at ${this.origin} refused this site (HTTP 403): add its origin to OLLAMA_ORIGINS${said ? ` (${said})` : ''}.`,
      );
    }
    return new TroveError('MODEL_FAILED', `${this.describe()} failed with HTTP ${status}${said ? `: ${said}` : ''}.`);
  }
}

/** The server's own words from an {"error": "…"} answer ('' when there are none). */
export function ollamaErrorText(body: unknown): string {
  return typeof body === 'object' && body && typeof (body as { error?: unknown }).error === 'string'
    ? (body as { error: string }).error
    : '';
}
