// The library view's list logic, pure so it can be tested and stays linear-ish at thousands of documents: filter
// (text in name or title, format, status, collection, tag), sort (name, date added, size, passages, status), and the
// range a shift-click selects.
import type { DocumentSummary } from '../../../engine/api/index.ts';

export type SortKey = 'name' | 'added' | 'size' | 'passages' | 'status';
/** 'pending': stored and keyword-searchable, vectors not yet made by the current model. */
export type StatusFilter = 'ready' | 'pending' | 'ingesting' | 'failed';

export interface LibraryQuery {
  text: string;
  format?: string;
  status?: StatusFilter;
  collection?: string;
  tag?: string;
  sort: SortKey;
  descending: boolean;
}

export const DEFAULT_QUERY: LibraryQuery = { text: '', sort: 'added', descending: true };

export const SORT_NAMES: Record<SortKey, string> = {
  name: 'Name',
  added: 'Date added',
  size: 'Size',
  passages: 'Passages',
  status: 'Status',
};

export const STATUS_NAMES: Record<StatusFilter, string> = {
  ready: 'Ready',
  pending: 'Vectors pending',
  ingesting: 'Being added',
  failed: 'Failed',
};

export function statusOf(doc: DocumentSummary): StatusFilter {
  if (doc.status === 'ready') return doc.embedded ? 'ready' : 'pending';
  return doc.status;
}

/** Failed first when sorted by status (what needs attention), then being added, pending, ready. */
const STATUS_ORDER: Record<StatusFilter, number> = { failed: 0, ingesting: 1, pending: 2, ready: 3 };

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The documents the query selects, in its order: one pass to filter, one sort (O(n log n)). */
export function viewDocuments(documents: readonly DocumentSummary[], query: LibraryQuery): DocumentSummary[] {
  const needle = query.text.trim().toLocaleLowerCase();
  const kept = documents.filter(
    (doc) =>
      (query.format === undefined || doc.format === query.format) &&
      (query.status === undefined || statusOf(doc) === query.status) &&
      (query.collection === undefined || doc.collection === query.collection) &&
      (query.tag === undefined || doc.tags.includes(query.tag)) &&
      (needle === '' ||
        doc.name.toLocaleLowerCase().includes(needle) ||
        (doc.title?.toLocaleLowerCase().includes(needle) ?? false)),
  );
  const sign = query.descending ? -1 : 1;
  const compare = comparator(query.sort);
  // Ties keep a stable, predictable order: newest first, then by id.
  return kept.sort((a, b) => sign * compare(a, b) || b.addedAt - a.addedAt || b.id - a.id);
}

function comparator(key: SortKey): (a: DocumentSummary, b: DocumentSummary) => number {
  switch (key) {
    case 'name':
      return (a, b) => collator.compare(a.title ?? a.name, b.title ?? b.name);
    case 'added':
      return (a, b) => a.addedAt - b.addedAt;
    case 'size':
      return (a, b) => a.size - b.size;
    case 'passages':
      return (a, b) => a.chunkCount - b.chunkCount;
    case 'status':
      return (a, b) => STATUS_ORDER[statusOf(a)] - STATUS_ORDER[statusOf(b)];
  }
}

/** The ids from `anchor` to `target` inclusive, in the order shown (a shift-click range); just the target if the anchor is not shown. */
export function rangeBetween(shown: readonly number[], anchor: number | undefined, target: number): number[] {
  const to = shown.indexOf(target);
  const from = anchor === undefined ? -1 : shown.indexOf(anchor);
  if (to < 0) return [];
  if (from < 0) return [target];
  return shown.slice(Math.min(from, to), Math.max(from, to) + 1);
}

/** The values a filter menu offers: formats, collections and tags present in the library, sorted. */
export function filterValues(documents: readonly DocumentSummary[]): {
  formats: string[];
  collections: string[];
  tags: string[];
} {
  const formats = new Set<string>();
  const collections = new Set<string>();
  const tags = new Set<string>();
  for (const doc of documents) {
    formats.add(doc.format);
    collections.add(doc.collection);
    for (const tag of doc.tags) tags.add(tag);
  }
  const sorted = (set: Set<string>) => [...set].sort(collator.compare);
  return { formats: sorted(formats), collections: sorted(collections), tags: sorted(tags) };
}
