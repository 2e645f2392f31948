// Durability regressions: each test is named after a way the first version lost or corrupted a user's library.
// The engine runs in Node with the real IndexedDB store code on fake-indexeddb and the GloVe fixture model.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { openDB } from 'idb';
import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import type { FileInput, IngestProgress, LibraryEvent, TroveApi } from '../src/engine/api/index.ts';
import type { Embedder } from '../src/engine/embed/embedder.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine, type EmbedderLoadOptions, type EngineDependencies } from '../src/engine/engine.ts';
import { TroveError } from '../src/engine/core/errors.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import type { Store } from '../src/engine/store/store.ts';
import { registerErrorTransfer } from '../src/worker/error-transfer.ts';
import { inProcessLock } from '../src/engine/library/writer-lock.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };

function file(name: string, text: string, type = 'text/plain'): FileInput {
  return {
    jobId: `job-${name}-${Math.random().toString(36).slice(2)}`,
    name,
    type,
    data: new TextEncoder().encode(text).buffer as ArrayBuffer,
  };
}

/** Paragraphs with distinct words, so each becomes its own chunk at a small chunk size. */
function paragraphs(prefix: string, count: number): string {
  const topics = [
    'river water fish',
    'mountain snow weather',
    'bank money interest',
    'football team players',
    'kitchen food dinner',
  ];
  return Array.from(
    { length: count },
    (_, i) => `${prefix} note ${i}: the ${topics[i % topics.length]} report number ${i}.`,
  ).join('\n\n');
}

type Hooks = { wrap?: (embedder: Embedder) => Embedder; fail?: () => boolean };

function loader(hooks: Hooks = {}) {
  return async (options: EmbedderLoadOptions): Promise<Embedder> => {
    if (hooks.fail?.()) throw new Error('network is off');
    const embedder = await loadTransformersEmbedder({ ...options, device: 'auto' });
    return hooks.wrap ? hooks.wrap(embedder) : embedder;
  };
}

async function open(dbName: string, hooks: Hooks = {}, extra: Partial<EngineDependencies> = {}) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(dbName, { onStale }),
    loadEmbedder: loader(hooks),
    libraryName: dbName,
    ...extra,
  });
  await engine.init(fixtureSettings);
  await engine.loadModel();
  return engine;
}

async function ingest(engine: TroveApi, files: FileInput[]): Promise<IngestProgress[]> {
  return engine.ingest(files, () => undefined);
}

async function idle(engine: TroveApi): Promise<void> {
  // A no-op settings write goes through the queue only if needed; poll on the documents instead.
  await expect
    .poll(async () => (await engine.listDocuments()).every((d) => d.status !== 'ingesting'), { timeout: 30_000 })
    .toBe(true);
}

async function chunkRows(dbName: string): Promise<number> {
  const store = await IndexedDbStore.open(dbName);
  try {
    let rows = 0;
    for (const doc of await store.listDocuments()) rows += (await store.chunksOf(doc.id)).length;
    return rows;
  } finally {
    store.close();
  }
}

