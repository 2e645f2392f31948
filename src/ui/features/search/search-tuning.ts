// Per-query retrieval choices beyond the mode: fusion of the two lists, MMR diversification, and reranking.
import type { SearchOptions } from '../../../engine/api/index.ts';

export interface SearchTuning {
  /** Rerank the shown results with the cross-encoder once they are on screen. */
  rerank: boolean;
  fusion: 'rrf' | 'weighted';
  rrfK: number;
  /** Weight of the vector side in weighted fusion (0 = keyword order, 1 = semantic order). */
  alpha: number;
  normalization: 'minmax' | 'zscore';
  /** MMR lambda; undefined = no diversification. */
  mmr?: number;
}

export const DEFAULT_TUNING: SearchTuning = {
  rerank: false,
  fusion: 'rrf',
  rrfK: 60,
  alpha: 0.5,
  normalization: 'minmax',
};

/** The engine's search options for these choices (fusion only applies to hybrid search). */
export function tuningOptions(tuning: SearchTuning): Pick<SearchOptions, 'fusion' | 'mmr'> {
  return {
    fusion:
      tuning.fusion === 'weighted'
        ? { method: 'weighted', alpha: tuning.alpha, normalization: tuning.normalization }
        : { method: 'rrf', k: tuning.rrfK },
    ...(tuning.mmr !== undefined && { mmr: { lambda: tuning.mmr } }),
  };
}
