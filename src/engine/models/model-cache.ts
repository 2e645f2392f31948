// The models in the browser's Cache Storage: which are there, how much space they take, downloading one ahead of use
// (with progress and cancel), deleting one. transformers.js (4.x, utils/hub.js) caches every model file it fetches in
// the cache named env.cacheKey ("transformers-cache"), keyed by the file's URL: the remote host's
// <host>/<repo>/resolve/<revision>/<file>, or the self-hosted <localModelPath><repo>/<file>. This module reads and
// writes the same entries, so a model downloaded here is what transformers.js later finds, and a model deleted here
// is fetched again. Pure engine code: the cache and fetch are injected (the worker passes `caches` and `fetch`;
// Node tests pass fakes).
import { TroveError, isAbort, throwIfAborted } from '../core/errors.ts';
import type { ModelHost } from './model-host.ts';
import type { CachedModel, DownloadProgress } from '../api/models.ts';
import type { ModelDtype } from '../api/model-spec.ts';
import type { GeneratorDtype } from '../api/answers.ts';

/** transformers.js' default env.cacheKey: the Cache Storage cache it keeps model files in. */
export const MODEL_CACHE_NAME = 'transformers-cache';

/** The parts of the Cache API used here (a real `Cache`, or a fake in tests). */
export interface CacheLike {
  match(request: string): Promise<Response | undefined>;
  put(request: string, response: Response): Promise<void>;
  delete(request: string): Promise<boolean>;
  keys(): Promise<ReadonlyArray<{ url: string }>>;
}

export interface CacheStorageLike {
  open(name: string): Promise<CacheLike>;
}

/** What identifies a model's files: a registry embedding model, a reranker or a custom model. */
export interface ModelFilesTarget {
  repo: string;
  revision: string;
  localOnly: boolean;
  /** A causal language model (an answer generator) also needs its generation_config.json. */
  causalLm?: boolean;
}

/** Where the files would be fetched from, and under which keys they are cached. */
export interface ModelSource {
  host: ModelHost;
  /** Settings' allowRemoteModels: downloads from the host are allowed. */
  allowRemote: boolean;
  /** Absolute URL of the self-hosted models folder, ending in "/" (e.g. "https://site/trove/models/"). */
  localModelUrl: string;
}

/** The dtypes model files come in: the encoders' and the generators' (q4f16). */
export type FileDtype = ModelDtype | GeneratorDtype;

/** The file name transformers.js asks for, per dtype (utils/dtypes.js DEFAULT_DTYPE_SUFFIX_MAPPING). */
const DTYPE_SUFFIX: Readonly<Record<FileDtype, string>> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
};

