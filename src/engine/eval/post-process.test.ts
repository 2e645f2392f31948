import { describe, expect, it } from 'vitest';
import type { Reranker } from '../rerank/reranker.ts';
import { getRerankerSpec } from '../models/reranker-registry.ts';
import { buildDataset } from './dataset.ts';
import { standardConfigurations } from './configurations.ts';
import { withPostProcessing } from './post-process.ts';
import { createRetriever } from './retrievers.ts';
import { evaluate } from './runner.ts';

const docs = [
  { id: 'river', title: 'River', text: 'bank bank bank of the river' },
  { id: 'loan', title: 'Loan', text: 'the bank approved the loan' },
  { id: 'football', title: 'Sport', text: 'bank holiday football' },
  { id: 'cooking', title: 'Food', text: 'pasta and sauce' },
];
const corpus = docs.map((d) => JSON.stringify(d)).join('\n');
const dataset = buildDataset('tiny', {
  corpus,
  queries: '{"id":"q","text":"bank"}',
  qrels: 'query-id\tcorpus-id\tscore\nq\tloan\t1\n',
});

/** Scores a passage by whether it mentions "loan": a stand-in cross-encoder with a known opinion. */
function loanReranker(): Reranker & { pairs: number } {
  return {
    model: getRerankerSpec('glove-50d-cross-encoder'),
    device: 'cpu',
    dtype: 'fp32',
    maxPairTokens: 512,
    pairs: 0,
    async score(_q, passages) {
      this.pairs += passages.length;
      return Float32Array.from(passages.map((p) => (p.includes('loan') ? 1 : 0)));
    },
    async dispose() {},
  };
}

describe('withPostProcessing', () => {
  it('reranks only the top N passages and leaves the tail in order behind them', async () => {
    const bm25 = await createRetriever('bm25', dataset.corpus);
    const before = await bm25.search('bank', 10);
    expect(before[0]).toBe('river');
    const reranker = loanReranker();
    const all = withPostProcessing(bm25, { reranker, rerankDepth: 10 });
    expect((await all.search('bank', 10))[0]).toBe('loan');
    expect(reranker.pairs).toBe(before.length);
    // With N = 1 only the head is rescored: the order stays BM25's.
    const headOnly = withPostProcessing(bm25, { reranker, rerankDepth: 1 });
    expect(await headOnly.search('bank', 10)).toEqual(before);
    const result = await evaluate(dataset, (q, depth) => all.search(q.text, depth));
    expect(result['mrr@10']).toBe(1);
  });

  it('MMR with lambda 1 keeps the order; a low lambda moves a near-duplicate down', async () => {
    const bm25 = await createRetriever('bm25', dataset.corpus);
    const before = await bm25.search('bank', 10);
    expect(before.slice(0, 3)).toEqual(['river', 'loan', 'football']);
    // Two-dimensional "embeddings": river and loan point the same way, football elsewhere.
    const direction: Record<string, [number, number]> = { River: [1, 0], Loan: [1, 0.01], Sport: [0, 1] };
    const embed = async (texts: string[]) =>
      Float32Array.from(texts.flatMap((t) => direction[t.split(' ')[0]] ?? [0, 0]));
    const same = withPostProcessing(bm25, { mmr: { lambda: 1, embed, dims: 2 } });
    expect(await same.search('bank', 10)).toEqual(before);
    const diverse = withPostProcessing(bm25, { mmr: { lambda: 0.3, embed, dims: 2 } });
    const order = await diverse.search('bank', 10);
    expect(order[0]).toBe(before[0]);
    expect(order.slice(0, 3)).toEqual(['river', 'football', 'loan']);
  });
});

describe('standardConfigurations', () => {
  it('lists keyword, semantic, hybrid RRF and each alpha, each without and with reranking', () => {
    const names = standardConfigurations({ alphas: [0.5] }).map((c) => c.name);
    expect(names).toEqual([
      'keyword',
      'keyword +rerank',
      'semantic',
      'semantic +rerank',
      'hybrid rrf',
      'hybrid rrf +rerank',
      'hybrid w0.5',
      'hybrid w0.5 +rerank',
    ]);
    expect(standardConfigurations({ rerank: false }).every((c) => !c.rerank)).toBe(true);
  });
});
