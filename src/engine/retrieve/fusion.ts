// Combining ranked lists from different retrievers (BM25, vectors) into one ranking.
import type { Hit } from '../core/types.ts';
import type { ScoreNormalization } from '../api/search.ts';

export interface FusedHit {
  id: number;
  score: number;
  /** Per input list: 1-based rank and raw score, or undefined when the list did not return the id. */
  sources: Array<{ rank: number; score: number } | undefined>;
}

export const SCORE_NORMALIZATIONS: readonly ScoreNormalization[] = ['minmax', 'zscore'];

/**
 * Reciprocal rank fusion (Cormack et al. 2009): score = Σ 1 / (k + rank). Scale-free, so BM25 scores and
 * cosines need no calibration. k = 60 is the paper's value.
 */
export function reciprocalRankFusion(lists: Hit[][], k = 60): FusedHit[] {
  if (!(k >= 0)) throw new RangeError(`RRF k must be ≥ 0, got ${k}`);
  return fuse(
    lists,
    lists.map(() => true),
    (rank) => 1 / (k + rank),
  );
}

/**
 * Weighted fusion: each list's scores normalised (min-max to [0, 1], or z-score), then Σ weight × normalised score.
 * With weights [1 − alpha, alpha] this is the classic alpha blend of keyword and vector scores.
 * An id a list did not return gets that list's lowest normalised score (it ranked below everything returned).
 * A list with weight 0 takes no part: ids only it returned are left out and its ranks never break ties, so
 * weights [1, 0] rank exactly as the first list alone (its raw sources are still reported).
 */
export function weightedFusion(
  lists: Hit[][],
  weights: number[],
  normalization: ScoreNormalization = 'minmax',
): FusedHit[] {
  if (weights.length !== lists.length) throw new RangeError('one weight per list');
  for (const w of weights)
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weights must be finite and ≥ 0, got ${w}`);
  if (!SCORE_NORMALIZATIONS.includes(normalization)) {
    throw new RangeError(
      `normalization must be one of ${SCORE_NORMALIZATIONS.join(', ')}, got ${String(normalization)}`,
    );
  }
  const scales = lists.map((hits) => listScale(hits, normalization));
  const counts = weights.map((w) => w > 0);
  const fused = fuse(lists, counts, (_rank, score, list) => weights[list] * scales[list].normalize(score));
  // Add the floor of every counted list the id is missing from; ranks and ties are unchanged for single lists.
  for (const hit of fused) {
    hit.sources.forEach((source, list) => {
      if (!source && counts[list] && lists[list].length > 0) hit.score += weights[list] * scales[list].floor;
    });
  }
  return fused.sort(byScoreThenRank(counts));
}

interface ListScale {
  normalize(score: number): number;
  /** The lowest normalised score in the list (0 for min-max). */
  floor: number;
}

function listScale(hits: readonly Hit[], normalization: ScoreNormalization): ListScale {
  if (hits.length === 0) return { normalize: () => 0, floor: 0 };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const h of hits) {
    if (h.score < min) min = h.score;
    if (h.score > max) max = h.score;
    sum += h.score;
  }
  if (normalization === 'minmax') {
    const span = max - min;
    // All scores equal: every returned id is equally (fully) relevant for this list.
    return span > 0 ? { normalize: (s) => (s - min) / span, floor: 0 } : { normalize: () => 1, floor: 1 };
  }
  const mean = sum / hits.length;
  let squares = 0;
  for (const h of hits) squares += (h.score - mean) ** 2;
  const std = Math.sqrt(squares / hits.length);
  if (!(std > 0)) return { normalize: () => 0, floor: 0 };
  return { normalize: (s) => (s - mean) / std, floor: (min - mean) / std };
}

function fuse(
  lists: Hit[][],
  counts: readonly boolean[],
  contribution: (rank: number, score: number, list: number) => number,
): FusedHit[] {
  const byId = new Map<number, FusedHit>();
  const ensure = (id: number) => {
    let fused = byId.get(id);
    if (!fused) {
      fused = { id, score: 0, sources: new Array(lists.length).fill(undefined) };
      byId.set(id, fused);
    }
    return fused;
  };
  // Counted lists decide membership; uncounted ones (weight 0) only report their rank and score.
  lists.forEach((hits, list) => {
    if (!counts[list]) return;
    hits.forEach((hit, index) => {
      const fused = ensure(hit.id);
      // A list may (wrongly) repeat an id: only its best (first) rank counts.
      if (fused.sources[list]) return;
      fused.sources[list] = { rank: index + 1, score: hit.score };
      fused.score += contribution(index + 1, hit.score, list);
    });
  });
  lists.forEach((hits, list) => {
    if (counts[list]) return;
    hits.forEach((hit, index) => {
      const fused = byId.get(hit.id);
      if (fused && !fused.sources[list]) fused.sources[list] = { rank: index + 1, score: hit.score };
    });
  });
  return [...byId.values()].sort(byScoreThenRank(counts));
}

/** Ties: better best rank among the counted lists first, then lower id, so results are deterministic. */
function byScoreThenRank(counts: readonly boolean[]): (a: FusedHit, b: FusedHit) => number {
  const bestRank = (h: FusedHit) => {
    let best = Infinity;
    h.sources.forEach((s, list) => {
      if (s && counts[list] && s.rank < best) best = s.rank;
    });
    return best;
  };
  return (a, b) => b.score - a.score || bestRank(a) - bestRank(b) || a.id - b.id;
}