/** The files a text model needs to load with a given dtype. */
export function modelFiles(dtype: FileDtype, target?: Pick<ModelFilesTarget, 'causalLm'>): string[] {
  const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`];
  // transformers.js reads a causal LM's generation defaults (end-of-sequence ids) from generation_config.json.
  return target?.causalLm ? [...files.slice(0, 1), 'generation_config.json', ...files.slice(1)] : files;
}

/** The URL transformers.js fetches a file from (and caches it under) in this configuration. */
export function fileUrl(target: ModelFilesTarget, file: string, source: ModelSource): string {
  return remoteAllowed(target, source) && source.host.kind === 'remote'
    ? `${source.host.url}${target.repo}/resolve/${encodeURIComponent(target.revision)}/${file}`
    : `${source.localModelUrl}${target.repo}/${file}`;
}

function remoteAllowed(target: ModelFilesTarget, source: ModelSource): boolean {
  return source.allowRemote && !target.localOnly && source.host.kind === 'remote';
}

/** Every cache key that can hold a file of this repo: any revision on the host, and the self-hosted copy. */
function belongsTo(url: string, target: ModelFilesTarget, source: ModelSource): boolean {
  if (url.startsWith(`${source.localModelUrl}${target.repo}/`)) return true;
  return source.host.kind === 'remote' && url.startsWith(`${source.host.url}${target.repo}/resolve/`);
}

export async function cachedModel(
  cache: CacheLike,
  target: ModelFilesTarget,
  dtype: FileDtype,
  source: ModelSource,
): Promise<CachedModel> {
  const missing: string[] = [];
  for (const file of modelFiles(dtype, target)) {
    const local = `${source.localModelUrl}${target.repo}/${file}`;
    const hit = (await cache.match(fileUrl(target, file, source))) ?? (await cache.match(local));
    if (!hit) missing.push(file);
  }
  let bytes = 0;
  for (const { url } of await cache.keys()) {
    if (belongsTo(url, target, source)) bytes += await entrySize(cache, url);
  }
  const state = missing.length === 0 ? 'complete' : bytes > 0 ? 'partial' : 'none';
  return { state, bytes, missing };
}

/** Total bytes of everything in the model cache (every model, also ones no longer in the registry). */
export async function cacheUsage(cache: CacheLike): Promise<number> {
  let bytes = 0;
  for (const { url } of await cache.keys()) bytes += await entrySize(cache, url);
  return bytes;
}

async function entrySize(cache: CacheLike, url: string): Promise<number> {
  const response = await cache.match(url);
  if (!response) return 0;
  const length = Number(response.headers.get('content-length'));
  if (Number.isFinite(length) && length > 0) return length;
  return (await response.arrayBuffer()).byteLength; // transformers.js may store a stream without a length
}

/** Deletes every cached file of the repo; returns the bytes freed. */
export async function deleteCachedModel(
  cache: CacheLike,
  target: ModelFilesTarget,
  source: ModelSource,
): Promise<number> {
  let freed = 0;
  for (const { url } of await cache.keys()) {
    if (!belongsTo(url, target, source)) continue;
    freed += await entrySize(cache, url);
    await cache.delete(url);
  }
  return freed;
}

export interface DownloadOptions {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

/**
 * Fetches the files of a model that are not cached yet, then caches them all at once: a cancelled or failed
 * download leaves no entry behind (a half-cached model would look usable and fail to load).
 * Errors: CANCELLED, MODEL_UNAVAILABLE (naming the file and why).
 */
export async function downloadModel(
  cache: CacheLike,
  target: ModelFilesTarget,
  dtype: FileDtype,
  source: ModelSource,
  options: DownloadOptions,
): Promise<{ bytes: number; files: string[] }> {
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  const wanted: Array<{ file: string; url: string }> = [];
  for (const file of modelFiles(dtype, target)) {
    const url = fileUrl(target, file, source);
    if (!(await cache.match(url))) wanted.push({ file, url });
  }
  const received: Array<{ url: string; body: Uint8Array<ArrayBuffer>; headers: Headers }> = [];
  let loaded = 0;
  let total = 0;
  try {
    // Sizes first where the host says them, so the percentage means the whole model, not the current file.
    const heads = await Promise.all(
      wanted.map(({ url }) => options.fetch(url, { method: 'HEAD', signal }).catch(() => undefined)),
    );
    const sizes = heads.map((head) => (head?.ok ? Number(head.headers.get('content-length')) || 0 : 0));
    total = sizes.every((size) => size > 0) ? sizes.reduce((a, b) => a + b, 0) : 0;
    for (const { file, url } of wanted) {
      const response = await options.fetch(url, { signal });
      if (!response.ok) {
        throw new TroveError(
          'MODEL_UNAVAILABLE',
          `Model file ${target.repo}/${file} could not be downloaded: ${response.status} ${response.statusText} from ${url}.`,
        );
      }
      const body = await readAll(response, signal, (chunk) => {
        loaded += chunk;
        onProgress?.({ loaded, total, file });
      });
      const headers = new Headers(response.headers);
      headers.set('content-length', String(body.byteLength));
      received.push({ url, body, headers });
    }
  } catch (error) {
    if (isAbort(error) || signal?.aborted)
      throw new TroveError('CANCELLED', 'The download was cancelled; nothing of it was kept.');
    if (error instanceof TroveError) throw error;
    throw new TroveError(
      'MODEL_UNAVAILABLE',
      `Model ${target.repo} could not be downloaded: ${error instanceof Error ? error.message : String(error)}.`,
      { cause: error },
    );
  }
  throwIfAborted(signal);
  for (const { url, body, headers } of received) await cache.put(url, new Response(body, { status: 200, headers }));
  return { bytes: loaded, files: wanted.map((w) => w.file) };
}

async function readAll(
  response: Response,
  signal: AbortSignal | undefined,
  onChunk: (bytes: number) => void,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!response.body) {
    const whole = new Uint8Array(await response.arrayBuffer());
    onChunk(whole.byteLength);
    return whole;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const abort = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      throwIfAborted(signal);
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      onChunk(value.byteLength);
    }
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  throwIfAborted(signal);
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
