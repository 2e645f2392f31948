// Embedder on @huggingface/transformers: loads tokenizer + ONNX model (hub or local path), picks the device,
// self-checks, then embeds in length-sorted batches with one inference at a time.
import {
  AutoConfig,
  AutoModel,
  AutoTokenizer,
  Tensor,
  env,
  type PretrainedConfig,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type ProgressInfo,
} from '@huggingface/transformers';
import { TroveError, isAbort, throwIfAborted } from '../core/errors.ts';
import { normalizeInPlace, type EmbedOptions, type Embedder } from './embedder.ts';
import { getModelSpec, modelFingerprint } from '../models/model-registry.ts';
import { activeModelHost, modelHostLabel } from '../models/model-host.ts';
import {
  chooseDevice,
  configureTransformersEnv,
  errorText,
  type TransformersLoadOptions,
} from '../models/transformers-runtime.ts';
import {
  deviceCheckKey,
  webGpuOrWasm,
  type DeviceCheckMemory,
  type DeviceCheckVerdict,
  type WebGpuChoice,
} from './device-self-check.ts';
import {
  chooseBySpeed,
  deviceSpeedKey,
  measuresDevices,
  type DeviceSpeedMemory,
  type DeviceSpeedRecord,
} from './device-speed.ts';
import { wasmThreadsHere } from '../models/wasm-threads.ts';
import { FreshRuntimeNeeded } from '../models/runtime-trap.ts';
import type { EmbedDevice, ModelDtype, ModelSpec } from '../api/model-spec.ts';

const QUERY_CACHE_SIZE = 64;
/** Whether this worker has created a WASM session (see FreshRuntimeNeeded). */
let wasmSessionsRanHere = false;
/** Errors that end a load instead of falling back to WASM: a cancel, or a runtime that must be replaced first. */
const stopsTheLoad = (error: unknown): boolean => isAbort(error) || error instanceof FreshRuntimeNeeded;
/**
 * Passages per model run, and a cap on padded tokens per run (attention memory grows with it), per device.
 * On CPU/WASM throughput is flat past ~16 sorted passages; a GPU wants bigger batches to fill it.
 */
export const BATCH_LIMITS: Readonly<Record<EmbedDevice, { passages: number; tokens: number }>> = Object.freeze({
  wasm: { passages: 16, tokens: 4096 },
  cpu: { passages: 16, tokens: 4096 },
  webgpu: { passages: 32, tokens: 8192 },
});
const SELF_CHECK_TEXTS = ['How do search engines rank documents?', 'The cat sat on the warm mat.'];
/** Timed embedding per speed measurement, ms: about six of them on a first load (two devices, four batch sizes). */
export const SPEED_PROBE_BUDGET_MS = 300;

export interface LoadEmbedderOptions extends TransformersLoadOptions {
  modelId: string;
  /** A model outside the registry (checkCustomModel's spec for a user-added repo); modelId is then ignored. */
  spec?: ModelSpec;
  /** Forces a dtype on every device, e.g. to match vectors already stored. */
  dtype?: ModelDtype;
  /** WASM threads; default: wasmThreads() for this scope (more than 1 only when cross-origin isolated). */
  numThreads?: number;
  /** Remembers WebGPU numeric self-check verdicts (per model, revision, dtype, adapter); none: check at every load. */
  deviceChecks?: DeviceCheckMemory;
  /** Remembers measured device speeds and batch sizes; none: nothing is measured and the defaults apply. */
  deviceSpeeds?: DeviceSpeedMemory;
  /** Timed embedding per speed measurement, ms (default SPEED_PROBE_BUDGET_MS). */
  speedProbeMs?: number;
}

/** The browser (its user agent) or Node version: a speed measured in one says little about another. */
function browserName(): string {
  const nav = (globalThis as { navigator?: { userAgent?: string } }).navigator;
  if (nav?.userAgent) return nav.userAgent;
  return typeof process !== 'undefined' ? `node ${process.version}` : 'unknown browser';
}

/** The thread count the WASM backend was configured with (ORT itself falls back to 1 without SharedArrayBuffer). */
function wasmBackendThreads(): number {
  const threads = env.backends.onnx.wasm?.numThreads;
  const shared =
    typeof SharedArrayBuffer === 'function' &&
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
  return typeof threads === 'number' && threads > 0 && shared ? threads : 1;
}

interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

/** Names the WebGPU adapter (vendor, architecture, device, description) for the self-check's memory key. */
async function webGpuAdapterName(): Promise<string> {
  const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator;
  try {
    const adapter = (await nav?.gpu?.requestAdapter()) as
      { info?: AdapterInfo; requestAdapterInfo?: () => Promise<AdapterInfo> } | null | undefined;
    const info = adapter?.info ?? (await adapter?.requestAdapterInfo?.());
    const name = [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ').trim();
    return name || 'unknown adapter';
  } catch {
    return 'unknown adapter';
  }
}

/** Loads a registry model through transformers.js. Errors: INVALID_ARGUMENT (unknown id), MODEL_UNAVAILABLE, CANCELLED. */
export async function loadTransformersEmbedder(options: LoadEmbedderOptions): Promise<TransformersEmbedder> {
  const spec = options.spec ?? getModelSpec(options.modelId);
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  const allowRemote = options.allowRemoteModels && !spec.localOnly;
  configureTransformersEnv({
    allowRemoteModels: allowRemote,
    localModelPath: options.localModelPath,
    wasmPaths: options.wasmPaths,
    numThreads: options.numThreads,
  });
  const hubOptions = spec.localOnly
    ? { local_files_only: true }
    : { revision: spec.revision, local_files_only: !allowRemote };
  const context = { spec, allowRemote, localModelPath: options.localModelPath, dtype: options.dtype };

  let config: PretrainedConfig;
  let tokenizer: PreTrainedTokenizer;
  try {
    // config.json first: a missing model then fails with a clear "not found at …" error. AutoTokenizer alone would
    // memoize "tokenizer_config.json does not exist" for the worker's lifetime and later crash on a retry.
    config = await AutoConfig.from_pretrained(spec.repo, hubOptions);
    // model2vec repos' config.json describes the distillation, not a transformers.js class: name the model type,
    // so transformers.js builds the plain encoder that feeds the graph exactly the inputs it declares.
    if (spec.architecture === 'static-bag') (config as { model_type?: string }).model_type = 'model2vec';
    onProgress?.(0); // never synchronously inside the call: callers may not be ready for callbacks yet
    tokenizer = await AutoTokenizer.from_pretrained(spec.repo, hubOptions);
  } catch (error) {
    throw loadError(error, context);
  }
  throwIfAborted(signal);

  const progress_callback = (info: ProgressInfo) => {
    // progress_total aggregates all files (0..100); keep the last 5% for session start and the self-check.
    if (info.status === 'progress_total') onProgress?.(Math.min(0.95, (info.progress / 100) * 0.95));
  };
  const create = async (
    device: EmbedDevice,
    note?: string,
    forcedDtype?: ModelDtype,
  ): Promise<TransformersEmbedder> => {
    const dtype = forcedDtype ?? options.dtype ?? spec.dtype[device];
    if (device === 'webgpu' && wasmSessionsRanHere) throw new FreshRuntimeNeeded();
    if (device === 'wasm') wasmSessionsRanHere = true;
    const model = await AutoModel.from_pretrained(spec.repo, {
      ...hubOptions,
      config,
      device,
      dtype,
      progress_callback,
    });
    const embedder = new TransformersEmbedder(spec, device, dtype, tokenizer, model, note || undefined);
    try {
      throwIfAborted(signal);
      const problem = await selfCheck(embedder);
      if (problem) throw new Error(`self-check failed on ${device}/${dtype}: ${problem}`);
      return embedder;
    } catch (error) {
      await embedder.dispose();
      throw error;
    }
  };

  const { device, note } = await chooseDevice(options.device);
  // Trusted only once its vectors agree with WASM's on this adapter (see device-self-check.ts).
  const adapter = device === 'webgpu' ? await webGpuAdapterName() : 'no adapter';
  const webgpuDtype = options.dtype ?? spec.dtype.webgpu;
  const webGpuChecked = (keepReference: boolean) =>
    webGpuOrWasm<TransformersEmbedder>({
      key: deviceCheckKey({ repo: spec.repo, revision: spec.revision, dtype: webgpuDtype, adapter }),
      memory: options.deviceChecks,
      dims: spec.dims,
      webgpu: () => create('webgpu', note),
      wasm: (forced, why) => create('wasm', why, forced as ModelDtype | undefined),
      isAbort: stopsTheLoad,
      keepReference,
    });
  try {
    let embedder: TransformersEmbedder;
    if (options.deviceSpeeds) {
      embedder = await fastestEmbedder(options.deviceSpeeds);
    } else if (device === 'webgpu') {
      embedder = withWebGpuChoice(await webGpuChecked(false));
    } else {
      embedder = await create(device, note);
    }
    onProgress?.(1);
    return embedder;
  } catch (error) {
    throw loadError(error, context);
  }

  /** With Auto and an adapter, the faster of trusted WebGPU and WASM; on any device, the fastest batch size. */
  async function fastestEmbedder(memory: DeviceSpeedMemory): Promise<TransformersEmbedder> {
    const auto = measuresDevices(options.device, device);
    const wasmDtype = options.dtype ?? spec.dtype.wasm;
    const dtypes = auto
      ? `webgpu:${webgpuDtype},wasm:${wasmDtype}`
      : `${device}:${options.dtype ?? spec.dtype[device]}`;
    const speedProbeMs = options.speedProbeMs ?? SPEED_PROBE_BUDGET_MS;
    const choice = await chooseBySpeed<TransformersEmbedder>({
      key: deviceSpeedKey({
        repo: spec.repo,
        revision: spec.revision,
        dtypes,
        adapter,
        browser: browserName(),
        threads: options.numThreads ?? wasmThreadsHere(),
        requested: options.device,
      }),
      memory,
      ...(auto ? { webgpu: () => webGpuChecked(true) } : {}),
      wasm: async (reference) => {
        // The self-check's reference runs WebGPU's dtype; WASM is timed as it would run (its own dtype).
        if (reference?.dtype === wasmDtype) return reference;
        await reference?.dispose().catch(() => undefined);
        return create('wasm', undefined, wasmDtype);
      },
      single: async () => (device === 'webgpu' ? withWebGpuChoice(await webGpuChecked(false)) : create(device, note)),
      budgetMs: speedProbeMs,
      now: () => performance.now(),
      isAbort: stopsTheLoad,
    });
    const embedder = choice.embedder;
    if (choice.webgpu) withWebGpuChoice({ ...choice.webgpu, embedder });
    if (embedder.device === 'wasm' && choice.speed.note && !embedder.deviceNote)
      embedder.deviceNote = choice.speed.note;
    embedder.deviceSpeed = { ...choice.speed, remembered: choice.remembered };
    return embedder;
  }
}

/** Puts the WebGPU path's verdict and note on the embedder it chose. */
function withWebGpuChoice(choice: WebGpuChoice<TransformersEmbedder>): TransformersEmbedder {
  const embedder = choice.embedder;
  if (choice.verdict) embedder.deviceCheck = choice.verdict;
  if (choice.device === 'webgpu' && choice.note)
    embedder.deviceNote = [embedder.deviceNote, choice.note].filter(Boolean).join('; ');
  return embedder;
}

/** Embeds two texts and checks the vectors: right size, finite, non-zero, not identical. Returns the problem, if any. */
async function selfCheck(embedder: TransformersEmbedder): Promise<string | undefined> {
  const dims = embedder.model.dims;
  const vectors = await embedder.embedPassages(SELF_CHECK_TEXTS);
  if (vectors.length !== 2 * dims) return `expected 2 x ${dims} values, got ${vectors.length}`;
  let same = true;
  for (let row = 0; row < 2; row++) {
    let norm = 0;
    for (let i = 0; i < dims; i++) {
      const x = vectors[row * dims + i];
      if (!Number.isFinite(x)) return 'vector has non-finite values';
      norm += x * x;
      if (row === 1 && Math.abs(x - vectors[i]) > 1e-6) same = false;
    }
    if (!(norm > 1e-12)) return 'vector is zero or NaN'; // normalizeInPlace turns NaN rows into zeros
  }
  return same ? 'different texts gave identical vectors' : undefined;
}

/** Turns a transformers.js loading failure into MODEL_UNAVAILABLE with a message that says what failed. */
function loadError(
  error: unknown,
  context: { spec: ModelSpec; allowRemote: boolean; localModelPath: string; dtype?: ModelDtype },
): TroveError {
  if (error instanceof TroveError) return error;
  if (isAbort(error)) return new TroveError('CANCELLED');
  const { spec, allowRemote, localModelPath } = context;
  const name = `Embedding model "${spec.id}" (${spec.repo}) could not be loaded`;
  const message = errorText(error);
  const folder = `${localModelPath.replace(/\/+$/, '')}/${spec.repo}/`;
  const missingPath = /not found locally at "([^"]+)"/.exec(message)?.[1];
  const missing = missingPath?.startsWith(folder) ? missingPath.slice(folder.length) : missingPath;
  let why: string;
  if (missing) {
    why = spec.localOnly
      ? `it is only available locally and no copy exists at ${folder} (missing ${missing})` +
        (spec.testFixture ? '; run `node scripts/make-model-fixture.mjs`' : '')
      : `remote models are off and no local copy exists at ${folder} (missing ${missing})`;
    // A dtype chosen in Settings (or the stored vectors' dtype) whose weights are not there: say which.
    if (context.dtype && /\.onnx$/.test(missing)) {
      why = `its ${context.dtype} weights (${missing}) are not under ${folder}: choose another dtype in Settings`;
    }
  } else if (/tokenizer_class/.test(message)) {
    why = `its tokenizer files (tokenizer.json, tokenizer_config.json) were not found`;
  } else if (error instanceof SyntaxError) {
    why = `a model file under ${allowRemote ? `${folder} or the hub` : folder} is not valid JSON (${message})`;
  } else if (/fetch failed|failed to fetch|networkerror|load failed|ENOTFOUND|ECONNREFUSED|EAI_AGAIN/i.test(message)) {
    why = `the download from ${modelHostLabel(activeModelHost())} failed (${message}); check the network, or self-host the model under ${folder}`;
  } else {
    why = message;
  }
  return new TroveError('MODEL_UNAVAILABLE', `${name}: ${why}.`, { cause: error });
}

