// An optional embedding backend: a local Ollama server's embeddings API (POST {origin}/api/embed with
// { model, input: string[] } → { embeddings: number[][] }), behind the same Embedder interface as transformers.js.
// Off by default; the page's CSP must allow the server's origin (a build-time opt-in, VITE_TROVE_OLLAMA_ORIGIN) and
// the server must allow this site (OLLAMA_ORIGINS). The vector size is discovered from the server's first answer.
import { TroveError } from '../core/errors.ts';
import type { EmbedOptions, Embedder } from './embedder.ts';
import { normalizeInPlace } from './embedder.ts';
import { estimateTokens } from '../models/token-estimate.ts';
import { OLLAMA_MODEL_PREFIX, ollamaModelName } from '../models/effective-model.ts';
import type { ModelSpec } from '../api/model-spec.ts';

export const DEFAULT_OLLAMA_ORIGIN = 'http://localhost:11434';
export const DEFAULT_OLLAMA_MODEL = 'nomic-embed-text';
export interface OllamaEmbedderOptions {
  /** Server origin, e.g. "http://localhost:11434". */
  origin: string;
  /** Model name as Ollama knows it ("nomic-embed-text", "mxbai-embed-large:335m"). */
  model: string;
  /** The page's origin, for the OLLAMA_ORIGINS hint when the server refuses it. */
  pageOrigin?: string;
  /** Per-request limit; a model that is still loading into the server's memory may take a while. Default 60 s. */
  timeoutMs?: number;
  /** Texts per request. Default 32. */
  batchSize?: number;
  signal?: AbortSignal;
  /** For tests (Node) and the worker; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** Query and passage prefixes of common Ollama embedding models, from their model cards (unknown models: none). */
const PREFIXES: ReadonlyArray<{ name: string; query: string; passage: string }> = [
  { name: 'nomic-embed-text', query: 'search_query: ', passage: 'search_document: ' },
  { name: 'mxbai-embed-large', query: 'Represent this sentence for searching relevant passages: ', passage: '' },
  { name: 'snowflake-arctic-embed', query: 'Represent this sentence for searching relevant passages: ', passage: '' },
];

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

export function ollamaPrefixes(model: string): { query: string; passage: string } {
  const base = (ollamaModelName(model).split('/').at(-1) ?? '').split(':')[0];
  const known = PREFIXES.find((p) => p.name === base);
  return known ? { query: known.query, passage: known.passage } : { query: '', passage: '' };
}

/** The vector space of an Ollama model: backend, server model name and dims (vectors are L2-normalised here). */
export function ollamaFingerprint(model: string, dims: number): string {
  return `ollama/${ollamaModelName(model)}|${dims}|l2`;
}

/** Connects to the server, embeds a probe to learn the vector size, and returns the embedder. */
export async function loadOllamaEmbedder(options: OllamaEmbedderOptions): Promise<Embedder> {
  const client = new OllamaClient(options);
  const probe = await client.embed(['dimension probe'], options.signal);
  const dims = probe[0].length;
  if (dims === 0) throw new TroveError('MODEL_UNAVAILABLE', `${client.describe()} returned an empty vector.`);
  return new OllamaEmbedder(client, dims, options.batchSize ?? 32);
}

class OllamaClient {
  readonly origin: string;
  readonly model: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: OllamaEmbedderOptions) {
    this.origin = ollamaOrigin(options.origin);
    this.model = ollamaModelName(options.model);
    this.fetchFn = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  describe(): string {
    return `The Ollama server at ${this.origin} (model ${this.model})`;
  }

  /** One /api/embed request: rows in input order, as sent (not yet normalised). */
  async embed(input: string[], signal?: AbortSignal): Promise<number[][]> {
    if (signal?.aborted) throw new TroveError('CANCELLED');
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let response: Response;
      try {
        response = await this.fetchFn(`${this.origin}/api/embed`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ model: this.model, input, truncate: true }),
          signal: controller.signal,
          credentials: 'omit',
          referrerPolicy: 'no-referrer',
        });
      } catch (error) {
        throw this.requestError(error, signal, timedOut);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch (error) {
        if (signal?.aborted || timedOut) throw this.requestError(error, signal, timedOut);
        body = undefined;
      }
      if (!response.ok) throw this.statusError(response.status, body);
      return this.rows(body, input.length);
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
    const allow = this.options.pageOrigin
      ? ` or it does not allow this site: start it with OLLAMA_ORIGINS=${this.options.pageOrigin}`
      : ' or it does not allow this site: set OLLAMA_ORIGINS to include this site’s origin';
    return new TroveError(
      'MODEL_UNAVAILABLE',
      `Could not reach the Ollama server at ${this.origin}${detail}: it is not running (start it with “ollama serve”)${allow}.`,
      { cause: error },
    );
  }

  private statusError(status: number, body: unknown): TroveError {
    const said =
      typeof body === 'object' && body && typeof (body as { error?: unknown }).error === 'string'
        ? (body as { error: string }).error
        : '';
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

  private rows(body: unknown, expected: number): number[][] {
    const embeddings = typeof body === 'object' && body ? (body as { embeddings?: unknown }).embeddings : undefined;
    if (!Array.isArray(embeddings)) {
      throw new TroveError(
        'MODEL_FAILED',
        `${this.describe()} answered without "embeddings": is it an Ollama server (0.3.4 or later)?`,
      );
    }
    if (embeddings.length !== expected) {
      throw new TroveError(
        'MODEL_FAILED',
        `${this.describe()} returned ${embeddings.length} vectors for ${expected} texts.`,
      );
    }
    for (const row of embeddings) {
      if (!Array.isArray(row) || !row.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new TroveError(
          'MODEL_FAILED',
          `${this.describe()} returned a vector that is not a list of finite numbers.`,
        );
      }
    }
    return embeddings as number[][];
  }
}

