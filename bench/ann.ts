// ANN benchmark (issue 3): our flat and HNSW indexes against hnswlib-node (native hnswlib, optional dependency),
// in one process and run, on a seeded Gaussian mixture (bench/data/gaussian-mixture.ts). Single thread, k = 10.
// Every index gets row numbers as ids, so answers compare directly with the brute-force ground truth.
// Our index classes are imported dynamically: a missing or half-written implementation skips its rows with the
// reason, so this benchmark runs at every stage of the work.
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gaussianMixture, MIXTURE_VERSION } from './data/gaussian-mixture.ts';
import { cachedTopK, exactTopK, recallAtK } from './ann-truth.ts';

const K = 10;
const DIMS = 384;
const M = 16;
const EF_CONSTRUCTION = 200;
const WARMUP = 50;
/** A row stops after its time budget once it has answered this many queries (the plain-TS scan is slow). */
const MIN_QUERIES = 100;
const TARGET_RECALL = 0.99;
/** Timed passes over the queries per row at most; the best counts. */
const REPEATS = 3;

export interface Row {
  peer: string;
  setting: string;
  build_s: number;
  qps: number;
  recall_at_10: number;
  bytes_per_vector: number;
  /** Queries answered in the timed loop (all, unless the time budget ran out). */
  queries: number;
  bytes_estimated?: boolean;
}

interface Hits {
  id: number;
}
/** What we call on our indexes (FlatIndex and HnswIndex), loosely typed: their options are still moving. */
interface OurIndex {
  add(ids: ArrayLike<number>, vectors: Float32Array): void;
  search(query: Float32Array, k: number, filter?: (id: number) => boolean, options?: { ef?: number }): Hits[];
  bytesPerVector?: number;
  quantization?: string;
  backend?: string;
  ef?: number;
  rescore?: number;
}
type OurClass = new (a: unknown, b?: unknown) => OurIndex;

interface HnswlibIndex {
  initIndex(maxElements: number, m: number, efConstruction: number, seed: number): void;
  addPoint(point: number[], label: number): void;
  setEf(ef: number): void;
  searchKnn(query: number[], k: number): { neighbors: number[] };
}

// `npm run bench` runs plain tsx: when node was not started with --expose-gc, switch the flag on at run time.
const gc: () => void =
  (globalThis as { gc?: () => void }).gc ?? (setFlagsFromString('--expose-gc'), runInNewContext('gc') as () => void);

function rssAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().rss;
}

