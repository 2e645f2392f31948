// The engine: the one API the worker exposes (and Node uses directly). Read this file first: it wires the parts,
// each in its own file, and every method below is a few lines that hand the work to one of them.
//
//   library-catalogue.ts  documents, chunk maps, keyword index, vector set, pending-vector count (in memory)
//   model-lifecycle.ts    loading the embedding model, its status and listeners
//   ingest-pipeline.ts    parse → chunk → embed → store → index; resume, retry, vector back-fill
//   search.ts             retrieve, fuse, build results (retrieve/)
//   work-queue.ts         one write task at a time, each under the cross-tab writer lock (writer-lock.ts)
//   library-channel.ts    tells other tabs that the library changed; they catch up from the store's change log
//   vector-set.ts         the vector index of one model, persisted as pages
import type {
  CollectionSummary,
  ContextRequest,
  ContextResponse,
  RerankerStatus,
  RerankRequest,
  RerankResponse,
  DocumentContent,
  DocumentSummary,
  EngineSettings,
  FileInput,
  IngestProgress,
  LibraryEvent,
  LibraryStats,
  LockState,
  ModelStatus,
  OriginalDocument,
  SearchOptions,
  SearchResponse,
  TroveApi,
} from './api/index.ts';
import {
  DEFAULT_COLLECTION,
  DEFAULT_COLLECTION_RECORD,
  collectionIdFor,
  collectionOf,
  normalizeTags,
  validCollectionName,
  type CollectionRecord,
} from './library/collections.ts';
import type { Embedder } from './embed/embedder.ts';
import { TroveError } from './core/errors.ts';
import { IngestPipeline, type ChunkFn, type ParseFn } from './services/ingest-pipeline.ts';
import { JobBoard } from './library/job-board.ts';
import { listPassages, type PassagePage } from './library/passage-list.ts';
import { chunkForIndex } from './ingest/structured-chunks.ts';
import { fileParsing, type FileParsing, type FileParsingOptions } from './ingest/file-parsing.ts';
import { libraryLanguages } from './ingest/library-languages.ts';
import { previewRecords } from './ingest/record-preview.ts';
import type { RecordPreview } from './ingest/parsers/records.ts';
import { broadcastLibraryChannel, type LibraryChannel } from './library/channel.ts';
import { LEXICAL_SNAPSHOT, LibraryCatalogue } from './library/catalogue.ts';
import { buildLibraryMap, type LibraryMap, type MapOptions } from './services/library-map.ts';
import { LibraryLock, type SettingsRefusal } from './privacy/library-lock.ts';
import { consentedOverrides } from './settings/consent.ts';
import {
  LibraryBackups,
  type BackupProgress,
  type ExportOptions,
  type ImportOptions,
  type ImportSummary,
  type StorageProbe,
  type StorageStatus,
} from './services/library-backup.ts';
import { ModelLifecycle } from './services/model-lifecycle.ts';
import type { DeviceCheckMemory, DeviceCheckVerdict } from './embed/device-self-check.ts';
import { storedDtypeOf } from './models/dtype-choice.ts';
import { getModelSpec, type ModelDtype } from './models/model-registry.ts';
import { reciprocalRankFusion } from './retrieve/fusion.ts';
import { RerankService, type RerankerLoader } from './services/rerank-service.ts';
import { EvaluationService, type EvaluateRequest, type EvaluationProgress, type EvaluationRun, type EvaluationSet } from './services/evaluation-service.ts';
import { compareModels, comparisonDataset, evaluationSetInfo, type EvaluationSetInfo, type ModelComparison, type ModelComparisonProgress } from './services/model-comparison.ts';
import { EVALUATION_KEY, healthReport, wholeDuplicateDocuments, type HealthReport } from './services/health.ts';
import { search, type FuseFn } from './services/search.ts';
import { effectiveModelId, loadOptionsFor, loadWithBackend, type EmbedderLoader } from './embed/embedder-backend.ts';
import { DEFAULT_SETTINGS, indexChanged, mergeSettings, modelChanged } from './settings/settings.ts';
import { VectorSet, indexPolicy } from './library/vector-set.ts';
import type { StaleListener, Store } from './store/store.ts';
import { WorkQueue } from './library/work-queue.ts';
import { writerLock, type WriterLock } from './library/writer-lock.ts';
import { parseModelHost, setActiveModelHost } from './models/model-host.ts';
import { setCustomModels } from './models/model-registry.ts';
import { ModelCacheService, type ModelInfo, type ModelKind, type ModelsOverview } from './services/model-cache-service.ts';
import type { DownloadProgress } from './models/model-cache.ts';
import { checkCustomModel, type CustomModelCheck } from './models/custom-model.ts';
import { fetchRepoFacts } from './models/custom-model-fetch.ts';

export type { EmbedderLoadOptions } from './embed/embedder-backend.ts';

export interface EngineDependencies {
  openStore: (options: { onStale: StaleListener }) => Promise<Store>;
  loadEmbedder: EmbedderLoader;
  /** Swappable stages (tests, other formats); the defaults are the production ones. */
  parse?: ParseFn;
  chunk?: ChunkFn;
  fuse?: FuseFn;
  /** Cross-tab coordination; defaults: Web Locks (or an in-process lock) and a BroadcastChannel, per library name. */
  lock?: WriterLock;
  channel?: LibraryChannel;
  /** Names the lock and channel: engines on the same library must share it. */
  libraryName?: string;
  /** Quiet time after the last write before the keyword index snapshot is written (default 2 s). */
  snapshotDelayMs?: number;
  /** Loads the cross-encoder reranker (absent: reranking is unavailable). */
  loadReranker?: RerankerLoader;
  /**
   * Forget everything: deletes the library's databases once the engine has closed its store, and says what it
   * removed (the worker deletes every IndexedDB database of the origin). Keeps the engine free of browser APIs.
   */
  wipeStorage?: () => Promise<string[]>;
  /** The default parse step's OCR recognizer factory (called on first use) and PDF asset URLs. */
  parsing?: FileParsingOptions;
  /** The browser's storage estimate (navigator.storage in the worker); none: space is never checked. */
  storage?: StorageProbe;
  /** Written into exported .trove files. */
  appVersion?: string;
}

const SETTINGS_KEY = 'engine-settings';
/** Which model's vectors were last in use, so they load at start-up before the model itself has loaded. */
const VECTOR_SET_KEY = 'vector-set';
const COLLECTIONS_KEY = 'collections';
/** WebGPU numeric self-check verdicts by model, revision, dtype and adapter (── devices you can trust ──). */
const DEVICE_CHECKS_KEY = 'device-checks';
/** Dtype changes the user declined, so a restart does not ask again (── devices you can trust ──). */
const DTYPE_DECLINES_KEY = 'dtype-declines';

/** Which vectors answer searches (and which model made them), remembered so a restart loads them first. */
interface ServingVectors {
  fingerprint: string;
  dims: number;
  /** Absent in libraries from before model switching. */
  modelId?: string;
  device?: EngineSettings['device'];
}
/** Quiet time after the last write before the keyword index is persisted. */
const SNAPSHOT_DELAY_MS = 2_000;