interface Encoded {
  index: number;
  ids: number[];
}

export class TransformersEmbedder implements Embedder {
  readonly model: ModelSpec;
  readonly device: EmbedDevice;
  readonly dtype: ModelDtype;
  readonly fingerprint: string;
  readonly maxPassageTokens: number;
  /** Set at construction; the loader adds why WebGPU runs unverified, if it does. */
  deviceNote?: string;
  /** WASM threads in use (1 unless cross-origin isolated); undefined on WebGPU and the native CPU backend. */
  readonly threads?: number;
  /** The dtype this device uses for the model when none is forced (the registry's per-device choice). */
  readonly defaultDtype: ModelDtype;
  /** The WebGPU numeric self-check's verdict (set by the loader when WebGPU was available). */
  deviceCheck?: DeviceCheckVerdict;
  /** Passages per model run measured fastest here (set by the loader's speed probe); the default batch size. */
  preferredBatchSize?: number;
  /** The speed measurement in force (set by the loader). */
  deviceSpeed?: DeviceSpeedRecord & { remembered: boolean };
  private readonly tokenizer: PreTrainedTokenizer;
  private readonly net: PreTrainedModel;
  private readonly maxTokens: number;
  private readonly specialIds: Set<number>;
  private readonly padId: number;
  /** Tail of the inference queue: an ONNX session crashes when two runs overlap (reported upstream against transformers.js). */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly queryCache = new Map<string, Promise<Float32Array>>();
  private runs = 0;
  private disposed = false;

