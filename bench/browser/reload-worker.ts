// The reload benchmark's module worker: persists an index's pages in IndexedDB ('store'), or, after a fresh start
// of the browser, reads them back, restores the index and searches once ('load'), timing each step.
import { gaussianMixture } from '../data/gaussian-mixture.ts';
import type { LoadResult, PagesManifest, StoreRequest, StoreResult, WorkerReply } from './reload-protocol.ts';
import { buildIndex, type Classes, DIMS, type Kind, type Page, pickKind, restore, topIds } from './reload-index.ts';

const startedAt = performance.timeOrigin + performance.now();
const DB = 'trove-reload-bench';
const PAGES = 'pages';
const META = 'meta';

// A glob, not a plain import: files that do not exist yet are simply absent, and the build still works.
const modules = import.meta.glob<Record<string, unknown>>([
  '../../src/engine/index/hnsw.ts',
  '../../src/engine/index/flat.ts',
]);

async function classes(): Promise<Classes> {
  const load = async (file: string, name: string) => {
    const module = await modules[`../../src/engine/index/${file}`]?.();
    return module?.[name] as Classes['hnsw'];
  };
  return { hnsw: await load('hnsw.ts', 'HnswIndex'), flat: await load('flat.ts', 'FlatIndex') };
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

function open(): Promise<IDBDatabase> {
  const r = indexedDB.open(DB, 1);
  r.onupgradeneeded = () => {
    r.result.createObjectStore(PAGES);
    r.result.createObjectStore(META);
  };
  return request(r);
}

/** A page's own bytes: a view into a larger buffer would clone the whole buffer into the record. */
function own(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

async function store(req: StoreRequest): Promise<StoreResult> {
  let kind: Kind;
  let note: string | undefined;
  let pages: Page[];
  let query: Float32Array;
  let expected: number[];
  const result: Partial<StoreResult> = {};
  if (req.source === 'node') {
    const manifest = (await (await fetch('/pages/manifest.json')).json()) as PagesManifest;
    const blob = new Uint8Array(await (await fetch('/pages/blob')).arrayBuffer());
    ({ kind, note } = manifest);
    pages = manifest.pages.map((p) => ({ name: p.name, bytes: blob.slice(p.offset, p.offset + p.length) }));
    query = Float32Array.from(manifest.query);
    expected = manifest.expected;
  } else {
    const all = await classes();
    ({ kind, note } = pickKind(all));
    let t = performance.now();
    const vectors = gaussianMixture({ count: req.size, dims: DIMS, seed: req.seed }).vectors;
    query = gaussianMixture({ count: 1, dims: DIMS, seed: req.seed, stream: 'queries' }).vectors;
    result.generateMs = performance.now() - t;
    t = performance.now();
    const built = buildIndex(all, kind, vectors, req.quantization);
    result.buildMs = performance.now() - t;
    pages = built.pages;
    expected = built.index ? topIds(built.index, query) : [];
  }
  const db = await open();
  const t = performance.now();
  const tx = db.transaction([PAGES, META], 'readwrite');
  tx.objectStore(PAGES).clear();
  for (const page of pages) tx.objectStore(PAGES).put(own(page.bytes), page.name);
  tx.objectStore(META).put({ kind, note, query, expected }, 'run');
  await done(tx);
  result.writeMs = performance.now() - t;
  db.close();
  const bytes = pages.reduce((sum, p) => sum + p.bytes.byteLength, 0);
  return { ...result, kind, note, pages: pages.length, bytes } as StoreResult;
}

async function load(): Promise<LoadResult> {
  const all = classes(); // module loading overlaps the read
  let t = performance.now();
  const db = await open();
  const tx = db.transaction([PAGES, META], 'readonly');
  const [names, values, run] = await Promise.all([
    request(tx.objectStore(PAGES).getAllKeys()),
    request(tx.objectStore(PAGES).getAll()),
    request(tx.objectStore(META).get('run')),
  ]);
  const pages: Page[] = names.map((name, i) => ({ name: String(name), bytes: values[i] as Uint8Array }));
  const idbReadMs = performance.now() - t;
  db.close();
  const { kind, query, expected } = run as { kind: Kind; query: Float32Array; expected: number[] };
  const loaded = await all;
  t = performance.now();
  const index = restore(loaded, kind, pages);
  const fromPagesMs = index ? performance.now() - t : NaN;
  t = performance.now();
  const ids = index ? topIds(index, query) : [];
  const firstSearchMs = index ? performance.now() - t : NaN;
  const finishedAt = performance.timeOrigin + performance.now();
  return {
    kind,
    workerStartMs: startedAt,
    idbReadMs,
    fromPagesMs,
    firstSearchMs,
    sinceNavigationMs: finishedAt, // absolute here; the page subtracts its navigation start
    pages: pages.length,
    bytes: pages.reduce((sum, p) => sum + p.bytes.byteLength, 0),
    sameResults: index ? ids.join() === expected.join() : null,
  };
}

self.onmessage = async (event: MessageEvent<StoreRequest | { cmd: 'load' }>) => {
  let reply: WorkerReply;
  try {
    reply = { ok: true, result: event.data.cmd === 'store' ? await store(event.data) : await load() };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  self.postMessage(reply);
};