export class TroveEngine implements TroveApi {
  private store: Store | null = null;
  private settingsValue: EngineSettings = DEFAULT_SETTINGS;
  private readonly catalogue = new LibraryCatalogue({ k1: DEFAULT_SETTINGS.bm25K1, b: DEFAULT_SETTINGS.bm25B });
  private readonly model: ModelLifecycle;
  private readonly queue: WorkQueue;
  private readonly pipeline: IngestPipeline;
  private readonly writer: WriterLock;
  private readonly channel: LibraryChannel;
  private readonly fuse: FuseFn;
  private readonly reranking: RerankService;
  private readonly evaluation: EvaluationService;
  private readonly parsing: FileParsing;
  private readonly backups: LibraryBackups;
  /** The library version this engine's memory reflects (see Store.changesSince). */
  private knownVersion = 0;
  /** Serialises catching up with this engine's own write tasks (a write task holds it from start to end). */
  private local: Promise<unknown> = Promise.resolve();
  private staleMessage: string | undefined;
  private readonly jobListeners = new Set<(progress: IngestProgress) => void>();
  private readonly libraryListeners = new Set<(event: LibraryEvent) => void>();
  private initializing: Promise<void> | null = null;
  /** During a model switch: the old model and its vectors, answering semantic searches until the new set is done. */
  private previous: { embedder: Embedder; set: VectorSet } | null = null;
  /** How the keyword index was loaded at start-up: from its snapshot, or rebuilt from every passage's terms. */
  private lexicalLoadedFrom: 'snapshot' | 'terms' = 'terms';
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  /** The stored settings as this engine last read or wrote them: a catch-up applies only another tab's change. */
  private storedSettings = '{}';
  /** The settings as stored (what updateSettings builds on): never the build's or the URL's session overrides. */
  private persisted: Partial<EngineSettings> = {};
  /** The build's settings (init's overrides), for reading another tab's settings the way init read ours. */
  private build: Partial<EngineSettings> = {};
  /** URL parameters refused at init because they would widen what the user allowed. */
  private refused: SettingsRefusal[] = [];
  /** Which store content goes through (plain, or encrypted once unlocked); null before init. */
  private libraryLock: LibraryLock | null = null;
  /** Set by forgetEverything: the library is deleted and this engine answers nothing more. */
  private forgotten: string | undefined;

