// Maximal marginal relevance (Carbonell & Goldstein 1998): reorders a ranked list so that each next pick is
// relevant but unlike the picks before it. lambda = 1 keeps the input order, lower values favour diversity.
import { TroveError } from '../core/errors.ts';

export interface MmrCandidate {
  id: number;
  score: number;
}

/**
 * Returns up to k candidates in MMR order: argmax λ·rel(d) − (1 − λ)·max_{s picked} cos(d, s), where rel is the
 * candidate's score min-max normalised over the list (fused scores and cosines live on different scales).
 * vectorOf gives an L2-normalised vector (cosine = dot); a candidate without one counts as unlike everything.
 * Cost O(k · n · dims).
 */
export function mmrRerank<T extends MmrCandidate>(
  candidates: readonly T[],
  vectorOf: (id: number) => Float32Array | undefined,
  lambda: number,
  k = candidates.length,
): T[] {
  if (!(lambda >= 0 && lambda <= 1))
    throw new TroveError('INVALID_ARGUMENT', `MMR lambda must be between 0 and 1, got ${lambda}.`);
  const n = candidates.length;
  const take = Math.min(Math.max(0, Math.floor(k)), n);
  let min = Infinity;
  let max = -Infinity;
  for (const c of candidates) {
    if (c.score < min) min = c.score;
    if (c.score > max) max = c.score;
  }
  const span = max - min;
  const relevance = candidates.map((c) => (span > 0 ? (c.score - min) / span : 1));
  const vectors = candidates.map((c) => vectorOf(c.id));
  // Highest similarity to any picked candidate so far, updated after each pick: linear per pick.
  const maxSimilarity = new Float64Array(n).fill(-Infinity);
  const picked = new Uint8Array(n);
  const out: T[] = [];
  for (let round = 0; round < take; round++) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < n; i++) {
      if (picked[i]) continue;
      const penalty = round === 0 ? 0 : Math.max(0, maxSimilarity[i]);
      const value = lambda * relevance[i] - (1 - lambda) * penalty;
      // Strictly greater: equal values keep the input order.
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    picked[best] = 1;
    out.push(candidates[best]);
    const chosen = vectors[best];
    if (!chosen) continue;
    for (let i = 0; i < n; i++) {
      const v = vectors[i];
      if (picked[i] || !v) continue;
      const sim = dot(chosen, v);
      if (sim > maxSimilarity[i]) maxSimilarity[i] = sim;
    }
  }
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  const len = Math.min(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < len; i++) sum += a[i] * b[i];
  return sum;
}
