// Cross-encoder reranker on @huggingface/transformers: AutoTokenizer + AutoModelForSequenceClassification loaded
// through the shared transformers.js configuration (models/transformers-runtime.ts: local path, remote switch,
// same-origin wasm), pairs scored in batches, one inference at a time per session, cancellable between batches.
import {
  AutoConfig,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  Tensor,
  type PretrainedConfig,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type ProgressInfo,
} from '@huggingface/transformers';
import { TroveError, isAbort, throwIfAborted } from '../core/errors.ts';
import {
  HUB_URL,
  chooseDevice,
  configureTransformersEnv,
  errorText,
  type TransformersLoadOptions,
} from '../models/transformers-runtime.ts';
import type { RerankOptions, Reranker } from './reranker.ts';
import { getRerankerSpec, type RerankerSpec } from '../models/reranker-registry.ts';
import type { EmbedDevice, ModelDtype } from '../api/model-spec.ts';

const DEFAULT_BATCH_SIZE = 8;
/** Cap on padded tokens per model run (attention memory grows with it). */
const MAX_BATCH_TOKENS = 4096;

export interface LoadRerankerOptions extends TransformersLoadOptions {
  /** Registry id; or `spec` for a model outside the registry (the rerank benchmark's random-weight model). */
  modelId?: string;
  spec?: RerankerSpec;
  dtype?: ModelDtype;
  /** ONNX Runtime session options (e.g. intraOpNumThreads in Node, for benchmarks). */
  sessionOptions?: Record<string, unknown>;
}

/** Loads a cross-encoder. Errors: INVALID_ARGUMENT (unknown id), MODEL_UNAVAILABLE, CANCELLED. */
export async function loadTransformersReranker(options: LoadRerankerOptions): Promise<TransformersReranker> {
  const spec = options.spec ?? getRerankerSpec(options.modelId ?? '');
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  const allowRemote = options.allowRemoteModels && !spec.localOnly;
  configureTransformersEnv({
    allowRemoteModels: allowRemote,
    localModelPath: options.localModelPath,
    wasmPaths: options.wasmPaths,
  });
  const hubOptions = spec.localOnly
    ? { local_files_only: true }
    : { revision: spec.revision, local_files_only: !allowRemote };
  const fail = (error: unknown): TroveError => {
    if (error instanceof TroveError) return error;
    if (isAbort(error)) return new TroveError('CANCELLED');
    const folder = `${options.localModelPath.replace(/\/+$/, '')}/${spec.repo}/`;
    const hint = spec.testFixture
      ? '; run `node scripts/make-reranker-fixture.mjs`'
      : allowRemote
        ? ` or ${HUB_URL}`
        : '';
    return new TroveError(
      'MODEL_UNAVAILABLE',
      `Reranker "${spec.id}" (${spec.repo}) could not be loaded from ${folder}${hint}: ${errorText(error)}.`,
      {
        cause: error,
      },
    );
  };

  let config: PretrainedConfig;
  let tokenizer: PreTrainedTokenizer;
  try {
    config = await AutoConfig.from_pretrained(spec.repo, hubOptions); // first: a missing model fails clearly
    onProgress?.(0);
    tokenizer = await AutoTokenizer.from_pretrained(spec.repo, hubOptions);
  } catch (error) {
    throw fail(error);
  }
  throwIfAborted(signal);
  const progress_callback = (info: ProgressInfo) => {
    if (info.status === 'progress_total') onProgress?.(Math.min(0.95, (info.progress / 100) * 0.95));
  };
  const create = async (device: EmbedDevice, note?: string): Promise<TransformersReranker> => {
    const dtype = options.dtype ?? spec.dtype[device];
    const model = await AutoModelForSequenceClassification.from_pretrained(spec.repo, {
      ...hubOptions,
      config,
      device,
      dtype,
      progress_callback,
      ...(options.sessionOptions && { session_options: options.sessionOptions }),
    });
    const reranker = new TransformersReranker(spec, device, dtype, tokenizer, model, note);
    try {
      throwIfAborted(signal);
      const scores = await reranker.score('what do cats eat', ['cats eat fish and meat', 'the stock market fell']);
      if (!scores.every(Number.isFinite)) throw new Error(`self-check failed on ${device}/${dtype}: non-finite scores`);
      return reranker;
    } catch (error) {
      await reranker.dispose();
      throw error;
    }
  };
  try {
    const { device, note } = await chooseDevice(options.device);
    let reranker: TransformersReranker;
    if (device === 'webgpu') {
      try {
        reranker = await create('webgpu', note);
      } catch (error) {
        if (isAbort(error)) throw error;
        reranker = await create('wasm', `WebGPU failed (${errorText(error)}); using WASM`);
      }
    } else {
      reranker = await create(device, note);
    }
    onProgress?.(1);
    return reranker;
  } catch (error) {
    throw fail(error);
  }
}

