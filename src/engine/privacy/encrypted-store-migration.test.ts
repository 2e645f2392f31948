// A library locked before records were bound to their place (version 1 envelopes with coarse contexts) is re-sealed
// on unlock: everything still reads, every record ends up bound, an interrupted run resumes, and once done an old
// record is no longer accepted.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IndexedDbStore } from '../store/indexeddb-store.ts';
import type { Store } from '../store/store.ts';
import { EncryptedStore, RECORD_BINDING_SETTING } from './encrypted-store.ts';

const PASS = 'a long and private passphrase';
const DIMS = 4;
const VECTORS = Float32Array.from([0.5, 0.25, -0.125, 1, 0.75, -0.5, 0.0625, 0.3]);

/** A version 1 envelope, as the store wrote them before: header "TE" 1 kind, the context as additional data. */
async function sealV1(key: CryptoKey, value: unknown, context: string): Promise<string> {
  let kind: number;
  let plain: Uint8Array;
  if (typeof value === 'string') [kind, plain] = [2, new TextEncoder().encode(value)];
  else if (value instanceof Float32Array) [kind, plain] = [4, new Uint8Array(value.buffer.slice(0))];
  else if (value instanceof Uint8Array) [kind, plain] = [1, value.slice()];
  else [kind, plain] = [3, new TextEncoder().encode(JSON.stringify(value))];
  const header = new Uint8Array([0x54, 0x45, 1, kind]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const additionalData = new Uint8Array([...header, ...new TextEncoder().encode(context)]);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, plain as Uint8Array<ArrayBuffer>),
  );
  return String.fromCharCode(...header, ...iv, ...sealed);
}

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** The old vector packing: [magic][real dims][envelope length][envelope] as floats of rows × packed dims. */
function packV1(envelope: string, dims: number, rows: number): { dims: number; vectors: Float32Array } {
  const packedDims = Math.ceil((12 + envelope.length) / 4 / rows);
  const bytes = new Uint8Array(rows * packedDims * 4);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x56454e43, true);
  view.setUint32(4, dims, true);
  view.setUint32(8, envelope.length, true);
  bytes.set(latin1(envelope), 12);
  return { dims: packedDims, vectors: new Float32Array(bytes.buffer) };
}

/** Writes two documents (one with its tags and error still plain, as even older versions left them) the old way. */
async function writeLegacyLibrary(db: string): Promise<{ a: number; b: number; chunkIds: number[] }> {
  const created = await EncryptedStore.create(await IndexedDbStore.open(db), PASS);
  // The data key itself, to seal as the old code did (a test-only reach into the store's private cipher).
  const key = (created as unknown as { cipher: { key: CryptoKey } }).cipher.key;
  created.close();
  await deleteRaw(db, 'settings', RECORD_BINDING_SETTING); // older libraries have no such flag
  const inner = await IndexedDbStore.open(db);
  const a = await inner.createDocument(
    {
      name: await sealV1(key, { name: 'alpha.md', title: 'Alpha', folder: 'notes' }, 'doc'),
      format: 'markdown',
      size: 20,
      addedAt: 1,
      tags: [await sealV1(key, ['red'], 'doc-tags')],
      sha256: await sealV1(key, 'ab'.repeat(32), 'doc-sha256'),
    },
    { text: await sealV1(key, { text: 'alpha one. alpha two.', blocks: [] }, 'text'), blocks: [] },
  );
  const chunkIds = await inner.addChunks(
    a,
    [
      {
        text: await sealV1(key, { text: 'alpha one.', headingPath: ['H'] }, `chunk:${a}`),
        start: 0,
        end: 10,
        headingPath: [],
        tokenCount: 2,
        terms: [await sealV1(key, 'alpha one', `terms:${a}`)],
      },
      {
        text: await sealV1(key, { text: 'alpha two.', headingPath: [] }, `chunk:${a}`),
        start: 11,
        end: 21,
        headingPath: [],
        tokenCount: 2,
        terms: [await sealV1(key, 'alpha two', `terms:${a}`)],
      },
    ],
    { fingerprint: 'm', ...packV1(await sealV1(key, VECTORS, `vectors:${a}:m`), DIMS, 2) },
  );
  await inner.markReady(a, 2);
  const b = await inner.createDocument(
    { name: await sealV1(key, { name: 'beta.txt' }, 'doc'), format: 'text', size: 4, addedAt: 2, tags: ['plain'] },
    { text: await sealV1(key, { text: 'beta', blocks: [] }, 'text'), blocks: [] },
  );
  await inner.updateDocument(b, { status: 'failed', error: { code: 'PARSE_FAILED', message: 'beta.txt is damaged' } });
  await inner.writeIndexPages(
    'm',
    [{ name: 'p0', bytes: latin1(await sealV1(key, new Uint8Array([7, 8]), 'page:m/p0')) }],
    [],
    1,
  );
  await inner.putOriginal({
    docId: a,
    name: await sealV1(key, { name: 'alpha.md', type: 'text/markdown' }, `original:${a}`),
    type: '',
    bytes: latin1(await sealV1(key, new Uint8Array([1, 2, 3]), `original-bytes:${a}`)).buffer,
  });
  inner.close();
  return { a, b, chunkIds };
}

