// The one typed API the engine offers (in the worker via comlink, and directly in Node).
import type { ErrorInfo } from '../core/errors.ts';
import type { ModelDtype, ModelSpec } from '../models/model-registry.ts';
import type { CustomModelCheck } from '../models/custom-model.ts';
import type { ModelInfo, ModelKind, ModelsOverview } from '../services/model-cache-service.ts';
import type { DownloadProgress } from '../models/model-cache.ts';
export type { ModelDtype, ModelSpec, CustomModelCheck, ModelInfo, ModelKind, ModelsOverview, DownloadProgress };
import type { FusionSettings } from '../retrieve/fuser.ts';
import type { ContextRequest, ContextResponse, RerankerStatus, RerankRequest, RerankResponse } from '../services/rerank-service.ts';

import type { HealthReport } from '../services/health.ts';
import type { EvaluateRequest, EvaluationProgress, EvaluationRun } from '../services/evaluation-service.ts';

export type { EvaluateRequest, EvaluationProgress, EvaluationRun, ConfigurationResult, EvaluationSet } from '../services/evaluation-service.ts';
import type { EvaluationSetInfo, ModelComparison, ModelComparisonProgress } from '../services/model-comparison.ts';
export type { EvaluationSetInfo, ModelComparison, ModelComparisonProgress, ModelMetrics } from '../services/model-comparison.ts';

export type { FusionSettings } from '../retrieve/fuser.ts';
export type { HealthCheck, HealthReport } from '../services/health.ts';
export type { ContextRequest, ContextResponse, RerankerStatus, RerankRequest, RerankResponse } from '../services/rerank-service.ts';
import type { BuiltinPiiType, CustomPatternSpec, PiiType } from '../privacy/redact.ts';
import type { LockState, SettingsRefusal } from '../privacy/library-lock.ts';

export type { BuiltinPiiType, CustomPatternSpec, PiiType } from '../privacy/redact.ts';
export type { LockState, SettingsRefusal } from '../privacy/library-lock.ts';
import type { DocumentFormat, FieldValue, SearchMode, TextBlock } from '../core/types.ts';
import type { OcrMode } from '../ingest/ocr/recognizer.ts';
import type { RecordPreview } from '../ingest/parsers/records.ts';

export type { OcrMode, RecordPreview };
export type { DocumentFormat, FieldValue, SearchMode, TextBlock };
import type { BackupProgress, ExportOptions, ImportOptions, ImportSummary, StorageStatus } from '../services/library-backup.ts';

export type { BackupProgress, ExportOptions, ImportOptions, ImportSummary, StorageStatus } from '../services/library-backup.ts';

export type ModelState = 'idle' | 'loading' | 'ready' | 'unavailable';

export interface ModelStatus {
  state: ModelState;
  /** Registry id of the configured model, e.g. "bge-small-en-v1.5". */
  modelId: string;
  /** Where weights come from: the Hugging Face hub or a local/self-hosted path. */
  source: 'hub' | 'local';
  device?: 'webgpu' | 'wasm' | 'cpu';
  dtype?: string;
  dims?: number;
  /** 0..1 while weights download. */
  progress?: number;
  /** Why the model is unavailable, in words for the user. */
  error?: string;
  /** WASM threads the model runs on (more than 1 only when the page is cross-origin isolated). */
  threads?: number;
  /** Why the device in use differs from the one asked for (e.g. no WebGPU adapter, or WebGPU failed its self-check). */
  deviceNote?: string;
  /** Chunks still waiting for vectors of this model (ingested while it was unavailable, or being re-embedded). */
  pendingVectors: number;
  /**
   * Set while the library is re-embedded after a model switch: the model whose vectors still answer semantic
   * searches until the new vectors are complete (then they swap at once).
   */
  previousModelId?: string;
  // ── re-embed progress (issue 11c) ──
  /** While previousModelId is set: passages in the library, so the UI can show done/total and an ETA. */
  reembedTotal?: number;
  // ── devices you can trust ──
  /** The WebGPU numeric self-check (WebGPU vs WASM vectors on fixed sentences), when WebGPU was available. */
  deviceCheck?: { passed: boolean; minCosine: number; sentences: number; checkedAt: number; reason?: string };
  /**
   * The device/dtype would change the vectors (e.g. WebGPU fp32 where the library's vectors are WASM q8): the model
   * keeps running with the stored vectors' dtype until the user confirms the re-embed (confirmDtypeChange).
   */
  dtypeChange?: DtypeChange;
}