  constructor(private readonly deps: EngineDependencies) {
    const name = deps.libraryName ?? 'trove';
    this.writer = deps.lock ?? writerLock(`${name}:writer`);
    this.channel = deps.channel ?? broadcastLibraryChannel(`${name}:changes`);
    this.fuse = deps.fuse ?? ((lists, settings) => reciprocalRankFusion(lists, settings.rrfK));
    this.queue = new WorkQueue((task) => this.runAsWriter(task));
    this.parsing = fileParsing(deps.parsing);
    this.model = new ModelLifecycle(deps.loadEmbedder, {
      settings: () => this.settingsValue,
      pendingVectors: () => this.catalogue.pendingVectors,
      previousModel: () => this.previous?.embedder.model.id,
      onLoaded: (embedder, current) => this.modelLoaded(embedder, current),
      // ── re-embed progress (issue 11c) ──
      passages: () => this.catalogue.chunkCount,
      // ── devices you can trust ──
      storedFingerprint: () => this.previous?.set.fingerprint ?? this.catalogue.vectors?.fingerprint ?? this.servedFingerprint,
      libraryPassages: () => this.catalogue.chunkCount,
      measureSpeed: (embedder) => this.measureEmbedSpeed(embedder),
      deviceChecks: this.deviceCheckMemory(),
      declinedChanges: {
        has: (key) => this.declinedDtypeChanges.has(key),
        add: (key) => {
          this.declinedDtypeChanges.add(key);
          const all = [...this.declinedDtypeChanges];
          void this.queue.enqueue(() => this.requireStore().putSetting(DTYPE_DECLINES_KEY, all)).catch(() => undefined);
        },
      },
    });
    this.pipeline = new IngestPipeline({
      store: () => this.requireStore(),
      catalogue: this.catalogue,
      model: this.model,
      queue: this.queue,
      settings: () => this.settingsValue,
      parse: deps.parse ?? ((data, name, type, signal, context) => this.parsing.parse(data, name, type, signal, context)),
      chunk: deps.chunk ?? ((doc, options, signal) => chunkForIndex(doc, options, signal)),
      vectorsChanged: () => this.vectorsChanged(),
      announce: (progress) => {
        this.jobBoard.record(progress); // ── ingest dashboard ──
        this.emit(this.jobListeners, progress);
      },
      collectionExists: async (id) => (await this.collections()).some((c) => c.id === id),
    });
    this.reranking = new RerankService(deps.loadReranker, {
      settings: () => this.settingsValue,
      store: () => this.requireStore(),
      docs: () => this.catalogue.docs,
      search: (query, options) => this.search(query, options),
      embedderSettled: () => ['ready', 'unavailable'].includes(this.model.status.state),
      tokenizer: () => {
        const embedder = this.serving()?.embedder ?? this.model.embedder;
        return embedder ? { id: embedder.model.id, countTokens: (text: string) => embedder.countTokens(text) } : undefined;
      },
    });
    this.evaluation = new EvaluationService({
      search: (query, options) => this.search(query, options),
      rerank: (query, chunkIds) => this.reranking.rerank(query, chunkIds),
      ingest: (files, onProgress) => this.ingest(files, onProgress),
      listCollections: () => this.listCollections(),
      createCollection: (name) => this.createCollection(name),
      documentNames: (collection) =>
        new Set([...this.catalogue.docs.values()].filter((d) => collectionOf(d) === collection).map((d) => d.name)),
      fingerprint: () => this.serving()?.set.fingerprint,
      recordEvaluation: (fingerprint) => this.queue.enqueue(() => this.requireStore().putSetting(EVALUATION_KEY, fingerprint)),
    });
    this.backups = new LibraryBackups({
      store: () => this.requireStore(),
      queue: this.queue,
      servingModel: () => this.servingModel(),
      collections: () => this.collections(),
      saveCollections: (records) => this.requireStore().putSetting(COLLECTIONS_KEY, records.filter((c) => c.id !== DEFAULT_COLLECTION)),
      persistVectors: () => this.vectorsChanged(),
      reload: () => this.reloadAfterImport(),
      storage: deps.storage,
      appVersion: deps.appVersion,
    });
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────

  async init(
    overrides: Partial<EngineSettings> = {},
    requested: Partial<EngineSettings> = {},
  ): Promise<{ settings: EngineSettings; stats: LibraryStats; lock: LockState; refused: SettingsRefusal[] }> {
    this.initializing ??= this.open(overrides, requested);
    await this.initializing;
    return { settings: this.settingsValue, stats: await this.stats(), lock: await this.lockState(), refused: this.refused };
  }

  private async open(overrides: Partial<EngineSettings>, requested: Partial<EngineSettings>): Promise<void> {
    const inner = await this.deps.openStore({ onStale: (reason) => this.becameStale(reason) });
    this.libraryLock = await LibraryLock.open(inner);
    const stored = (await inner.getSetting<Partial<EngineSettings>>(SETTINGS_KEY)) ?? {};
    this.storedSettings = JSON.stringify(stored);
    this.persisted = safeSettings(stored);
    // The build's choices fill what the user never chose (a model switch made in this build survives a reload);
    // where the deployment keeps its models always comes from the build. URL parameters apply only where they
    // narrow what is allowed (never persisted).
    const allowed = mergeSettings(mergeSettings(mergeSettings(DEFAULT_SETTINGS, overrides), this.persisted), deploymentSettings(overrides));
    const consent = consentedOverrides(allowed, requested);
    this.refused = consent.refused;
    this.settingsValue = mergeSettings(allowed, consent.overrides);
    this.build = overrides;
    // ── model host ── the build's (VITE_TROVE_MODEL_HOST): every model load of this worker fetches from it
    setActiveModelHost(this.settingsValue.modelHost);
    setCustomModels(this.settingsValue.customModels); // ── custom models ──
    this.channel.onAnnouncement(() => void this.catchUpNow());
    this.channel.onLocked?.(() => void this.lockHere().then((locked) => locked && this.emit(this.libraryListeners, { type: 'locked' })));
    // An encrypted library waits for its passphrase (unlock) before anything of its content is read.
    if (this.libraryLock.state === 'locked') return;
    await this.loadLibrary(inner);
  }

  /** Loads the library's indexes from `store` and starts the model (at start-up, or after unlock). */
  private async loadLibrary(store: Store): Promise<void> {
    this.store = store;
    // Read the version first: changes that land while we load are applied again by the next catch-up (idempotent).
    this.knownVersion = await store.libraryVersion();
    this.lexicalLoadedFrom = await this.catalogue.load(store, { k1: this.settingsValue.bm25K1, b: this.settingsValue.bm25B });
    // Keyword search works from here; the vectors load in the queue (they may need a rebuild, which writes pages).
    const last = await store.getSetting<ServingVectors>(VECTOR_SET_KEY);
    this.servedFingerprint = last?.fingerprint; // ── devices you can trust ──
    this.declinedDtypeChanges = new Set((await store.getSetting<string[]>(DTYPE_DECLINES_KEY)) ?? []);
    if (last && last.modelId && last.modelId !== effectiveModelId(this.settingsValue)) {
      // A model switch was interrupted (or made in another tab): the old vectors answer until the new ones are done.
      this.restoring = this.restorePrevious(last);
    } else if (last) {
      void this.queue.enqueue(() => this.openVectors(last.fingerprint, last.dims)).catch(() => undefined);
    }
    // Resume half-written documents once the model has settled (ready, or unavailable: then by keyword only). Queued
    // earlier, a long resume would hold the queue while the model's vectors wait to open behind it.
    void this.model.ensureLoaded().finally(() => void this.pipeline.resumeInterrupted().catch(() => undefined));
  }

  async getSettings(): Promise<EngineSettings> {
    return this.settingsValue;
  }

  async updateSettings(patch: Partial<EngineSettings>): Promise<EngineSettings> {
    const store = this.settingsStore();
    const previous = this.settingsValue;
    // ── model host ── a build setting: the page's CSP allows only the build's host, so it is not the user's to change
    if (patch.modelHost !== undefined && patch.modelHost !== previous.modelHost) {
      throw new TroveError('INVALID_ARGUMENT', 'modelHost is set when Trove is built (VITE_TROVE_MODEL_HOST), not in the settings.');
    }
    const next = mergeSettings(previous, patch);
    // Only the stored settings and this change are saved: session overrides (build, URL) never become permanent.
    const persisted = { ...this.persisted, ...withoutUndefined(patch) };
    mergeSettings(DEFAULT_SETTINGS, persisted); // the saved form must validate on its own too
    await store.putSetting(SETTINGS_KEY, persisted);
    this.persisted = persisted;
    this.storedSettings = JSON.stringify(persisted);
    this.settingsValue = next;
    this.applySettingsChange(previous, next);
    return next;
  }

  /** Reacts to new settings (ours, or another tab's): rebuilds what they change, in the work queue. */
  private applySettingsChange(previous: EngineSettings, next: EngineSettings): void {
    setCustomModels(next.customModels); // ── custom models ── before anything looks the model up
    void this.reranking.settingsChanged();
    if (next.ocrMode === 'never' && previous.ocrMode !== 'never') void this.parsing.stopOcr().catch(() => undefined);
    if (previous.bm25K1 !== next.bm25K1 || previous.bm25B !== next.bm25B) {
      void this.queue.enqueue(() => this.reloadLibrary()).catch(() => undefined);
    }
    if (modelChanged(previous, next)) {
      // Waits for the queue: an ingest in progress finishes with the model it started with. The old model and its
      // vectors keep answering semantic searches until the library is re-embedded with the new one.
      void this.queue
        .enqueue(async () => {
          const old = this.model.detach();
          const set = this.catalogue.vectors;
          if (old && set?.fingerprint === old.fingerprint && !this.previous) this.previous = { embedder: old, set };
          else await old?.dispose().catch(() => undefined);
        })
        .then(() => this.model.ensureLoaded())
        .catch(() => undefined);
    } else if (indexChanged(previous, next)) {
      void this.queue.enqueue(() => this.applyIndexPolicy()).catch(() => undefined);
    }
  }

  async stats(): Promise<LibraryStats> {
    const vectors = this.catalogue.vectors;
    const stats: LibraryStats = {
      documents: this.catalogue.docs.size,
      chunks: this.catalogue.chunkCount,
      vectors: vectors?.size ?? 0,
      keywordIndex: this.lexicalLoadedFrom,
      mostlyNonEnglish: libraryLanguages(this.catalogue.docs.values()).mostlyNonEnglish,
    };
    if (vectors) {
      stats.index = {
        kind: vectors.kind,
        quantization: vectors.quantization,
        bytesPerVector: vectors.bytesPerVector,
        loadedFromPages: this.vectorsLoadedFromPages,
      };
    }
    return stats;
  }

  async ping(): Promise<number> {
    return Date.now();
  }

  async onLibraryEvent(listener: (event: LibraryEvent) => void): Promise<void> {
    this.libraryListeners.add(listener);
    if (this.staleMessage) listener({ type: 'stale', message: this.staleMessage });
  }

  // ── the model ──────────────────────────────────────────────────────────────

  async modelStatus(): Promise<ModelStatus> {
    return this.model.status;
  }

  async onModelStatus(listener: (status: ModelStatus) => void): Promise<void> {
    this.model.onStatus(listener);
  }

  /** Loads the configured model (again, after a failure). Never throws: the status says what happened. */
  loadModel(): Promise<ModelStatus> {
    if (this.libraryLock?.state === 'locked') return Promise.resolve(this.model.status); // loads after unlock
    return this.model.ensureLoaded();
  }

  private async modelLoaded(embedder: Embedder, current: () => boolean): Promise<void> {
    await this.restoring; // a resumed switch: the old model answers before the new one starts re-embedding
    // In the queue, so no ingest batch interleaves with reading the stored vectors.
    await this.queue.enqueue(async () => {
      if (!current()) return;
      const previous = this.previous;
      if (previous && previous.set.fingerprint === embedder.fingerprint) {
        // Switched back before the re-embed finished: the old vectors are this model's own.
        this.previous = null;
        this.catalogue.useVectors(previous.set);
        await previous.embedder.dispose().catch(() => undefined);
        await this.rememberServing(embedder.fingerprint, embedder.model.dims);
      } else if (this.catalogue.vectors?.fingerprint !== embedder.fingerprint) {
        await this.openVectors(embedder.fingerprint, embedder.model.dims);
      }
    });
    if (current()) void this.queue.enqueue(() => this.backfillThenSwap()).catch(() => undefined);
  }

  /** Embeds what lacks vectors of the current model; when a model switch is in progress and done, swaps. */
  private async backfillThenSwap(): Promise<void> {
    await this.pipeline.backfill();
    const previous = this.previous;
    const embedder = this.model.embedder;
    const set = this.catalogue.vectors;
    if (!previous || !embedder || set?.fingerprint !== embedder.fingerprint || this.catalogue.pendingVectors > 0) return;
    // The new vectors are complete: from now on they answer, and the old ones go (unless the user keeps them).
    this.previous = null;
    await this.rememberServing(embedder.fingerprint, embedder.model.dims);
    await previous.embedder.dispose().catch(() => undefined);
    if (!this.settingsValue.keepPreviousVectors) await this.requireStore().deleteVectorSet(previous.set.fingerprint);
    this.model.refresh();
  }

  // ── resumed switch (issue 11c) ──
  /** A restart's restore of an unfinished switch; the new model waits for it, so the old vectors answer meanwhile. */
  private restoring: Promise<void> = Promise.resolve();

  /** Loads the model and vectors of an unfinished switch, to answer semantic searches until the new ones are done. */
  private async restorePrevious(last: ServingVectors): Promise<void> {
    try {
      const embedder = await loadWithBackend(
        {
          ...loadOptionsFor(last.modelId!, this.settingsValue, last.device ?? this.settingsValue.device),
          // The old vectors' own dtype, whatever this device would pick now (── devices you can trust ──).
          ...storedDtypeOption(last),
        },
        this.deps.loadEmbedder,
      );
      if (embedder.fingerprint !== last.fingerprint) {
        await embedder.dispose();
        return;
      }
      await this.queue.enqueue(async () => {
        const { set } = await VectorSet.open(this.requireStore(), last.fingerprint, last.dims, indexPolicy(this.settingsValue), this.catalogue.isLive);
        if (this.catalogue.vectors?.fingerprint === last.fingerprint || this.previous) {
          await embedder.dispose();
          return;
        }
        this.previous = { embedder, set };
        this.model.refresh();
        // The new model may have finished re-embedding before the old one was back: then swap now.
        void this.queue.enqueue(() => this.backfillThenSwap()).catch(() => undefined);
      });
    } catch {
      // The old model is not available (offline, not cached): keyword search, and the new vectors as they come.
    }
  }

  // ── devices you can trust ──

  /** Fingerprint of the vectors remembered as serving (read at start-up, updated as they change). */
  private servedFingerprint: string | undefined;
  /** Dtype changes the user declined ("model|from|to|setting"), kept in the store. */
  private declinedDtypeChanges = new Set<string>();

  /**
   * Answers a pending dtype change. Accepting re-embeds in the background like a model switch: the stored vectors
   * (and the model running with their dtype) answer until the new ones are complete, then swap.
   */
  async confirmDtypeChange(accept: boolean): Promise<ModelStatus> {
    const to = this.model.answerDtypeChange(accept);
    if (to === undefined) return this.model.status;
    await this.queue
      .enqueue(async () => {
        const old = this.model.detach();
        const set = this.catalogue.vectors;
        if (old && set?.fingerprint === old.fingerprint && !this.previous) this.previous = { embedder: old, set };
        else await old?.dispose().catch(() => undefined);
      })
      .catch(() => undefined);
    void this.model.ensureLoaded();
    return this.model.status;
  }

  /** Passages per second of `embedder` on up to 16 of the library's passages (the cost shown before a re-embed). */
  private async measureEmbedSpeed(embedder: Embedder): Promise<number | undefined> {
    const ids: number[] = [];
    for (const docId of this.catalogue.docs.keys()) {
      ids.push(...this.catalogue.chunksOf(docId).slice(0, 16 - ids.length));
      if (ids.length >= 16) break;
    }
    if (ids.length === 0 || !this.store) return undefined;
    const texts = (await this.store.getChunks(ids)).map((chunk) => chunk.text);
    if (texts.length === 0) return undefined;
    const started = performance.now();
    await embedder.embedPassages(texts);
    const seconds = (performance.now() - started) / 1000;
    return seconds > 0 ? texts.length / seconds : undefined;
  }

  /** WebGPU self-check verdicts, kept in one store setting (written through the work queue). */
  private deviceCheckMemory(): DeviceCheckMemory {
    const read = async () => (await this.store?.getSetting<Record<string, DeviceCheckVerdict>>(DEVICE_CHECKS_KEY)) ?? {};
    return {
      get: async (key) => (await read())[key],
      put: (key, verdict) =>
        this.queue.enqueue(async () => {
          const all = await read();
          await this.requireStore().putSetting(DEVICE_CHECKS_KEY, { ...all, [key]: verdict });
        }),
    };
  }

  // ── vectors ────────────────────────────────────────────────────────────────

  private vectorsLoadedFromPages = false;

  /** Loads (or rebuilds) the vector index of a model's vectors and makes it the one searched. Runs in the queue. */
  private async openVectors(fingerprint: string, dims: number): Promise<void> {
    const store = this.requireStore();
    if (this.catalogue.vectors?.fingerprint === fingerprint) return;
    const { set, loadedFromPages } = await VectorSet.open(store, fingerprint, dims, indexPolicy(this.settingsValue), this.catalogue.isLive);
    this.catalogue.useVectors(set);
    this.vectorsLoadedFromPages = loadedFromPages;
    // While a switch is in progress the old set stays the one remembered: a restart resumes the switch.
    if (!this.previous) await this.rememberServing(fingerprint, dims);
    this.model.refresh();
  }

  private async rememberServing(fingerprint: string, dims: number): Promise<void> {
    const record: ServingVectors = { fingerprint, dims, modelId: effectiveModelId(this.settingsValue), device: this.settingsValue.device };
    this.servedFingerprint = fingerprint; // ── devices you can trust ──
    await this.requireStore().putSetting(VECTOR_SET_KEY, record);
  }

  /** The model and vectors that answer semantic searches: the previous ones while a switch re-embeds. */
  private serving(): { embedder: Embedder; set: VectorSet; previous: boolean } | null {
    if (this.previous) return { ...this.previous, previous: true };
    const embedder = this.model.embedder;
    const set = this.catalogue.vectors;
    return embedder && set?.fingerprint === embedder.fingerprint ? { embedder, set, previous: false } : null;
  }

  /** Switches index kind or quantization when the settings or the collection's size call for it. */
  private async applyIndexPolicy(): Promise<void> {
    const vectors = this.catalogue.vectors;
    if (vectors && (await vectors.applyPolicy(indexPolicy(this.settingsValue), this.catalogue.isLive))) {
      this.vectorsLoadedFromPages = false;
    }
  }

  /**
   * After vectors changed: apply the index policy and persist the changed pages. Never throws: the stored vectors
   * are the truth, so a failed page write only drops the pages (the next start rebuilds from the vectors).
   */
  private async vectorsChanged(): Promise<void> {
    const vectors = this.catalogue.vectors;
    if (!vectors) return;
    try {
      await this.applyIndexPolicy();
      await vectors.persist();
    } catch {
      await vectors.discardPages().catch(() => undefined);
    }
  }

  // ── ingest ─────────────────────────────────────────────────────────────────

  async ingest(files: FileInput[], onProgress: (progress: IngestProgress) => void): Promise<IngestProgress[]> {
    this.requireStore();
    return this.pipeline.ingest(files, onProgress);
  }

  async retryDocument(id: number): Promise<IngestProgress> {
    this.requireStore();
    return this.pipeline.retry(id);
  }

  async cancel(jobId: string): Promise<void> {
    this.pipeline.cancel(jobId);
  }

  async onJobProgress(listener: (progress: IngestProgress) => void): Promise<void> {
    this.jobListeners.add(listener);
    // ── ingest dashboard ── a late subscriber (the page after a reload) sees the jobs already running at once.
    for (const progress of this.jobBoard.active()) {
      try {
        listener(progress);
      } catch {
        this.jobListeners.delete(listener);
      }
    }
  }

  // ── ingest dashboard ──
  private readonly jobBoard = new JobBoard();

  // ── search ─────────────────────────────────────────────────────────────────

  async search(query: string, options: SearchOptions = {}): Promise<SearchResponse> {
    this.requireStore(); // LOCKED while locked
    return search(
      {
        store: () => this.requireStore(),
        catalogue: this.catalogue,
        model: this.model,
        settings: () => this.settingsValue,
        fuse: this.fuse,
        serving: () => this.serving(),
      },
      query,
      options,
    );
  }

  // ── reranking and context (rerank-service.ts) ──────────────────────────────

  async rerankerStatus(): Promise<RerankerStatus> {
    return this.reranking.status();
  }

  rerank(query: string, chunkIds: number[], options?: RerankRequest): Promise<RerankResponse | undefined> {
    this.requireStore();
    return this.reranking.rerank(query, chunkIds, options);
  }

  assembleContext(request: ContextRequest): Promise<ContextResponse> {
    this.requireStore();
    return this.reranking.assembleContext(request);
  }

  // ── evaluation (evaluation-service.ts) ─────────────────────────────────────

  evaluate(request: EvaluateRequest, onProgress?: (progress: EvaluationProgress) => void): Promise<EvaluationRun> {
    this.requireStore();
    return this.evaluation.run(request, onProgress).then((run) => {
      this.lastEvaluationSet = request.set; // ── measured model swaps (issue 11c) ──
      return run;
    });
  }

  async cancelEvaluation(): Promise<void> {
    this.evaluation.cancel();
  }

  // ── measured model swaps (issue 11c, model-comparison.ts) ──
  /** The set of the last evaluation run in this session: a model change is measured on it before it is made. */
  private lastEvaluationSet: EvaluationSet | undefined;
  private comparison: AbortController | undefined;

  async evaluationSetInfo(): Promise<EvaluationSetInfo | undefined> {
    return this.lastEvaluationSet && evaluationSetInfo(this.lastEvaluationSet);
  }

  async compareModels(patch: Partial<EngineSettings>, onProgress?: (progress: ModelComparisonProgress) => void): Promise<ModelComparison> {
    const set = this.lastEvaluationSet;
    if (!set) throw new TroveError('NOT_FOUND', 'No evaluation set is loaded: run one in Evaluate first.');
    const dataset = comparisonDataset(set);
    const current = this.serving()?.embedder ?? this.model.embedder;
    if (!current) throw new TroveError('MODEL_UNAVAILABLE', 'The current model is not loaded, so there is nothing to compare with yet.');
    const next = mergeSettings(this.settingsValue, patch);
    this.comparison?.abort();
    const controller = new AbortController();
    this.comparison = controller;
    try {
      return await compareModels(dataset, current, () => loadWithBackend(loadOptionsFor(effectiveModelId(next), next), this.deps.loadEmbedder), {
        chunkTokens: this.settingsValue.chunkTokens,
        signal: controller.signal,
        onProgress,
      });
    } finally {
      if (this.comparison === controller) this.comparison = undefined;
    }
  }

  async cancelModelComparison(): Promise<void> {
    this.comparison?.abort();
  }

  // ── health (health.ts) ─────────────────────────────────────────────────────

  async health(): Promise<HealthReport> {
    const store = this.requireStore();
    return healthReport({
      store,
      docs: this.catalogue.docs,
      chunksOf: (id) => this.catalogue.chunksOf(id),
      serving: this.serving(),
      lastEvaluatedFingerprint: await store.getSetting<string>(EVALUATION_KEY),
    });
  }

  /** Applies a health report's one-click fix; returns the documents it deleted. */
  async fixHealth(fix: 'delete-duplicate-documents'): Promise<number[]> {
    if (fix !== 'delete-duplicate-documents') throw new TroveError('INVALID_ARGUMENT', `Unknown fix "${String(fix)}".`);
    const ids = await wholeDuplicateDocuments({ store: this.requireStore(), docs: this.catalogue.docs, chunksOf: (id) => this.catalogue.chunksOf(id) });
    for (const id of ids) await this.deleteDocument(id);
    return ids;
  }

  // ── library ────────────────────────────────────────────────────────────────

  async listDocuments(): Promise<DocumentSummary[]> {
    this.requireStore(); // LOCKED while locked
    const { catalogue } = this;
    return [...catalogue.docs.values()]
      .sort((a, b) => b.addedAt - a.addedAt || b.id - a.id)
      .map((doc) => ({
        id: doc.id,
        name: doc.name,
        format: doc.format,
        size: doc.size,
        addedAt: doc.addedAt,
        chunkCount: doc.status === 'ready' ? doc.chunkCount : catalogue.chunksOf(doc.id).length,
        pageCount: doc.pageCount,
        status: doc.status,
        embedded: doc.status === 'ready' && catalogue.isEmbedded(doc.id),
        warnings: doc.warnings,
        error: doc.error,
        attempts: doc.attempts,
        collection: collectionOf(doc),
        tags: doc.tags ?? [],
        title: doc.title,
        sha256: doc.sha256,
        modifiedAt: doc.modifiedAt,
        language: doc.language,
        folder: doc.folder,
        redactions: doc.redactions,
      }));
  }

  async getDocument(id: number): Promise<DocumentContent> {
    this.requireStore(); // LOCKED while locked
    const doc = this.catalogue.docs.get(id);
    const text = doc && (await this.requireStore().getText(id));
    if (!doc || !text) throw new TroveError('NOT_FOUND', `No document with id ${id}.`);
    const hasOriginal = (await this.requireStore().originalIds()).includes(id); // keys only
    return { id, name: doc.name, format: doc.format, title: doc.title, text: text.text, blocks: text.blocks, pageCount: doc.pageCount, hasOriginal };
  }

  async setTags(documentIds: number[], tags: string[], mode: 'add' | 'remove' | 'set'): Promise<void> {
    const given = normalizeTags(tags);
    if (!['add', 'remove', 'set'].includes(mode)) throw new TroveError('INVALID_ARGUMENT', `mode must be add, remove or set, got "${mode}".`);
    for (const id of documentIds) if (!this.catalogue.docs.has(id)) throw new TroveError('NOT_FOUND', `No document with id ${id}.`);
    await this.queue.enqueue(async () => {
      for (const id of documentIds) {
        const doc = this.catalogue.docs.get(id);
        if (!doc) continue;
        const current = doc.tags ?? [];
        const next =
          mode === 'set' ? given : mode === 'add' ? normalizeTags([...current, ...given]) : current.filter((t) => !given.includes(t));
        await this.requireStore().updateDocument(id, { tags: next });
        this.catalogue.docs.set(id, { ...doc, tags: next });
      }
    });
  }

  // ── collections ────────────────────────────────────────────────────────────

  async listCollections(): Promise<CollectionSummary[]> {
    const counts = this.catalogue.collectionCounts();
    return (await this.collections()).map((c) => ({ ...c, ...(counts.get(c.id) ?? { documents: 0, passages: 0 }) }));
  }

  async createCollection(name: string): Promise<CollectionSummary> {
    const clean = validCollectionName(name);
    return this.queue.enqueue(async () => {
      const all = await this.collections();
      if (all.some((c) => c.name.toLowerCase() === clean.toLowerCase())) {
        throw new TroveError('INVALID_ARGUMENT', `There is already a collection called “${clean}”.`);
      }
      const record: CollectionRecord = { id: collectionIdFor(clean, new Set(all.map((c) => c.id))), name: clean, createdAt: Date.now() };
      await this.requireStore().putSetting(COLLECTIONS_KEY, [...all.filter((c) => c.id !== DEFAULT_COLLECTION), record]);
      return { ...record, documents: 0, passages: 0 };
    });
  }

  async renameCollection(id: string, name: string): Promise<void> {
    const clean = validCollectionName(name);
    await this.queue.enqueue(async () => {
      const all = await this.collections();
      if (!all.some((c) => c.id === id)) throw new TroveError('NOT_FOUND', `No collection “${id}”.`);
      if (all.some((c) => c.id !== id && c.name.toLowerCase() === clean.toLowerCase())) {
        throw new TroveError('INVALID_ARGUMENT', `There is already a collection called “${clean}”.`);
      }
      await this.requireStore().putSetting(COLLECTIONS_KEY, all.map((c) => (c.id === id ? { ...c, name: clean } : c)));
    });
  }

  async deleteCollection(id: string): Promise<void> {
    const all = await this.collections();
    if (!all.some((c) => c.id === id)) throw new TroveError('NOT_FOUND', `No collection “${id}”.`);
    const docs = [...this.catalogue.docs.values()].filter((d) => collectionOf(d) === id);
    for (const doc of docs) this.pipeline.cancelDocument(doc.id);
    await this.queue.enqueue(async () => {
      const store = this.requireStore();
      for (const doc of docs) {
        if (!this.catalogue.docs.has(doc.id)) continue;
        await store.deleteDocument(doc.id);
        this.catalogue.forget(doc.id);
      }
      if (id !== DEFAULT_COLLECTION) {
        await store.putSetting(COLLECTIONS_KEY, (await this.collections()).filter((c) => c.id !== id && c.id !== DEFAULT_COLLECTION));
      }
      this.model.refresh();
      await this.vectorsChanged();
    });
  }

  /** Every collection, the default one first (it always exists). */
  private async collections(): Promise<CollectionRecord[]> {
    const stored = (await this.requireStore().getSetting<CollectionRecord[]>(COLLECTIONS_KEY)) ?? [];
    return [DEFAULT_COLLECTION_RECORD, ...stored.filter((c) => c.id !== DEFAULT_COLLECTION)];
  }

  async deleteDocument(id: number): Promise<void> {
    if (!this.catalogue.docs.has(id)) throw new TroveError('NOT_FOUND', `No document with id ${id}.`);
    this.pipeline.cancelDocument(id);
    // In the queue: vector changes are serialised, so persisted index pages always follow the stored vectors.
    await this.queue.enqueue(async () => {
      if (!this.catalogue.docs.has(id)) return;
      await this.requireStore().deleteDocument(id);
      this.catalogue.forget(id);
      this.model.refresh();
      await this.vectorsChanged();
    });
  }

  // ── formats and languages ──────────────────────────────────────────────────

  async previewRecords(data: ArrayBuffer, fileName: string): Promise<RecordPreview> {
    return previewRecords(new Uint8Array(data), fileName);
  }

  // ── embedding map ──────────────────────────────────────────────────────────

  private mapAbort: AbortController | null = null;

  /** Projects the library's passages to 2-D (a newer call, or cancelMap, cancels an unfinished one). */
  async projectMap(options: MapOptions = {}, onProgress?: (progress: { stage: string; fraction: number }) => void): Promise<LibraryMap> {
    this.mapAbort?.abort();
    const controller = new AbortController();
    this.mapAbort = controller;
    const serving = this.serving();
    if (!serving) throw new TroveError('MODEL_UNAVAILABLE', 'The map needs the semantic model and its vectors: they are not loaded yet.');
    try {
      return await buildLibraryMap(this.requireStore(), this.catalogue, serving.set, options, controller.signal, (p) => {
        try {
          onProgress?.(p);
        } catch {
          /* the page went away */
        }
      });
    } finally {
      if (this.mapAbort === controller) this.mapAbort = null;
    }
  }

  async cancelMap(): Promise<void> {
    this.mapAbort?.abort();
  }

  // ── backup and storage ─────────────────────────────────────────────────────

  /** The library (or one collection) as a .trove file (a Blob crosses comlink; the page downloads it). */
  exportLibrary(options: ExportOptions = {}, onProgress?: (progress: BackupProgress) => void): Promise<Blob> {
    this.requireStore();
    return this.backups.exportLibrary(options, onProgress);
  }

  /** Imports a .trove file: verified first; a refused, corrupt or cancelled file leaves the library untouched. */
  importLibrary(file: Blob, options: ImportOptions = {}, onProgress?: (progress: BackupProgress) => void): Promise<ImportSummary> {
    this.requireStore();
    return this.backups.importLibrary(file, options, onProgress);
  }

  async cancelBackup(jobId: string): Promise<void> {
    this.backups.cancel(jobId);
  }

  async storageStatus(): Promise<StorageStatus> {
    const status = await this.backups.storageStatus();
    // ── original files (issue 13) ── their share of the usage: the kept documents' sizes (keys only, no bytes read).
    const ids = await this.store?.originalIds().catch(() => undefined); // undefined while locked
    if (!ids) return status;
    const originalsBytes = ids.reduce((sum, id) => sum + (this.catalogue.docs.get(id)?.size ?? 0), 0);
    return { ...status, originals: ids.length, originalsBytes };
  }

  // ── original files (issue 13) ──
  /** A document's original file (bytes as added), when keepOriginals kept it; undefined otherwise. */
  async getOriginal(id: number): Promise<OriginalDocument | undefined> {
    const original = await this.requireStore().getOriginal(id);
    return original && { name: original.name, type: original.type, bytes: original.bytes };
  }

  // ── models view ──
  private modelCacheService?: ModelCacheService;
  private get modelCache(): ModelCacheService {
    this.modelCacheService ??= new ModelCacheService({ settings: () => this.settingsValue, customModels: () => this.settingsValue.customModels });
    return this.modelCacheService;
  }

  modelsOverview(): Promise<ModelsOverview> {
    return this.modelCache.overview();
  }

  downloadModel(kind: ModelKind, id: string, onProgress?: (progress: DownloadProgress) => void): Promise<ModelInfo> {
    return this.modelCache.download(kind, id, onProgress);
  }

  async cancelModelDownload(kind: ModelKind, id: string): Promise<void> {
    this.modelCache.cancel(kind, id);
  }

  deleteCachedModel(kind: ModelKind, id: string): Promise<number> {
    return this.modelCache.remove(kind, id);
  }

  // ── custom models ──
  async addCustomModel(repo: string): Promise<{ check: CustomModelCheck; settings: EngineSettings }> {
    const settings = this.settingsValue;
    const host = parseModelHost(settings.modelHost);
    if (host.kind === 'remote' && !settings.allowRemoteModels) {
      throw new TroveError('INVALID_ARGUMENT', `Model downloads are off (Settings): Trove reads nothing from ${new URL(host.url).host} until you allow it.`);
    }
    const facts = await fetchRepoFacts(repo.trim(), { host, localModelUrl: this.modelCache.localModelUrl() }, (url, init) => fetch(url, init));
    const check = checkCustomModel(facts);
    if (!check.ok || !check.spec) return { check, settings };
    const customModels = [...settings.customModels.filter((m) => m.id !== check.spec!.id), check.spec];
    return { check, settings: await this.updateSettings({ customModels }) };
  }

  async removeCustomModel(id: string): Promise<EngineSettings> {
    if (this.settingsValue.modelId === id) {
      throw new TroveError('INVALID_ARGUMENT', 'This model is in use: choose another embedding model first, then remove it.');
    }
    await this.modelCache.remove('embedding', id).catch(() => 0);
    return this.updateSettings({ customModels: this.settingsValue.customModels.filter((m) => m.id !== id) });
  }

  /** The model whose vectors answer searches (an export's vectors, and what an import must match). */
  private servingModel(): { id?: string; fingerprint: string; dims: number } | null {
    const serving = this.serving();
    if (serving) return { id: serving.embedder.model.id, fingerprint: serving.set.fingerprint, dims: serving.set.dims };
    const set = this.catalogue.vectors;
    if (set) return { id: effectiveModelId(this.settingsValue), fingerprint: set.fingerprint, dims: set.dims };
    const embedder = this.model.embedder;
    return embedder ? { id: embedder.model.id, fingerprint: embedder.fingerprint, dims: embedder.model.dims } : null;
  }

  /** After an import wrote to the store (in the queue): read the library again, then embed what lacks vectors. */
  private async reloadAfterImport(): Promise<void> {
    await this.reloadLibrary();
    this.model.refresh();
    await this.vectorsChanged();
    if (this.catalogue.pendingVectors > 0) void this.queue.enqueue(() => this.backfillThenSwap()).catch(() => undefined);
  }

  // ── several tabs ───────────────────────────────────────────────────────────

  /** Runs a write task as the library's only writer: other tabs wait; this one first catches up with them. */
  private runAsWriter<T>(task: () => Promise<T>): Promise<T> {
    return this.writer.run(() =>
      this.exclusively(async () => {
        if (this.staleMessage) throw new TroveError('LIBRARY_STALE', this.staleMessage);
        await this.catchUp();
        try {
          return await task();
        } finally {
          await this.published();
        }
      }),
    );
  }

  /** Runs `body` with no write task or other catch-up of this engine running. */
  private exclusively<T>(body: () => Promise<T>): Promise<T> {
    const run = this.local.then(body, body);
    this.local = run.catch(() => undefined);
    return run;
  }

  /** Another tab announced a write: catch up now, unless a write task of ours is running (it caught up first). */
  private catchUpNow(): Promise<void> {
    return this.exclusively(() => this.catchUp()).catch(() => undefined);
  }

  /** Applies the writes other tabs made since our version: per changed document, or in full when the log has a gap. */
  private async catchUp(): Promise<void> {
    const store = this.store;
    if (!store || this.staleMessage) return;
    const changes = await store.changesSince(this.knownVersion);
    if (changes.version === this.knownVersion) return;
    if ('gap' in changes) {
      await this.reloadLibrary();
    } else {
      if (changes.settings) await this.reloadSettings();
      for (const docId of changes.docIds) await this.catalogue.syncDocument(store, docId);
    }
    this.knownVersion = changes.version;
    this.model.refresh();
    this.emit(this.libraryListeners, { type: 'changed' });
  }

  /** After a write task: record the version it produced and tell the other tabs. */
  private async published(): Promise<void> {
    const store = this.store;
    if (!store || this.staleMessage) return;
    try {
      const version = await store.libraryVersion();
      if (version === this.knownVersion) return;
      this.knownVersion = version;
      this.channel.announce(version);
      this.scheduleSnapshot();
    } catch {
      /* the store is gone; becameStale says so */
    }
  }

  /**
   * Persists the keyword index once writes pause (not after each document: a large library's snapshot is
   * megabytes, and a folder of many small files would rewrite it for each).
   */
  private scheduleSnapshot(): void {
    clearTimeout(this.snapshotTimer);
    this.snapshotTimer = setTimeout(() => {
      if (this.queue.size > 0) return this.scheduleSnapshot(); // still busy: wait for the next pause
      void this.queue
        .enqueue(() => this.catalogue.saveSnapshot(this.requireStore(), this.knownVersion))
        .catch(() => undefined); // only a cost: the next start reads the terms instead
    }, this.deps.snapshotDelayMs ?? SNAPSHOT_DELAY_MS);
    (this.snapshotTimer as { unref?: () => void }).unref?.();
  }

  private async reloadSettings(): Promise<void> {
    const stored = (await this.settingsStore().getSetting<Partial<EngineSettings>>(SETTINGS_KEY)) ?? {};
    const json = JSON.stringify(stored);
    if (json === this.storedSettings) return; // our own write, or another key changed
    this.storedSettings = json;
    this.persisted = safeSettings(stored);
    // Another tab saved settings: the user's explicit choice there wins over this page's start-up overrides.
    const previous = this.settingsValue;
    // The build's choices fill what the user never chose (another tab saves only what its user changed), and
    // where this deployment keeps its models is not a choice another tab can make: it stays.
    const withBuild = mergeSettings(mergeSettings(DEFAULT_SETTINGS, this.build), safeSettings(stored));
    const next = mergeSettings(withBuild, deploymentSettings(this.build));
    if (JSON.stringify(next) === JSON.stringify(previous)) return;
    this.settingsValue = next;
    this.applySettingsChange(previous, next);
  }

  /** Reads the whole library again (BM25 parameters changed, or this tab fell too far behind). */
  private async reloadLibrary(): Promise<void> {
    const store = this.requireStore();
    const vectors = this.catalogue.vectors;
    this.lexicalLoadedFrom = await this.catalogue.load(store, { k1: this.settingsValue.bm25K1, b: this.settingsValue.bm25B });
    if (vectors) {
      const { set, loadedFromPages } = await VectorSet.open(store, vectors.fingerprint, vectors.dims, indexPolicy(this.settingsValue), this.catalogue.isLive);
      this.catalogue.useVectors(set);
      this.vectorsLoadedFromPages = loadedFromPages;
    }
  }

  private becameStale(reason: 'upgrade' | 'terminated'): void {
    this.staleMessage =
      reason === 'upgrade'
        ? 'Trove was updated in another tab: reload this page to keep working.'
        : 'The browser closed the library database: reload this page to keep working.';
    this.emit(this.libraryListeners, { type: 'stale', message: this.staleMessage });
  }

  private emit<T>(listeners: Set<(value: T) => void>, value: T): void {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch {
        listeners.delete(listener); // a closed page's proxy
      }
    }
  }