async function rawDb(db: string): Promise<IDBDatabase> {
  return new Promise((resolve) => {
    const r = indexedDB.open(db);
    r.onsuccess = () => resolve(r.result);
  });
}

async function deleteRaw(db: string, storeName: string, key: IDBValidKey): Promise<void> {
  const database = await rawDb(db);
  await new Promise<void>((resolve) => {
    const tx = database.transaction(storeName, 'readwrite');
    tx.objectStore(storeName).delete(key);
    tx.oncomplete = () => resolve();
  });
  database.close();
}

async function rawRows<T>(db: string, storeName: string): Promise<T[]> {
  const database = await rawDb(db);
  const rows = await new Promise<T[]>((resolve) => {
    const r = database.transaction(storeName).objectStore(storeName).getAll();
    r.onsuccess = () => resolve(r.result as T[]);
  });
  database.close();
  return rows;
}

async function putRaw(db: string, storeName: string, row: unknown): Promise<void> {
  const database = await rawDb(db);
  await new Promise<void>((resolve) => {
    const tx = database.transaction(storeName, 'readwrite');
    tx.objectStore(storeName).put(row);
    tx.oncomplete = () => resolve();
  });
  database.close();
}

/** The envelope versions of every sealed value of documents, texts, chunks, terms and vectors. */
async function envelopeVersions(db: string): Promise<number[]> {
  const versions: number[] = [];
  const version = (text: string) => text.charCodeAt(2);
  for (const doc of await rawRows<{ name: string; tags?: string[]; sha256?: string; error?: { message: string } }>(
    db,
    'documents',
  )) {
    versions.push(version(doc.name));
    for (const tag of doc.tags ?? []) versions.push(version(tag));
    if (doc.sha256) versions.push(version(doc.sha256));
    if (doc.error) versions.push(version(doc.error.message));
  }
  for (const row of await rawRows<{ text: string }>(db, 'texts')) versions.push(version(row.text));
  for (const row of await rawRows<{ text: string }>(db, 'chunks')) versions.push(version(row.text));
  for (const row of await rawRows<{ terms: string }>(db, 'terms')) versions.push(version(row.terms));
  for (const row of await rawRows<{ vectors: Float32Array }>(db, 'vectors'))
    versions.push(new Uint8Array(row.vectors.buffer, row.vectors.byteOffset)[12 + 2]);
  return versions;
}

