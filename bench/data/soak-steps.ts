// Steps of the soak benchmark that run the same way in Node (fake-indexeddb) and in the Chromium worker (real
// IndexedDB): build the library through the engine, wait until its snapshots are persisted, take top-10 ids, and
// time a reopen. No Node imports here.
import type { FileInput, SearchResponse, TroveApi } from '../../src/engine/api/index.ts';
import type { SearchMode } from '../../src/engine/core/types.ts';
import { LEXICAL_SNAPSHOT } from '../../src/engine/library/catalogue.ts';
import type { Store } from '../../src/engine/store/store.ts';
import { generateDocument } from './passages.ts';

export const MODES: SearchMode[] = ['keyword', 'semantic', 'hybrid'];

export function fileOf(doc: { name: string; text: string }, tag = ''): FileInput {
  return {
    jobId: `soak-${doc.name}${tag}`,
    name: doc.name,
    type: 'text/plain',
    data: new TextEncoder().encode(doc.text).buffer as ArrayBuffer,
  };
}

export interface BuildOptions {
  seed: number;
  documents: number;
  perDoc: number;
  /** Files handed to one engine.ingest call. */
  batch: number;
  onProgress?: (documentsDone: number) => void;
}

/** Ingests the generated library through the engine; every document must end 'done'. */
export async function buildLibrary(engine: TroveApi, o: BuildOptions): Promise<{ ms: number }> {
  const started = performance.now();
  for (let first = 0; first < o.documents; first += o.batch) {
    const files: FileInput[] = [];
    for (let n = first; n < Math.min(o.documents, first + o.batch); n++)
      files.push(fileOf(generateDocument(o.seed, n, o.perDoc)));
    const results = await engine.ingest(files, () => undefined);
    const failed = results.find((r) => r.stage !== 'done');
    if (failed) throw new Error(`ingest of ${failed.fileName} ended ${failed.stage}: ${failed.error?.message ?? ''}`);
    o.onProgress?.(Math.min(o.documents, first + o.batch));
  }
  return { ms: performance.now() - started };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the keyword snapshot reflects the library version and the vector index pages reflect the stored
 * vectors (so a reopen loads both instead of rebuilding). Returns how long that took.
 */
export async function waitPersisted(
  openStore: () => Promise<Store & { close(): void }>,
  timeoutMs = 600_000,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    const store = await openStore();
    try {
      const serving = await store.getSetting<{ fingerprint: string }>('vector-set');
      const [lexical, library, pages, vectors] = await Promise.all([
        store.readIndex(LEXICAL_SNAPSHOT),
        store.libraryVersion(),
        serving ? store.readIndex(serving.fingerprint) : undefined,
        store.vectorsVersion(),
      ]);
      if (lexical?.version === library && pages?.version === vectors) return performance.now() - started;
    } finally {
      store.close();
    }
    if (performance.now() - started > timeoutMs) throw new Error('the snapshots were not persisted in time');
    await sleep(100);
  }
}

/** Top-k chunk ids per query, in one mode; also says which mode answered (a loading model falls back to keyword). */
export async function topIds(
  engine: TroveApi,
  queries: string[],
  mode: SearchMode,
  k = 10,
): Promise<{ ids: number[][]; modes: string[] }> {
  const ids: number[][] = [];
  const modes: string[] = [];
  for (const q of queries) {
    const r = await engine.search(q, { mode, k });
    ids.push(r.results.map((x) => x.chunkId));
    modes.push(r.mode);
  }
  return { ids, modes };
}

export interface ReopenTimes {
  /** Engine constructed → init() resolved. */
  initMs: number;
  /** Engine constructed → first keyword results. */
  keywordMs: number;
  /** Engine constructed → first response answered in hybrid mode (model loaded and vectors open). */
  hybridMs: number;
  keywordHits: number;
  hybridHits: number;
  /** Hybrid attempts answered by keyword (model or vectors still loading) before the first hybrid one. */
  fallbacks: number;
  keywordIndex: string;
  vectorsFromPages: boolean | undefined;
  indexKind: string | undefined;
}

/**
 * From `new TroveEngine(...)` (done by `create`, timed) to the first keyword result and the first hybrid one.
 * The model loads in init's background (as in the app); hybrid is asked again every `pollMs` until it answers
 * in hybrid mode, so hybridMs is late by at most pollMs plus one search.
 */
export async function timeReopen<E extends TroveApi>(
  create: () => E,
  settings: Parameters<TroveApi['init']>[0],
  query: string,
  pollMs = 10,
): Promise<{ engine: E; times: ReopenTimes }> {
  const started = performance.now();
  const engine = create();
  await engine.init(settings);
  const initMs = performance.now() - started;
  const keyword: SearchResponse = await engine.search(query, { mode: 'keyword', k: 10 });
  const keywordMs = performance.now() - started;
  let hybrid: SearchResponse;
  let fallbacks = 0;
  for (;;) {
    hybrid = await engine.search(query, { mode: 'hybrid', k: 10 });
    if (hybrid.mode === 'hybrid') break;
    fallbacks++;
    if (performance.now() - started > 600_000) throw new Error(`hybrid never answered: ${hybrid.notice ?? ''}`);
    await sleep(pollMs);
  }
  const hybridMs = performance.now() - started;
  const stats = await engine.stats();
  return {
    engine,
    times: {
      initMs,
      keywordMs,
      hybridMs,
      keywordHits: keyword.results.length,
      hybridHits: hybrid.results.length,
      fallbacks,
      keywordIndex: stats.keywordIndex ?? 'unknown',
      vectorsFromPages: stats.index?.loadedFromPages,
      indexKind: stats.index?.kind,
    },
  };
}

/** Fraction of queries whose id lists are identical. */
export function sameFraction(a: number[][], b: number[][]): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i]!.join() === b[i]?.join()) same++;
  return a.length ? same / a.length : 1;
}
