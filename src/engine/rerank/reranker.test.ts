import { describe, expect, it } from 'vitest';
import { rerank, type Reranker } from './reranker.ts';
import { getRerankerSpec } from '../models/reranker-registry.ts';
import { calibrateReranker, calibrationPairs } from './rerank-budget.ts';

/** A reranker that scores by a fixed table, to pin the sorting contract without a model. */
function tableReranker(table: Record<string, number>): Reranker & { calls: number } {
  return {
    model: getRerankerSpec('glove-50d-cross-encoder'),
    device: 'cpu',
    dtype: 'fp32',
    maxPairTokens: 512,
    calls: 0,
    async score(_query, passages) {
      this.calls++;
      return Float32Array.from(passages.map((p) => table[p] ?? 0));
    },
    async dispose() {},
  };
}

describe('rerank', () => {
  it('sorts by score, equal scores keep their fused order, and reports the previous rank', async () => {
    const reranker = tableReranker({ a: 1, b: 3, c: 1, d: 2 });
    const out = await rerank(reranker, 'q', ['a', 'b', 'c', 'd'], (x) => x);
    expect(out.map((r) => r.item)).toEqual(['b', 'd', 'a', 'c']);
    expect(out.map((r) => r.previousRank)).toEqual([2, 4, 1, 3]);
  });

  it('does not call the model for no candidates', async () => {
    const reranker = tableReranker({});
    expect(await rerank(reranker, 'q', [], (x: string) => x)).toEqual([]);
    expect(reranker.calls).toBe(0);
  });

  it('registry: the default is ms-marco-MiniLM-L-6-v2 with its licence and published quality', () => {
    const spec = getRerankerSpec('ms-marco-MiniLM-L-6-v2');
    expect(spec.license).toBe('Apache-2.0');
    expect(spec.quality).toMatch(/MRR@10 39\.01.*nDCG@10 74\.30/);
    expect(() => getRerankerSpec('bge-small-en-v1.5')).toThrow(/Valid rerankers/);
  });
});

describe('calibrateReranker', () => {
  /** A reranker that advances a fake clock by msPerPair for every pair it scores. */
  function timed(msPerPair: number) {
    let clock = 0;
    const reranker = {
      ...tableReranker({}),
      async score(_q: string, passages: readonly string[]) {
        clock += msPerPair * passages.length;
        return new Float32Array(passages.length);
      },
    };
    return { reranker, now: () => clock };
  }

  it('derives the default depth from the measured time per pair, capped, and turns reranking off when too slow', async () => {
    const fast = timed(20);
    expect(await calibrateReranker(fast.reranker, { now: fast.now })).toEqual({
      msPerPair: 20,
      depth: 30,
      enabled: true,
    });
    const middling = timed(50);
    expect(await calibrateReranker(middling.reranker, { now: middling.now })).toEqual({
      msPerPair: 50,
      depth: 20,
      enabled: true,
    });
    const slow = timed(150);
    expect(await calibrateReranker(slow.reranker, { now: slow.now })).toEqual({
      msPerPair: 150,
      depth: 6,
      enabled: false,
    });
  });

  it('times passages of a realistic length', () => {
    const { passages } = calibrationPairs(2);
    expect(passages[0].split(/\s+/).length).toBeGreaterThan(200);
  });
});