/** Where the query and the passage go in the model's pair template, found once from a probe encoding. */
interface PairLayout {
  before: number[];
  between: number[];
  after: number[];
  /** token_type_ids of each part (undefined when the tokenizer gives none). */
  types?: { before: number[]; query: number; between: number[]; passage: number; after: number[] };
}

interface Pair {
  index: number;
  ids: number[];
  types: number[];
}

export class TransformersReranker implements Reranker {
  readonly model: RerankerSpec;
  readonly device: EmbedDevice;
  readonly dtype: ModelDtype;
  readonly deviceNote?: string;
  readonly maxPairTokens: number;
  private readonly tokenizer: PreTrainedTokenizer;
  private readonly net: PreTrainedModel;
  private readonly layout: PairLayout;
  private readonly padId: number;
  private readonly wantsTypes: boolean;
  /** Tail of the inference queue: an ONNX session crashes when two runs overlap (reported upstream against transformers.js). */
  private queue: Promise<unknown> = Promise.resolve();
  private runs = 0;
  private disposed = false;

  constructor(
    spec: RerankerSpec,
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
    this.tokenizer = tokenizer;
    this.net = net;
    const tokenizerMax = Number(tokenizer.model_max_length);
    this.maxPairTokens =
      Number.isFinite(tokenizerMax) && tokenizerMax > 0 ? Math.min(spec.maxTokens, tokenizerMax) : spec.maxTokens;
    this.padId = tokenizer.pad_token_id ?? 0;
    this.layout = pairLayout(tokenizer);
    const sessions = (net as unknown as { sessions?: Record<string, { inputNames?: string[] }> }).sessions ?? {};
    this.wantsTypes = Object.values(sessions).some((s) => s.inputNames?.includes('token_type_ids'));
  }

  /** Model runs so far (tests use it to see batching and cancellation). */
  get runCount(): number {
    return this.runs;
  }

  async score(query: string, passages: readonly string[], options: RerankOptions = {}): Promise<Float32Array> {
    const { signal, onProgress } = options;
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new TroveError('INVALID_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}.`);
    }
    this.assertOpen();
    throwIfAborted(signal);
    const out = new Float32Array(passages.length);
    if (passages.length === 0) return out;
    const queryIds = this.tokens(query);
    // Longest first, so similar lengths share a batch (less padding).
    const pairs = passages.map((text, index) => this.pair(index, queryIds, this.tokens(text)));
    pairs.sort((a, b) => b.ids.length - a.ids.length || a.index - b.index);
    let done = 0;
    for (let start = 0; start < pairs.length;) {
      const size = Math.max(1, Math.min(batchSize, Math.floor(MAX_BATCH_TOKENS / pairs[start].ids.length)));
      const batch = pairs.slice(start, start + size);
      const scores = await this.exclusive(() => {
        throwIfAborted(signal); // checked again when our turn in the queue comes
        return this.run(batch);
      });
      batch.forEach((pair, row) => (out[pair.index] = scores[row]));
      start += batch.length;
      done += batch.length;
      onProgress?.(done, passages.length);
      throwIfAborted(signal);
    }
    return out;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue.catch(() => undefined);
    await this.net.dispose();
  }

  private assertOpen(): void {
    if (this.disposed) throw new TroveError('MODEL_UNAVAILABLE', 'The reranker has been unloaded.');
  }

  private tokens(text: string): number[] {
    return text ? this.tokenizer.encode(text, { add_special_tokens: false }) : [];
  }

