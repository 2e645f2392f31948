// The engine: the one API the worker exposes (and Node uses directly). Read this file first: the constructor builds
// the parts and wires them together; every method below hands one TroveApi call to the part that does it.
//
//   library/library-handle.ts      the open store and its lock state; LOCKED and "library deleted" answers
//   library/library-indexes.ts     in-memory indexes (catalogue.ts, vector-set.ts): load, reload, persist, stats
//   library/work-queue.ts          one write task at a time, each run by cross-tab-sync.ts under writer-lock.ts
//   library/cross-tab-sync.ts      catch-up from the change log, announcements to other tabs, library events
//   library/job-board.ts           ingest progress and its listeners
//   settings/settings-store.ts     the settings in force (stored vs session overrides), saving, another tab's change
//   settings/settings-effects.ts   what a settings change sets in motion
//   settings/device-choices.ts     WebGPU self-check verdicts and declined dtype changes, kept in the store
//   services/library-opening.ts    init: store, lock, settings; loading the library (start-up, unlock)
//   services/library-editing.ts    documents, passages, originals, tags, collections, deletes
//   services/ingest-pipeline.ts    parse → chunk → embed → store → index; resume, retry, vector back-fill
//   services/search.ts             keyword and vector retrieval, fusion, results
//   services/model-lifecycle.ts    loading the embedding model, its status and listeners
//   services/model-switch.ts       model and dtype switches, which vectors serve
//   services/model-cache-service.ts, custom-models.ts   the Models view: cached models, downloads, custom models
//   services/rerank-service.ts     cross-encoder reranking and "Copy as context"
//   services/evaluation-service.ts, model-comparison.ts   evaluation runs and measured model swaps
//   services/health.ts             the library health report and its fix
//   services/library-backup.ts     .trove export and import, storage status
//   services/library-map.ts        the 2-D embedding map
//   services/lock-and-forget.ts    lock, unlock, encryption, Forget everything
import type {
  CollectionSummary,
  ContextRequest,
  ContextResponse,
  DocumentContent,
  DocumentSummary,
  EngineSettings,
  FileInput,
  IngestProgress,
} from './api/index.ts';
import type {
  LibraryEvent,
  LibraryStats,
  LockState,
  ModelStatus,
  OriginalDocument,
  RerankerStatus,
  RerankRequest,
  RerankResponse,
} from './api/index.ts';
import type { SearchOptions, SearchResponse, TroveApi } from './api/index.ts';
import type {
  EvaluateRequest,
  EvaluationProgress,
  EvaluationRun,
  EvaluationSetInfo,
  ModelComparison,
  ModelComparisonProgress,
} from './api/index.ts';
import type {
  BackupProgress,
  ExportOptions,
  ImportOptions,
  ImportSummary,
  StorageStatus,
  HealthReport,
  LibraryMap,
  MapOptions,
} from './api/index.ts';
import type {
  CustomModelCheck,
  DownloadProgress,
  ModelInfo,
  ModelKind,
  ModelsOverview,
  PassagePage,
  RecordPreview,
} from './api/index.ts';
import type { EmbedderLoader } from './embed/embedder-backend.ts';
import { fileParsing, type FileParsingOptions } from './ingest/file-parsing.ts';
import { previewRecords } from './ingest/record-preview.ts';
import { chunkForIndex } from './ingest/structured-chunks.ts';
import { LibraryCatalogue } from './library/catalogue.ts';
import { broadcastLibraryChannel, type LibraryChannel } from './library/channel.ts';
import { CrossTabSync } from './library/cross-tab-sync.ts';
import { embedSpeed } from './library/embed-speed.ts';
import { JobBoard } from './library/job-board.ts';
import { LibraryHandle } from './library/library-handle.ts';
import { LibraryIndexes } from './library/library-indexes.ts';
import { WorkQueue } from './library/work-queue.ts';
import { writerLock, type WriterLock } from './library/writer-lock.ts';
import { reciprocalRankFusion } from './retrieve/fusion.ts';
import { CustomModels } from './services/custom-models.ts';
import { EvaluationService } from './services/evaluation-service.ts';
import { LibraryHealth } from './services/health.ts';
import { IngestPipeline, type ChunkFn, type ParseFn } from './services/ingest-pipeline.ts';
import { LibraryBackups, type StorageProbe } from './services/library-backup.ts';
import { LibraryEditing, type Transfer } from './services/library-editing.ts';
import { LibraryMapping } from './services/library-map.ts';
import { LibraryOpening, type Opened } from './services/library-opening.ts';
import { LockAndForget } from './services/lock-and-forget.ts';
import { ModelCacheService } from './services/model-cache-service.ts';
import { ModelComparisons } from './services/model-comparison.ts';
import { ModelLifecycle } from './services/model-lifecycle.ts';
import { ModelSwitch } from './services/model-switch.ts';
import { RerankService, type RerankerLoader } from './services/rerank-service.ts';
import { SearchService, type FuseFn } from './services/search.ts';
import { DeviceChoices } from './settings/device-choices.ts';
import { SettingsStore } from './settings/settings-store.ts';
import { DEFAULT_SETTINGS } from './settings/settings.ts';
import type { StaleListener, Store } from './store/store.ts';

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
  /** Moves an original file's bytes to the page instead of copying them (the worker's comlink transfer). */
  transfer?: Transfer;
}

