// Original files kept with their documents (schema 4, setting keepOriginals): stored as added, sealed when the
// library is encrypted, deleted with the document (delete, replace, collection delete, cancel), absent when the
// setting is off or the file was redacted, and a version-3 database upgrades keeping its documents.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineSettings, FileInput } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { TroveError } from '../src/engine/core/errors.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { SCHEMA_VERSION } from '../src/engine/store/schema.ts';
import type { Store } from '../src/engine/store/store.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };

function file(name: string, content: string | Uint8Array, extra: Partial<FileInput> = {}): FileInput {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return {
    jobId: `job-${name}-${Math.random().toString(36).slice(2)}`,
    name,
    type: 'text/plain',
    data: bytes.slice().buffer as ArrayBuffer,
    ...extra,
  };
}

async function open(db: string, settings: Partial<EngineSettings> = fixtureSettings) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    libraryName: db,
  });
  await engine.init(settings);
  return engine;
}

/** Every row of the originals store as the database holds it (no decryption). */
async function rawOriginals(
  db: string,
): Promise<Array<{ docId: number; name: string; type: string; bytes: ArrayBuffer }>> {
  const raw = await openDB(db);
  try {
    return (await raw.getAll('originals')) as Array<{ docId: number; name: string; type: string; bytes: ArrayBuffer }>;
  } finally {
    raw.close();
  }
}

const latin1 = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => String.fromCharCode(b)).join('');