  constructor(
    spec: ModelSpec,
    device: EmbedDevice,
    dtype: ModelDtype,
    tokenizer: PreTrainedTokenizer,
    net: PreTrainedModel,
    deviceNote?: string,
  ) {
    this.model = spec;
    this.device = device;
    this.dtype = dtype;
    this.deviceNote = deviceNote;
    this.threads = device === 'wasm' ? wasmBackendThreads() : undefined;
    this.defaultDtype = spec.dtype[device];
    this.tokenizer = tokenizer;
    this.net = net;
    this.fingerprint = modelFingerprint(spec, dtype);
    const tokenizerMax = Number(tokenizer.model_max_length);
    this.maxTokens =
      Number.isFinite(tokenizerMax) && tokenizerMax > 0 ? Math.min(spec.maxTokens, tokenizerMax) : spec.maxTokens;
    this.specialIds = new Set(tokenizer.all_special_ids);
    this.padId = tokenizer.pad_token_id ?? 0;
    const specials = spec.architecture === 'static-bag' ? 0 : tokenizer.encode('').length;
    this.maxPassageTokens = this.maxTokens - specials - (spec.passagePrefix ? this.countTokens(spec.passagePrefix) : 0);
  }

  /** Model runs so far (diagnostics; tests use it to see the query cache work). */
  get runCount(): number {
    return this.runs;
  }

