import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { IndexedDbStore } from './indexeddb-store.ts';
import type { NewChunk } from './store.ts';

const chunk = (text: string, start: number): NewChunk => ({
  text,
  start,
  end: start + text.length,
  headingPath: ['Intro'],
  tokenCount: text.split(' ').length,
  terms: text.toLowerCase().split(' '),
});

const newDoc = { name: 'a.md', format: 'markdown' as const, size: 10, addedAt: 1 };

describe('IndexedDbStore', () => {
  it('reserves ids the store never hands out again, and keeps them when written', async () => {
    const store = await IndexedDbStore.open('reserve-ids');
    const doc = { name: 'a', format: 'text' as const, size: 1, addedAt: 1 };
    const first = await store.createDocument(doc, { text: 'a', blocks: [] });
    const reserved = await store.reserveIds('documents', 3);
    expect(reserved).toBe(first + 1);
    expect(await store.listDocuments()).toHaveLength(1); // the placeholders are gone
    expect(await store.createDocument(doc, { text: 'b', blocks: [] })).toBe(reserved + 3);
    expect(await store.createDocument({ ...doc, id: reserved + 1 }, { text: 'c', blocks: [] })).toBe(reserved + 1);
    const chunkIds = await store.reserveIds('chunks', 2);
    const c = (start: number): NewChunk => ({
      text: 'x',
      start,
      end: start + 1,
      headingPath: [],
      tokenCount: 1,
      terms: [],
    });
    expect(
      await store.addChunks(first, [
        { ...c(0), id: chunkIds + 1 },
        { ...c(2), id: chunkIds },
      ]),
    ).toEqual([chunkIds + 1, chunkIds]);
    expect(await store.addChunks(first, [c(4)])).toEqual([chunkIds + 2]);
    expect(await store.vectorFingerprints()).toEqual([]);
    store.close();
  });

  it('writes chunks, terms and vectors together and reads them back after reopening', async () => {
    const store = await IndexedDbStore.open('t1');
    const docId = await store.createDocument(newDoc, { text: 'hello world. bye now', blocks: [] });
    const vectors = new Float32Array([1, 0, 0, 1]);
    const ids = await store.addChunks(docId, [chunk('hello world.', 0), chunk('bye now', 13)], {
      fingerprint: 'm1',
      dims: 2,
      vectors,
    });
    await store.markReady(docId, 2);
    store.close();

    const reopened = await IndexedDbStore.open('t1');
    const [doc] = await reopened.listDocuments();
    expect(doc).toMatchObject({ id: docId, status: 'ready', chunkCount: 2, name: 'a.md' });
    expect((await reopened.getChunks(ids)).map((c) => c.text)).toEqual(['hello world.', 'bye now']);
    expect(await reopened.allTerms()).toEqual([
      { chunkId: ids[0], docId, terms: ['hello', 'world.'] },
      { chunkId: ids[1], docId, terms: ['bye', 'now'] },
    ]);
    const [batch] = await reopened.vectorBatches('m1');
    expect(batch.vectors).toBeInstanceOf(Float32Array);
    expect(Array.from(batch.vectors)).toEqual([1, 0, 0, 1]);
    expect(Array.from(batch.chunkIds)).toEqual(ids);
    expect(await reopened.vectorBatches('other-model')).toEqual([]);
    expect((await reopened.getText(docId))?.text).toBe('hello world. bye now');
    reopened.close();
  });

  it('writes nothing of a batch whose vectors do not match its chunks', async () => {
    const store = await IndexedDbStore.open('t2');
    const docId = await store.createDocument(newDoc, { text: 'x', blocks: [] });
    await expect(
      store.addChunks(docId, [chunk('a b', 0)], { fingerprint: 'm', dims: 2, vectors: new Float32Array(3) }),
    ).rejects.toBeInstanceOf(TroveError);
    expect(await store.allTerms()).toEqual([]);
    expect(await store.vectorBatches('m')).toEqual([]);
  });

  it('rolls back the whole batch when one write fails inside the transaction', async () => {
    const store = await IndexedDbStore.open('t3');
    const docId = await store.createDocument(newDoc, { text: 'x', blocks: [] });
    // A function cannot be cloned into IndexedDB: the second chunk's write fails after the first succeeded.
    const bad = { ...chunk('b', 2), headingPath: [(() => 1) as unknown as string] };
    await expect(store.addChunks(docId, [chunk('a', 0), bad])).rejects.toBeInstanceOf(TroveError);
    expect(await store.allTerms()).toEqual([]);
  });

  it('writes a batch of whole documents in one transaction with one change-log entry naming each', async () => {
    const store = await IndexedDbStore.open('t-whole');
    const before = await store.libraryVersion();
    const vectorsBefore = await store.vectorsVersion();
    const written = await store.addDocuments([
      {
        doc: { ...newDoc, name: 'a.md' },
        text: { text: 'alpha one', blocks: [] },
        chunks: [chunk('alpha one', 0)],
        vectors: { fingerprint: 'm1', dims: 2, vectors: new Float32Array([1, 0]) },
        original: { name: 'a.md', type: 'text/markdown', bytes: new ArrayBuffer(3) },
      },
      { doc: { ...newDoc, name: 'b.md' }, text: { text: 'beta two', blocks: [] }, chunks: [chunk('beta two', 0)] },
    ]);
    expect(written.map((w) => w.chunkIds.length)).toEqual([1, 1]);
    expect(await store.libraryVersion()).toBe(before + 1);
    expect(await store.vectorsVersion()).toBe(vectorsBefore + 1);
    expect(await store.changesSince(before)).toEqual({
      version: before + 1,
      docIds: written.map((w) => w.docId),
      settings: false,
    });
    const docs = await store.listDocuments();
    expect(docs.map((d) => [d.name, d.status, d.chunkCount])).toEqual([
      ['a.md', 'ready', 1],
      ['b.md', 'ready', 1],
    ]);
    expect(await store.originalIds()).toEqual([written[0].docId]);
    expect((await store.vectorBatchesOf(written[0].docId, 'm1'))[0].chunkIds).toEqual(
      Uint32Array.from(written[0].chunkIds),
    );
  });

  it('keeps nothing of a batch of whole documents when one of them cannot be written', async () => {
    const store = await IndexedDbStore.open('t-whole-abort');
    const before = await store.libraryVersion();
    const bad = { ...chunk('b', 0), headingPath: [(() => 1) as unknown as string] };
    await expect(
      store.addDocuments([
        { doc: newDoc, text: { text: 'a', blocks: [] }, chunks: [chunk('a', 0)] },
        { doc: { ...newDoc, name: 'bad.md' }, text: { text: 'b', blocks: [] }, chunks: [bad] },
      ]),
    ).rejects.toBeInstanceOf(TroveError);
    expect(await store.listDocuments()).toEqual([]);
    expect(await store.allTerms()).toEqual([]);
    expect(await store.libraryVersion()).toBe(before);
  });

  it('deletes a document with all its chunks, terms and vectors', async () => {
    const store = await IndexedDbStore.open('t4');
    const keep = await store.createDocument(newDoc, { text: 'k', blocks: [] });
    const gone = await store.createDocument({ ...newDoc, name: 'b.md' }, { text: 'g', blocks: [] });
    const vec = { fingerprint: 'm', dims: 1, vectors: new Float32Array([1]) };
    const [keptChunk] = await store.addChunks(keep, [chunk('keep me', 0)], vec);
    const [goneChunk] = await store.addChunks(gone, [chunk('drop me', 0)], vec);
    await store.deleteDocument(gone);
    expect((await store.listDocuments()).map((d) => d.id)).toEqual([keep]);
    expect(await store.getChunks([keptChunk, goneChunk])).toHaveLength(1);
    expect((await store.allTerms()).map((t) => t.chunkId)).toEqual([keptChunk]);
    expect((await store.vectorBatches('m')).map((b) => b.docId)).toEqual([keep]);
    expect(await store.getText(gone)).toBeUndefined();
  });

  it('clearChunks keeps the document and its text for a resumed ingest', async () => {
    const store = await IndexedDbStore.open('t5');
    const docId = await store.createDocument(newDoc, { text: 'abc', blocks: [] });
    await store.addChunks(docId, [chunk('abc', 0)]);
    await store.clearChunks(docId);
    expect(await store.allTerms()).toEqual([]);
    expect((await store.listDocuments())[0]).toMatchObject({ status: 'ingesting', chunkCount: 0 });
    expect((await store.getText(docId))?.text).toBe('abc');
  });

  it('keeps settings', async () => {
    const store = await IndexedDbStore.open('t6');
    await store.putSetting('s', { a: 1 });
    store.close();
    expect(await (await IndexedDbStore.open('t6')).getSetting('s')).toEqual({ a: 1 });
  });

  it('bumps the vectors version with every vector change, in the same transaction', async () => {
    const store = await IndexedDbStore.open('t7');
    expect(await store.vectorsVersion()).toBe(0);
    const docId = await store.createDocument(newDoc, { text: 'x', blocks: [] });
    await store.addChunks(docId, [chunk('no vectors', 0)]);
    expect(await store.vectorsVersion()).toBe(0);
    const [id] = await store.addChunks(docId, [chunk('with vectors', 0)], {
      fingerprint: 'm',
      dims: 1,
      vectors: new Float32Array([1]),
    });
    expect(await store.vectorsVersion()).toBe(1);
    await store.addVectors({
      docId,
      fingerprint: 'm',
      dims: 1,
      chunkIds: Uint32Array.of(id),
      vectors: new Float32Array([1]),
    });
    expect(await store.vectorsVersion()).toBe(2);
    await store.deleteDocument(docId);
    expect(await store.vectorsVersion()).toBe(3);
  });

  it('persists index pages per set, replaces and removes pages, and records their version', async () => {
    const store = await IndexedDbStore.open('t8');
    expect(await store.readIndex('fp')).toBeUndefined();
    await store.writeIndexPages(
      'fp',
      [
        { name: 'meta', bytes: Uint8Array.of(1) },
        { name: 'vec/0', bytes: Uint8Array.of(2, 3) },
      ],
      [],
      7,
    );
    await store.writeIndexPages('other', [{ name: 'meta', bytes: Uint8Array.of(9) }], [], 1);
    await store.writeIndexPages(
      'fp',
      [
        { name: 'meta', bytes: Uint8Array.of(4) },
        { name: 'vec/1', bytes: Uint8Array.of(5) },
      ],
      ['vec/0'],
      8,
    );
    const stored = await store.readIndex('fp');
    expect(stored?.version).toBe(8);
    const pages = Object.fromEntries(stored!.pages.map((p) => [p.name, Array.from(p.bytes)]));
    expect(pages).toEqual({ meta: [4], 'vec/1': [5] });
    await store.deleteIndex('fp');
    expect(await store.readIndex('fp')).toBeUndefined();
    expect((await store.readIndex('other'))?.pages).toHaveLength(1);
  });
});
