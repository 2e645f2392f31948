// Ingest benchmark: the whole engine pipeline (parse, chunk, analyse, embed with the GloVe test model, store on
// fake-indexeddb, index) through the public engine API, on generated corpora of growing size; and, in the same
// run, the chunking stage against LangChain's RecursiveCharacterTextSplitter (dev dependency, used only here).
//
// Each corpus of S MB is four files of S/4 MB: prose in blank-line paragraphs, prose without blank lines (wrapped
// at 78 columns, as a text export or an e-mail), Markdown (headings, lists, code fences) and HTML.
// Stages are timed separately (parser, chunker, analyzer, embedder run on their own over the same files), then the
// whole ingest is timed through TroveEngine; store/index is what the whole costs beyond the separate stages.
// Peak heap is the live JS heap plus ArrayBuffers, sampled during the whole ingest, over a baseline taken before
// it (fake-indexeddb keeps the stored library in the same heap, so this includes the library itself).
//
//   npm run bench -- ingest [--sizes 1,4,16,64] [--json]
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import type { FileInput } from '../src/engine/api/index.ts';
import type { Embedder } from '../src/engine/embed/embedder.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { chunkDocument } from '../src/engine/ingest/chunker.ts';
import { parseFile } from '../src/engine/ingest/parsers/index.ts';
import { analyze } from '../src/engine/lexical/analyzer.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import type { ChunkDraft, ParsedDocument } from '../src/engine/core/types.ts';

// One process, one engine at a time: no other tab to tell, and an open BroadcastChannel keeps Node from exiting.
const NO_OTHER_TABS = { announce: () => undefined, onAnnouncement: () => undefined, close: () => undefined };

const MB = 1024 * 1024;
const MODEL = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath: resolve('public/models') + '/' };
/** The engine's defaults (src/engine/settings/settings.ts). */
const CHUNK_TOKENS = 256;
const OVERLAP_TOKENS = 32;
const EMBED_BATCH = 32;

const gc: () => void =
  (globalThis as { gc?: () => void }).gc ?? (setFlagsFromString('--expose-gc'), runInNewContext('gc') as () => void);

