// Combining ranked lists from different retrievers (BM25, vectors) into one ranking.
import type { Hit } from '../types.ts';

export interface FusedHit {
  id: number;
  score: number;
  /** Per input list: 1-based rank and raw score, or undefined when the list did not return the id. */
  sources: Array<{ rank: number; score: number } | undefined>;
}

/**
 * Reciprocal rank fusion (Cormack et al. 2009): score = Σ 1 / (k + rank). Scale-free, so BM25 scores and
 * cosines need no calibration. k = 60 is the paper's value.
 */
export function reciprocalRankFusion(lists: Hit[][], k = 60): FusedHit[] {
  if (!(k >= 0)) throw new RangeError(`RRF k must be ≥ 0, got ${k}`);
  return fuse(lists, (rank) => 1 / (k + rank));
}

/**
 * Weighted fusion: each list's scores min-max normalised to [0, 1], then Σ weight × normalised score.
 * With weights [1 − alpha, alpha] this is the classic alpha blend of keyword and vector scores.
 */
export function weightedFusion(lists: Hit[][], weights: number[]): FusedHit[] {
  if (weights.length !== lists.length) throw new RangeError('one weight per list');
  const ranges = lists.map((hits) => {
    let min = Infinity;
    let max = -Infinity;
    for (const h of hits) {
      if (h.score < min) min = h.score;
      if (h.score > max) max = h.score;
    }
    return { min, span: max - min };
  });
  return fuse(lists, (_rank, score, list) => {
    const { min, span } = ranges[list];
    return weights[list] * (span > 0 ? (score - min) / span : 1);
  });
}

function fuse(lists: Hit[][], contribution: (rank: number, score: number, list: number) => number): FusedHit[] {
  const byId = new Map<number, FusedHit>();
  lists.forEach((hits, list) => {
    hits.forEach((hit, index) => {
      let fused = byId.get(hit.id);
      if (!fused) {
        fused = { id: hit.id, score: 0, sources: new Array(lists.length).fill(undefined) };
        byId.set(hit.id, fused);
      }
      // A list may (wrongly) repeat an id: only its best (first) rank counts.
      if (fused.sources[list]) return;
      fused.sources[list] = { rank: index + 1, score: hit.score };
      fused.score += contribution(index + 1, hit.score, list);
    });
  });
  // Ties: better best-rank first, then lower id, so results are deterministic.
  const bestRank = (h: FusedHit) => Math.min(...h.sources.map((s) => s?.rank ?? Infinity));
  return [...byId.values()].sort((a, b) => b.score - a.score || bestRank(a) - bestRank(b) || a.id - b.id);
}
