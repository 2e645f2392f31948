// npm run eval -- --dataset DIR --mode bm25|keyword|vector|hybrid [--json] [--k1 X --b Y] [--model ID] [--remote] [--k DEPTH]
//   [--fusion rrf|weighted] [--alpha A] [--norm minmax|zscore] [--rrf-k K]     (hybrid: how the two lists are fused)
//   [--mmr LAMBDA] [--rerank] [--reranker ID] [--rerank-depth N]               (any mode: reorder the top passages)
// Keyword, vector and hybrid modes run the whole engine (parse, chunk, embed, store on fake-indexeddb, search) the
// way the Evaluate view does (eval/engine-retriever.ts: same files, search, depth), so their figures are the app's.
// bm25 ranks whole documents without the engine (Anserini's flat BEIR baseline): a reference, not the app's search.
// The model defaults to the offline GloVe fixture; --model bge-small-en-v1.5 needs its files under public/models/
// or --remote. --k (default 100, as the Evaluate view) is the ranking depth that counts; trec_eval's MAP uses 1000.
// Evaluates a test collection (BEIR layout) and prints nDCG@10, MAP, recall@100, MRR@10.
// With --json the last line is one JSON object with those figures.
// npm run eval -- --answers --dataset DIR [--generator ID] [--k 5] [--rerank --reranker ID]: answers with citations
// instead (scripts/eval-answers.ts: citation precision/recall, answer token F1, no-answer accuracy).
// The engine's real IndexedDB store code, on an in-memory IndexedDB.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TEST_MODEL_ID } from '../src/engine/models/model-registry.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TEST_RERANKER_ID } from '../src/engine/models/reranker-registry.ts';
import { TEST_GENERATOR_ID } from '../src/engine/models/generator-registry.ts';
import { runAnswerEval } from './eval-answers.ts';
import { loadTransformersReranker } from '../src/engine/rerank/transformers-reranker.ts';
import { validateFusion } from '../src/engine/retrieve/fuser.ts';
import { DEFAULT_RERANK_DEPTH, withPostProcessing, type PostProcessOptions } from '../src/engine/eval/post-process.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { TroveError } from '../src/engine/core/errors.ts';
import { loadDataset } from '../src/engine/eval/dataset-files.ts';
import { createRetriever, type RetrievalMode } from '../src/engine/eval/retrievers.ts';
import { EVALUATION_DEPTH } from '../src/engine/eval/engine-retriever.ts';
import { evaluate } from '../src/engine/eval/runner.ts';
import type { FusionSettings } from '../src/engine/api/search.ts';

const MODES: readonly RetrievalMode[] = ['bm25', 'keyword', 'vector', 'hybrid'];

