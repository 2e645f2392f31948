// A locked library whose records were swapped on disk opens, shows the damaged documents as failed with the reason,
// and keeps searching the rest; nothing is deleted and no document shows another's name.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

const settings = {
  modelId: 'glove-50d-static',
  allowRemoteModels: false,
  localModelPath: resolve('public/models') + '/',
};
const PASS = 'correct horse battery';

const file = (name: string, text: string): FileInput => ({
  jobId: `job-${name}`,
  name,
  type: 'text/plain',
  data: new TextEncoder().encode(text).buffer as ArrayBuffer,
});

async function open(db: string) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    libraryName: db,
  });
  await engine.init(settings);
  return engine;
}

async function swapNames(db: string, a: number, b: number): Promise<void> {
  const database = await new Promise<IDBDatabase>((done) => {
    const r = indexedDB.open(db);
    r.onsuccess = () => done(r.result);
  });
  await new Promise<void>((done) => {
    const tx = database.transaction('documents', 'readwrite');
    const store = tx.objectStore('documents');
    const ra = store.get(a);
    const rb = store.get(b);
    rb.onsuccess = () => {
      const [x, y] = [ra.result as { name: string }, rb.result as { name: string }];
      [x.name, y.name] = [y.name, x.name];
      store.put(x);
      store.put(y);
    };
    tx.oncomplete = () => done();
  });
  database.close();
}

describe('a locked library with swapped records', () => {
  it('opens, marks the swapped documents failed with the reason, and still searches the others', async () => {
    const db = 'sealed-swap';
    const first = await open(db);
    await first.enableEncryption(PASS);
    await first.ingest(
      [
        file('alpha.txt', 'Alpine meadows bloom with gentians.'),
        file('beta.txt', 'Bakers proof sourdough overnight.'),
        file('gamma.txt', 'Glaciers carve deep valleys slowly.'),
      ],
      () => undefined,
    );
    const ids = Object.fromEntries((await first.listDocuments()).map((d) => [d.name, d.id]));
    await first.lock();
    await swapNames(db, ids['alpha.txt']!, ids['beta.txt']!);

    const second = await open(db);
    await second.unlock(PASS);
    const docs = await second.listDocuments();
    expect(docs).toHaveLength(3);
    for (const name of ['alpha.txt', 'beta.txt']) {
      const doc = docs.find((d) => d.id === ids[name])!;
      expect(doc).toMatchObject({ status: 'failed', error: { code: 'DECRYPT_FAILED' } });
      expect(doc.error!.message).toMatch(/integrity check/);
      expect(['alpha.txt', 'beta.txt']).not.toContain(doc.name);
    }
    expect(docs.find((d) => d.id === ids['gamma.txt'])).toMatchObject({ name: 'gamma.txt', status: 'ready' });
    const { results } = await second.search('glaciers valleys', { mode: 'keyword' });
    expect(results.map((r) => r.documentName)).toEqual(['gamma.txt']);
    const swapped = await second.search('sourdough', { mode: 'keyword' });
    expect(swapped.results.map((r) => r.documentName)).not.toContain('alpha.txt');
  });
});
