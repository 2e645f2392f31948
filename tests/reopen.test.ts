// A large library opens fast: the keyword index is loaded from its persisted snapshot (plus the documents changed
// since), not rebuilt from every passage's terms — and answers exactly as a rebuild would.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { LEXICAL_SNAPSHOT } from '../src/engine/library/catalogue.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import type { DocumentRecord, Store } from '../src/engine/store/store.ts';
import { TroveError } from '../src/engine/core/errors.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };

function file(name: string, text: string): FileInput {
  return { jobId: `job-${name}`, name, type: 'text/plain', data: new TextEncoder().encode(text).buffer as ArrayBuffer };
}
const notes = (word: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${word} entry ${i} describes the river, the bank and the ${word} market.`).join(
    '\n\n',
  );

async function open(db: string, snapshotDelayMs = 20) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    libraryName: db,
    snapshotDelayMs,
  });
  await engine.init(fixtureSettings);
  await engine.loadModel();
  return engine;
}

async function snapshotVersion(db: string): Promise<number | undefined> {
  const store = await IndexedDbStore.open(db);
  const index = await store.readIndex(LEXICAL_SNAPSHOT);
  store.close();
  return index?.version;
}

describe('reopening a library', () => {
  it('loads the keyword index from its snapshot, applies changes made after it, and answers like a rebuild', async () => {
    const db = 'reopen-1';
    const first = await open(db);
    await first.ingest([file('apples.txt', notes('apple', 40)), file('pears.txt', notes('pear', 30))], () => undefined);
    await expect.poll(() => snapshotVersion(db)).toBeGreaterThan(0);
    const before = await first.search('apple market river', { mode: 'keyword', k: 20 });

    const second = await open(db);
    expect((await second.stats()).keywordIndex).toBe('snapshot');
    const after = await second.search('apple market river', { mode: 'keyword', k: 20 });
    expect(after.results.map((r) => [r.chunkId, r.scores.bm25])).toEqual(
      before.results.map((r) => [r.chunkId, r.scores.bm25]),
    );

    // Changes after the snapshot (a delete and an add by an engine that closes before writing a new one).
    const pears = (await second.listDocuments()).find((d) => d.name === 'pears.txt')!;
    const version = await snapshotVersion(db);
    const store = await IndexedDbStore.open(db);
    await store.deleteDocument(pears.id);
    store.close();
    const third = await open(db);
    expect((await third.stats()).keywordIndex).toBe('snapshot');
    expect((await third.search('pear', { mode: 'keyword' })).results).toEqual([]);
    await third.ingest([file('plums.txt', notes('plum', 10))], () => undefined);
    const rebuilt = await third.search('plum market', { mode: 'keyword', k: 5 });
    expect(rebuilt.results[0].documentName).toBe('plums.txt');

    // A fresh engine reading every term (no snapshot) agrees with the snapshot-based one exactly.
    await expect.poll(async () => (await snapshotVersion(db)) ?? 0).toBeGreaterThan(version!);
    const s = await IndexedDbStore.open(db);
    await s.deleteIndex(LEXICAL_SNAPSHOT);
    s.close();
    const fromTerms = await open(db);
    expect((await fromTerms.stats()).keywordIndex).toBe('terms');
    for (const query of ['apple river', 'plum bank market', 'pear']) {
      const a = await third.search(query, { mode: 'keyword', k: 30 });
      const b = await fromTerms.search(query, { mode: 'keyword', k: 30 });
      expect(a.results.map((r) => [r.chunkId, r.scores.bm25])).toEqual(
        b.results.map((r) => [r.chunkId, r.scores.bm25]),
      );
    }
  });

  it('brings in line many documents written after the snapshot (more than one read window), like a rebuild', async () => {
    const db = 'reopen-many-changes';
    const first = await open(db);
    await first.ingest([file('seed.txt', notes('seed', 3))], () => undefined);
    await expect.poll(() => snapshotVersion(db)).toBeGreaterThan(0);
    const version = await snapshotVersion(db);
    // Written by an engine that never gets to persist its snapshot (the tab closed right after a folder).
    const busy = await open(db, 3_600_000);
    const fruits = Array.from({ length: 45 }, (_, i) => file(`fruit-${i}.txt`, notes(`fruit${i}`, 2 + (i % 3))));
    await busy.ingest(fruits, () => undefined);
    expect(await snapshotVersion(db)).toBe(version);

    const reopened = await open(db, 3_600_000);
    expect((await reopened.stats()).keywordIndex).toBe('snapshot');
    expect((await reopened.listDocuments()).length).toBe(46);
    const store = await IndexedDbStore.open(db);
    await store.deleteIndex(LEXICAL_SNAPSHOT);
    store.close();
    const fromTerms = await open(db, 3_600_000);
    expect((await fromTerms.stats()).keywordIndex).toBe('terms');
    for (const query of ['fruit7 market', 'fruit44 river', 'seed bank', 'river bank market']) {
      const a = await reopened.search(query, { mode: 'keyword', k: 30 });
      const b = await fromTerms.search(query, { mode: 'keyword', k: 30 });
      expect(a.results.length).toBeGreaterThan(0);
      expect(a.results.map((r) => [r.chunkId, r.scores.bm25])).toEqual(
        b.results.map((r) => [r.chunkId, r.scores.bm25]),
      );
    }
  });

  it('answers a keyword query before the document list is read, then lists every document', async () => {
    const db = 'reopen-keyword-first';
    const first = await open(db);
    await first.ingest([file('apples.txt', notes('apple', 40)), file('pears.txt', notes('pear', 30))], () => undefined);
    await expect.poll(() => snapshotVersion(db)).toBeGreaterThan(0);

    // The store's document list is held back until released: counted when asked for and when answered.
    let release = () => undefined as void;
    const held = new Promise<void>((done) => (release = done));
    const reads = { asked: 0, answered: 0 };
    const spied = (store: Store): Store =>
      Object.assign(Object.create(store) as Store, {
        listDocuments: async (): Promise<DocumentRecord[]> => {
          reads.asked++;
          await held;
          const docs = await store.listDocuments();
          reads.answered++;
          return docs;
        },
      });
    const second = new TroveEngine({
      openStore: async ({ onStale }) => spied(await IndexedDbStore.open(db, { onStale })),
      loadEmbedder: () => Promise.reject(new TroveError('MODEL_UNAVAILABLE', 'keyword only')),
      libraryName: `${db}-second`,
    });
    const opened = await second.init(fixtureSettings);
    expect(opened.stats).toMatchObject({ documents: 2, keywordIndex: 'snapshot' });
    const answer = await second.search('pear market', { mode: 'keyword', k: 3 });
    expect(answer.results[0].documentName).toBe('pears.txt');
    expect(reads.answered).toBe(0);

    const listed = second.listDocuments();
    release();
    expect((await listed).map((d) => d.name).sort()).toEqual(['apples.txt', 'pears.txt']);
    expect(reads.answered).toBe(1);
  });
});