  private requireStore(): Store {
    if (this.forgotten) throw new TroveError('LIBRARY_STALE', this.forgotten);
    if (this.libraryLock?.state === 'locked') throw new TroveError('LOCKED');
    if (!this.store) throw new TroveError('INVALID_ARGUMENT', 'The engine is not initialised: call init() first.');
    return this.store;
  }

  /** Settings are readable while locked (they are preferences, stored plain). */
  private settingsStore(): Store {
    if (!this.libraryLock) throw new TroveError('INVALID_ARGUMENT', 'The engine is not initialised: call init() first.');
    return this.libraryLock.settings();
  }

  // ── privacy: library lock and forget everything (logic in library-lock.ts) ──

  async lockState(): Promise<LockState> {
    return this.libraryLock?.state ?? 'plain';
  }

  async unlock(passphrase: string): Promise<{ settings: EngineSettings; stats: LibraryStats }> {
    if (!this.libraryLock) throw new TroveError('INVALID_ARGUMENT', 'The engine is not initialised: call init() first.');
    if (this.libraryLock.state === 'locked') await this.loadLibrary(await this.libraryLock.unlock(passphrase));
    return { settings: this.settingsValue, stats: await this.stats() };
  }

  async lock(): Promise<void> {
    const libraryLock = this.libraryLock;
    if (libraryLock?.state !== 'unlocked') {
      if (libraryLock?.state === 'locked') return;
      throw new TroveError('INVALID_ARGUMENT', 'This library is not encrypted: turn the lock on first (Settings → Privacy).');
    }
    await this.lockHere();
    this.channel.announceLocked?.();
  }

