// A real library: collections (isolated down to BM25 statistics), metadata filters in every mode, tags,
// duplicate detection and atomic replacement of a changed file.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput, SearchFilter } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { FlatIndex } from '../src/engine/index/flat.ts';
import { HnswIndex } from '../src/engine/index/hnsw.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import type { Store } from '../src/engine/store/store.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };

function file(name: string, text: string, extra: Partial<FileInput> = {}): FileInput {
  return {
    jobId: `job-${name}-${Math.random().toString(36).slice(2)}`,
    name,
    type: 'text/plain',
    data: new TextEncoder().encode(text).buffer as ArrayBuffer,
    ...extra,
  };
}

async function open(db: string) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    libraryName: db,
  });
  await engine.init(fixtureSettings);
  await engine.loadModel();
  return engine;
}

const add = (engine: TroveEngine, files: FileInput[]) => engine.ingest(files, () => undefined);

describe('collections', () => {
  it('keeps collections apart in every mode, including the keyword statistics', async () => {
    const engine = await open('lib-collections');
    const work = await engine.createCollection('Work');
    expect(work).toMatchObject({ name: 'Work', documents: 0 });
    // The id is random, never the name: it is stored plain on every document, the name is sealed under the lock.
    expect(work.id).toMatch(/^c-[0-9a-f]{18}$/);
    await expect(engine.createCollection('work')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // "river" is rare in Work (1 of 6 passages) but everywhere in the default collection.
    const rivers = Array.from({ length: 6 }, (_, i) => `River ${i}: the river bank and river water flow.`).join('\n\n');
    await add(engine, [file('rivers.txt', rivers)]);
    await add(engine, [file('memo.txt', 'The budget memo mentions a river crossing once.', { collection: work.id })]);
    await add(engine, [file('plan.txt', 'The quarterly plan covers hiring and budget.', { collection: work.id })]);

    const inWork = await engine.search('river', { mode: 'keyword', filter: { collections: [work.id] } });
    expect(inWork.results.map((r) => r.documentName)).toEqual(['memo.txt']);
    for (const mode of ['semantic', 'hybrid'] as const) {
      const results = await engine.search('river water', { mode, filter: { collections: [work.id] } });
      expect(results.results.every((r) => ['memo.txt', 'plan.txt'].includes(r.documentName))).toBe(true);
    }
    // BM25 document frequencies are per collection: the same passage scores as if the other collection did not exist.
    const alone = await open('lib-collections-alone');
    const aloneWork = await alone.createCollection('Work');
    await add(alone, [
      file('memo.txt', 'The budget memo mentions a river crossing once.', { collection: aloneWork.id }),
    ]);
    await add(alone, [file('plan.txt', 'The quarterly plan covers hiring and budget.', { collection: aloneWork.id })]);
    const reference = await alone.search('river', { mode: 'keyword', filter: { collections: [aloneWork.id] } });
    expect(inWork.results[0].scores.bm25).toBeCloseTo(reference.results[0].scores.bm25!, 10);

    const listed = await engine.listCollections();
    expect(listed.map((c) => [c.id, c.documents])).toEqual([
      ['library', 1],
      [work.id, 2],
    ]);
    await engine.renameCollection(work.id, 'Office');
    expect((await engine.listCollections())[1].name).toBe('Office');
    await engine.deleteCollection(work.id);
    expect((await engine.listCollections()).map((c) => c.id)).toEqual(['library']);
    expect((await engine.listDocuments()).map((d) => d.name)).toEqual(['rivers.txt']);
    expect((await engine.search('budget', { mode: 'keyword' })).results).toEqual([]);
    // The collection and its absence survive a reopen.
    const again = await open('lib-collections');
    expect((await again.listCollections()).map((c) => c.id)).toEqual(['library']);
    const [unknown] = await add(again, [file('x.txt', 'text', { collection: work.id })]);
    expect(unknown.error).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(`no collection “${work.id}”`),
    });
  });
});

