// The picture store: several pictures per document (n) and per image model (fingerprint), the step that moved
// picture documents' rows from the docId-keyed store, and sealing that binds a picture to its n.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { EncryptedStore } from '../privacy/encrypted-store.ts';
import { IndexedDbStore } from './indexeddb-store.ts';
import { migrate, type TroveDB } from './schema.ts';
import type { PictureRecord, Store } from './store.ts';

const doc = { name: 'report.docx', format: 'docx' as const, size: 10, addedAt: 1 };

function picture(docId: number, n: number, fingerprint: string, seed: number): PictureRecord {
  const vector = Float32Array.from([seed, 1, 0, 0]);
  const norm = Math.hypot(...vector);
  return {
    docId,
    n,
    fingerprint,
    dims: 4,
    vector: vector.map((x) => x / norm),
    thumbnail: { type: 'image/webp', width: 8, height: 4, bytes: new Uint8Array([seed, n, 7, 9]).buffer },
    width: 80,
    height: 40,
    ...(n > 0 && { page: n + 1 }),
  };
}

async function fill(store: Store): Promise<{ a: number; b: number }> {
  const a = await store.createDocument(doc, { text: 'a', blocks: [] });
  const b = await store.createDocument({ ...doc, name: 'b.png', format: 'image' }, { text: 'b', blocks: [] });
  for (const record of [
    picture(a, 1, 'm1', 1),
    picture(a, 2, 'm1', 2),
    picture(a, 1, 'm2', 3),
    picture(b, 0, 'm1', 4),
    picture(b, 0, 'm2', 5),
  ]) {
    await store.putPicture(record);
  }
  return { a, b };
}

const keysOf = (rows: PictureRecord[]) => rows.map((p) => `${p.docId}:${p.n}:${p.fingerprint}`).sort();

describe('picture store', () => {
  it('keeps a picture per document, n and image model; lists, finds and drops them by each', async () => {
    const store = await IndexedDbStore.open('pictures-keys');
    const { a, b } = await fill(store);
    expect(keysOf(await store.listPictures('m1'))).toEqual([`${a}:1:m1`, `${a}:2:m1`, `${b}:0:m1`]);
    expect(keysOf(await store.listDocumentPictures(a))).toEqual([`${a}:1:m1`, `${a}:1:m2`, `${a}:2:m1`]);
    expect((await store.getPicture(a, 2))?.page).toBe(3);
    expect(await store.getPicture(a, 3)).toBeUndefined();
    expect((await store.pictureFingerprints()).sort()).toEqual(['m1', 'm2']);

    expect(await store.deletePicturesOf('m2')).toBe(2);
    expect(await store.pictureFingerprints()).toEqual(['m1']);
    expect(keysOf(await store.listDocumentPictures(b))).toEqual([`${b}:0:m1`]);

    await store.deleteDocument(a);
    expect(keysOf(await store.listPictures('m1'))).toEqual([`${b}:0:m1`]);
    store.close();
  });

  it('moves the pictures of a version 7 library over as picture 0 of their document, one at a time', async () => {
    const name = 'pictures-from-v7';
    const old = await openDB<TroveDB>(name, 7, {
      upgrade(db, oldVersion, _newVersion, tx) {
        migrate(db, oldVersion, tx, 7);
      },
    });
    const { n: _n, ...legacy } = picture(5, 0, 'm1', 1);
    await old.put('documents', { ...doc, id: 5, status: 'ready', chunkCount: 0 });
    const put = (old as unknown as { put(store: string, value: unknown): Promise<unknown> }).put.bind(old);
    await put('pictures', legacy);
    // A row no code could ever have read (no fingerprint) is left out; the rows after it still move.
    const { fingerprint: _f, ...unkeyable } = picture(6, 0, 'm1', 2);
    await put('pictures', unkeyable);
    await put('pictures', { ...legacy, docId: 7 });
    old.close();

    const store = await IndexedDbStore.open(name);
    const moved = await store.getPicture(5, 0);
    expect(moved?.n).toBe(0);
    expect(moved?.vector).toEqual(picture(5, 0, 'm1', 1).vector);
    expect(keysOf(await store.listPictures('m1'))).toEqual(['5:0:m1', '7:0:m1']);
    store.close();
    const raw = await openDB(name);
    expect([...raw.objectStoreNames]).not.toContain('pictures-v6');
    raw.close();
  });

  it('seals pictures under the lock and refuses one moved to another n', async () => {
    const name = 'pictures-sealed';
    const store = await EncryptedStore.create(await IndexedDbStore.open(name), 'a long and private passphrase');
    const { a } = await fill(store);
    const opened = await store.getPicture(a, 2);
    expect(opened?.vector).toEqual(picture(a, 2, 'm1', 2).vector);
    expect(new Uint8Array(opened!.thumbnail.bytes)).toEqual(new Uint8Array([2, 2, 7, 9]));

    // Someone with the disk copies picture 2's sealed row over picture 1's place.
    const raw = await openDB(name);
    const row = (await raw.get('pictures', [a, 2, 'm1'])) as Record<string, unknown>;
    await raw.put('pictures', { ...row, n: 1 });
    raw.close();
    expect((await store.getPicture(a, 1))?.fingerprint).not.toBe('m1');
    expect(keysOf(await store.listPictures('m1'))).not.toContain(`${a}:1:m1`);
    store.close();
  });
});
