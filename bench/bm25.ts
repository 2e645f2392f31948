// BM25 benchmark: our Bm25Index against MiniSearch (dev dependency, used only here), in one process and run.
// Corpora: the SciFact collection and a seeded synthetic one (default 50,000 documents of 50-200 words drawn
// Zipf-distributed from the alphabetic words of the GloVe 5k vocabulary, which is in frequency order).
// Both engines get the same terms from our analyzer (lower-case, Lucene stop words, Porter stems), the same
// k1 = 0.9, b = 0.4, and are asked for the top 10. Differences that remain: MiniSearch scores BM25+ with d = 0 (=
// BM25 with the (k1+1) factor), uses the count of distinct terms as document length, multiplies a result's score by
// the number of query terms it matched, and ranks all matches (it has no top-k); we score plain Lucene BM25.
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import MiniSearch from 'minisearch';
import { loadDataset } from '../src/engine/eval/dataset-files.ts';
import { analyze } from '../src/engine/lexical/analyzer.ts';
import { Bm25Index } from '../src/engine/lexical/bm25.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = resolve(ROOT, '../shared');
const TOP_K = 10;

interface Engine {
  add(id: number, text: string): void;
  search(query: string): number[];
}

interface Figures {
  buildSeconds: number;
  p50Ms: number;
  p95Ms: number;
  heapBytes: number;
}

interface CorpusResult {
  corpus: string;
  documents: number;
  trove: Figures;
  minisearch: Figures;
  /** trove / minisearch: below 1 means we are faster or smaller. */
  ratio: Figures;
}

// `npm run bench` runs plain tsx: when node was not started with --expose-gc, switch the flag on at run time.
const gc: () => void =
  (globalThis as { gc?: () => void }).gc ?? (setFlagsFromString('--expose-gc'), runInNewContext('gc') as () => void);

