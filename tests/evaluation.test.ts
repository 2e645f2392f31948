// Evaluation inside the app through the engine API: a BEIR-layout set ingested into its own collection, every
// configuration ranked by the engine's search (and rerank), cancellation, and the health check that follows it.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { loadTransformersReranker } from '../src/engine/rerank/transformers-reranker.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { inProcessLock } from '../src/engine/library/writer-lock.ts';
import type { EvaluationSet } from '../src/engine/api/index.ts';
import { buildDataset } from '../src/engine/eval/dataset.ts';
import { createRetriever } from '../src/engine/eval/retrievers.ts';
import { evaluate } from '../src/engine/eval/runner.ts';

const localModelPath = resolve('public/models') + '/';
const read = (name: string) => readFileSync(resolve('e2e/fixtures/beir-mini', name), 'utf8');
const beir: EvaluationSet = {
  kind: 'beir',
  name: 'beir-mini',
  corpus: read('corpus.jsonl'),
  queries: read('queries.jsonl'),
  qrels: read('qrels.tsv'),
};

let counter = 0;
async function openEngine() {
  const name = `evaluation-${++counter}`;
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(name, { onStale }),
    loadEmbedder: (o) => loadTransformersEmbedder({ ...o, device: 'auto' }),
    loadReranker: (o) => loadTransformersReranker({ ...o, device: 'auto' }),
    libraryName: name,
    lock: inProcessLock(name),
  });
  await engine.init({
    modelId: 'glove-50d-static',
    rerankerId: 'glove-50d-cross-encoder',
    allowRemoteModels: false,
    localModelPath,
  });
  await engine.loadModel();
  return engine;
}

