// Records an older version wrote (or damaged on disk) are read back checked: sanitised, or marked failed with the
// reason, never handed on as values that throw later.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { checkedReads, storedChunk, storedDocument, storedText } from './checked-reads.ts';
import { IndexedDbStore } from './indexeddb-store.ts';

const valid = { id: 3, name: 'a.md', format: 'markdown', size: 10, addedAt: 1, status: 'ready', chunkCount: 1 };

describe('checked store reads', () => {
  it('keeps a valid document as it is, without unknown keys', () => {
    expect(storedDocument({ ...valid, title: 'A', extra: { x: 1 } }, 3)).toEqual({ ...valid, title: 'A' });
  });

  it('leaves out a title that is an object, tags that are text and warnings that are not a list, and says so', () => {
    const doc = storedDocument({ ...valid, title: { en: 'A' }, tags: 'x,y', warnings: 'bad', folder: 'f' }, 3);
    expect(doc).toMatchObject({ ...valid, folder: 'f' });
    expect(doc.title).toBeUndefined();
    expect(doc.tags).toBeUndefined();
    expect(doc.warnings).toEqual([expect.stringContaining('left out: tags, title, warnings')]);
  });

  it('marks a document failed with the reason when a field it needs is unreadable', () => {
    const doc = storedDocument({ ...valid, name: 42, status: 'weird' }, 3);
    expect(doc).toMatchObject({ id: 3, name: 'Document 3', status: 'failed', error: { code: 'STORAGE_FAILED' } });
    expect(doc.error?.message).toContain('“name”');
  });

  it('reads a text with bad blocks as its text and its good blocks', () => {
    const text = storedText({ docId: 3, text: 'abc', blocks: [{ start: 0, end: 3, kind: 'paragraph' }, 'x'] }, 3);
    expect(text).toEqual({ docId: 3, text: 'abc', blocks: [{ start: 0, end: 3, kind: 'paragraph' }] });
    expect(storedText({ docId: 3, text: 7 }, 3)).toEqual({ docId: 3, text: '', blocks: [] });
  });

  it('reads a chunk with a bad heading path and page with those left out', () => {
    const chunk = { id: 5, docId: 3, text: 't', start: 0, end: 1, headingPath: 'H', tokenCount: 1, page: 'one' };
    expect(storedChunk(chunk)).toEqual([
      { id: 5, docId: 3, text: 't', start: 0, end: 1, headingPath: [], tokenCount: 1 },
    ]);
    expect(storedChunk({ id: 5, text: 't' })).toEqual([]);
  });

  it('checks what an IndexedDB store returns, and leaves its other calls to it', async () => {
    const plain = await IndexedDbStore.open('checked-reads-1');
    const id = await plain.createDocument(
      { name: 'a.md', format: 'markdown', size: 3, addedAt: 1 },
      { text: 'abc', blocks: [] },
    );
    plain.close();
    const db = await openDB('checked-reads-1');
    await db.put('documents', { ...(await db.get('documents', id)), title: { en: 'A' }, tags: 'a' });
    db.close();
    const store = checkedReads(await IndexedDbStore.open('checked-reads-1'));
    expect(checkedReads(store)).toBe(store);
    const [doc] = await store.listDocuments();
    expect(doc.title).toBeUndefined();
    expect(doc.tags).toBeUndefined();
    expect((await store.getDocument(id))?.warnings).toHaveLength(1);
    expect(await store.libraryVersion()).toBeGreaterThan(0);
    store.close();
  });
});
