// What bench/rerank.ts asks the page, and what the page answers.
import type { RerankerSpec } from '../../src/engine/models/reranker-registry.ts';

export interface RerankRequest {
  spec: RerankerSpec;
  threads: number;
  query: string;
  passages: string[];
  /** Candidate counts to time, e.g. [10, 20, 30]. */
  counts: number[];
  repeats: number;
}

export interface RerankTimings {
  crossOriginIsolated: boolean;
  threads: number;
  device: string;
  loadMs: number;
  /** Median ms per count, in request order. */
  medianMs: number[];
}
