// Reload benchmark (issue 3): a persisted 100,000-vector HNSW index in Chromium, IndexedDB → ready to search,
// against rebuilding it. A page built by Vite from bench/browser/ (output in bench/.cache/, git-ignored) has a module
// worker build the index (or fetch pages built in Node, with --node-build) and write its pages into IndexedDB; then
// the browser is closed and started again on the same profile, and a fresh page load reads the pages back, restores
// the index with fromPages and searches once. A persistent profile, because an incognito context keeps IndexedDB in
// memory, which would flatter the read.
import type { Server } from 'node:http';
import { rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { inProfile } from './chromium.ts';
import { serveIsolated } from './isolated-server.ts';
import { CACHE_DIR } from './ann-truth.ts';
import { gaussianMixture } from './data/gaussian-mixture.ts';
import type { LoadResult, PagesManifest, StoreRequest, StoreResult } from './browser/reload-protocol.ts';
import { buildIndex, type Classes, DIMS, type Page, pickKind, topIds } from './browser/reload-index.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(CACHE_DIR, 'reload-dist');
const PROFILE = join(CACHE_DIR, 'reload-profile');

async function buildPage(): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: join(HERE, 'browser'),
    logLevel: 'warn',
    worker: { format: 'es' },
    build: {
      outDir: DIST,
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 4096,
      rolldownOptions: { input: join(HERE, 'browser/reload.html') },
    },
  });
}

async function nodeClasses(): Promise<Classes> {
  const load = async (file: string, name: string) => {
    try {
      const url = new URL(`../src/engine/index/${file}`, import.meta.url).href;
      const module = (await import(url)) as Record<string, unknown>;
      return module[name] as Classes['hnsw'];
    } catch {
      return undefined;
    }
  };
  return { hnsw: await load('hnsw.ts', 'HnswIndex'), flat: await load('flat.ts', 'FlatIndex') };
}

/** --node-build: the index built in Node; its pages are served to the worker as one blob plus a manifest. */
async function nodePages(size: number, seed: number, quantization: string) {
  const classes = await nodeClasses();
  const { kind, note } = pickKind(classes);
  const vectors = gaussianMixture({ count: size, dims: DIMS, seed }).vectors;
  const query = gaussianMixture({ count: 1, dims: DIMS, seed, stream: 'queries' }).vectors;
  const started = performance.now();
  const { index, pages } = buildIndex(classes, kind, vectors, quantization);
  const buildMs = performance.now() - started;
  let offset = 0;
  const manifest: PagesManifest = {
    kind,
    note,
    pages: pages.map((p: Page) => {
      offset += p.bytes.byteLength;
      return { name: p.name, offset: offset - p.bytes.byteLength, length: p.bytes.byteLength };
    }),
    query: Array.from(query),
    expected: index ? topIds(index, query) : [],
  };
  return { buildMs, manifest, blob: Buffer.concat(pages.map((p) => p.bytes)) };
}

function serve(pages?: { manifest: PagesManifest; blob: Buffer }): Promise<Server> {
  const routes = pages && { '/pages/manifest.json': JSON.stringify(pages.manifest), '/pages/blob': pages.blob };
  return serveIsolated({ dist: DIST, index: 'reload.html', routes });
}

