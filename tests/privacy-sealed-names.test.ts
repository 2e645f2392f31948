// What stays readable while the library is locked: collection names, custom redaction patterns and the collection
// ids on documents are the user's words, so an encrypted library seals them (privacy/sealed-settings.ts) and a
// locked engine neither stores them plain nor answers them.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };
const PASSPHRASE = 'correct horse battery';
const COLLECTION = 'Divorce lawyer Smith';
const PATTERN = { label: 'case number', pattern: 'CASE-77\\d{4}' };

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
  const init = await engine.init(fixtureSettings);
  return { engine, init };
}

/** Every key and value of every object store of the database, strings as they are: a stand-in for a disk dump. */
async function dumpDatabase(db: string): Promise<string> {
  const database = await new Promise<IDBDatabase>((done, fail) => {
    const request = indexedDB.open(db);
    request.onsuccess = () => done(request.result);
    request.onerror = () => fail(request.error);
  });
  const parts: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) {
      for (const [k, v] of Object.entries(value)) {
        parts.push(k);
        walk(v);
      }
    }
  };
  for (const name of Array.from(database.objectStoreNames)) {
    const store = database.transaction(name).objectStore(name);
    const [keys, values] = await Promise.all(
      [store.getAllKeys(), store.getAll()].map(
        (request) =>
          new Promise<unknown[]>((done, fail) => {
            request.onsuccess = () => done(request.result as unknown[]);
            request.onerror = () => fail(request.error);
          }),
      ),
    );
    walk(keys);
    walk(values);
  }
  database.close();
  return parts.join('\n');
}

function expectNothingReadable(dump: string): void {
  for (const secret of ['Divorce', 'lawyer', 'Smith', 'divorce-lawyer', 'CASE-77', 'case number'])
    expect(dump).not.toContain(secret);
}

describe('sealed collection names and custom patterns', () => {
  it('a dump of a locked library holds no collection name, collection slug or custom redaction pattern', async () => {
    const { engine } = await open('sealed-names-dump');
    await engine.enableEncryption(PASSPHRASE);
    const collection = await engine.createCollection(COLLECTION);
    expect(collection.id).not.toMatch(/divorce|lawyer|smith/i);
    await engine.updateSettings({ redactPii: true, redactTypes: [], redactCustom: [PATTERN] });
    const [done] = await engine.ingest(
      [file('memo.txt', 'The file CASE-771234 is due on Monday.', { collection: collection.id })],
      () => undefined,
    );
    expect(done.stage).toBe('done');
    await engine.lock();
    const dump = await dumpDatabase('sealed-names-dump');
    expect(dump).toContain(collection.id); // the dump does read the collections and settings
    expectNothingReadable(dump);
  });

  it('getSettings while locked returns no custom patterns, and they cannot be overwritten until unlocked', async () => {
    const first = await open('sealed-names-settings');
    await first.engine.enableEncryption(PASSPHRASE);
    await first.engine.updateSettings({ redactCustom: [PATTERN] });
    await first.engine.createCollection(COLLECTION);
    await first.engine.lock();
    expect((await first.engine.getSettings()).redactCustom).toEqual([]);

    const { engine, init } = await open('sealed-names-settings');
    expect(init.lock).toBe('locked');
    expect(init.settings.redactCustom).toEqual([]);
    expect((await engine.getSettings()).redactCustom).toEqual([]);
    await expect(engine.listCollections()).rejects.toMatchObject({ code: 'LOCKED' });
    const replacement = [{ label: 'other', pattern: 'X-\\d+' }];
    await expect(engine.updateSettings({ redactCustom: replacement })).rejects.toMatchObject({ code: 'LOCKED' });
    // Plain preferences can still be changed while locked, without touching the sealed patterns.
    await engine.updateSettings({ rrfK: 50 });

    const opened = await engine.unlock(PASSPHRASE);
    expect(opened.settings.redactCustom).toEqual([PATTERN]);
    expect(opened.settings.rrfK).toBe(50);
    expect((await engine.listCollections()).map((c) => c.name)).toEqual(['My library', COLLECTION]);
  });

  it('a library locked before names and patterns were sealed has them sealed at its first unlock', async () => {
    const { engine } = await open('sealed-names-legacy');
    await engine.enableEncryption(PASSPHRASE);
    await engine.lock();
    // As an older Trove stored them: plain, the patterns inside the plain settings record.
    const raw = await IndexedDbStore.open('sealed-names-legacy');
    await raw.putSetting('collections', [{ id: 'divorce-lawyer-smith', name: COLLECTION, createdAt: 1 }]);
    await raw.putSetting('engine-settings', { redactCustom: [PATTERN], rrfK: 40 });
    raw.close();

    const later = await open('sealed-names-legacy');
    expect(later.init.settings.redactCustom).toEqual([]);
    expect(later.init.settings.rrfK).toBe(40);
    const opened = await later.engine.unlock(PASSPHRASE);
    expect(opened.settings.redactCustom).toEqual([PATTERN]);
    // The old slug stays the id (documents name it); its name is sealed from now on.
    expect(await later.engine.listCollections()).toMatchObject([
      { id: 'library' },
      { id: 'divorce-lawyer-smith', name: COLLECTION },
    ]);
    await later.engine.lock();
    const dump = await dumpDatabase('sealed-names-legacy');
    for (const secret of ['Divorce', 'lawyer', 'CASE-77', 'case number']) expect(dump).not.toContain(secret);
  });
});