  /** Locks this engine (from this tab or another's announcement); false when it was not unlocked. */
  private async lockHere(): Promise<boolean> {
    const libraryLock = this.libraryLock;
    if (libraryLock?.state !== 'unlocked') return false;
    // In the queue, so no write is half-done when the key goes; then nothing of the library stays in memory.
    await this.queue.enqueue(async () => {
      libraryLock.lock();
      this.forgetInMemory();
    });
    await this.model.detach()?.dispose().catch(() => undefined); // with it, the cache of recent query vectors
    return true;
  }

  async enableEncryption(passphrase: string): Promise<void> {
    const libraryLock = this.libraryLock;
    if (!libraryLock) throw new TroveError('INVALID_ARGUMENT', 'The engine is not initialised: call init() first.');
    await this.queue.enqueue(async () => {
      const plain = this.requireStore();
      const documents = (await plain.listDocuments()).length;
      // Indexes of an emptied library (plain bytes) would not open through the encrypted store: start them afresh.
      if (documents === 0) {
        await plain.deleteIndex(LEXICAL_SNAPSHOT);
        const vectors = this.catalogue.vectors;
        if (vectors) await plain.deleteIndex(vectors.fingerprint);
      }
      this.store = await libraryLock.enable(passphrase, documents);
      await this.reloadLibrary();
    });
  }

