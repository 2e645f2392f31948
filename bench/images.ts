// npm run bench -- images [--json] [--dtype q8|fp32] [--count 8] [--side 640] [--repeats 3] [--no-browser]
// Pictures per second through the image tower of a CLIP ViT-B/32-shaped model (random weights, generated into
// bench/.cache/: the compute of Xenova/clip-vit-base-patch32's vision tower in the dtype the product loads on WASM
// and CPU, q8 by default; fp32 is what it loads on WebGPU), preprocessing included,
// natively through onnxruntime-node (transformers.js in Node, device cpu) and on the WASM backend in Chromium, in the
// same run, 1 thread each (and Chromium with 2); ratios.browser_over_native = Chromium 1 thread / native 1 thread.
// Then the storage of 1,000 thumbnails (256 px WebP, re-encoded) with their vectors. The loader is the production
// one (loadClipEmbedder).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadClipEmbedder } from '../src/engine/embed/clip-embedder.ts';
import { makeThumbnail } from '../src/engine/ingest/pictures/thumbnail.ts';
import type { ImageModelSpec } from '../src/engine/models/image-model-registry.ts';
import { CACHE_DIR } from './ann-truth.ts';
import { benchPictures, type ImagesRequest, type ImagesTimings } from './browser/images-protocol.ts';
import { launchChromium, reportPageErrors } from './chromium.ts';
import { BENCH_CLIP_REPO, IMAGES_MODELS_DIR, VIT_B32, ensureBenchClip } from './images-model.ts';
import { serveIsolated } from './isolated-server.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(CACHE_DIR, 'images-dist');
const benchSpec = (dtype: 'q8' | 'fp32'): ImageModelSpec => ({
  id: 'bench-clip-vit-b32-random',
  repo: BENCH_CLIP_REPO,
  revision: 'local',
  dims: VIT_B32.projection,
  imageSize: VIT_B32.image,
  maxTokens: 77,
  dtype: { webgpu: dtype, wasm: dtype, cpu: dtype },
  sizeMB: { fp32: 350, q8: 88 },
  localOnly: true,
  testFixture: false,
  license: 'none (random weights)',
  quality: 'random weights: for timing only',
});

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
      rolldownOptions: { input: join(HERE, 'browser/images.html') },
    },
    optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  });
}

async function inChromium(url: string, request: ImagesRequest): Promise<ImagesTimings> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    reportPageErrors(page);
    await page.goto(url);
    return await page.evaluate((r) => window.imagesBench.run(r), request);
  } finally {
    await browser.close();
  }
}

