// Which backend embeds: transformers.js with a registry model (the default), or a local Ollama server when the user
// turned it on in Settings. The model id says which (models/effective-model.ts: "ollama:<name:tag>" for Ollama).
import type { EngineSettings } from '../api/settings.ts';
import { OLLAMA_MODEL_PREFIX, isOllamaModelId } from '../models/effective-model.ts';
import type { Embedder, EmbedderLoadOptions, EmbedderLoader } from './embedder.ts';
import { loadOllamaEmbedder, type OllamaEmbedderOptions } from './ollama-embedder.ts';

// The engine takes the model id and the loader from one place.
export { effectiveModelId } from '../models/effective-model.ts';

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
