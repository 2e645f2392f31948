import { describe, expect, it } from 'vitest';
import { mmrRerank } from './mmr.ts';

const unit = (...xs: number[]) => {
  const v = Float32Array.from(xs);
  const n = Math.hypot(...xs);
  return v.map((x) => x / n);
};

// 1 and 2 are near-duplicates; 3 is different and a little less relevant.
const candidates = [
  { id: 1, score: 1.0 },
  { id: 2, score: 0.95 },
  { id: 3, score: 0.9 },
  { id: 4, score: 0.0 },
];
const vectors = new Map([
  [1, unit(1, 0, 0)],
  [2, unit(1, 0.05, 0)],
  [3, unit(0, 1, 0)],
  [4, unit(0, 0, 1)],
]);

describe('mmrRerank', () => {
  it('lambda 1 keeps the input order', () => {
    expect(mmrRerank(candidates, (id) => vectors.get(id), 1).map((c) => c.id)).toEqual([1, 2, 3, 4]);
  });

  // λ 0.7, third pick: 2 → 0.7·0.95 − 0.3·0.9988 ≈ 0.365 beats 4 → 0; second pick: 3 → 0.63 beats 2.
  it('a lower lambda moves a near-duplicate below a different passage', () => {
    expect(mmrRerank(candidates, (id) => vectors.get(id), 0.7).map((c) => c.id)).toEqual([1, 3, 2, 4]);
  });

  it('lambda 0 picks the most relevant first, then by dissimilarity only', () => {
    // After 1: sims 2≈1, 3=0, 4=0 → 3 (input order breaks the tie); then 4 (sim 0) before 2.
    expect(mmrRerank(candidates, (id) => vectors.get(id), 0).map((c) => c.id)).toEqual([1, 3, 4, 2]);
  });

  it('stops at k, treats a candidate without a vector as unlike all, and rejects lambda outside 0..1', () => {
    expect(mmrRerank(candidates, (id) => (id === 2 ? undefined : vectors.get(id)), 0.5, 2).map((c) => c.id)).toEqual([
      1, 2,
    ]);
    expect(() => mmrRerank(candidates, () => undefined, 1.1)).toThrow(/between 0 and 1/);
    expect(mmrRerank([], () => undefined, 0.5)).toEqual([]);
  });
});
