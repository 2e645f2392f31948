import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion, weightedFusion } from './fusion.ts';

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
