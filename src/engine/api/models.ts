// The embedding model's state, and the Models view: every model with its size and cache state, downloads, custom models.
import type { GeneratorDtype } from './answers.ts';
import type { EmbedDevice, ModelDtype, ModelSpec } from './model-spec.ts';
import type { EngineSettings } from './settings.ts';

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
  /** While previousModelId is set: passages in the library, so the UI can show done/total and an ETA. */
  reembedTotal?: number;
  /** The WebGPU numeric self-check (WebGPU vs WASM vectors on fixed sentences), when WebGPU was available. */
  deviceCheck?: { passed: boolean; minCosine: number; sentences: number; checkedAt: number; reason?: string };
  /**
   * The device/dtype would change the vectors (e.g. WebGPU fp32 where the library's vectors are WASM q8): the model
   * keeps running with the stored vectors' dtype until the user confirms the re-embed (confirmDtypeChange).
   */
  dtypeChange?: DtypeChange;
  /** How the device and batch size were chosen: passages/s measured per device here (at this load or remembered). */
  deviceSpeed?: DeviceSpeed;
  /** While passages wait for vectors and embedding runs: its pace and the time left for those waiting. */
  vectorProgress?: { passagesPerSecond: number; secondsLeft: number };
}

/** A device speed measurement (probe passages shaped like library chunks, each device's default batch). */
export interface DeviceSpeed {
  /** Passages per second by device measured; only the device in use when there was no choice to make. */
  passagesPerSecond: Partial<Record<EmbedDevice, number>>;
  /** Passages per model run in use (the fastest measured). */
  batchSize: number;
  /** ms since the epoch. */
  measuredAt: number;
  /** Read from this library's memory rather than measured at this load. */
  remembered: boolean;
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

/** An embedding model, a cross-encoder reranker, or a language model that writes answers. */
export type ModelKind = 'embedding' | 'reranker' | 'generator';

export interface CachedModel {
  /** 'complete': every file it needs with this dtype is cached; 'partial': some. */
  state: 'complete' | 'partial' | 'none';
  /** Bytes of every cached file of the repo (all dtypes and revisions). */
  bytes: number;
  missing: string[];
}

export interface ModelInfo {
  kind: ModelKind;
  id: string;
  repo: string;
  revision: string;
  /** Embedding dimensions (embedding models only). */
  dims?: number;
  languages: string[];
  quality: string;
  license: string;
  summary: string;
  /** What it would run with here (device from the settings and this browser, dtype from the registry). */
  device: EmbedDevice;
  dtype: ModelDtype | GeneratorDtype;
  /** Approximate download size for that dtype, MB (undefined when the registry does not say). */
  sizeMB?: number;
  sizeMBByDtype: Partial<Record<ModelDtype | GeneratorDtype, number>>;
  cache: CachedModel;
  /** The model the settings use now. */
  inUse: boolean;
  recommended: boolean;
  /** Only ever loaded from the site's own models/ folder. */
  localOnly: boolean;
  testFixture: boolean;
  /** Added by the user from a Hugging Face repo id. */
  custom: boolean;
}

export interface ModelsOverview {
  models: ModelInfo[];
  /** Bytes of everything in the model cache. */
  usageBytes: number;
  /** Cache Storage is available here (not in Node, not in some private modes). */
  cacheAvailable: boolean;
  /** Where downloads come from, in words ("huggingface.co", "this site"). */
  hostLabel: string;
  downloadsAllowed: boolean;
}

export interface DownloadProgress {
  /** Bytes received so far (files already cached count as received). */
  loaded: number;
  /** Expected bytes, when the host said (content-length); 0 when unknown. */
  total: number;
  file: string;
}

export interface CustomModelCheck {
  ok: boolean;
  /** Why it cannot be used; empty when ok. */
  problems: string[];
  /** Guesses and caveats the user should see (pooling assumed, no quantized file, ...). */
  notes: string[];
  /** A registry entry to load it with, when ok. */
  spec?: ModelSpec;
}

export interface ModelsApi {
  modelStatus(): Promise<ModelStatus>;
  /** Resolves when loading settles (ready or unavailable). */
  loadModel(): Promise<ModelStatus>;
  onModelStatus(listener: (status: ModelStatus) => void): Promise<void>;
  /**
   * Answers a pending dtype change (ModelStatus.dtypeChange): accept re-embeds the library in the background with
   * the new dtype (the stored vectors answer until it is done); decline keeps the stored vectors' dtype.
   */
  confirmDtypeChange(accept: boolean): Promise<ModelStatus>;
  /** Every registry (and custom) embedding model, reranker and answer generator: size, quality, licence, cached, device/dtype here. */
  modelsOverview(): Promise<ModelsOverview>;
  /** Downloads a model's files into Cache Storage ahead of use; cancelModelDownload stops it (nothing is kept). */
  downloadModel(kind: ModelKind, id: string, onProgress?: (progress: DownloadProgress) => void): Promise<ModelInfo>;
  cancelModelDownload(kind: ModelKind, id: string): Promise<void>;
  /** Deletes a model's cached files (all dtypes and revisions); returns the bytes freed. */
  deleteCachedModel(kind: ModelKind, id: string): Promise<number>;
  /**
   * Reads a Hugging Face repo's config and file list from the model host (only when downloads are allowed) and checks
   * it; when it can be used, adds it to settings.customModels (not selected: the user picks it).
   */
  addCustomModel(repo: string): Promise<{ check: CustomModelCheck; settings: EngineSettings }>;
  removeCustomModel(id: string): Promise<EngineSettings>;
}