  async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    if (!this.libraryLock) throw new TroveError('INVALID_ARGUMENT', 'The engine is not initialised: call init() first.');
    await this.libraryLock.changePassphrase(oldPassphrase, newPassphrase);
  }

  async forgetEverything(): Promise<string[]> {
    for (const doc of this.catalogue.docs.values()) this.pipeline.cancelDocument(doc.id);
    // Let the running task end, then close: the databases cannot be deleted while this engine holds them open.
    await this.queue.enqueue(async () => undefined).catch(() => undefined);
    clearTimeout(this.snapshotTimer);
    this.forgetInMemory();
    await this.model.detach()?.dispose().catch(() => undefined);
    this.libraryLock?.close();
    this.forgotten = 'The library was deleted (Forget everything): reload the page to start afresh.';
    this.staleMessage = this.forgotten; // no more writes or catch-ups
    return (await this.deps.wipeStorage?.()) ?? [];
  }

  // ── library view ──

  async listPassages(documentId: number, offset: number, limit: number): Promise<PassagePage> {
    return listPassages(this.requireStore(), this.catalogue, documentId, offset, limit);
  }

  async deleteDocuments(ids: number[]): Promise<void> {
    for (const id of ids) if (!this.catalogue.docs.has(id)) throw new TroveError('NOT_FOUND', `No document with id ${id}.`);
    for (const id of ids) this.pipeline.cancelDocument(id);
    await this.queue.enqueue(async () => {
      const store = this.requireStore();
      for (const id of ids) {
        if (!this.catalogue.docs.has(id)) continue;
        await store.deleteDocument(id);
        this.catalogue.forget(id);
      }
      this.model.refresh();
      await this.vectorsChanged();
    });
  }

  /** Drops every in-memory index and the model switch in progress (lock, forget). */
  private forgetInMemory(): void {
    clearTimeout(this.snapshotTimer);
    this.store = null;
    this.catalogue.clear();
    const previous = this.previous;
    this.previous = null;
    void previous?.embedder.dispose().catch(() => undefined);
    this.vectorsLoadedFromPages = false;
  }
}