  countTokens(text: string): number {
    return this.tokenizer.encode(text, { add_special_tokens: false }).length;
  }

  async embedPassages(texts: string[], options: EmbedOptions = {}): Promise<Float32Array> {
    const { signal, onProgress } = options;
    const limits = BATCH_LIMITS[this.device];
    const batchSize = options.batchSize ?? this.preferredBatchSize ?? limits.passages;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new TroveError('INVALID_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}.`);
    }
    this.assertOpen();
    throwIfAborted(signal);
    const dims = this.model.dims;
    const out = new Float32Array(texts.length * dims);
    // Longest first, so similar lengths share a batch (less padding) and the biggest batch fails first, if at all.
    const encoded = texts.map((text, index) => ({ index, ids: this.encode(this.model.passagePrefix + text) }));
    encoded.sort((a, b) => b.ids.length - a.ids.length || a.index - b.index);
    let done = 0;
    for (let start = 0; start < encoded.length;) {
      const longest = encoded[start].ids.length;
      const size = Math.max(1, Math.min(batchSize, Math.floor(limits.tokens / longest)));
      const batch = encoded.slice(start, start + size);
      const vectors = await this.exclusive(() => {
        throwIfAborted(signal); // checked again when our turn in the queue comes
        return this.run(batch);
      });
      batch.forEach((item, row) => out.set(vectors.subarray(row * dims, (row + 1) * dims), item.index * dims));
      start += batch.length;
      done += batch.length;
      onProgress?.(done, texts.length);
      throwIfAborted(signal);
    }
    return out;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    this.assertOpen();
    let pending = this.queryCache.get(text);
    if (pending) {
      this.queryCache.delete(text); // re-insert: Map order is the LRU order
    } else {
      const ids = this.encode(this.model.queryPrefix + text);
      pending = this.exclusive(() => this.run([{ index: 0, ids }]));
      pending.catch(() => this.queryCache.delete(text));
      if (this.queryCache.size >= QUERY_CACHE_SIZE) {
        this.queryCache.delete(this.queryCache.keys().next().value as string);
      }
    }
    this.queryCache.set(text, pending);
    return (await pending).slice(); // a copy: callers may not corrupt the cache
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.queryCache.clear();
    await this.queue.catch(() => undefined);
    await this.net.dispose();
  }

  private assertOpen(): void {
    if (this.disposed) throw new TroveError('MODEL_UNAVAILABLE', 'The embedding model has been unloaded.');
  }

