// Embedding speed (issue 11): one MiniLM-L6-shaped BERT with random weights (bench/embed-model.ts), the same real
// chunks, three ways in one run:
//   naive   — the app's embedder in Chromium, WASM, fp32, 1 thread, batches of 16 in input order (unsorted);
//   default — the app's embedder in Chromium as the app runs it: the registry dtype for WASM (q8), threads from
//             wasmThreads() (the page is cross-origin isolated, as the service worker makes it on any host),
//             length-sorted batches with the per-device batch limits;
//   native  — onnxruntime-node, fp32, 1 thread, length-sorted batches of 16 (the reference the goal is stated in).
// Chunks: documents of a BEIR-style corpus.jsonl (default ../shared/datasets/scifact), cut by the app's chunker at
// 254 tokens (256 with [CLS]/[SEP]). Goal: default ≥ 2.5× naive and ≥ 0.7× native.
//
//   npm run bench -- embed [--json] [--passages 384] [--data path/to/corpus.jsonl]
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium, reportPageErrors } from './chromium.ts';
import { serveIsolated } from './isolated-server.ts';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { chunkDocument } from '../src/engine/ingest/chunker.ts';
import { estimateTokens } from '../src/engine/models/token-estimate.ts';
import { TroveError } from '../src/engine/core/errors.ts';
import { BENCH_MODEL_REPO, type EmbedRunRequest, type EmbedRunResult } from './embed-spec.ts';
import { buildVocab, makeBenchModel } from './embed-model.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const CACHE = join(HERE, '.cache');
const MODELS = join(CACHE, 'embed-model');
const DIST = join(CACHE, 'embed-dist');
const DEFAULT_DATA = resolve(HERE, '../../shared/datasets/scifact/corpus.jsonl');
const BATCH = 16;
const MAX_TOKENS = 256;

interface Doc {
  title: string;
  text: string;
}

async function loadDocs(file: string): Promise<Doc[]> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `No corpus at ${file}: pass --data path/to/corpus.jsonl (BEIR format: one {"title","text"} per line).`,
    );
  }
  return raw
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      const doc = JSON.parse(line) as Partial<Doc>;
      if (typeof doc.text !== 'string')
        throw new TroveError('INVALID_ARGUMENT', `${file}: line ${i + 1} has no "text".`);
      return { title: doc.title ?? '', text: doc.text };
    });
}

/** The app's chunker over each document (title as heading, text as one paragraph), first `count` chunks. */
function chunks(docs: Doc[], count: number): string[] {
  const out: string[] = [];
  for (const doc of docs) {
    const text = doc.title ? `${doc.title}\n\n${doc.text}` : doc.text;
    const blocks = doc.title
      ? [
          { start: 0, end: doc.title.length, kind: 'heading' as const, level: 1 },
          { start: doc.title.length + 2, end: text.length, kind: 'paragraph' as const },
        ]
      : [{ start: 0, end: text.length, kind: 'paragraph' as const }];
    for (const chunk of chunkDocument(
      { format: 'text', text, blocks },
      { maxTokens: MAX_TOKENS - 2, overlapTokens: 32, countTokens: estimateTokens },
    )) {
      out.push(chunk.text);
      if (out.length >= count) return out;
    }
  }
  return out;
}

async function buildPage(): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: join(HERE, 'browser'),
    logLevel: 'warn',
    worker: { format: 'es' },
    optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
    build: {
      outDir: DIST,
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 8192,
      rolldownOptions: { input: join(HERE, 'browser/embed.html') },
    },
  });
}

/** The page and /models/ with COOP/COEP, as the app gets them from its host or its service worker. */
function serve(): Promise<Server> {
  return serveIsolated({ dist: DIST, index: 'embed.html', models: MODELS });
}

async function inChromium(url: string, requests: EmbedRunRequest[]): Promise<EmbedRunResult[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    reportPageErrors(page);
    await page.goto(url);
    await page.waitForFunction(() => 'embedBench' in window);
    const results: EmbedRunResult[] = [];
    for (const request of requests) {
      results.push(await page.evaluate((r) => window.embedBench.run(r), request));
    }
    return results;
  } finally {
    await browser.close();
  }
}

