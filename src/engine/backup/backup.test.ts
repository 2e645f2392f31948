// The .trove format end to end on the real IndexedDB store code (fake-indexeddb): export -> import is
// lossless, and a damaged or foreign file is refused with nothing written.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { FlatIndex } from '../index/flat.ts';
import { seededRandom } from '../testing/hnsw-test-data.ts';
import { IndexedDbStore } from '../store/indexeddb-store.ts';
import type { Store } from '../store/store.ts';
import type { BackupModel } from './backup-types.ts';
import { importBackup, verifyBackup } from './read-backup.ts';
import { storeBackupSink, storeBackupSource } from './store-backup.ts';
import { writeSyntheticLibrary } from '../testing/synthetic-library.ts';
import { backupStream, backupToBlob, backupToBytes } from './write-backup.ts';
import type { BackupProgress } from '../api/backup.ts';

let dbCounter = 0;
const freshStore = () => IndexedDbStore.open(`backup-test-${++dbCounter}`);

/** Everything a store holds about its documents, keyed by position (ids may differ between stores). */
async function snapshot(store: Store, model: BackupModel) {
  const documents = (await store.listDocuments()).sort((a, b) => a.id - b.id);
  const terms = await store.allTerms();
  const vectorOf = new Map<number, Uint8Array>();
  for (const batch of await store.vectorBatches(model.fingerprint)) {
    batch.chunkIds.forEach((id, i) =>
      vectorOf.set(
        id,
        new Uint8Array(batch.vectors.buffer, batch.vectors.byteOffset + i * batch.dims * 4, batch.dims * 4).slice(),
      ),
    );
  }
  const out = [];
  for (const doc of documents) {
    const ids = terms
      .filter((t) => t.docId === doc.id)
      .map((t) => t.chunkId)
      .sort((a, b) => a - b);
    const chunks = (await store.getChunks(ids)).sort((a, b) => a.id - b.id);
    out.push({
      document: { ...doc, id: 0 },
      text: { ...(await store.getText(doc.id)), docId: 0 },
      chunks: chunks.map((c) => ({ ...c, id: 0, docId: 0, terms: terms.find((t) => t.chunkId === c.id)!.terms })),
      vectors: chunks.map((c) => vectorOf.get(c.id)),
    });
  }
  return out;
}

function flatOf(batches: Awaited<ReturnType<Store['vectorBatches']>>, dims: number): FlatIndex {
  const index = new FlatIndex(dims);
  for (const batch of batches) index.add(batch.chunkIds, batch.vectors);
  return index;
}

/** A library with gaps in its ids (a deleted document), a document still ingesting and a failed one. */
async function sampleLibrary() {
  const store = await freshStore();
  const { model } = await writeSyntheticLibrary(store, {
    documents: 6,
    chunksPerDocument: 45,
    dims: 24,
    seed: 7,
    batch: 10,
  });
  await store.deleteDocument(2);
  const pending = await store.createDocument(
    { name: 'half.txt', format: 'text', size: 5, addedAt: 5 },
    { text: 'hello', blocks: [] },
  );
  await store.addChunks(pending, [
    { text: 'hello', start: 0, end: 5, headingPath: [], tokenCount: 1, terms: ['hello'] },
  ]);
  // A document whose indexing failed keeps its status and reason (the app offers Retry).
  await store.updateDocument(4, {
    status: 'failed',
    error: { code: 'MODEL_FAILED', message: 'the model crashed' },
    attempts: 2,
  });
  return { store, model };
}

