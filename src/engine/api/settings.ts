// The engine's settings, as the Settings view reads and changes them.
import type { OcrMode } from './ingest.ts';
import type { ModelSpec } from './model-spec.ts';
import type { BuiltinPiiType, CustomPatternSpec } from './redaction.ts';

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
  /** Registry id of the cross-encoder reranker (models/reranker-registry.ts). */
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
  /** OCR of images and PDF pages: never, pages without a text layer (scans), or every page. */
  ocrMode: OcrMode;
  /** Embed with a local Ollama server instead of the in-browser model (off by default; the build must allow its origin). */
  ollamaEnabled: boolean;
  /** The Ollama server's origin, e.g. "http://localhost:11434". */
  ollamaOrigin: string;
  /** The embedding model as Ollama names it, e.g. "nomic-embed-text". */
  ollamaModel: string;
  /** The answer model as the Ollama server names it, e.g. "qwen2.5:1.5b" (used only when the answer panel picks Ollama). */
  ollamaChatModel: string;
  /** Prompt budget of Ollama answers in estimated tokens: passages, thread, system prompt and question together. */
  ollamaChatPromptTokens: number;
  /**
   * Where model files are downloaded from: a build setting (VITE_TROVE_MODEL_HOST), never the user's or a link's.
   * An origin with the hub's layout ("https://huggingface.co", a mirror) or "self" (only this site's models/ path).
   */
  modelHost: string;
  /** Embedding models the user added from a Hugging Face repo (checked by checkCustomModel); modelId may name one. */
  customModels: ModelSpec[];
  /** Model weights' precision: 'auto' = the registry's choice for the device (e.g. fp32 on WebGPU, q8 on WASM). */
  dtype: 'auto' | 'fp32' | 'fp16' | 'q8' | 'q4';
  /** Keep each added file's bytes (for the PDF page view and "open original"); not for redacted files. */
  keepOriginals: boolean;
  /**
   * Keep what cameras write into a kept picture (EXIF: GPS position, time, camera; XMP, comments). Off: a picture's
   * kept original is stored without it (orientation aside); its thumbnail never has any.
   */
  keepPictureMetadata: boolean;
  /** Find pictures by what they show (an image–text model, downloaded when turned on). Off by default. */
  imageSearch: boolean;
  /** Registry id of the image–text model (models/image-model-registry.ts). */
  imageModelId: string;
}

/** A URL parameter that was not applied because it would widen what the user allowed. */
export interface SettingsRefusal {
  key: string;
  reason: string;
}

export interface SettingsApi {
  getSettings(): Promise<EngineSettings>;
  updateSettings(settings: Partial<EngineSettings>): Promise<EngineSettings>;
}
