// Where a sealed record belongs, and the context string bound into its AES-GCM additional data. A record opened
// under another place's context fails: a name moved to another document, a chunk's text swapped with another
// chunk's, or vectors paired with other chunk ids are refused as damaged instead of shown as if they belonged.
import { TroveError } from '../core/errors.ts';

export type RecordPlace =
  | { kind: 'document'; field: 'secrets' | 'tags' | 'sha256' | 'error'; docId: number }
  | { kind: 'text'; field: 'text'; docId: number }
  | { kind: 'chunk'; field: 'content'; docId: number; chunkId: number }
  | { kind: 'terms'; field: 'terms'; docId: number; chunkId: number }
  | {
      kind: 'vectors';
      field: 'vectors';
      docId: number;
      fingerprint: string;
      dims: number;
      /** SHA-256 (hex) of the batch's chunk ids as little-endian u32s: the vectors belong to these chunks, in this order. */
      chunkIdsHash: string;
    }
  | { kind: 'original'; field: 'meta' | 'bytes'; docId: number }
  /** n: 0 for a picture document's own picture, 1, 2, … for the pictures inside a document. */
  | { kind: 'picture'; field: 'vector' | 'thumbnail'; docId: number; n: number; fingerprint: string }
  | { kind: 'index-page'; field: 'bytes'; set: string; name: string }
  | { kind: 'setting'; field: 'value'; key: string }
  /** A live folder's record, kept by the page in a database of its own (its name, counts, errors). */
  | { kind: 'live-folder'; field: 'record'; folderId: string }
  /** A saved answer thread: everything but its id. */
  | { kind: 'thread'; field: 'content'; threadId: string };

/** The additional data of a version 2 envelope: a JSON array, so no two places can spell the same string. */
export function recordContext(place: RecordPlace): string {
  const head = ['trove-record', 2, place.kind, place.field];
  switch (place.kind) {
    case 'document':
    case 'text':
    case 'original':
      return JSON.stringify([...head, place.docId]);
    case 'chunk':
    case 'terms':
      return JSON.stringify([...head, place.docId, place.chunkId]);
    case 'vectors':
      return JSON.stringify([...head, place.docId, place.fingerprint, place.dims, place.chunkIdsHash]);
    case 'picture':
      // n = 0 keeps the context picture documents were sealed with before pictures inside documents existed.
      return JSON.stringify(
        place.n === 0 ? [...head, place.docId, place.fingerprint] : [...head, place.docId, place.n, place.fingerprint],
      );
    case 'index-page':
      return JSON.stringify([...head, place.set, place.name]);
    case 'setting':
      return JSON.stringify([...head, place.key]);
    case 'live-folder':
      return JSON.stringify([...head, place.folderId]);
    case 'thread':
      return JSON.stringify([...head, place.threadId]);
  }
}

/**
 * The context version 1 envelopes were sealed with. For reading only: documents, texts, chunks, terms and vectors
 * named no document or chunk in it, so those are accepted only until the library has been re-sealed.
 */
export function legacyRecordContext(place: RecordPlace): string {
  switch (place.kind) {
    case 'document':
      return place.field === 'secrets' ? 'doc' : `doc-${place.field}`;
    case 'text':
      return 'text';
    case 'chunk':
      return `chunk:${place.docId}`;
    case 'terms':
      return `terms:${place.docId}`;
    case 'vectors':
      return `vectors:${place.docId}:${place.fingerprint}`;
    case 'original':
      return place.field === 'meta' ? `original:${place.docId}` : `original-bytes:${place.docId}`;
    case 'index-page':
      return `page:${place.set}/${place.name}`;
    case 'setting':
      return `setting:${place.key}`;
    case 'live-folder':
    case 'thread':
      return recordContext(place); // sealed with version 2 envelopes only
    case 'picture':
      return recordContext(place); // pictures were never sealed with a version 1 context
  }
}

/** Whether the version 1 context already named the record's slot fully (so such records stay acceptable). */
export function legacyContextBindsPlace(place: RecordPlace): boolean {
  return place.kind === 'original' || place.kind === 'index-page' || place.kind === 'setting';
}

/** SHA-256 (hex) of chunk ids as little-endian u32s. */
export async function hashChunkIds(chunkIds: Uint32Array): Promise<string> {
  const bytes = new Uint8Array(chunkIds.length * 4);
  const view = new DataView(bytes.buffer);
  chunkIds.forEach((id, i) => view.setUint32(i * 4, id, true));
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What a refused record's document shows as its error (the record is kept: nothing is deleted). */
export const INTEGRITY_MESSAGE =
  'Its stored data failed the integrity check: a record was changed or moved on disk. Nothing was deleted; ' +
  'Retry re-indexes it from its stored text if that is intact, otherwise remove it and add the file again.';

export const integrityError = (cause?: unknown) => new TroveError('DECRYPT_FAILED', INTEGRITY_MESSAGE, { cause });
