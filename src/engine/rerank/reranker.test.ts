import { describe, expect, it } from 'vitest';
import { rerank, type Reranker } from './reranker.ts';
import { getRerankerSpec } from './reranker-registry.ts';

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
