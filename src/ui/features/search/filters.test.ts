import { describe, expect, it } from 'vitest';
import type { DocumentSummary } from '../../../engine/api/index.ts';
import {
  NO_FILTERS,
  addValue,
  type Filters,
  chipsOf,
  loadFilters,
  parseFilters,
  removeChip,
  saveFilters,
  toSearchFilter,
} from './filters.ts';

describe('filters', () => {
  it('survive a save and load, and drop malformed values', () => {
    const memory = new Map<string, string>();
    const storage = {
      getItem: (k: string) => memory.get(k) ?? null,
      setItem: (k: string, v: string) => void memory.set(k, v),
    };
    const set = addValue(addValue(addValue(NO_FILTERS, 'tags', 'review'), 'collections', 'work'), 'documentIds', 7);
    saveFilters({ ...set, addedFrom: '2026-01-02' }, storage);
    expect(loadFilters(storage)).toEqual({ ...set, addedFrom: '2026-01-02' });
    expect(parseFilters('{"tags":["a",3],"documentIds":["x",4],"addedTo":"soon"}')).toEqual({
      ...NO_FILTERS,
      tags: ['a'],
      documentIds: [4],
    });
    expect(parseFilters('not json')).toEqual(NO_FILTERS);
  });

  it('become the engine filter (none when empty; a date range covers whole days)', () => {
    expect(toSearchFilter(NO_FILTERS)).toBeUndefined();
    const filter = toSearchFilter({
      ...addValue(NO_FILTERS, 'formats', 'pdf'),
      addedFrom: '2026-03-01',
      addedTo: '2026-03-01',
    })!;
    expect(filter.formats).toEqual(['pdf']);
    expect(filter.addedTo! - filter.addedFrom!).toBe(24 * 3600 * 1000);
    expect(filter.tags).toBeUndefined();
  });

  it('show one removable chip per value, with names rather than ids', () => {
    const doc = { id: 7, name: 'a.txt', title: 'The A' } as DocumentSummary;
    const filters = {
      ...addValue(addValue(NO_FILTERS, 'collections', 'work'), 'documentIds', 7),
      addedTo: '2026-01-01',
    };
    const chips = chipsOf(filters, { collections: new Map([['work', 'Work']]), documents: new Map([[7, doc]]) });
    expect(chips.map((c) => c.label)).toEqual(['Collection: Work', 'Document: The A', 'Added until 2026-01-01']);
    let left: Filters = filters;
    for (const chip of chips) left = removeChip(left, chip);
    expect(toSearchFilter(left)).toBeUndefined();
  });
});
