import { describe, expect, it } from 'vitest';
import type { DocumentSummary } from '../../../engine/api/index.ts';
import { DEFAULT_QUERY, filterValues, rangeBetween, viewDocuments } from './library-view.ts';

function doc(id: number, extra: Partial<DocumentSummary> = {}): DocumentSummary {
  return {
    id,
    name: `doc-${id}.txt`,
    format: 'text',
    size: id * 100,
    addedAt: 1_000 + id,
    chunkCount: 10 - id,
    status: 'ready',
    embedded: true,
    collection: 'default',
    tags: [],
    ...extra,
  };
}

const library = [
  doc(1, { name: 'Zebra notes.md', format: 'markdown', tags: ['animals'] }),
  doc(2, { name: 'apple.pdf', format: 'pdf', title: 'Orchard Handbook', collection: 'work' }),
  doc(3, { name: 'broken.txt', status: 'failed', embedded: false }),
  doc(4, { name: 'later.txt', embedded: false, tags: ['animals', 'todo'] }),
  doc(5, { name: 'busy.txt', status: 'ingesting', embedded: false }),
];
const ids = (docs: DocumentSummary[]) => docs.map((d) => d.id);

describe('viewDocuments', () => {
  it('sorts newest first by default, and by every key both ways', () => {
    expect(ids(viewDocuments(library, DEFAULT_QUERY))).toEqual([5, 4, 3, 2, 1]);
    expect(ids(viewDocuments(library, { ...DEFAULT_QUERY, sort: 'name', descending: false }))).toEqual([3, 5, 4, 2, 1]);
    expect(ids(viewDocuments(library, { ...DEFAULT_QUERY, sort: 'size', descending: true }))).toEqual([5, 4, 3, 2, 1]);
    expect(ids(viewDocuments(library, { ...DEFAULT_QUERY, sort: 'passages', descending: true }))).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(ids(viewDocuments(library, { ...DEFAULT_QUERY, sort: 'status', descending: false }))).toEqual([
      3, 5, 4, 2, 1,
    ]);
  });

  it('filters by text in the name or title, format, status, collection and tag', () => {
    expect(ids(viewDocuments(library, { ...DEFAULT_QUERY, text: 'orchard' }))).toEqual([2]);
    expect(ids(viewDocuments(library, { ...DEFAULT_QUERY, text: 'ZEBRA' }))).toEqual([1]);
    expect(ids(viewDocuments(library, { ...DEFAULT_QUERY, format: 'pdf' }))).toEqual([2]);
    expect(ids(viewDocuments(library, { ...DEFAULT_QUERY, status: 'failed' }))).toEqual([3]);
    expect(ids(viewDocuments(library, { ...DEFAULT_QUERY, status: 'pending' }))).toEqual([4]);
    expect(ids(viewDocuments(library, { ...DEFAULT_QUERY, status: 'ingesting' }))).toEqual([5]);
    expect(ids(viewDocuments(library, { ...DEFAULT_QUERY, collection: 'work' }))).toEqual([2]);
    expect(ids(viewDocuments(library, { ...DEFAULT_QUERY, tag: 'animals', sort: 'name', descending: false }))).toEqual([
      4, 1,
    ]);
    expect(ids(viewDocuments(library, { ...DEFAULT_QUERY, tag: 'animals', text: 'later' }))).toEqual([4]);
  });

  it('does not reorder the array it was given', () => {
    const copy = [...library];
    viewDocuments(library, { ...DEFAULT_QUERY, sort: 'name' });
    expect(library).toEqual(copy);
  });

  it('filters and sorts 20,000 documents correctly', () => {
    const many = Array.from({ length: 20_000 }, (_, i) =>
      doc(i, {
        name: `file ${(i * 7919) % 20_000}.txt`,
        size: (i * 104_729) % 1_000_003,
        tags: i % 3 === 0 ? ['x'] : [],
      }),
    );
    const sorted = viewDocuments(many, { ...DEFAULT_QUERY, sort: 'name', descending: false, tag: 'x', text: 'file 1' });
    expect(sorted.length).toBeGreaterThan(100);
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i - 1].name.localeCompare(sorted[i].name, undefined, { numeric: true })).toBeLessThanOrEqual(0);
    }
  });
});

describe('rangeBetween', () => {
  it('selects the shown rows between the anchor and the clicked one, either direction', () => {
    const shown = [9, 4, 7, 1, 3];
    expect(rangeBetween(shown, 4, 1)).toEqual([4, 7, 1]);
    expect(rangeBetween(shown, 3, 7)).toEqual([7, 1, 3]);
    expect(rangeBetween(shown, undefined, 7)).toEqual([7]);
    expect(rangeBetween(shown, 42, 7)).toEqual([7]);
    expect(rangeBetween(shown, 4, 42)).toEqual([]);
  });
});

describe('filterValues', () => {
  it('offers the formats, collections and tags present', () => {
    expect(filterValues(library)).toEqual({
      formats: ['markdown', 'pdf', 'text'],
      collections: ['default', 'work'],
      tags: ['animals', 'todo'],
    });
  });
});
