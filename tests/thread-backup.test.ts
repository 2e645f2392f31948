// Saved answer threads in .trove export and import: they travel with a whole-library export (plain or encrypted),
// come back under fresh ids beside the threads already there, and their citations open the imported passages; a
// hostile file's threads are refused one by one and capped, and a file written before threads travelled imports
// as before.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { SavedTurn, SearchResult } from '../src/engine/api/index.ts';
import { BACKUP_FORMAT_VERSION, type BackupEntry, type BackupSource } from '../src/engine/backup/backup-types.ts';
import { encodeSection, fileHeader, jsonBytes } from '../src/engine/backup/container.ts';
import { GONE_ID, MAX_IMPORTED_THREADS } from '../src/engine/backup/thread-entry.ts';
import { backupToBytes } from '../src/engine/backup/write-backup.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { THREAD_RECORD_VERSION } from '../src/engine/store/thread-record.ts';
import { openFixtureEngine, textFile } from '../src/engine/testing/fixture-engine.ts';

const EXPORT_PASSPHRASE = 'export passphrase 42';

const file = textFile;

async function open(db: string) {
  const { engine } = await openFixtureEngine(db);
  await engine.loadModel();
  return engine;
}

function turnCiting(results: SearchResult[], question: string): SavedTurn {
  return {
    question,
    retrievalQuery: question,
    state: 'done',
    text: 'Bacteria make it rise slowly [1].',
    stoppedBy: 'eos',
    passages: results.map((result, i) => ({
      n: i + 1,
      chunkId: result.chunkId,
      documentId: result.documentId,
      title: result.documentName,
      location: '',
      text: result.text,
      score: 0.9,
      start: result.start,
      end: result.end,
    })),
  };
}

/** A library with a saved thread citing its sourdough passage and a passage of a document deleted since. */
async function libraryWithThread(db: string) {
  const engine = await open(db);
  await engine.ingest(
    [
      file('bread.txt', 'Lactic acid bacteria make sourdough rise slowly overnight.'),
      file('kiln.txt', 'A kiln fires clay pots at high heat.'),
    ],
    () => undefined,
  );
  const [bread] = (await engine.search('sourdough', { mode: 'keyword' })).results;
  const [kiln] = (await engine.search('kiln', { mode: 'keyword' })).results;
  const saved = await engine.saveThread({ turns: [turnCiting([bread!, kiln!], 'Why does sourdough rise?')] });
  await engine.deleteDocument(kiln!.documentId);
  return { engine, saved, bread: bread! };
}

/** A library that already holds a document and a saved thread, so imported ids cannot equal the exported ones. */
async function busyLibrary(db: string) {
  const engine = await open(db);
  await engine.ingest([file('tides.txt', 'Ocean tides follow the moon.')], () => undefined);
  const [tides] = (await engine.search('tides', { mode: 'keyword' })).results;
  const mine = await engine.saveThread({ turns: [turnCiting([tides!], 'What moves the tides?')] });
  return { engine, mine };
}

/** The text a saved passage opens to in the viewer: its document's text over its range. */
async function opened(engine: TroveEngine, passage: { documentId: number; start: number; end: number }) {
  const document = await engine.getDocument(passage.documentId);
  return { name: document.name, text: document.text.slice(passage.start, passage.end) };
}

async function importedThread(engine: TroveEngine, mineId: string) {
  const listed = await engine.listSavedThreads();
  const theirs = listed.threads.filter((t) => t.id !== mineId);
  expect(theirs).toHaveLength(1);
  return engine.getSavedThread(theirs[0]!.id);
}

