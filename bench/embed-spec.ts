import type { ModelSpec } from '../src/engine/api/model-spec.ts';
// Registry entry for the embed benchmark's random-weight MiniLM-L6-shaped model (bench/embed-model.ts), shared by the
// Node driver and the browser worker. Registry-like: q8 on WASM, fp32 on WebGPU, mean pooling, 256-token inputs.

export const BENCH_MODEL_REPO = 'bench/minilm-l6-random';

export const BENCH_SPEC: ModelSpec = {
  id: 'bench-minilm-l6-random',
  repo: BENCH_MODEL_REPO,
  revision: 'local',
  dims: 384,
  architecture: 'transformer',
  pooling: 'mean',
  normalize: true,
  queryPrefix: '',
  passagePrefix: '',
  maxTokens: 256,
  dtype: { webgpu: 'fp32', wasm: 'q8', cpu: 'q8' },
  sizeMB: { fp32: 90, q8: 58 },
  localOnly: true,
  testFixture: true,
  license: 'none (random weights)',
  languages: ['en'],
  summary: 'Benchmark model: MiniLM-L6 shape, random weights.',
  quality: 'None: random weights (speed only).',
};

/** One measured configuration of the app's embedder in the browser. */
export interface EmbedRunRequest {
  label: string;
  texts: string[];
  dtype: 'fp32' | 'q8';
  /** undefined: the app's default (wasmThreads for the worker scope). */
  numThreads?: number;
  /** false: batches of batchSize in input order (one embedPassages call each), the naive way. */
  sorted: boolean;
  batchSize?: number;
}

export interface EmbedRunResult {
  label: string;
  passages: number;
  ms: number;
  loadMs: number;
  threads: number;
  dtype: string;
  isolated: boolean;
  checksum: number;
}
