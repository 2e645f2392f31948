// Which model embeds with given settings: a registry id, or a local Ollama server's model as "ollama:<name:tag>".
// The status, the stored "which vectors serve" record, the loader and the Settings view all name it this way.
import type { EngineSettings } from '../api/settings.ts';
import { TroveError } from '../core/errors.ts';

/** Model ids of Ollama-backed embedders start with this, e.g. "ollama:nomic-embed-text:latest". */
export const OLLAMA_MODEL_PREFIX = 'ollama:';

/** "nomic-embed-text" → "nomic-embed-text:latest" (Ollama's own default tag), so both spellings are one space. */
export function ollamaModelName(model: string): string {
  const name = model.trim();
  if (!name) throw new TroveError('INVALID_ARGUMENT', 'The Ollama model name is empty (e.g. "nomic-embed-text").');
  if (/\s/.test(name)) throw new TroveError('INVALID_ARGUMENT', `The Ollama model name "${name}" contains spaces.`);
  if (/\p{Cc}/u.test(name))
    throw new TroveError('INVALID_ARGUMENT', 'The Ollama model name contains control characters.');
  const last = name.split('/').at(-1) ?? name;
  return last.includes(':') ? name : `${name}:latest`;
}

/** The id of the model that embeds with these settings: a registry id, or "ollama:<name:tag>". */
export function effectiveModelId(settings: EngineSettings): string {
  return settings.ollamaEnabled ? `${OLLAMA_MODEL_PREFIX}${ollamaModelName(settings.ollamaModel)}` : settings.modelId;
}

/** Whether a model id names a model of a local Ollama server. */
export function isOllamaModelId(id: string): boolean {
  return id.startsWith(OLLAMA_MODEL_PREFIX);
}