function liveBytes(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** mulberry32 */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCAB = (
  'the of and to in is was for on that with as by at from his her it an were are which this be has had not but ' +
  'kelp forest otter urchin ocean light water cold current seabed holdfast bladder frond canopy diver survey ' +
  'bridge arch stone timber mason keystone river valley century builder engineer span mortar quarry village ' +
  'bread flour starter yeast oven crust dough kitchen recipe baker morning market season harvest grain salt'
).split(' ');

class Writer {
  private readonly rand: () => number;
  constructor(seed: number) {
    this.rand = seeded(seed);
  }
  word(): string {
    // Zipf-like: common words far more often.
    return VOCAB[Math.floor(VOCAB.length * this.rand() ** 2)]!;
  }
  sentence(): string {
    const n = 6 + Math.floor(this.rand() * 18);
    const words = Array.from({ length: n }, () => this.word());
    if (this.rand() < 0.15) words.splice(1 + Math.floor(this.rand() * (n - 1)), 0, `${Math.floor(this.rand() * 2000)}`);
    const s = words.join(' ');
    return s[0]!.toUpperCase() + s.slice(1) + (this.rand() < 0.9 ? '.' : '?');
  }
  paragraph(): string {
    return Array.from({ length: 2 + Math.floor(this.rand() * 6) }, () => this.sentence()).join(' ');
  }
  pick<T>(items: T[]): T {
    return items[Math.floor(this.rand() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
}

function fill(bytes: number, next: () => string): string {
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const p = next();
    parts.push(p);
    length += p.length;
  }
  return parts.join('');
}

function wrap(text: string, width = 78): string {
  return text.replace(
    new RegExp(`(.{1,${width}})( |$)`, 'g'),
    (_, line: string, sp: string) => line + (sp ? '\n' : ''),
  );
}

/** The four files of a corpus of `megabytes` MB. */
export function corpus(megabytes: number, seed = 1): FileInput[] {
  const each = Math.round((megabytes * MB) / 4);
  const w = new Writer(seed);
  const paragraphs = fill(each, () => w.paragraph() + '\n\n');
  const wall = wrap(fill(each, () => w.paragraph() + ' '));
  const markdown = fill(each, () => {
    if (w.chance(0.08)) return `\n## ${w.sentence().slice(0, -1)}\n\n`;
    if (w.chance(0.08))
      return (
        Array.from({ length: 3 + Math.floor(w.chance(0.5) ? 2 : 4) }, () => `- ${w.sentence()}`).join('\n') + '\n\n'
      );
    if (w.chance(0.04))
      return (
        '```js\n' +
        Array.from({ length: 6 }, (_, i) => `const ${w.word()}${i} = ${w.word()}(${i});`).join('\n') +
        '\n```\n\n'
      );
    return w.paragraph() + '\n\n';
  });
  const html =
    '<!doctype html><html><head><meta charset="utf-8"><title>Bench</title><style>p{margin:0}</style></head><body>' +
    fill(each, () => {
      if (w.chance(0.08)) return `<h2>${w.sentence().slice(0, -1)}</h2>\n`;
      if (w.chance(0.05)) return `<ul>${Array.from({ length: 4 }, () => `<li>${w.sentence()}</li>`).join('')}</ul>\n`;
      return `<div class="c"><p>${w.paragraph().replace(/ (\w+) /, ' <b>$1</b> ')}</p></div>\n`;
    }) +
    '</body></html>';
  const file = (name: string, type: string, text: string): FileInput => {
    const data = new TextEncoder().encode(text);
    return {
      jobId: `${megabytes}-${name}`,
      name,
      type,
      data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
    };
  };
  return [
    file('paragraphs.txt', 'text/plain', paragraphs),
    file('wall-of-text.txt', 'text/plain', wall),
    file('notes.md', 'text/markdown', markdown),
    file('page.html', 'text/html', html),
  ];
}

interface Stage {
  seconds: number;
  mbPerSecond: number;
  passagesPerSecond: number;
}

interface SizeResult {
  megabytes: number;
  passages: number;
  stages: Record<'parse' | 'chunk' | 'analyse' | 'embed' | 'storeIndex' | 'whole', Stage>;
  langchain: { tokensSeconds: number; charsSeconds: number; chunks: number };
  peakHeapBytes: number;
  largestFileBytes: number;
  secondsPerMb: number;
}

function stage(seconds: number, megabytes: number, passages: number): Stage {
  return { seconds, mbPerSecond: megabytes / seconds, passagesPerSecond: passages / seconds };
}

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, (performance.now() - t0) / 1000];
}

async function runSize(megabytes: number, embedder: Embedder, run: number): Promise<SizeResult> {
  const files = corpus(megabytes, megabytes);
  const bytes = files.reduce((n, f) => n + f.data.byteLength, 0);
  const mb = bytes / MB;
  const budget = Math.min(CHUNK_TOKENS, embedder.maxPassageTokens);
  const chunkOptions = {
    maxTokens: budget,
    overlapTokens: OVERLAP_TOKENS,
    countTokens: (t: string) => embedder.countTokens(t),
  };

  const [docs, parseSeconds] = await timed(() =>
    Promise.all(files.map((f) => parseFile(new Uint8Array(f.data), f.name, f.type))),
  );
  const [drafts, chunkSeconds] = await timed(() => docs.map((d: ParsedDocument) => chunkDocument(d, chunkOptions)));
  const all: ChunkDraft[] = drafts.flat();
  const [, analyseSeconds] = await timed(() => {
    for (const c of all) analyze(c.text);
  });
  const [, embedSeconds] = await timed(async () => {
    for (let i = 0; i < all.length; i += EMBED_BATCH)
      await embedder.embedPassages(all.slice(i, i + EMBED_BATCH).map((c) => c.text));
  });

  // LangChain on the same parsed texts, same budget: once with the same token counter, once in characters
  // (its default; 8 characters per token, our own character cap).
  const texts = docs.map((d) => d.text);
  const byTokens = new RecursiveCharacterTextSplitter({
    chunkSize: budget,
    chunkOverlap: OVERLAP_TOKENS,
    lengthFunction: (t: string) => embedder.countTokens(t),
  });
  const [lcChunks, lcTokensSeconds] = await timed(async () =>
    (await Promise.all(texts.map((t) => byTokens.splitText(t)))).flat(),
  );
  const byChars = new RecursiveCharacterTextSplitter({ chunkSize: budget * 8, chunkOverlap: OVERLAP_TOKENS * 8 });
  const [, lcCharsSeconds] = await timed(async () =>
    (await Promise.all(texts.map((t) => byChars.splitText(t)))).flat(),
  );

  // The whole pipeline through the engine's public API, on a fresh database.
  docs.length = 0;
  drafts.length = 0;
  all.length = 0;
  gc();
  gc();
  const baseline = liveBytes();
  let peak = baseline;
  const sample = () => {
    peak = Math.max(peak, liveBytes());
  };
  const timer = setInterval(sample, 20);
  const engine = new TroveEngine({
    openStore: () => IndexedDbStore.open(`bench-ingest-${run}-${megabytes}`),
    channel: NO_OTHER_TABS,
    loadEmbedder: async () => embedder,
  });
  await engine.init({ ...MODEL, chunkTokens: CHUNK_TOKENS, chunkOverlapTokens: OVERLAP_TOKENS });
  await engine.loadModel();
  const [final, wholeSeconds] = await timed(() => engine.ingest(files, sample));
  clearInterval(timer);
  sample();
  const failed = final.filter((p) => p.stage !== 'done');
  if (failed.length)
    throw new Error(
      `ingest failed: ${failed.map((p) => `${p.fileName}: ${p.error?.message ?? p.note ?? p.stage}`).join('; ')}`,
    );
  const passages = final.reduce((n, p) => n + (p.chunksTotal ?? 0), 0);
  const separate = parseSeconds + chunkSeconds + analyseSeconds + embedSeconds;
  return {
    megabytes: mb,
    passages,
    stages: {
      parse: stage(parseSeconds, mb, passages),
      chunk: stage(chunkSeconds, mb, passages),
      analyse: stage(analyseSeconds, mb, passages),
      embed: stage(embedSeconds, mb, passages),
      storeIndex: stage(Math.max(1e-9, wholeSeconds - separate), mb, passages),
      whole: stage(wholeSeconds, mb, passages),
    },
    langchain: { tokensSeconds: lcTokensSeconds, charsSeconds: lcCharsSeconds, chunks: lcChunks.length },
    peakHeapBytes: peak - baseline,
    largestFileBytes: Math.max(...files.map((f) => f.data.byteLength)),
    secondsPerMb: wholeSeconds / mb,
  };
}

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { sizes: { type: 'string', default: '1,4,16,64' }, json: { type: 'boolean', default: false } },
  });
  const sizes = values.sizes!.split(',').map(Number);
  if (sizes.some((s) => !(s > 0))) throw new Error(`--sizes takes positive numbers of MB, got ${values.sizes}`);
  const embedder = await loadTransformersEmbedder({ ...MODEL, device: 'auto' });
  const results: SizeResult[] = [];
  for (const [i, size] of sizes.entries()) {
    const r = await runSize(size, embedder, i);
    results.push(r);
    console.error(`  ${size} MB done: ${f1(r.stages.whole.seconds)} s`);
  }

  console.log(
    `\nIngest, GloVe 50-d test model (transformers.js, onnxruntime-node), ${CHUNK_TOKENS}-token chunks, Node ${process.version}`,
  );
  console.log('MB/s (passages/s) per stage; store/index = whole - separate stages');
  const header = [
    'size MB',
    'passages',
    'parse',
    'chunk',
    'analyse',
    'embed',
    'store/index',
    'whole',
    's/MB',
    'peak heap MB',
    'heap/largest file',
  ];
  const rows = results.map((r) => [
    f1(r.megabytes),
    `${r.passages}`,
    ...(['parse', 'chunk', 'analyse', 'embed', 'storeIndex', 'whole'] as const).map(
      (s) => `${f2(r.stages[s].mbPerSecond)} (${Math.round(r.stages[s].passagesPerSecond)})`,
    ),
    f2(r.secondsPerMb),
    f1(r.peakHeapBytes / MB),
    f2(r.peakHeapBytes / r.largestFileBytes),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));

  console.log('\nChunking: Trove (sentence-aware, token + character caps) vs LangChain RecursiveCharacterTextSplitter');
  console.log(line2(['size MB', 'trove MB/s', 'LC tokens MB/s', 'ratio', 'LC chars MB/s', 'ratio']));
  for (const r of results) {
    const ours = r.stages.chunk.mbPerSecond;
    const lcTok = r.megabytes / r.langchain.tokensSeconds;
    const lcChr = r.megabytes / r.langchain.charsSeconds;
    console.log(line2([f1(r.megabytes), f2(ours), f2(lcTok), f2(ours / lcTok), f2(lcChr), f2(ours / lcChr)]));
  }

  const first = results[0]!;
  const last = results[results.length - 1]!;
  const scaling = last.secondsPerMb / first.secondsPerMb;
  const totalOurs = results.reduce((n, r) => n + r.stages.chunk.seconds, 0);
  const totalLcTokens = results.reduce((n, r) => n + r.langchain.tokensSeconds, 0);
  const totalLcChars = results.reduce((n, r) => n + r.langchain.charsSeconds, 0);
  const chunkingVsLangchain = totalLcTokens / totalOurs;
  const heapOverLargest = Math.max(...results.map((r) => r.peakHeapBytes / r.largestFileBytes));
  console.log(
    `\nscaling (s/MB at ${f1(last.megabytes)} MB / s/MB at ${f1(first.megabytes)} MB): ${f2(scaling)} (goal <= 1.3); ` +
      `chunking vs LangChain, same token counter: ${f2(chunkingVsLangchain)}x, vs LangChain by characters: ${f2(totalLcChars / totalOurs)}x (goal >= 1.0); ` +
      `peak heap / largest file: ${f2(heapOverLargest)} (goal <= 3; includes fake-indexeddb's in-heap copy of the library)`,
  );
  if (values.json) {
    console.log(
      JSON.stringify({
        suite: 'ingest',
        node: process.version,
        sizes: results,
        ratios: {
          scaling,
          chunking_vs_langchain: chunkingVsLangchain,
          chunking_vs_langchain_chars: totalLcChars / totalOurs,
          peak_heap_over_largest_file: heapOverLargest,
        },
      }),
    );
  }
}

function line2(cells: string[]): string {
  return cells.map((c, i) => c.padStart([7, 10, 14, 6, 13, 6][i]!)).join('  ');
}
