// Saved answer threads in the engine: saved, listed, opened (with the passages that are gone since), renamed and
// deleted; sealed under the library lock and bound to their id; records read back validated field by field; the
// size caps; and Forget everything removing them.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { SavedTurn, SearchResult } from '../src/engine/api/index.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { openFixtureEngine, textFile } from '../src/engine/testing/fixture-engine.ts';

const PASSPHRASE = 'correct horse battery';
const QUESTION = 'Why does the sourdough rise overnight?';

const file = textFile;
const open = (db: string, wipe?: () => Promise<string[]>) => openFixtureEngine(db, { deps: { wipeStorage: wipe } });

/** A library with one document, and the search result of its passage about sourdough. */
async function libraryWithPassage(db: string, encrypted = false) {
  const { engine } = await open(db);
  if (encrypted) await engine.enableEncryption(PASSPHRASE);
  await engine.ingest(
    [file('bread.txt', 'Lactic acid bacteria make sourdough rise slowly overnight.')],
    () => undefined,
  );
  const [result] = (await engine.search('sourdough', { mode: 'keyword' })).results;
  expect(result).toBeDefined();
  return { engine, result: result! };
}

function turnCiting(result: SearchResult, question = QUESTION): SavedTurn {
  return {
    question,
    retrievalQuery: question,
    state: 'done',
    text: 'Bacteria make it rise slowly [1].',
    checked: {
      text: 'Bacteria make it rise slowly [1].',
      sentences: [{ text: 'Bacteria make it rise slowly [1].', citations: [1], cited: true }],
      citations: [1],
      droppedCitations: 0,
      grounded: true,
    },
    grounding: { answerable: true, reason: 'The passages match the question.' },
    stoppedBy: 'eos',
    passages: [
      {
        n: 1,
        chunkId: result.chunkId,
        documentId: result.documentId,
        title: result.documentName,
        location: '',
        text: result.text,
        score: 0.9,
        start: result.start,
        end: result.end,
      },
    ],
  };
}

/** Every thread row as the database holds it, as one text (a stand-in for a byte dump). */
async function storedThreads(db: string): Promise<string> {
  const raw = await IndexedDbStore.open(db);
  const rows = await raw.listThreads();
  raw.close();
  return JSON.stringify(rows);
}