const QUERY_CACHE_SIZE = 64;

class OllamaEmbedder implements Embedder {
  readonly model: ModelSpec;
  readonly device = 'cpu' as const;
  readonly dtype = 'fp32' as const;
  readonly fingerprint: string;
  readonly maxPassageTokens: number;
  readonly deviceNote: string;
  private readonly prefixes: { query: string; passage: string };
  private readonly queries = new Map<string, Float32Array>();
  private disposed = false;

  constructor(
    private readonly client: OllamaClient,
    private readonly dims: number,
    private readonly batchSize: number,
  ) {
    this.prefixes = ollamaPrefixes(client.model);
    this.fingerprint = ollamaFingerprint(client.model, dims);
    // The server truncates what does not fit (truncate: true); chunks are cut to a size every common model takes.
    const maxTokens = 512;
    this.maxPassageTokens = maxTokens - 2 - estimateTokens(this.prefixes.passage);
    this.deviceNote = `Embeddings come from the Ollama server at ${client.origin}.`;
    this.model = {
      id: `${OLLAMA_MODEL_PREFIX}${client.model}`,
      repo: `ollama/${client.model}`,
      revision: 'ollama',
      dims,
      architecture: 'transformer',
      pooling: 'mean',
      normalize: true,
      queryPrefix: this.prefixes.query,
      passagePrefix: this.prefixes.passage,
      maxTokens,
      dtype: { webgpu: 'fp32', wasm: 'fp32', cpu: 'fp32' },
      sizeMB: {},
      localOnly: true,
      testFixture: false,
      license: 'see the model’s page on ollama.com',
      languages: [],
      quality: '',
      summary: `${client.model} served by Ollama at ${client.origin}`,
    };
  }

  countTokens(text: string): number {
    return estimateTokens(text);
  }

  async embedPassages(texts: string[], options: EmbedOptions = {}): Promise<Float32Array> {
    this.assertOpen();
    const out = new Float32Array(texts.length * this.dims);
    const batch = Math.max(1, options.batchSize ?? this.batchSize);
    for (let from = 0; from < texts.length; from += batch) {
      if (options.signal?.aborted) throw new TroveError('CANCELLED');
      const slice = texts.slice(from, from + batch);
      // Ollama rejects an empty input string: send a space (its vector is normalised like any other).
      const rows = await this.client.embed(
        slice.map((t) => `${this.prefixes.passage}${t}` || ' '),
        options.signal,
      );
      rows.forEach((row, i) => out.set(this.vector(row), (from + i) * this.dims));
      options.onProgress?.(Math.min(texts.length, from + batch), texts.length);
    }
    return out;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    this.assertOpen();
    const cached = this.queries.get(text);
    if (cached) {
      this.queries.delete(text);
      this.queries.set(text, cached); // most recent last
      return cached.slice();
    }
    const [row] = await this.client.embed([`${this.prefixes.query}${text}` || ' ']);
    const vector = this.vector(row);
    this.queries.set(text, vector);
    if (this.queries.size > QUERY_CACHE_SIZE) this.queries.delete(this.queries.keys().next().value as string);
    return vector.slice();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.queries.clear();
  }

  private vector(row: number[]): Float32Array {
    if (row.length !== this.dims) {
      throw new TroveError(
        'MODEL_FAILED',
        `${this.client.describe()} returned a ${row.length}-dimensional vector; this library's vectors from it have ${this.dims}. ` +
          'Was the model replaced on the server? Choose the model again in Settings to re-embed.',
      );
    }
    return normalizeInPlace(Float32Array.from(row));
  }

  private assertOpen(): void {
    if (this.disposed) throw new TroveError('MODEL_UNAVAILABLE', 'The Ollama embedder was closed.');
  }
}
