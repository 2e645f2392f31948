// A document's passages, a page at a time, for the library view: a document of thousands of passages is read in
// pages (only the chunks of the page are fetched), in the order they appear in the document.
import { TroveError } from '../core/errors.ts';
import type { LibraryCatalogue } from './catalogue.ts';
import type { Store } from '../store/store.ts';
import type { PassageListItem, PassagePage } from '../api/index.ts';

/** The most passages one call returns. */
export const MAX_PASSAGE_PAGE = 500;

export async function listPassages(
  store: Store,
  catalogue: LibraryCatalogue,
  documentId: number,
  offset: number,
  limit: number,
): Promise<PassagePage> {
  if (!Number.isInteger(offset) || offset < 0) {
    throw new TroveError('INVALID_ARGUMENT', `offset must be a whole number of at least 0, got ${String(offset)}.`);
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PASSAGE_PAGE) {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `limit must be a whole number from 1 to ${MAX_PASSAGE_PAGE}, got ${String(limit)}.`,
    );
  }
  const doc = catalogue.docs.get(documentId);
  if (!doc) throw new TroveError('NOT_FOUND', `No document with id ${documentId}.`);
  // The catalogue holds the chunk ids of searchable documents; a failed one's stored chunks are only in the store.
  let ids = catalogue.chunksOf(documentId);
  if (ids.length === 0 && doc.status !== 'ready') {
    const rows = await store.chunksOf(documentId);
    return page(documentId, rows.length, offset, rows.slice(offset, offset + limit));
  }
  if (!isAscending(ids)) ids = [...ids].sort((a, b) => a - b);
  const rows = await store.getChunks(ids.slice(offset, offset + limit));
  rows.sort((a, b) => a.id - b.id);
  return page(documentId, ids.length, offset, rows);
}

function page(
  documentId: number,
  total: number,
  offset: number,
  rows: Array<{ id: number; text: string; start: number; end: number; page?: number }>,
): PassagePage {
  return {
    documentId,
    total,
    offset,
    passages: rows.map((row, i) => {
      const item: PassageListItem = {
        chunkId: row.id,
        index: offset + i,
        text: row.text,
        start: row.start,
        end: row.end,
      };
      if (row.page !== undefined) item.page = row.page;
      return item;
    }),
  };
}

function isAscending(ids: readonly number[]): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i] < ids[i - 1]) return false;
  return true;
}
