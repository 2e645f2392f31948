import { describe, expect, it } from 'vitest';
import type { RerankResponse, SearchResponse, SearchResult } from '../../../engine/api/index.ts';
import type { Engine } from '../../client/engine-client.ts';
import { CONTEXT_PASSAGES, retrieveForAnswer } from './answer-retrieval.ts';

const result = (chunkId: number, score: number): SearchResult => ({
  chunkId,
  documentId: 100 + chunkId,
  documentName: `doc-${chunkId}.md`,
  format: 'markdown',
  text: `passage ${chunkId}`,
  start: 0,
  end: 9,
  page: chunkId === 2 ? 4 : undefined,
  headingPath: chunkId === 2 ? ['Methods'] : [],
  highlights: [],
  scores: { score, bm25Rank: 1 },
});

function fakeEngine(results: SearchResult[], reranked?: number[]) {
  const asked: string[] = [];
  const engine = {
    search: async (query: string, options: { k?: number; mode?: string }) => {
      asked.push(`search ${query} k=${options.k} mode=${options.mode}`);
      return { query, mode: 'hybrid', requestedMode: 'hybrid', results, tookMs: 1 } as SearchResponse;
    },
    rerank: async (query: string, chunkIds: number[]) => {
      asked.push(`rerank ${query} ${chunkIds.join(',')}`);
      return {
        results: (reranked ?? []).map((chunkId, i) => ({ chunkId, rerank: 5 - i, rerankRank: i + 1 })),
        tookMs: 1,
        depth: chunkIds.length,
      } as unknown as RerankResponse;
    },
  };
  return { engine: engine as unknown as Engine, asked };
}

describe('retrieveForAnswer', () => {
  it('numbers the top passages from 1 with their document, location and search score', async () => {
    const many = Array.from({ length: 8 }, (_, i) => result(i + 1, 1 - i / 10));
    const { engine, asked } = fakeEngine(many);
    const { passages, reranked } = await retrieveForAnswer(engine, 'feed the starter', { mode: 'hybrid' }, false);
    expect(reranked).toBe(false);
    expect(asked).toEqual(['search feed the starter k=20 mode=hybrid']);
    expect(passages).toHaveLength(CONTEXT_PASSAGES);
    expect(passages.map((p) => p.passage.n)).toEqual([1, 2, 3, 4, 5]);
    expect(passages[1].passage).toMatchObject({ chunkId: 2, documentId: 102, title: 'doc-2.md', score: 0.9 });
    expect(passages[1].passage.location).toContain('Methods');
    // The search result stays with its passage, so a citation opens it where it lies.
    expect(passages[1].result.documentId).toBe(102);
  });

  it('with reranking on, takes the reranked order and the rerank score', async () => {
    const { engine, asked } = fakeEngine([result(1, 0.9), result(2, 0.8), result(3, 0.7)], [3, 1, 2]);
    const { passages, reranked } = await retrieveForAnswer(engine, 'q', {}, true);
    expect(reranked).toBe(true);
    expect(asked[1]).toBe('rerank q 1,2,3');
    expect(passages.map((p) => [p.passage.n, p.passage.chunkId, p.passage.score])).toEqual([
      [1, 3, 5],
      [2, 1, 4],
      [3, 2, 3],
    ]);
  });
});
