import { describe, expect, it } from 'vitest';
import { averagePrecision, ndcgAt, recallAt, reciprocalRankAt } from './metrics.ts';

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
