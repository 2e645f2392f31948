// Engine settings: defaults, validation, and which changes need the model or the keyword index rebuilt.
import type { EngineSettings } from '../api/index.ts';
import { TroveError } from '../core/errors.ts';
import { SETTING_LIMITS, describeRange, inRange, type LimitedSetting, type Range } from '../core/limits.ts';
import { DEFAULT_MODEL_ID, getModelSpec } from '../models/model-registry.ts';
import { DEFAULT_RERANKER_ID, getRerankerSpec } from '../models/reranker-registry.ts';
import { DEFAULT_IMAGE_MODEL_ID, getImageModelSpec } from '../models/image-model-registry.ts';
import { indexPolicy } from '../library/vector-set.ts';
import { validateRedactionSettings } from '../privacy/redaction-settings.ts';
import { DEFAULT_PII_TYPES } from '../privacy/pii.ts';
import { OCR_MODES } from '../ingest/ocr/recognizer.ts';
import { DEFAULT_OLLAMA_MODEL, DEFAULT_OLLAMA_ORIGIN, ollamaOrigin } from '../embed/ollama-embedder.ts';
import { ollamaModelName } from '../models/effective-model.ts';
import { DEFAULT_OLLAMA_CHAT_MODEL } from '../answers/ollama-generator.ts';
import { DEFAULT_MODEL_HOST, parseModelHost } from '../models/model-host.ts';
import { validateCustomModels } from '../models/custom-model-settings.ts';
import { dtypeForModel, validateDtypeChoice } from '../models/dtype-choice.ts';

export const DEVICES: ReadonlyArray<EngineSettings['device']> = ['auto', 'webgpu', 'wasm'];

export const DEFAULT_SETTINGS: EngineSettings = {
  modelId: DEFAULT_MODEL_ID,
  allowRemoteModels: true,
  localModelPath: '/models/',
  device: 'auto',
  // ~256 tokens is a paragraph or two: small enough to point at the answer, large enough to carry context.
  chunkTokens: 256,
  chunkOverlapTokens: 32,
  // A browser tab has a few GB at best; past this a file is better split (or added with the command line).
  maxFileMB: 200,
  // Lucene/Anserini defaults for BM25.
  bm25K1: 0.9,
  bm25B: 0.4,
  rrfK: 60,
  indexKind: 'auto',
  // Below ~20k vectors an exact scan answers in a few milliseconds (WASM SIMD, 384 dims) and is exact;
  // past it the scan grows linearly while HNSW stays near-constant.
  hnswThreshold: 20_000,
  quantization: 'none',
  hnswM: 16,
  hnswEfConstruction: 200,
  hnswEf: 64,
  keepPreviousVectors: false,
  rerankerId: DEFAULT_RERANKER_ID,
  // A MiniLM-L6 cross-encoder over 20 passages of 256 tokens takes ~1 s on a fast laptop's CPU; the calibration
  // lowers it on slower devices.
  rerankDepth: 20,
  rerankDefault: 'auto',
  redactPii: false,
  redactTypes: [...DEFAULT_PII_TYPES],
  redactCustom: [],
  // Scans are OCR'd; pages with a text layer keep it (OCR is slow: seconds per page).
  ocrMode: 'no-text-layer',
  ollamaEnabled: false,
  ollamaOrigin: DEFAULT_OLLAMA_ORIGIN,
  ollamaModel: DEFAULT_OLLAMA_MODEL,
  ollamaChatModel: DEFAULT_OLLAMA_CHAT_MODEL,
  // Passages, thread and question within Qwen2.5's 32k context and any model's 4k; the server is asked for this much.
  ollamaChatPromptTokens: 3072,
  modelHost: DEFAULT_MODEL_HOST,
  customModels: [],
  dtype: 'auto',
  // The file as added: the PDF page view and "open original" need it; costs its size again in storage.
  keepOriginals: true,
  keepPictureMetadata: false,
  // A second model of ~150 MB: downloaded only once the user asks for picture search.
  imageSearch: false,
  imageModelId: DEFAULT_IMAGE_MODEL_ID,
};

export function mergeSettings(base: EngineSettings, patch: Partial<EngineSettings>): EngineSettings {
  const next = { ...base };
  for (const [key, value] of Object.entries(patch) as Array<[keyof EngineSettings, unknown]>) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_SETTINGS)) throw new TroveError('INVALID_ARGUMENT', `Unknown setting "${key}".`);
    (next as Record<string, unknown>)[key] = value;
  }
  // Another model (Settings, a link, the build) drops a dtype it has no weights for.
  if (patch.modelId !== undefined && patch.dtype === undefined) next.dtype = dtypeForModel(next.modelId, next.dtype);
  validate(next);
  return next;
}