describe('evaluate through the engine API', () => {
  it('ingests a BEIR set into its own collection and scores every configuration, with per-query drill-down', async () => {
    const engine = await openEngine();
    await engine.ingest(
      [
        {
          jobId: 'other',
          name: 'd1',
          type: 'text/plain',
          data: new TextEncoder().encode('fish river water').buffer as ArrayBuffer,
        },
      ],
      () => undefined,
    );
    const stages: string[] = [];
    const run = await engine.evaluate({ set: beir }, (p) => stages.push(p.stage));
    expect(stages).toContain('ingesting');
    expect(run.collection).toBeDefined();
    const collections = await engine.listCollections();
    expect(collections.find((c) => c.id === run.collection)?.documents).toBe(10);
    expect(run.configurations.map((c) => c.name)).toEqual([
      'keyword',
      'keyword +rerank',
      'semantic',
      'semantic +rerank',
      'hybrid rrf',
      'hybrid rrf +rerank',
      'hybrid w0.3',
      'hybrid w0.3 +rerank',
      'hybrid w0.5',
      'hybrid w0.5 +rerank',
      'hybrid w0.7',
      'hybrid w0.7 +rerank',
    ]);
    const keyword = run.configurations[0];
    expect(keyword.queries).toBe(3);
    // Each query's words occur in a relevant document: keyword search finds one first.
    expect(keyword['mrr@10']).toBe(1);
    // Only the set's own collection is searched: the library's "d1" is never retrieved twice.
    for (const q of keyword.perQuery) expect(new Set(q.top).size).toBe(q.top.length);
    // recall@100 over a 10-document collection: everything relevant is found by every configuration.
    for (const c of run.configurations) expect(c['recall@100']).toBe(1);
    const health = await engine.health();
    expect(health.checks.find((c) => c.id === 'no-evaluation')?.status).toBe('ok');
    // A second run reuses the ingested collection.
    const again = await engine.evaluate({ set: beir, rerank: false }, (p) => stages.push(`2:${p.stage}`));
    expect(stages.filter((s) => s === '2:ingesting')).toHaveLength(0);
    expect(again.configurations).toHaveLength(6);
    expect(again.configurations[0]['ndcg@10']).toBeCloseTo(keyword['ndcg@10'], 10);
  });

  it('eval.jsonl against the library by document name; a cancelled run rejects', async () => {
    const engine = await openEngine();
    const enc = (t: string) => new TextEncoder().encode(t).buffer as ArrayBuffer;
    await engine.ingest(
      [
        { jobId: 'a', name: 'rivers.txt', type: 'text/plain', data: enc('fish swim in the river') },
        { jobId: 'b', name: 'money.txt', type: 'text/plain', data: enc('the bank pays interest on money') },
      ],
      () => undefined,
    );
    const text =
      '{"query":"river fish","relevant":["rivers.txt"]}\n{"query":"bank interest","relevant":["money.txt"]}\n';
    // An earlier BEIR set's collection is not part of the library being judged.
    await engine.evaluate({ set: beir, rerank: false });
    const run = await engine.evaluate({ set: { kind: 'simple', name: 'eval.jsonl', text }, rerank: false });
    expect(run.configurations[0]['mrr@10']).toBe(1);
    for (const q of run.configurations[0].perQuery) expect(q.top.every((id) => id.endsWith('.txt'))).toBe(true);
    const running = engine.evaluate({ set: { kind: 'simple', name: 'eval.jsonl', text } });
    await engine.cancelEvaluation();
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

// A test collection can hold two documents with the same title and text (CACM's 4 and 7): they are still two
// documents, judged by id, so neither the script's engine retriever nor the Evaluate view may drop one.
describe('evaluation with duplicate documents', () => {
  const corpus = [
    { id: 'd1', title: 'Rivers', text: 'The river flows past the old mill and fish swim in the cold water.' },
    { id: 'd2', title: 'Banking', text: 'The bank raised its interest rate and savers moved money into deposits.' },
    { id: 'd3', title: 'Rivers', text: 'The river flows past the old mill and fish swim in the cold water.' },
    { id: 'd4', title: 'Bread', text: 'Knead the dough, let it rise overnight and bake the loaf in a hot oven.' },
  ];
  const dupSet: EvaluationSet = {
    kind: 'beir',
    name: 'beir-duplicates',
    corpus: corpus.map((d) => JSON.stringify(d)).join('\n') + '\n',
    queries: '{"id":"q1","text":"fish in the river"}\n{"id":"q2","text":"interest on money"}\n',
    qrels: 'query-id\tcorpus-id\tscore\nq1\td3\t1\nq2\td2\t1\n',
  };

  it('duplicate documents in a test collection are evaluated (eval script path)', async () => {
    const dataset = buildDataset('beir-duplicates', dupSet);
    for (const mode of ['vector', 'hybrid'] as const) {
      const retriever = await createRetriever(mode, dataset.corpus, {
        engine: {
          modelId: 'glove-50d-static',
          allowRemoteModels: false,
          localModelPath,
          createEngine: () =>
            new TroveEngine({
              openStore: () => IndexedDbStore.open(`evaluation-dup-${mode}`),
              loadEmbedder: (o) => loadTransformersEmbedder({ ...o, device: 'auto' }),
            }),
        },
      });
      const ranked = await retriever.search('fish in the river', 10);
      expect(ranked).toEqual(expect.arrayContaining(['d1', 'd3']));
      const result = await evaluate(dataset, (q, depth) => retriever.search(q.text, depth), { k: 100 });
      expect(result.queries).toBe(2);
      expect(result['recall@100']).toBe(1);
      await retriever.close?.();
    }
  });

  it('duplicate documents in a test collection are evaluated (Evaluate view)', async () => {
    const engine = await openEngine();
    const run = await engine.evaluate({ set: dupSet, rerank: false });
    const collections = await engine.listCollections();
    expect(collections.find((c) => c.id === run.collection)?.documents).toBe(4);
    const keyword = run.configurations[0];
    expect(keyword.queries).toBe(2);
    for (const c of run.configurations) expect(c['recall@100']).toBe(1);
  });

  it('a duplicate in a normal batch is skipped as "same as …", never failed or "undefined"', async () => {
    const engine = await openEngine();
    const enc = (t: string) => new TextEncoder().encode(t).buffer as ArrayBuffer;
    const results = await engine.ingest(
      [
        { jobId: 'a', name: 'a.txt', type: 'text/plain', data: enc('fish swim in the river') },
        { jobId: 'b', name: 'b.txt', type: 'text/plain', data: enc('fish swim in the river') },
      ],
      () => undefined,
    );
    expect(results.map((r) => r.stage)).toEqual(['done', 'skipped']);
    expect(results[1].note).toMatch(/same as “a\.txt”/i);
    expect(results[1].error).toBeUndefined();
  });
});
