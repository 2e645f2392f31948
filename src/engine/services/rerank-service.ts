// The cross-encoder's life in the engine and the two features built on search results: reranking them after they
// show, and "Copy as context". The reranker loads on first use (the status call starts it, so the page learns at
// start-up whether reranking is fast enough to be on by default), is calibrated once per load on this device, and
// one rerank runs at a time: a newer call cancels an unfinished one, whose caller gets undefined.
import type {
  ContextRequest,
  ContextResponse,
  EngineSettings,
  RerankedResult,
  RerankerStatus,
  RerankRequest,
  RerankResponse,
  SearchOptions,
  SearchResponse,
} from '../api/index.ts';
import { estimateTokens } from '../models/token-estimate.ts';
import { TroveError, toErrorInfo } from '../core/errors.ts';
import { LatestRerank } from '../rerank/latest-rerank.ts';
import { calibrateReranker } from '../rerank/rerank-budget.ts';
import type { Reranker } from '../rerank/reranker.ts';
import { assembleContext, type ContextPassage } from '../retrieve/context.ts';
import type { ChunkRecord, DocumentRecord, Store } from '../store/store.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { ActiveModel } from '../library/active-model.ts';
import type { RerankCalibration } from '../api/rerank.ts';

export interface RerankerLoadOptions {
  modelId: string;
  allowRemoteModels: boolean;
  localModelPath: string;
  device: EngineSettings['device'];
}

export type RerankerLoader = (options: RerankerLoadOptions) => Promise<Reranker>;

export interface RerankServiceHooks {
  settings: () => EngineSettings;
  store: () => Store;
  docs: () => ReadonlyMap<number, DocumentRecord>;
  search: (query: string, options: SearchOptions) => Promise<SearchResponse>;
  /**
   * The embedding model: the status call loads the reranker only once it has settled (ready or unavailable), so
   * the two never initialise ONNX Runtime at once and the embedder (needed for any semantic search) goes first.
   */
  model: Pick<ActiveModel, 'status'>;
  /** The embedder answering queries, whose tokenizer counts a context's tokens (an estimate while none is loaded). */
  embedder: () => Pick<Embedder, 'model' | 'countTokens'> | null;
}

const CALIBRATION_BUDGET_MS = 1000;
const DEFAULT_CONTEXT_K = 10;

export class RerankService {
  private reranker?: Reranker;
  private latest?: LatestRerank;
  private loading?: Promise<void>;
  private loadedFor?: string;
  private calibration?: RerankCalibration;
  private state: RerankerStatus['state'] = 'idle';
  private error?: string;
  /** Bumped by every rerank call: a call that finds it changed after loading was superseded. */
  private generation = 0;

  constructor(
    private readonly loader: RerankerLoader | undefined,
    private readonly hooks: RerankServiceHooks,
  ) {}

  status(): RerankerStatus {
    const settings = this.hooks.settings();
    // Asking starts the load once; a load that failed is tried again by a rerank or changed settings, not by every
    // poll of the status (that re-fetched unreachable model files every second).
    if (['ready', 'unavailable'].includes(this.hooks.model.status.state) && this.failedFor !== loadKey(settings))
      void this.ensureLoaded().catch(() => undefined);
    const current = this.loadedFor === loadKey(settings);
    const calibration = current ? this.calibration : undefined;
    const enabledByDefault =
      settings.rerankDefault === 'on'
        ? true
        : settings.rerankDefault === 'off'
          ? false
          : (calibration?.enabled ?? false);
    return {
      state: this.state,
      rerankerId: settings.rerankerId,
      device: current ? this.reranker?.device : undefined,
      error: this.error,
      calibration,
      depth: this.defaultDepth(),
      enabledByDefault,
    };
  }

  async rerank(
    query: string,
    chunkIds: readonly number[],
    request: RerankRequest = {},
  ): Promise<RerankResponse | undefined> {
    this.hooks.store(); // LOCKED while locked
    const started = performance.now();
    const generation = ++this.generation;
    this.latest?.cancel();
    if (request.depth !== undefined && !(Number.isInteger(request.depth) && request.depth >= 1)) {
      throw new TroveError('INVALID_ARGUMENT', `rerank depth must be a whole number ≥ 1, got ${request.depth}.`);
    }
    await this.ensureLoaded();
    if (generation !== this.generation) return undefined;
    const latest = this.latest;
    if (!latest) throw new TroveError('MODEL_UNAVAILABLE', this.error ?? 'The reranker is not available.');
    const depth = Math.min(request.depth ?? this.defaultDepth(), chunkIds.length);
    const head = chunkIds.slice(0, depth);
    const chunks = new Map((await this.hooks.store().getChunks(head)).map((c) => [c.id, c]));
    if (generation !== this.generation) return undefined;
    const known = head.filter((id) => chunks.has(id)); // deleted meanwhile: dropped
    const reranked = await latest.run(query, known, (id) => chunks.get(id)!.text);
    if (!reranked) return undefined;
    const results: RerankedResult[] = reranked.map((r, i) => ({
      chunkId: r.item,
      rerank: r.rerankScore,
      rerankRank: i + 1,
      previousRank: chunkIds.indexOf(r.item) + 1,
    }));
    for (let i = depth; i < chunkIds.length; i++) {
      results.push({ chunkId: chunkIds[i], rerankRank: results.length + 1, previousRank: i + 1 });
    }
    return { query, results, depth, tookMs: performance.now() - started };
  }