async function expectRefused(bytes: Uint8Array, pattern: RegExp) {
  const target = await freshStore();
  const keep = await target.createDocument(
    { name: 'mine.txt', format: 'text', size: 4, addedAt: 1 },
    { text: 'mine', blocks: [] },
  );
  const error = await importBackup(() => bytes, storeBackupSink(target), { fileName: 'lib.trove' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TroveError);
  expect((error as TroveError).code).toBe('IMPORT_INVALID');
  expect((error as TroveError).message).toMatch(/“lib\.trove” is not a valid Trove library/);
  expect((error as TroveError).message).toMatch(pattern);
  // Nothing written, the existing document untouched.
  expect((await target.listDocuments()).map((d) => d.id)).toEqual([keep]);
  expect((await target.allTerms()).length).toBe(0);
  target.close();
}

describe('.trove backup', () => {
  it('round-trips a library losslessly: byte-identical vectors, identical texts, chunks, terms and search results', async () => {
    const { store, model } = await sampleLibrary();
    const progress: BackupProgress[] = [];
    const bytes = await backupToBytes(storeBackupSource(store, { model, appVersion: '0.1.0' }), {
      onProgress: (p) => progress.push(p),
    });
    expect(progress.at(-1)).toMatchObject({ phase: 'export', documents: 6, chunks: 5 * 45 + 1, vectors: 5 * 45 });

    const manifest = await verifyBackup(bytes);
    expect(manifest).toMatchObject({ formatVersion: 1, model, counts: { documents: 6, chunks: 226, vectors: 225 } });

    const target = await freshStore();
    const sink = storeBackupSink(target);
    const phases = new Set<string>();
    await importBackup(() => bytes, sink, { onProgress: (p) => phases.add(p.phase) });
    expect([...phases]).toEqual(['verify', 'import']);
    expect(await snapshot(target, model)).toEqual(await snapshot(store, model));

    // Same search results through the id map (the deleted document left gaps, so ids were reassigned).
    expect([...sink.result.chunkIds].some(([from, to]) => from !== to)).toBe(true);
    const before = flatOf(await store.vectorBatches(model.fingerprint), model.dims);
    const after = flatOf(await target.vectorBatches(model.fingerprint), model.dims);
    const random = seededRandom(3);
    for (let q = 0; q < 10; q++) {
      const query = Float32Array.from({ length: model.dims }, () => random() - 0.5);
      const expected = before
        .search(query, 10)
        .map((hit) => ({ id: sink.result.chunkIds.get(hit.id), score: hit.score }));
      expect(after.search(query, 10)).toEqual(expected);
    }
    // The 'ingesting' document stays ingesting (the engine resumes it from its text); the failed one stays failed.
    expect((await target.listDocuments()).map((d) => d.status)).toEqual([
      'ready',
      'ready',
      'failed',
      'ready',
      'ready',
      'ingesting',
    ]);
  });

  it('exports one collection only, with tags, and imports it into another collection', async () => {
    const store = await freshStore();
    const { model } = await writeSyntheticLibrary(store, { documents: 4, chunksPerDocument: 5, dims: 8, seed: 2 });
    const text = { text: 'travel notes', blocks: [] };
    const travel = await store.createDocument(
      { name: 'trip.md', format: 'markdown', size: 12, addedAt: 3, collection: 'travel', tags: ['italy', 'rome'] },
      text,
    );
    await store.addChunks(
      travel,
      [{ text: 'travel notes', start: 0, end: 12, headingPath: [], tokenCount: 2, terms: ['travel', 'note'] }],
      {
        fingerprint: model.fingerprint,
        dims: 8,
        vectors: new Float32Array(8).fill(Math.SQRT1_2 / 2),
      },
    );
    await store.markReady(travel, 1);
    const collections = [{ id: 'travel', name: 'Travel', createdAt: 1 }];
    const bytes = await backupToBytes(storeBackupSource(store, { model, collection: 'travel', collections }));
    expect(await verifyBackup(bytes)).toMatchObject({
      collection: 'travel',
      collections,
      counts: { documents: 1, chunks: 1, vectors: 1 },
    });

    const target = await freshStore();
    await importBackup(() => bytes, storeBackupSink(target, { collection: 'restored' }));
    const [doc] = await target.listDocuments();
    expect(doc).toMatchObject({
      name: 'trip.md',
      collection: 'restored',
      tags: ['italy', 'rome'],
      status: 'ready',
      chunkCount: 1,
    });
    expect((await target.vectorBatches(model.fingerprint))[0].vectors).toEqual(
      new Float32Array(8).fill(Math.SQRT1_2 / 2),
    );
  });

  it('carries the persisted index pages in the file, and the import rebuilds the index rather than loading them', async () => {
    const store = await freshStore();
    const { model } = await writeSyntheticLibrary(store, { documents: 3, chunksPerDocument: 20, dims: 8, seed: 9 });
    const index = flatOf(await store.vectorBatches(model.fingerprint), model.dims);
    await store.writeIndexPages(model.fingerprint, index.allPages(), [], await store.vectorsVersion());
    const bytes = await backupToBytes(storeBackupSource(store, { model, includeIndex: true }));
    expect((await verifyBackup(bytes)).counts.indexPages).toBe(index.allPages().length);
    const target = await freshStore();
    await importBackup(() => bytes, storeBackupSink(target));
    expect(await target.readIndex(model.fingerprint)).toBeUndefined();
  });

  it('streams: a file cut into odd pieces reads the same as one buffer', async () => {
    const { store, model } = await sampleLibrary();
    const bytes = await backupToBytes(storeBackupSource(store, { model }));
    async function* pieces() {
      for (let offset = 0, size = 1; offset < bytes.length; offset += size, size = ((size * 7) % 997) + 1)
        yield bytes.slice(offset, offset + size);
    }
    const target = await freshStore();
    await importBackup(() => pieces(), storeBackupSink(target));
    expect(await snapshot(target, model)).toEqual(await snapshot(store, model));
  });

  it('writes to a Blob and a ReadableStream, and imports from a Blob (a File in the app)', async () => {
    const { store, model } = await sampleLibrary();
    const blob = await backupToBlob(storeBackupSource(store, { model }));
    const streamed = new Uint8Array(
      await new Response(backupStream(storeBackupSource(store, { model }))).arrayBuffer(),
    );
    expect(streamed.byteLength).toBe(blob.size);
    const target = await freshStore();
    const seen: BackupProgress[] = [];
    await importBackup(() => blob, storeBackupSink(target), { onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toMatchObject({ phase: 'import', bytes: blob.size, totalBytes: blob.size, documents: 6 });
    expect(await snapshot(target, model)).toEqual(await snapshot(store, model));
  });

  describe('refuses a damaged or foreign file and writes nothing', () => {
    let bytes: Uint8Array;
    const library = async () => {
      if (!bytes) {
        const { store, model } = await sampleLibrary();
        bytes = await backupToBytes(storeBackupSource(store, { model }));
      }
      return bytes;
    };
    const withByte = (source: Uint8Array, at: number, value: number) => {
      const copy = source.slice();
      copy[at] = value;
      return copy;
    };

    it('a flipped byte anywhere (a seeded sample of positions, the last section included)', async () => {
      const file = await library();
      const random = seededRandom(11);
      const positions = [
        16,
        30,
        file.length - 40,
        file.length - 1,
        ...Array.from({ length: 40 }, () => Math.floor(random() * file.length)),
      ];
      for (const at of positions) {
        const message = await verifyBackup(withByte(file, at, file[at] ^ 0x20)).then(
          () => 'accepted',
          (e: TroveError) => `${e.code}: ${e.message}`,
        );
        expect(message, `flip at byte ${at}`).toMatch(/^IMPORT_INVALID: /);
      }
      await expectRefused(
        withByte(file, Math.floor(file.length / 2), file[Math.floor(file.length / 2)] ^ 1),
        /checksum|damaged/,
      );
    });

    it('a truncated file, at the header, inside a section and before the end section', async () => {
      const file = await library();
      await expectRefused(file.subarray(0, 10), /truncated/);
      await expectRefused(file.subarray(0, Math.floor(file.length * 0.7)), /truncated/);
      await expectRefused(file.subarray(0, file.length - 1), /truncated/);
      await expectRefused(file.subarray(0, file.length - 44 - 32 - 8), /truncated/); // end section missing, roughly
    });

    it('another format version, another file type, trailing data', async () => {
      const file = await library();
      await expectRefused(withByte(file, 8, 2), /format version 2.*update Trove/);
      await expectRefused(new TextEncoder().encode('%PDF-1.7 not a library at all'), /signature/);
      await expectRefused(new Uint8Array(0), /signature/);
      const longer = new Uint8Array(file.length + 3);
      longer.set(file);
      await expectRefused(longer, /after its end section/);
    });

    it('a well-formed file whose content lies: wrong counts, vectors of the wrong dims', async () => {
      const store = await freshStore();
      const { model } = await writeSyntheticLibrary(store, { documents: 2, chunksPerDocument: 5, dims: 8, seed: 5 });
      const source = storeBackupSource(store, { model });
      const lying = {
        ...source,
        describe: async () => ({
          ...(await source.describe()),
          counts: { documents: 2, chunks: 10, vectors: 11, indexPages: 0 },
        }),
      };
      await expect(backupToBytes(lying)).rejects.toThrow(/changed during the export/);
      const wrongDims = {
        ...source,
        describe: async () => ({ ...(await source.describe()), model: { ...model, dims: 9 } }),
      };
      await expect(backupToBytes(wrongDims)).rejects.toThrow(/8 dims; the manifest says 9/);
    });
  });

  it('undoes a failed import (a store error mid-way) and leaves existing data as it was', async () => {
    const { store, model } = await sampleLibrary();
    const bytes = await backupToBytes(storeBackupSource(store, { model }));
    const target = await freshStore();
    const keep = await target.createDocument(
      { name: 'mine.txt', format: 'text', size: 4, addedAt: 1 },
      { text: 'mine', blocks: [] },
    );
    let calls = 0;
    const failing: Store = Object.create(target, {
      addVectors: {
        value: async (...args: Parameters<Store['addVectors']>) =>
          ++calls === 3 ? Promise.reject(new Error('disk full')) : target.addVectors(...args),
      },
    });
    await expect(importBackup(() => bytes, storeBackupSink(failing))).rejects.toThrow('disk full');
    expect((await target.listDocuments()).map((d) => d.id)).toEqual([keep]);
    expect(await target.allTerms()).toEqual([]);
    expect(await target.vectorBatches(model.fingerprint)).toEqual([]);
  });

  it('stops when cancelled', async () => {
    const { store, model } = await sampleLibrary();
    const controller = new AbortController();
    const writing = backupToBytes(storeBackupSource(store, { model }), {
      signal: controller.signal,
      onProgress: (p) => p.documents >= 2 && controller.abort(),
    });
    await expect(writing).rejects.toMatchObject({ code: 'CANCELLED' });

    // An import cancelled while writing undoes what it wrote.
    const bytes = await backupToBytes(storeBackupSource(store, { model }));
    const target = await freshStore();
    const importing = new AbortController();
    const run = importBackup(() => bytes, storeBackupSink(target), {
      signal: importing.signal,
      onProgress: (p) => p.phase === 'import' && p.documents >= 3 && importing.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await target.listDocuments()).toEqual([]);
    expect(await target.allTerms()).toEqual([]);
  });
});
