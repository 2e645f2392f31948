// A document record an older version wrote with fields of the wrong type (a title that is an object, tags that are
// text, warnings that are not a list) opens the library: the document is listed with those fields left out and a
// warning saying so, and stays searchable; before, the library view threw on it at every load.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import type { FileInput } from '../src/engine/api/index.ts';
import { TroveError } from '../src/engine/core/errors.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

function engineOn(db: string): TroveEngine {
  return new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: () => Promise.reject(new TroveError('MODEL_UNAVAILABLE', 'no model in this test')),
    libraryName: db,
    snapshotDelayMs: 3_600_000,
  });
}

const file = (name: string, text: string): FileInput => ({
  jobId: `job-${name}`,
  name,
  type: 'text/plain',
  data: new TextEncoder().encode(text).buffer as ArrayBuffer,
});

describe('records written by an older version', () => {
  it('a document record with a title object, tags text and warnings text opens the library and is listed', async () => {
    const db = 'older-records-1';
    const first = engineOn(db);
    await first.init({ allowRemoteModels: false });
    await first.ingest([file('harbour.txt', 'The harbour master keeps the tide tables.')], () => undefined);
    const [written] = await first.listDocuments();

    const raw = await openDB(db);
    const record = (await raw.get('documents', written.id)) as Record<string, unknown>;
    await raw.put('documents', { ...record, title: { text: 'Harbour' }, tags: 'harbour', warnings: 'none' });
    raw.close();

    const second = engineOn(db);
    await second.init({ allowRemoteModels: false });
    const [doc] = await second.listDocuments();
    expect(doc).toMatchObject({ id: written.id, name: 'harbour.txt', status: 'ready', tags: [] });
    expect(doc.title).toBeUndefined();
    expect(doc.warnings).toEqual([
      expect.stringContaining('could not be read and were left out: tags, title, warnings'),
    ]);
    const { results } = await second.search('harbour tide', { mode: 'keyword' });
    expect(results[0]?.documentName).toBe('harbour.txt');
  });
});
