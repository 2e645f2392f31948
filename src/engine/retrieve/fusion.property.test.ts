// Property tests of rank fusion: every input id comes out once, scores are finite and match the formula, and the
// order of the input lists never changes the result (ties included).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Hit } from '../core/types.ts';
import { reciprocalRankFusion, weightedFusion } from './fusion.ts';

const list = fc
  .uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 25 })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: ids.length, maxLength: ids.length }),
    ),
  )
  .map(([ids, scores]): Hit[] => ids.map((id, i) => ({ id, score: scores[i]! })));
const lists = fc.array(list, { minLength: 1, maxLength: 4 });

describe('fusion properties', () => {
  it('RRF: every input id exactly once, finite scores equal to Σ 1/(k + rank), sorted', () => {
    fc.assert(
      fc.property(lists, fc.integer({ min: 0, max: 100 }), (input, k) => {
        const fused = reciprocalRankFusion(input, k);
        const ids = new Set(input.flatMap((l) => l.map((h) => h.id)));
        expect(fused.map((h) => h.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
        for (let i = 0; i < fused.length; i++) {
          const h = fused[i]!;
          expect(Number.isFinite(h.score)).toBe(true);
          let want = 0;
          for (const l of input) {
            const rank = l.findIndex((x) => x.id === h.id);
            if (rank >= 0) want += 1 / (k + rank + 1);
          }
          expect(h.score).toBeCloseTo(want, 12);
          if (i > 0) expect(h.score).toBeLessThanOrEqual(fused[i - 1]!.score);
        }
      }),
      { numRuns: 300, seed: 19 },
    );
  });

  it('RRF and weighted fusion do not depend on the order of the lists, ties included', () => {
    fc.assert(
      fc.property(lists, fc.func(fc.integer()), (input, shuffleKey) => {
        const order = input.map((_, i) => i).sort((a, b) => shuffleKey(a) - shuffleKey(b) || a - b);
        const permuted = order.map((i) => input[i]!);
        const plain = (hits: { id: number; score: number }[]) => hits.map((h) => [h.id, Number(h.score.toFixed(12))]);
        expect(plain(reciprocalRankFusion(permuted))).toEqual(plain(reciprocalRankFusion(input)));
        const weights = input.map((_, i) => 1 + (i % 3));
        const fusedW = weightedFusion(input, weights);
        expect(
          plain(
            weightedFusion(
              permuted,
              order.map((i) => weights[i]!),
            ),
          ),
        ).toEqual(plain(fusedW));
        for (const h of fusedW) expect(Number.isFinite(h.score)).toBe(true);
      }),
      { numRuns: 300, seed: 23 },
    );
  });
});
