import { describe, expect, it } from 'vitest';
import { averagePrecision, missedRelevant, ndcgAt, queryMetrics, recallAt, reciprocalRankAt } from './metrics.ts';

// Ranking d1 d2 d3 d4; relevant: d2 (grade 1), d4 (grade 2), d5 (grade 1, never retrieved); d3 judged 0.
const ranked = ['d1', 'd2', 'd3', 'd4'];
const judgements = new Map([
  ['d2', 1],
  ['d3', 0],
  ['d4', 2],
  ['d5', 1],
]);

describe('metrics', () => {
  it('nDCG@k uses the grade as a linear gain and the ideal ordering of all judged grades', () => {
    const dcg = 1 / Math.log2(3) + 2 / Math.log2(5);
    const idcg = 2 / Math.log2(2) + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcgAt(ranked, judgements, 10)).toBeCloseTo(dcg / idcg, 12);
    // At k = 2 only d2 counts; the ideal is 2, then 1.
    expect(ndcgAt(ranked, judgements, 2)).toBeCloseTo(1 / Math.log2(3) / (2 + 1 / Math.log2(3)), 12);
    expect(ndcgAt(['d4', 'd2', 'd5'], judgements, 10)).toBeCloseTo(1, 12);
  });

  it('average precision divides by every relevant document, retrieved or not', () => {
    expect(averagePrecision(ranked, judgements)).toBeCloseTo((1 / 2 + 2 / 4) / 3, 12);
    expect(averagePrecision(['d2', 'd4', 'd5'], judgements)).toBeCloseTo(1, 12);
  });

  it('recall@k and reciprocal rank@k', () => {
    expect(recallAt(ranked, judgements, 2)).toBeCloseTo(1 / 3, 12);
    expect(recallAt(ranked, judgements, 100)).toBeCloseTo(2 / 3, 12);
    expect(reciprocalRankAt(ranked, judgements, 10)).toBe(0.5);
    expect(reciprocalRankAt(ranked, judgements, 1)).toBe(0);
  });

  it('scores 0 for an empty ranking or no relevant documents', () => {
    const none = new Map([['d1', 0]]);
    expect(ndcgAt([], judgements, 10)).toBe(0);
    expect(ndcgAt(ranked, none, 10)).toBe(0);
    expect(averagePrecision(ranked, none)).toBe(0);
    expect(recallAt(ranked, none, 10)).toBe(0);
  });
});

describe('metrics, hand-computed edge cases', () => {
  it('graded relevance: swapping a grade-3 and a grade-1 document changes nDCG by the hand-computed amount', () => {
    const graded = new Map([
      ['a', 3],
      ['b', 1],
    ]);
    const idcg = 3 + 1 / Math.log2(3);
    expect(ndcgAt(['a', 'b'], graded, 10)).toBeCloseTo(1, 12);
    expect(ndcgAt(['b', 'a'], graded, 10)).toBeCloseTo((1 + 3 / Math.log2(3)) / idcg, 12);
    // Binary metrics ignore grades: both orders find both documents.
    expect(recallAt(['b', 'a'], graded, 10)).toBe(1);
    expect(reciprocalRankAt(['b', 'a'], graded, 10)).toBe(1);
    expect(averagePrecision(['b', 'a'], graded)).toBe(1);
  });

  it('ties in the ideal ordering: equal grades give the same IDCG whichever comes first', () => {
    const tied = new Map([
      ['a', 2],
      ['b', 2],
      ['c', 1],
    ]);
    const idcg = 2 + 2 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcgAt(['b', 'a', 'c'], tied, 10)).toBeCloseTo(1, 12);
    expect(ndcgAt(['a', 'b', 'c'], tied, 10)).toBeCloseTo(1, 12);
    expect(ndcgAt(['c', 'x', 'a'], tied, 10)).toBeCloseTo((1 + 2 / Math.log2(4)) / idcg, 12);
  });

  it('a repeated id counts once (it cannot be found twice)', () => {
    const one = new Map([['a', 1]]);
    expect(recallAt(['a', 'a', 'a'], one, 10)).toBe(1);
    expect(ndcgAt(['a', 'a'], one, 10)).toBeCloseTo(1, 12);
    expect(averagePrecision(['x', 'a', 'a'], one)).toBeCloseTo(1 / 2, 12);
    // ['x', 'x', 'a']: the second x is dropped, so a is at rank 2.
    expect(reciprocalRankAt(['x', 'x', 'a'], one, 2)).toBe(1 / 2);
  });

  it('fewer results than k: the missing tail scores nothing, IDCG still counts every relevant document up to k', () => {
    const many = new Map(Array.from({ length: 12 }, (_, i) => [`r${i}`, 1] as [string, number]));
    expect(recallAt(['r0', 'r1'], many, 10)).toBeCloseTo(2 / 12, 12);
    expect(recallAt(['r0', 'r1'], many, 100)).toBeCloseTo(2 / 12, 12);
    let idcg = 0;
    for (let i = 0; i < 10; i++) idcg += 1 / Math.log2(i + 2);
    expect(ndcgAt(['r0', 'r1'], many, 10)).toBeCloseTo((1 + 1 / Math.log2(3)) / idcg, 12);
    expect(averagePrecision(['r0', 'r1'], many)).toBeCloseTo(2 / 12, 12);
  });

  it('a query with no relevant document scores 0 everywhere and misses nothing', () => {
    const none = new Map<string, number>();
    expect(queryMetrics(['a', 'b'], none)).toEqual({
      'ndcg@10': 0,
      'recall@10': 0,
      'recall@100': 0,
      'mrr@10': 0,
      map: 0,
    });
    expect(missedRelevant(['a'], none, 10)).toEqual([]);
  });

  it('recall@10 and recall@100 differ when relevant documents sit between rank 10 and 100', () => {
    const rel = new Map([
      ['a', 1],
      ['z', 1],
    ]);
    const ranking = ['a', ...Array.from({ length: 20 }, (_, i) => `n${i}`), 'z'];
    const m = queryMetrics(ranking, rel);
    expect(m['recall@10']).toBe(0.5);
    expect(m['recall@100']).toBe(1);
    expect(m.map).toBeCloseTo((1 + 2 / 22) / 2, 12);
    expect(missedRelevant(ranking, rel, 10)).toEqual(['z']);
  });
});
