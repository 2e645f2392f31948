// The Evaluate view (engine.evaluate) and `npm run eval` (eval/retrievers.ts) must give the same figures on the
// same three files: the model-swap comparison and the published tables rest on them. The collection's document ids
// are numbers, as in MED and CACM, and its long documents have several passages each.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvaluationSet, RetrievalConfiguration } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { buildDataset } from '../src/engine/eval/dataset.ts';
import { EVALUATION_DEPTH } from '../src/engine/eval/engine-retriever.ts';
import { createRetriever, type RetrievalMode } from '../src/engine/eval/retrievers.ts';
import { evaluate } from '../src/engine/eval/runner.ts';
import { METRIC_NAMES } from '../src/engine/eval/metrics.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

const localModelPath = resolve('public/models') + '/';
const read = (name: string) => readFileSync(resolve('tests/fixtures/eval-numeric', name), 'utf8');
const set: EvaluationSet = {
  kind: 'beir',
  name: 'eval-numeric',
  corpus: read('corpus.jsonl'),
  queries: read('queries.jsonl'),
  qrels: read('qrels.tsv'),
};
const MODEL = 'glove-50d-static';

const configurations: (RetrievalConfiguration & { script: RetrievalMode })[] = [
  { name: 'keyword', mode: 'keyword', rerank: false, script: 'keyword' },
  { name: 'semantic', mode: 'semantic', rerank: false, script: 'vector' },
  { name: 'hybrid rrf', mode: 'hybrid', fusion: { method: 'rrf', k: 60 }, rerank: false, script: 'hybrid' },
  {
    name: 'hybrid w0.5',
    mode: 'hybrid',
    fusion: { method: 'weighted', alpha: 0.5, normalization: 'minmax' },
    rerank: false,
    script: 'hybrid',
  },
];

let engines = 0;
function newEngine(): TroveEngine {
  const name = `agreement-${++engines}`;
  return new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(name, { onStale }),
    loadEmbedder: (o) => loadTransformersEmbedder({ ...o, device: 'auto' }),
    libraryName: name,
  });
}

describe('Evaluate view and npm run eval agree', { timeout: 180_000 }, () => {
  it('the Evaluate view and npm run eval give the same metrics on the same collection (within 0.005)', async () => {
    const app = newEngine();
    await app.init({ modelId: MODEL, allowRemoteModels: false, localModelPath });
    await app.loadModel();
    const run = await app.evaluate({ set, configurations });
    await app.close();

    const dataset = buildDataset(set.name, set);
    expect(dataset.queries.length).toBe(10);
    for (const configuration of configurations) {
      const retriever = await createRetriever(configuration.script, dataset.corpus, {
        fusion: configuration.fusion,
        engine: { modelId: MODEL, allowRemoteModels: false, localModelPath, createEngine: newEngine },
      });
      const script = await evaluate(dataset, (q, depth) => retriever.search(q.text, depth), { k: EVALUATION_DEPTH });
      await retriever.close?.();
      const view = run.configurations.find((c) => c.name === configuration.name)!;
      expect(view.queries).toBe(script.queries);
      for (const metric of METRIC_NAMES)
        expect(Math.abs(view[metric] - script[metric]), `${configuration.name} ${metric}`).toBeLessThanOrEqual(0.005);
    }
    // Not a vacuous agreement: the keyword search finds what the queries ask for.
    expect(run.configurations[0]['ndcg@10']).toBeGreaterThan(0.5);
  });
});