describe('durability', () => {
  it('a model change in Settings during an ingest no longer drops the document: the ingest finishes first', async () => {
    const engine = await open('dur-settings');
    const text = paragraphs('alpha', 200);
    let changed = false;
    const run = engine.ingest([file('long.txt', text)], (p) => {
      if (!changed && p.stage === 'embedding' && (p.chunksDone ?? 0) > 0) {
        changed = true;
        // Same model, another device setting: a model change that disposes the embedder.
        void engine.updateSettings({ device: 'wasm' });
      }
    });
    const [result] = await run;
    expect(changed).toBe(true);
    expect(result.stage).toBe('done');
    const docs = await engine.listDocuments();
    expect(docs).toHaveLength(1);
    expect(docs[0].status).toBe('ready');
    await expect.poll(async () => (await engine.modelStatus()).state, { timeout: 30_000 }).toBe('ready');
    await expect.poll(async () => (await engine.modelStatus()).pendingVectors, { timeout: 30_000 }).toBe(0);
    const stats = await engine.stats();
    expect(stats.vectors).toBe(stats.chunks);
    expect((await engine.search('mountain snow', { mode: 'semantic' })).results.length).toBeGreaterThan(0);
  });

  it('resume after a failure keeps the document, counts attempts, and marks it failed after two', async () => {
    const db = 'dur-resume';
    const text = paragraphs('beta', 40);
    // A tab closed mid-ingest: the document is 'ingesting', with its text stored and no chunks.
    const store = await IndexedDbStore.open(db);
    await store.createDocument(
      { name: 'notes.txt', format: 'text', size: text.length, addedAt: 1 },
      { text, blocks: [{ start: 0, end: text.length, kind: 'paragraph' }] },
    );
    store.close();
    // Each start's resume fails while storing chunks (as a crash would).
    const failingStore = (onStale: Parameters<EngineDependencies['openStore']>[0]['onStale']) =>
      IndexedDbStore.open(db, { onStale }).then((real) => {
        real.addChunks = () => Promise.reject(new Error('disk went away'));
        return real as Store;
      });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const engine = new TroveEngine({
        openStore: ({ onStale }) => failingStore(onStale),
        loadEmbedder: loader(),
        libraryName: db,
      });
      await engine.init(fixtureSettings);
      // First failure: kept for the next start. Second: failed, with the reason. A third start leaves it alone.
      const expected = attempt < 2 ? 'ingesting' : 'failed';
      await expect
        .poll(
          async () => {
            const [doc] = await engine.listDocuments();
            return doc?.error && doc.attempts === Math.min(attempt, 2) ? doc.status : undefined;
          },
          { timeout: 30_000 },
        )
        .toBe(expected);
      const [doc] = await engine.listDocuments();
      expect(doc.name).toBe('notes.txt');
      expect(doc.attempts).toBe(Math.min(attempt, 2));
      expect(doc.error?.message).toBeTruthy();
    }
    // The text was kept all along: Retry with a working store completes it.
    const healthy = await open(db);
    const [failed] = await healthy.listDocuments();
    expect(failed.status).toBe('failed');
    expect((await healthy.search('beta', { mode: 'keyword' })).results).toEqual([]); // failed: not half-searchable
    const retried = await healthy.retryDocument(failed.id);
    expect(retried.stage).toBe('done');
    const [ready] = await healthy.listDocuments();
    expect(ready).toMatchObject({ status: 'ready', attempts: 0 });
    expect((await healthy.search('beta note 7', { mode: 'keyword' })).results[0].text).toMatch(/beta note 7/);
  });

  it('resume continues after the chunks already stored instead of starting over', async () => {
    const db = 'dur-continue';
    const text = paragraphs('gamma', 300);
    const first = await open(db);
    await first.updateSettings({ chunkTokens: 32, chunkOverlapTokens: 0 });
    let stop = false;
    let storedBeforeStop = 0;
    // Simulate a tab closing mid-ingest: the store stops accepting writes after two batches.
    const engineStore = (first as unknown as { library: { store: Store } }).library.store;
    const addChunks = engineStore.addChunks.bind(engineStore);
    let closed!: () => void;
    const tabClosed = new Promise<void>((resolve) => (closed = resolve));
    engineStore.addChunks = async (docId, chunks, vectors) => {
      if (stop) {
        closed();
        return new Promise<number[]>(() => undefined); // the tab is gone: this write never happens
      }
      const ids = await addChunks(docId, chunks, vectors);
      storedBeforeStop += ids.length;
      if (storedBeforeStop >= 64) stop = true;
      return ids;
    };
    void ingest(first, [file('long.txt', text)]);
    await tabClosed;
    expect(storedBeforeStop).toBe(64);
    // The store still says 'ingesting'; a new start (whose lock the closed tab no longer holds) resumes it.
    const embedded: number[] = [];
    const second = await open(
      db,
      {
        wrap: (embedder) => {
          const embedPassages = embedder.embedPassages.bind(embedder);
          embedder.embedPassages = (texts, options) => {
            embedded.push(texts.length);
            return embedPassages(texts, options);
          };
          return embedder;
        },
      },
      { lock: inProcessLock('dur-continue-second-tab') },
    );
    await idle(second);
    const [doc] = await second.listDocuments();
    expect(doc.status).toBe('ready');
    const total = doc.chunkCount;
    expect(total).toBeGreaterThan(64);
    // Only the chunks after the stored 64 were embedded again.
    expect(embedded.reduce((a, b) => a + b, 0)).toBe(total - 64);
    expect(await chunkRows(db)).toBe(total);
    const stats = await second.stats();
    expect(stats.chunks).toBe(total);
    expect(stats.vectors).toBe(total);
  });

  it('a failed index-page write after all chunks are stored keeps the complete document', async () => {
    const db = 'dur-persist';
    const engine = await open(db);
    const store = (engine as unknown as { library: { store: Store } }).library.store;
    store.writeIndexPages = () => Promise.reject(new TroveError('STORAGE_FULL'));
    const [result] = await ingest(engine, [file('kept.txt', paragraphs('delta', 20))]);
    expect(result.stage).toBe('done');
    expect((await engine.listDocuments())[0].status).toBe('ready');
    // Reopened (pages missing): the index is rebuilt from the stored vectors, nothing is lost.
    const again = await open(db);
    const stats = await again.stats();
    expect(stats.chunks).toBeGreaterThan(0);
    await expect.poll(async () => (await again.stats()).vectors).toBe(stats.chunks);
    expect((await again.search('delta note 3', { mode: 'hybrid' })).results[0].text).toMatch(/delta note 3/);
  });

  it('search with a failing query embedder answers by keyword with a notice and marks the model unavailable', async () => {
    let broken = false;
    const engine = await open('dur-query', {
      wrap: (embedder) => {
        const embedQuery = embedder.embedQuery.bind(embedder);
        embedder.embedQuery = (text) =>
          broken ? Promise.reject(new Error('WebGPU device was lost')) : embedQuery(text);
        return embedder;
      },
    });
    await ingest(engine, [file('sport.txt', 'The team won the football game after the players scored twice.')]);
    expect((await engine.search('football')).mode).toBe('hybrid');
    broken = true;
    const response = await engine.search('football');
    expect(response.mode).toBe('keyword');
    expect(response.requestedMode).toBe('hybrid');
    expect(response.notice).toMatch(/failed.*WebGPU device was lost/);
    expect(response.results[0].text).toMatch(/football/);
    const status = await engine.modelStatus();
    expect(status.state).toBe('unavailable');
    expect(status.error).toMatch(/device was lost/);
    // Retry loads a fresh embedder; the semantic path works again.
    broken = false;
    expect((await engine.loadModel()).state).toBe('ready');
    expect((await engine.search('football')).mode).toBe('hybrid');
  });

  it('an embedding failure during ingest keeps the document, searchable by keyword, with vectors back-filled later', async () => {
    let failPassages = true;
    const engine = await open('dur-embed-fail', {
      wrap: (embedder) => {
        const embedPassages = embedder.embedPassages.bind(embedder);
        embedder.embedPassages = (texts, options) =>
          failPassages ? Promise.reject(new Error('ONNX Runtime aborted')) : embedPassages(texts, options);
        return embedder;
      },
    });
    const [result] = await ingest(engine, [file('notes.txt', paragraphs('epsilon', 10))]);
    expect(result.stage).toBe('done');
    expect(result.note).toMatch(/ONNX Runtime aborted/);
    expect((await engine.modelStatus()).state).toBe('unavailable');
    expect((await engine.search('epsilon note 2', { mode: 'keyword' })).results[0].text).toMatch(/epsilon note 2/);
    failPassages = false;
    expect((await engine.loadModel()).state).toBe('ready');
    await expect.poll(async () => (await engine.modelStatus()).pendingVectors, { timeout: 30_000 }).toBe(0);
    expect((await engine.listDocuments())[0].embedded).toBe(true);
  });

  it('every error reaches the caller with its code, also across the worker boundary (comlink)', async () => {
    const engine = await open('dur-codes');
    const [unsupported] = await ingest(engine, [file('photo.xyz', 'not a document', '')]);
    expect(unsupported.error?.code).toBe('UNSUPPORTED_FORMAT');
    expect(unsupported.error?.message).toMatch(/\.md/); // names the valid extensions
    await expect(engine.updateSettings({ chunkTokens: 5 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: /whole number from 16 to 8192/,
    });
    await expect(engine.deleteDocument(9999)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await engine.updateSettings({ maxFileMB: 1 });
    const [tooLarge] = await ingest(engine, [file('big.txt', 'word '.repeat(300_000))]);
    expect(tooLarge.error).toMatchObject({ code: 'FILE_TOO_LARGE', message: /big\.txt.*limit is 1 MB/ });

    // Through comlink, as between the page and the worker: the code survives.
    registerErrorTransfer();
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(engine, port1 as unknown as Comlink.Endpoint);
    const remote = Comlink.wrap<TroveApi>(port2 as unknown as Comlink.Endpoint);
    const crossed = await remote.deleteDocument(9999).catch((error: unknown) => error);
    expect(crossed).toBeInstanceOf(TroveError);
    expect(crossed).toMatchObject({ code: 'NOT_FOUND', message: 'No document with id 9999.' });
    const settingsError = await remote.updateSettings({ device: 'gpu' as never }).catch((error: unknown) => error);
    expect(settingsError).toMatchObject({ code: 'INVALID_ARGUMENT', message: /auto, webgpu, wasm/ });
    port1.close();
    port2.close();
  });

  it('an unexpected error is INTERNAL, not a storage failure', async () => {
    const engine = new TroveEngine({
      openStore: ({ onStale }) => IndexedDbStore.open('dur-internal', { onStale }),
      loadEmbedder: loader(),
      libraryName: 'dur-internal',
      parse: () => Promise.reject(new TypeError('undefined is not a function')),
    });
    await engine.init(fixtureSettings);
    const [result] = await ingest(engine, [file('a.txt', 'hello world')]);
    expect(result.error?.code).toBe('INTERNAL');
    expect(result.error?.message).toMatch(/undefined is not a function/);
  });

  it('a v1 database opens and migrates to the current schema with nothing lost', async () => {
    const name = 'dur-v1';
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('documents', { keyPath: 'id', autoIncrement: true });
        db.createObjectStore('texts', { keyPath: 'docId' });
        db.createObjectStore('chunks', { keyPath: 'id', autoIncrement: true }).createIndex('byDoc', 'docId');
        db.createObjectStore('terms', { keyPath: 'chunkId' }).createIndex('byDoc', 'docId');
        const vectors = db.createObjectStore('vectors', { keyPath: 'key', autoIncrement: true });
        vectors.createIndex('byDoc', 'docId');
        vectors.createIndex('byFingerprint', 'fingerprint');
        db.createObjectStore('settings');
      },
    });
    const text = 'The river carries fresh water to the valley.';
    await v1.put('documents', {
      id: 1,
      name: 'old.txt',
      format: 'text',
      size: text.length,
      addedAt: 5,
      status: 'ready',
      chunkCount: 1,
    });
    await v1.put('texts', { docId: 1, text, blocks: [{ start: 0, end: text.length, kind: 'paragraph' }] });
    await v1.put('chunks', { id: 1, docId: 1, text, start: 0, end: text.length, headingPath: [], tokenCount: 8 });
    await v1.put('terms', { chunkId: 1, docId: 1, terms: 'river carri fresh water vallei' });
    v1.close();

    const engine = await open(name);
    const [doc] = await engine.listDocuments();
    expect(doc).toMatchObject({ name: 'old.txt', status: 'ready', chunkCount: 1 });
    expect((await engine.search('river', { mode: 'keyword' })).results[0].text).toBe(text);
    // The old chunk gets its vector from the back-fill: semantic search finds it.
    await expect.poll(async () => (await engine.modelStatus()).pendingVectors, { timeout: 30_000 }).toBe(0);
    expect((await engine.search('water', { mode: 'semantic' })).results[0].text).toBe(text);
    const raw = await openDB(name);
    expect([...raw.objectStoreNames]).toEqual(expect.arrayContaining(['indexPages', 'changes']));
    raw.close();
  });

  it('two tabs on one library ingest different files at once: exact counts in both, same results, no duplicates', async () => {
    const db = 'dur-tabs';
    const [a, b] = await Promise.all([open(db), open(db)]);
    const events: LibraryEvent[] = [];
    await b.onLibraryEvent((event) => events.push(event));
    const filesA = [file('a1.txt', paragraphs('apple', 60)), file('a2.txt', paragraphs('apricot', 30))];
    const filesB = [file('b1.txt', paragraphs('banana', 50)), file('b2.txt', paragraphs('blueberry', 40))];
    const [resultsA, resultsB] = await Promise.all([ingest(a, filesA), ingest(b, filesB)]);
    expect([...resultsA, ...resultsB].map((r) => r.stage)).toEqual(['done', 'done', 'done', 'done']);
    // Both tabs see all four documents, with the same counts, without a reload.
    await expect.poll(async () => (await a.listDocuments()).length).toBe(4);
    await expect.poll(async () => (await b.listDocuments()).length).toBe(4);
    const counts = async (engine: TroveApi) =>
      Object.fromEntries((await engine.listDocuments()).map((d) => [d.name, d.chunkCount]));
    expect(await counts(a)).toEqual(await counts(b));
    await expect.poll(async () => (await a.stats()).chunks).toBe((await b.stats()).chunks);
    await expect.poll(async () => (await b.stats()).vectors).toBe((await b.stats()).chunks);
    expect(events.some((e) => e.type === 'changed')).toBe(true);
    for (const query of ['apple note 5', 'banana note 7']) {
      const ra = await a.search(query, { mode: 'hybrid' });
      const rb = await b.search(query, { mode: 'hybrid' });
      expect(ra.results.map((r) => r.chunkId)).toEqual(rb.results.map((r) => r.chunkId));
    }
    // The store holds exactly the chunks the documents claim, and a fresh start finds no duplicates.
    const total = Object.values(await counts(a)).reduce((x, y) => x + y, 0);
    expect(await chunkRows(db)).toBe(total);
    const fresh = await open(db);
    await idle(fresh);
    expect((await fresh.stats()).chunks).toBe(total);
    const hits = await fresh.search('apple note 5', { mode: 'keyword', k: 50 });
    const ids = hits.results.map((r) => r.chunkId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("another tab's settings change keeps this tab's build settings (its self-hosted model path used to revert)", async () => {
    const db = 'dur-tab-settings';
    const [a, b] = await Promise.all([open(db), open(db)]);
    await ingest(a, [file('a.txt', paragraphs('apple', 5))]);
    const rrfK = (await b.getSettings()).rrfK + 7;
    await b.updateSettings({ rrfK });
    await expect.poll(async () => (await a.getSettings()).rrfK, { timeout: 10_000 }).toBe(rrfK);
    expect((await a.getSettings()).localModelPath).toBe(localModelPath);
    expect((await a.modelStatus()).state).toBe('ready');
    expect((await a.search('apple note 2', { mode: 'hybrid' })).mode).toBe('hybrid');
  });

  it("a model chosen in this build survives a restart (the build's model used to win over the user's choice)", async () => {
    const db = 'dur-build-choice';
    const first = await open(db);
    await first.updateSettings({ modelId: 'glove-50d-permuted' });
    const again = new TroveEngine({
      openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
      loadEmbedder: loader(),
      libraryName: db,
    });
    const { settings } = await again.init(fixtureSettings);
    expect(settings.modelId).toBe('glove-50d-permuted');
    expect(settings.localModelPath).toBe(localModelPath);
  });

  it('a second tab does not resume the document the first tab is still writing', async () => {
    const db = 'dur-noresume';
    const a = await open(db);
    let started!: () => void;
    const writing = new Promise<void>((resolve) => (started = resolve));
    const run = a.ingest([file('big.txt', paragraphs('cherry', 300))], (p) => {
      if (p.stage === 'embedding' && (p.chunksDone ?? 0) > 0) started();
    });
    await writing;
    // Tab B starts while A is mid-document: A's document is 'ingesting' in the store.
    const b = await open(db);
    const [done] = await run;
    expect(done.stage).toBe('done');
    await idle(b);
    await expect
      .poll(async () => (await b.listDocuments())[0]?.chunkCount)
      .toBe((await a.listDocuments())[0].chunkCount);
    expect(await chunkRows(db)).toBe((await a.listDocuments())[0].chunkCount);
  });

  it('a schema upgrade in another tab marks this engine stale: it says so and stops writing', async () => {
    const db = 'dur-upgrade';
    const engine = await open(db);
    await ingest(engine, [file('one.txt', 'The first note about rivers.')]);
    const events: LibraryEvent[] = [];
    await engine.onLibraryEvent((event) => events.push(event));
    const newer = await openDB(db, 99); // another tab with a newer schema
    await expect.poll(() => events.find((e) => e.type === 'stale')?.type).toBe('stale');
    expect(events.find((e) => e.type === 'stale')).toMatchObject({ message: /updated in another tab/ });
    const [result] = await ingest(engine, [file('two.txt', 'The second note.')]);
    expect(result.error?.code).toBe('LIBRARY_STALE');
    newer.close();
  });
});
