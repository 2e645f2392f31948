import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { IndexedDbStore } from '../store/indexeddb-store.ts';
import type { NewChunk, Store } from '../store/store.ts';
import { EncryptedStore, LOCK_SETTING } from './encrypted-store.ts';

const CANARY = 'zebracanary7f3a';
const PASS = 'a long and private passphrase';
const DIMS = 8;
// Distinctive floats (no run of zero bytes), so their byte pattern cannot appear by chance.
const VECTORS = Float32Array.from({ length: 2 * DIMS }, (_, i) => 0.1234567 + i * 0.0312345);

const chunk = (text: string, start: number): NewChunk => ({
  text,
  start,
  end: start + text.length,
  headingPath: [`Heading ${CANARY}`],
  tokenCount: 3,
  terms: text.toLowerCase().split(' '),
});

/** Writes a small library with the canary everywhere a user's content can go. */
async function fill(store: Store): Promise<{ docId: number; ids: number[] }> {
  const text = `Intro ${CANARY} one. Second ${CANARY} two.`;
  const docId = await store.createDocument(
    {
      name: `${CANARY}.md`,
      format: 'markdown',
      size: text.length,
      addedAt: 1,
      title: `Title ${CANARY}`,
      warnings: [`warn ${CANARY}`],
    },
    { text, blocks: [{ start: 0, end: text.length, kind: 'paragraph' }] },
  );
  // A table row's metadata fields are content too.
  const row = { ...chunk(`Intro ${CANARY} one.`, 0), row: 1, fields: { note: `field ${CANARY}`, year: 1934 } };
  const ids = await store.addChunks(docId, [row, chunk(`Second ${CANARY} two.`, 21)], {
    fingerprint: 'glove',
    dims: DIMS,
    vectors: VECTORS,
  });
  await store.markReady(docId, 2);
  // An index page holding the raw vectors, as a flat index page would.
  await store.writeIndexPages('glove', [{ name: 'vectors/0', bytes: new Uint8Array(VECTORS.buffer.slice(0)) }], [], 1);
  return { docId, ids };
}

/** Every value of every object store of a database, as bytes (strings both as UTF-8 and UTF-16LE). */
async function dumpDatabase(name: string): Promise<Uint8Array> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const parts: Uint8Array[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      parts.push(new TextEncoder().encode(value), new Uint8Array(Buffer.from(value, 'utf16le')));
    } else if (typeof value === 'number') {
      parts.push(new Uint8Array(new Float64Array([value]).buffer));
    } else if (ArrayBuffer.isView(value)) {
      parts.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice());
    } else if (value instanceof ArrayBuffer) {
      parts.push(new Uint8Array(value.slice(0)));
    } else if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        walk(key);
        walk(inner);
      }
    }
  };
  for (const storeName of Array.from(db.objectStoreNames)) {
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      const request = db.transaction(storeName).objectStore(storeName).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    walk(rows);
  }
  db.close();
  return new Uint8Array(Buffer.concat(parts));
}

async function rawRows(name: string, storeName: string): Promise<unknown[]> {
  const db = await new Promise<IDBDatabase>((resolve) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => resolve(r.result);
  });
  const rows = await new Promise<unknown[]>((resolve) => {
    const r = db.transaction(storeName).objectStore(storeName).getAll();
    r.onsuccess = () => resolve(r.result);
  });
  db.close();
  return rows;
}

const contains = (haystack: Uint8Array, needle: Uint8Array) => Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;

/** Whether any two consecutive floats of VECTORS appear, as bytes, in the dump. */
const hasVectorPattern = (dump: Uint8Array) => {
  const bytes = new Uint8Array(VECTORS.buffer);
  for (let i = 0; i + 8 <= bytes.length; i += 4) if (contains(dump, bytes.subarray(i, i + 8))) return true;
  return false;
};
const hasCanary = (dump: Uint8Array) =>
  contains(dump, new TextEncoder().encode(CANARY)) || contains(dump, new Uint8Array(Buffer.from(CANARY, 'utf16le')));

/** Records which methods of a store are called. */
function spy(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return value.apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error instanceof TroveError ? error.code : String(error);
  }
  return 'resolved';
};

