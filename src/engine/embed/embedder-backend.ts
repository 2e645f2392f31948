// Which backend embeds: transformers.js with a registry model (the default), or a local Ollama server when the user
// turned it on in Settings. One place decides, so the status, the stored "which vectors serve" record and the loader
// always agree on the model id ("ollama:<name:tag>" for Ollama).
import type { EngineSettings } from '../api/index.ts';
import type { EmbedderLoadOptions, EmbedderLoader } from '../services/model-lifecycle.ts';
import type { Embedder } from './embedder.ts';
import { OLLAMA_MODEL_PREFIX, loadOllamaEmbedder, ollamaModelName, type OllamaEmbedderOptions } from './ollama-embedder.ts';

/** The id of the model that embeds with these settings: a registry id, or "ollama:<name:tag>". */
export function effectiveModelId(settings: EngineSettings): string {
  return settings.ollamaEnabled ? `${OLLAMA_MODEL_PREFIX}${ollamaModelName(settings.ollamaModel)}` : settings.modelId;
}

export function isOllamaModelId(id: string): boolean {
  return id.startsWith(OLLAMA_MODEL_PREFIX);
}

/** Load options for a model id (the current one, or a previous one being restored) with these settings. */
export function loadOptionsFor(modelId: string, settings: EngineSettings, device = settings.device): EmbedderLoadOptions {
  const options: EmbedderLoadOptions = {
    modelId,
    allowRemoteModels: settings.allowRemoteModels,
    localModelPath: settings.localModelPath,
    device,
  };
  if (isOllamaModelId(modelId)) options.ollama = { origin: settings.ollamaOrigin, model: modelId.slice(OLLAMA_MODEL_PREFIX.length) };
  return options;
}

export type OllamaLoader = (options: OllamaEmbedderOptions) => Promise<Embedder>;

/** Loads with Ollama when the options name it, else with the app's transformers.js loader. */
export function loadWithBackend(options: EmbedderLoadOptions, load: EmbedderLoader, loadOllama: OllamaLoader = loadOllamaEmbedder): Promise<Embedder> {
  if (!options.ollama) return load(options);
  const pageOrigin = (globalThis as { location?: { origin?: string } }).location?.origin;
  return loadOllama({ ...options.ollama, ...(pageOrigin && pageOrigin !== 'null' ? { pageOrigin } : {}) });
}
