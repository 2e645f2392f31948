// Redaction must cover every string the library stores about a file, not only its text: the non-text fields of
// CSV/JSON records, the folder path, the title and heading paths. The check reads every IndexedDB store raw.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

const fixtureSettings = {
  modelId: 'glove-50d-static',
  allowRemoteModels: false,
  localModelPath: resolve('public/models') + '/',
};

function file(name: string, type: string, text: string, extra: Partial<FileInput> = {}): FileInput {
  return {
    jobId: `job-${name}-${Math.random().toString(36).slice(2)}`,
    name,
    type,
    data: new TextEncoder().encode(text).buffer as ArrayBuffer,
    ...extra,
  };
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
}

/** Every record of every object store of every database whose name starts with `prefix`, as text (binary decoded). */
async function dumpAllStores(prefix: string): Promise<string> {
  const parts: string[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const replacer = (_key: string, value: unknown) => {
    if (value instanceof ArrayBuffer) return decoder.decode(new Uint8Array(value));
    if (ArrayBuffer.isView(value))
      return decoder.decode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    if (value instanceof Map) return [...value.entries()];
    if (value instanceof Set) return [...value];
    return value;
  };
  const names = (await indexedDB.databases()).map((d) => d.name!).filter((n) => n.startsWith(prefix));
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) {
    const db = await request(indexedDB.open(name));
    for (const storeName of [...db.objectStoreNames]) {
      const store = db.transaction(storeName, 'readonly').objectStore(storeName);
      const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
      parts.push(storeName, JSON.stringify([keys, values], replacer));
    }
    db.close();
  }
  return parts.join('\n');
}

describe('Redaction leaves PII in storage', () => {
  it('redacts non-text CSV/JSON fields, the folder path, the title and heading paths: no raw PII in any store', async () => {
    const db = 'redaction-storage';
    const engine = new TroveEngine({
      openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
      loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
      libraryName: db,
    });
    await engine.init(fixtureSettings, {});
    await engine.updateSettings({ redactPii: true });
    const csv = 'note,contact,id\nSourdough starter feeding schedule,csv.person@example.org,7\n';
    const json = JSON.stringify([
      { note: 'Herbarium pressing notes', phone: '+1 415 555 2671', extra: { iban: 'DE89 3704 0044 0532 0130 00' } },
    ]);
    const markdown =
      '# Contact heading.person@example.net\n\nAbout pressing flowers.\n\n## Card 4111 1111 1111 1111\n\nMore about flowers.\n';
    const done = await engine.ingest(
      [
        file('people.csv', 'text/csv', csv, { textFields: ['note'] }),
        file('people.json', 'application/json', json, { textFields: ['note'] }),
        file('notes.txt', 'text/plain', 'Plain notes about moss.', { folder: 'folder.owner@example.com/private' }),
        file('heading.md', 'text/markdown', markdown),
      ],
      () => undefined,
    );
    expect(done.map((d) => d.stage)).toEqual(['done', 'done', 'done', 'done']);
    const stored = await dumpAllStores(db);
    expect(stored).toContain('Sourdough');
    expect(stored).toContain('[EMAIL]');
    for (const value of [
      'csv.person',
      'example.org',
      '415 555',
      '5552671',
      '3704 0044',
      'DE89',
      'folder.owner',
      'example.com',
      'heading.person',
      'example.net',
      '4111',
    ]) {
      expect(stored, value).not.toContain(value);
    }
  });
});
