// The engine: the one API the worker exposes (and Node uses directly). Read this file first: the constructor builds
// the parts and wires them together; every method below hands one TroveApi call to the part that does it.
// What each part holds: README.md beside this file; what the engine needs from its host: engine-dependencies.ts.
import type { SearchOptions, TroveApi } from './api/index.ts';
import type { EngineDependencies } from './engine-dependencies.ts';
import { fileParsing } from './ingest/file-parsing.ts';
import { previewRecords } from './ingest/record-preview.ts';
import { withPictureDocuments } from './ingest/pictures/picture-documents.ts';
import { chunkForIndex } from './ingest/structured-chunks.ts';
import { LibraryCatalogue } from './library/catalogue.ts';
import { broadcastLibraryChannel } from './library/channel.ts';
import { CrossTabSync } from './library/cross-tab-sync.ts';
import { embedSpeed } from './library/embed-speed.ts';
import { JobBoard } from './library/job-board.ts';
import { LibraryHandle } from './library/library-handle.ts';
import { LibraryIndexes } from './library/library-indexes.ts';
import { WorkQueue } from './library/work-queue.ts';
import { waitForDocumentList } from './library/document-list-gate.ts';
import { writerLock } from './library/writer-lock.ts';
import { reciprocalRankFusion } from './retrieve/fusion.ts';
import { CustomModels } from './services/custom-models.ts';
import { EvaluationService } from './services/evaluation-service.ts';
import { FolderRecords } from './services/folder-records.ts';
import { FolderSync } from './services/folder-sync.ts';
import { LibraryHealth } from './services/health.ts';
import { IngestPipeline } from './services/ingest-pipeline.ts';
import { LibraryBackups } from './services/library-backup.ts';
import { LibraryEditing } from './services/library-editing.ts';
import { LibraryMapping } from './services/library-map.ts';
import { LibraryOpening } from './services/library-opening.ts';
import { LockAndForget } from './services/lock-and-forget.ts';
import { ModelCacheService } from './services/model-cache-service.ts';
import { ModelComparisons } from './services/model-comparison.ts';
import { ModelLifecycle } from './services/model-lifecycle.ts';
import { ModelSwitch } from './services/model-switch.ts';
import { PictureService } from './services/pictures.ts';
import { RerankService } from './services/rerank-service.ts';
import { SavedThreads } from './services/saved-threads.ts';
import { SearchService, type FuseFn } from './services/search.ts';
import { StructuredFieldsService } from './services/structured-fields.ts';
import { DeviceChoices } from './settings/device-choices.ts';
import { SettingsStore } from './settings/settings-store.ts';
import { DEFAULT_SETTINGS } from './settings/settings.ts';