function usage(message: string): never {
  const modes = MODES.join('|');
  console.error(
    `${message}\nusage: npm run eval -- --dataset DIR --mode ${modes} [--json] [--k1 X --b Y] [--model ID] ` +
      '[--fusion rrf|weighted --alpha A --norm minmax|zscore --rrf-k K] [--mmr LAMBDA] [--rerank --reranker ID --rerank-depth N]',
  );
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
      fusion: { type: 'string' },
      alpha: { type: 'string' },
      norm: { type: 'string' },
      'rrf-k': { type: 'string' },
      mmr: { type: 'string' },
      rerank: { type: 'boolean', default: false },
      reranker: { type: 'string', default: TEST_RERANKER_ID },
      'rerank-depth': { type: 'string' },
      answers: { type: 'boolean', default: false },
      generator: { type: 'string', default: TEST_GENERATOR_ID },
    },
  });
  if (!values.dataset) usage('--dataset is required');
  if (values.answers) return evaluateAnswers(values);
  const mode = values.mode as RetrievalMode;
  if (!MODES.includes(mode)) usage(`--mode must be one of ${MODES.join(', ')}, got "${values.mode}"`);
  const k1 = numberArg(values.k1, 'k1');
  const b = numberArg(values.b, 'b');
  const k = numberArg(values.k, 'k') ?? EVALUATION_DEPTH;
  const alpha = numberArg(values.alpha, 'alpha');
  const rrfK = numberArg(values['rrf-k'], 'rrf-k');
  const mmr = numberArg(values.mmr, 'mmr');
  const rerankDepth = numberArg(values['rerank-depth'], 'rerank-depth') ?? DEFAULT_RERANK_DEPTH;
  let fusion: FusionSettings | undefined;
  if (values.fusion !== undefined || alpha !== undefined || rrfK !== undefined || values.norm !== undefined) {
    if (mode !== 'hybrid') usage('--fusion, --alpha, --norm and --rrf-k apply to --mode hybrid');
    const method = values.fusion ?? (alpha !== undefined ? 'weighted' : 'rrf');
    if (method !== 'rrf' && method !== 'weighted') usage(`--fusion must be rrf or weighted, got "${method}"`);
    if (method === 'weighted' && alpha === undefined)
      usage('--fusion weighted needs --alpha A (0 = keyword only, 1 = vectors only)');
    try {
      fusion = validateFusion(
        method === 'rrf'
          ? { method, k: rrfK ?? 60 }
          : { method, alpha: alpha!, normalization: values.norm as 'minmax' | 'zscore' | undefined },
      );
    } catch (error) {
      usage(error instanceof Error ? error.message : String(error));
    }
  }
  if (mmr !== undefined && !(mmr >= 0 && mmr <= 1)) usage(`--mmr must be between 0 and 1, got ${mmr}`);
  if (!(Number.isInteger(rerankDepth) && rerankDepth >= 1))
    usage(`--rerank-depth must be a positive integer, got ${rerankDepth}`);
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);

  const started = performance.now();
  const needsEmbedder = (mode !== 'bm25' && mode !== 'keyword') || mmr !== undefined;
  if (needsEmbedder && values.model === TEST_MODEL_ID) (await import('./make-model-fixture.mjs')).makeModelFixture();
  if (values.rerank && values.reranker === TEST_RERANKER_ID)
    (await import('./make-reranker-fixture.mjs')).makeRerankerFixture();
  const dataset = await loadDataset(values.dataset);
  const configuration = [
    mode,
    fusion &&
      (fusion.method === 'rrf' ? `rrf k=${fusion.k}` : `weighted alpha=${fusion.alpha} ${fusion.normalization}`),
    mmr !== undefined && `mmr ${mmr}`,
    values.rerank && `rerank ${values.reranker} top ${rerankDepth}`,
  ]
    .filter(Boolean)
    .join(', ');
  log(
    `${dataset.name}: ${dataset.corpus.length} documents, ${dataset.queries.length} judged queries, ${configuration}`,
  );
  const localModelPath = resolve('public/models') + '/';
  const baseRetriever = await createRetriever(mode, dataset.corpus, {
    fusion,
    bm25: { ...(k1 !== undefined && { k1 }), ...(b !== undefined && { b }) },
    engine: {
      modelId: values.model!,
      allowRemoteModels: values.remote!,
      localModelPath,
      createEngine: () =>
        new TroveEngine({
          openStore: () => IndexedDbStore.open(`trove-eval-${process.pid}`),
          loadEmbedder: (o) => loadTransformersEmbedder(o),
        }),
    },
  });
  const post: PostProcessOptions = {};
  if (mmr !== undefined) {
    const embedder = await loadTransformersEmbedder({
      modelId: values.model!,
      allowRemoteModels: values.remote!,
      localModelPath,
      device: 'auto',
    });
    post.mmr = { lambda: mmr, embed: (texts) => embedder.embedPassages(texts), dims: embedder.model.dims };
  }
  if (values.rerank) {
    post.reranker = await loadTransformersReranker({
      modelId: values.reranker,
      allowRemoteModels: values.remote!,
      localModelPath,
      device: 'auto',
    });
    post.rerankDepth = rerankDepth;
  }
  const retriever = withPostProcessing(baseRetriever, post);
  const indexed = performance.now();
  const result = await evaluate(dataset, (query, depth) => retriever.search(query.text, depth), { k });
  await retriever.close?.();
  const seconds = (performance.now() - started) / 1000;

  const row = (name: string, value: number) => `${name.padEnd(12)}${value.toFixed(4)}`;
  log(row('nDCG@10', result['ndcg@10']));
  log(row('MAP', result.map));
  log(row('recall@10', result['recall@10']));
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
        'recall@10': round(result['recall@10']),
        'recall@100': round(result['recall@100']),
        'mrr@10': round(result['mrr@10']),
        queries: result.queries,
        mode,
        dataset: dataset.name,
        ...(mode !== 'vector' && { k1: k1 ?? 0.9, b: b ?? 0.4 }),
        k,
        ...(mode === 'hybrid' && { fusion: fusion ?? { method: 'rrf', k: 60 } }),
        ...(mmr !== undefined && { mmr }),
        ...(values.rerank && { rerank: { model: values.reranker, depth: rerankDepth } }),
        seconds: round(seconds),
      }),
    );
  }
}