function withoutUndefined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * Drops stored settings that no longer validate (e.g. a model removed from the registry) instead of failing to
 * start. Keys are checked together, not one by one: chunkTokens 32 is only valid with an overlap of at most 16.
 */
/** The dtype option that loads a model with the dtype its stored vectors were made with (── devices you can trust ──). */
function storedDtypeOption(last: ServingVectors): { dtype?: ModelDtype } {
  try {
    const dtype = last.modelId ? storedDtypeOf(last.fingerprint, getModelSpec(last.modelId)) : undefined;
    return dtype ? { dtype } : {};
  } catch {
    return {}; // a model no longer in the registry: its loader says so
  }
}

function safeSettings(stored: Partial<EngineSettings>): Partial<EngineSettings> {
  try {
    mergeSettings(DEFAULT_SETTINGS, stored);
    return stored;
  } catch {
    // Keep every key that validates with those kept so far; repeat while that admits more.
  }
  const kept: Partial<EngineSettings> = {};
  let merged = DEFAULT_SETTINGS;
  let remaining = Object.entries(stored) as Array<[keyof EngineSettings, never]>;
  for (let progress = true; progress && remaining.length > 0; ) {
    progress = false;
    const rejected: typeof remaining = [];
    for (const [key, value] of remaining) {
      try {
        merged = mergeSettings(merged, { [key]: value });
        kept[key] = value;
        progress = true;
      } catch {
        rejected.push([key, value]);
      }
    }
    remaining = rejected;
  }
  return kept;
}

/** The parts of the build's settings that describe the deployment rather than a user's choice. */
function deploymentSettings(build: Partial<EngineSettings>): Partial<EngineSettings> {
  const kept: Partial<EngineSettings> = {};
  if (build.localModelPath !== undefined) kept.localModelPath = build.localModelPath;
  if (build.modelHost !== undefined) kept.modelHost = build.modelHost;
  return kept;
}