async function importClass(file: string, name: string): Promise<OurClass | string> {
  const url = new URL(file, import.meta.url).href; // a computed specifier: tsc must not require the file to exist
  try {
    const module = (await import(url)) as Record<string, unknown>;
    const cls = module[name];
    return typeof cls === 'function' ? (cls as OurClass) : `${file} has no export ${name} yet`;
  } catch (error) {
    return `${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
}

/**
 * Answers queries one at a time until all are done or the budget is spent; repeats fast passes (up to REPEATS, within
 * the budget) and keeps the best, because this machine is shared and noisy. Returns qps, recall and the count.
 */
function timeQueries(
  nq: number,
  truth: Uint32Array,
  budgetS: number,
  answer: (q: number, out: Int32Array) => void,
): { qps: number; recall: number; queries: number } {
  const scratch = new Int32Array(K);
  for (let q = 0; q < Math.min(WARMUP, nq); q++) answer(q, scratch);
  const out = new Int32Array(nq * K).fill(-1);
  const deadline = performance.now() + budgetS * 1000;
  let best = 0;
  let answered = 0; // answers are deterministic: a shorter later pass leaves the earlier ones in `out`
  for (let pass = 0; pass < REPEATS && (pass === 0 || performance.now() < deadline); pass++) {
    const started = performance.now();
    let done = 0;
    while (done < nq) {
      answer(done, out.subarray(done * K, done * K + K));
      done++;
      if (done >= MIN_QUERIES && (done & 15) === 0 && performance.now() > deadline) break;
    }
    best = Math.max(best, done / ((performance.now() - started) / 1000));
    answered = Math.max(answered, done);
    if (done < nq) break; // the budget ran out within the pass
  }
  return { qps: best, recall: recallAtK(out, truth, K, answered), queries: answered };
}

interface Context {
  base: Float32Array;
  queries: Float32Array[];
  truth: Uint32Array;
  n: number;
  efs: number[];
  budgetS: number;
  rows: Row[];
  log: (line: string) => void;
  skip: (peer: string, reason: string) => void;
}

/** Runs `grid` settings, then doubles ef past the grid until one reaches the target recall (up to 2048). */
function efSweep(ctx: Context, peer: string, run: (ef: number) => Omit<Row, 'peer' | 'setting'>): void {
  let reached = false;
  let ef = 0;
  for (ef of ctx.efs) {
    const row = { peer, setting: `ef=${ef}`, ...run(ef) };
    ctx.rows.push(row);
    reached ||= row.recall_at_10 >= TARGET_RECALL;
  }
  while (!reached && ef < 2048) {
    ef *= 2;
    const row = { peer, setting: `ef=${ef}`, ...run(ef) };
    ctx.rows.push(row);
    reached = row.recall_at_10 >= TARGET_RECALL;
    const still = reached ? '' : ' (not yet)';
    ctx.log(`note: ${peer} ef=${ef} added beyond the grid to reach recall@10 ≥ ${TARGET_RECALL}${still}`);
  }
}

/** hnswlib-node: space 'ip' (distance 1 − dot), M = 16, efConstruction = 200, seeded. */
async function hnswlib(ctx: Context): Promise<void> {
  let HNSW: new (space: string, dims: number) => HnswlibIndex;
  try {
    const name = 'hnswlib-node'; // computed: an optional dependency, absent from some installs
    type Module = { HierarchicalNSW?: typeof HNSW; default?: { HierarchicalNSW: typeof HNSW } };
    const module = (await import(name)) as Module;
    HNSW = (module.HierarchicalNSW ?? module.default?.HierarchicalNSW)!;
    if (typeof HNSW !== 'function') throw new Error('no HierarchicalNSW export');
  } catch {
    ctx.skip('hnswlib-node', 'hnswlib-node not available');
    return;
  }
  const rssBefore = rssAfterGc();
  const started = performance.now();
  const index = new HNSW('ip', DIMS);
  index.initIndex(ctx.n, M, EF_CONSTRUCTION, 100);
  const point = new Array<number>(DIMS); // reused: hnswlib copies each point into its own memory
  for (let i = 0; i < ctx.n; i++) {
    for (let d = 0; d < DIMS; d++) point[d] = ctx.base[i * DIMS + d];
    index.addPoint(point, i);
  }
  const build_s = (performance.now() - started) / 1000;
  const rssBytes = (rssAfterGc() - rssBefore) / ctx.n;
  // Estimate from hnswlib's layout: level-0 record (vector, 2M links + count, label), a link-list pointer, level,
  // and a mutex per element, plus upper-level link lists (M links + count) on an expected 1/(M − 1) levels.
  const bytes = 4 * DIMS + (2 * M * 4 + 4) + 8 + 8 + 4 + 40 + (M * 4 + 4) / (M - 1);
  ctx.log(
    `note: hnswlib-node bytes/vector is an estimate from its memory layout; RSS grew ${rssBytes.toFixed(0)} B/vector`,
  );
  const queries = ctx.queries.map((q) => Array.from(q));
  efSweep(ctx, 'hnswlib-node', (ef) => {
    index.setEf(ef);
    const t = timeQueries(queries.length, ctx.truth, ctx.budgetS, (q, out) => {
      const { neighbors } = index.searchKnn(queries[q], K);
      for (let i = 0; i < neighbors.length; i++) out[i] = neighbors[i];
    });
    const figures = { build_s, qps: t.qps, recall_at_10: t.recall, bytes_per_vector: bytes, queries: t.queries };
    return { ...figures, bytes_estimated: true };
  });
}

function ids(n: number): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => i);
}

function answerWith(index: OurIndex, ctx: Context, ef?: number) {
  const options = ef === undefined ? undefined : { ef };
  return (q: number, out: Int32Array) => {
    const hits = index.search(ctx.queries[q], K, undefined, options);
    for (let i = 0; i < hits.length; i++) out[i] = hits[i].id;
  };
}

interface FlatVariant {
  peer: string;
  options: { quantization: 'none' | 'int8' | 'binary'; backend: 'ts' | 'wasm' };
}

const FLAT: FlatVariant[] = [
  { peer: 'flat-ts-f32', options: { quantization: 'none', backend: 'ts' } },
  { peer: 'flat-wasm-f32', options: { quantization: 'none', backend: 'wasm' } },
  { peer: 'flat-int8', options: { quantization: 'int8', backend: 'wasm' } },
  { peer: 'flat-binary', options: { quantization: 'binary', backend: 'wasm' } },
];

/** Quantized scans rescore k × rescore candidates: the index's default first, doubled until recall reaches 0.99. */
async function flat(ctx: Context, variant: FlatVariant): Promise<void> {
  const FlatIndex = await importClass('../src/engine/index/flat.ts', 'FlatIndex');
  if (typeof FlatIndex === 'string') return ctx.skip(variant.peer, FlatIndex);
  const { peer, options } = variant;
  let rescore: number | undefined;
  for (;;) {
    const started = performance.now();
    let index = new FlatIndex(DIMS, { ...options, rescore });
    let setting = options.backend + (options.quantization !== 'none' ? `, rescore ×${index.rescore}` : '');
    if (index.quantization === undefined) {
      // The FlatIndex before the storage rewrite: no options, plain-TS float32 only.
      if (options.quantization !== 'none' || options.backend !== 'ts') {
        return ctx.skip(peer, 'FlatIndex has no quantization/backend options yet');
      }
      index = new FlatIndex(DIMS);
      setting = 'ts (old FlatIndex)';
    } else if (index.quantization !== options.quantization) {
      return ctx.skip(peer, `FlatIndex ignored quantization '${options.quantization}'`);
    } else if (index.backend !== undefined && index.backend !== options.backend) {
      return ctx.skip(peer, `FlatIndex runs on '${index.backend}', not '${options.backend}' (WASM unavailable?)`);
    }
    index.add(ids(ctx.n), ctx.base);
    const build_s = (performance.now() - started) / 1000;
    const t = timeQueries(ctx.queries.length, ctx.truth, ctx.budgetS, answerWith(index, ctx));
    const bytes = index.bytesPerVector ?? 4 * DIMS;
    const figures = { build_s, qps: t.qps, recall_at_10: t.recall, bytes_per_vector: bytes, queries: t.queries };
    ctx.rows.push({ peer, setting, ...figures });
    if (t.recall >= TARGET_RECALL || options.quantization === 'none' || !index.rescore || index.rescore >= 640) return;
    rescore = index.rescore * 2;
    ctx.log(`note: ${peer} rescore ×${rescore} added beyond the default to reach recall@10 ≥ ${TARGET_RECALL}`);
  }
}

async function hnsw(ctx: Context, quantization: 'none' | 'int8' | 'binary'): Promise<void> {
  const peer = `hnsw-${quantization === 'none' ? 'f32' : quantization}`;
  const HnswIndex = await importClass('../src/engine/index/hnsw.ts', 'HnswIndex');
  if (typeof HnswIndex === 'string') return ctx.skip(peer, HnswIndex);
  // rescore left to the index's default (candidates rescored exactly from float32 rows when quantized).
  const options = { dims: DIMS, M, efConstruction: EF_CONSTRUCTION, ef: ctx.efs[0], seed: 1, quantization };
  const started = performance.now();
  const index = new HnswIndex(options);
  if (index.quantization !== undefined && index.quantization !== quantization) {
    return ctx.skip(peer, `HnswIndex ignored quantization '${quantization}'`);
  }
  index.add(ids(ctx.n), ctx.base);
  const build_s = (performance.now() - started) / 1000;
  const bytes = index.bytesPerVector ?? NaN;
  efSweep(ctx, peer, (ef) => {
    if ('ef' in index) index.ef = ef; // and per call below, whichever the index reads
    const t = timeQueries(ctx.queries.length, ctx.truth, ctx.budgetS, answerWith(index, ctx, ef));
    return { build_s, qps: t.qps, recall_at_10: t.recall, bytes_per_vector: bytes, queries: t.queries };
  });
}

function best(rows: readonly Row[], mine: (row: Row) => boolean): Row | undefined {
  return rows.filter((r) => mine(r) && r.recall_at_10 >= TARGET_RECALL).sort((a, b) => b.qps - a.qps)[0];
}

/** The fastest row of a peer at recall ≥ 0.99, else its most accurate row. */
function atTarget(rows: readonly Row[], peer: string): Row | undefined {
  const own = rows.filter((r) => r.peer === peer);
  return best(own, () => true) ?? [...own].sort((a, b) => b.recall_at_10 - a.recall_at_10)[0];
}

function ratios(rows: readonly Row[]) {
  const ours = best(rows, (r) => r.peer !== 'hnswlib-node');
  const theirs = best(rows, (r) => r.peer === 'hnswlib-node');
  const first = (peer: string) => rows.find((r) => r.peer === peer);
  const over = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? null : a / b);
  const tsScan = first('flat-ts-f32')?.qps;
  const hnswlibBuild = first('hnswlib-node')?.build_s;
  const label = (r: Row | undefined) => (r ? `${r.peer} ${r.setting} (recall ${r.recall_at_10.toFixed(4)})` : null);
  const int8 = atTarget(rows, 'flat-int8');
  const binary = atTarget(rows, 'flat-binary');
  return {
    values: {
      qps_at_recall_099: over(ours?.qps, theirs?.qps),
      build: over(first('hnsw-f32')?.build_s, hnswlibBuild),
      build_int8: over(first('hnsw-int8')?.build_s, hnswlibBuild),
      build_binary: over(first('hnsw-binary')?.build_s, hnswlibBuild),
      flat_wasm_f32_speedup: over(first('flat-wasm-f32')?.qps, tsScan),
      flat_int8_speedup: over(int8?.qps, tsScan),
      flat_binary_speedup: over(binary?.qps, tsScan),
    },
    basis: {
      ours_at_recall_099: label(ours),
      theirs_at_recall_099: label(theirs),
      flat_int8: label(int8),
      flat_binary: label(binary),
    },
  };
}

function printTable(rows: readonly Row[], log: (line: string) => void): void {
  const cols = ['peer', 'setting', 'build s', 'queries', 'qps', 'recall@10', 'B/vector'];
  const widths = [14, 18, 9, 8, 9, 10, 9];
  const line = (cells: string[]) =>
    log(cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' '));
  line(cols);
  let previous: Row | undefined;
  for (const r of rows) {
    const samePeer = r.peer === previous?.peer;
    line([
      samePeer ? '' : r.peer,
      r.setting,
      samePeer && r.build_s === previous?.build_s ? '' : r.build_s.toFixed(2),
      String(r.queries),
      r.qps.toFixed(1),
      r.recall_at_10.toFixed(4),
      `${r.bytes_estimated ? '~' : ''}${Number.isNaN(r.bytes_per_vector) ? '?' : r.bytes_per_vector.toFixed(0)}`,
    ]);
    previous = r;
  }
}

const PEERS = ['hnswlib', 'flat-ts', 'flat-wasm', 'flat-int8', 'flat-binary', 'hnsw', 'hnsw-int8', 'hnsw-binary'];

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      size: { type: 'string', default: '100000' },
      queries: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '42' },
      ef: { type: 'string', default: '32,64,128' },
      /** Seconds of queries per row at most (at least MIN_QUERIES are answered). */
      budget: { type: 'string', default: '10' },
      peers: { type: 'string', default: PEERS.join(',') },
    },
  });
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const n = Number(values.size);
  const nq = Number(values.queries);
  const seed = Number(values.seed);
  const peers = new Set(values.peers.split(','));
  for (const p of peers) if (!PEERS.includes(p)) throw new Error(`unknown peer ${p}: one of ${PEERS.join(',')}`);

  const runStarted = performance.now();
  let t = performance.now();
  const base = gaussianMixture({ count: n, dims: DIMS, seed }).vectors;
  const queryRows = gaussianMixture({ count: nq, dims: DIMS, seed, stream: 'queries' }).vectors;
  const queries = Array.from({ length: nq }, (_, q) => queryRows.subarray(q * DIMS, (q + 1) * DIMS));
  const generated = (performance.now() - t) / 1000;
  t = performance.now();
  const { truth, cached } = await cachedTopK(`gm${MIXTURE_VERSION}-s${seed}-n${n}-q${nq}-d${DIMS}-k${K}`, () =>
    exactTopK(base, queryRows, DIMS, K),
  );
  const truthSeconds = (performance.now() - t) / 1000;
  log(`node ${process.version}; ${n} base vectors, ${nq} queries, dim ${DIMS}, k=${K}, seed ${seed}; single thread`);
  log(
    `data: Gaussian mixture, 1,000 Zipf-sized clusters (generated in ${generated.toFixed(1)} s); ` +
      `ground truth ${cached ? 'read from bench/.cache' : `by brute force in ${truthSeconds.toFixed(1)} s`}`,
  );
  log(`HNSW: M=${M}, efConstruction=${EF_CONSTRUCTION}, ef ∈ {${values.ef}}; query budget ${values.budget} s a row`);

  const skipped: { peer: string; reason: string }[] = [];
  const ctx: Context = {
    base,
    queries,
    truth,
    n,
    efs: values.ef.split(',').map(Number),
    budgetS: Number(values.budget),
    rows: [],
    log,
    skip: (peer, reason) => {
      skipped.push({ peer, reason });
      log(`skip: ${peer}: ${reason}`);
    },
  };
  const steps: [string, () => Promise<void>][] = [
    ['hnswlib', () => hnswlib(ctx)],
    ['flat-ts', () => flat(ctx, FLAT[0])],
    ['flat-wasm', () => flat(ctx, FLAT[1])],
    ['flat-int8', () => flat(ctx, FLAT[2])],
    ['flat-binary', () => flat(ctx, FLAT[3])],
    ['hnsw', () => hnsw(ctx, 'none')],
    ['hnsw-int8', () => hnsw(ctx, 'int8')],
    ['hnsw-binary', () => hnsw(ctx, 'binary')],
  ];
  for (const [name, step] of steps) {
    if (!peers.has(name)) continue;
    const stepStarted = performance.now();
    try {
      await step();
    } catch (error) {
      // One broken implementation must not hide the others' figures.
      ctx.skip(name, `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    log(`(${name}: ${((performance.now() - stepStarted) / 1000).toFixed(1)} s)`);
  }

  log('');
  printTable(ctx.rows, log);
  const { values: r, basis } = ratios(ctx.rows);
  const fmt = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(2)}×`);
  log('');
  log(
    `ratios.qps_at_recall_099 = ${fmt(r.qps_at_recall_099)} (goal ≥ 0.7×): ` +
      `ours: ${basis.ours_at_recall_099 ?? 'none reached 0.99'}; theirs: ${basis.theirs_at_recall_099 ?? 'none'}`,
  );
  log(
    `ratios.build = ${fmt(r.build)} (goal ≤ 1.5×): hnsw-f32 over hnswlib-node; ` +
      `int8 graph ${fmt(r.build_int8)}, binary graph ${fmt(r.build_binary)}`,
  );
  log(`flat speedups over the plain-TS float32 scan: wasm f32 ${fmt(r.flat_wasm_f32_speedup)}`);
  log(`  int8 ${fmt(r.flat_int8_speedup)} (goal ≥ 3×): ${basis.flat_int8 ?? 'n/a'}`);
  log(`  binary ${fmt(r.flat_binary_speedup)} (goal ≥ 10× at recall ≥ 0.99): ${basis.flat_binary ?? 'n/a'}`);
  log(`total ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);

  if (values.json) {
    const results: Record<string, Record<string, Omit<Row, 'peer' | 'setting'>>> = {};
    for (const { peer, setting, ...figures } of ctx.rows) (results[peer] ??= {})[setting] = figures;
    const round = (_key: string, x: unknown) =>
      typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(4)) : x;
    const summary = {
      ...{ node: process.version, size: n, queries: nq, dims: DIMS, k: K, seed },
      ...{ M, efConstruction: EF_CONSTRUCTION, ef_grid: ctx.efs, budget_s: ctx.budgetS },
    };
    console.log(JSON.stringify({ ...summary, results, skipped, ratios: r, ratio_basis: basis }, round));
  }
}