/** A pending dtype change and its cost: `passages` to re-embed at about `passagesPerSecond` (measured here). */
export interface DtypeChange {
  /** The dtype of the stored vectors (in use now). */
  from: string;
  /** The dtype this device or the Settings choose. */
  to: string;
  /** Why `to`: the device's default for the model, or the dtype chosen in Settings. */
  because?: 'device' | 'settings';
  passages: number;
  /** Measured with the model as it runs now, on a sample of the library's passages; absent if not measured. */
  passagesPerSecond?: number;
  /** passages / passagesPerSecond, in seconds. */
  estimatedSeconds?: number;
}

export interface DocumentSummary {
  id: number;
  name: string;
  format: DocumentFormat;
  /** Bytes of the original file. */
  size: number;
  addedAt: number;
  chunkCount: number;
  pageCount?: number;
  /** 'ingesting' (being indexed, or waiting to resume), 'ready', or 'failed' (text kept: Retry or Delete). */
  status: 'ingesting' | 'ready' | 'failed';
  /** True when every chunk has a vector from the current model. */
  embedded: boolean;
  warnings?: string[];
  /** Why the document failed (status 'failed'). */
  error?: ErrorInfo;
  /** Resume or retry attempts since the document last completed. */
  attempts?: number;
  collection: string;
  tags: string[];
  title?: string;
  /** SHA-256 of the file's bytes (hex). */
  sha256?: string;
  /** The file's modification time (ms), when known. */
  modifiedAt?: number;
  language?: string;
  folder?: string;
  /** What PII redaction replaced in this document (counts and placeholder positions, never the values). */
  redactions?: RedactionSummary;
}

/** The per-document redaction report as stored: counts per type, and where the placeholders are in the stored text. */
export interface RedactionSummary {
  total: number;
  counts: Record<PiiType, number>;
  /** [start, end) of each placeholder in the stored (redacted) text. */
  positions: Array<[number, number]>;
  /** Redactions in the file name and title (no positions in the text). */
  inName: number;
}

export interface CollectionSummary {
  id: string;
  name: string;
  createdAt: number;
  documents: number;
  /** Searchable passages. */
  passages: number;
}

/** Narrows a search: every field given must match (a list matches when any of its values does). */
export interface SearchFilter {
  collections?: string[];
  documentIds?: number[];
  formats?: DocumentFormat[];
  /** Documents with at least one of these tags. */
  tags?: string[];
  languages?: string[];
  /** Documents whose folder is one of these or inside one of them. */
  folders?: string[];
  /** Added at or after / before this time (ms since 1970). */
  addedFrom?: number;
  addedTo?: number;
}

export type IngestStage =
  | 'queued'
  | 'parsing'
  | 'chunking'
  | 'embedding'
  | 'indexing'
  | 'done'
  | 'failed'
  | 'cancelled'
  /** Not added: the same file is already in the collection, or another version of it is (see duplicateOf). */
  | 'skipped';

export interface IngestProgress {
  jobId: string;
  fileName: string;
  stage: IngestStage;
  /** 0..1 within the whole file. */
  fraction: number;
  chunksDone?: number;
  chunksTotal?: number;
  documentId?: number;
  error?: ErrorInfo;
  /** e.g. "embedding skipped: model unavailable". */
  note?: string;
  /** Set when the engine started this job itself (resuming an interrupted document, or a Retry). */
  resumed?: boolean;
  /** For 'skipped': the document already in the collection, and whether it has the same bytes or only the same name. */
  duplicateOf?: { id: number; name: string; reason: 'same-content' | 'same-name' };
  // ── ingest dashboard ──
  /** Bytes of the original file, on jobs the engine started itself (the page knows the size of the files it sent). */
  size?: number;
}