describe('original files', () => {
  it('keeps the bytes as added (binary-safe, with name and type) and gives them back; the document says it has one', async () => {
    const engine = await open('originals-kept');
    // Bytes a text decoder would change (a BOM, CRLF, a lone high byte) must come back unchanged.
    const bytes = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...new TextEncoder().encode('Sourdough starter\r\nfeeds daily. '),
      0xff,
      0x0a,
    ]);
    const [done] = await engine.ingest([file('starter.txt', bytes)], () => undefined);
    expect(done.stage).toBe('done');
    const original = await engine.getOriginal(done.documentId!);
    expect(original).toBeDefined();
    expect(original!.name).toBe('starter.txt');
    expect(original!.type).toBe('text/plain');
    expect(new Uint8Array(original!.bytes)).toEqual(bytes);
    expect((await engine.getDocument(done.documentId!)).hasOriginal).toBe(true);
    const status = await engine.storageStatus();
    expect(status.originals).toBe(1);
    expect(status.originalsBytes).toBe(bytes.length);
    expect(await engine.getOriginal(done.documentId! + 100)).toBeUndefined();
  });

  it('keeps an 8 MB original whole (100x the fixtures), in one record', async () => {
    // At the store: ingesting 8 MB of text would time the chunker and the model, not the original's record.
    const store = await IndexedDbStore.open('originals-large');
    const id = await store.createDocument(
      { name: 'big.bin', format: 'text', size: 8 << 20, addedAt: 1 },
      { text: '', blocks: [] },
    );
    const big = new Uint8Array(8 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24; // seeded
    await store.putOriginal({
      docId: id,
      name: 'big.bin',
      type: 'application/octet-stream',
      bytes: big.slice().buffer,
    });
    const original = await store.getOriginal(id);
    expect(original!.bytes.byteLength).toBe(big.length);
    // Buffer.equals, not toEqual: a deep equality over 8 million elements takes minutes.
    expect(Buffer.from(original!.bytes).equals(Buffer.from(big))).toBe(true);
    store.close();
  });

  it('is not kept when the setting is off, nor for a redacted file; the setting is validated', async () => {
    const engine = await open('originals-off');
    await expect(engine.updateSettings({ keepOriginals: 'yes' as unknown as boolean })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect((await engine.getSettings()).keepOriginals).toBe(true);
    await engine.updateSettings({ keepOriginals: false });
    const [off] = await engine.ingest([file('off.txt', 'Kept only as text.')], () => undefined);
    expect(off.stage).toBe('done');
    expect(await engine.getOriginal(off.documentId!)).toBeUndefined();
    expect((await engine.getDocument(off.documentId!)).hasOriginal).toBe(false);

    await engine.updateSettings({ keepOriginals: true });
    const [redacted] = await engine.ingest(
      [file('pii.txt', 'Mail jane.doe@example.com about rye.', { redact: true })],
      () => undefined,
    );
    expect(redacted.stage).toBe('done');
    expect(await engine.getOriginal(redacted.documentId!)).toBeUndefined();
    expect(JSON.stringify((await rawOriginals('originals-off')).map((r) => latin1(r.bytes)))).not.toContain('jane.doe');
  });

  it('no room for the copy: the document is still indexed, without its original, and the job says so', async () => {
    const engine = await open('originals-full');
    const store = (engine as unknown as { library: { store: Store } }).library.store;
    store.putOriginal = () => Promise.reject(new TroveError('STORAGE_FULL'));
    // Small files are written whole, original included: no room when a document brings its original.
    const addDocuments = store.addDocuments.bind(store);
    store.addDocuments = (documents) =>
      documents.some((d) => d.original) ? Promise.reject(new TroveError('STORAGE_FULL')) : addDocuments(documents);
    const [done] = await engine.ingest(
      [file('full.txt', 'Searchable even without the copy: barnacles.')],
      () => undefined,
    );
    expect(done.stage).toBe('done');
    expect(done.note).toMatch(/original file was not kept: browser storage is full/);
    expect(await engine.getOriginal(done.documentId!)).toBeUndefined();
    expect((await engine.search('barnacles', { mode: 'keyword' })).results).toHaveLength(1);
  });

  it('is deleted with its document: delete, replace by a new version, collection delete, cancel', async () => {
    const engine = await open('originals-deleted');
    const [a] = await engine.ingest([file('a.txt', 'Alpha notes about kelp.')], () => undefined);
    await engine.deleteDocument(a.documentId!);
    expect(await rawOriginals('originals-deleted')).toEqual([]);

    const [v1] = await engine.ingest([file('notes.txt', 'Version one about barley.')], () => undefined);
    const [v2] = await engine.ingest(
      [file('notes.txt', 'Version two about oats.', { onDuplicate: 'replace' })],
      () => undefined,
    );
    expect(v2.stage).toBe('done');
    const rows = await rawOriginals('originals-deleted');
    expect(rows.map((r) => r.docId)).toEqual([v2.documentId]);
    expect(latin1(rows[0].bytes)).toBe('Version two about oats.');
    expect(await engine.getOriginal(v1.documentId!)).toBeUndefined();

    const work = await engine.createCollection('Work');
    const [w] = await engine.ingest(
      [file('w.txt', 'Work file about rivets.', { collection: work.id })],
      () => undefined,
    );
    expect(await engine.getOriginal(w.documentId!)).toBeDefined();
    await engine.deleteCollection(work.id);
    expect((await rawOriginals('originals-deleted')).map((r) => r.docId)).toEqual([v2.documentId]);
  });

  it('is sealed when the library is encrypted: no plain bytes or name in the database, and unreadable while locked', async () => {
    const engine = await open('originals-locked');
    await engine.enableEncryption('correct horse battery');
    const secret = 'Grandmother’s secret rye recipe: caraway and molasses.';
    const [done] = await engine.ingest([file('secret-recipe.txt', secret)], () => undefined);
    expect(done.stage).toBe('done');
    const original = await engine.getOriginal(done.documentId!);
    expect(original!.name).toBe('secret-recipe.txt');
    expect(new TextDecoder().decode(original!.bytes)).toBe(secret);

    const rows = await rawOriginals('originals-locked');
    expect(rows).toHaveLength(1);
    const dump = JSON.stringify(rows.map((r) => ({ ...r, bytes: latin1(r.bytes) })));
    for (const plain of ['caraway', 'molasses', 'secret-recipe', 'text/plain']) expect(dump).not.toContain(plain);

    await engine.lock();
    await expect(engine.getOriginal(done.documentId!)).rejects.toMatchObject({ code: 'LOCKED' });
    expect((await engine.storageStatus()).originals).toBeUndefined();
    await engine.unlock('correct horse battery');
    expect(new TextDecoder().decode((await engine.getOriginal(done.documentId!))!.bytes)).toBe(secret);
  });

  it('a version-3 database upgrades: its documents stay (without originals), new ones keep theirs', async () => {
    const name = 'originals-upgrade';
    // The version-3 layout, as schema.ts steps 0-3 made it, with one document written by the old code.
    const old = await openDB(name, 3, {
      upgrade(db) {
        db.createObjectStore('documents', { keyPath: 'id', autoIncrement: true });
        db.createObjectStore('texts', { keyPath: 'docId' });
        db.createObjectStore('chunks', { keyPath: 'id', autoIncrement: true }).createIndex('byDoc', 'docId');
        db.createObjectStore('terms', { keyPath: 'chunkId' }).createIndex('byDoc', 'docId');
        const vectors = db.createObjectStore('vectors', { keyPath: 'key', autoIncrement: true });
        vectors.createIndex('byDoc', 'docId');
        vectors.createIndex('byFingerprint', 'fingerprint');
        db.createObjectStore('settings');
        db.createObjectStore('indexPages', { keyPath: ['set', 'name'] }).createIndex('bySet', 'set');
        db.createObjectStore('changes', { keyPath: 'version' });
      },
    });
    await old.put('documents', {
      id: 1,
      name: 'old.txt',
      format: 'text',
      size: 9,
      addedAt: 1,
      status: 'ready',
      chunkCount: 0,
    });
    await old.put('texts', { docId: 1, text: 'Old text.', blocks: [] });
    old.close();

    const store = await IndexedDbStore.open(name);
    expect((await store.listDocuments()).map((d) => d.name)).toEqual(['old.txt']);
    expect(await store.getOriginal(1)).toBeUndefined();
    expect(await store.originalIds()).toEqual([]);
    await store.putOriginal({
      docId: 1,
      name: 'old.txt',
      type: 'text/plain',
      bytes: new TextEncoder().encode('Old text.').buffer as ArrayBuffer,
    });
    expect(await store.originalIds()).toEqual([1]);
    await expect(
      store.putOriginal({ docId: 99, name: 'x', type: '', bytes: new ArrayBuffer(1) }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await store.deleteOriginal(1);
    expect(await store.getOriginal(1)).toBeUndefined();
    store.close();
    const raw = await openDB(name);
    expect(raw.version).toBe(SCHEMA_VERSION);
    raw.close();
  });
});