/** One page in a fresh browser on the shared profile; page errors are printed, not swallowed. */
const inBrowser = <T>(url: string, run: (page: import('@playwright/test').Page) => Promise<T>): Promise<T> =>
  inProfile(PROFILE, url, run);

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      size: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '42' },
      quantization: { type: 'string', default: 'none' },
      'node-build': { type: 'boolean', default: false },
    },
  });
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const size = Number(values.size);
  const seed = Number(values.seed);
  const quantization = values.quantization as StoreRequest['quantization'];
  const source = values['node-build'] ? 'node' : 'browser';

  let t = performance.now();
  await buildPage();
  log(`page built by Vite in ${((performance.now() - t) / 1000).toFixed(1)} s (bench/.cache/reload-dist)`);
  const fromNode = source === 'node' ? await nodePages(size, seed, quantization) : undefined;
  const server = await serve(fromNode);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await rm(PROFILE, { recursive: true, force: true });
  try {
    t = performance.now();
    const request: StoreRequest = { cmd: 'store', source, size, seed, quantization };
    const stored = await inBrowser(`${origin}/reload.html`, (page) =>
      page.evaluate((r) => window.reloadBench.store(r), request),
    );
    const storedS = ((performance.now() - t) / 1000).toFixed(1);
    log(`stored in ${storedS} s; browser closed, started again on the same profile`);
    const loaded: LoadResult = await inBrowser(`${origin}/reload.html?mode=load`, (page) =>
      page.evaluate(() => window.reloadBench.loaded!),
    );
    const buildMs = fromNode?.buildMs ?? stored.buildMs ?? NaN;
    const note = fromNode?.manifest.note ?? stored.note;
    report({ size, seed, quantization, source, buildMs, stored, loaded, note }, values.json, log);
  } finally {
    server.close();
  }
}

interface Report {
  size: number;
  seed: number;
  quantization: string;
  source: 'browser' | 'node';
  buildMs: number;
  stored: StoreResult;
  loaded: LoadResult;
  note?: string;
}

function report(r: Report, json: boolean, log: (line: string) => void): void {
  const { stored, loaded } = r;
  const where = r.source === 'browser' ? 'in Chromium (worker)' : 'in Node (pages passed in)';
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  const ms = (x: number) => (Number.isNaN(x) ? 'not available yet' : x.toFixed(0));
  log(`Chromium, ${r.size} vectors × ${DIMS}, seed ${r.seed}, quantization ${r.quantization}`);
  log(`persisted kind: ${stored.kind}`);
  if (r.note) log(`note: ${r.note}`);
  const rows: [string, string][] = [
    ['step', 'ms'],
    [`build ${where}`, ms(r.buildMs)],
    ['IndexedDB write (one transaction)', ms(stored.writeMs)],
    [`pages / bytes`, `${loaded.pages} / ${mb(loaded.bytes)}`],
    ['-- fresh browser, page load --', ''],
    ['worker started (since navigation)', ms(loaded.workerStartMs)],
    ['IndexedDB read', ms(loaded.idbReadMs)],
    ['fromPages', ms(loaded.fromPagesMs)],
    ['first search (k=10)', ms(loaded.firstSearchMs)],
    ['ready: navigation → first result', ms(loaded.sinceNavigationMs)],
  ];
  for (const [step, value] of rows) log(`${step.padEnd(36)} ${value.padStart(18)}`);
  const ratio = r.buildMs / loaded.sinceNavigationMs;
  log(
    `same top-10 as before persisting: ${loaded.sameResults ?? 'n/a'}; ` +
      `rebuild ${where} / reload = ${ratio.toFixed(1)}× (goal: reload < 2000 ms)`,
  );
  if (json) {
    const round = (_key: string, x: unknown) =>
      typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(4)) : x;
    console.log(
      JSON.stringify(
        {
          size: r.size,
          seed: r.seed,
          dims: DIMS,
          quantization: r.quantization,
          kind: stored.kind,
          note: r.note ?? null,
          build_where: r.source === 'browser' ? 'chromium' : 'node',
          build_ms: r.buildMs,
          generate_ms: stored.generateMs ?? null,
          write_ms: stored.writeMs,
          pages: loaded.pages,
          bytes: loaded.bytes,
          worker_start_ms: loaded.workerStartMs,
          idb_read_ms: loaded.idbReadMs,
          from_pages_ms: Number.isNaN(loaded.fromPagesMs) ? null : loaded.fromPagesMs,
          first_search_ms: Number.isNaN(loaded.firstSearchMs) ? null : loaded.firstSearchMs,
          ready_ms: loaded.sinceNavigationMs,
          same_results: loaded.sameResults,
          ratios: { rebuild_over_reload: ratio },
        },
        round,
      ),
    );
  }
}