export class TroveEngine implements TroveApi {
  private readonly library = new LibraryHandle();
  private readonly catalogue = new LibraryCatalogue({ k1: DEFAULT_SETTINGS.bm25K1, b: DEFAULT_SETTINGS.bm25B });
  private readonly jobs = new JobBoard();
  private readonly sync: CrossTabSync;
  private readonly indexes: LibraryIndexes;
  private readonly settings: SettingsStore;
  private readonly model: ModelLifecycle;
  private readonly modelSwitch: ModelSwitch;
  private readonly pipeline: IngestPipeline;
  private readonly searching: SearchService;
  private readonly editing: LibraryEditing;
  private readonly opening: LibraryOpening;
  private readonly locking: LockAndForget;
  private readonly reranking: RerankService;
  private readonly comparisons: ModelComparisons;
  private readonly healthChecks: LibraryHealth;
  private readonly evaluation: EvaluationService;
  private readonly backups: LibraryBackups;
  private readonly mapping: LibraryMapping;
  private readonly modelCache: ModelCacheService;
  private readonly customModels: CustomModels;

  constructor(deps: EngineDependencies) {
    const { library, catalogue } = this;
    const name = deps.libraryName ?? 'trove';
    const channel = deps.channel ?? broadcastLibraryChannel(`${name}:changes`);
    const store = () => library.content();
    const settings = () => this.settings.value;
    const serving = () => this.modelSwitch.serving();
    const queue = new WorkQueue((task) => this.sync.runAsWriter(task));
    this.sync = new CrossTabSync({
      library,
      catalogue,
      channel,
      queue,
      writer: deps.lock ?? writerLock(`${name}:writer`),
      reloadLibrary: () => this.indexes.reload(),
      reloadSettings: () => this.settings.refresh(),
      refreshModel: () => this.model.refresh(),
      lockHere: () => this.locking.lockHere(),
      snapshotDelayMs: deps.snapshotDelayMs,
    });
    const indexes = (this.indexes = new LibraryIndexes({ catalogue, store, settings }));
    const parsing = fileParsing(deps.parsing);
    this.settings = new SettingsStore(() => library.settingsStore(), {
      queue,
      rerankerChanged: () => this.reranking.settingsChanged(),
      stopOcr: () => parsing.stopOcr(),
      reloadLibrary: () => indexes.reload(),
      switchModel: () => this.modelSwitch.switchModel(),
      applyIndexPolicy: () => indexes.applyPolicy(),
    });
    const deviceChoices = new DeviceChoices({ openStore: () => library.store, store, queue });
    const loadEmbedder = deps.loadEmbedder;
    this.modelSwitch = new ModelSwitch({
      store,
      catalogue,
      indexes,
      model: () => this.model,
      queue,
      settings,
      loadEmbedder,
      backfill: () => this.pipeline.backfill(),
      locked: () => library.locked,
    });
    const model = (this.model = new ModelLifecycle(loadEmbedder, {
      settings,
      pendingVectors: () => catalogue.pendingVectors,
      previousModel: () => this.modelSwitch.previousModelId(),
      onLoaded: (embedder, current) => this.modelSwitch.modelLoaded(embedder, current),
      passages: () => catalogue.chunkCount,
      storedFingerprint: () => this.modelSwitch.storedFingerprint(),
      libraryPassages: () => catalogue.chunkCount,
      measureSpeed: (embedder) => embedSpeed(embedder, library.store, catalogue),
      deviceChecks: deviceChoices.deviceChecks,
      declinedChanges: deviceChoices.declinedChanges,
    }));
    this.pipeline = new IngestPipeline({
      store,
      catalogue,
      model,
      queue,
      settings,
      parse: deps.parse ?? ((...args) => parsing.parse(...args)),
      chunk: deps.chunk ?? chunkForIndex,
      vectorsChanged: () => indexes.vectorsChanged(),
      announce: (progress) => this.jobs.announce(progress),
    });
    const cancelDocument = (id: number) => this.pipeline.cancelDocument(id);
    this.searching = new SearchService({
      store,
      catalogue,
      model,
      settings,
      serving,
      fuse: deps.fuse ?? ((lists, current) => reciprocalRankFusion(lists, current.rrfK)),
    });
    this.editing = new LibraryEditing({
      store,
      catalogue,
      queue,
      model,
      vectorsChanged: () => indexes.vectorsChanged(),
      cancelDocument,
      transfer: deps.transfer,
    });
    this.opening = new LibraryOpening({
      library,
      indexes,
      model,
      openStore: deps.openStore,
      settings: this.settings,
      sync: this.sync,
      deviceChoices,
      startVectors: (opened) => this.modelSwitch.start(opened),
      resumeInterrupted: () => this.pipeline.resumeInterrupted(),
    });
    this.locking = new LockAndForget({
      library,
      catalogue,
      indexes,
      queue,
      channel,
      model,
      settings,
      cancelDocument,
      sync: this.sync,
      load: (opened) => this.opening.load(opened),
      forgetSwitch: () => this.modelSwitch.forget(),
      wipeStorage: deps.wipeStorage,
    });
    const answering = () => this.modelSwitch.answering();
    const search = (query: string, options: SearchOptions) => this.searching.search(query, options);
    this.reranking = new RerankService(deps.loadReranker, {
      settings,
      store,
      model,
      search,
      docs: () => catalogue.docs,
      embedder: answering,
    });
    this.comparisons = new ModelComparisons({ settings, current: answering, loadEmbedder });
    this.healthChecks = new LibraryHealth({
      store,
      catalogue,
      queue,
      serving,
      deleteDocument: (id) => this.editing.deleteDocument(id),
    });
    this.evaluation = new EvaluationService({
      search,
      serving,
      requireLibrary: store,
      rerank: (query, chunkIds) => this.reranking.rerank(query, chunkIds),
      ingest: (files, onProgress) => this.pipeline.ingest(files, onProgress),
      listCollections: () => this.editing.listCollections(),
      createCollection: (collection) => this.editing.createCollection(collection),
      documentNames: (collection) => catalogue.documentNames(collection),
      recordEvaluation: (fingerprint) => this.healthChecks.recordEvaluation(fingerprint),
      evaluated: (set) => this.comparisons.evaluated(set),
    });
    this.backups = new LibraryBackups({
      store,
      catalogue,
      queue,
      openStore: () => library.store,
      servingModel: () => this.modelSwitch.servingModel(),
      persistVectors: () => indexes.vectorsChanged(),
      reload: () => this.modelSwitch.reloadThenBackfill(),
      storage: deps.storage,
      appVersion: deps.appVersion,
    });
    this.mapping = new LibraryMapping({ store, catalogue, serving });
    this.modelCache = new ModelCacheService({ settings, customModels: () => this.settings.value.customModels });
    this.customModels = new CustomModels({
      settings,
      updateSettings: (patch) => this.settings.update(patch),
      localModelUrl: () => this.modelCache.localModelUrl(),
      removeCached: (id) => this.modelCache.remove('embedding', id),
    });
  }