describe('saved threads in .trove export and import', () => {
  for (const encrypted of [false, true]) {
    it(`travel in a ${encrypted ? 'passphrase-encrypted' : 'plain'} export: fresh id, citations open the imported passage, a deleted one stays gone`, async () => {
      const tag = encrypted ? 'enc' : 'plain';
      const { engine: source, saved, bread } = await libraryWithThread(`thr-src-${tag}`);
      const progress: Array<{ threads?: number; skippedThreads?: number }> = [];
      const blob = await source.exportLibrary(encrypted ? { passphrase: EXPORT_PASSPHRASE } : {}, (p) =>
        progress.push(p),
      );
      expect(progress.at(-1)).toMatchObject({ threads: 1, skippedThreads: 0 });
      if (encrypted) expect(Buffer.from(await blob.arrayBuffer()).includes('sourdough')).toBe(false);

      const { engine: target, mine } = await busyLibrary(`thr-dst-${tag}`);
      const summary = await target.importLibrary(blob, encrypted ? { passphrase: EXPORT_PASSPHRASE } : {});
      expect(summary).toMatchObject({ documents: 1, threads: 1, refusedThreads: 0, threadsOverLimit: 0 });

      expect((await target.getSavedThread(mine.id)).title).toBe('What moves the tides?');
      const thread = await importedThread(target, mine.id);
      expect(thread.id).not.toBe(saved.id);
      expect(thread).toMatchObject({ title: saved.title, savedAt: saved.savedAt, turnCount: 1 });
      const [cited, deleted] = thread.turns[0]!.passages;
      expect(cited!.chunkId).not.toBe(bread.chunkId);
      expect(cited!.documentId).not.toBe(bread.documentId);
      expect(await opened(target, cited!)).toEqual({ name: 'bread.txt', text: bread.text });
      expect(deleted).toMatchObject({ chunkId: GONE_ID, documentId: GONE_ID, title: 'kiln.txt' });
      expect(deleted!.text).toContain('kiln');
      expect(thread.goneChunkIds).toEqual([GONE_ID]);
    });
  }

  it('stay out of a one-collection export', async () => {
    const { engine } = await libraryWithThread('thr-collection');
    const [collection] = await engine.listCollections();
    const blob = await engine.exportLibrary({ collection: collection!.id });
    const { engine: target, mine } = await busyLibrary('thr-collection-dst');
    expect(await target.importLibrary(blob)).toMatchObject({ documents: 1, threads: 0 });
    expect((await target.listSavedThreads()).threads.map((t) => t.id)).toEqual([mine.id]);
  });

  it('an unreadable saved thread is left out of the export and counted', async () => {
    const { engine } = await libraryWithThread('thr-unreadable');
    const raw = await IndexedDbStore.open('thr-unreadable');
    await raw.putThread({ id: 'hand-written', content: { version: THREAD_RECORD_VERSION, title: 7 } });
    raw.close();
    const progress: Array<{ threads?: number; skippedThreads?: number }> = [];
    const blob = await engine.exportLibrary({}, (p) => progress.push(p));
    expect(progress.at(-1)).toMatchObject({ threads: 1, skippedThreads: 1 });
    const target = await open('thr-unreadable-dst');
    expect(await target.importLibrary(blob)).toMatchObject({ threads: 1, refusedThreads: 0 });
  });

  it('a hostile file: malformed threads are refused with a count, 10,000 threads are capped, documents still import', async () => {
    const good = {
      version: THREAD_RECORD_VERSION,
      title: 'Fine',
      savedAt: 1,
      updatedAt: 2,
      turns: [{ question: 'Q?', retrievalQuery: 'Q?', state: 'done', text: 'A.', passages: [] }],
    };
    const bad: unknown[] = [
      { ...good, title: { toString: 'x' } },
      { ...good, turns: [{ ...good.turns[0], passages: [{ n: 1, chunkId: 'DROP TABLE' }] }] },
      { ...good, turns: 'many' },
      { ...good, version: 2 },
      { ...good, turns: [{ ...good.turns[0], text: 'x'.repeat(2 * 1024 * 1024 + 10) }] },
    ];
    const count = 10_000;
    const entries: BackupEntry[] = [
      ...bad.map((thread) => ({ kind: 'thread', thread }) as BackupEntry),
      ...Array.from({ length: count }, () => ({ kind: 'thread', thread: good }) as BackupEntry),
    ];
    const source: BackupSource = {
      describe: async () => ({
        appVersion: 'hostile',
        collection: '*',
        model: null,
        counts: { documents: 0, chunks: 0, vectors: 0, indexPages: 0, threads: entries.length },
      }),
      async *entries() {
        yield* entries;
      },
    };
    const bytes = await backupToBytes(source);
    const target = await open('thr-hostile');
    const summary = await target.importLibrary(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    expect(summary).toMatchObject({
      threads: MAX_IMPORTED_THREADS,
      refusedThreads: bad.length,
      threadsOverLimit: count - MAX_IMPORTED_THREADS,
    });
    const listed = await target.listSavedThreads();
    expect(listed.threads).toHaveLength(MAX_IMPORTED_THREADS);
    expect(listed.unreadable).toEqual([]);
  }, 120_000);

  it('a file written before saved threads travelled (no THRD section, no thread count) imports as before', async () => {
    const document = {
      id: 4,
      name: 'old.txt',
      format: 'text',
      size: 12,
      addedAt: 1,
      status: 'ready',
      chunkCount: 0,
    };
    const counts = { documents: 1, chunks: 0, vectors: 0, indexPages: 0 };
    const manifest = {
      format: 'trove-library',
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: '2025-01-01T00:00:00.000Z',
      appVersion: 'old',
      collection: '*',
      model: null,
      counts,
    };
    const parts = [
      fileHeader(BACKUP_FORMAT_VERSION),
      await encodeSection('MANI', jsonBytes(manifest)),
      await encodeSection('DOCU', jsonBytes({ document, text: { docId: 4, text: 'Old notes.', blocks: [] } })),
      await encodeSection('END.', jsonBytes(counts)),
    ];
    const { engine: target, mine } = await busyLibrary('thr-old-file');
    const summary = await target.importLibrary(new Blob(parts as Uint8Array<ArrayBuffer>[]));
    expect(summary).toMatchObject({ documents: 1, threads: 0, refusedThreads: 0 });
    expect((await target.listDocuments()).map((d) => d.name).sort()).toEqual(['old.txt', 'tides.txt']);
    expect((await target.listSavedThreads()).threads.map((t) => t.id)).toEqual([mine.id]);
  });
});
