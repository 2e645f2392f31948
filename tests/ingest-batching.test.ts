// Adding a folder of many small files: the cost per file must not grow with the library. These tests count the
// work (transactions, change-log entries, channel messages, catalogue scans), never time it. The engine runs in
// Node on fake-indexeddb with the GloVe fixture model.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput, TroveApi } from '../src/engine/api/index.ts';
import type { Embedder } from '../src/engine/embed/embedder.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine, type EngineDependencies } from '../src/engine/engine.ts';
import { broadcastLibraryChannel, type LibraryChannel } from '../src/engine/library/channel.ts';
import type { LibraryCatalogue } from '../src/engine/library/catalogue.ts';
import { inProcessLock } from '../src/engine/library/writer-lock.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import type { Store } from '../src/engine/store/store.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };
const SILENT: LibraryChannel = { announce: () => undefined, onAnnouncement: () => undefined, close: () => undefined };

function file(name: string, text: string, extra: Partial<FileInput> = {}): FileInput {
  return {
    jobId: `job-${name}-${Math.random().toString(36).slice(2)}`,
    name,
    type: 'text/plain',
    data: new TextEncoder().encode(text).buffer as ArrayBuffer,
    ...extra,
  };
}

/** A folder of small distinct pages. */
function folder(prefix: string, count: number): FileInput[] {
  const topics = ['river water fish', 'mountain snow weather', 'bank money interest', 'kitchen food dinner'];
  return Array.from({ length: count }, (_, i) =>
    file(
      `${prefix}-${i}.txt`,
      `${prefix} page ${i}: the ${topics[i % topics.length]} report.\n\nSecond part of ${prefix} page ${i}.`,
      { folder: prefix },
    ),
  );
}

type Hooks = { wrap?: (embedder: Embedder) => Embedder };

async function open(db: string, extra: Partial<EngineDependencies> = {}, hooks: Hooks = {}): Promise<TroveEngine> {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: async (options) => {
      const embedder = await loadTransformersEmbedder({ ...options, device: 'auto' });
      return hooks.wrap ? hooks.wrap(embedder) : embedder;
    },
    libraryName: db,
    channel: SILENT,
    ...extra,
  });
  await engine.init(fixtureSettings);
  await engine.loadModel();
  return engine;
}

function storeOf(engine: TroveEngine): Store {
  return (engine as unknown as { library: { store: Store } }).library.store;
}

function catalogueOf(engine: TroveEngine): LibraryCatalogue {
  return (engine as unknown as { catalogue: LibraryCatalogue }).catalogue;
}

async function storedRows(db: string): Promise<{ docs: number; chunks: number; ingesting: number; names: string[] }> {
  const store = await IndexedDbStore.open(db);
  try {
    const docs = await store.listDocuments();
    let chunks = 0;
    for (const doc of docs) chunks += (await store.chunksOf(doc.id)).length;
    return {
      docs: docs.length,
      chunks,
      ingesting: docs.filter((d) => d.status === 'ingesting').length,
      names: docs.map((d) => d.name).sort(),
    };
  } finally {
    store.close();
  }
}

async function idle(engine: TroveApi): Promise<void> {
  await expect
    .poll(async () => (await engine.listDocuments()).every((d) => d.status === 'ready'), { timeout: 30_000 })
    .toBe(true);
}