function validate(s: EngineSettings): void {
  // A stored custom spec is valid when it passes its checks; the model may be one of them
  validateCustomModels(s.customModels);
  const modelSpec = s.customModels.find((spec) => spec.id === s.modelId) ?? getModelSpec(s.modelId); // throws, naming the valid ids
  getRerankerSpec(s.rerankerId);
  if (!['auto', 'on', 'off'].includes(s.rerankDefault)) {
    throw new TroveError('INVALID_ARGUMENT', `rerankDefault must be auto, on or off, got "${s.rerankDefault}".`);
  }
  if (!DEVICES.includes(s.device)) {
    throw new TroveError('INVALID_ARGUMENT', `device must be one of ${DEVICES.join(', ')}, got "${s.device}".`);
  }
  for (const [name, range] of Object.entries(SETTING_LIMITS) as Array<[LimitedSetting, Range]>) {
    if (!inRange(s[name], range)) {
      throw new TroveError('INVALID_ARGUMENT', `${name} must be ${describeRange(range)}, got ${String(s[name])}.`);
    }
  }
  if (s.chunkOverlapTokens > s.chunkTokens / 2) {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `chunkOverlapTokens must be at most half of chunkTokens (${Math.floor(s.chunkTokens / 2)}), got ${s.chunkOverlapTokens}.`,
    );
  }
  if (!['auto', 'flat', 'hnsw'].includes(s.indexKind)) {
    throw new TroveError('INVALID_ARGUMENT', `indexKind must be auto, flat or hnsw, got "${s.indexKind}".`);
  }
  if (!['none', 'int8', 'binary'].includes(s.quantization)) {
    throw new TroveError('INVALID_ARGUMENT', `quantization must be none, int8 or binary, got "${s.quantization}".`);
  }
  if (!OCR_MODES.includes(s.ocrMode)) {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `ocrMode must be one of ${OCR_MODES.join(', ')}, got "${String(s.ocrMode)}".`,
    );
  }
  if (typeof s.keepPreviousVectors !== 'boolean')
    throw new TroveError('INVALID_ARGUMENT', 'keepPreviousVectors must be true or false.');
  if (typeof s.keepOriginals !== 'boolean')
    throw new TroveError('INVALID_ARGUMENT', 'keepOriginals must be true or false.');
  if (typeof s.keepPictureMetadata !== 'boolean')
    throw new TroveError('INVALID_ARGUMENT', 'keepPictureMetadata must be true or false.');
  if (typeof s.imageSearch !== 'boolean')
    throw new TroveError('INVALID_ARGUMENT', 'imageSearch must be true or false.');
  getImageModelSpec(s.imageModelId); // throws, naming the valid ids
  if (typeof s.allowRemoteModels !== 'boolean')
    throw new TroveError('INVALID_ARGUMENT', 'allowRemoteModels must be true or false.');
  validateRedactionSettings(s);
  validateDtypeChoice(s.dtype, modelSpec);
  if (typeof s.localModelPath !== 'string' || !s.localModelPath) {
    throw new TroveError('INVALID_ARGUMENT', 'localModelPath must be a non-empty path such as "/models/".');
  }
  if (typeof s.ollamaEnabled !== 'boolean')
    throw new TroveError('INVALID_ARGUMENT', 'ollamaEnabled must be true or false.');
  if (typeof s.ollamaOrigin !== 'string' || typeof s.ollamaModel !== 'string') {
    throw new TroveError('INVALID_ARGUMENT', 'ollamaOrigin and ollamaModel must be text.');
  }
  ollamaOrigin(s.ollamaOrigin); // throws, saying what an origin looks like
  ollamaModelName(s.ollamaModel);
  if (typeof s.ollamaChatModel !== 'string')
    throw new TroveError('INVALID_ARGUMENT', 'ollamaChatModel must be text, e.g. "qwen2.5:1.5b".');
  ollamaModelName(s.ollamaChatModel);
  if (typeof s.modelHost !== 'string')
    throw new TroveError('INVALID_ARGUMENT', 'modelHost must be "self" or an origin such as https://huggingface.co.');
  parseModelHost(s.modelHost); // throws, saying what is wrong
}

/** The vector-index part of the settings. */
export function indexChanged(a: EngineSettings, b: EngineSettings): boolean {
  return JSON.stringify(indexPolicy(a)) !== JSON.stringify(indexPolicy(b));
}

/** Settings whose change means a different embedding model (so different vectors). */
export function modelChanged(a: EngineSettings, b: EngineSettings): boolean {
  return (
    a.modelId !== b.modelId ||
    // The entry of the model in use changed (e.g. re-added at a newer commit)
    JSON.stringify(a.customModels.find((m) => m.id === a.modelId)) !==
      JSON.stringify(b.customModels.find((m) => m.id === b.modelId)) ||
    a.allowRemoteModels !== b.allowRemoteModels ||
    a.localModelPath !== b.localModelPath ||
    a.device !== b.device ||
    a.ollamaEnabled !== b.ollamaEnabled ||
    (b.ollamaEnabled &&
      (ollamaOrigin(a.ollamaOrigin) !== ollamaOrigin(b.ollamaOrigin) ||
        ollamaModelName(a.ollamaModel) !== ollamaModelName(b.ollamaModel))) ||
    a.dtype !== b.dtype
  );
}
