// Loads the generated cross-encoder fixture through the production loader (local path, remote models off) in Node.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../lexical/analyzer.ts';
import { Bm25Index } from '../lexical/bm25.ts';
import { LatestRerank } from './latest-rerank.ts';
import { rerank } from './reranker.ts';
import { TEST_RERANKER_ID } from '../models/reranker-registry.ts';
import { loadTransformersReranker, type TransformersReranker } from './transformers-reranker.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MODELS = path.join(REPO_ROOT, 'public/models') + '/'; // made by tests/global-setup.ts

let reranker: TransformersReranker;

beforeAll(async () => {
  reranker = await loadTransformersReranker({
    modelId: TEST_RERANKER_ID,
    allowRemoteModels: false,
    localModelPath: MODELS,
    device: 'auto',
  });
});

afterAll(async () => {
  await reranker?.dispose();
});

const QUERY = 'bank loan interest';
const PASSAGES = [
  'The river bank was muddy. We walked along the bank of the river to the bank near the bridge.',
  'The lender charged high interest on the mortgage and the credit card debt.',
  'Interest in football grew during the summer season.',
];

describe('TransformersReranker on the GloVe cross-encoder fixture', () => {
  it('loads through the production path on the native CPU backend', () => {
    expect(reranker.device).toBe('cpu');
    expect(reranker.dtype).toBe('fp32');
    expect(reranker.maxPairTokens).toBe(512);
  });

  it("reorders BM25's candidates: the lending passage beats the river bank and the football passage", async () => {
    const analyzer = createAnalyzer();
    const bm25 = new Bm25Index();
    PASSAGES.forEach((text, id) => bm25.add(id, analyzer.analyze(text)));
    const candidates = bm25.search(analyzer.analyze(QUERY), 10).map((hit) => ({ ...hit, text: PASSAGES[hit.id] }));
    expect(candidates.map((c) => c.id)).toEqual([0, 2, 1]); // BM25: "bank" three times wins
    const reranked = await rerank(reranker, QUERY, candidates, (c) => c.text);
    expect(reranked.map((r) => r.item.id)).toEqual([1, 0, 2]);
    expect(reranked.map((r) => r.previousRank)).toEqual([3, 1, 2]);
    expect(reranked[0].rerankScore).toBeGreaterThan(reranked[1].rerankScore);
  });

  it('scores a passage on an unrelated subject lowest, and a text of unknown words as 0', async () => {
    const scores = await reranker.score(QUERY, [
      ...PASSAGES,
      'Cooking pasta takes ten minutes in boiling water.',
      'zzqx qqvr',
    ]);
    expect(Math.min(...scores.slice(0, 4))).toBe(scores[3]);
    expect(scores[4]).toBe(0);
  });

  it('gives the same scores batched and unbatched, with one model run per batch', async () => {
    const words = 'money bank river water loan credit film movie car road city market'.split(' ');
    const passages = Array.from({ length: 23 }, (_, i) =>
      Array.from({ length: 3 + ((i * 7) % 40) }, (_, j) => words[(i + j * 5) % words.length]).join(' '),
    );
    const before = reranker.runCount;
    const one = await reranker.score(QUERY, passages, { batchSize: 1 });
    expect(reranker.runCount - before).toBe(23);
    const mid = reranker.runCount;
    const batched = await reranker.score(QUERY, passages, { batchSize: 8 });
    expect(reranker.runCount - mid).toBe(3);
    for (let i = 0; i < passages.length; i++) expect(batched[i]).toBeCloseTo(one[i], 5);
    expect(new Set(Array.from(one).map((x) => x.toFixed(4))).size).toBeGreaterThan(5); // not a constant
  });

  it('truncates a pair to the model budget: words past it change nothing', async () => {
    const long = Array.from({ length: 2000 }, (_, i) => (i % 2 ? 'river' : 'water')).join(' ');
    const [cut, cutPlus] = await reranker.score(QUERY, [long, `${long} bank loan interest mortgage lender`]);
    expect(cutPlus).toBeCloseTo(cut, 6);
    // The same words early in the passage do count.
    const [early] = await reranker.score(QUERY, [`bank loan interest mortgage lender ${long}`]);
    expect(early).toBeGreaterThan(cut + 0.5);
  });

  it('cancels between batches and refuses an aborted signal before any run', async () => {
    const passages = Array.from({ length: 20 }, (_, i) => `bank loan ${i}`);
    const controller = new AbortController();
    const before = reranker.runCount;
    const run = reranker.score(QUERY, passages, {
      batchSize: 4,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(reranker.runCount - before).toBe(1);
    await expect(reranker.score(QUERY, passages, { signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(reranker.runCount - before).toBe(1);
  });

  it('a new query cancels the unfinished rerank: the old run yields undefined after at most one batch', async () => {
    const latest = new LatestRerank(reranker);
    const many = Array.from({ length: 40 }, (_, i) => `${PASSAGES[i % 3]}`);
    const before = reranker.runCount;
    const old = latest.run('river water', many, (p) => p, 2);
    const fresh = latest.run(QUERY, PASSAGES, (p) => p, 8);
    expect(await old).toBeUndefined();
    expect((await fresh)!.map((r) => r.item)).toEqual([PASSAGES[1], PASSAGES[0], PASSAGES[2]]);
    expect(reranker.runCount - before).toBeLessThanOrEqual(2); // at most one batch of the old run, then the new one
  });

  it('runs concurrent calls one at a time with the results of sequential calls', async () => {
    const queries = ['bank loan interest', 'river water', 'film festival'];
    const sequential: Float32Array[] = [];
    for (const q of queries) sequential.push(await reranker.score(q, PASSAGES, { batchSize: 1 }));
    const concurrent = await Promise.all(queries.map((q) => reranker.score(q, PASSAGES, { batchSize: 1 })));
    concurrent.forEach((scores, i) => expect(Array.from(scores)).toEqual(Array.from(sequential[i])));
  });

  it('scores 100x the usual candidate count', async () => {
    const passages = Array.from({ length: 3000 }, (_, i) => PASSAGES[i % 3]);
    const scores = await reranker.score(QUERY, passages, { batchSize: 64 });
    expect(scores).toHaveLength(3000);
    expect(scores[3]).toBeCloseTo(scores[0], 5);
  });

  it('rejects an unknown id with the valid ones, and a missing fixture with the script to run', async () => {
    await expect(
      loadTransformersReranker({ modelId: 'nope', allowRemoteModels: false, localModelPath: MODELS, device: 'auto' }),
    ).rejects.toThrow(/Valid rerankers: ms-marco-MiniLM-L-6-v2, glove-50d-cross-encoder/);
    const missing = loadTransformersReranker({
      modelId: TEST_RERANKER_ID,
      allowRemoteModels: false,
      localModelPath: '/nonexistent/',
      device: 'auto',
    });
    await expect(missing).rejects.toMatchObject({
      code: 'MODEL_UNAVAILABLE',
      message: expect.stringMatching(/make-reranker-fixture/),
    });
  });

  it('refuses to score after dispose', async () => {
    const own = await loadTransformersReranker({
      modelId: TEST_RERANKER_ID,
      allowRemoteModels: false,
      localModelPath: MODELS,
      device: 'auto',
    });
    await own.dispose();
    await expect(own.score(QUERY, PASSAGES)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });
});