/** Live JS heap plus ArrayBuffer backing stores (typed arrays live outside heapUsed). */
function liveHeapBytes(): number {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** mulberry32: small seeded generator, so corpora and queries are the same on every run. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sampler for P(rank r) ∝ 1 / r over the words (s = 1). */
function zipf(words: readonly string[], random: () => number): () => string {
  const cdf = new Float64Array(words.length);
  let sum = 0;
  for (let r = 0; r < words.length; r++) cdf[r] = sum += 1 / (r + 1);
  return () => {
    const x = random() * sum;
    let lo = 0;
    let hi = words.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return words[lo];
  };
}

function syntheticCorpus(words: readonly string[], count: number, seed: number): string[] {
  const random = seeded(seed);
  const word = zipf(words, random);
  return Array.from({ length: count }, () => {
    const length = 50 + Math.floor(random() * 151);
    return Array.from({ length }, word).join(' ');
  });
}

/** Queries of 2-4 words, each word picked at random from a random document (so words follow the corpus). */
function sampleQueries(docs: readonly string[], count: number, seed: number): string[] {
  const random = seeded(seed);
  return Array.from({ length: count }, () => {
    const words = docs[Math.floor(random() * docs.length)].split(/\s+/).filter((w) => /^[\p{L}\p{N}]+$/u.test(w));
    const length = 2 + Math.floor(random() * 3);
    return Array.from({ length }, () => words[Math.floor(random() * words.length)] ?? '').join(' ');
  });
}

function trove(): Engine {
  const index = new Bm25Index({ k1: 0.9, b: 0.4 });
  return {
    add: (id, text) => index.add(id, analyze(text)),
    search: (query) => index.search(analyze(query), TOP_K).map((hit) => hit.id),
  };
}

function minisearch(): Engine {
  const index = new MiniSearch<{ id: number; text: string }>({
    fields: ['text'],
    tokenize: (text) => analyze(text),
    processTerm: (term) => term,
    searchOptions: { bm25: { k: 0.9, b: 0.4, d: 0 } },
  });
  return {
    add: (id, text) => index.add({ id, text }),
    search: (query) =>
      index
        .search(query)
        .slice(0, TOP_K)
        .map((result) => result.id as number),
  };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function measure(make: () => Engine, docs: readonly string[], queries: readonly string[]): Figures {
  const heapBefore = liveHeapBytes();
  const started = performance.now();
  const engine = make();
  for (let i = 0; i < docs.length; i++) engine.add(i, docs[i]);
  const buildSeconds = (performance.now() - started) / 1000;
  const heapBytes = liveHeapBytes() - heapBefore;

  for (let i = 0; i < Math.min(100, queries.length); i++) engine.search(queries[i]); // warm-up
  const times = new Float64Array(queries.length);
  let found = 0;
  for (let i = 0; i < queries.length; i++) {
    const t0 = performance.now();
    found += engine.search(queries[i]).length;
    times[i] = performance.now() - t0;
  }
  if (found === 0) throw new Error('no query matched anything: the benchmark is broken');
  times.sort();
  return { buildSeconds, p50Ms: percentile(times, 0.5), p95Ms: percentile(times, 0.95), heapBytes };
}

function compare(corpus: string, docs: readonly string[], queries: readonly string[]): CorpusResult {
  for (const doc of docs) analyze(doc); // fill the shared stem cache first, so neither engine's heap counts it
  const ours = measure(trove, docs, queries);
  const theirs = measure(minisearch, docs, queries);
  const ratio = {} as Figures;
  for (const key of Object.keys(ours) as (keyof Figures)[]) ratio[key] = ours[key] / theirs[key];
  return { corpus, documents: docs.length, trove: ours, minisearch: theirs, ratio };
}

async function vocabulary(): Promise<{ words: string[]; source: string }> {
  const file = join(SHARED, 'models/glove-6B-50d-5k/glove-50d-5k.json');
  const keys = Object.keys(JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>);
  const words = keys.filter((w) => /^[a-z]+$/.test(w));
  return { words, source: `${words.length} alphabetic words of ${file}, in GloVe's frequency order` };
}

function printTable(results: readonly CorpusResult[], log: (line: string) => void): void {
  const cols = ['corpus', 'docs', 'engine', 'build s', 'p50 ms', 'p95 ms', 'heap MB'];
  const widths = [10, 7, 11, 9, 9, 9, 9];
  const line = (cells: string[]) =>
    log(cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' '));
  line(cols);
  for (const r of results) {
    const row = (engine: string, f: Figures, ratio = false) =>
      line([
        engine === 'trove' ? r.corpus : '',
        engine === 'trove' ? String(r.documents) : '',
        engine,
        f.buildSeconds.toFixed(3),
        f.p50Ms.toFixed(3),
        f.p95Ms.toFixed(3),
        ratio ? f.heapBytes.toFixed(3) : (f.heapBytes / 2 ** 20).toFixed(1),
      ]);
    row('trove', r.trove);
    row('minisearch', r.minisearch);
    row('ratio', r.ratio, true);
  }
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      docs: { type: 'string', default: '50000' },
      queries: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '42' },
      scifact: { type: 'string', default: join(SHARED, 'datasets/scifact') },
    },
  });
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const docCount = Number(values.docs);
  const queryCount = Number(values.queries);
  const seed = Number(values.seed);

  const scifact = await loadDataset(values.scifact);
  const scifactDocs = scifact.corpus.map((d) => `${d.title} ${d.text}`);
  const vocab = await vocabulary();
  const synthetic = syntheticCorpus(vocab.words, docCount, seed);
  log(`node ${process.version}; top-${TOP_K}; ${queryCount} queries of 2-4 words per corpus (seed ${seed})`);
  log(`synthetic vocabulary: ${vocab.source}`);

  const results = [
    compare('scifact', scifactDocs, sampleQueries(scifactDocs, queryCount, seed + 1)),
    compare('synthetic', synthetic, sampleQueries(synthetic, queryCount, seed + 2)),
  ];
  printTable(results, log);
  if (values.json) {
    const round = (_key: string, x: unknown) =>
      typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(4)) : x;
    console.log(JSON.stringify({ node: process.version, topK: TOP_K, queries: queryCount, seed, results }, round));
  }
}
