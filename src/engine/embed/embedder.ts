// The Embedder interface: text in, L2-normalised vectors out. The engine sees only this; transformers.js stays behind it.
import type { DeviceCheckVerdict } from './device-self-check.ts';
import type { DeviceSpeedRecord } from './device-speed.ts';
import type { EmbedDevice, ModelDtype, ModelSpec } from '../api/model-spec.ts';

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Called after each batch with passages embedded so far. */
  onProgress?: (done: number, total: number) => void;
  /** Passages per model run. */
  batchSize?: number;
}

export interface Embedder {
  /** Registry entry of the loaded model. */
  readonly model: ModelSpec;
  readonly device: EmbedDevice;
  readonly dtype: ModelDtype;
  /** Identifies the vector space (see modelFingerprint); stored with every vector set. */
  readonly fingerprint: string;
  /** Tokens a passage may have before it is truncated: maxTokens minus special tokens and the passage prefix. */
  readonly maxPassageTokens: number;
  /** Why the device differs from the one asked for (e.g. WebGPU failed its self-check), for the UI. */
  readonly deviceNote?: string;
  /** WASM threads in use (1 unless cross-origin isolated); undefined elsewhere. */
  readonly threads?: number;
  /** The dtype this device would use when none is forced (differs from dtype when stored vectors pin another). */
  readonly defaultDtype?: ModelDtype;
  /** The WebGPU numeric self-check's verdict, when WebGPU was available. */
  readonly deviceCheck?: DeviceCheckVerdict;
  /** Passages per model run that measured fastest here; also embedPassages' default when no batchSize is given. */
  preferredBatchSize?: number;
  /** The device and batch size measurement in force (measured at this load or remembered), when one ran. */
  readonly deviceSpeed?: DeviceSpeedRecord & { remembered: boolean };
  /** Tokens by the model's tokenizer, without special tokens. */
  countTokens(text: string): number;
  /**
   * Embeds passages (passagePrefix applied). Returns texts.length rows of model.dims floats in input order,
   * each L2-normalised; a text with no known tokens gives a zero row, never NaN.
   * Rejects with TroveError CANCELLED when the signal aborts (checked between batches).
   */
  embedPassages(texts: string[], options?: EmbedOptions): Promise<Float32Array>;
  /** Embeds a query (queryPrefix applied); recent queries are answered from a cache. Returns a fresh copy. */
  embedQuery(text: string): Promise<Float32Array>;
  /** Releases the ONNX session; later calls reject. */
  dispose(): Promise<void>;
}

/** Scales v to unit length in place; a zero (or non-finite) vector becomes all zeros instead of NaN. */
export function normalizeInPlace(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const norm = Math.sqrt(sum);
  if (!(norm > 1e-12) || !Number.isFinite(norm)) {
    v.fill(0);
    return v;
  }
  for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}
