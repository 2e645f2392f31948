// Soak and reopen benchmark (issue 7). Node part: a generated library of N passages (default 50,000: 500 documents
// × 100 passages, one passage per chunk) is ingested through TroveEngine on fake-indexeddb with the GloVe fixture
// model; then queries in every mode run interleaved with adds and deletes while the heap is sampled after a forced
// GC; then a fresh engine reopened from storage must answer the same top-10 ids, and the reopen is timed (engine
// start → first keyword result, → first hybrid result, model load included). Chromium part (bench/browser/soak*):
// the same library built by the engine in a module worker on real IndexedDB, the browser closed and started again
// on the same profile, and the reopen timed there.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseArgs } from 'node:util';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import type { SearchMode } from '../src/engine/core/types.ts';
import { generateDocument, generateQueries, PASSAGE_CHUNKING } from './data/passages.ts';
import type { BrowserFigures } from './soak-browser.ts';
import {
  buildLibrary,
  fileOf,
  MODES,
  sameFraction,
  timeReopen,
  topIds,
  waitPersisted,
  type ReopenTimes,
} from './data/soak-steps.ts';

const MODEL = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath: resolve('public/models') + '/' };

/** A GC we can call: --expose-gc set at run time (npm run bench runs tsx without flags). */
function gcFunction(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function engineFor(db: string): TroveEngine {
  return new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    libraryName: db,
    snapshotDelayMs: 300,
  });
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return num / den;
}

export interface NodeFigures {
  passages: number;
  documents: number;
  chunks: number;
  ingestMs: number;
  persistWaitMs: number;
  queries: number;
  changes: number;
  queryMsByMode: Record<string, number>;
  heapSamples: { queries: number; heapMB: number }[];
  heapSlopeMBPer1k: number;
  heapSlopeSecondHalfMBPer1k: number;
  quietSamples: { queries: number; heapMB: number }[];
  quietSlopeMBPer1k: number;
  reopen: ReopenTimes;
  keywordSame: number;
  semanticSame: number;
  hybridSame: number;
  semanticRecallVsFlat: number;
  semanticRecallVsFlatTies: number;
  compared: number;
  indexKind: string | undefined;
}

interface Options {
  passages: number;
  perDoc: number;
  queries: number;
  changes: number;
  compare: number;
  seed: number;
  batch: number;
  log: (line: string) => void;
}

/** Every stored vector of a live chunk (L2-normalised, so a dot product is the cosine). */
async function storedVectors(db: string, live: Set<number>): Promise<Map<number, Float32Array>> {
  const store = await IndexedDbStore.open(db);
  try {
    const serving = (await store.getSetting<{ fingerprint: string }>('vector-set'))!;
    const vectors = new Map<number, Float32Array>();
    for (const batch of await store.vectorBatches(serving.fingerprint)) {
      batch.chunkIds.forEach((id, row) => {
        if (live.has(id)) vectors.set(id, batch.vectors.subarray(row * batch.dims, (row + 1) * batch.dims));
      });
    }
    return vectors;
  } finally {
    store.close();
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let d = 0; d < a.length; d++) s += a[d]! * b[d]!;
  return s;
}

/**
 * Recall@10 of `found` against an exact scan: strict (same ids), and counting a found id whose exact score ties
 * the 10th best within 1e-6 (float32 sums in another order can swap near-equal passages at the boundary).
 */
function recallVsExact(found: number[][], queryVectors: Float32Array[], vectors: Map<number, Float32Array>) {
  let strict = 0;
  let tied = 0;
  let total = 0;
  found.forEach((ids, qi) => {
    const q = queryVectors[qi]!;
    const scores = [...vectors].map(([id, v]) => ({ id, s: dot(q, v) })).sort((a, b) => b.s - a.s);
    const truth = scores.slice(0, 10);
    const tenth = truth[truth.length - 1]?.s ?? -Infinity;
    const truthIds = new Set(truth.map((t) => t.id));
    total += truth.length;
    for (const id of ids.slice(0, 10)) {
      if (truthIds.has(id)) strict++;
      if (truthIds.has(id) || dot(q, vectors.get(id)!) >= tenth - 1e-6) tied++;
    }
  });
  return { strict: total ? strict / total : 1, tied: total ? tied / total : 1 };
}