async function evaluateAnswers(values: {
  dataset?: string;
  generator?: string;
  k?: string;
  rerank?: boolean;
  reranker?: string;
  remote?: boolean;
  json?: boolean;
}): Promise<void> {
  const k = numberArg(values.k, 'k') ?? 5;
  if (!(Number.isInteger(k) && k >= 1 && k <= 50)) usage(`--k must be a whole number 1..50 for --answers, got ${k}`);
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  if (values.generator === TEST_GENERATOR_ID) (await import('./make-generator-fixture.mjs')).makeGeneratorFixture();
  if (values.rerank && values.reranker === TEST_RERANKER_ID)
    (await import('./make-reranker-fixture.mjs')).makeRerankerFixture();
  const started = performance.now();
  const { metrics } = await runAnswerEval({
    dataset: values.dataset!,
    generatorId: values.generator!,
    localModelPath: resolve('public/models') + '/',
    allowRemoteModels: values.remote ?? false,
    k,
    ...(values.rerank && { reranker: values.reranker }),
  });
  const seconds = (performance.now() - started) / 1000;
  const row = (name: string, value: number) => `${name.padEnd(20)}${Number.isNaN(value) ? 'n/a' : value.toFixed(4)}`;
  log(
    `${values.dataset}: ${metrics.questions} questions (${metrics.unanswerable} unanswerable), generator ${values.generator}, top ${k}${values.rerank ? `, rerank ${values.reranker}` : ''}`,
  );
  log(row('citation precision', metrics.citationPrecision));
  log(row('citation recall', metrics.citationRecall));
  log(row('answer token F1', metrics.answerF1));
  log(row('no-answer accuracy', metrics.noAnswerAccuracy));
  log(row('false no-answer', metrics.falseNoAnswer));
  log(`${'seconds'.padEnd(20)}${seconds.toFixed(2)}`);
  if (values.json) {
    const round = (x: number) => (Number.isNaN(x) ? null : Math.round(x * 1e6) / 1e6);
    console.log(
      JSON.stringify({
        citation_precision: round(metrics.citationPrecision),
        citation_recall: round(metrics.citationRecall),
        answer_f1: round(metrics.answerF1),
        no_answer_accuracy: round(metrics.noAnswerAccuracy),
        false_no_answer: round(metrics.falseNoAnswer),
        questions: metrics.questions,
        unanswerable: metrics.unanswerable,
        generator: values.generator,
        k,
        ...(values.rerank && { reranker: values.reranker }),
        seconds: round(seconds),
      }),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof TroveError ? `${error.code}: ${error.message}` : error);
  process.exit(1);
});
