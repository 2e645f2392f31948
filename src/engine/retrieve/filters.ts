// Search filters over document metadata. Decided once per document, then applied per chunk during retrieval
// (inside the HNSW traversal and the BM25 scan), never after it: a selective filter still yields k results.
import type { SearchFilter } from '../api/search.ts';
import { collectionOf } from '../core/collections.ts';
import type { DocumentRecord } from '../store/store.ts';

/** True when a filter restricts anything. */
export function isActive(filter: SearchFilter | undefined): filter is SearchFilter {
  if (!filter) return false;
  return Object.values(filter).some((value) => (Array.isArray(value) ? value.length > 0 : value !== undefined));
}

export function documentMatches(doc: DocumentRecord, filter: SearchFilter): boolean {
  if (filter.collections?.length && !filter.collections.includes(collectionOf(doc))) return false;
  if (filter.documentIds?.length && !filter.documentIds.includes(doc.id)) return false;
  if (filter.formats?.length && !filter.formats.includes(doc.format)) return false;
  if (filter.tags?.length && !(doc.tags ?? []).some((tag) => filter.tags!.includes(tag))) return false;
  if (filter.languages?.length && !(doc.language && filter.languages.includes(doc.language))) return false;
  if (filter.folders?.length) {
    const folder = doc.folder ?? '';
    if (!filter.folders.some((f) => folder === f || folder.startsWith(`${f.replace(/\/+$/, '')}/`))) return false;
  }
  if (filter.addedFrom !== undefined && doc.addedAt < filter.addedFrom) return false;
  if (filter.addedTo !== undefined && doc.addedAt > filter.addedTo) return false;
  return true;
}