export async function runNode(o: Options): Promise<NodeFigures> {
  const gc = gcFunction();
  const db = `soak-${o.passages}`;
  const documents = Math.ceil(o.passages / o.perDoc);
  const engine = engineFor(db);
  await engine.init(MODEL);
  await engine.updateSettings(PASSAGE_CHUNKING);
  const status = await engine.loadModel();
  if (status.state !== 'ready')
    throw new Error(`the GloVe fixture model did not load (${status.state}); run npm run fixtures`);

  o.log(`Node: ingesting ${documents} documents × ${o.perDoc} passages…`);
  let lastLog = performance.now();
  const { ms: ingestMs } = await buildLibrary(engine, {
    seed: o.seed,
    documents,
    perDoc: o.perDoc,
    batch: o.batch,
    onProgress: (done) => {
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        o.log(`  ${done}/${documents} documents`);
      }
    },
  });
  const stats = await engine.stats();
  if (stats.chunks !== documents * o.perDoc)
    throw new Error(`expected ${documents * o.perDoc} chunks, the engine has ${stats.chunks}`);
  o.log(`  ${stats.chunks} chunks in ${(ingestMs / 1000).toFixed(1)} s; index ${stats.index?.kind ?? 'none'}`);

  // The soak: queries in every mode, a change (add or delete, alternating) every queries/changes queries.
  const queries = generateQueries(o.seed, o.queries);
  const every = Math.max(1, Math.floor(o.queries / Math.max(1, o.changes)));
  const rand = (() => {
    let x = o.seed * 7919 + 1;
    return () => (x = (x * 1103515245 + 12345) >>> 0) / 0x100000000;
  })();
  const queryMs: Record<string, number[]> = { keyword: [], semantic: [], hybrid: [] };
  const samples: { queries: number; heapMB: number }[] = [];
  const sample = (done: number) => {
    gc();
    gc();
    samples.push({ queries: done, heapMB: process.memoryUsage().heapUsed / 2 ** 20 });
  };
  let changes = 0;
  let added = 0;
  sample(0);
  for (let i = 0; i < queries.length; i++) {
    const mode = MODES[i % MODES.length]!;
    const t = performance.now();
    const r = await engine.search(queries[i]!, { mode, k: 10 });
    queryMs[mode]!.push(performance.now() - t);
    if (r.mode !== mode) throw new Error(`query ${i} asked ${mode}, answered ${r.mode}: ${r.notice ?? ''}`);
    if ((i + 1) % every === 0 && changes < o.changes) {
      if (changes % 2 === 0) {
        // An add: a new document the size of the others, so the library keeps its size.
        const doc = generateDocument(o.seed, documents + added, o.perDoc, 'added');
        added++;
        const [result] = await engine.ingest([fileOf(doc)], () => undefined);
        if (result!.stage !== 'done') throw new Error(`soak add ended ${result!.stage}`);
      } else {
        const docs = await engine.listDocuments();
        await engine.deleteDocument(docs[Math.floor(rand() * docs.length)]!.id);
      }
      changes++;
    }
    if ((i + 1) % 100 === 0) sample(i + 1);
    if ((i + 1) % 500 === 0) o.log(`  soak: ${i + 1}/${queries.length} queries, ${changes} changes`);
  }
  const xs = samples.map((s) => s.queries);
  const ys = samples.map((s) => s.heapMB);
  const half = Math.floor(samples.length / 2);
  const heapSlopeMBPer1k = slope(xs, ys) * 1000;
  const heapSlopeSecondHalfMBPer1k = slope(xs.slice(half), ys.slice(half)) * 1000;

  // Reopen from storage once the keyword snapshot and the vector pages are written.
  const persistWaitMs = await waitPersisted(() => IndexedDbStore.open(db));

  // The same queries again with no writes: fake-indexeddb keeps the whole database in this heap, so the slope above
  // includes stored records (and their change log); this one is the engine's query path alone.
  const quiet: { queries: number; heapMB: number }[] = [];
  gc();
  quiet.push({ queries: 0, heapMB: process.memoryUsage().heapUsed / 2 ** 20 });
  for (let i = 0; i < queries.length; i++) {
    await engine.search(queries[i]!, { mode: MODES[i % MODES.length]!, k: 10 });
    if ((i + 1) % 100 === 0) {
      gc();
      gc();
      quiet.push({ queries: i + 1, heapMB: process.memoryUsage().heapUsed / 2 ** 20 });
    }
  }
  const quietSlopeMBPer1k =
    slope(
      quiet.map((x) => x.queries),
      quiet.map((x) => x.heapMB),
    ) * 1000;
  const sampleQueries = generateQueries(o.seed + 1, o.compare);
  const before: Record<string, number[][]> = {};
  for (const mode of MODES) before[mode] = (await topIds(engine, sampleQueries, mode)).ids;
  const live = new Set<number>();
  const reopenQuery = sampleQueries[0] ?? 'bank money';
  const { engine: reopened, times } = await timeReopen(() => engineFor(db), MODEL, reopenQuery);
  const after: Record<string, number[][]> = {};
  for (const mode of MODES) {
    const { ids, modes } = await topIds(reopened, sampleQueries, mode);
    if (modes.some((m) => m !== mode)) throw new Error(`the reopened engine answered ${mode} queries in another mode`);
    after[mode] = ids;
  }
  // Recall of the reopened index against an exact scan of the stored vectors.
  const embedder = await loadTransformersEmbedder({ ...MODEL, device: 'auto' });
  const queryVectors: Float32Array[] = [];
  for (const q of sampleQueries) queryVectors.push(await embedder.embedQuery(q));
  await embedder.dispose();
  for (const doc of await reopened.listDocuments()) {
    // Every chunk of the reopened library is live; chunk ids come from the store.
    const store = await IndexedDbStore.open(db);
    for (const c of await store.chunksOf(doc.id)) live.add(c.id);
    store.close();
  }
  const recall = recallVsExact(after.semantic!, queryVectors, await storedVectors(db, live));

  const finalStats = await reopened.stats();
  // Both engines hold a BroadcastChannel and timers: released, so the process exits after printing.
  await Promise.all([engine.close(), reopened.close()]);
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    passages: documents * o.perDoc,
    documents,
    chunks: stats.chunks,
    ingestMs,
    persistWaitMs,
    queries: queries.length,
    changes,
    queryMsByMode: Object.fromEntries(Object.entries(queryMs).map(([m, v]) => [m, avg(v)])),
    heapSamples: samples,
    heapSlopeMBPer1k,
    heapSlopeSecondHalfMBPer1k,
    quietSamples: quiet,
    quietSlopeMBPer1k,
    reopen: times,
    keywordSame: sameFraction(before.keyword!, after.keyword!),
    semanticSame: sameFraction(before.semantic!, after.semantic!),
    hybridSame: sameFraction(before.hybrid!, after.hybrid!),
    semanticRecallVsFlat: recall.strict,
    semanticRecallVsFlatTies: recall.tied,
    compared: sampleQueries.length,
    indexKind: finalStats.index?.kind,
  };
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      passages: { type: 'string', default: '50000' },
      'per-doc': { type: 'string', default: '100' },
      queries: { type: 'string', default: '2000' },
      changes: { type: 'string', default: '500' },
      compare: { type: 'string', default: '60' },
      seed: { type: 'string', default: '7' },
      batch: { type: 'string', default: '25' },
      'skip-browser': { type: 'boolean', default: false },
      'skip-node': { type: 'boolean', default: false },
      'reopen-only': { type: 'boolean', default: false },
    },
  });
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const o: Options = {
    passages: Number(values.passages),
    perDoc: Number(values['per-doc']),
    queries: Number(values.queries),
    changes: Number(values.changes),
    compare: Number(values.compare),
    seed: Number(values.seed),
    batch: Number(values.batch),
    log,
  };
  const node = values['skip-node'] ? undefined : await runNode(o);
  const browser = values['skip-browser']
    ? undefined
    : await (await import('./soak-browser.ts')).runBrowser({ ...o, reopenOnly: values['reopen-only'] });
  report(node, browser, values.json, log);
  process.exit(0); // the engines' channels and timers would keep Node alive
}