async function expectEverythingReads(store: Store, ids: { a: number; b: number; chunkIds: number[] }) {
  const a = await store.getDocument(ids.a);
  expect(a).toMatchObject({ name: 'alpha.md', title: 'Alpha', folder: 'notes', tags: ['red'], status: 'ready' });
  expect(a!.sha256).toBe('ab'.repeat(32));
  expect(await store.getDocument(ids.b)).toMatchObject({
    name: 'beta.txt',
    tags: ['plain'],
    status: 'failed',
    error: { code: 'PARSE_FAILED', message: 'beta.txt is damaged' },
  });
  expect((await store.getText(ids.a))?.text).toBe('alpha one. alpha two.');
  expect((await store.getText(ids.b))?.text).toBe('beta');
  expect((await store.getChunks(ids.chunkIds)).map((c) => [c.text, c.headingPath])).toEqual([
    ['alpha one.', ['H']],
    ['alpha two.', []],
  ]);
  expect((await store.allTerms()).map((t) => t.terms)).toEqual([
    ['alpha', 'one'],
    ['alpha', 'two'],
  ]);
  const [batch] = await store.vectorBatches('m');
  expect(batch.dims).toBe(DIMS);
  expect(Array.from(batch.vectors)).toEqual(Array.from(VECTORS));
  expect(Array.from((await store.readIndex('m'))!.pages[0].bytes)).toEqual([7, 8]);
  expect(Array.from(new Uint8Array((await store.getOriginal(ids.a))!.bytes))).toEqual([1, 2, 3]);
}

describe('re-sealing a library locked before records were bound to their place', () => {
  it('reads everything after unlock and re-seals every record bound to its place', async () => {
    const db = 'migrate-all';
    const ids = await writeLegacyLibrary(db);
    const before = await envelopeVersions(db);
    expect(before).toContain(1);
    expect(before).not.toContain(2);

    const store = await EncryptedStore.unlock(await IndexedDbStore.open(db), PASS);
    await expectEverythingReads(store, ids);
    store.close();
    expect(new Set(await envelopeVersions(db))).toEqual(new Set([2]));
    const reopened = await EncryptedStore.unlock(await IndexedDbStore.open(db), PASS);
    await expectEverythingReads(reopened, ids);
    reopened.close();
  });

  it('resumes an interrupted re-sealing at the next unlock', async () => {
    const db = 'migrate-resume';
    const ids = await writeLegacyLibrary(db);
    const inner = await IndexedDbStore.open(db);
    let calls = 0;
    const failing = new Proxy(inner, {
      get(target, property, receiver) {
        if (property === 'resealRecords')
          return (...args: Parameters<Store['resealRecords']>) => {
            if (++calls === 2) throw new Error('tab closed');
            return target.resealRecords(...args);
          };
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await expect(EncryptedStore.unlock(failing, PASS)).rejects.toThrow('tab closed');
    inner.close();
    const halfway = await envelopeVersions(db);
    expect(halfway).toContain(1);
    expect(halfway).toContain(2);
    expect(await rawRows(db, 'settings')).not.toContainEqual(2);

    const store = await EncryptedStore.unlock(await IndexedDbStore.open(db), PASS);
    await expectEverythingReads(store, ids);
    store.close();
    expect(new Set(await envelopeVersions(db))).toEqual(new Set([2]));
  });

  it('refuses a record of the old binding put back after re-sealing', async () => {
    const db = 'migrate-rollback';
    const ids = await writeLegacyLibrary(db);
    const old = (await rawRows<{ id: number; name: string }>(db, 'documents')).find((d) => d.id === ids.a)!;
    (await EncryptedStore.unlock(await IndexedDbStore.open(db), PASS)).close();
    const current = (await rawRows<{ id: number; name: string }>(db, 'documents')).find((d) => d.id === ids.a)!;
    await putRaw(db, 'documents', { ...current, name: old.name });

    const store = await EncryptedStore.unlock(await IndexedDbStore.open(db), PASS);
    expect(await store.getDocument(ids.a)).toMatchObject({ status: 'failed', error: { code: 'DECRYPT_FAILED' } });
    expect((await store.getText(ids.a))?.text).toBe('alpha one. alpha two.');
    store.close();
  });
});