/** Library-wide news for the page. */
export type LibraryEvent =
  /** Another tab changed the library; this engine has caught up (lists and results may differ now). */
  | { type: 'changed' }
  /** This engine can no longer write (schema upgraded in another tab): the page must reload. */
  | { type: 'stale'; message: string }
  /** Another tab locked the library: this engine forgot its key and content too; unlock to go on. */
  | { type: 'locked' };

export interface FileInput {
  /** Client-chosen id, used for progress and cancel. */
  jobId: string;
  name: string;
  type: string;
  data: ArrayBuffer;
  /** Collection to add to (default: the default collection). */
  collection?: string;
  /** File.lastModified. */
  lastModified?: number;
  /** Folder path within a dropped folder. */
  folder?: string;
  /**
   * When a document with the same name but other content is in the collection: 'replace' it (atomically, once the
   * new version is complete), or 'keep-both'. Unset: the file is skipped and reported, so the user can choose.
   * The same content is always skipped unless 'keep-both'.
   */
  onDuplicate?: 'replace' | 'keep-both';
  /** Redact PII in this file (overrides the redactPii setting for this ingest). */
  redact?: boolean;
  /** CSV/TSV/JSON: the fields the user chose as text in the preview (the others become metadata). */
  textFields?: string[];
}

export interface SearchOptions {
  mode?: SearchMode;
  k?: number;
  /** Only these documents (none = all); the same as filter.documentIds. */
  documentIds?: number[];
  filter?: SearchFilter;
  /** Hybrid mode: how the keyword and vector lists are fused (default: RRF with the rrfK setting). */
  fusion?: FusionSettings;
  /** Maximal marginal relevance over the fused list (lambda 1 = no change, lower = more diverse). */
  mmr?: { lambda: number };
}

export interface DocumentContent {
  id: number;
  name: string;
  format: DocumentFormat;
  title?: string;
  text: string;
  blocks: TextBlock[];
  pageCount?: number;
  // ── original files (issue 13) ──
  /** Whether the original file's bytes are kept (getOriginal answers). */
  hasOriginal?: boolean;
}

export interface ScoreBreakdown {
  /** Final score used for the ordering (RRF sum in hybrid mode). */
  score: number;
  bm25?: number;
  bm25Rank?: number;
  cosine?: number;
  vectorRank?: number;
  /** Cross-encoder score (a logit) and 1-based rank after reranking, when the results were reranked. */
  rerank?: number;
  rerankRank?: number;
}

export interface SearchResult {
  chunkId: number;
  documentId: number;
  documentName: string;
  format: DocumentFormat;
  text: string;
  start: number;
  end: number;
  page?: number;
  headingPath: string[];
  /** A table row / JSON object: its 1-based row and metadata fields. */
  row?: number;
  fields?: Record<string, FieldValue>;
  /** [start, end) ranges within `text` to highlight (query term matches). */
  highlights: Array<[number, number]>;
  scores: ScoreBreakdown;
}

export interface SearchResponse {
  query: string;
  /** Mode actually used: semantic/hybrid fall back to keyword when the model is unavailable. */
  mode: SearchMode;
  requestedMode: SearchMode;
  results: SearchResult[];
  tookMs: number;
  /** Set when the mode had to fall back, for the UI to say why. */
  notice?: string;
}