/** onnxruntime-node, fp32, one thread, length-sorted batches; tokenized by the same tokenizer files. */
async function native(texts: string[]): Promise<EmbedRunResult> {
  const ort = await import('onnxruntime-node');
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = `${MODELS}/`;
  const tokenizer = await AutoTokenizer.from_pretrained(BENCH_MODEL_REPO, { local_files_only: true });
  const loadStart = performance.now();
  const session = await ort.InferenceSession.create(join(MODELS, BENCH_MODEL_REPO, 'onnx/model.onnx'), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  const loadMs = performance.now() - loadStart;
  const embed = async (batchTexts: string[]) => {
    const encoded = batchTexts
      .map((text) => tokenizer.encode(text).slice(0, MAX_TOKENS))
      .map((ids, index) => ({ ids, index }))
      .sort((a, b) => b.ids.length - a.ids.length);
    let checksum = 0;
    for (let i = 0; i < encoded.length; i += BATCH) {
      const batch = encoded.slice(i, i + BATCH);
      const seq = batch[0].ids.length;
      const ids = new BigInt64Array(batch.length * seq);
      const mask = new BigInt64Array(batch.length * seq);
      batch.forEach((item, r) =>
        item.ids.forEach((id, s) => ((ids[r * seq + s] = BigInt(id)), (mask[r * seq + s] = 1n))),
      );
      const dims = [batch.length, seq];
      const out = await session.run({
        input_ids: new ort.Tensor('int64', ids, dims),
        attention_mask: new ort.Tensor('int64', mask, dims),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(ids.length), dims),
      });
      checksum += (out.last_hidden_state.data as Float32Array)[0];
    }
    return checksum;
  };
  await embed(texts.slice(0, 8));
  const start = performance.now();
  const checksum = await embed(texts);
  const ms = performance.now() - start;
  await session.release();
  return { label: 'native', passages: texts.length, ms, loadMs, threads: 1, dtype: 'fp32', isolated: false, checksum };
}

const rate = (r: EmbedRunResult) => r.passages / (r.ms / 1000);

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      passages: { type: 'string', default: '384' },
      data: { type: 'string', default: DEFAULT_DATA },
    },
  });
  const count = Number(values.passages);
  if (!Number.isInteger(count) || count < 16)
    throw new TroveError('INVALID_ARGUMENT', `--passages must be an integer ≥ 16, got ${values.passages}.`);
  const docs = await loadDocs(resolve(values.data as string));
  const texts = chunks(docs, count);
  if (texts.length < count) console.error(`note: the corpus gave only ${texts.length} chunks`);
  const vocab = buildVocab(docs.slice(0, 5000).map((d) => `${d.title} ${d.text}`));
  const made = makeBenchModel(join(MODELS, BENCH_MODEL_REPO), vocab);
  if (made.written) console.error(`wrote the benchmark model to ${made.dir}`);
  await buildPage();

  const server = await serve();
  let browserRuns: EmbedRunResult[];
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browserRuns = await inChromium(url, [
      { label: 'naive', texts, dtype: 'fp32', numThreads: 1, sorted: false, batchSize: BATCH },
      { label: 'default', texts, dtype: 'q8', sorted: true },
    ]);
  } finally {
    server.close();
  }
  const nativeRun = await native(texts);
  const [naive, best] = browserRuns;
  const runs = [naive, best, nativeRun];
  const tokens = texts.map((t) => estimateTokens(t));
  const meanTokens = tokens.reduce((a, b) => a + b, 0) / tokens.length;

  const describe: Record<string, string> = {
    naive: 'app embedder, Chromium WASM, fp32, 1 thread, unsorted batches of 16',
    default: `app embedder, Chromium WASM, ${best.dtype}, ${best.threads} thread(s)${best.isolated ? ' (cross-origin isolated)' : ''}, length-sorted batches`,
    native: 'onnxruntime-node, fp32, 1 thread, length-sorted batches of 16',
  };
  console.log(
    `Embedding ${texts.length} chunks (mean ~${meanTokens.toFixed(0)} tokens, max ${MAX_TOKENS}) with a MiniLM-L6-shaped BERT (random weights)`,
  );
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}; Chromium via Playwright`,
  );
  console.log('');
  console.log('| run | configuration | passages/s | vs naive | vs native | model load ms |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const r of runs) {
    console.log(
      `| ${r.label} | ${describe[r.label]} | ${rate(r).toFixed(1)} | ${(rate(r) / rate(naive)).toFixed(2)}x | ${(rate(r) / rate(nativeRun)).toFixed(2)}x | ${r.loadMs.toFixed(0)} |`,
    );
  }
  const ratios = { default_over_naive: rate(best) / rate(naive), default_over_native: rate(best) / rate(nativeRun) };
  console.log('');
  console.log(
    `default/naive ${ratios.default_over_naive.toFixed(2)}x (goal ≥ 2.5x), default/native ${ratios.default_over_native.toFixed(2)}x (goal ≥ 0.7x)`,
  );
  if (values.json) {
    const summary = Object.fromEntries(
      runs.map((r) => [
        r.label,
        { passagesPerSecond: rate(r), ms: r.ms, dtype: r.dtype, threads: r.threads, isolated: r.isolated },
      ]),
    );
    console.log(
      JSON.stringify({
        suite: 'embed',
        passages: texts.length,
        meanTokens,
        cores: os.cpus().length,
        loadAverage: os.loadavg()[0],
        runs: summary,
        ratios,
      }),
    );
  }
}
