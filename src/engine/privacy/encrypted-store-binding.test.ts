// Sealed records are bound to their place: a record swapped or moved on disk (another document's name, another
// chunk's text, another batch's vectors) is refused as damaged, never shown as if it belonged there.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IndexedDbStore } from '../store/indexeddb-store.ts';
import type { NewChunk, Store } from '../store/store.ts';
import { EncryptedStore } from './encrypted-store.ts';

const PASS = 'a long and private passphrase';
const DIMS = 4;

const chunk = (text: string, start: number): NewChunk => ({
  text,
  start,
  end: start + text.length,
  headingPath: [],
  tokenCount: 2,
  terms: text.split(' '),
});

async function addDocument(store: Store, name: string, tags: string[]): Promise<number> {
  return store.createDocument(
    { name, format: 'text', size: 10, addedAt: 1, title: `Title of ${name}`, tags },
    { text: `text of ${name}`, blocks: [] },
  );
}

/** Swaps one field of two rows of an object store, directly in the database (as someone with the disk could). */
async function swapField(db: string, storeName: string, keys: [IDBValidKey, IDBValidKey], field: string) {
  const database = await new Promise<IDBDatabase>((resolve) => {
    const r = indexedDB.open(db);
    r.onsuccess = () => resolve(r.result);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = database.transaction(storeName, 'readwrite');
    const store = tx.objectStore(storeName);
    const a = store.get(keys[0]);
    const b = store.get(keys[1]);
    b.onsuccess = () => {
      const [rowA, rowB] = [a.result as Record<string, unknown>, b.result as Record<string, unknown>];
      [rowA[field], rowB[field]] = [rowB[field], rowA[field]];
      store.put(rowA);
      store.put(rowB);
    };
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  database.close();
}

async function rowCount(db: string, storeName: string): Promise<number> {
  const database = await new Promise<IDBDatabase>((resolve) => {
    const r = indexedDB.open(db);
    r.onsuccess = () => resolve(r.result);
  });
  const count = await new Promise<number>((resolve) => {
    const r = database.transaction(storeName).objectStore(storeName).count();
    r.onsuccess = () => resolve(r.result);
  });
  database.close();
  return count;
}

async function vectorRowKeys(db: string): Promise<IDBValidKey[]> {
  const database = await new Promise<IDBDatabase>((resolve) => {
    const r = indexedDB.open(db);
    r.onsuccess = () => resolve(r.result);
  });
  const keys = await new Promise<IDBValidKey[]>((resolve) => {
    const r = database.transaction('vectors').objectStore('vectors').getAllKeys();
    r.onsuccess = () => resolve(r.result);
  });
  database.close();
  return keys;
}

const reopen = async (db: string) => EncryptedStore.unlock(await IndexedDbStore.open(db), PASS);

describe('sealed records are bound to their document, chunk, kind and field', () => {
  it('refuses two documents whose sealed names were swapped on disk, and keeps both', async () => {
    const db = 'bind-names';
    const store = await EncryptedStore.create(await IndexedDbStore.open(db), PASS);
    const a = await addDocument(store, 'alpha.txt', ['red']);
    const b = await addDocument(store, 'beta.txt', ['blue']);
    const c = await addDocument(store, 'gamma.txt', ['green']);
    store.close();
    await swapField(db, 'documents', [a, b], 'name');

    const reopened = await reopen(db);
    const docs = await reopened.listDocuments();
    const byId = new Map(docs.map((d) => [d.id, d]));
    for (const id of [a, b]) {
      expect(byId.get(id)).toMatchObject({ status: 'failed', error: { code: 'DECRYPT_FAILED' } });
      expect(byId.get(id)!.error!.message).toMatch(/integrity check/);
      expect(['alpha.txt', 'beta.txt']).not.toContain(byId.get(id)!.name);
    }
    // The untouched document still reads, and nothing was deleted.
    expect(byId.get(c)).toMatchObject({ name: 'gamma.txt', title: 'Title of gamma.txt', tags: ['green'] });
    expect(await reopened.getDocument(a)).toMatchObject({ status: 'failed' });
    reopened.close();
    expect(await rowCount(db, 'documents')).toBe(3);
  });

  it('refuses two documents whose sealed tags were swapped on disk', async () => {
    const db = 'bind-tags';
    const store = await EncryptedStore.create(await IndexedDbStore.open(db), PASS);
    const a = await addDocument(store, 'alpha.txt', ['red']);
    const b = await addDocument(store, 'beta.txt', ['blue']);
    store.close();
    await swapField(db, 'documents', [a, b], 'tags');

    const reopened = await reopen(db);
    for (const id of [a, b]) {
      const doc = await reopened.getDocument(id);
      expect(doc).toMatchObject({ status: 'failed', error: { code: 'DECRYPT_FAILED' } });
      expect(doc!.tags ?? []).toEqual([]);
    }
    reopened.close();
  });

  it('refuses two documents whose sealed texts were swapped on disk', async () => {
    const db = 'bind-texts';
    const store = await EncryptedStore.create(await IndexedDbStore.open(db), PASS);
    const a = await addDocument(store, 'alpha.txt', []);
    const b = await addDocument(store, 'beta.txt', []);
    store.close();
    await swapField(db, 'texts', [a, b], 'text');

    const reopened = await reopen(db);
    await expect(reopened.getText(a)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    expect(await reopened.getDocument(a)).toMatchObject({ status: 'failed', error: { code: 'DECRYPT_FAILED' } });
    reopened.close();
  });

  it('refuses two chunks whose sealed texts and terms were swapped on disk', async () => {
    const db = 'bind-chunks';
    const store = await EncryptedStore.create(await IndexedDbStore.open(db), PASS);
    const docId = await addDocument(store, 'alpha.txt', []);
    const ids = await store.addChunks(docId, [chunk('first words', 0), chunk('second words', 12), chunk('third', 25)]);
    await store.markReady(docId, 3);
    store.close();
    await swapField(db, 'chunks', [ids[0], ids[1]], 'text');
    await swapField(db, 'terms', [ids[0], ids[1]], 'terms');

    const reopened = await reopen(db);
    const chunks = await reopened.getChunks(ids);
    expect(chunks.map((c) => [c.id, c.text])).toEqual([[ids[2], 'third']]);
    expect((await reopened.allTerms()).map((t) => [t.chunkId, t.terms])).toEqual([[ids[2], ['third']]]);
    expect(await reopened.getDocument(docId)).toMatchObject({ status: 'failed', error: { code: 'DECRYPT_FAILED' } });
    reopened.close();
    expect(await rowCount(db, 'chunks')).toBe(3);
  });

  it('refuses two vector batches whose vectors were swapped on disk', async () => {
    const db = 'bind-vectors';
    const store = await EncryptedStore.create(await IndexedDbStore.open(db), PASS);
    const docId = await addDocument(store, 'alpha.txt', []);
    const one = Float32Array.from([1, 0, 0, 0]);
    const two = Float32Array.from([0, 1, 0, 0]);
    await store.addChunks(docId, [chunk('first', 0)], { fingerprint: 'm', dims: DIMS, vectors: one });
    await store.addChunks(docId, [chunk('second', 6)], { fingerprint: 'm', dims: DIMS, vectors: two });
    await store.markReady(docId, 2);
    store.close();
    const keys = await vectorRowKeys(db);
    await swapField(db, 'vectors', [keys[0], keys[1]], 'vectors');

    const reopened = await reopen(db);
    expect(await reopened.vectorBatches('m')).toEqual([]);
    expect(await reopened.getDocument(docId)).toMatchObject({ status: 'failed', error: { code: 'DECRYPT_FAILED' } });
    reopened.close();
    expect(await rowCount(db, 'vectors')).toBe(2);
  });

  it('refuses a vector batch whose chunk ids were swapped with another batch on disk', async () => {
    const db = 'bind-vector-ids';
    const store = await EncryptedStore.create(await IndexedDbStore.open(db), PASS);
    const docId = await addDocument(store, 'alpha.txt', []);
    await store.addChunks(docId, [chunk('first', 0)], { fingerprint: 'm', dims: DIMS, vectors: new Float32Array(4) });
    await store.addChunks(docId, [chunk('second', 6)], { fingerprint: 'm', dims: DIMS, vectors: new Float32Array(4) });
    store.close();
    const keys = await vectorRowKeys(db);
    await swapField(db, 'vectors', [keys[0], keys[1]], 'chunkIds');

    const reopened = await reopen(db);
    expect(await reopened.vectorBatchesOf(docId, 'm')).toEqual([]);
    reopened.close();
  });
});
