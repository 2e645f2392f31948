// The Models view's engine side: every registry embedding model and reranker with what a user weighs (size for the
// dtype it would use here, dims, languages, quality, licence), whether it is in Cache Storage, and downloading,
// cancelling and deleting one. Runs in the worker (which does all model fetching); the cache, fetch and the device
// probe are injected so Node tests can drive it.
import { dtypeForModel, wantedDtype, type DtypeChoice } from '../models/dtype-choice.ts';
import type { EngineSettings, ModelInfo, ModelKind, ModelsOverview } from '../api/index.ts';
import { TroveError } from '../core/errors.ts';
import { listRerankers, getRerankerSpec } from '../models/reranker-registry.ts';
import { DEFAULT_GENERATOR_ID, getGeneratorSpec, listGenerators } from '../models/generator-registry.ts';
import {
  MODEL_CACHE_NAME,
  cacheUsage,
  cachedModel,
  deleteCachedModel,
  downloadModel,
  type CacheLike,
  type CacheStorageLike,
  type FileDtype,
  type ModelFilesTarget,
  type ModelSource,
} from '../models/model-cache.ts';
import { modelHostLabel, parseModelHost } from '../models/model-host.ts';
import { DEFAULT_MODEL_ID, getModelSpec, listModels } from '../models/model-registry.ts';
import type { CachedModel, DownloadProgress } from '../api/models.ts';
import type { EmbedDevice, ModelDtype, ModelSpec } from '../api/model-spec.ts';

export interface ModelCacheDeps {
  caches?: CacheStorageLike;
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  settings: () => EngineSettings;
  /** Custom models the user added (settings), beyond the registry. */
  customModels?: () => ModelSpec[];
  /** Which device 'auto' means here; default: WebGPU when an adapter exists, else WASM. */
  probeDevice?: (requested: EngineSettings['device']) => Promise<EmbedDevice>;
  /** The page's URL base for the self-hosted models path (the worker's location). */
  baseUrl?: string;
}

type Target = {
  repo: string;
  revision: string;
  localOnly: boolean;
  causalLm?: boolean;
  dtype: Record<EmbedDevice, FileDtype>;
};

export class ModelCacheService {
  private readonly downloads = new Map<string, AbortController>();
  private device?: Promise<EmbedDevice>;
  private deviceFor?: string;

  constructor(private readonly deps: ModelCacheDeps) {}

  private async cache(): Promise<CacheLike | undefined> {
    const storage = this.deps.caches ?? (globalThis as { caches?: CacheStorageLike }).caches;
    if (!storage) return undefined;
    try {
      return await storage.open(MODEL_CACHE_NAME);
    } catch {
      return undefined; // e.g. a private window that refuses Cache Storage
    }
  }

  /** Absolute URL of the self-hosted models folder, ending in "/". */
  localModelUrl(): string {
    return this.source().localModelUrl;
  }

