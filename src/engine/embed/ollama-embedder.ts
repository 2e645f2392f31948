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
import { OllamaServer } from '../models/ollama-server.ts';

export { DEFAULT_OLLAMA_ORIGIN, ollamaOrigin } from '../models/ollama-server.ts';

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
  private readonly server: OllamaServer;

  constructor(options: OllamaEmbedderOptions) {
    this.server = new OllamaServer({ ...options, model: ollamaModelName(options.model) });
  }

  get origin(): string {
    return this.server.origin;
  }

  get model(): string {
    return this.server.model;
  }

  describe(): string {
    return this.server.describe();
  }

  /** One /api/embed request: rows in input order, as sent (not yet normalised). */
  embed(input: string[], signal?: AbortSignal): Promise<number[][]> {
    return this.server.post(
      '/api/embed',
      { model: this.model, input, truncate: true },
      async ({ response }) => this.rows(await response.json().catch(() => undefined), input.length),
      signal,
    );
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