  // Library (library-opening.ts, library-indexes.ts, cross-tab-sync.ts, library-editing.ts)
  init(overrides?: Partial<EngineSettings>, requested?: Partial<EngineSettings>): Promise<Opened> {
    return this.opening.init(overrides, requested);
  }
  async ping(): Promise<number> {
    return Date.now();
  }
  async stats(): Promise<LibraryStats> {
    return this.indexes.stats();
  }
  async onLibraryEvent(listener: (event: LibraryEvent) => void): Promise<void> {
    this.sync.onLibraryEvent(listener);
  }
  listDocuments(): Promise<DocumentSummary[]> {
    return this.editing.listDocuments();
  }
  getDocument(id: number): Promise<DocumentContent> {
    return this.editing.getDocument(id);
  }
  listPassages(documentId: number, offset: number, limit: number): Promise<PassagePage> {
    return this.editing.listPassages(documentId, offset, limit);
  }
  getOriginal(id: number): Promise<OriginalDocument | undefined> {
    return this.editing.getOriginal(id);
  }
  setTags(documentIds: number[], tags: string[], mode: 'add' | 'remove' | 'set'): Promise<void> {
    return this.editing.setTags(documentIds, tags, mode);
  }
  deleteDocument(id: number): Promise<void> {
    return this.editing.deleteDocument(id);
  }
  deleteDocuments(ids: number[]): Promise<void> {
    return this.editing.deleteDocuments(ids);
  }
  listCollections(): Promise<CollectionSummary[]> {
    return this.editing.listCollections();
  }
  createCollection(name: string): Promise<CollectionSummary> {
    return this.editing.createCollection(name);
  }
  renameCollection(id: string, name: string): Promise<void> {
    return this.editing.renameCollection(id, name);
  }
  deleteCollection(id: string): Promise<void> {
    return this.editing.deleteCollection(id);
  }

