// Reopen benchmark: how long a returning user waits, from navigation to the first keyword result shown, with a
// large library already in the browser. The production build (VITE_TROVE_MODEL=local: the GloVe fixture model) is
// served by Vite's preview server; a library shaped like a manual (bench/data/manual-library.ts) is made in Node with
// the app's store code and copied row for row into the app's database on a persistent Chromium profile (importing
// a 2,000-document .trove through the app took over 20 minutes on a busy machine); once the app has written its
// vector index pages the browser closes, and each timed run starts the browser again on that profile and opens
// /?q=…&mode=keyword, the way a bookmarked search opens. The page records (a MutationObserver installed before the
// app's scripts) when the first result, and the first library row, appear. The app's service worker stays on, as for a
// returning user; it keeps the build it cached, so --reuse-profile (time the library already in the profile, one
// size, without making it again) must serve the same build. --profile DIR builds the app unminified and writes CPU
// profiles of page and worker for each timed run (navigation to first library row), with a summary.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { launchWithProfile, reportPageErrors } from './chromium.ts';
import { formatSummary, summarizeProfile } from './cpu-profile-summary.ts';
import { PageProbe } from './page-probe.ts';
import { CACHE_DIR } from './ann-truth.ts';
import { writeManualLibrary } from './data/manual-library.ts';

const DIST = join(CACHE_DIR, 'reopen-dist');
const PROFILE = join(CACHE_DIR, 'reopen-profile');
const QUERY = 'river water';
/** A fixed origin: IndexedDB belongs to it, so a later run (--reuse-profile) finds the library. */
const PORT = 4763;

interface Marks {
  /** ms since navigation start */
  firstResult?: number;
  firstLibraryRow?: number;
}

declare global {
  interface Window {
    reopenMarks?: Marks;
  }
}

/** `minify` false keeps the app's function names, for a CPU profile that says something. */
async function buildApp(minify: boolean): Promise<void> {
  const { build } = await import('vite');
  process.env.VITE_TROVE_MODEL = 'local';
  await build({ logLevel: 'warn', build: { outDir: DIST, emptyOutDir: true, minify } });
}

async function serve(dist: string) {
  const { preview } = await import('vite');
  process.env.VITE_TROVE_MODEL = 'local';
  const server = await preview({
    logLevel: 'warn',
    build: { outDir: dist },
    preview: { port: PORT, strictPort: true, host: '127.0.0.1' },
  });
  const address = server.httpServer.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

/**
 * The installed observer: notes the first time each element appears, in ms since navigation started. A string, not
 * a function: tsx's transpiled functions call a helper the page does not have.
 */
const OBSERVE_MARKS = `
  const marks = {};
  window.reopenMarks = marks;
  const check = () => {
    if (marks.firstResult === undefined && document.querySelector('[data-testid="result"]')) marks.firstResult = performance.now();
    if (marks.firstLibraryRow === undefined && document.querySelector('[data-testid="library-row"]')) marks.firstLibraryRow = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
`;

/** A value with its typed arrays as base64 (page.evaluate carries JSON), and back in the page (see COPY_IN). */
function encode(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { $typed: value.constructor.name, base64: bytes.toString('base64') };
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  return value;
}

/** Writes rows into one object store of the app's database (run in the page; a string: see OBSERVE_MARKS). */
const COPY_IN = `async ({ store, rows }) => {
  const decode = (value) => {
    if (value && typeof value === 'object' && value.$typed) {
      const bytes = Uint8Array.from(atob(value.base64), (c) => c.charCodeAt(0));
      const Typed = globalThis[value.$typed];
      return new Typed(bytes.buffer, 0, bytes.byteLength / Typed.BYTES_PER_ELEMENT);
    }
    if (Array.isArray(value)) return value.map(decode);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
    return value;
  };
  const db = await new Promise((done, fail) => {
    const open = indexedDB.open('trove');
    open.onsuccess = () => done(open.result);
    open.onerror = () => fail(open.error);
  });
  await new Promise((done, fail) => {
    const tx = db.transaction(store, 'readwrite');
    for (const [key, value] of rows) {
      if (store === 'settings') tx.objectStore(store).put(decode(value), key);
      else tx.objectStore(store).put(decode(value));
    }
    tx.oncomplete = done;
    tx.onerror = () => fail(tx.error);
  });
  db.close();
}`;

/**
 * Makes the library in Node (fake-indexeddb, the app's own store code) and copies its database into the app's on
 * a fresh profile, row for row; then reloads, and waits until the app has written the vector index pages.
 */
async function prepare(origin: string, passages: number, documents: number, log: (line: string) => void) {
  let t = performance.now();
  const name = `reopen-${passages}-${documents}`;
  const store = await IndexedDbStore.open(name);
  await writeManualLibrary(store, { passages, documents, seed: 7 });
  store.close();
  log(`${passages} passages in ${documents} documents made in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await rm(PROFILE, { recursive: true, force: true });
  const context = await launchWithProfile(PROFILE);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    reportPageErrors(page);
    await page.goto(`${origin}/`);
    // Wait for the app to create its database (with its schema): opened any earlier, it would be made empty.
    const created = () =>
      page.evaluate(
        async () => (await indexedDB.databases()).some((d) => d.name === 'trove' && (d.version ?? 0) >= 4), // SCHEMA_VERSION
      );
    for (const until = Date.now() + 120_000; !(await created());) {
      if (Date.now() > until) throw new Error('the app did not create its database in 2 minutes');
      await page.waitForTimeout(250);
    }
    t = performance.now();
    const source = await openDB(name);
    for (const storeName of source.objectStoreNames) {
      const keys = await source.getAllKeys(storeName);
      const values = await source.getAll(storeName);
      for (let from = 0; from < keys.length; from += 1000) {
        const rows = keys.slice(from, from + 1000).map((key, i) => [key, encode(values[from + i])]);
        await page.evaluate(`(${COPY_IN})(${JSON.stringify({ store: storeName, rows })})`);
      }
    }
    source.close();
    log(`copied into the browser in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await page.reload();
    // The app builds the vector index from the stored vectors at its first start, and keeps its pages.
    const paged = () =>
      page.evaluate(
        () =>
          new Promise<boolean>((done) => {
            const open = indexedDB.open('trove');
            open.onerror = () => done(false);
            open.onsuccess = () => {
              const db = open.result;
              const tx = db.transaction(['settings', 'indexPages']);
              const vectorsVersion = tx.objectStore('settings').get('#vectors-version');
              const all = tx.objectStore('indexPages').getAll();
              tx.oncomplete = () => {
                db.close();
                const rows = all.result as Array<{ set: string; name: string; bytes: Uint8Array }>;
                const versions = rows
                  .filter((r) => r.set !== 'trove/lexical' && r.name === '#version')
                  .map((r) => new DataView(r.bytes.buffer, r.bytes.byteOffset, 4).getUint32(0, true));
                done(versions.includes(vectorsVersion.result as number));
              };
            };
          }),
      );
    for (const until = Date.now() + 10 * 60_000; !(await paged());) {
      if (Date.now() > until) throw new Error('the app did not write its vector index pages in 10 minutes');
      await page.waitForTimeout(1000);
    }
  } finally {
    await context.close();
  }
}

/** One timed reopen; with `profileBase`, CPU profiles of page and worker from navigation to the first library row. */
async function reopen(origin: string, profileBase?: string): Promise<Required<Marks>> {
  const context = await launchWithProfile(PROFILE);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    reportPageErrors(page);
    await page.addInitScript(OBSERVE_MARKS);
    const probe = profileBase ? await PageProbe.attach(page) : undefined;
    await probe?.startProfiles();
    await page.goto(`${origin}/?q=${encodeURIComponent(QUERY)}&mode=keyword`);
    await page.waitForFunction(() => window.reopenMarks?.firstResult !== undefined, undefined, { timeout: 120_000 });
    await page.waitForFunction(() => window.reopenMarks?.firstLibraryRow !== undefined, undefined, {
      timeout: 120_000,
    });
    if (probe && profileBase) await saveProfiles(probe, profileBase);
    return (await page.evaluate(() => window.reopenMarks)) as Required<Marks>;
  } finally {
    await context.close();
  }
}