export interface EngineSettings {
  /** Registry id of the embedding model. */
  modelId: string;
  /** Load models from the hub (true) or only from the local path (false). */
  allowRemoteModels: boolean;
  /** Base URL of self-hosted models, e.g. "/models/". */
  localModelPath: string;
  /** Device preference; 'auto' picks WebGPU when an adapter exists, else WASM. */
  device: 'auto' | 'webgpu' | 'wasm';
  chunkTokens: number;
  chunkOverlapTokens: number;
  /** Files larger than this are refused before they are read. */
  maxFileMB: number;
  bm25K1: number;
  bm25B: number;
  /** k of reciprocal rank fusion. */
  rrfK: number;
  /** Vector index: 'auto' is an exact flat scan below `hnswThreshold` vectors and HNSW from there on. */
  indexKind: 'auto' | 'flat' | 'hnsw';
  hnswThreshold: number;
  /** How vectors are held in memory: float32, int8 (4× smaller) or sign bits (32× smaller), rescored exactly. */
  quantization: 'none' | 'int8' | 'binary';
  /** HNSW parameters, named as in the paper: links per node, build-time and search-time candidate lists. */
  hnswM: number;
  hnswEfConstruction: number;
  hnswEf: number;
  /** After a model switch completes, keep the old model's vectors (switching back is then instant). */
  keepPreviousVectors: boolean;
  /** Registry id of the cross-encoder reranker (rerank/reranker-registry.ts). */
  rerankerId: string;
  /** Fused results the reranker reorders (capped by what the device calibration allows within ~1 s). */
  rerankDepth: number;
  /** Rerank by default: 'auto' = when the calibration found it fast enough on this device. */
  rerankDefault: 'auto' | 'on' | 'off';
  /** Replace detected PII with typed placeholders before anything is stored (see privacy/redact.ts). */
  redactPii: boolean;
  /** The built-in detectors to run when redacting. */
  redactTypes: BuiltinPiiType[];
  /** User-defined patterns, redacted as [CUSTOM]. */
  redactCustom: CustomPatternSpec[];
  // ── formats and languages ──
  /** OCR of images and PDF pages: never, pages without a text layer (scans), or every page. */
  ocrMode: OcrMode;
  // ── Ollama backend (issue 11c) ──
  /** Embed with a local Ollama server instead of the in-browser model (off by default; the build must allow its origin). */
  ollamaEnabled: boolean;
  /** The Ollama server's origin, e.g. "http://localhost:11434". */
  ollamaOrigin: string;
  /** The embedding model as Ollama names it, e.g. "nomic-embed-text". */
  ollamaModel: string;
  // ── model host ──
  /**
   * Where model files are downloaded from: a build setting (VITE_TROVE_MODEL_HOST), never the user's or a link's.
   * An origin with the hub's layout ("https://huggingface.co", a mirror) or "self" (only this site's models/ path).
   */
  modelHost: string;
  // ── custom models ──
  /** Embedding models the user added from a Hugging Face repo (checked by checkCustomModel); modelId may name one. */
  customModels: ModelSpec[];
  // ── devices you can trust ──
  /** Model weights' precision: 'auto' = the registry's choice for the device (e.g. fp32 on WebGPU, q8 on WASM). */
  dtype: 'auto' | 'fp32' | 'fp16' | 'q8' | 'q4';
  // ── original files (issue 13) ──
  /** Keep each added file's bytes (for the PDF page view and "open original"); not for redacted files. */
  keepOriginals: boolean;
}

export interface LibraryStats {
  documents: number;
  chunks: number;
  vectors: number;
  /** How the keyword index was loaded at start-up: its persisted snapshot, or rebuilt from every passage's terms. */
  keywordIndex?: 'snapshot' | 'terms';
  /** The vector index in use, once a model's vectors are loaded. */
  index?: {
    kind: 'flat' | 'hnsw';
    quantization: 'none' | 'int8' | 'binary';
    bytesPerVector: number;
    /** True when it was loaded from its persisted pages rather than rebuilt. */
    loadedFromPages: boolean;
  };
  /** Most of the library (by size) is not English: the UI suggests a multilingual model. */
  mostlyNonEnglish?: boolean;
}

export type { LibraryMap, MapOptions } from '../services/library-map.ts';
import type { LibraryMap, MapOptions } from '../services/library-map.ts';

