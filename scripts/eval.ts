// npm run eval -- --dataset DIR --mode bm25|vector|hybrid [--json] [--k1 X --b Y] [--model ID] [--remote] [--k DEPTH]
// Vector and hybrid modes run the whole engine (parse, chunk, embed, store on fake-indexeddb, search). The model
// defaults to the offline GloVe fixture; --model bge-small-en-v1.5 needs its files under public/models/ or --remote.
// Evaluates a test collection (BEIR layout) and prints nDCG@10, MAP, recall@100, MRR@10.
// With --json the last line is one JSON object with those figures.
// The engine's real IndexedDB store code, on an in-memory IndexedDB.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TEST_MODEL_ID } from '../src/engine/embed/model-registry.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { TroveError } from '../src/engine/errors.ts';
import { loadDataset } from '../src/engine/eval/dataset.ts';
import { createRetriever, type RetrievalMode } from '../src/engine/eval/retrievers.ts';
import { evaluate } from '../src/engine/eval/runner.ts';

const MODES: readonly RetrievalMode[] = ['bm25', 'vector', 'hybrid'];

function usage(message: string): never {
  const modes = MODES.join('|');
  console.error(`${message}\nusage: npm run eval -- --dataset DIR --mode ${modes} [--json] [--k1 X --b Y] [--model ID]`);
  process.exit(2);
}

function numberArg(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) usage(`--${name} must be a number, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string' },
      mode: { type: 'string', default: 'bm25' },
      json: { type: 'boolean', default: false },
      k1: { type: 'string' },
      b: { type: 'string' },
      model: { type: 'string', default: TEST_MODEL_ID },
      remote: { type: 'boolean', default: false },
      k: { type: 'string' },
    },
  });
  if (!values.dataset) usage('--dataset is required');
  const mode = values.mode as RetrievalMode;
  if (!MODES.includes(mode)) usage(`--mode must be one of ${MODES.join(', ')}, got "${values.mode}"`);
  const k1 = numberArg(values.k1, 'k1');
  const b = numberArg(values.b, 'b');
  const k = numberArg(values.k, 'k') ?? 1000;
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);

  const started = performance.now();
  if (mode !== 'bm25' && values.model === TEST_MODEL_ID) (await import('./make-model-fixture.mjs')).makeModelFixture();
  const dataset = await loadDataset(values.dataset);
  log(`${dataset.name}: ${dataset.corpus.length} documents, ${dataset.queries.length} judged queries, mode ${mode}`);
  const retriever = await createRetriever(mode, dataset.corpus, {
    bm25: { ...(k1 !== undefined && { k1 }), ...(b !== undefined && { b }) },
    engine: {
      modelId: values.model!,
      allowRemoteModels: values.remote!,
      localModelPath: resolve('public/models') + '/',
      openStore: () => IndexedDbStore.open(`trove-eval-${process.pid}`),
    },
  });
  const indexed = performance.now();
  const result = await evaluate(dataset, (query, depth) => retriever.search(query.text, depth), { k });
  await retriever.close?.();
  const seconds = (performance.now() - started) / 1000;

  const row = (name: string, value: number) => `${name.padEnd(12)}${value.toFixed(4)}`;
  log(row('nDCG@10', result['ndcg@10']));
  log(row('MAP', result.map));
  log(row('recall@100', result['recall@100']));
  log(row('MRR@10', result['mrr@10']));
  log(`${'queries'.padEnd(12)}${result.queries}`);
  log(`${'seconds'.padEnd(12)}${seconds.toFixed(2)} (index ${((indexed - started) / 1000).toFixed(2)})`);
  if (values.json) {
    const round = (x: number) => Math.round(x * 1e6) / 1e6;
    console.log(
      JSON.stringify({
        'ndcg@10': round(result['ndcg@10']),
        map: round(result.map),
        'recall@100': round(result['recall@100']),
        'mrr@10': round(result['mrr@10']),
        queries: result.queries,
        mode,
        dataset: dataset.name,
        ...(mode !== 'vector' && { k1: k1 ?? 0.9, b: b ?? 0.4 }),
        seconds: round(seconds),
      }),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof TroveError ? `${error.code}: ${error.message}` : error);
  process.exit(1);
});