async function saveProfiles(probe: PageProbe, base: string): Promise<void> {
  const { page, workers } = await probe.stopProfiles();
  await writeFile(`${base}-page.cpuprofile`, JSON.stringify(page));
  const summaries = [formatSummary('page', summarizeProfile(page))];
  for (const [i, w] of workers.entries()) {
    await writeFile(`${base}-worker${i}.cpuprofile`, JSON.stringify(w.profile));
    summaries.push(formatSummary(`worker ${w.url}`, summarizeProfile(w.profile)));
  }
  await writeFile(`${base}-summary.txt`, summaries.join('\n\n') + '\n');
  await probe.detach();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      passages: { type: 'string', default: '20000,50000' },
      documents: { type: 'string', default: '2000' },
      runs: { type: 'string', default: '3' },
      dist: { type: 'string' },
      'reuse-profile': { type: 'boolean', default: false },
      profile: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const sizes = values.passages.split(',').map(Number);
  const documents = Number(values.documents);
  const runs = Number(values.runs);
  let dist = values.dist ? resolve(values.dist) : DIST;
  if (!values.dist) {
    const t = performance.now();
    await buildApp(!values.profile);
    log(`app built (VITE_TROVE_MODEL=local) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } else dist = resolve(values.dist);
  const profileDir = values.profile ? resolve(values.profile) : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const server = await serve(dist);
  const results = [];
  try {
    for (const passages of sizes) {
      if (!values['reuse-profile']) await prepare(server.origin, passages, documents, log);
      const times: Array<Required<Marks>> = [];
      for (let run = 0; run < runs; run++) {
        const marks = await reopen(server.origin, profileDir && join(profileDir, `reopen-${passages}-run${run + 1}`));
        log(
          `  run ${run + 1}: first keyword result ${marks.firstResult.toFixed(0)} ms, first library row ${marks.firstLibraryRow.toFixed(0)} ms`,
        );
        times.push(marks);
      }
      results.push({
        passages,
        documents,
        first_result_ms: Math.round(median(times.map((t) => t.firstResult))),
        first_library_row_ms: Math.round(median(times.map((t) => t.firstLibraryRow))),
        runs: times.map((t) => ({
          first_result_ms: Math.round(t.firstResult),
          first_library_row_ms: Math.round(t.firstLibraryRow),
        })),
      });
    }
  } finally {
    await server.close();
  }
  log('');
  log('passages   documents   navigation → first keyword result   → first library row   (median, goal ≤ 1000 ms)');
  for (const r of results)
    log(
      `${String(r.passages).padStart(8)}   ${String(r.documents).padStart(9)}   ${`${r.first_result_ms} ms`.padStart(33)}   ${`${r.first_library_row_ms} ms`.padStart(19)}`,
    );
  if (values.json) console.log(JSON.stringify({ query: QUERY, browser: 'chromium', results }));
}