  async assembleContext(request: ContextRequest): Promise<ContextResponse> {
    this.hooks.store(); // LOCKED while locked
    if (typeof request.question !== 'string' || !request.question.trim()) {
      throw new TroveError('INVALID_ARGUMENT', 'The context needs a question.');
    }
    let passages: ContextPassage[];
    if (request.chunkIds) {
      const chunks = new Map((await this.hooks.store().getChunks(request.chunkIds)).map((c) => [c.id, c]));
      const docs = this.hooks.docs();
      passages = request.chunkIds
        .map((id) => chunks.get(id))
        .filter((c): c is ChunkRecord => !!c && docs.has(c.docId))
        .map((c) => ({
          documentName: docs.get(c.docId)!.name,
          text: c.text,
          page: c.page,
          headingPath: c.headingPath,
          chunkId: c.id,
        }));
    } else {
      const response = await this.hooks.search(request.question, {
        ...request.search,
        k: request.k ?? DEFAULT_CONTEXT_K,
      });
      passages = response.results.map((r) => ({
        documentName: r.documentName,
        text: r.text,
        page: r.page,
        headingPath: r.headingPath,
        chunkId: r.chunkId,
      }));
    }
    const embedder = this.hooks.embedder();
    const countTokens = embedder ? (text: string) => embedder.countTokens(text) : estimateTokens;
    const assembled = assembleContext({
      question: request.question,
      passages,
      countTokens,
      maxTokens: request.maxTokens,
      instruction: request.instruction,
    });
    return { ...assembled, tokenizer: embedder?.model.id ?? 'estimate' };
  }

  /** Releases the model when the reranker setting changed (the next use loads the new one). */
  async settingsChanged(): Promise<void> {
    if (this.loadedFor && this.loadedFor !== loadKey(this.hooks.settings())) await this.unload();
  }

  private defaultDepth(): number {
    const settings = this.hooks.settings();
    const c = this.loadedFor === loadKey(settings) ? this.calibration : undefined;
    // Switched on by the user on a slow device: the setting's depth (they asked for it); otherwise capped.
    return c?.enabled ? Math.max(1, Math.min(settings.rerankDepth, c.depth)) : settings.rerankDepth;
  }

  private ensureLoaded(): Promise<void> {
    const key = loadKey(this.hooks.settings());
    if (this.loadedFor === key && this.state === 'ready') return Promise.resolve();
    if (this.loading && this.loadingFor === key) return this.loading;
    this.loadingFor = key;
    const load = this.load(key);
    this.loading = load;
    return load.finally(() => {
      if (this.loading === load) this.loading = undefined;
    });
  }

  private loadingFor?: string;
  /** The settings whose load failed last (cleared by a load that succeeds). */
  private failedFor?: string;

  private async load(key: string): Promise<void> {
    const settings = this.hooks.settings();
    if (!this.loader) {
      this.state = 'unavailable';
      this.error = 'This engine has no reranker.';
      throw new TroveError('MODEL_UNAVAILABLE', this.error);
    }
    await this.unload();
    this.state = 'loading';
    this.error = undefined;
    try {
      const reranker = await this.loader({
        modelId: settings.rerankerId,
        allowRemoteModels: settings.allowRemoteModels,
        localModelPath: settings.localModelPath,
        device: settings.device,
      });
      const calibration = await calibrateReranker(reranker, { budgetMs: CALIBRATION_BUDGET_MS });
      if (this.loadingFor !== key) {
        await reranker.dispose().catch(() => undefined);
        return;
      }
      this.reranker = reranker;
      this.latest = new LatestRerank(reranker);
      this.calibration = calibration;
      this.loadedFor = key;
      this.failedFor = undefined;
      this.state = 'ready';
    } catch (error) {
      if (this.loadingFor === key) {
        this.state = 'unavailable';
        this.error = toErrorInfo(error).message;
        this.failedFor = key;
      }
      throw error;
    }
  }

  /** Disposes the loaded cross-encoder (the engine is closing). */
  close(): Promise<void> {
    return this.unload();
  }

  private async unload(): Promise<void> {
    this.latest?.cancel();
    const old = this.reranker;
    this.reranker = undefined;
    this.latest = undefined;
    this.loadedFor = undefined;
    this.calibration = undefined;
    this.state = 'idle';
    await old?.dispose().catch(() => undefined);
  }
}

function loadKey(s: EngineSettings): string {
  return JSON.stringify([s.rerankerId, s.allowRemoteModels, s.localModelPath, s.device]);
}
