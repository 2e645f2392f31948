// Which backend embeds: transformers.js with a registry model (the default), or a local Ollama server when the user
// turned it on in Settings. The model id says which (models/effective-model.ts: "ollama:<name:tag>" for Ollama).
import type { EngineSettings } from '../api/settings.ts';
import { OLLAMA_MODEL_PREFIX, isOllamaModelId } from '../models/effective-model.ts';
import type { DeviceCheckMemory } from './device-self-check.ts';
import type { DeviceSpeedMemory } from './device-speed.ts';
import type { Embedder } from './embedder.ts';
import { loadOllamaEmbedder, type OllamaEmbedderOptions } from './ollama-embedder.ts';
import type { ModelDtype } from '../api/model-spec.ts';

// The engine takes the model id and the loader from one place.

export interface EmbedderLoadOptions {
  modelId: string;
  allowRemoteModels: boolean;
  localModelPath: string;
  device: EngineSettings['device'];
  onProgress?: (fraction: number) => void;
  /** Set when a local Ollama server embeds instead. */
  ollama?: { origin: string; model: string };
  /** Load with this dtype on every device (the stored vectors', a confirmed change, or the Settings choice). */
  dtype?: ModelDtype;
  /** Where WebGPU self-check verdicts are remembered. */
  deviceChecks?: DeviceCheckMemory;
  /** Where measured device speeds and batch sizes are remembered; absent: nothing is measured (defaults apply). */
  deviceSpeeds?: DeviceSpeedMemory;
}

/** The app's transformers.js loader (the worker's, or a test's fixture loader). */
export type EmbedderLoader = (options: EmbedderLoadOptions) => Promise<Embedder>;

/** Load options for a model id (the current one, or a previous one being restored) with these settings. */
export function loadOptionsFor(
  modelId: string,
  settings: EngineSettings,
  device = settings.device,
): EmbedderLoadOptions {
  const options: EmbedderLoadOptions = {
    modelId,
    allowRemoteModels: settings.allowRemoteModels,
    localModelPath: settings.localModelPath,
    device,
  };
  if (isOllamaModelId(modelId))
    options.ollama = { origin: settings.ollamaOrigin, model: modelId.slice(OLLAMA_MODEL_PREFIX.length) };
  return options;
}

export type OllamaLoader = (options: OllamaEmbedderOptions) => Promise<Embedder>;

/** Loads with Ollama when the options name it, else with the app's transformers.js loader. */
export function loadWithBackend(
  options: EmbedderLoadOptions,
  load: EmbedderLoader,
  loadOllama: OllamaLoader = loadOllamaEmbedder,
): Promise<Embedder> {
  if (!options.ollama) return load(options);
  const pageOrigin = (globalThis as { location?: { origin?: string } }).location?.origin;
  return loadOllama({ ...options.ollama, ...(pageOrigin && pageOrigin !== 'null' ? { pageOrigin } : {}) });
}
