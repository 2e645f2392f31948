// The engine: the one API the worker exposes (and Node uses directly). Read this file first;
// every stage it calls lives in its own folder: ingest/, embed/, lexical/, index/, retrieve/, store/.
import type {
  DocumentSummary,
  EngineSettings,
  FileInput,
  IngestProgress,
  LibraryStats,
  ModelStatus,
  SearchOptions,
  SearchResponse,
  SearchResult,
  TroveApi,
} from './api.ts';
import { TroveError, isAbort, throwIfAborted, toErrorInfo } from './errors.ts';
import type { Embedder } from './embed/embedder.ts';
import { getModelSpec } from './embed/model-registry.ts';
import { estimateTokens } from './embed/token-estimate.ts';
import { VectorSet } from './index/vector-set.ts';
import { chunkDocument } from './ingest/chunker.ts';
import { parseFile } from './ingest/parsers/index.ts';
import { analyze, analyzeWithOffsets } from './lexical/analyzer.ts';
import { Bm25Index } from './lexical/bm25.ts';
import { reciprocalRankFusion, type FusedHit } from './retrieve/fusion.ts';
import { highlightRanges } from './retrieve/highlight.ts';
import { DEFAULT_SETTINGS, indexChanged, indexPolicy, mergeSettings, modelChanged } from './settings.ts';
import type { DocumentRecord, NewChunk, Store } from './store/store.ts';
import type { Hit, ParsedDocument, SearchMode } from './types.ts';

export interface EmbedderLoadOptions {
  modelId: string;
  allowRemoteModels: boolean;
  localModelPath: string;
  device: EngineSettings['device'];
  onProgress?: (fraction: number) => void;
}

export interface EngineDependencies {
  openStore: () => Promise<Store>;
  loadEmbedder: (options: EmbedderLoadOptions) => Promise<Embedder>;
}

/** Chunks embedded and written per transaction: large enough to batch well, small enough to cancel quickly. */
const BATCH_SIZE = 32;
/** Candidates taken from each retriever before fusion. */
const CANDIDATES = 100;
const SETTINGS_KEY = 'engine-settings';
/** Which model's vectors were last in use, so they load at start-up before the model itself has loaded. */
const VECTOR_SET_KEY = 'vector-set';

export class TroveEngine implements TroveApi {
  private readonly deps: EngineDependencies;
  private store: Store | null = null;
  private settings: EngineSettings = DEFAULT_SETTINGS;

  private lexical = new Bm25Index({ k1: DEFAULT_SETTINGS.bm25K1, b: DEFAULT_SETTINGS.bm25B });
  private vectors: VectorSet | null = null;
  private vectorsLoadedFromPages = false;
  private readonly docs = new Map<number, DocumentRecord>();
  private readonly chunkDoc = new Map<number, number>();
  private readonly docChunks = new Map<number, number[]>();

  private embedder: Embedder | null = null;
  private model: ModelStatus;
  private modelLoading: Promise<ModelStatus> | null = null;
  private embedderLoading: Promise<void> | null = null;
  /** Bumped whenever the model settings change, so a load that finishes late is discarded. */
  private modelGeneration = 0;
  private readonly modelListeners = new Set<(status: ModelStatus) => void>();

  /** Ingest jobs and vector backfills run one at a time, in order. */
  private work: Promise<unknown> = Promise.resolve();
  private readonly jobs = new Map<string, AbortController>();
  private readonly jobDoc = new Map<string, number>();