describe('filters and tags', () => {
  it('filters by document, format, tag, date, language and folder in every mode', async () => {
    const engine = await open('lib-filters');
    await add(engine, [
      file('a.txt', 'Fresh bread from the oven and warm butter.', { folder: 'recipes/baking' }),
      file('b.md', '# Bread\n\nSourdough bread needs a lively starter.', { type: 'text/markdown', folder: 'recipes' }),
      file('c.txt', 'The bank raised interest rates on savings.', { folder: 'finance' }),
    ]);
    const docs = await engine.listDocuments();
    const id = (name: string) => docs.find((d) => d.name === name)!.id;
    await engine.setTags([id('a.txt'), id('b.md')], ['Food', ' kitchen '], 'add');
    await engine.setTags([id('b.md')], ['kitchen'], 'remove');
    const tagged = Object.fromEntries((await engine.listDocuments()).map((d) => [d.name, d.tags]));
    expect(tagged).toEqual({ 'a.txt': ['food', 'kitchen'], 'b.md': ['food'], 'c.txt': [] });

    const names = async (
      filter: SearchFilter,
      query = 'bread bank',
      mode: 'keyword' | 'semantic' | 'hybrid' = 'hybrid',
    ) => [...new Set((await engine.search(query, { mode, filter })).results.map((r) => r.documentName))].sort();
    for (const mode of ['keyword', 'semantic', 'hybrid'] as const) {
      expect(await names({ documentIds: [id('c.txt')] }, 'bread bank', mode)).toEqual(['c.txt']);
      expect(await names({ formats: ['markdown'] }, 'bread bank', mode)).toEqual(['b.md']);
      expect(await names({ tags: ['kitchen'] }, 'bread bank', mode)).toEqual(['a.txt']);
      expect(await names({ tags: ['food'], formats: ['text'] }, 'bread bank', mode)).toEqual(['a.txt']);
      expect(await names({ folders: ['recipes'] }, 'bread bank', mode)).toEqual(['a.txt', 'b.md']);
      expect(await names({ addedTo: 0 }, 'bread bank', mode)).toEqual([]);
      expect(await names({ addedFrom: 0, addedTo: Date.now() + 1000 }, 'bread bank', mode)).toEqual([
        'a.txt',
        'b.md',
        'c.txt',
      ]);
      expect(await names({ languages: ['xx'] }, 'bread bank', mode)).toEqual([]);
    }
    await expect(engine.setTags([9999], ['x'], 'add')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Tags survive a reopen.
    const again = await open('lib-filters');
    expect((await again.listDocuments()).find((d) => d.name === 'a.txt')!.tags).toEqual(['food', 'kitchen']);
  });

  it('a vector search filtered to 1% of 20,000 passages still returns k results, on flat and on HNSW', () => {
    const dims = 32;
    const n = 20_000;
    let seed = 7;
    const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
    const vectors = new Float32Array(n * dims);
    for (let i = 0; i < vectors.length; i++) vectors[i] = random();
    for (let r = 0; r < n; r++) {
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += vectors[r * dims + d] ** 2;
      for (let d = 0; d < dims; d++) vectors[r * dims + d] /= Math.sqrt(norm);
    }
    const ids = Uint32Array.from({ length: n }, (_, i) => i + 1);
    const flat = new FlatIndex(dims);
    flat.add(ids, vectors);
    const hnsw = new HnswIndex({ dims, M: 12, efConstruction: 48, ef: 32, seed: 3 });
    hnsw.add(ids, vectors);
    const allowed = (id: number) => id % 100 === 0; // 200 passages: 1%
    const k = 10;
    for (let q = 0; q < 5; q++) {
      const query = vectors.slice(q * 997 * dims, (q * 997 + 1) * dims);
      const exact = flat.search(query, k, allowed);
      const approximate = hnsw.search(query, k, allowed);
      expect(exact).toHaveLength(k);
      expect(approximate).toHaveLength(k);
      expect(approximate.every((h) => allowed(h.id))).toBe(true);
      const truth = new Set(exact.map((h) => h.id));
      expect(approximate.filter((h) => truth.has(h.id)).length).toBeGreaterThanOrEqual(9);
    }
  }, 120_000);
});

describe('duplicates and updates', () => {
  it('skips a file already in the collection, and replaces a changed one atomically', async () => {
    const engine = await open('lib-dupes');
    const v1 = 'Version one of the field notes: the heron nests by the lake.';
    const [first] = await add(engine, [file('notes.txt', v1)]);
    expect(first.stage).toBe('done');
    const [again] = await add(engine, [file('copy-of-notes.txt', v1)]);
    expect(again).toMatchObject({ stage: 'skipped', duplicateOf: { reason: 'same-content', name: 'notes.txt' } });
    expect(again.note).toMatch(/already in the library/i);
    // The same bytes in another collection are a different library: added there.
    const archive = await engine.createCollection('Archive');
    const [elsewhere] = await add(engine, [file('notes.txt', v1, { collection: archive.id })]);
    expect(elsewhere.stage).toBe('done');

    const v2 = 'Version two of the field notes: the heron left, an osprey nests by the lake.';
    const [asked] = await add(engine, [file('notes.txt', v2)]);
    expect(asked).toMatchObject({ stage: 'skipped', duplicateOf: { reason: 'same-name' } });
    const [replaced] = await add(engine, [file('notes.txt', v2, { onDuplicate: 'replace' })]);
    expect(replaced.stage).toBe('done');
    const inLibrary = (await engine.listDocuments()).filter((d) => d.collection === 'library');
    expect(inLibrary.map((d) => d.name)).toEqual(['notes.txt']);
    expect(
      (await engine.search('osprey', { mode: 'keyword', filter: { collections: ['library'] } })).results,
    ).toHaveLength(1);
    expect(
      (
        await engine.search('version one heron', { mode: 'hybrid', filter: { collections: ['library'] } })
      ).results.every((r) => /osprey/.test(r.text)),
    ).toBe(true);
  });

  it('a failure in the middle of a replacement leaves the old version whole', async () => {
    const db = 'lib-replace-fail';
    const engine = await open(db);
    const old = Array.from({ length: 80 }, (_, i) => `Old report ${i} about the glacier and its meltwater.`).join(
      '\n\n',
    );
    await add(engine, [file('report.txt', old)]);
    const before = (await engine.listDocuments())[0];
    const store = (engine as unknown as { library: { store: Store } }).library.store;
    const replaceDocument = store.replaceDocument.bind(store);
    store.replaceDocument = () => Promise.reject(new Error('disk full at the last moment'));
    const fresh = Array.from({ length: 80 }, (_, i) => `New report ${i} about the desert and its dunes.`).join('\n\n');
    const [result] = await add(engine, [file('report.txt', fresh, { onDuplicate: 'replace' })]);
    expect(result.stage).toBe('failed');
    const docs = await engine.listDocuments();
    const kept = docs.find((d) => d.id === before.id)!;
    expect(kept).toMatchObject({ status: 'ready', chunkCount: before.chunkCount });
    expect((await engine.search('glacier meltwater', { mode: 'keyword' })).results.length).toBeGreaterThan(0);
    expect(docs.find((d) => d.id !== before.id)?.status).toBe('failed'); // the new version waits for Retry
    // Retry with a working store completes the replacement.
    store.replaceDocument = replaceDocument;
    const failed = docs.find((d) => d.id !== before.id)!;
    expect((await engine.retryDocument(failed.id)).stage).toBe('done');
    expect((await engine.listDocuments()).map((d) => d.id)).toEqual([failed.id]);
    expect((await engine.search('glacier', { mode: 'keyword' })).results).toEqual([]);
    const reopened = await open(db);
    expect((await reopened.listDocuments()).map((d) => d.name)).toEqual(['report.txt']);
    expect((await reopened.search('desert dunes', { mode: 'keyword' })).results.length).toBeGreaterThan(0);
  });
});
