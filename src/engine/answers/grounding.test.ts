import { describe, expect, it } from 'vitest';
import { decideGrounding } from './grounding.ts';

describe('decideGrounding', () => {
  it('is not answerable without passages', () => {
    expect(decideGrounding([], { reranked: true }).answerable).toBe(false);
    expect(decideGrounding([], { reranked: false }).answerable).toBe(false);
  });

  it('needs the top rerank score at or above the threshold (logit 0 by default)', () => {
    expect(decideGrounding([{ score: -3 }, { score: -0.5 }], { reranked: true }).answerable).toBe(false);
    expect(decideGrounding([{ score: -3 }, { score: 0.2 }], { reranked: true }).answerable).toBe(true);
    expect(decideGrounding([{ score: 0.8 }], { reranked: true, minRerankScore: 1 }).answerable).toBe(false);
    expect(decideGrounding([{ score: Number.NaN }], { reranked: true }).answerable).toBe(false);
  });

  it('without reranking, a keyword match is evidence and an uncalibrated cosine is not', () => {
    expect(decideGrounding([{ score: 0.016, cosine: 0.93 }], { reranked: false }).answerable).toBe(false);
    expect(decideGrounding([{ score: 0.016, cosine: 0.4, bm25Rank: 3 }], { reranked: false }).answerable).toBe(true);
    expect(decideGrounding([{ score: 0.016, cosine: 0.93 }], { reranked: false, minCosine: 0.9 }).answerable).toBe(
      true,
    );
  });

  it('says why in words', () => {
    expect(decideGrounding([{ score: -2 }], { reranked: true }).reason).toMatch(/reranker/);
  });
});