  constructor(deps: EngineDependencies) {
    this.deps = deps;
    this.model = this.modelStatusFor('idle');
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────

  async init(overrides: Partial<EngineSettings> = {}): Promise<{ settings: EngineSettings; stats: LibraryStats }> {
    if (!this.store) {
      this.store = await this.deps.openStore();
      const stored = (await this.store.getSetting<Partial<EngineSettings>>(SETTINGS_KEY)) ?? {};
      this.settings = mergeSettings(mergeSettings(DEFAULT_SETTINGS, safeSettings(stored)), overrides);
      await this.rebuildLexical();
      const last = await this.store.getSetting<{ fingerprint: string; dims: number }>(VECTOR_SET_KEY);
      if (last) await this.openVectors(last.fingerprint, last.dims);
      this.model = this.modelStatusFor('idle');
      void this.loadModel();
      void this.resumeInterrupted();
    }
    return { settings: this.settings, stats: await this.stats() };
  }

  async getSettings(): Promise<EngineSettings> {
    return this.settings;
  }

  async updateSettings(patch: Partial<EngineSettings>): Promise<EngineSettings> {
    const store = this.requireStore();
    const previous = this.settings;
    const next = mergeSettings(previous, patch);
    this.settings = next;
    await store.putSetting(SETTINGS_KEY, next);
    if (previous.bm25K1 !== next.bm25K1 || previous.bm25B !== next.bm25B) await this.rebuildLexical();
    if (indexChanged(previous, next) && !modelChanged(previous, next)) void this.enqueue(() => this.applyIndexPolicy());
    if (modelChanged(previous, next)) {
      void this.embedder?.dispose();
      this.embedder = null;
      this.modelLoading = null;
      this.embedderLoading = null;
      this.modelGeneration++;
      this.setModel(this.modelStatusFor('idle'));
      void this.loadModel();
    }
    return next;
  }

  async stats(): Promise<LibraryStats> {
    const stats: LibraryStats = { documents: this.docs.size, chunks: this.chunkDoc.size, vectors: this.vectors?.size ?? 0 };
    if (this.vectors) {
      stats.index = {
        kind: this.vectors.kind,
        quantization: this.vectors.quantization,
        bytesPerVector: this.vectors.bytesPerVector,
        loadedFromPages: this.vectorsLoadedFromPages,
      };
    }
    return stats;
  }

  /** Loads (or rebuilds) the vector index of a model's vectors and makes it the one searched. */
  private async openVectors(fingerprint: string, dims: number): Promise<void> {
    const store = this.requireStore();
    const { set, loadedFromPages } = await VectorSet.open(store, fingerprint, dims, indexPolicy(this.settings), (id) =>
      this.chunkDoc.has(id),
    );
    this.vectors = set;
    this.vectorsLoadedFromPages = loadedFromPages;
    await store.putSetting(VECTOR_SET_KEY, { fingerprint, dims });
  }

  /** Switches index kind or quantization when the settings or the collection's size call for it. */
  private async applyIndexPolicy(): Promise<void> {
    if (this.vectors && (await this.vectors.applyPolicy(indexPolicy(this.settings), (id) => this.chunkDoc.has(id)))) {
      this.vectorsLoadedFromPages = false;
    }
  }

  // ── the model ──────────────────────────────────────────────────────────────

  async modelStatus(): Promise<ModelStatus> {
    return this.model;
  }

  async onModelStatus(listener: (status: ModelStatus) => void): Promise<void> {
    this.modelListeners.add(listener);
    listener(this.model);
  }

  /** Loads the configured model (again, after a failure). Never throws: the status says what happened. */
  loadModel(): Promise<ModelStatus> {
    if (this.model.state === 'ready') return Promise.resolve(this.model);
    if (this.modelLoading) return this.modelLoading;
    const settings = this.settings;
    const generation = ++this.modelGeneration;
    const current = () => generation === this.modelGeneration;
    this.setModel({ ...this.modelStatusFor('loading'), progress: 0 });
    const embedderLoading = this.deps.loadEmbedder({
      modelId: settings.modelId,
      allowRemoteModels: settings.allowRemoteModels,
      localModelPath: settings.localModelPath,
      device: settings.device,
      onProgress: (progress) => {
        if (current()) this.setModel({ ...this.model, progress });
      },
    });
    // Queued work (ingest, resume) waits for the embedder only, never for the queued vector loading below.
    this.embedderLoading = embedderLoading.then(
      () => undefined,
      () => undefined,
    );
    const loading = (async (): Promise<ModelStatus> => {
      try {
        const embedder = await embedderLoading;
        if (!current()) {
          void embedder.dispose(); // settings changed while loading
          return this.model;
        }
        // From here ingest embeds with this model; its vectors reach the index below or via the stored batches.
        this.embedder = embedder;
        if (this.vectors?.fingerprint !== embedder.fingerprint) {
          // In the queue, so no ingest batch interleaves with reading the stored vectors.
          await this.enqueue(() => (current() ? this.openVectors(embedder.fingerprint, embedder.model.dims) : Promise.resolve()));
        }
        if (!current()) return this.model;
        this.setModel(this.modelStatusFor('ready'));
        void this.enqueue(() => this.backfillVectors());
      } catch (error) {
        if (current()) this.setModel({ ...this.modelStatusFor('unavailable'), error: toErrorInfo(error).message });
      } finally {
        if (current()) {
          this.modelLoading = null;
          this.embedderLoading = null;
        }
      }
      return this.model;
    })();
    this.modelLoading = loading;
    return loading;
  }


  private modelStatusFor(state: ModelStatus['state']): ModelStatus {
    const spec = getModelSpec(this.settings.modelId);
    const status: ModelStatus = {
      state,
      modelId: spec.id,
      source: this.settings.allowRemoteModels ? 'hub' : 'local',
      pendingVectors: this.pendingVectorCount(),
    };
    if (state === 'ready' && this.embedder) {
      status.device = this.embedder.device;
      status.dtype = this.embedder.dtype;
      status.dims = this.embedder.model.dims;
    }
    return status;
  }

  private setModel(status: ModelStatus): void {
    this.model = status;
    for (const listener of this.modelListeners) {
      try {
        listener(status);
      } catch {
        this.modelListeners.delete(listener); // a closed page's proxy
      }
    }
  }

  private pendingVectorCount(): number {
    const vectors = this.vectors;
    if (!vectors) return this.chunkDoc.size;
    let pending = 0;
    for (const id of this.chunkDoc.keys()) if (!vectors.has(id)) pending++;
    return pending;
  }

  // ── ingest ─────────────────────────────────────────────────────────────────

  async ingest(files: FileInput[], onProgress: (progress: IngestProgress) => void): Promise<IngestProgress[]> {
    this.requireStore();
    const report = (progress: IngestProgress) => {
      try {
        onProgress(progress);
      } catch {
        /* the page went away; the work goes on */
      }
    };
    const jobs = files.map((file) => {
      const controller = new AbortController();
      this.jobs.set(file.jobId, controller);
      report({ jobId: file.jobId, fileName: file.name, stage: 'queued', fraction: 0 });
      return this.enqueue(() => this.ingestFile(file, controller.signal, report));
    });
    return Promise.all(jobs);
  }

  async cancel(jobId: string): Promise<void> {
    this.jobs.get(jobId)?.abort();
  }

  private async ingestFile(
    file: FileInput,
    signal: AbortSignal,
    report: (progress: IngestProgress) => void,
  ): Promise<IngestProgress> {
    const base = { jobId: file.jobId, fileName: file.name };
    let docId: number | undefined;
    try {
      throwIfAborted(signal);
      report({ ...base, stage: 'parsing', fraction: 0.02 });
      const parsed = await parseFile(new Uint8Array(file.data), file.name, file.type, signal);
      // Wait for a model that is still loading, so chunks get their vectors in the same pass.
      if (this.embedderLoading) await this.embedderLoading;
      throwIfAborted(signal);
      const newDoc = {
        name: file.name,
        format: parsed.format,
        size: file.data.byteLength,
        addedAt: Date.now(),
        pageCount: parsed.pageCount,
        title: parsed.title,
        warnings: parsed.warnings,
      };
      docId = await this.requireStore().createDocument(newDoc, { text: parsed.text, blocks: parsed.blocks });
      this.jobDoc.set(file.jobId, docId);
      this.docs.set(docId, { ...newDoc, id: docId, status: 'ingesting', chunkCount: 0 });
      const chunkCount = await this.indexDocument(docId, parsed, signal, (done, total) =>
        report({
          ...base,
          documentId: docId,
          stage: this.embedder ? 'embedding' : 'indexing',
          fraction: 0.1 + 0.9 * (done / Math.max(1, total)),
          chunksDone: done,
          chunksTotal: total,
        }),
      );
      const note = this.embedder ? undefined : 'Keyword search only for now: vectors will be added when the model loads.';
      const done: IngestProgress = { ...base, documentId: docId, stage: 'done', fraction: 1, chunksDone: chunkCount, chunksTotal: chunkCount, note };
      report(done);
      return done;
    } catch (error) {
      if (docId !== undefined) await this.forgetDocument(docId).catch(() => undefined);
      const info = toErrorInfo(error);
      const final: IngestProgress = {
        ...base,
        stage: isAbort(error) ? 'cancelled' : 'failed',
        fraction: 1,
        error: isAbort(error) ? undefined : info,
      };
      report(final);
      return final;
    } finally {
      this.jobs.delete(file.jobId);
      this.jobDoc.delete(file.jobId);
    }
  }

  /** Chunks, embeds and stores a parsed document whose record exists; returns the chunk count. */
  private async indexDocument(
    docId: number,
    parsed: Pick<ParsedDocument, 'text' | 'blocks' | 'format'>,
    signal: AbortSignal | undefined,
    onBatch: (done: number, total: number) => void,
  ): Promise<number> {
    const store = this.requireStore();
    const embedder = this.embedder;
    const budget = this.chunkBudget(embedder);
    const drafts = chunkDocument(parsed as ParsedDocument, {
      maxTokens: budget,
      overlapTokens: Math.min(this.settings.chunkOverlapTokens, Math.floor(budget / 2)),
      countTokens: embedder ? (text) => embedder.countTokens(text) : estimateTokens,
    });
    onBatch(0, drafts.length);
    for (let from = 0; from < drafts.length; from += BATCH_SIZE) {
      throwIfAborted(signal);
      const batch: NewChunk[] = drafts.slice(from, from + BATCH_SIZE).map((draft) => ({
        ...draft,
        terms: analyze(draft.text),
      }));
      // The embedder may have been swapped by a settings change; only use vectors of the current one.
      const vectors = embedder ? await embedder.embedPassages(batch.map((c) => c.text), { signal }) : undefined;
      throwIfAborted(signal);
      const ids = await store.addChunks(
        docId,
        batch,
        vectors && embedder ? { fingerprint: embedder.fingerprint, dims: embedder.model.dims, vectors } : undefined,
      );
      ids.forEach((id, i) => this.addToMemory(docId, id, batch[i].terms));
      if (vectors && embedder && this.vectors?.fingerprint === embedder.fingerprint) {
        this.vectors.add(ids, vectors);
        await this.vectors.persist();
      }
      onBatch(Math.min(from + BATCH_SIZE, drafts.length), drafts.length);
    }
    await store.markReady(docId, drafts.length);
    const record = this.docs.get(docId);
    if (record) this.docs.set(docId, { ...record, status: 'ready', chunkCount: drafts.length });
    await this.applyIndexPolicy();
    this.setModel({ ...this.model, pendingVectors: this.pendingVectorCount() });
    return drafts.length;
  }

  /** Token budget per chunk: the setting, capped by what the model can read after its passage prefix. */
  private chunkBudget(embedder: Embedder | null): number {
    let modelLimit = embedder?.maxPassageTokens;
    if (modelLimit === undefined) {
      const spec = getModelSpec(this.settings.modelId);
      modelLimit = spec.maxTokens - 2 - (spec.passagePrefix ? estimateTokens(spec.passagePrefix) : 0); // [CLS], [SEP]
    }
    return Math.max(16, Math.min(this.settings.chunkTokens, modelLimit));
  }

  /** Documents left 'ingesting' by a closed tab: redo them from their stored text. */
  private async resumeInterrupted(): Promise<void> {
    const store = this.requireStore();
    for (const doc of [...this.docs.values()].filter((d) => d.status === 'ingesting')) {
      await this.enqueue(async () => {
        try {
          if (this.embedderLoading) await this.embedderLoading;
          const text = await store.getText(doc.id);
          this.removeFromMemory(doc.id);
          await store.clearChunks(doc.id);
          if (!text) throw new TroveError('NOT_FOUND', `The text of ${doc.name} was not stored.`);
          this.docs.set(doc.id, { ...doc, chunkCount: 0 });
          await this.indexDocument(doc.id, { ...text, format: doc.format }, undefined, () => undefined);
        } catch {
          await this.forgetDocument(doc.id).catch(() => undefined);
        }
      });
    }
  }

  /** Embeds chunks that were stored without vectors (model was unavailable, or changed). */
  private async backfillVectors(): Promise<void> {
    const store = this.requireStore();
    const embedder = this.embedder;
    const vectors = this.vectors;
    if (!embedder || vectors?.fingerprint !== embedder.fingerprint) return;
    for (const [docId, chunkIds] of this.docChunks) {
      const missing = chunkIds.filter((id) => !vectors.has(id));
      for (let from = 0; from < missing.length; from += BATCH_SIZE) {
        if (this.embedder !== embedder || !this.docs.has(docId)) return;
        const chunks = await store.getChunks(missing.slice(from, from + BATCH_SIZE));
        if (chunks.length === 0) continue;
        const data = await embedder.embedPassages(chunks.map((c) => c.text));
        const ids = Uint32Array.from(chunks.map((c) => c.id));
        await store.addVectors({ docId, fingerprint: embedder.fingerprint, dims: embedder.model.dims, chunkIds: ids, vectors: data });
        if (this.embedder !== embedder || !this.docs.has(docId)) return;
        vectors.add(ids, data);
        await vectors.persist();
        this.setModel({ ...this.model, pendingVectors: this.pendingVectorCount() });
      }
    }
    await this.applyIndexPolicy();
  }

  // ── search ─────────────────────────────────────────────────────────────────

  async search(query: string, options: SearchOptions = {}): Promise<SearchResponse> {
    const started = performance.now();
    const requestedMode: SearchMode = options.mode ?? 'hybrid';
    const k = clampInt(options.k ?? 10, 1, 1000);
    const terms = analyze(query);
    const filter = options.documentIds?.length ? this.documentFilter(options.documentIds) : undefined;
    const response = (mode: SearchMode, results: SearchResult[], notice?: string): SearchResponse => ({
      query,
      mode,
      requestedMode,
      results,
      tookMs: performance.now() - started,
      notice,
    });
    if (!query.trim()) return response(requestedMode, []);

    let mode = requestedMode;
    let notice: string | undefined;
    const embedder = this.embedder;
    const vectors = this.vectors;
    if (mode !== 'keyword' && (!embedder || vectors?.fingerprint !== embedder.fingerprint)) {
      mode = 'keyword';
      notice =
        this.model.state === 'loading' || this.model.state === 'idle'
          ? 'The semantic model is still loading: showing keyword results.'
          : 'The semantic model is not available: showing keyword results.';
    } else if (mode !== 'keyword' && this.model.pendingVectors > 0) {
      notice = `${this.model.pendingVectors} passages are still waiting for vectors and can only be found by keyword.`;
    }

    // Each retriever returns at least CANDIDATES (more when k asks for more), so fusion sees both lists' tails.
    const depth = Math.max(CANDIDATES, k);
    const keywordHits = mode === 'semantic' ? [] : this.lexical.search(terms, depth, filter);
    let queryVector: Float32Array | undefined;
    let vectorHits: Hit[] = [];
    if (mode !== 'keyword' && embedder && vectors) {
      queryVector = await embedder.embedQuery(query);
      vectorHits = vectors.search(queryVector, depth, filter);
    }

    const fused: FusedHit[] =
      mode === 'hybrid'
        ? reciprocalRankFusion([keywordHits, vectorHits], this.settings.rrfK)
        : (mode === 'keyword' ? keywordHits : vectorHits).map((hit, i) => ({
            id: hit.id,
            score: hit.score,
            sources: mode === 'keyword' ? [{ rank: i + 1, score: hit.score }, undefined] : [undefined, { rank: i + 1, score: hit.score }],
          }));
    const top = fused.slice(0, k);
    const chunks = new Map((await this.requireStore().getChunks(top.map((h) => h.id))).map((c) => [c.id, c]));
    const results: SearchResult[] = [];
    for (const hit of top) {
      const chunk = chunks.get(hit.id);
      const doc = chunk && this.docs.get(chunk.docId);
      if (!chunk || !doc) continue; // deleted meanwhile
      const [bm25, vector] = hit.sources;
      results.push({
        chunkId: chunk.id,
        documentId: doc.id,
        documentName: doc.name,
        format: doc.format,
        text: chunk.text,
        start: chunk.start,
        end: chunk.end,
        page: chunk.page,
        headingPath: chunk.headingPath,
        highlights: highlightRanges(terms, analyzeWithOffsets(chunk.text)),
        scores: {
          score: hit.score,
          bm25: bm25?.score,
          bm25Rank: bm25?.rank,
          cosine: vector?.score,
          vectorRank: vector?.rank,
        },
      });
    }
    return response(mode, results, notice);
  }

  private documentFilter(documentIds: number[]): (chunkId: number) => boolean {
    const wanted = new Set(documentIds);
    return (chunkId) => wanted.has(this.chunkDoc.get(chunkId) ?? -1);
  }

  // ── library ────────────────────────────────────────────────────────────────

  async listDocuments(): Promise<DocumentSummary[]> {
    return [...this.docs.values()]
      .sort((a, b) => b.addedAt - a.addedAt || b.id - a.id)
      .map((doc) => {
        const chunkIds = this.docChunks.get(doc.id) ?? [];
        const vectors = this.vectors;
        return {
          id: doc.id,
          name: doc.name,
          format: doc.format,
          size: doc.size,
          addedAt: doc.addedAt,
          chunkCount: doc.status === 'ready' ? doc.chunkCount : chunkIds.length,
          pageCount: doc.pageCount,
          status: doc.status,
          embedded: !!vectors && chunkIds.every((id) => vectors.has(id)),
          warnings: doc.warnings,
        };
      });
  }

  async deleteDocument(id: number): Promise<void> {
    if (!this.docs.has(id)) throw new TroveError('NOT_FOUND', `No document with id ${id}.`);
    for (const [jobId, docId] of this.jobDoc) if (docId === id) this.jobs.get(jobId)?.abort();
    // In the queue: vector changes are serialised, so persisted index pages always follow the stored vectors.
    await this.enqueue(() => (this.docs.has(id) ? this.forgetDocument(id) : Promise.resolve()));
  }

  /** Removes a document from storage first, then from memory, so a failed delete loses nothing. */
  private async forgetDocument(docId: number): Promise<void> {
    await this.requireStore().deleteDocument(docId);
    this.removeFromMemory(docId);
    this.docs.delete(docId);
    await this.vectors?.persist();
    this.setModel({ ...this.model, pendingVectors: this.pendingVectorCount() });
  }

  // ── in-memory indexes ──────────────────────────────────────────────────────

  private async rebuildLexical(): Promise<void> {
    const store = this.requireStore();
    this.lexical = new Bm25Index({ k1: this.settings.bm25K1, b: this.settings.bm25B });
    this.chunkDoc.clear();
    this.docChunks.clear();
    this.docs.clear();
    for (const doc of await store.listDocuments()) this.docs.set(doc.id, doc);
    for (const row of await store.allTerms()) {
      if (this.docs.has(row.docId)) this.addToMemory(row.docId, row.chunkId, row.terms);
    }
  }

  private addToMemory(docId: number, chunkId: number, terms: readonly string[]): void {
    this.lexical.add(chunkId, terms);
    this.chunkDoc.set(chunkId, docId);
    const list = this.docChunks.get(docId);
    if (list) list.push(chunkId);
    else this.docChunks.set(docId, [chunkId]);
  }

  private removeFromMemory(docId: number): void {
    const chunkIds = this.docChunks.get(docId) ?? [];
    for (const id of chunkIds) {
      this.lexical.remove(id);
      this.chunkDoc.delete(id);
    }
    this.vectors?.remove(chunkIds);
    this.docChunks.delete(docId);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.work.then(task, task);
    this.work = run.catch(() => undefined);
    return run;
  }

  private requireStore(): Store {
    if (!this.store) throw new TroveError('INVALID_ARGUMENT', 'The engine is not initialised: call init() first.');
    return this.store;
  }
}

function clampInt(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) throw new TroveError('INVALID_ARGUMENT', `k must be a number between ${min} and ${max}.`);
  return Math.min(max, Math.max(min, Math.floor(value)));
}

/** Drops stored settings that no longer validate (e.g. a model removed from the registry) instead of failing to start. */
function safeSettings(stored: Partial<EngineSettings>): Partial<EngineSettings> {
  const kept: Partial<EngineSettings> = {};
  for (const [key, value] of Object.entries(stored) as Array<[keyof EngineSettings, never]>) {
    try {
      mergeSettings(DEFAULT_SETTINGS, { [key]: value });
      kept[key] = value;
    } catch {
      /* ignore this one */
    }
  }
  return kept;
}