  /** The pair's ids in the model's template, cut to maxPairTokens: the longer side loses tokens first (HF longest_first). */
  private pair(index: number, query: number[], passage: number[]): Pair {
    const { before, between, after, types } = this.layout;
    const budget = Math.max(2, this.maxPairTokens - before.length - between.length - after.length);
    let q = query.length;
    let p = passage.length;
    if (q + p > budget) {
      const half = Math.floor(budget / 2);
      if (q <= half) p = budget - q;
      else if (p <= budget - half) q = budget - p;
      else {
        p = half;
        q = budget - half;
      }
    }
    const ids = [...before, ...query.slice(0, q), ...between, ...passage.slice(0, p), ...after];
    const typeIds = types
      ? [
          ...types.before,
          ...new Array<number>(q).fill(types.query),
          ...types.between,
          ...new Array<number>(p).fill(types.passage),
          ...types.after,
        ]
      : [];
    return { index, ids, types: typeIds };
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(() => {
      this.assertOpen();
      return task();
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async run(batch: Pair[]): Promise<Float32Array> {
    const rows = batch.length;
    const seq = Math.max(...batch.map((pair) => pair.ids.length));
    const inputIds = new BigInt64Array(rows * seq).fill(BigInt(this.padId));
    const mask = new BigInt64Array(rows * seq);
    const typeIds = new BigInt64Array(rows * seq);
    batch.forEach((pair, r) => {
      pair.ids.forEach((id, s) => {
        inputIds[r * seq + s] = BigInt(id);
        mask[r * seq + s] = 1n;
        if (pair.types.length) typeIds[r * seq + s] = BigInt(pair.types[s]);
      });
    });
    this.runs++;
    const feeds: Record<string, Tensor> = {
      input_ids: new Tensor('int64', inputIds, [rows, seq]),
      attention_mask: new Tensor('int64', mask, [rows, seq]),
    };
    if (this.wantsTypes) feeds.token_type_ids = new Tensor('int64', typeIds, [rows, seq]);
    const outputs = await this.net.forward(feeds);
    const logits: Tensor | undefined = outputs.logits ?? Object.values(outputs)[0];
    try {
      if (!logits) throw new TroveError('MODEL_UNAVAILABLE', 'The reranker returned no logits.');
      const data = (logits.type === 'float32' ? logits : logits.to('float32')).data as Float32Array;
      const width = logits.dims[logits.dims.length - 1] ?? 1;
      const scores = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        // One logit: the relevance score. Two (not relevant / relevant): their difference, the log-odds.
        const value = width === 1 ? data[r] : data[r * width + width - 1] - data[r * width];
        scores[r] = Number.isFinite(value) ? value : -Infinity;
      }
      return scores;
    } finally {
      for (const tensor of Object.values(outputs) as Tensor[]) tensor.dispose?.();
    }
  }
}

/** Encodes two probe texts as a pair and finds the special tokens before, between and after them. */
function pairLayout(tokenizer: PreTrainedTokenizer): PairLayout {
  const probeA = 'query';
  const probeB = 'passage';
  const a = tokenizer.encode(probeA, { add_special_tokens: false });
  const b = tokenizer.encode(probeB, { add_special_tokens: false });
  const encoded = tokenizer._call(probeA, { text_pair: probeB, return_tensor: false, return_token_type_ids: true }) as {
    input_ids: number[];
    token_type_ids?: number[];
  };
  const ids = encoded.input_ids;
  const at = (needle: number[], from: number) => {
    for (let i = from; i + needle.length <= ids.length; i++) if (needle.every((t, j) => ids[i + j] === t)) return i;
    return -1;
  };
  const qAt = at(a, 0);
  const pAt = qAt < 0 ? -1 : at(b, qAt + a.length);
  if (qAt < 0 || pAt < 0)
    throw new TroveError('MODEL_UNAVAILABLE', 'The reranker tokenizer does not encode text pairs.');
  const pEnd = pAt + b.length;
  const layout: PairLayout = {
    before: ids.slice(0, qAt),
    between: ids.slice(qAt + a.length, pAt),
    after: ids.slice(pEnd),
  };
  const t = encoded.token_type_ids;
  if (t && t.length === ids.length) {
    layout.types = {
      before: t.slice(0, qAt),
      query: t[qAt],
      between: t.slice(qAt + a.length, pAt),
      passage: t[pAt],
      after: t.slice(pEnd),
    };
  }
  return layout;
}
