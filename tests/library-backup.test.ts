// Backup and restore through the engine API: export → import into an empty library is lossless (byte-identical
// vectors, identical results in every mode); a corrupt, mismatched, oversized or cancelled import changes nothing.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput, SearchResponse } from '../src/engine/api/index.ts';
import type { Embedder } from '../src/engine/embed/embedder.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine, type EngineDependencies } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import type { StorageEstimate } from '../src/engine/api/index.ts';

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

/** The glove model under another fingerprint: a library "made with another model". */
function otherModel(embedder: Embedder): Embedder {
  return new Proxy(embedder, {
    get(target, key) {
      if (key === 'fingerprint') return 'other-model|fp32|50|mean';
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function open(db: string, extra: Partial<EngineDependencies> & { other?: boolean } = {}) {
  const { other, ...deps } = extra;
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: async (options) => {
      const embedder = await loadTransformersEmbedder({ ...options, device: 'auto' });
      return other ? otherModel(embedder) : embedder;
    },
    libraryName: db,
    ...deps,
  });
  await engine.init(fixtureSettings);
  await engine.loadModel();
  return engine;
}

const topics = [
  'rivers and lakes',
  'mountain weather',
  'garden vegetables',
  'ocean tides',
  'forest birds',
  'city traffic',
];
/** A seeded library: two collections, several passages per document, tags. */
async function sampleLibrary(db: string) {
  const engine = await open(db);
  const work = await engine.createCollection('Work');
  const files = topics.map((topic, i) =>
    file(
      `${topic.replace(/ /g, '-')}.txt`,
      Array.from(
        { length: 8 },
        (_, p) => `Paragraph ${p} about ${topic}: notes on ${topic} number ${(i * 31 + p * 7) % 13}.`,
      ).join('\n\n'),
      i % 2 === 1 ? { collection: work.id } : {},
    ),
  );
  for (const f of files) await engine.ingest([f], () => undefined);
  const docs = await engine.listDocuments();
  await engine.setTags(
    docs.filter((d) => d.name.includes('r')).map((d) => d.id),
    ['keep', 'review'],
    'set',
  );
  return engine;
}

const queries = ['river water', 'weather in the mountains', 'tides', 'birds of the forest', 'traffic notes 5'];
/** The id of the sample library's “Work” collection (ids are random; an import keeps them), if it has one. */
const workId = async (engine: TroveEngine) =>
  (await engine.listCollections()).find((c) => c.name === 'Work')?.id ?? 'no-work-collection';
async function answers(engine: TroveEngine) {
  const work = await workId(engine);
  const out: Array<Array<[string, string, number | undefined, number | undefined]>> = [];
  for (const query of queries) {
    for (const mode of ['keyword', 'semantic', 'hybrid'] as const) {
      for (const filter of [undefined, { collections: [work] }, { tags: ['keep'] }]) {
        const response: SearchResponse = await engine.search(query, { mode, k: 10, filter });
        expect(response.mode).toBe(mode);
        out.push(response.results.map((r) => [r.documentName, r.text, r.scores.bm25, r.scores.cosine]));
      }
    }
  }
  return out;
}

/** Every vector of the model, per document name and chunk position, as bytes. */
async function vectorBytes(db: string, fingerprint: string): Promise<Map<string, Uint8Array>> {
  const store = await IndexedDbStore.open(db, { onStale: () => undefined });
  const out = new Map<string, Uint8Array>();
  for (const doc of await store.listDocuments()) {
    const order = (await store.chunksOf(doc.id)).map((c) => c.id).sort((a, b) => a - b);
    const rows = new Map<number, Float32Array>();
    for (const batch of await store.vectorBatchesOf(doc.id, fingerprint)) {
      batch.chunkIds.forEach((id, i) => rows.set(id, batch.vectors.slice(i * batch.dims, (i + 1) * batch.dims)));
    }
    const all = new Float32Array(order.length * 50);
    order.forEach((id, i) => all.set(rows.get(id)!, i * 50));
    expect(rows.size).toBe(order.length);
    out.set(doc.name, new Uint8Array(all.buffer));
  }
  store.close();
  return out;
}

const summary = async (engine: TroveEngine) =>
  (await engine.listDocuments())
    .map((d) => [d.name, d.collection, d.tags, d.chunkCount, d.sha256, d.status, d.embedded])
    .sort();

describe('export → import through the engine', () => {
  it('is lossless: same documents, collections, tags, byte-identical vectors and identical results in every mode', async () => {
    const source = await sampleLibrary('bk-source');
    const progress: string[] = [];
    const blob = await source.exportLibrary({}, (p) => progress.push(p.phase));
    expect(progress.length).toBeGreaterThan(0);
    expect(blob.size).toBeGreaterThan(0);

    const target = await open('bk-target');
    const result = await target.importLibrary(blob, { fileName: 'all.trove' });
    expect(result).toMatchObject({
      documents: topics.length,
      reembedding: false,
      createdCollections: [await workId(source)],
    });
    expect(await summary(target)).toEqual(await summary(source));
    expect((await target.listCollections()).map((c) => [c.id, c.name, c.documents])).toEqual(
      (await source.listCollections()).map((c) => [c.id, c.name, c.documents]),
    );
    expect(await answers(target)).toEqual(await answers(source));
    expect((await target.stats()).vectors).toBe((await source.stats()).vectors);
    const fingerprint = 'trove/glove-50d-static@local|fp32|50|mean';
    const [a, b] = [await vectorBytes('bk-source', fingerprint), await vectorBytes('bk-target', fingerprint)];
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, bytes] of a) expect(Buffer.from(b.get(name)!).equals(Buffer.from(bytes))).toBe(true);
    // A fresh engine on the imported library (a reload) answers the same.
    expect(await answers(await open('bk-target'))).toEqual(await answers(source));
  });

  it('exports one collection, and imports it into a chosen collection', async () => {
    const source = await sampleLibrary('bk-one-source');
    const blob = await source.exportLibrary({ collection: await workId(source) });
    const target = await open('bk-one-target');
    const notes = await target.createCollection('Notes');
    const result = await target.importLibrary(blob, { collection: notes.id });
    expect(result.documents).toBe(3);
    expect((await target.listDocuments()).every((d) => d.collection === notes.id)).toBe(true);
    const inSource = await source.search('ocean tides', {
      mode: 'hybrid',
      filter: { collections: [await workId(source)] },
    });
    const inTarget = await target.search('ocean tides', { mode: 'hybrid', filter: { collections: [notes.id] } });
    expect(inTarget.results.map((r) => r.text)).toEqual(inSource.results.map((r) => r.text));
    await expect(source.exportLibrary({ collection: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('a refused import leaves the library untouched', () => {
  it('refuses a corrupt file (one flipped byte) with IMPORT_INVALID', async () => {
    const source = await sampleLibrary('bk-corrupt-source');
    const bytes = new Uint8Array(await (await source.exportLibrary()).arrayBuffer());
    const target = await open('bk-corrupt-target');
    await target.ingest([file('mine.txt', 'My own notes about rivers and boats.')], () => undefined);
    const before = [await summary(target), await answers(target)];
    for (const at of [Math.floor(bytes.length / 2), bytes.length - 10, 40]) {
      const broken = bytes.slice();
      broken[at] ^= 0xff;
      await expect(target.importLibrary(new Blob([broken]), { fileName: 'broken.trove' })).rejects.toMatchObject({
        code: 'IMPORT_INVALID',
      });
    }
    await expect(target.importLibrary(new Blob([bytes.slice(0, bytes.length - 100)]))).rejects.toMatchObject({
      code: 'IMPORT_INVALID',
    });
    expect([await summary(target), await answers(target)]).toEqual(before);
    expect((await target.listCollections()).map((c) => c.id)).toEqual(['library']);
  });

  it('refuses vectors of another model with MODEL_MISMATCH, or re-embeds them when asked', async () => {
    const source = await sampleLibrary('bk-model-source');
    const blob = await source.exportLibrary();
    const target = await open('bk-model-target', { other: true });
    await target.ingest([file('mine.txt', 'My own notes about rivers and boats.')], () => undefined);
    const before = await summary(target);
    const refusal = target.importLibrary(blob, { fileName: 'lib.trove' });
    await expect(refusal).rejects.toMatchObject({ code: 'MODEL_MISMATCH' });
    await expect(refusal).rejects.toThrow(/lib\.trove was made with the model/);
    expect(await summary(target)).toEqual(before);

    const result = await target.importLibrary(blob, { onModelMismatch: 're-embed' });
    expect(result.reembedding).toBe(true);
    expect((await target.listDocuments()).length).toBe(topics.length + 1);
    // Keyword search works at once; the passages get vectors of the model in use.
    expect((await target.search('tides', { mode: 'keyword' })).results[0].documentName).toBe('ocean-tides.txt');
    for (let i = 0; i < 100 && (await target.modelStatus()).pendingVectors > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await target.modelStatus()).pendingVectors).toBe(0);
    expect((await target.search('ocean tides', { mode: 'semantic' })).results[0].documentName).toBe('ocean-tides.txt');
  });

  it('refuses a file that would not fit in the storage left, with STORAGE_FULL', async () => {
    const source = await sampleLibrary('bk-space-source');
    const blob = await source.exportLibrary();
    let estimate: StorageEstimate = { usage: 1_000_000, quota: 1_000_000 + blob.size, persisted: false };
    const target = await open('bk-space-target', { storage: async () => estimate });
    expect(await target.storageStatus()).toMatchObject({ known: true, available: blob.size, persisted: false });
    await expect(target.importLibrary(blob)).rejects.toMatchObject({ code: 'STORAGE_FULL' });
    expect(await target.listDocuments()).toEqual([]);
    estimate = { usage: 0, quota: 1e9 };
    await target.importLibrary(blob);
    expect((await target.listDocuments()).length).toBe(topics.length);
    // Without a probe, space is not known and nothing is refused for it.
    // (The status also counts kept originals since issue 13; the browser's part is only known: false.)
    const status = await source.storageStatus();
    expect(status).toMatchObject({ known: false });
    expect([status.usage, status.quota, status.available]).toEqual([undefined, undefined, undefined]);
  });

  it('undoes a cancelled import', async () => {
    const source = await sampleLibrary('bk-cancel-source');
    const blob = await source.exportLibrary();
    const target = await open('bk-cancel-target');
    const run = target.importLibrary(blob, { jobId: 'imp-1' }, (p) => {
      if (p.phase === 'import' && p.documents >= 2) void target.cancelBackup('imp-1');
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await target.listDocuments()).toEqual([]);
    expect((await target.listCollections()).map((c) => c.id)).toEqual(['library']);
    expect((await target.search('tides', { mode: 'keyword' })).results).toEqual([]);
  });
});
