// The soak benchmark's Chromium part: the same generated library built through TroveEngine in a module worker on
// real IndexedDB (page built by Vite from bench/browser/soak.html into bench/.cache/, git-ignored; the GloVe
// fixture model served from public/models under /models/, same origin), then the browser closed and started again
// on the same persistent profile (an incognito context keeps IndexedDB in memory, which would flatter the read),
// and a fresh page load times the engine to its first keyword and hybrid results.
import type { Server } from 'node:http';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { inProfile } from './chromium.ts';
import { serveIsolated } from './isolated-server.ts';
import { CACHE_DIR } from './ann-truth.ts';
import { generateQueries } from './data/passages.ts';
import { MODES, sameFraction, type ReopenTimes } from './data/soak-steps.ts';
import type { BuildRequest, BuildResult } from './browser/soak-protocol.ts';
import type { ReopenInPage } from './browser/soak-page.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(CACHE_DIR, 'soak-dist');
const PROFILE = join(CACHE_DIR, 'soak-profile');
const MODELS = resolve('public/models');

export interface BrowserFigures {
  buildMs: number;
  persistWaitMs: number;
  chunks: number;
  indexKind?: string;
  /** Fraction of compared queries (all modes) whose top-10 ids equal those before the browser was closed. */
  same: number;
  sameByMode: Record<string, number>;
  reopen: ReopenTimes;
  warm: ReopenTimes;
  sinceNavigationWorkerCreatedMs: number;
  sinceNavigationEvaluationMs: number;
  sinceNavigationEngineStartMs: number;
  sinceNavigationKeywordMs: number;
  sinceNavigationHybridMs: number;
  crossOriginIsolated: boolean;
}

interface Options {
  passages: number;
  perDoc: number;
  compare: number;
  seed: number;
  batch: number;
  /** Reopen the profile an earlier run built (same sizes and seed) instead of building it again. */
  reopenOnly?: boolean;
  log: (line: string) => void;
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
      rolldownOptions: { input: join(HERE, 'browser/soak.html') },
    },
  });
}

/**
 * The origin's port decides which IndexedDB the page sees: a reopen of an earlier run's profile must use that run's
 * port. Found from the profile's IndexedDB folder of the origin whose library holds blobs (the largest one).
 */
async function builtPort(): Promise<number> {
  const dir = join(PROFILE, 'Default', 'IndexedDB');
  const sizes = await Promise.all(
    (await readdir(dir))
      .filter((name) => name.endsWith('.indexeddb.leveldb'))
      .map(async (name) => {
        const files = await readdir(join(dir, name));
        const bytes = (await Promise.all(files.map((f) => stat(join(dir, name, f)).then((s) => s.size)))).reduce(
          (a, b) => a + b,
          0,
        );
        return { port: Number(/_(\d+)\.indexeddb/.exec(name)?.[1]), bytes };
      }),
  );
  const largest = sizes.sort((a, b) => b.bytes - a.bytes)[0];
  if (!largest) throw new Error(`no library in ${dir}: run without --reopen-only first`);
  return largest.port;
}

function serve(port = 0): Promise<Server> {
  return serveIsolated({ dist: DIST, index: 'soak.html', models: MODELS, port });
}

const inBrowser = <T>(url: string, run: (page: Page) => Promise<T>): Promise<T> => inProfile(PROFILE, url, run);

export async function runBrowser(o: Options): Promise<BrowserFigures> {
  let t = performance.now();
  await buildPage();
  o.log(`Chromium: page built by Vite in ${((performance.now() - t) / 1000).toFixed(1)} s (bench/.cache/soak-dist)`);
  const server = await serve(o.reopenOnly ? await builtPort() : 0);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const documents = Math.ceil(o.passages / o.perDoc);
  const queries = generateQueries(o.seed + 1, o.compare);
  try {
    const saved = join(CACHE_DIR, `soak-build-${o.passages}-${o.perDoc}-${o.seed}-${o.compare}.json`);
    let built: BuildResult;
    if (o.reopenOnly) {
      // Top-10 ids before closing are in the file the build wrote (absent for a profile built before it existed).
      built = await readFile(saved, 'utf8').then(
        (json) => JSON.parse(json) as BuildResult,
        () => ({ buildMs: NaN, persistWaitMs: NaN, chunks: NaN, ids: {} }),
      );
      o.log(`Chromium: reopening the library an earlier run built (profile bench/.cache/soak-profile)`);
    } else {
      await rm(PROFILE, { recursive: true, force: true });
      t = performance.now();
      o.log(`Chromium: ingesting ${documents} documents × ${o.perDoc} passages in the worker (real IndexedDB)…`);
      const request: BuildRequest = {
        cmd: 'build',
        seed: o.seed,
        documents,
        perDoc: o.perDoc,
        batch: o.batch,
        queries,
      };
      built = await inBrowser(`${origin}/soak.html`, async (page) => {
        page.setDefaultTimeout(0);
        return page.evaluate((r) => window.soakBench.build(r), request);
      });
      await writeFile(saved, JSON.stringify(built));
      o.log(
        `  built in ${((performance.now() - t) / 1000).toFixed(1)} s; browser closed, started again on the same profile`,
      );
    }
    const url = `${origin}/soak.html?mode=reopen&q=${encodeURIComponent(JSON.stringify(queries))}`;
    const reopened: ReopenInPage = await inBrowser(url, (page) => page.evaluate(() => window.soakBench.reopened!));
    for (const mode of MODES) {
      if (reopened.modes[mode]!.some((m) => m !== mode))
        throw new Error(`the reopened engine answered ${mode} queries in another mode`);
    }
    const sameByMode = Object.fromEntries(
      MODES.map((m) => [m, built.ids[m] ? sameFraction(built.ids[m], reopened.ids[m]!) : NaN]),
    );
    const same = MODES.reduce((sum, m) => sum + sameByMode[m]!, 0) / MODES.length;
    return {
      buildMs: built.buildMs,
      persistWaitMs: built.persistWaitMs,
      chunks: built.chunks,
      indexKind: built.indexKind,
      same,
      sameByMode,
      reopen: reopened.times,
      warm: reopened.warm,
      sinceNavigationWorkerCreatedMs: reopened.sinceNavigation.workerCreated,
      sinceNavigationEvaluationMs: reopened.sinceNavigation.evaluationStarted,
      sinceNavigationEngineStartMs: reopened.sinceNavigation.engineStart,
      sinceNavigationKeywordMs: reopened.sinceNavigation.keyword,
      sinceNavigationHybridMs: reopened.sinceNavigation.hybrid,
      crossOriginIsolated: reopened.crossOriginIsolated,
    };
  } finally {
    server.close();
  }
}