function report(
  node: NodeFigures | undefined,
  browser: BrowserFigures | undefined,
  json: boolean,
  log: (line: string) => void,
): void {
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  if (node) {
    log('');
    log(
      `Node (fake-indexeddb, GloVe fixture model via transformers.js + onnxruntime-node), ${node.passages} passages in ${node.documents} documents`,
    );
    log(
      `ingest ${s(node.ingestMs)} s (${f(node.passages / (node.ingestMs / 1000), 0)} passages/s); index ${node.indexKind}`,
    );
    log(
      `soak: ${node.queries} queries (keyword/semantic/hybrid in turn) with ${node.changes} changes (adds and deletes alternating)`,
    );
    log(`mean query ms: ${MODES.map((m: SearchMode) => `${m} ${f(node.queryMsByMode[m]!)}`).join(', ')}`);
    log(`heap after GC, MB: ${node.heapSamples.map((x) => x.heapMB.toFixed(0)).join(' ')}`);
    log(
      `heap slope per 1,000 queries: ${f(node.heapSlopeMBPer1k, 2)} MB (second half: ${f(node.heapSlopeSecondHalfMBPer1k, 2)} MB)`,
    );
    log(
      `same queries again, no writes: heap MB ${node.quietSamples.map((x) => x.heapMB.toFixed(0)).join(' ')}; slope ${f(node.quietSlopeMBPer1k, 2)} MB per 1,000 queries`,
    );
    log(
      `reopened vs live engine, same top-10 ids over ${node.compared} queries: keyword ${f(node.keywordSame * 100, 0)}%, ` +
        `semantic ${f(node.semanticSame * 100, 0)}%, hybrid ${f(node.hybridSame * 100, 0)}%; ` +
        `semantic recall@10 of the reopened ${node.indexKind} vs exact scan of stored vectors: ${f(node.semanticRecallVsFlat, 3)} (${f(node.semanticRecallVsFlatTies, 3)} counting ties at rank 10)`,
    );
  }
  const rows: [string, string, string][] = [['runtime', 'first keyword ms', 'first hybrid ms']];
  if (node) rows.push(['Node (model load included)', f(node.reopen.keywordMs, 0), f(node.reopen.hybridMs, 0)]);
  if (browser)
    rows.push(['Chromium (model load included)', f(browser.reopen.keywordMs, 0), f(browser.reopen.hybridMs, 0)]);
  log('');
  log('reopen: engine start → first result');
  for (const [a, b, c] of rows) log(`${a.padEnd(34)} ${b.padStart(17)} ${c.padStart(16)}`);
  for (const [name, r] of [
    ['Node', node?.reopen],
    ['Chromium', browser?.reopen],
  ] as const) {
    if (!r) continue;
    log(
      `${name}: init ${f(r.initMs, 0)} ms; keyword index from ${r.keywordIndex}; vectors from pages: ${r.vectorsFromPages}; ` +
        `${r.fallbacks} hybrid attempts answered by keyword while the model loaded`,
    );
  }
  if (browser) {
    log(
      `Chromium, a second engine opened in the same worker (warm): init ${f(browser.warm.initMs, 0)} ms, ` +
        `first keyword ${f(browser.warm.keywordMs, 0)} ms, first hybrid ${f(browser.warm.hybridMs, 0)} ms`,
    );
    log(
      `Chromium: library built in the worker in ${s(browser.buildMs)} s, ${browser.chunks} chunks, index ${browser.indexKind}; ` +
        `same top-10 after reopen (keyword/semantic/hybrid): ${MODES.map((m) => f(browser.sameByMode[m]! * 100, 0) + '%').join('/')}`,
    );
    log(
      `Chromium page: navigation → worker created ${f(browser.sinceNavigationWorkerCreatedMs, 0)} ms → its script starts to run ` +
        `${f(browser.sinceNavigationEvaluationMs, 0)} ms → engine start ${f(browser.sinceNavigationEngineStartMs, 0)} ms (modules evaluated), ` +
        `→ first keyword ${f(browser.sinceNavigationKeywordMs, 0)} ms, → first hybrid ${f(browser.sinceNavigationHybridMs, 0)} ms; ` +
        `crossOriginIsolated ${browser.crossOriginIsolated} (goal: first keyword ≤ 1000 ms after opening)`,
    );
  }
  if (json) {
    const round = (_key: string, x: unknown) =>
      typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(4)) : x;
    const nodeEqual = node ? node.keywordSame === 1 && node.semanticSame === 1 && node.hybridSame === 1 : undefined;
    const browserEqual = browser ? browser.same === 1 : undefined;
    const resultsEqual =
      nodeEqual === undefined && browserEqual === undefined ? null : nodeEqual !== false && browserEqual !== false;
    console.log(
      JSON.stringify(
        {
          passages: node?.passages ?? browser?.chunks,
          heap_slope_per_1k_queries: node ? node.heapSlopeMBPer1k : null,
          heap_slope_unit: 'MB',
          heap_slope_second_half_per_1k_queries: node ? node.heapSlopeSecondHalfMBPer1k : null,
          heap_slope_per_1k_queries_no_writes: node ? node.quietSlopeMBPer1k : null,
          results_equal_after_reopen: resultsEqual,
          semantic_recall_at_10_vs_flat: node?.semanticRecallVsFlat ?? null,
          semantic_recall_at_10_vs_flat_with_ties: node?.semanticRecallVsFlatTies ?? null,
          node: node && {
            reopen_keyword_ms: node.reopen.keywordMs,
            reopen_hybrid_ms: node.reopen.hybridMs,
            ingest_ms: node.ingestMs,
            index: node.indexKind,
            keyword_same: node.keywordSame,
            semantic_same: node.semanticSame,
            hybrid_same: node.hybridSame,
          },
          chromium: browser && {
            reopen_keyword_ms: browser.reopen.keywordMs,
            reopen_hybrid_ms: browser.reopen.hybridMs,
            navigation_to_keyword_ms: browser.sinceNavigationKeywordMs,
            navigation_to_hybrid_ms: browser.sinceNavigationHybridMs,
            build_ms: browser.buildMs,
            same: browser.same,
            same_by_mode: browser.sameByMode,
            navigation_to_engine_start_ms: browser.sinceNavigationEngineStartMs,
            navigation_to_worker_created_ms: browser.sinceNavigationWorkerCreatedMs,
            navigation_to_worker_script_ms: browser.sinceNavigationEvaluationMs,
            warm_reopen_keyword_ms: browser.warm.keywordMs,
            warm_reopen_hybrid_ms: browser.warm.hybridMs,
            init_ms: browser.reopen.initMs,
          },
        },
        round,
      ),
    );
  }
}
