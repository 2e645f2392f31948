// npm run eval:grid -- --dataset DIR [--dataset DIR…] [--json] [--model ID] [--reranker ID] [--rerank-depth N]
//   [--alphas 0.3,0.5,0.7] [--no-rerank] [--modes bm25,vector,hybrid] [--depth 1000]
// Every configuration the Evaluate view compares, on one ingest per collection: bm25, vector, hybrid RRF and hybrid
// weighted at a few alphas, each without and with the cross-encoder over the top N passages. Prints a table per
// collection; with --json, one JSON line per configuration (the same fields as `npm run eval -- --json`).
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TEST_MODEL_ID } from '../src/engine/models/model-registry.ts';
import { TroveError } from '../src/engine/core/errors.ts';
import { loadDataset } from '../src/engine/eval/dataset-files.ts';
import { engineRetriever, ingestCorpus } from '../src/engine/eval/engine-retriever.ts';
import { DEFAULT_RERANK_DEPTH, withPostProcessing } from '../src/engine/eval/post-process.ts';
import type { Retriever } from '../src/engine/eval/retriever.ts';
import { createRetriever } from '../src/engine/eval/retrievers.ts';
import { evaluate, type EvalResult } from '../src/engine/eval/runner.ts';
import { TEST_RERANKER_ID } from '../src/engine/models/reranker-registry.ts';
import { loadTransformersReranker } from '../src/engine/rerank/transformers-reranker.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import type { FusionSettings } from '../src/engine/api/search.ts';

// One process, one engine at a time: no other tab to tell, and an open BroadcastChannel keeps Node from exiting.
const NO_OTHER_TABS = { announce: () => undefined, onAnnouncement: () => undefined, close: () => undefined };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      model: { type: 'string', default: TEST_MODEL_ID },
      reranker: { type: 'string', default: TEST_RERANKER_ID },
      'rerank-depth': { type: 'string' },
      alphas: { type: 'string', default: '0.3,0.5,0.7' },
      'no-rerank': { type: 'boolean', default: false },
      modes: { type: 'string', default: 'bm25,vector,hybrid' },
      depth: { type: 'string', default: '1000' },
    },
  });
  if (!values.dataset?.length) {
    console.error(
      'usage: npm run eval:grid -- --dataset DIR [--dataset DIR…] [--json] [--alphas 0.3,0.5,0.7] [--modes bm25,vector,hybrid] [--no-rerank]',
    );
    process.exit(2);
  }
  const alphas = values.alphas!.split(',').map(Number);
  if (!alphas.every((a) => a >= 0 && a <= 1))
    throw new TroveError('INVALID_ARGUMENT', `--alphas must be numbers in 0..1, got ${values.alphas}`);
  const modes = new Set(values.modes!.split(','));
  const rerankDepth = Number(values['rerank-depth'] ?? DEFAULT_RERANK_DEPTH);
  // Ranking depth scored (trec_eval: 1000). 100 keeps nDCG@10, recall@10/@100 and MRR@10 exact and makes MAP AP@100.
  const depth = Number(values.depth);
  if (!(Number.isInteger(depth) && depth >= 100))
    throw new TroveError('INVALID_ARGUMENT', `--depth must be an integer ≥ 100, got ${values.depth}`);
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const localModelPath = resolve('public/models') + '/';
  if (values.model === TEST_MODEL_ID) (await import('./make-model-fixture.mjs')).makeModelFixture();
  if (values.reranker === TEST_RERANKER_ID) (await import('./make-reranker-fixture.mjs')).makeRerankerFixture();
  const reranker = values['no-rerank']
    ? undefined
    : await loadTransformersReranker({
        modelId: values.reranker,
        allowRemoteModels: false,
        localModelPath,
        device: 'auto',
      });

  for (const dir of values.dataset) {
    const dataset = await loadDataset(dir);
    log(`\n${dataset.name}: ${dataset.corpus.length} documents, ${dataset.queries.length} judged queries`);
    const configs: Array<{ name: string; retriever: Retriever; fusion?: FusionSettings }> = [];
    if (modes.has('bm25')) configs.push({ name: 'bm25', retriever: await createRetriever('bm25', dataset.corpus) });
    if (modes.has('vector') || modes.has('hybrid')) {
      const started = performance.now();
      const engine = await ingestCorpus(dataset.corpus, {
        modelId: values.model!,
        allowRemoteModels: false,
        localModelPath,
        createEngine: () =>
          new TroveEngine({
            openStore: () => IndexedDbStore.open(`trove-eval-grid-${process.pid}-${dataset.name}`),
            channel: NO_OTHER_TABS,
            loadEmbedder: (o) => loadTransformersEmbedder(o),
          }),
      });
      log(`ingested in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      if (modes.has('vector')) configs.push({ name: 'vector', retriever: engineRetriever(engine, 'semantic') });
      if (modes.has('hybrid')) {
        configs.push({
          name: 'hybrid rrf',
          retriever: engineRetriever(engine, 'hybrid'),
          fusion: { method: 'rrf', k: 60 },
        });
        for (const alpha of alphas) {
          const fusion: FusionSettings = { method: 'weighted', alpha, normalization: 'minmax' };
          configs.push({ name: `hybrid w${alpha}`, retriever: engineRetriever(engine, 'hybrid', fusion), fusion });
        }
      }
    }
    log(
      `${'configuration'.padEnd(22)}${['nDCG@10', 'R@10', 'R@100', 'MRR@10', 'MAP', 's'].map((h) => h.padStart(8)).join('')}`,
    );
    for (const config of configs) {
      for (const rerank of reranker ? [false, true] : [false]) {
        const started = performance.now();
        const retriever = rerank ? withPostProcessing(config.retriever, { reranker, rerankDepth }) : config.retriever;
        const result: EvalResult = await evaluate(dataset, (q, wanted) => retriever.search(q.text, wanted), {
          k: depth,
        });
        const seconds = (performance.now() - started) / 1000;
        const name = `${config.name}${rerank ? ' +rerank' : ''}`;
        const cells = [result['ndcg@10'], result['recall@10'], result['recall@100'], result['mrr@10'], result.map].map(
          (x) => x.toFixed(4).padStart(8),
        );
        log(`${name.padEnd(22)}${cells.join('')}${seconds.toFixed(1).padStart(8)}`);
        if (values.json) {
          const round = (x: number) => Math.round(x * 1e6) / 1e6;
          console.log(
            JSON.stringify({
              dataset: dataset.name,
              configuration: name,
              'ndcg@10': round(result['ndcg@10']),
              map: round(result.map),
              'recall@10': round(result['recall@10']),
              'recall@100': round(result['recall@100']),
              'mrr@10': round(result['mrr@10']),
              queries: result.queries,
              depth,
              model: config.name === 'bm25' ? undefined : values.model,
              ...(config.fusion && { fusion: config.fusion }),
              ...(rerank && { rerank: { model: values.reranker, depth: rerankDepth } }),
              seconds: round(seconds),
            }),
          );
        }
      }
    }
  }
  await reranker?.dispose();
}

main().catch((error: unknown) => {
  console.error(error instanceof TroveError ? `${error.code}: ${error.message}` : error);
  process.exit(1);
});