  // Ingest (ingest-pipeline.ts, job-board.ts)
  ingest(files: FileInput[], onProgress: (progress: IngestProgress) => void): Promise<IngestProgress[]> {
    return this.pipeline.ingest(files, onProgress);
  }
  retryDocument(id: number): Promise<IngestProgress> {
    return this.pipeline.retry(id);
  }
  async cancel(jobId: string): Promise<void> {
    this.pipeline.cancel(jobId);
  }
  async onJobProgress(listener: (progress: IngestProgress) => void): Promise<void> {
    this.jobs.listen(listener);
  }
  async previewRecords(data: ArrayBuffer, fileName: string): Promise<RecordPreview> {
    return previewRecords(new Uint8Array(data), fileName);
  }

  // Search (search.ts)
  search(query: string, options?: SearchOptions): Promise<SearchResponse> {
    return this.searching.search(query, options);
  }

  // Models (model-lifecycle.ts, model-switch.ts, model-cache-service.ts, custom-models.ts)
  async modelStatus(): Promise<ModelStatus> {
    return this.model.status;
  }
  async onModelStatus(listener: (status: ModelStatus) => void): Promise<void> {
    this.model.onStatus(listener);
  }
  loadModel(): Promise<ModelStatus> {
    return this.modelSwitch.loadModel();
  }
  confirmDtypeChange(accept: boolean): Promise<ModelStatus> {
    return this.modelSwitch.confirmDtypeChange(accept);
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
  addCustomModel(repo: string): Promise<{ check: CustomModelCheck; settings: EngineSettings }> {
    return this.customModels.add(repo);
  }
  removeCustomModel(id: string): Promise<EngineSettings> {
    return this.customModels.remove(id);
  }

  // Reranking and context (rerank-service.ts)
  async rerankerStatus(): Promise<RerankerStatus> {
    return this.reranking.status();
  }
  rerank(query: string, chunkIds: number[], options?: RerankRequest): Promise<RerankResponse | undefined> {
    return this.reranking.rerank(query, chunkIds, options);
  }
  assembleContext(request: ContextRequest): Promise<ContextResponse> {
    return this.reranking.assembleContext(request);
  }

  // Evaluation (evaluation-service.ts, model-comparison.ts)
  evaluate(request: EvaluateRequest, onProgress?: (progress: EvaluationProgress) => void): Promise<EvaluationRun> {
    return this.evaluation.run(request, onProgress);
  }
  async cancelEvaluation(): Promise<void> {
    this.evaluation.cancel();
  }
  evaluationSetInfo(): Promise<EvaluationSetInfo | undefined> {
    return this.comparisons.setInfo();
  }
  compareModels(
    patch: Partial<EngineSettings>,
    onProgress?: (progress: ModelComparisonProgress) => void,
  ): Promise<ModelComparison> {
    return this.comparisons.compare(patch, onProgress);
  }
  async cancelModelComparison(): Promise<void> {
    this.comparisons.cancel();
  }

  // Health (health.ts)
  health(): Promise<HealthReport> {
    return this.healthChecks.report();
  }
  fixHealth(fix: 'delete-duplicate-documents'): Promise<number[]> {
    return this.healthChecks.fix(fix);
  }

  // Backup and storage (library-backup.ts)
  exportLibrary(options?: ExportOptions, onProgress?: (progress: BackupProgress) => void): Promise<Blob> {
    return this.backups.exportLibrary(options, onProgress);
  }
  importLibrary(
    file: Blob,
    options?: ImportOptions,
    onProgress?: (progress: BackupProgress) => void,
  ): Promise<ImportSummary> {
    return this.backups.importLibrary(file, options, onProgress);
  }
  async cancelBackup(jobId: string): Promise<void> {
    this.backups.cancel(jobId);
  }
  storageStatus(): Promise<StorageStatus> {
    return this.backups.storageStatus();
  }

  // Embedding map (library-map.ts)
  projectMap(
    options?: MapOptions,
    onProgress?: (progress: { stage: string; fraction: number }) => void,
  ): Promise<LibraryMap> {
    return this.mapping.project(options, onProgress);
  }
  async cancelMap(): Promise<void> {
    this.mapping.cancel();
  }

  // Privacy: lock and Forget everything (lock-and-forget.ts)
  lockState(): Promise<LockState> {
    return this.locking.state();
  }
  unlock(passphrase: string): Promise<{ settings: EngineSettings; stats: LibraryStats }> {
    return this.locking.unlock(passphrase);
  }
  lock(): Promise<void> {
    return this.locking.lock();
  }
  enableEncryption(passphrase: string): Promise<void> {
    return this.locking.enableEncryption(passphrase);
  }
  changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    return this.locking.changePassphrase(oldPassphrase, newPassphrase);
  }
  forgetEverything(): Promise<string[]> {
    return this.locking.forgetEverything();
  }

  // Settings (settings-store.ts)
  async getSettings(): Promise<EngineSettings> {
    return this.settings.value;
  }
  updateSettings(patch: Partial<EngineSettings>): Promise<EngineSettings> {
    return this.settings.update(patch);
  }
}
