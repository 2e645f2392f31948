// npm run bench -- generate [--json] [--prompt 64] [--new 16] [--no-browser] [--ort-build app,asyncify,plain]
// Time to first token and decode speed of a SmolLM2-135M-shaped decoder (random weights, fp32, generated into
// bench/.cache/ by generate-model.ts) with a KV cache: natively through onnxruntime-node and on ONNX Runtime Web's
// WASM backend in Chromium (cross-origin isolated page), each with 1 and 2 threads, in the same run, with
// ratios.decode_browser_over_native (browser decode tokens/s over native at the same thread count; goal ≥ 0.6) for
// the ORT Web build the app's workers load on this machine (src/worker/ort-files.ts), and the same ratio for the
// asyncify (WebGPU-capable) and plain WASM builds loaded explicitly (--ort-build picks which run; all by default).
// Both sides run one loop (browser/generate-loop.ts) on the same graph and must produce the same greedy ids; each
// times a decode after a short warm-up decode, whose time is reported apart.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium, reportPageErrors } from './chromium.ts';
import { serveIsolated } from './isolated-server.ts';
import { CACHE_DIR } from './ann-truth.ts';
import { GENERATE_MODELS_DIR, GENERATE_MODEL_FILE, SHAPE, ensureBenchDecoder } from './generate-model.ts';
import { timeDecode, type MakeTensor, type OrtSession } from './browser/generate-loop.ts';
import type { GenerateRequest, GenerateTimings } from './browser/generate-protocol.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(CACHE_DIR, 'generate-dist');
/** Browser decode speed over native at the same thread count that the issue asks for. */
const GOAL = 0.6;

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
      rolldownOptions: { input: join(HERE, 'browser/generate.html') },
    },
    optimizeDeps: { exclude: ['onnxruntime-web'] },
  });
}

async function inChromium(url: string, request: GenerateRequest): Promise<GenerateTimings> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    reportPageErrors(page);
    await page.goto(url);
    return await page.evaluate(([r, model]) => window.generateBench.run(r, model), [
      request,
      `/models/${GENERATE_MODEL_FILE}`,
    ] as const);
  } finally {
    await browser.close();
  }
}

