import { describe, expect, it } from 'vitest';
import type { DocumentRecord } from '../store/store.ts';
import { DocumentMap } from './document-map.ts';
import { DEFAULT_COLLECTION } from '../core/collections.ts';

function doc(id: number, extra: Partial<DocumentRecord> = {}): DocumentRecord {
  return { id, name: `d${id}.txt`, format: 'text', size: 1, addedAt: 1, status: 'ready', chunkCount: 1, ...extra };
}

describe('DocumentMap', () => {
  it('finds documents by content and by place, following every set, delete and clear', () => {
    const docs = new DocumentMap();
    docs.set(1, doc(1, { sha256: 'aa', folder: 'notes' }));
    docs.set(2, doc(2, { sha256: 'aa', collection: 'work' }));
    docs.set(3, doc(3, { sha256: 'bb', name: 'd1.txt', folder: 'notes' }));
    expect(docs.withContent(DEFAULT_COLLECTION, 'aa').map((d) => d.id)).toEqual([1]);
    expect(docs.withContent('work', 'aa').map((d) => d.id)).toEqual([2]);
    expect(docs.atPlace(DEFAULT_COLLECTION, 'notes', 'd1.txt').map((d) => d.id)).toEqual([1, 3]);
    expect(docs.atPlace(DEFAULT_COLLECTION, undefined, 'd1.txt')).toEqual([]);

    // A status change keeps its place in the order; a move to another collection moves it in the lookups.
    docs.set(1, { ...docs.get(1)!, status: 'failed' });
    expect(docs.atPlace(DEFAULT_COLLECTION, 'notes', 'd1.txt').map((d) => [d.id, d.status])).toEqual([
      [1, 'failed'],
      [3, 'ready'],
    ]);
    docs.set(1, { ...docs.get(1)!, collection: 'work' });
    expect(docs.withContent(DEFAULT_COLLECTION, 'aa')).toEqual([]);
    expect(docs.withContent('work', 'aa').map((d) => d.id)).toEqual([2, 1]);

    docs.delete(3);
    expect(docs.atPlace(DEFAULT_COLLECTION, 'notes', 'd1.txt')).toEqual([]);
    docs.clear();
    expect(docs.withContent('work', 'aa')).toEqual([]);
    expect(docs.size).toBe(0);
  });
});