export type { EmbedderLoadOptions } from './embed/embedder-backend.ts';
export type { EngineDependencies } from './engine-dependencies.ts';

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
  private readonly structuredFields: StructuredFieldsService;
  private readonly folders: FolderSync;
  private readonly folderRecords: FolderRecords;
  private readonly pictures: PictureService;
  private readonly savedThreads: SavedThreads;
  private readonly ingestAll: TroveApi['ingest'];

  // The wiring reads as a table, several short dependencies to a line; each object is still type-checked.
  // prettier-ignore
  constructor(deps: EngineDependencies) {
    const { library, catalogue } = this;
    const name = deps.libraryName ?? 'trove';
    const channel = deps.channel ?? broadcastLibraryChannel(`${name}:changes`);
    const store = () => library.content();
    const settings = () => this.settings.value;
    const serving = () => this.modelSwitch.serving();
    const answering = () => this.modelSwitch.answering();
    const queue = new WorkQueue((task) => this.sync.runAsWriter(task));
    const writer = deps.lock ?? writerLock(`${name}:writer`);
    const indexes = (this.indexes = new LibraryIndexes({ catalogue, store, settings }));
    const vectorsChanged = () => indexes.vectorsChanged();
    const parsing = fileParsing(deps.parsing);
    this.sync = new CrossTabSync({
      library, catalogue, channel, queue, writer, snapshotDelayMs: deps.snapshotDelayMs,
      reloadLibrary: () => indexes.reload(), reloadSettings: () => this.settings.refresh(),
      refreshModel: () => this.model.refresh(), lockHere: () => this.locking.lockHere(),
    });
    this.settings = new SettingsStore(() => library.settingsStore(), {
      queue, stopOcr: () => parsing.stopOcr(),
      rerankerChanged: async () => void (await Promise.all([this.reranking.settingsChanged(), this.pictures.settingsChanged()])),
      reloadLibrary: () => indexes.reload(), applyIndexPolicy: () => indexes.applyPolicy(),
      switchModel: () => this.modelSwitch.switchModel(),
    }, () => library.locked);
    const deviceChoices = new DeviceChoices({ openStore: () => library.store, store, queue });
    const { loadEmbedder } = deps;
    this.modelSwitch = new ModelSwitch({
      store, catalogue, indexes, queue, settings, loadEmbedder, locked: () => library.locked,
      model: () => this.model, backfill: () => this.pipeline.backfill(),
    });
    const model = (this.model = new ModelLifecycle(loadEmbedder, {
      settings, previousModel: () => this.modelSwitch.previousModelId(),
      onLoaded: (embedder, current) => this.modelSwitch.modelLoaded(embedder, current),
      storedFingerprint: () => this.modelSwitch.storedFingerprint(), pendingVectors: () => catalogue.pendingVectors,
      passages: () => catalogue.chunkCount, libraryPassages: () => catalogue.chunkCount,
      measureSpeed: (embedder) => embedSpeed(embedder, library.store, catalogue),
      deviceChecks: deviceChoices.deviceChecks, declinedChanges: deviceChoices.declinedChanges,
      deviceSpeeds: deviceChoices.deviceSpeeds,
      onRuntimeBroken: (message) => this.sync.announceToPage({ type: 'runtime-broken', message }),
    }));
    this.pipeline = new IngestPipeline({
      store, catalogue, model, queue, settings, vectorsChanged, chunk: deps.chunk ?? chunkForIndex,
      parse: withPictureDocuments(deps.parse ?? ((...args) => parsing.parse(...args)), () => settings().imageSearch),
      announce: (p) => this.jobs.announce(p),
    });
    const cancelDocument = (id: number) => this.pipeline.cancelDocument(id);
    // Ingest, then the picture documents it added embedded by the image model (while image search is on).
    const ingest = (this.ingestAll = async (...args: Parameters<IngestPipeline['ingest']>) =>
      this.pictures.afterIngest(args[0], await this.pipeline.ingest(...args)));
    this.structuredFields = new StructuredFieldsService({ store, catalogue, ingest });
    const fuse: FuseFn = deps.fuse ?? ((lists, current) => reciprocalRankFusion(lists, current.rrfK));
    this.searching = new SearchService({ store, catalogue, model, settings, serving, fuse });
    const search = (query: string, options: SearchOptions) => this.searching.search(query, options);
    this.pictures = new PictureService(deps.loadImageModel, {
      store, settings, docs: () => catalogue.docs, queue, search, removeCached: (t) => this.modelCache.removeFiles(t),
      parse: deps.parse ?? ((...args) => parsing.parse(...args)),
    });
    const { transfer } = deps;
    this.editing = new LibraryEditing({ store, catalogue, queue, model, vectorsChanged, cancelDocument, transfer });
    this.opening = new LibraryOpening({
      library, indexes, model, openStore: deps.openStore, settings: this.settings, sync: this.sync, deviceChoices,
      startVectors: (opened) => this.modelSwitch.start(opened), resumeInterrupted: () => this.pipeline.resumeInterrupted(),
    });
    this.locking = new LockAndForget({
      library, catalogue, indexes, queue, channel, model, settings, cancelDocument, sync: this.sync,
      load: (opened) => this.opening.load(opened), forgetSwitch: () => this.modelSwitch.forget(),
      wipeStorage: deps.wipeStorage, unloadReranker: () => this.reranking.close(),
      settingsUnlocked: () => this.settings.unlocked(), settingsLocked: () => this.settings.lockedNow(),
    });
    const docs = () => catalogue.docs;
    this.reranking = new RerankService(deps.loadReranker, { settings, store, model, search, docs, embedder: answering });
    this.comparisons = new ModelComparisons({ settings, current: answering, loadEmbedder });
    const deleteDocument = (id: number) => this.editing.deleteDocument(id);
    this.healthChecks = new LibraryHealth({ store, catalogue, queue, serving, deleteDocument });
    this.evaluation = new EvaluationService({
      search, serving, requireLibrary: store, ingest: (files, onProgress) => this.pipeline.ingest(files, onProgress),
      rerank: (query, chunkIds) => this.reranking.rerank(query, chunkIds), evaluated: (set) => this.comparisons.evaluated(set),
      listCollections: () => this.editing.listCollections(), createCollection: (c) => this.editing.createCollection(c),
      documentNames: (c) => catalogue.documentNames(c), recordEvaluation: (f) => this.healthChecks.recordEvaluation(f),
    });
    this.backups = new LibraryBackups({
      store, catalogue, queue, openStore: () => library.store, servingModel: () => this.modelSwitch.servingModel(),
      persistVectors: vectorsChanged, reload: () => this.modelSwitch.reloadThenBackfill(),
      storage: deps.storage, appVersion: deps.appVersion, encrypted: () => library.lockState !== 'plain',
    });
    this.folders = new FolderSync({
      store, catalogue, queue, model, settings, vectorsChanged, cancel: (jobId) => this.pipeline.cancel(jobId),
      // A scan's files are reported in the folder's row, not on the page's job list.
      ingest: (f, p) => ingest(f, p, { announce: false }),
      deleteDocuments: (ids) => this.editing.deleteDocuments(ids),
    });
    this.folderRecords = new FolderRecords(library);
    this.savedThreads = new SavedThreads({ store });
    this.mapping = new LibraryMapping({ store, catalogue, serving });
    this.modelCache = new ModelCacheService({ settings, customModels: () => this.settings.value.customModels });
    this.customModels = new CustomModels({
      settings, updateSettings: (patch) => this.settings.update(patch),
      localModelUrl: () => this.modelCache.localModelUrl(), removeCached: (id) => this.modelCache.remove('embedding', id),
    });
    waitForDocumentList(this, catalogue);
  }

  // Each TroveApi call, typed by the contract, handed on in one line; calls that only register or cancel answer
  // once done (`void`). Own properties, not prototype methods: comlink calls them the same way.

  // Library (library-opening.ts, library-indexes.ts, cross-tab-sync.ts, library-editing.ts)
  readonly init: TroveApi['init'] = (overrides, requested) => this.opening.init(overrides, requested);
  readonly ping: TroveApi['ping'] = async () => Date.now();
  readonly stats: TroveApi['stats'] = async () => this.indexes.stats();
  readonly onLibraryEvent: TroveApi['onLibraryEvent'] = async (listener) => void this.sync.onLibraryEvent(listener);
  readonly listDocuments: TroveApi['listDocuments'] = () => this.editing.listDocuments();
  readonly getDocument: TroveApi['getDocument'] = (id) => this.editing.getDocument(id);
  readonly listPassages: TroveApi['listPassages'] = (...args) => this.editing.listPassages(...args);
  readonly getOriginal: TroveApi['getOriginal'] = (id) => this.editing.getOriginal(id);
  readonly setTags: TroveApi['setTags'] = (documentIds, tags, mode) => this.editing.setTags(documentIds, tags, mode);
  readonly deleteDocument: TroveApi['deleteDocument'] = (id) => this.editing.deleteDocument(id);
  readonly deleteDocuments: TroveApi['deleteDocuments'] = (ids) => this.editing.deleteDocuments(ids);
  readonly listCollections: TroveApi['listCollections'] = () => this.editing.listCollections();
  readonly createCollection: TroveApi['createCollection'] = (name) => this.editing.createCollection(name);
  readonly renameCollection: TroveApi['renameCollection'] = (id, name) => this.editing.renameCollection(id, name);
  readonly deleteCollection: TroveApi['deleteCollection'] = (id) => this.editing.deleteCollection(id);

  // Ingest (ingest-pipeline.ts, job-board.ts)
  readonly ingest: TroveApi['ingest'] = (files, onProgress) => this.ingestAll(files, onProgress);
  readonly retryDocument: TroveApi['retryDocument'] = (id) => this.pipeline.retry(id);
  readonly cancel: TroveApi['cancel'] = async (jobId) => void this.pipeline.cancel(jobId);
  readonly onJobProgress: TroveApi['onJobProgress'] = async (listener) => void this.jobs.listen(listener);
  readonly previewRecords: TroveApi['previewRecords'] = async (data, name) =>
    previewRecords(new Uint8Array(data), name);
  readonly getStructuredFields: TroveApi['getStructuredFields'] = (id) => this.structuredFields.get(id);
  readonly setStructuredFields: TroveApi['setStructuredFields'] = (id, fields) => this.structuredFields.set(id, fields);

  // Live folders (folder-sync.ts)
  readonly syncFolder: TroveApi['syncFolder'] = (source, options, onProgress) =>
    this.folders.sync(source, onProgress ? { ...options, onProgress } : options);
  readonly stopFolderSync: TroveApi['stopFolderSync'] = async (scanId) => this.folders.stop(scanId);
  readonly sealFolderRecord: TroveApi['sealFolderRecord'] = (id, record) => this.folderRecords.seal(id, record);
  readonly openFolderRecord: TroveApi['openFolderRecord'] = (id, sealed) => this.folderRecords.open(id, sealed);

  // Search (search.ts)
  readonly search: TroveApi['search'] = async (query, options = {}) =>
    this.pictures.withPictures(query, options, await this.searching.search(query, options));

  // Pictures (pictures.ts)
  readonly imageModelStatus: TroveApi['imageModelStatus'] = () => this.pictures.status();
  readonly onImageModelStatus: TroveApi['onImageModelStatus'] = async (listener) => this.pictures.onStatus(listener);
  readonly loadImageModel: TroveApi['loadImageModel'] = () => this.pictures.load();
  readonly cancelImageModel: TroveApi['cancelImageModel'] = async () => this.pictures.cancel();
  readonly deleteImageModel: TroveApi['deleteImageModel'] = () => this.pictures.deleteModel();
  readonly getPicture: TroveApi['getPicture'] = (id, n) => this.pictures.getPicture(id, n);
  readonly searchByImage: TroveApi['searchByImage'] = (...args) => this.pictures.searchByImage(...args);

  // Models (model-lifecycle.ts, model-switch.ts, model-cache-service.ts, custom-models.ts)
  readonly modelStatus: TroveApi['modelStatus'] = async () => this.model.status;
  readonly onModelStatus: TroveApi['onModelStatus'] = async (listener) => void this.model.onStatus(listener);
  readonly loadModel: TroveApi['loadModel'] = () => this.modelSwitch.loadModel();
  readonly confirmDtypeChange: TroveApi['confirmDtypeChange'] = (accept) => this.modelSwitch.confirmDtypeChange(accept);
  readonly modelsOverview: TroveApi['modelsOverview'] = () => this.modelCache.overview();
  readonly downloadModel: TroveApi['downloadModel'] = (...args) => this.modelCache.download(...args);
  readonly cancelModelDownload: TroveApi['cancelModelDownload'] = async (...args) =>
    void this.modelCache.cancel(...args);
  readonly deleteCachedModel: TroveApi['deleteCachedModel'] = (kind, id) => this.modelCache.remove(kind, id);
  readonly addCustomModel: TroveApi['addCustomModel'] = (repo) => this.customModels.add(repo);
  readonly removeCustomModel: TroveApi['removeCustomModel'] = (id) => this.customModels.remove(id);

  // Reranking and context (rerank-service.ts)
  readonly rerankerStatus: TroveApi['rerankerStatus'] = async () => this.reranking.status();
  readonly rerank: TroveApi['rerank'] = (query, chunkIds, options) => this.reranking.rerank(query, chunkIds, options);
  readonly assembleContext: TroveApi['assembleContext'] = (request) => this.reranking.assembleContext(request);

  // Evaluation (evaluation-service.ts, model-comparison.ts)
  readonly evaluate: TroveApi['evaluate'] = (request, onProgress) => this.evaluation.run(request, onProgress);
  readonly cancelEvaluation: TroveApi['cancelEvaluation'] = async () => void this.evaluation.cancel();
  readonly evaluationSetInfo: TroveApi['evaluationSetInfo'] = () => this.comparisons.setInfo();
  readonly compareModels: TroveApi['compareModels'] = (...args) => this.comparisons.compare(...args);
  readonly cancelModelComparison: TroveApi['cancelModelComparison'] = async () => void this.comparisons.cancel();

  // Health (health.ts)
  readonly health: TroveApi['health'] = () => this.healthChecks.report();
  readonly fixHealth: TroveApi['fixHealth'] = (fix) => this.healthChecks.fix(fix);

  // Backup and storage (library-backup.ts)
  readonly exportLibrary: TroveApi['exportLibrary'] = (...args) => this.backups.exportLibrary(...args);
  readonly importLibrary: TroveApi['importLibrary'] = (...args) => this.backups.importLibrary(...args);
  readonly cancelBackup: TroveApi['cancelBackup'] = async (jobId) => void this.backups.cancel(jobId);
  readonly storageStatus: TroveApi['storageStatus'] = () => this.backups.storageStatus();

  // Embedding map (library-map.ts)
  readonly projectMap: TroveApi['projectMap'] = (options, onProgress) => this.mapping.project(options, onProgress);
  readonly cancelMap: TroveApi['cancelMap'] = async () => void this.mapping.cancel();

  // Privacy: lock and Forget everything (lock-and-forget.ts)
  readonly lockState: TroveApi['lockState'] = () => this.locking.state();
  readonly unlock: TroveApi['unlock'] = (passphrase) => this.locking.unlock(passphrase);
  readonly lock: TroveApi['lock'] = () => this.locking.lock();
  readonly enableEncryption: TroveApi['enableEncryption'] = (passphrase) => this.locking.enableEncryption(passphrase);
  readonly changePassphrase: TroveApi['changePassphrase'] = (...args) => this.locking.changePassphrase(...args);
  readonly forgetEverything: TroveApi['forgetEverything'] = () => this.locking.forgetEverything();
  /** Not part of the API the page calls: Node callers (CLI, benchmarks, scripts) end an engine with it. */
  readonly close = (): Promise<void> => this.locking.close();

  // Saved answer threads (saved-threads.ts)
  readonly saveThread: TroveApi['saveThread'] = (request) => this.savedThreads.save(request);
  readonly listSavedThreads: TroveApi['listSavedThreads'] = () => this.savedThreads.list();
  readonly getSavedThread: TroveApi['getSavedThread'] = (id) => this.savedThreads.get(id);
  readonly renameSavedThread: TroveApi['renameSavedThread'] = (id, title) => this.savedThreads.rename(id, title);
  readonly deleteSavedThread: TroveApi['deleteSavedThread'] = (id) => this.savedThreads.delete(id);

  // Settings (settings-store.ts)
  readonly getSettings: TroveApi['getSettings'] = async () => this.settings.value;
  readonly updateSettings: TroveApi['updateSettings'] = (patch) => this.settings.update(patch);
}