  private source(): ModelSource {
    const settings = this.deps.settings();
    const base =
      this.deps.baseUrl ?? (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/';
    const local = new URL(settings.localModelPath, base).href;
    return {
      host: parseModelHost(settings.modelHost),
      allowRemote: settings.allowRemoteModels,
      localModelUrl: local.endsWith('/') ? local : `${local}/`,
    };
  }

  private runDevice(): Promise<EmbedDevice> {
    const requested = this.deps.settings().device;
    if (!this.device || this.deviceFor !== requested) {
      this.deviceFor = requested;
      this.device = (this.deps.probeDevice ?? probeDevice)(requested);
    }
    return this.device;
  }

  private target(kind: ModelKind, id: string): Target {
    if (kind === 'reranker') return getRerankerSpec(id);
    if (kind === 'generator') return { ...getGeneratorSpec(id), causalLm: true };
    const custom = this.deps.customModels?.().find((spec) => spec.id === id);
    return custom ?? getModelSpec(id);
  }

  async overview(): Promise<ModelsOverview> {
    const cache = await this.cache();
    const settings = this.deps.settings();
    const host = parseModelHost(settings.modelHost);
    const models: ModelInfo[] = [];
    const custom = this.deps.customModels?.() ?? [];
    for (const spec of [...listModels(), ...custom]) models.push(await this.info('embedding', spec.id, cache));
    for (const spec of listRerankers()) models.push(await this.info('reranker', spec.id, cache));
    for (const spec of listGenerators()) models.push(await this.info('generator', spec.id, cache));
    return {
      models,
      usageBytes: cache ? await cacheUsage(cache) : 0,
      cacheAvailable: !!cache,
      hostLabel: modelHostLabel(host),
      downloadsAllowed: settings.allowRemoteModels && host.kind === 'remote',
    };
  }

  async info(kind: ModelKind, id: string, cache?: CacheLike): Promise<ModelInfo> {
    cache ??= await this.cache();
    const settings = this.deps.settings();
    const device = await this.runDevice();
    const customIds = new Set((this.deps.customModels?.() ?? []).map((spec) => spec.id));
    const common = { device, cache: { state: 'none', bytes: 0, missing: [] } as CachedModel };
    if (kind === 'reranker') {
      const spec = getRerankerSpec(id);
      const dtype = spec.dtype[device];
      if (cache) common.cache = await cachedModel(cache, spec, dtype, this.source());
      return {
        ...common,
        kind,
        id,
        repo: spec.repo,
        revision: spec.revision,
        languages: ['en'],
        quality: spec.quality,
        license: spec.license,
        summary: 'Cross-encoder: reorders the top results by reading query and passage together.',
        dtype,
        sizeMB: spec.sizeMB[dtype],
        sizeMBByDtype: spec.sizeMB,
        inUse: settings.rerankerId === id,
        recommended: false,
        localOnly: spec.localOnly,
        testFixture: spec.testFixture,
        custom: false,
      };
    }
    if (kind === 'generator') {
      const spec = getGeneratorSpec(id);
      const dtype = spec.dtype[device];
      if (cache) common.cache = await cachedModel(cache, { ...spec, causalLm: true }, dtype, this.source());
      const sizeMBByDtype = Object.fromEntries(
        Object.entries(spec.sizeBytes).map(([key, bytes]) => [key, Math.round(bytes / 1_000_000)]),
      );
      return {
        ...common,
        kind,
        id,
        repo: spec.repo,
        revision: spec.revision,
        languages: [],
        quality: spec.quality,
        license: spec.license,
        summary: `${spec.label}: writes answers from the top passages, citing them. Reads ${spec.contextTokens} tokens.`,
        dtype,
        sizeMB: sizeMBByDtype[dtype],
        sizeMBByDtype,
        // Which generator answers is the page's choice (it loads it in its own worker), not a setting.
        inUse: false,
        recommended: id === DEFAULT_GENERATOR_ID,
        localOnly: spec.localOnly,
        testFixture: spec.testFixture,
        custom: false,
      };
    }
    const spec = this.target('embedding', id) as ModelSpec;
    const dtype = embeddingDtype(spec, device, settings.dtype);
    if (cache) common.cache = await cachedModel(cache, spec, dtype, this.source());
    return {
      ...common,
      kind,
      id,
      repo: spec.repo,
      revision: spec.revision,
      dims: spec.dims,
      languages: spec.languages,
      quality: spec.quality,
      license: spec.license,
      summary: spec.summary,
      dtype,
      sizeMB: spec.sizeMB[dtype],
      sizeMBByDtype: spec.sizeMB,
      inUse: settings.modelId === id,
      recommended: id === DEFAULT_MODEL_ID,
      localOnly: spec.localOnly,
      testFixture: spec.testFixture,
      custom: customIds.has(id),
    };
  }

  /** Downloads a model's files into the cache ahead of use. Errors: CANCELLED, MODEL_UNAVAILABLE, INVALID_ARGUMENT. */
  async download(kind: ModelKind, id: string, onProgress?: (progress: DownloadProgress) => void): Promise<ModelInfo> {
    const cache = await this.cache();
    if (!cache)
      throw new TroveError(
        'INVALID_ARGUMENT',
        'This browser gives the site no Cache Storage, so models cannot be kept for later.',
      );
    const target = this.target(kind, id);
    const source = this.source();
    const remote = source.allowRemote && !target.localOnly && source.host.kind === 'remote';
    const selfHosted = source.host.kind === 'self' || target.localOnly;
    if (!remote && !selfHosted) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        'Model downloads are off (Settings): turn them on to download a model ahead of use.',
      );
    }
    const key = `${kind}:${id}`;
    this.downloads.get(key)?.abort();
    const controller = new AbortController();
    this.downloads.set(key, controller);
    try {
      const device = await this.runDevice();
      const dtype =
        kind === 'embedding'
          ? embeddingDtype(target as ModelSpec, device, this.deps.settings().dtype)
          : target.dtype[device];
      const fetchImpl = this.deps.fetch ?? ((url: string, init?: RequestInit) => fetch(url, init));
      await downloadModel(cache, target, dtype, source, { fetch: fetchImpl, onProgress, signal: controller.signal });
    } finally {
      if (this.downloads.get(key) === controller) this.downloads.delete(key);
    }
    return this.info(kind, id, cache);
  }

  cancel(kind: ModelKind, id: string): void {
    this.downloads.get(`${kind}:${id}`)?.abort();
  }

  /** Deletes a model's cached files (all dtypes and revisions); returns the bytes freed. */
  /** Deletes the cached files of a model outside the two registries (the image–text model); bytes freed. */
  async removeFiles(target: ModelFilesTarget): Promise<number> {
    const cache = await this.cache();
    return cache ? deleteCachedModel(cache, target, this.source()) : 0;
  }

  async remove(kind: ModelKind, id: string): Promise<number> {
    this.cancel(kind, id);
    const cache = await this.cache();
    if (!cache) return 0;
    return deleteCachedModel(cache, this.target(kind, id), this.source());
  }
}

const IS_NODE = typeof process !== 'undefined' && process.release?.name === 'node';

/** The device a model would run on here (the same rule as the embedder's chooseDevice, without loading anything). */
async function probeDevice(requested: EngineSettings['device']): Promise<EmbedDevice> {
  if (IS_NODE) return 'cpu';
  if (requested === 'wasm') return 'wasm';
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  try {
    return gpu && (await gpu.requestAdapter()) != null ? 'webgpu' : 'wasm';
  } catch {
    return 'wasm';
  }
}

/** The dtype an embedding model would load with here: the Settings choice when the model has it, else the device's. */
function embeddingDtype(spec: ModelSpec, device: EmbedDevice, choice: DtypeChoice): ModelDtype {
  return wantedDtype(dtypeForModel(spec.id, choice), spec.dtype[device]);
}