  /** Token ids with special tokens, truncated to maxTokens keeping the closing special token (e.g. [SEP]). */
  private encode(text: string): number[] {
    if (this.model.architecture === 'static-bag') {
      // model2vec embeds only the text's own tokens (no [CLS]/[SEP]).
      return this.tokenizer.encode(text, { add_special_tokens: false }).slice(0, this.maxTokens);
    }
    const ids = this.tokenizer.encode(text);
    if (ids.length <= this.maxTokens) return ids;
    const last = ids[ids.length - 1];
    return this.specialIds.has(last) ? [...ids.slice(0, this.maxTokens - 1), last] : ids.slice(0, this.maxTokens);
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(() => {
      this.assertOpen();
      return task();
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** One model run over a batch: pad, infer, pool (cls or masked mean), normalise. Rows in batch order. */
  private async run(batch: Encoded[]): Promise<Float32Array> {
    if (this.model.architecture === 'static-bag') return this.runBag(batch);
    const rows = batch.length;
    const seq = Math.max(...batch.map((item) => item.ids.length));
    const inputIds = new BigInt64Array(rows * seq).fill(BigInt(this.padId));
    const mask = new BigInt64Array(rows * seq);
    batch.forEach((item, r) => {
      item.ids.forEach((id, s) => {
        inputIds[r * seq + s] = BigInt(id);
        mask[r * seq + s] = 1n;
      });
    });
    this.runs++;
    const outputs = await this.net.forward({
      input_ids: new Tensor('int64', inputIds, [rows, seq]),
      attention_mask: new Tensor('int64', mask, [rows, seq]),
    });
    const hidden: Tensor | undefined =
      outputs.last_hidden_state ?? outputs.token_embeddings ?? Object.values(outputs)[0];
    if (!hidden) throw new TroveError('MODEL_UNAVAILABLE', 'The embedding model returned no output.');
    try {
      return this.pool(hidden.type === 'float32' ? hidden : hidden.to('float32'), batch);
    } finally {
      for (const tensor of Object.values(outputs) as Tensor[]) tensor.dispose?.();
    }
  }

  /** A static (model2vec) model: one flat id list plus where each text starts; the graph returns pooled rows. */
  private async runBag(batch: Encoded[]): Promise<Float32Array> {
    const { ids, offsets } = bagInputs(batch.map((item) => item.ids));
    this.runs++;
    const outputs = await this.net.forward({
      input_ids: new Tensor('int64', ids, [ids.length]),
      offsets: new Tensor('int64', offsets, [offsets.length]),
    });
    const pooled: Tensor | undefined = outputs.embeddings ?? outputs.sentence_embedding ?? Object.values(outputs)[0];
    if (!pooled) throw new TroveError('MODEL_UNAVAILABLE', 'The embedding model returned no output.');
    try {
      return this.pool(pooled.type === 'float32' ? pooled : pooled.to('float32'), batch);
    } finally {
      for (const tensor of Object.values(outputs) as Tensor[]) tensor.dispose?.();
    }
  }

  private pool(hidden: Tensor, batch: Encoded[]): Float32Array {
    const dims = this.model.dims;
    const data = hidden.data as Float32Array;
    const shape = hidden.dims;
    const width = shape[shape.length - 1];
    if (width !== dims) {
      throw new TroveError(
        'MODEL_UNAVAILABLE',
        `The model returned ${width}-dimensional vectors; its registry entry says ${dims}.`,
      );
    }
    const out = new Float32Array(batch.length * dims);
    const seq = shape.length === 3 ? shape[1] : 1; // a 2-D output is already pooled
    batch.forEach((item, r) => {
      const row = out.subarray(r * dims, (r + 1) * dims);
      const base = r * seq * dims;
      if (shape.length === 2 || this.model.pooling === 'cls') {
        row.set(data.subarray(base, base + dims));
      } else {
        // Masked mean: only the item's real tokens (specials included, as sentence-transformers does), never padding.
        const count = item.ids.length;
        for (let s = 0; s < count; s++) {
          const offset = base + s * dims;
          for (let d = 0; d < dims; d++) row[d] += data[offset + d];
        }
        for (let d = 0; d < dims; d++) row[d] /= count;
      }
      if (this.model.normalize) normalizeInPlace(row);
    });
    return out;
  }
}

/**
 * EmbeddingBag inputs for a static model: all texts' token ids in one flat list, and each text's start in it.
 * A text with no tokens gets an empty bag (offsets repeat), which the graph answers with a zero row.
 */
export function bagInputs(texts: number[][]): { ids: BigInt64Array; offsets: BigInt64Array } {
  let total = 0;
  for (const ids of texts) total += ids.length;
  const ids = new BigInt64Array(total);
  const offsets = new BigInt64Array(texts.length);
  let at = 0;
  texts.forEach((text, i) => {
    offsets[i] = BigInt(at);
    for (const id of text) ids[at++] = BigInt(id);
  });
  return { ids, offsets };
}
