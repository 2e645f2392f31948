// The Reranker interface: scores (query, passage) pairs with a cross-encoder; the engine reorders its fused top-N
// by these scores. transformers.js stays behind it (transformers-reranker.ts).
import type { RerankerSpec } from '../models/reranker-registry.ts';
import type { EmbedDevice, ModelDtype } from '../api/model-spec.ts';

export interface RerankOptions {
  /** Checked between batches: an unfinished rerank rejects with TroveError CANCELLED. */
  signal?: AbortSignal;
  /** Pairs per model run. */
  batchSize?: number;
  /** Called after each batch with pairs scored so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface Reranker {
  readonly model: RerankerSpec;
  readonly device: EmbedDevice;
  readonly dtype: ModelDtype;
  /** Why the device differs from the one asked for, for the UI. */
  readonly deviceNote?: string;
  /** Tokens a pair may have, special tokens included; longer pairs are cut, the longer side first. */
  readonly maxPairTokens: number;
  /** One relevance score (a logit: higher = more relevant, unbounded) per passage, in input order. */
  score(query: string, passages: readonly string[], options?: RerankOptions): Promise<Float32Array>;
  /** Releases the ONNX session; later calls reject. */
  dispose(): Promise<void>;
}

export interface Reranked<T> {
  item: T;
  rerankScore: number;
  /** 1-based position before reranking. */
  previousRank: number;
}

/** Scores every candidate and sorts by rerank score, best first; equal scores keep the input order. */
export async function rerank<T>(
  reranker: Reranker,
  query: string,
  candidates: readonly T[],
  textOf: (candidate: T) => string,
  options: RerankOptions = {},
): Promise<Reranked<T>[]> {
  if (candidates.length === 0) return [];
  const scores = await reranker.score(query, candidates.map(textOf), options);
  return candidates
    .map((item, i) => ({ item, rerankScore: scores[i], previousRank: i + 1 }))
    .sort((a, b) => b.rerankScore - a.rerankScore || a.previousRank - b.previousRank);
}
