// What bench/generate.ts asks (the page, or the Node run), and what it answers.

export interface GenerateRequest {
  threads: number;
  /**
   * ONNX Runtime Web build: app (transformers.js' WebGPU-capable frontend with the files the app's workers pick here,
   * src/worker/ort-files.ts), asyncify (that frontend with its own WebGPU-capable files), or plain (the WASM-only
   * frontend and files).
   */
  ortBuild: 'app' | 'asyncify' | 'plain';
  /** Prompt tokens fed at once (the prefill). */
  promptTokens: number;
  /** Tokens generated greedily, the first one included. */
  newTokens: number;
  layers: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
}

export interface GenerateTimings {
  crossOriginIsolated: boolean;
  threads: number;
  loadMs: number;
  /** A short decode before the timed one (tiered WASM compilation, kernel preparation). */
  warmupMs: number;
  /** Prefill of the prompt and the first token. */
  timeToFirstTokenMs: number;
  /** Tokens after the first, per second, each fed alone with the KV cache. */
  decodeTokensPerSecond: number;
  /** Greedy ids: the same graph must give the same ids on every backend. */
  ids: number[];
}