export interface TroveApi {
  /** Opens storage, loads indexes and starts loading the model (without waiting for it). */
  /**
   * `settings`: the build's choice for this session; `requested`: URL parameters, applied only where they narrow
   * what the stored settings allow (the others come back in `refused`). Neither is persisted.
   */
  init(
    settings?: Partial<EngineSettings>,
    requested?: Partial<EngineSettings>,
  ): Promise<{ settings: EngineSettings; stats: LibraryStats; lock: LockState; refused: SettingsRefusal[] }>;
  getSettings(): Promise<EngineSettings>;
  updateSettings(settings: Partial<EngineSettings>): Promise<EngineSettings>;
  modelStatus(): Promise<ModelStatus>;
  /** Resolves when loading settles (ready or unavailable). */
  loadModel(): Promise<ModelStatus>;
  // ── devices you can trust ──
  /**
   * Answers a pending dtype change (ModelStatus.dtypeChange): accept re-embeds the library in the background with
   * the new dtype (the stored vectors answer until it is done); decline keeps the stored vectors' dtype.
   */
  confirmDtypeChange(accept: boolean): Promise<ModelStatus>;
  onModelStatus(listener: (status: ModelStatus) => void): Promise<void>;
  /** Progress of every job, including those the engine starts itself (resume, retry). */
  onJobProgress(listener: (progress: IngestProgress) => void): Promise<void>;
  onLibraryEvent(listener: (event: LibraryEvent) => void): Promise<void>;
  ingest(files: FileInput[], onProgress: (progress: IngestProgress) => void): Promise<IngestProgress[]>;
  /** Indexes a failed document again from its stored text (continuing after its stored chunks). */
  retryDocument(id: number): Promise<IngestProgress>;
  cancel(jobId: string): Promise<void>;
  /** Answers at once: the page's heartbeat, to notice a worker that died. */
  ping(): Promise<number>;
  search(query: string, options?: SearchOptions): Promise<SearchResponse>;
  listDocuments(): Promise<DocumentSummary[]>;
  deleteDocument(id: number): Promise<void>;
  /** A document's whole text and structure (for the viewer). */
  getDocument(id: number): Promise<DocumentContent>;
  /** Adds, removes or sets tags on documents. */
  setTags(documentIds: number[], tags: string[], mode: 'add' | 'remove' | 'set'): Promise<void>;
  listCollections(): Promise<CollectionSummary[]>;
  createCollection(name: string): Promise<CollectionSummary>;
  renameCollection(id: string, name: string): Promise<void>;
  /** Deletes a collection with all its documents (the default collection is emptied, not removed). */
  deleteCollection(id: string): Promise<void>;
  stats(): Promise<LibraryStats>;

  // ── reranking and context ──
  /** The cross-encoder's state and its calibration on this device (whether reranking is on by default). */
  rerankerStatus(): Promise<RerankerStatus>;
  /**
   * Reorders the given results (best first, as search returned them) by the cross-encoder: the first `depth` are
   * scored and sorted, the rest keep their order behind. A newer call cancels an unfinished one: it resolves undefined.
   */
  rerank(query: string, chunkIds: number[], options?: RerankRequest): Promise<RerankResponse | undefined>;
  /** The top passages as a prompt block for a language model, with numbered citations, within a token budget. */
  assembleContext(request: ContextRequest): Promise<ContextResponse>;

  // ── evaluation ──
  /** Runs a test set (BEIR files into their own collection, or eval.jsonl against the library) for every configuration. */
  evaluate(request: EvaluateRequest, onProgress?: (progress: EvaluationProgress) => void): Promise<EvaluationRun>;
  /** Stops a running evaluation between queries (it rejects with CANCELLED). */
  cancelEvaluation(): Promise<void>;
  // ── measured model swaps (issue 11c) ──
  /** The evaluation set of the last run in this session (what a model change is measured on), if any. */
  evaluationSetInfo(): Promise<EvaluationSetInfo | undefined>;
  /** The current model and the one these settings would use, measured on that set in a scratch index (library untouched). */
  compareModels(patch: Partial<EngineSettings>, onProgress?: (progress: ModelComparisonProgress) => void): Promise<ModelComparison>;
  /** Stops a running comparison (it rejects with CANCELLED). */
  cancelModelComparison(): Promise<void>;

