// npm run bench -- rerank [--json] [--counts 10,20,30] [--tokens 256] [--repeats 3] [--no-browser]
// Added latency of cross-encoder reranking: scoring the top N (query, passage) pairs of `tokens` tokens with a
// MiniLM-L6-shaped cross-encoder (random weights, generated into bench/.cache/: same compute as
// ms-marco-MiniLM-L-6-v2 fp32), natively through onnxruntime-node (transformers.js in Node, device cpu) and on the
// WASM backend in Chromium with 1 and 2 threads (cross-origin isolated page), in the same run, with ratios.
// The loader is the production one (loadTransformersReranker), batch size its default.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium, reportPageErrors } from './chromium.ts';
import { serveIsolated } from './isolated-server.ts';
import type { RerankerSpec } from '../src/engine/models/reranker-registry.ts';
import { loadTransformersReranker } from '../src/engine/rerank/transformers-reranker.ts';
import { CACHE_DIR } from './ann-truth.ts';
import type { RerankRequest, RerankTimings } from './browser/rerank-protocol.ts';
import { BENCH_RERANKER_REPO, RERANK_MODELS_DIR, benchPairs, ensureBenchReranker } from './rerank-model.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(CACHE_DIR, 'rerank-dist');
const SPEC: RerankerSpec = {
  id: 'bench-minilm-l6-random',
  repo: BENCH_RERANKER_REPO,
  revision: 'local',
  maxTokens: 512,
  dtype: { webgpu: 'fp32', wasm: 'fp32', cpu: 'fp32' },
  sizeMB: { fp32: 91 },
  localOnly: true,
  testFixture: false,
  license: 'none (random weights)',
  quality: 'random weights: for timing only',
};

async function buildPage(): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: join(HERE, 'browser'),
    logLevel: 'warn',
    build: {
      outDir: DIST,
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 8192,
      rolldownOptions: { input: join(HERE, 'browser/rerank.html') },
    },
    optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  });
}

/** The page and /models/ from bench/.cache, cross-origin isolated so ORT may use threads. */
function serve(): Promise<Server> {
  return serveIsolated({ dist: DIST, index: 'rerank.html', models: RERANK_MODELS_DIR });
}

async function inChromium(url: string, request: RerankRequest): Promise<RerankTimings> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    reportPageErrors(page);
    await page.goto(url);
    return await page.evaluate((r) => window.rerankBench.run(r), request);
  } finally {
    await browser.close();
  }
}

async function inNode(request: RerankRequest, threads: number): Promise<RerankTimings> {
  let t = performance.now();
  const reranker = await loadTransformersReranker({
    spec: request.spec,
    allowRemoteModels: false,
    localModelPath: RERANK_MODELS_DIR + '/',
    device: 'cpu',
    sessionOptions: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  });
  const loadMs = performance.now() - t;
  await reranker.score(request.query, request.passages.slice(0, 2));
  const medianMs: number[] = [];
  for (const count of request.counts) {
    const times: number[] = [];
    for (let r = 0; r < request.repeats; r++) {
      t = performance.now();
      await reranker.score(request.query, request.passages.slice(0, count));
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    medianMs.push(times[times.length >> 1]);
  }
  await reranker.dispose();
  return { crossOriginIsolated: false, threads, device: reranker.device, loadMs, medianMs };
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      counts: { type: 'string', default: '10,20,30' },
      tokens: { type: 'string', default: '256' },
      repeats: { type: 'string', default: '3' },
      'no-browser': { type: 'boolean', default: false },
    },
  });
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const counts = values.counts!.split(',').map(Number);
  const tokens = Number(values.tokens);
  const repeats = Number(values.repeats);
  if (!counts.every((n) => Number.isInteger(n) && n > 0) || !(tokens >= 8 && tokens <= 512) || !(repeats >= 1)) {
    throw new Error('--counts must be positive integers, --tokens 8..512, --repeats ≥ 1');
  }
  const load = loadavg()[0];
  let t = performance.now();
  ensureBenchReranker();
  log(
    `MiniLM-L6-shaped cross-encoder (random weights, fp32) ready in ${((performance.now() - t) / 1000).toFixed(1)} s (bench/.cache/rerank-models)`,
  );
  const { query, passages } = benchPairs(Math.max(...counts), tokens);
  const request: RerankRequest = { spec: SPEC, threads: 1, query, passages, counts, repeats };

  const runs: Array<{ name: string; timings: RerankTimings }> = [];
  for (const threads of [1, 2]) runs.push({ name: `node native ${threads}t`, timings: await inNode(request, threads) });
  if (!values['no-browser']) {
    t = performance.now();
    await buildPage();
    log(`page built by Vite in ${((performance.now() - t) / 1000).toFixed(1)} s (bench/.cache/rerank-dist)`);
    const server = await serve();
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const threads of [1, 2]) {
        const timings = await inChromium(`${origin}/rerank.html`, { ...request, threads });
        runs.push({
          name: `chromium wasm ${threads}t${timings.crossOriginIsolated ? '' : ' (not isolated!)'}`,
          timings,
        });
      }
    } finally {
      server.close();
    }
  }

  log(
    `${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${load.toFixed(1)} at start: shared machine, other jobs running`,
  );
  log(`pairs of ${tokens} tokens (query 16), median of ${repeats}; ms to score the top N`);
  log(
    `${'backend'.padEnd(26)}${counts.map((n) => `N=${n}`.padStart(10)).join('')}${'ms/pair'.padStart(10)}${'load ms'.padStart(10)}`,
  );
  const base = runs[0].timings.medianMs;
  for (const { name, timings } of runs) {
    const perPair = timings.medianMs[timings.medianMs.length - 1] / counts[counts.length - 1];
    log(
      `${name.padEnd(26)}${timings.medianMs.map((ms) => ms.toFixed(0).padStart(10)).join('')}${perPair.toFixed(1).padStart(10)}${timings.loadMs.toFixed(0).padStart(10)}`,
    );
  }
  log('ratio (time / node native 1 thread):');
  for (const { name, timings } of runs)
    log(`${name.padEnd(26)}${timings.medianMs.map((ms, i) => `${(ms / base[i]).toFixed(2)}×`.padStart(10)).join('')}`);
  const budget = 1000;
  const maxN = (timings: RerankTimings) => {
    const perPair = timings.medianMs[timings.medianMs.length - 1] / counts[counts.length - 1];
    return Math.floor(budget / perPair);
  };
  for (const { name, timings } of runs) log(`largest N under ${budget} ms, ${name}: ${maxN(timings)}`);
  if (values.json) {
    console.log(
      JSON.stringify({
        tokens,
        counts,
        repeats,
        load_average: Number(load.toFixed(2)),
        cpus: cpus().length,
        runs: runs.map(({ name, timings }) => ({
          name,
          threads: timings.threads,
          cross_origin_isolated: timings.crossOriginIsolated,
          median_ms: timings.medianMs.map((x) => Math.round(x)),
          load_ms: Math.round(timings.loadMs),
          max_n_under_1s: maxN(timings),
          ratio_to_node_1t: timings.medianMs.map((ms, i) => Number((ms / base[i]).toFixed(3))),
        })),
      }),
    );
  }
}