describe('saved threads', () => {
  it('saves, lists, opens, renames, saves again over the same thread, and deletes', async () => {
    const { engine, result } = await libraryWithPassage('threads-roundtrip');
    expect(await engine.listSavedThreads()).toEqual({ threads: [], unreadable: [] });
    const saved = await engine.saveThread({ turns: [turnCiting(result)] });
    expect(saved).toMatchObject({ title: QUESTION, turnCount: 1 });

    const listed = await engine.listSavedThreads();
    expect(listed.threads).toEqual([saved]);
    const opened = await engine.getSavedThread(saved.id);
    expect(opened.turns).toEqual([turnCiting(result)]);
    expect(opened.goneChunkIds).toEqual([]);

    expect(await engine.renameSavedThread(saved.id, '  Bread   notes ')).toMatchObject({ title: 'Bread notes' });
    await expect(engine.renameSavedThread(saved.id, '   ')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const continued = await engine.saveThread({
      id: saved.id,
      turns: [turnCiting(result), turnCiting(result, 'And how long does it take?')],
    });
    expect(continued).toMatchObject({ id: saved.id, title: 'Bread notes', turnCount: 2, savedAt: saved.savedAt });
    expect((await engine.listSavedThreads()).threads).toHaveLength(1);

    await engine.deleteSavedThread(saved.id);
    expect((await engine.listSavedThreads()).threads).toEqual([]);
    await expect(engine.getSavedThread(saved.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps the cited passage text after its document is deleted, and says which passages are gone', async () => {
    const { engine, result } = await libraryWithPassage('threads-gone');
    const saved = await engine.saveThread({ turns: [turnCiting(result)] });
    await engine.deleteDocument(result.documentId);
    const opened = await engine.getSavedThread(saved.id);
    expect(opened.goneChunkIds).toEqual([result.chunkId]);
    expect(opened.turns[0]!.passages[0]).toMatchObject({ text: result.text, title: 'bread.txt' });
  });

  it('refuses a thread of more than 200 questions and one over 2 MB with a message that says so', async () => {
    const { engine, result } = await libraryWithPassage('threads-caps');
    const turn = turnCiting(result);
    await expect(engine.saveThread({ turns: Array.from({ length: 201 }, () => turn) })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('at most 200'),
    });
    const huge = { ...turn, text: 'x'.repeat(2 * 1024 * 1024 - 100) };
    await expect(engine.saveThread({ turns: [huge] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('at most 2 MB'),
    });
    await expect(engine.saveThread({ turns: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      engine.saveThread({ turns: [{ ...turn, passages: [{ ...turn.passages[0]!, start: -1 }] }] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('passage 1') });
    expect((await engine.listSavedThreads()).threads).toEqual([]);
  });

  it('reports hand-written and damaged records as unreadable instead of showing or deleting them', async () => {
    const { engine, result } = await libraryWithPassage('threads-invalid');
    const good = await engine.saveThread({ turns: [turnCiting(result)] });
    const raw = await IndexedDbStore.open('threads-invalid');
    const row = (await raw.getThread(good.id))!;
    const content = row.content as Record<string, unknown>;
    await raw.putThread({ id: 'not-an-object', content: 'hello' });
    await raw.putThread({ id: 'newer-layout', content: { ...content, version: 2 } });
    await raw.putThread({ id: 'bad-turns', content: { ...content, turns: [{ question: 7 }] } });
    await raw.putThread({
      id: 'bad-score',
      content: {
        ...content,
        turns: [{ ...turnCiting(result), passages: [{ ...turnCiting(result).passages[0], score: 'high' }] }],
      },
    });
    raw.close();

    const listed = await engine.listSavedThreads();
    expect(listed.threads.map((t) => t.id)).toEqual([good.id]);
    expect(listed.unreadable.map((t) => t.id).sort()).toEqual([
      'bad-score',
      'bad-turns',
      'newer-layout',
      'not-an-object',
    ]);
    expect(listed.unreadable.find((t) => t.id === 'bad-score')?.reason).toContain('score');
    await expect(engine.getSavedThread('bad-turns')).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
    expect(JSON.parse(await storedThreads('threads-invalid'))).toHaveLength(5);
  });
});

describe('saved threads under the library lock', () => {
  it('are sealed: the stored rows hold no question, answer or passage text, and a locked library lists none', async () => {
    const { engine, result } = await libraryWithPassage('threads-sealed', true);
    const saved = await engine.saveThread({ turns: [turnCiting(result)] });
    const stored = await storedThreads('threads-sealed');
    expect(stored).toContain(saved.id);
    for (const secret of ['sourdough', 'Bacteria', 'bread.txt', 'overnight']) expect(stored).not.toContain(secret);

    await engine.lock();
    await expect(engine.listSavedThreads()).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(engine.getSavedThread(saved.id)).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(engine.saveThread({ turns: [turnCiting(result)] })).rejects.toMatchObject({ code: 'LOCKED' });

    const again = await open('threads-sealed');
    await expect(again.engine.listSavedThreads()).rejects.toMatchObject({ code: 'LOCKED' });
    await again.engine.unlock(PASSPHRASE);
    expect((await again.engine.getSavedThread(saved.id)).turns[0]!.question).toBe(QUESTION);
  });

  it('a sealed record copied onto another id does not open there', async () => {
    const { engine, result } = await libraryWithPassage('threads-moved', true);
    const saved = await engine.saveThread({ turns: [turnCiting(result)] });
    const raw = await IndexedDbStore.open('threads-moved');
    const row = (await raw.getThread(saved.id))!;
    await raw.putThread({ id: 'copied-elsewhere', content: row.content });
    raw.close();

    const listed = await engine.listSavedThreads();
    expect(listed.threads.map((t) => t.id)).toEqual([saved.id]);
    expect(listed.unreadable).toEqual([{ id: 'copied-elsewhere', reason: expect.stringContaining('integrity') }]);
    await expect(engine.getSavedThread('copied-elsewhere')).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
  });

  it('threads saved before the lock was turned on are sealed with it', async () => {
    const { engine } = await open('threads-then-lock');
    await engine.ingest(
      [file('bread.txt', 'Lactic acid bacteria make sourdough rise slowly overnight.')],
      () => undefined,
    );
    const [result] = (await engine.search('sourdough', { mode: 'keyword' })).results;
    const saved = await engine.saveThread({ turns: [turnCiting(result!)] });
    await engine.deleteDocument(result!.documentId);
    await engine.enableEncryption(PASSPHRASE);
    expect(await storedThreads('threads-then-lock')).not.toContain('sourdough');
    expect((await engine.getSavedThread(saved.id)).title).toBe(QUESTION);
  });
});

describe('Forget everything', () => {
  it('removes saved threads with the rest of the library', async () => {
    const db = 'threads-forget';
    const wipe = async () => {
      await new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase(db);
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
        request.onblocked = () => reject(new Error('blocked'));
      });
      return [`IndexedDB database “${db}”`];
    };
    const { engine } = await open(db, wipe);
    await engine.ingest(
      [file('bread.txt', 'Lactic acid bacteria make sourdough rise slowly overnight.')],
      () => undefined,
    );
    const [result] = (await engine.search('sourdough', { mode: 'keyword' })).results;
    await engine.saveThread({ turns: [turnCiting(result!)] });
    expect(JSON.parse(await storedThreads(db))).toHaveLength(1);
    await engine.forgetEverything();
    await expect(engine.listSavedThreads()).rejects.toMatchObject({ code: 'LIBRARY_STALE' });
    expect(JSON.parse(await storedThreads(db))).toEqual([]);
    const fresh = await open(db);
    expect(await fresh.engine.listSavedThreads()).toEqual({ threads: [], unreadable: [] });
  });
});