async function inNode(request: ImagesRequest): Promise<ImagesTimings> {
  let t = performance.now();
  const clip = await loadClipEmbedder({
    spec: request.spec,
    allowRemoteModels: false,
    localModelPath: IMAGES_MODELS_DIR + '/',
    device: 'cpu',
    sessionOptions: { intraOpNumThreads: request.threads, interOpNumThreads: 1 },
  });
  const loadMs = performance.now() - t;
  const pictures = benchPictures(request.count, request.side);
  await clip.embedImages(pictures.slice(0, 1));
  const times: number[] = [];
  for (let r = 0; r < request.repeats; r++) {
    t = performance.now();
    await clip.embedImages(pictures);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  await clip.dispose();
  return {
    crossOriginIsolated: false,
    threads: request.threads,
    device: clip.device,
    loadMs,
    medianMs: times[times.length >> 1],
  };
}

/** Bytes of 1,000 thumbnails re-encoded from camera-sized pictures, plus their vectors (float32). */
async function thumbnailStorage(side: number): Promise<{ thumbnailBytes: number; vectorBytes: number }> {
  const sample = benchPictures(20, side);
  let bytes = 0;
  for (const picture of sample) bytes += (await makeThumbnail(picture)).bytes.byteLength;
  return { thumbnailBytes: (bytes / sample.length) * 1000, vectorBytes: 1000 * VIT_B32.projection * 4 };
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      dtype: { type: 'string', default: 'q8' },
      count: { type: 'string', default: '8' },
      side: { type: 'string', default: '640' },
      repeats: { type: 'string', default: '3' },
      'no-browser': { type: 'boolean', default: false },
    },
  });
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const count = Number(values.count);
  const side = Number(values.side);
  const repeats = Number(values.repeats);
  const dtype = values.dtype;
  if (!(Number.isInteger(count) && count > 0) || !(side >= 32 && side <= 4096) || !(repeats >= 1)) {
    throw new Error('--count must be a positive integer, --side 32..4096, --repeats ≥ 1');
  }
  if (dtype !== 'q8' && dtype !== 'fp32') throw new Error('--dtype must be q8 or fp32');
  const load = loadavg()[0];
  let t = performance.now();
  ensureBenchClip();
  log(
    `ViT-B/32-shaped CLIP image tower (random weights, ${dtype}) ready in ${((performance.now() - t) / 1000).toFixed(1)} s (bench/.cache/images-models)`,
  );
  const request: ImagesRequest = { spec: benchSpec(dtype), threads: 1, count, side, repeats };
  const runs: Array<{ name: string; timings: ImagesTimings }> = [];
  const done = (name: string, timings: ImagesTimings) => {
    runs.push({ name, timings });
    log(`  ${name}: ${timings.medianMs.toFixed(0)} ms for ${count} pictures (load ${timings.loadMs.toFixed(0)} ms)`);
  };
  done('node native 1t', await inNode(request));
  if (!values['no-browser']) {
    t = performance.now();
    await buildPage();
    log(`page built by Vite in ${((performance.now() - t) / 1000).toFixed(1)} s (bench/.cache/images-dist)`);
    const server: Server = await serveIsolated({ dist: DIST, index: 'images.html', models: IMAGES_MODELS_DIR });
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const threads of [1, 2]) {
        const timings = await inChromium(`${origin}/images.html`, { ...request, threads });
        // The ORT build the app picks may fix one thread: a second row would only repeat the first.
        if (timings.threads !== threads) {
          log(
            `  chromium wasm ${threads}t: not run (the app's ONNX Runtime build here runs ${timings.threads} thread)`,
          );
          break;
        }
        done(`chromium wasm ${threads}t${timings.crossOriginIsolated ? '' : ' (not isolated!)'}`, timings);
      }
    } finally {
      server.close();
    }
  }
  const storage = await thumbnailStorage(side);

  const perSecond = (timings: ImagesTimings) => (count * 1000) / timings.medianMs;
  log(
    `${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${load.toFixed(1)} at start: shared machine, other jobs running`,
  );
  log(`${count} pictures of ${side}×${side} px per call (resized to 224 and embedded), median of ${repeats}`);
  log(`${'backend'.padEnd(28)}${'ms/call'.padStart(10)}${'images/s'.padStart(10)}${'load ms'.padStart(10)}`);
  for (const { name, timings } of runs) {
    log(
      `${name.padEnd(28)}${timings.medianMs.toFixed(0).padStart(10)}${perSecond(timings).toFixed(2).padStart(10)}${timings.loadMs.toFixed(0).padStart(10)}`,
    );
  }
  const browser1 = runs.find((r) => r.name.startsWith('chromium wasm 1t'));
  const ratio = browser1 ? perSecond(browser1.timings) / perSecond(runs[0].timings) : undefined;
  if (ratio !== undefined)
    log(`browser_over_native (chromium wasm 1t images/s ÷ node native 1t): ${ratio.toFixed(2)} (goal ≥ 0.5)`);
  const mb = (bytes: number) => (bytes / (1024 * 1024)).toFixed(2);
  log(
    `1,000 thumbnails (256 px WebP): ${mb(storage.thumbnailBytes)} MB, their vectors ${mb(storage.vectorBytes)} MB (${VIT_B32.projection} float32 each)`,
  );
  if (values.json) {
    console.log(
      JSON.stringify({
        dtype,
        count,
        side,
        repeats,
        load_average: Number(load.toFixed(2)),
        cpus: cpus().length,
        runs: runs.map(({ name, timings }) => ({
          name,
          threads: timings.threads,
          cross_origin_isolated: timings.crossOriginIsolated,
          median_ms: Math.round(timings.medianMs),
          images_per_s: Number(perSecond(timings).toFixed(3)),
          load_ms: Math.round(timings.loadMs),
        })),
        ratios: { browser_over_native: ratio === undefined ? null : Number(ratio.toFixed(3)) },
        thumbnails_1000: {
          thumbnail_mb: Number(mb(storage.thumbnailBytes)),
          vector_mb: Number(mb(storage.vectorBytes)),
        },
      }),
    );
  }
}