describe('EncryptedStore over IndexedDbStore', () => {
  let written: { docId: number; ids: number[] };

  beforeAll(async () => {
    const store = await EncryptedStore.create(await IndexedDbStore.open('enc-main'), PASS);
    written = await fill(store);
    store.close();
  });

  it('control: a plain store dump does show the canary and the vector bytes (so the check below can fail)', async () => {
    const plain = await IndexedDbStore.open('plain-control');
    await fill(plain);
    plain.close();
    const dump = await dumpDatabase('plain-control');
    expect(hasCanary(dump)).toBe(true);
    expect(hasVectorPattern(dump)).toBe(true);
  });

  it('leaves no canary phrase and no float pattern of a known vector in any object store', async () => {
    const dump = await dumpDatabase('enc-main');
    expect(dump.length).toBeGreaterThan(1000);
    expect(hasCanary(dump)).toBe(false);
    expect(hasVectorPattern(dump)).toBe(false);
  });

  it('reads everything back after reopening and unlocking', async () => {
    const store = await EncryptedStore.unlock(await IndexedDbStore.open('enc-main'), PASS);
    const [doc] = await store.listDocuments();
    expect(doc).toMatchObject({
      id: written.docId,
      name: `${CANARY}.md`,
      title: `Title ${CANARY}`,
      warnings: [`warn ${CANARY}`],
      status: 'ready',
      chunkCount: 2,
      format: 'markdown',
    });
    const text = await store.getText(written.docId);
    expect(text?.text).toBe(`Intro ${CANARY} one. Second ${CANARY} two.`);
    expect(text?.blocks).toEqual([{ start: 0, end: text!.text.length, kind: 'paragraph' }]);
    const chunks = await store.getChunks(written.ids);
    expect(chunks.map((c) => [c.text, c.headingPath, c.start, c.docId])).toEqual([
      [`Intro ${CANARY} one.`, [`Heading ${CANARY}`], 0, written.docId],
      [`Second ${CANARY} two.`, [`Heading ${CANARY}`], 21, written.docId],
    ]);
    expect(chunks.map((c) => [c.row, c.fields])).toEqual([
      [1, { note: `field ${CANARY}`, year: 1934 }],
      [undefined, undefined],
    ]);
    expect(await store.allTerms()).toEqual([
      { chunkId: written.ids[0], docId: written.docId, terms: ['intro', CANARY, 'one.'] },
      { chunkId: written.ids[1], docId: written.docId, terms: ['second', CANARY, 'two.'] },
    ]);
    const [batch] = await store.vectorBatches('glove');
    expect(batch.dims).toBe(DIMS);
    expect(Array.from(batch.chunkIds)).toEqual(written.ids);
    expect(Array.from(batch.vectors)).toEqual(Array.from(VECTORS));
    const index = await store.readIndex('glove');
    expect(index?.version).toBe(1);
    expect(Array.from(new Float32Array(index!.pages[0].bytes.slice().buffer))).toEqual(Array.from(VECTORS));
    expect(await store.vectorsVersion()).toBeGreaterThan(0);
    store.close();
  });

  it('refuses a wrong passphrase having read only the key record', async () => {
    const { store: inner, calls } = spy(await IndexedDbStore.open('enc-main'));
    expect(await codeOf(EncryptedStore.unlock(inner, 'not the passphrase'))).toBe('WRONG_PASSPHRASE');
    expect(calls).toEqual(['getSetting']);
    inner.close();
  });

  it('answers nothing once locked', async () => {
    const store = await EncryptedStore.unlock(await IndexedDbStore.open('enc-main'), PASS);
    store.lock();
    expect(store.locked).toBe(true);
    expect(await codeOf(store.listDocuments())).toBe('LOCKED');
    expect(await codeOf(store.getChunks(written.ids))).toBe('LOCKED');
    expect(await codeOf(store.vectorBatches('glove'))).toBe('LOCKED');
    expect(await codeOf(store.deleteDocument(written.docId))).toBe('LOCKED');
    store.close();
  });

  it('changes the passphrase by re-wrapping the key: stored records are byte-for-byte unchanged', async () => {
    const before = await rawRows('enc-main', 'chunks');
    const store = await EncryptedStore.unlock(await IndexedDbStore.open('enc-main'), PASS);
    await store.changePassphrase(PASS, 'a new passphrase');
    store.close();
    const inner = await IndexedDbStore.open('enc-main');
    expect(await codeOf(EncryptedStore.unlock(inner, PASS))).toBe('WRONG_PASSPHRASE');
    const reopened = await EncryptedStore.unlock(inner, 'a new passphrase');
    expect((await reopened.getChunks(written.ids))[0].text).toBe(`Intro ${CANARY} one.`);
    await reopened.changePassphrase('a new passphrase', PASS);
    reopened.close();
    const after = await rawRows('enc-main', 'chunks');
    expect(after).toHaveLength(2);
    expect(after).toEqual(before);
  });

  it('detects a tampered record', async () => {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const r = indexedDB.open('enc-main');
      r.onsuccess = () => resolve(r.result);
    });
    await new Promise<void>((resolve) => {
      const tx = db.transaction('chunks', 'readwrite');
      const store = tx.objectStore('chunks');
      const r = store.get(written.ids[0]);
      r.onsuccess = () => {
        const row = r.result as { text: string };
        const last = row.text.length - 1;
        row.text = row.text.slice(0, last) + String.fromCharCode(row.text.charCodeAt(last) ^ 1);
        store.put(row);
      };
      tx.oncomplete = () => resolve();
    });
    db.close();
    const store = await EncryptedStore.unlock(await IndexedDbStore.open('enc-main'), PASS);
    // The damaged chunk is left out and its document marked failed with the reason; the other chunk still reads.
    expect(await store.getChunks([written.ids[0]])).toEqual([]);
    expect(await store.getDocument(written.docId)).toMatchObject({
      status: 'failed',
      error: { code: 'DECRYPT_FAILED' },
    });
    expect((await store.getChunks([written.ids[1]]))[0].text).toBe(`Second ${CANARY} two.`);
    store.close();
  });

  it('turns on only for an empty, unencrypted library', async () => {
    const plain = await IndexedDbStore.open('plain-nonempty');
    await fill(plain);
    expect(await codeOf(EncryptedStore.create(plain, PASS))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(EncryptedStore.unlock(plain, PASS))).toBe('NOT_FOUND');
    plain.close();
    const encrypted = await IndexedDbStore.open('enc-main');
    expect(await EncryptedStore.isEncrypted(encrypted)).toBe(true);
    expect(await codeOf(EncryptedStore.create(encrypted, PASS))).toBe('INVALID_ARGUMENT');
    encrypted.close();
  });

  it('seals chosen settings and keeps the others (and the key record) plain', async () => {
    const store = await EncryptedStore.create(await IndexedDbStore.open('enc-settings'), PASS, {
      sealSetting: (key) => key === 'history',
    });
    await store.putSetting('history', [`query ${CANARY}`]);
    await store.putSetting('theme', 'dark');
    expect(await codeOf(store.putSetting(LOCK_SETTING, {}))).toBe('INVALID_ARGUMENT');
    expect(await store.getSetting('history')).toEqual([`query ${CANARY}`]);
    store.close();
    const dump = await dumpDatabase('enc-settings');
    expect(hasCanary(dump)).toBe(false);
    expect(contains(dump, new TextEncoder().encode('dark'))).toBe(true);
  });

  it('deletes a document with its sealed chunks, terms and vectors', async () => {
    const store = await EncryptedStore.create(await IndexedDbStore.open('enc-delete'), PASS);
    const { docId } = await fill(store);
    await store.deleteDocument(docId);
    await store.deleteIndex('glove');
    expect(await store.listDocuments()).toEqual([]);
    expect(await store.allTerms()).toEqual([]);
    expect(await store.vectorBatches('glove')).toEqual([]);
    expect(await store.readIndex('glove')).toBeUndefined();
    store.close();
  });

  it('seals tags, the file hash and error messages too (a hash would confirm a known file is in the library)', async () => {
    const hash = `${'ab'.repeat(8)}c0ffee${'12'.repeat(12)}`;
    for (const [db, Wrap] of [
      ['enc-fields-plain', null],
      ['enc-fields', EncryptedStore],
    ] as const) {
      const store: Store = Wrap
        ? await Wrap.create(await IndexedDbStore.open(db), PASS)
        : await IndexedDbStore.open(db);
      const docId = await store.createDocument(
        { name: 'n', format: 'text', size: 1, addedAt: 1, tags: [`tag${CANARY}`], sha256: hash },
        { text: 'x', blocks: [] },
      );
      await store.updateDocument(docId, {
        status: 'failed',
        error: { code: 'PARSE_FAILED', message: `“${CANARY}.pdf” is damaged` },
      });
      await store.updateDocument(docId, { tags: [`other${CANARY}`, 'plain'] });
      const doc = await store.getDocument(docId);
      expect(doc).toMatchObject({
        tags: [`other${CANARY}`, 'plain'],
        sha256: hash,
        error: { code: 'PARSE_FAILED', message: `“${CANARY}.pdf” is damaged` },
      });
      store.close();
      const dump = await dumpDatabase(db);
      const hashBytes = new TextEncoder().encode(hash);
      // The plain store is the control: the same checks find everything there.
      expect(hasCanary(dump)).toBe(!Wrap);
      expect(contains(dump, hashBytes)).toBe(!Wrap);
    }
  });

  it('adds vectors later (model loaded after ingest) through the same sealing', async () => {
    const store = await EncryptedStore.create(await IndexedDbStore.open('enc-late'), PASS);
    const docId = await store.createDocument(
      { name: 'x', format: 'text', size: 1, addedAt: 1 },
      { text: 'x', blocks: [] },
    );
    const ids = await store.addChunks(docId, [chunk('a b', 0), chunk('c d', 4)]);
    await store.addVectors({
      docId,
      fingerprint: 'glove',
      dims: DIMS,
      chunkIds: Uint32Array.from(ids),
      vectors: VECTORS,
    });
    const [batch] = await store.vectorBatches('glove');
    expect(Array.from(batch.vectors)).toEqual(Array.from(VECTORS));
    store.close();
    expect(hasVectorPattern(await dumpDatabase('enc-late'))).toBe(false);
  });
});