  // ── health ──
  /** The library's red flags (mixed models, unnormalised vectors, over-long or duplicate passages…). */
  health(): Promise<HealthReport>;
  /** A fix offered by a health check; returns the ids of the documents it deleted. */
  fixHealth(fix: 'delete-duplicate-documents'): Promise<number[]>;
  // ── privacy: library lock and forget everything ──
  /** 'plain' (not encrypted), 'locked' (encrypted, passphrase needed) or 'unlocked'. */
  lockState(): Promise<LockState>;
  /** Opens an encrypted library; a wrong passphrase is refused (WRONG_PASSPHRASE) without touching data. */
  unlock(passphrase: string): Promise<{ settings: EngineSettings; stats: LibraryStats }>;
  /** Forgets the key and every in-memory index: every content call answers LOCKED until unlock. */
  lock(): Promise<void>;
  /** Encrypts an EMPTY library from now on. Losing the passphrase loses the library. */
  enableEncryption(passphrase: string): Promise<void>;
  changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void>;
  /** Closes the library and deletes its databases; returns what was removed, in words. The engine is closed after. */
  forgetEverything(): Promise<string[]>;
  // ── formats and languages ──
  /** A CSV/TSV/JSON/JSONL file's fields and first rows, with the suggested text fields, before it is added. */
  previewRecords(data: ArrayBuffer, fileName: string): Promise<RecordPreview>;
  // ── embedding map ──
  /** The library's passages projected to 2-D (PCA, then UMAP on a sample), with progress; cancelMap() stops it. */
  projectMap(options?: MapOptions, onProgress?: (progress: { stage: string; fraction: number }) => void): Promise<LibraryMap>;
  cancelMap(): Promise<void>;
  // ── backup and storage ──
  /** The library, or one collection, as a .trove file (documents, passages, vectors, index, checksums). */
  exportLibrary(options?: ExportOptions, onProgress?: (progress: BackupProgress) => void): Promise<Blob>;
  /** Verifies a .trove file, then adds it to the library; refused (MODEL_MISMATCH, STORAGE_FULL, IMPORT_INVALID) before anything is written. */
  importLibrary(file: Blob, options?: ImportOptions, onProgress?: (progress: BackupProgress) => void): Promise<ImportSummary>;
  /** Cancels an export or import by the jobId given in its options (an import undoes what it wrote). */
  cancelBackup(jobId: string): Promise<void>;
  /** Storage used and allowed for this site, and whether it is persistent (from the browser, when it says). */
  storageStatus(): Promise<StorageStatus>;
  // ── models view ──
  /** Every registry (and custom) embedding model and reranker: size, dims, quality, licence, cached, device/dtype here. */
  modelsOverview(): Promise<ModelsOverview>;
  /** Downloads a model's files into Cache Storage ahead of use; cancelModelDownload stops it (nothing is kept). */
  downloadModel(kind: ModelKind, id: string, onProgress?: (progress: DownloadProgress) => void): Promise<ModelInfo>;
  cancelModelDownload(kind: ModelKind, id: string): Promise<void>;
  /** Deletes a model's cached files (all dtypes and revisions); returns the bytes freed. */
  deleteCachedModel(kind: ModelKind, id: string): Promise<number>;
  // ── custom models ──
  /**
   * Reads a Hugging Face repo's config and file list from the model host (only when downloads are allowed) and checks
   * it; when it can be used, adds it to settings.customModels (not selected: the user picks it).
   */
  addCustomModel(repo: string): Promise<{ check: CustomModelCheck; settings: EngineSettings }>;
  removeCustomModel(id: string): Promise<EngineSettings>;
  // ── original files (issue 13) ──
  /** A document's original file as it was added, when kept (setting keepOriginals); undefined otherwise. */
  getOriginal(id: number): Promise<OriginalDocument | undefined>;
  // ── library view ──
  /** A document's passages in document order, `limit` (at most 500) from `offset`, with how many it has in all. */
  listPassages(documentId: number, offset: number, limit: number): Promise<PassagePage>;
  /** Deletes several documents in one write task (the vector index is persisted once, not per document). */
  deleteDocuments(ids: number[]): Promise<void>;
}

/** A kept original file (bytes as added). */
export interface OriginalDocument {
  name: string;
  type: string;
  bytes: ArrayBuffer;
}

// ── library view ──
export type { PassageListItem, PassagePage } from '../library/passage-list.ts';
import type { PassagePage } from '../library/passage-list.ts';
