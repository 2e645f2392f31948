// The store's reads of documents, texts and chunks checked field by field with the validator a .trove import uses
// (record-schema.ts): a record an older version wrote, or one damaged on disk, reaches the engine sanitised, or
// marked failed with the reason, never as a value that throws later in the catalogue, a result or the library view.
// Wraps any Store, so an encrypted library's records are checked once opened. A valid record costs one pass over
// its fields; only a bad one pays for the salvage (each field checked on its own, the bad ones left out).
import { TroveError } from '../core/errors.ts';
import { checkChunkRecord, checkDocument, checkText, isRecordObject } from './record-schema.ts';
import type { ChunkRecord, DocumentRecord, DocumentText, Store } from './store.ts';

const refuse = (reason: string) => new TroveError('STORAGE_FAILED', reason);

const REQUIRED_DOCUMENT_FIELDS = ['name', 'format', 'size', 'addedAt', 'status', 'chunkCount'] as const;
const OPTIONAL_DOCUMENT_FIELDS = [
  'attempts',
  'error',
  'collection',
  'tags',
  'sha256',
  'modifiedAt',
  'mimeType',
  'folder',
  'language',
  'replaces',
  'pageCount',
  'title',
  'warnings',
  'redactions',
] as const;
const CHUNK_FIELDS = ['text', 'start', 'end', 'headingPath', 'tokenCount', 'page', 'row', 'fields'] as const;

const checkedStores = new WeakSet<Store>();

/** `store` with its document, text and chunk reads checked (the same object when it already is). */
export function checkedReads(store: Store): Store {
  if (checkedStores.has(store)) return store;
  const reads: Partial<Store> = {
    listDocuments: async () => (await store.listDocuments()).map((doc, i) => storedDocument(doc, i)),
    getDocument: async (docId) => {
      const doc = await store.getDocument(docId);
      return doc === undefined ? undefined : storedDocument(doc, docId);
    },
    getText: async (docId) => {
      const text = await store.getText(docId);
      return text === undefined ? undefined : storedText(text, docId);
    },
    getChunks: async (ids) => (await store.getChunks(ids)).flatMap(storedChunk),
    chunksOf: async (docId) => (await store.chunksOf(docId)).flatMap(storedChunk),
  };
  // Everything else goes to the store itself (bound, so its own state stays on it).
  const checked = new Proxy(store, {
    get(target, key, receiver) {
      if (typeof key === 'string' && Object.hasOwn(reads, key)) return reads[key as keyof Store];
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  checkedStores.add(checked);
  return checked;
}

/**
 * A stored document record, checked. A bad optional field (a title that is not text, tags that are not a list) is
 * left out and named in a warning; a bad required one gets a neutral value and marks the document failed with the
 * reason, so the library lists it (Delete, or Retry from its stored text) instead of failing to open. `fallbackId`
 * names a record whose own id is unusable.
 */
export function storedDocument(value: unknown, fallbackId: number): DocumentRecord {
  try {
    return checkDocument(value, refuse);
  } catch (error) {
    const raw = isRecordObject(value) ? value : {};
    const id = typeof raw.id === 'number' && Number.isSafeInteger(raw.id) && raw.id >= 0 ? raw.id : fallbackId;
    const base: DocumentRecord = {
      id,
      name: `Document ${id}`,
      format: 'text',
      size: 0,
      addedAt: 0,
      status: 'ready',
      chunkCount: 0,
    };
    const check = (candidate: Record<string, unknown>) => checkDocument(candidate, refuse);
    const required = salvage(raw, base, REQUIRED_DOCUMENT_FIELDS, check);
    const doc = salvage(raw, required.record, OPTIONAL_DOCUMENT_FIELDS, check);
    if (required.lost.length > 0) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        ...doc.record,
        status: 'failed',
        error: {
          code: 'STORAGE_FAILED',
          message: `The stored record of this document is damaged (${reason}). Delete it and add the file again.`,
        },
      };
    }
    const note = `Some stored details of this document could not be read and were left out: ${doc.lost.join(', ')}.`;
    return { ...doc.record, warnings: [...(doc.record.warnings ?? []), note] };
  }
}

/** A stored text, checked: a bad text reads as empty, bad blocks are left out. */
export function storedText(value: unknown, docId: number): DocumentText {
  try {
    return checkText(value, docId, refuse);
  } catch {
    const raw = isRecordObject(value) ? value : {};
    const text = typeof raw.text === 'string' ? raw.text : '';
    const blocks = Array.isArray(raw.blocks) ? raw.blocks : [];
    return {
      docId,
      text,
      blocks: blocks.flatMap((block: unknown) => {
        try {
          return checkText({ docId, text, blocks: [block] }, docId, refuse).blocks;
        } catch {
          return [];
        }
      }),
    };
  }
}

/** A stored chunk, checked (bad fields get neutral values or are left out); none when it names no document. */
export function storedChunk(value: unknown): ChunkRecord[] {
  const raw = isRecordObject(value) ? value : {};
  const { id, docId } = raw;
  if (typeof docId !== 'number' || !Number.isSafeInteger(docId) || typeof id !== 'number') return [];
  try {
    return [checkChunkRecord(value, docId, refuse)];
  } catch {
    const base: ChunkRecord = { id, docId, text: '', start: 0, end: 0, headingPath: [], tokenCount: 0 };
    try {
      return [salvage(raw, base, CHUNK_FIELDS, (candidate) => checkChunkRecord(candidate, docId, refuse)).record];
    } catch {
      return []; // its id itself is unusable
    }
  }
}

/** Each field of `raw` checked on its own over a valid `base`: kept when the check passes it, listed when not. */
function salvage<T extends object>(
  raw: Record<string, unknown>,
  base: T,
  fields: readonly string[],
  check: (candidate: Record<string, unknown>) => T,
): { record: T; lost: string[] } {
  const start: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  const record: Record<string, unknown> = { ...(check(start) as Record<string, unknown>) };
  const lost: string[] = [];
  for (const field of fields) {
    if (raw[field] === undefined) continue;
    try {
      record[field] = (check({ ...start, [field]: raw[field] }) as Record<string, unknown>)[field];
    } catch {
      lost.push(field);
    }
  }
  return { record: record as T, lost };
}
