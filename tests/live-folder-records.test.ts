// Live folders' records with the library lock on: the page keeps them in a database of its own
// ('trove-live-folders'), and only their ids may be readable there while the library is locked. The engine seals
// each record bound to its folder's id; records an older version wrote in clear are checked and sealed on reading.
// The engine runs in Node on fake-indexeddb; the page's folder store runs against the same fake IndexedDB.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import {
  readFolders,
  removeFolder,
  saveFolder,
  type LiveFolder,
  type RecordSealer,
} from '../src/ui/features/live-folders/folder-store.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };
const PASSPHRASE = 'correct horse battery';
const FOLDER_NAME = 'Divorce lawyer Smith';
const FILE_NAME = 'custody-draft.md';
const FOLDERS_DATABASE = 'trove-live-folders';

async function open(db: string): Promise<TroveEngine> {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    libraryName: db,
  });
  await engine.init(fixtureSettings);
  return engine;
}

const sealerOf = (engine: TroveEngine): RecordSealer => ({
  seal: (id, record) => engine.sealFolderRecord(id, record),
  open: (id, sealed) => engine.openFolderRecord(id, sealed),
});

function folder(id: string): LiveFolder {
  return {
    id,
    name: FOLDER_NAME,
    collection: 'library',
    addedAt: 1000,
    lastScan: 2000,
    counts: {
      added: 3,
      changed: 1,
      moved: 0,
      removed: 0,
      kept: 0,
      unchanged: 2,
      skipped: 0,
      failed: 1,
      passagesEmbedded: 4,
      passagesReused: 9,
    },
    errors: [`${FILE_NAME}: The file could not be read.`],
  };
}

/** The folder records as stored, and every string in them (keys too): a stand-in for a look at the disk. */
async function storedRecords(): Promise<{ rows: Array<Record<string, unknown>>; text: string }> {
  const db = await openDB(FOLDERS_DATABASE);
  const rows = (await db.getAll('folders')) as Array<Record<string, unknown>>;
  db.close();
  const parts: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') parts.push(value);
    else if (ArrayBuffer.isView(value)) parts.push(new TextDecoder('latin1').decode(value));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        parts.push(k);
        walk(v);
      }
    }
  };
  walk(rows);
  return { rows, text: parts.join('\n') };
}

afterEach(async () => {
  const db = await openDB(FOLDERS_DATABASE, 1, { upgrade: (d) => d.createObjectStore('folders', { keyPath: 'id' }) });
  await db.clear('folders');
  db.close();
});

describe('live folder records under the library lock', () => {
  it('a locked library’s folder records hold only their id and sealed bytes: no folder or file name', async () => {
    const engine = await open('live-records-sealed');
    await engine.enableEncryption(PASSPHRASE);
    await saveFolder(folder('f-1'), sealerOf(engine));
    await engine.lock();

    const { rows, text } = await storedRecords();
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).sort()).toEqual(['id', 'sealed']);
    expect(rows[0]!.id).toBe('f-1');
    for (const secret of ['Divorce', 'lawyer', 'custody', 'library', 'collection', 'lastScan', 'errors'])
      expect(text).not.toContain(secret);

    // Locked, nothing opens; unlocked, the record reads back whole.
    await expect(readFolders(sealerOf(engine))).rejects.toMatchObject({ code: 'LOCKED' });
    await engine.unlock(PASSPHRASE);
    const { folders, unreadable } = await readFolders(sealerOf(engine));
    expect(unreadable).toBe(0);
    expect(folders).toEqual([folder('f-1')]);
    await engine.close();
  });

  it('sealing a folder record while locked is refused, and nothing is written in clear instead', async () => {
    const engine = await open('live-records-locked-write');
    await engine.enableEncryption(PASSPHRASE);
    await engine.lock();
    await expect(saveFolder(folder('f-2'), sealerOf(engine))).rejects.toMatchObject({ code: 'LOCKED' });
    expect((await storedRecords()).rows).toEqual([]);
    await engine.close();
  });

  it('a record written in clear before the lock is read field by field and sealed at once', async () => {
    const engine = await open('live-records-legacy');
    await engine.enableEncryption(PASSPHRASE);
    const db = await openDB(FOLDERS_DATABASE);
    // As an older Trove stored it (its handle left out: Node cannot store one), with a damaged count and error list.
    await db.put('folders', {
      ...folder('f-3'),
      counts: { ...folder('f-3').counts, added: -1 },
      errors: [7],
      problem: 'The folder is gone.',
    });
    await db.put('folders', { id: 'f-4', name: 42 }); // not a record: left alone, not shown
    db.close();

    const { folders } = await readFolders(sealerOf(engine));
    const expected: LiveFolder = { ...folder('f-3'), problem: 'The folder is gone.' };
    delete expected.counts;
    delete expected.errors;
    expect(folders).toEqual([expected]);
    const { rows, text } = await storedRecords();
    expect(rows.find((row) => row.id === 'f-3')).toEqual({ id: 'f-3', sealed: expect.any(Uint8Array) });
    expect(text).not.toContain('Divorce');
    expect(text).not.toContain('The folder is gone');
    // Sealed, it reads back the same.
    expect((await readFolders(sealerOf(engine))).folders).toEqual([expected]);
    await engine.close();
  });

  it('a sealed record moved onto another folder’s id does not open: reported, kept, not shown', async () => {
    const engine = await open('live-records-swap');
    await engine.enableEncryption(PASSPHRASE);
    await saveFolder(folder('f-5'), sealerOf(engine));
    const db = await openDB(FOLDERS_DATABASE);
    const sealed = ((await db.get('folders', 'f-5')) as { sealed: Uint8Array }).sealed;
    await db.put('folders', { id: 'f-6', sealed });
    db.close();

    const { folders, unreadable } = await readFolders(sealerOf(engine));
    expect(folders.map((f) => f.id)).toEqual(['f-5']);
    expect(unreadable).toBe(1);
    expect((await storedRecords()).rows.map((row) => row.id).sort()).toEqual(['f-5', 'f-6']);
    await removeFolder('f-6');
    expect((await readFolders(sealerOf(engine))).unreadable).toBe(0);
    await engine.close();
  });

  it('a library without the lock keeps its folder records as they are', async () => {
    const engine = await open('live-records-plain');
    expect(await engine.sealFolderRecord('f-7', { name: FOLDER_NAME })).toBeUndefined();
    await saveFolder(folder('f-7'), sealerOf(engine));
    const { rows } = await storedRecords();
    expect(rows).toEqual([folder('f-7')]);
    expect((await readFolders(sealerOf(engine))).folders).toEqual([folder('f-7')]);
    await engine.close();
  });
});
