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