async function inNode(file: string, request: GenerateRequest): Promise<GenerateTimings> {
  const ort = await import('onnxruntime-node');
  const started = performance.now();
  const session = await ort.InferenceSession.create(file, {
    executionProviders: ['cpu'],
    intraOpNumThreads: request.threads,
    interOpNumThreads: 1,
  });
  const loadMs = performance.now() - started;
  const tensor: MakeTensor = (type, data, dims) => new ort.Tensor(type, data, dims);
  try {
    return await timeDecode(session as unknown as OrtSession, tensor, request, loadMs, false);
  } finally {
    await session.release();
  }
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      prompt: { type: 'string', default: '64' },
      new: { type: 'string', default: '16' },
      'no-browser': { type: 'boolean', default: false },
      'ort-build': { type: 'string', default: 'app,asyncify,plain' },
    },
  });
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const promptTokens = Number(values.prompt);
  const newTokens = Number(values.new);
  if (!(Number.isInteger(promptTokens) && promptTokens >= 1 && promptTokens <= 2048)) {
    throw new Error('--prompt must be a whole number of tokens, 1..2048');
  }
  if (!(Number.isInteger(newTokens) && newTokens >= 2 && newTokens <= 512)) {
    throw new Error('--new must be a whole number of tokens, 2..512');
  }
  const builds = values['ort-build']!.split(',') as GenerateRequest['ortBuild'][];
  if (!builds.every((b) => b === 'app' || b === 'asyncify' || b === 'plain')) {
    throw new Error('--ort-build must list app, asyncify and/or plain');
  }
  const load = loadavg()[0];
  let t = performance.now();
  const file = ensureBenchDecoder();
  log(
    `SmolLM2-135M-shaped decoder (random weights, fp32, no rotary) ready in ${((performance.now() - t) / 1000).toFixed(1)} s (bench/.cache/generate-models)`,
  );
  const base = {
    ortBuild: 'asyncify' as GenerateRequest['ortBuild'],
    promptTokens,
    newTokens,
    layers: SHAPE.layers,
    kvHeads: SHAPE.kvHeads,
    headDim: SHAPE.headDim,
    vocab: SHAPE.vocab,
  };
  const runs: Array<{
    name: string;
    backend: 'native' | 'browser';
    build?: GenerateRequest['ortBuild'];
    timings: GenerateTimings;
  }> = [];
  for (const threads of [1, 2]) {
    runs.push({
      name: `node native ${threads}t`,
      backend: 'native',
      timings: await inNode(file, { ...base, threads }),
    });
  }
  if (!values['no-browser']) {
    t = performance.now();
    await buildPage();
    log(`page built by Vite in ${((performance.now() - t) / 1000).toFixed(1)} s (bench/.cache/generate-dist)`);
    const server: Server = await serveIsolated({ dist: DIST, index: 'generate.html', models: GENERATE_MODELS_DIR });
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const ortBuild of builds) {
        for (const threads of [1, 2]) {
          const timings = await inChromium(`${origin}/generate.html`, { ...base, ortBuild, threads });
          runs.push({
            name: `chromium wasm ${ortBuild} ${threads}t${timings.crossOriginIsolated ? '' : ' (not isolated!)'}`,
            backend: 'browser',
            build: ortBuild,
            timings,
          });
        }
      }
    } finally {
      server.close();
    }
  }

  const reference = runs[0].timings.ids.join(',');
  const agree = runs.every((r) => r.timings.ids.join(',') === reference);
  log(
    `${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${load.toFixed(1)} at start: shared machine, other jobs running`,
  );
  log(`prompt ${promptTokens} tokens, ${newTokens} new tokens (greedy, KV cache); greedy ids agree: ${agree}`);
  log(
    `${'backend'.padEnd(28)}${'load ms'.padStart(10)}${'warm-up ms'.padStart(12)}${'TTFT ms'.padStart(10)}${'decode tok/s'.padStart(14)}`,
  );
  for (const { name, timings } of runs) {
    log(
      `${name.padEnd(28)}${timings.loadMs.toFixed(0).padStart(10)}${timings.warmupMs.toFixed(0).padStart(12)}${timings.timeToFirstTokenMs.toFixed(0).padStart(10)}${timings.decodeTokensPerSecond.toFixed(1).padStart(14)}`,
    );
  }
  const ratiosFor = (build: GenerateRequest['ortBuild']) => {
    const ratios: Record<string, number> = {};
    for (const threads of [1, 2]) {
      const native = runs.find((r) => r.backend === 'native' && r.timings.threads === threads);
      const browser = runs.find((r) => r.build === build && r.timings.threads === threads);
      if (native && browser) {
        ratios[`${threads}t`] = Number(
          (browser.timings.decodeTokensPerSecond / native.timings.decodeTokensPerSecond).toFixed(3),
        );
      }
    }
    for (const [threads, ratio] of Object.entries(ratios)) {
      log(
        `decode browser (${build}) / native, ${threads}: ${ratio.toFixed(2)} (goal ≥ ${GOAL}: ${ratio >= GOAL ? 'met' : 'not met'})`,
      );
    }
    return ratios;
  };
  const ratios = ratiosFor('app');
  const asyncifyRatios = ratiosFor('asyncify');
  const plainRatios = ratiosFor('plain');
  if (values.json) {
    console.log(
      JSON.stringify({
        shape: SHAPE,
        ort_builds: builds,
        prompt_tokens: promptTokens,
        new_tokens: newTokens,
        load_average: Number(load.toFixed(2)),
        cpus: cpus().length,
        greedy_ids_agree: agree,
        runs: runs.map(({ name, timings }) => ({
          name,
          threads: timings.threads,
          cross_origin_isolated: timings.crossOriginIsolated,
          load_ms: Math.round(timings.loadMs),
          warmup_ms: Math.round(timings.warmupMs),
          ttft_ms: Math.round(timings.timeToFirstTokenMs),
          decode_tokens_per_s: Number(timings.decodeTokensPerSecond.toFixed(2)),
        })),
        ratios: {
          decode_browser_over_native: ratios,
          decode_asyncify_browser_over_native: asyncifyRatios,
          decode_plain_browser_over_native: plainRatios,
        },
      }),
    );
  }
}
