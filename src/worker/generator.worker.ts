// The answer generator's Web Worker: a thin comlink adapter over the engine's AnswerGenerator, apart from the search
// engine's worker so a search never waits behind a generation. It holds one model at a time; a new generation
// cancels the one running, and a load with other settings replaces the model.
//
// The optional Ollama backend runs here too, though it only streams text over fetch: the page then has one path for
// every answer model (load, generate with streamed tokens, cancel, a new thread), the fetch and its NDJSON parsing
// stay off the page's thread, and a cancel reaches the request the same way it reaches a model in this worker.
import * as Comlink from 'comlink';
import { AnswerGenerator } from '../engine/answers/answer-generator.ts';
import { OLLAMA_GENERATOR_ID, OllamaGenerator } from '../engine/answers/ollama-generator.ts';
import type { AnswerRequest, GeneratedAnswer, GeneratorStatus } from '../engine/api/answers.ts';
import type { DownloadProgress } from '../engine/api/models.ts';
import { getGeneratorSpec } from '../engine/models/generator-registry.ts';
import { MODEL_CACHE_NAME, cachedModel } from '../engine/models/model-cache.ts';
import { parseModelHost } from '../engine/models/model-host.ts';
import { registerErrorTransfer } from './error-transfer.ts';
import { ortFiles } from './ort-files.ts';

registerErrorTransfer();

/** The model settings the page passes: the same the embedder loads with. */
export interface GeneratorLoadSettings {
  allowRemoteModels: boolean;
  localModelPath: string;
  /** The build's model host ("self" or a hub origin), for where cached files are keyed. */
  modelHost: string;
  device: 'auto' | 'webgpu' | 'wasm';
  /** The Ollama server and model, for the generator id "ollama" (a build that allows the server's origin). */
  ollama?: { origin: string; model: string; promptBudgetTokens: number };
}

/** What the worker asks of either backend: the in-browser model or a local Ollama server. */
type AnswerBackend = Pick<AnswerGenerator, 'status' | 'generate' | 'resetThread' | 'dispose'>;

/** Whether loading the generator now would fetch nothing large: it is loaded, cached, or a fixture of this site. */
export interface GeneratorAvailability {
  status: GeneratorStatus;
  withoutDownload: boolean;
}

class GeneratorWorkerApi {
  private generator?: AnswerBackend;
  private loaded?: string;
  private loading?: AbortController;
  private running?: AbortController;

  ping(): true {
    return true;
  }

  /** What the generator is now, and whether loading it would download it first. */
  async availability(id: string, settings: GeneratorLoadSettings): Promise<GeneratorAvailability> {
    if (this.generator && this.loaded === key(id, settings))
      return { status: this.generator.status(), withoutDownload: true };
    // Nothing to download: a server that is missing the model says so when it is loaded.
    if (id === OLLAMA_GENERATOR_ID) return { status: { state: 'not-downloaded' }, withoutDownload: true };
    const spec = getGeneratorSpec(id);
    if (spec.localOnly) return { status: { state: 'not-downloaded' }, withoutDownload: true };
    const cache = await caches.open(MODEL_CACHE_NAME).catch(() => undefined);
    const local = new URL(settings.localModelPath, self.location.href).href;
    const source = {
      host: parseModelHost(settings.modelHost),
      allowRemote: settings.allowRemoteModels,
      localModelUrl: local.endsWith('/') ? local : `${local}/`,
    };
    // Either device's files will do: the load picks the device, and falls back to WASM when WebGPU fails its check.
    for (const dtype of new Set(Object.values(spec.dtype))) {
      if (cache && (await cachedModel(cache, { ...spec, causalLm: true }, dtype, source)).state === 'complete')
        return { status: { state: 'not-downloaded' }, withoutDownload: true };
    }
    return { status: { state: 'not-downloaded' }, withoutDownload: false };
  }

  /** Loads (downloading when allowed and needed) the generator; resolves with its status once ready. */
  async load(
    id: string,
    settings: GeneratorLoadSettings,
    onProgress?: (progress: Pick<DownloadProgress, 'loaded' | 'total'>) => void,
  ): Promise<GeneratorStatus> {
    const wanted = key(id, settings);
    if (this.generator && this.loaded === wanted && this.generator.status().state === 'ready')
      return this.generator.status();
    this.cancel();
    this.loading?.abort();
    const controller = new AbortController();
    this.loading = controller;
    await this.generator?.dispose();
    this.generator = undefined;
    this.loaded = undefined;
    let generator: AnswerBackend;
    try {
      generator = await loadBackend(id, settings, controller.signal, onProgress);
    } finally {
      if (this.loading === controller) this.loading = undefined;
    }
    this.generator = generator;
    this.loaded = wanted;
    return generator.status();
  }

  cancelLoad(): void {
    this.loading?.abort();
  }

  /** Streams the answer through onToken; a later generate or cancel() stops it (stoppedBy 'cancel'). */
  async generate(request: AnswerRequest, onToken: (delta: string) => void): Promise<GeneratedAnswer> {
    const generator = this.generator;
    if (!generator) throw new Error('The answer model is not loaded.');
    this.cancel();
    const controller = new AbortController();
    this.running = controller;
    try {
      return await generator.generate(request, { onToken, signal: controller.signal });
    } finally {
      if (this.running === controller) this.running = undefined;
    }
  }

  cancel(): void {
    this.running?.abort();
    this.running = undefined;
  }

  /** A new thread: the kept KV cache (which holds the old thread's passages) is dropped. */
  async resetThread(): Promise<void> {
    this.cancel();
    await this.generator?.resetThread();
  }
}

function key(id: string, settings: GeneratorLoadSettings): string {
  const ollama = id === OLLAMA_GENERATOR_ID ? settings.ollama : undefined;
  return JSON.stringify([id, settings.allowRemoteModels, settings.localModelPath, settings.device, ollama]);
}

async function loadBackend(
  id: string,
  settings: GeneratorLoadSettings,
  signal: AbortSignal,
  onProgress?: (progress: Pick<DownloadProgress, 'loaded' | 'total'>) => void,
): Promise<AnswerBackend> {
  if (id === OLLAMA_GENERATOR_ID) {
    if (!settings.ollama) throw new Error('No Ollama server is set for answers.');
    const generator = new OllamaGenerator({ ...settings.ollama, pageOrigin: self.location.origin });
    await generator.load(signal);
    return generator;
  }
  const generator = new AnswerGenerator();
  await generator.load(getGeneratorSpec(id), {
    ...(await options(settings)),
    onProgress: (loaded, total) => onProgress?.({ loaded, total }),
    signal,
  });
  return generator;
}

async function options(settings: GeneratorLoadSettings) {
  return {
    allowRemoteModels: settings.allowRemoteModels,
    localModelPath: settings.localModelPath,
    device: settings.device,
    wasmPaths: await ortFiles(),
  };
}

export type { GeneratorWorkerApi };
Comlink.expose(new GeneratorWorkerApi());
