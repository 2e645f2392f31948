import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { fuseKeywordAndVector } from './fuser.ts';
import { reciprocalRankFusion, weightedFusion } from './fusion.ts';
import type { ScoreNormalization } from '../api/search.ts';

describe('reciprocalRankFusion', () => {
  it('sums 1/(k+rank) over the lists that return an id', () => {
    const bm25 = [
      { id: 1, score: 9 },
      { id: 2, score: 5 },
    ];
    const vec = [
      { id: 2, score: 0.9 },
      { id: 3, score: 0.8 },
    ];
    const fused = reciprocalRankFusion([bm25, vec], 60);
    expect(fused.map((h) => h.id)).toEqual([2, 1, 3]);
    expect(fused[0].score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused[1].score).toBeCloseTo(1 / 61, 12);
    expect(fused[0].sources).toEqual([
      { rank: 2, score: 5 },
      { rank: 1, score: 0.9 },
    ]);
    expect(fused[2].sources[0]).toBeUndefined();
  });

  it('breaks ties by best rank, then id', () => {
    const fused = reciprocalRankFusion([[{ id: 7, score: 1 }], [{ id: 4, score: 1 }]]);
    expect(fused.map((h) => h.id)).toEqual([4, 7]);
  });

  it('counts a repeated id once per list', () => {
    const fused = reciprocalRankFusion([
      [
        { id: 1, score: 2 },
        { id: 1, score: 1 },
      ],
    ]);
    expect(fused).toHaveLength(1);
    expect(fused[0].score).toBeCloseTo(1 / 61, 12);
  });

  it('rejects a negative k', () => {
    expect(() => reciprocalRankFusion([], -1)).toThrow(RangeError);
  });
});

describe('weightedFusion', () => {
  it('min-max normalises each list before weighting', () => {
    const fused = weightedFusion(
      [
        [
          { id: 1, score: 10 },
          { id: 2, score: 0 },
        ],
        [
          { id: 2, score: 0.5 },
          { id: 1, score: 0.25 },
        ],
      ],
      [0.3, 0.7],
    );
    const byId = new Map(fused.map((h) => [h.id, h.score]));
    expect(byId.get(1)).toBeCloseTo(0.3 * 1 + 0.7 * 0, 12);
    expect(byId.get(2)).toBeCloseTo(0.3 * 0 + 0.7 * 1, 12);
    expect(fused[0].id).toBe(2);
  });
});

/** A retriever's output: unique ids, scores descending, ties allowed (kept in list order). */
const rankedList = (ids: number[], scores: number[]) =>
  ids.map((id, i) => ({ id, score: scores[i] })).sort((a, b) => b.score - a.score);

const listArb = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 25 }).chain((ids) =>
  fc.array(fc.integer({ min: 0, max: 6 }), { minLength: ids.length, maxLength: ids.length }).map((scores) =>
    // Few distinct values, so ties are common.
    rankedList(
      ids,
      scores.map((s) => s / 3),
    ),
  ),
);

describe('weightedFusion identities', () => {
  it('alpha 0 ranks exactly as the keyword list and alpha 1 exactly as the vector list (ties, one-list ids)', () => {
    fc.assert(
      fc.property(
        listArb,
        listArb,
        fc.constantFrom<ScoreNormalization>('minmax', 'zscore'),
        (keyword, vector, norm) => {
          const keywordOnly = fuseKeywordAndVector(keyword, vector, {
            method: 'weighted',
            alpha: 0,
            normalization: norm,
          });
          expect(keywordOnly.map((h) => h.id)).toEqual(keyword.map((h) => h.id));
          const vectorOnly = fuseKeywordAndVector(keyword, vector, {
            method: 'weighted',
            alpha: 1,
            normalization: norm,
          });
          expect(vectorOnly.map((h) => h.id)).toEqual(vector.map((h) => h.id));
        },
      ),
      { seed: 8, numRuns: 300 },
    );
  });

  it('still reports the zero-weight side of ids both lists returned', () => {
    const fused = weightedFusion(
      [
        [
          { id: 1, score: 3 },
          { id: 2, score: 3 },
        ],
        [
          { id: 2, score: 0.9 },
          { id: 9, score: 0.8 },
        ],
      ],
      [1, 0],
    );
    // Tie on the keyword side: keyword rank decides, not the better vector rank of id 2; id 9 is left out.
    expect(fused.map((h) => h.id)).toEqual([1, 2]);
    expect(fused[1].sources[1]).toEqual({ rank: 1, score: 0.9 });
    expect(fused[0].sources[1]).toBeUndefined();
  });

  it('z-score: missing ids get the list floor, so a middling pair beats a one-list extreme', () => {
    const keyword = [
      { id: 1, score: 10 },
      { id: 2, score: 5 },
      { id: 3, score: 0 },
    ];
    const vector = [
      { id: 2, score: 0.9 },
      { id: 4, score: 0.5 },
      { id: 3, score: 0.1 },
    ];
    const fused = weightedFusion([keyword, vector], [0.5, 0.5], 'zscore');
    const z = (xs: number[], x: number) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
      return (x - mean) / std;
    };
    const k = [10, 5, 0];
    const v = [0.9, 0.5, 0.1];
    const expected = new Map([
      [1, 0.5 * z(k, 10) + 0.5 * z(v, 0.1)], // missing on the vector side: its floor
      [2, 0.5 * z(k, 5) + 0.5 * z(v, 0.9)],
      [3, 0.5 * z(k, 0) + 0.5 * z(v, 0.1)],
      [4, 0.5 * z(k, 0) + 0.5 * z(v, 0.5)],
    ]);
    for (const hit of fused) expect(hit.score).toBeCloseTo(expected.get(hit.id)!, 12);
    expect(fused.map((h) => h.id)).toEqual([2, 1, 4, 3]);
  });

  it('rejects bad settings with the valid values in the message', () => {
    expect(() => fuseKeywordAndVector([], [], { method: 'weighted', alpha: 1.5 })).toThrow(/between 0 and 1/);
    expect(() => fuseKeywordAndVector([], [], { method: 'rrf', k: -1 })).toThrow(TroveError);
    expect(() => fuseKeywordAndVector([], [], { method: 'bogus' } as never)).toThrow(/rrf or weighted/);
  });

  it('RRF k is settable through the fuser', () => {
    const fused = fuseKeywordAndVector([{ id: 1, score: 1 }], [{ id: 1, score: 1 }], { method: 'rrf', k: 10 });
    expect(fused[0].score).toBeCloseTo(2 / 11, 12);
  });

  it('stays linear-ish on lists 100x the usual size', () => {
    const big = (seed: number) =>
      rankedList(
        Array.from({ length: 5000 }, (_, i) => (i * seed) % 7919),
        Array.from({ length: 5000 }, (_, i) => ((i * 7 + seed) % 101) / 101),
      );
    const fused = weightedFusion([big(3), big(5)], [0.5, 0.5]);
    expect(fused.length).toBeGreaterThan(5000);
  });
});