describe('ingest batching', () => {
  it('a folder of small files is written in batches: one transaction, log entry and channel message per batch', async () => {
    const db = 'batch-counts';
    const announced: number[] = [];
    const engine = await open(db, {
      channel: { ...SILENT, announce: (version) => announced.push(version) },
    });
    const store = storeOf(engine);
    const writes = { addDocuments: 0, perDocument: 0 };
    const addDocuments = store.addDocuments.bind(store);
    store.addDocuments = (documents) => {
      writes.addDocuments++;
      return addDocuments(documents);
    };
    for (const name of ['createDocument', 'addChunks', 'markReady', 'putOriginal'] as const) {
      const write = (store[name] as (...args: unknown[]) => Promise<unknown>).bind(store);
      (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        writes.perDocument++;
        return write(...args);
      };
    }
    const versionBefore = await store.libraryVersion();
    const announcedBefore = announced.length;
    const files = folder('manual', 60);
    const results = await engine.ingest(files, () => undefined);
    expect(results.every((r) => r.stage === 'done')).toBe(true);
    expect(new Set(results.map((r) => r.documentId)).size).toBe(60);
    // Batches end at 0.75 s of work, so a loaded machine makes more of them; never one per file.
    expect(writes.perDocument).toBe(0);
    expect(writes.addDocuments).toBeGreaterThanOrEqual(1);
    expect(writes.addDocuments).toBeLessThanOrEqual(60 / 5);
    const logEntries = (await store.libraryVersion()) - versionBefore;
    expect(logEntries).toBe(writes.addDocuments);
    expect(announced.length - announcedBefore).toBe(writes.addDocuments);
    // Every document is complete and searchable, with its vectors.
    const stats = await engine.stats();
    expect(stats.documents).toBe(60);
    expect(stats.vectors).toBe(stats.chunks);
    expect((await engine.search('manual page 37', { mode: 'keyword' })).results[0].text).toMatch(/manual page 37/);
    expect(await storedRows(db)).toMatchObject({ docs: 60, chunks: stats.chunks, ingesting: 0 });
  });

  it('another tab follows a batch from its one announcement, document by document', async () => {
    const db = 'batch-tabs';
    const writer = await open(db, { channel: broadcastLibraryChannel(`${db}:changes`) });
    const reader = await open(db, {
      channel: broadcastLibraryChannel(`${db}:changes`),
      lock: inProcessLock(`${db}-reader`),
    });
    const results = await writer.ingest(folder('notes', 25), () => undefined);
    expect(results.every((r) => r.stage === 'done')).toBe(true);
    await expect.poll(async () => (await reader.listDocuments()).length, { timeout: 30_000 }).toBe(25);
    await expect.poll(async () => (await reader.stats()).chunks).toBe((await writer.stats()).chunks);
    expect((await reader.search('notes page 12', { mode: 'keyword' })).results[0].text).toMatch(/notes page 12/);
  });

  it('duplicate checks are lookups: adding a file never walks the catalogue, however large the library', async () => {
    const engine = await open('batch-lookups');
    await engine.ingest(folder('first', 80), () => undefined);
    const docs = catalogueOf(engine).docs;
    let walks = 0;
    for (const method of ['values', 'entries', 'keys', 'forEach', Symbol.iterator] as const) {
      const walk = (docs as unknown as Record<PropertyKey, (...args: unknown[]) => unknown>)[method].bind(docs);
      (docs as unknown as Record<PropertyKey, unknown>)[method] = (...args: unknown[]) => {
        walks++;
        return walk(...args);
      };
    }
    const again = [...folder('second', 20), ...folder('first', 5)];
    const results = await engine.ingest(again, () => undefined);
    expect(results.slice(0, 20).every((r) => r.stage === 'done')).toBe(true);
    expect(results.slice(20).map((r) => r.duplicateOf?.reason)).toEqual(Array(5).fill('same-content'));
    expect(walks).toBe(0);
  });

  it('files repeated within one batch: the second copy is skipped as the same content, not stored twice', async () => {
    const engine = await open('batch-repeats');
    const twice = [
      file('a.txt', 'alpha river text'),
      file('b.txt', 'beta snow text'),
      file('a-copy.txt', 'alpha river text'),
    ];
    const results = await engine.ingest(twice, () => undefined);
    expect(results.map((r) => r.stage)).toEqual(['done', 'done', 'skipped']);
    expect(results[2].duplicateOf).toMatchObject({ id: results[0].documentId, reason: 'same-content' });
    expect((await engine.listDocuments()).length).toBe(2);
  });

  it('with redaction on, a new version of a file whose name holds PII is found by its redacted name', async () => {
    const engine = await open('batch-redacted-names');
    await engine.updateSettings({ redactPii: true });
    const name = 'jane.doe@example.com notes.txt';
    const [first] = await engine.ingest([file(name, 'First version about rivers.')], () => undefined);
    expect(first.stage).toBe('done');
    const [second] = await engine.ingest([file(name, 'Second version about mountains.')], () => undefined);
    expect(second.stage).toBe('skipped');
    expect(second.duplicateOf).toMatchObject({ id: first.documentId, reason: 'same-name' });
    expect((await engine.listDocuments()).length).toBe(1);
  });

  it("the embedder's preferred batch size sets how many passages go to each model run", async () => {
    const runs: number[] = [];
    const engine = await open(
      'batch-preferred-size',
      {},
      {
        wrap: (embedder) => {
          const embedPassages = embedder.embedPassages.bind(embedder);
          return Object.assign(embedder, {
            preferredBatchSize: 3,
            embedPassages: (texts: string[], options?: Parameters<Embedder['embedPassages']>[1]) => {
              runs.push(texts.length);
              return embedPassages(texts, options);
            },
          });
        },
      },
    );
    const long = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} about river water and fish.`).join('\n\n');
    await engine.updateSettings({ chunkTokens: 16, chunkOverlapTokens: 0 });
    const [done] = await engine.ingest([file('long.txt', long)], () => undefined);
    expect(done.stage).toBe('done');
    expect(runs.length).toBeGreaterThan(1);
    expect(Math.max(...runs)).toBe(3);
  });

  it('passages of several small files share model runs instead of one short run per file', async () => {
    const runs: number[] = [];
    let preferred = 0;
    const engine = await open(
      'batch-shared-runs',
      {},
      {
        wrap: (embedder) => {
          const embedPassages = embedder.embedPassages.bind(embedder);
          return Object.assign(embedder, {
            embedPassages: (texts: string[], options?: Parameters<Embedder['embedPassages']>[1]) => {
              // The size the model measured fastest (or the default), as the pipeline reads it.
              preferred = embedder.preferredBatchSize ?? 32;
              runs.push(texts.length);
              return embedPassages(texts, options);
            },
          });
        },
      },
    );
    const results = await engine.ingest(folder('shared', 40), () => undefined);
    expect(results.every((r) => r.stage === 'done')).toBe(true);
    const stats = await engine.stats();
    expect(stats.vectors).toBe(stats.chunks);
    // One file alone would give a run of its own one or two passages; shared, a run holds several files' passages,
    // never more than the batch size the model measured fastest (which may exceed all 40 files' passages).
    expect(runs.length).toBeLessThan(40 / 2);
    expect(Math.max(...runs)).toBeGreaterThan(2);
    expect(Math.max(...runs)).toBeLessThanOrEqual(preferred);
    expect(runs.reduce((sum, n) => sum + n, 0)).toBe(stats.chunks);
  });

  it('a tab closed during a batch write loses that batch only: the rest is stored whole, and adding again fills the gap', async () => {
    const db = 'batch-crash';
    const first = await open(db);
    await first.updateSettings({ chunkTokens: 16, chunkOverlapTokens: 0 });
    const store = storeOf(first);
    const addDocuments = store.addDocuments.bind(store);
    let stored = 0;
    let closed!: () => void;
    const tabClosed = new Promise<void>((resolve) => (closed = resolve));
    store.addDocuments = async (documents) => {
      if (documents.some((d) => d.doc.name.startsWith('after-'))) {
        closed();
        return new Promise(() => undefined); // the tab is gone: this transaction never commits
      }
      const written = await addDocuments(documents);
      stored += written.length;
      return written;
    };
    // A large document (written in chunk batches) between two runs of small files: the run before it is stored
    // before it starts.
    const big = file('big.txt', Array.from({ length: 400 }, (_, i) => `Big note ${i} on weather.`).join('\n\n'));
    const files = [...folder('before', 10), big, ...folder('after', 10)];
    void first.ingest(files, () => undefined);
    await tabClosed;
    expect(stored).toBe(10);
    // A new tab: what was stored is whole (ready, or resumable), nothing is half-written.
    const second = await open(db, { lock: inProcessLock(`${db}-second`) });
    await idle(second);
    const afterCrash = await storedRows(db);
    expect(afterCrash.ingesting).toBe(0);
    expect(afterCrash.names).toEqual([...folder('before', 10).map((f) => f.name), 'big.txt'].sort());
    // Adding the folder again adds only what was lost, and no duplicates.
    const again = await second.ingest(
      [...folder('before', 10), big, ...folder('after', 10)].map((f) => ({ ...f, jobId: `${f.jobId}-again` })),
      () => undefined,
    );
    expect(again.filter((r) => r.stage === 'skipped')).toHaveLength(11);
    expect(again.filter((r) => r.stage === 'done')).toHaveLength(10);
    const final = await storedRows(db);
    expect(final).toMatchObject({ docs: 21, ingesting: 0 });
    expect(final.chunks).toBe((await second.stats()).chunks);
  });
});
