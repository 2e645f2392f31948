// Connects the .trove format to the current Store interface: a BackupSource that reads a library out of a
// Store, and a BackupSink that writes one into a Store through its public methods. Ids are assigned anew on
// import (the Store has no way to write given ids) and mapped consistently; vectors are written byte for byte.
import { collectionOf } from '../core/collections.ts';
import { TroveError } from '../core/errors.ts';
import { checkPicture } from '../store/picture-record.ts';
import { MAX_THREAD_BYTES, checkThreadContent, isThreadId, type ThreadContent } from '../store/thread-record.ts';
import type { ChunkRecord, DocumentRecord, NewChunk, NewDocument, Store, VectorBatch } from '../store/store.ts';
import type {
  BackupEntry,
  BackupIndexPage,
  BackupManifest,
  BackupModel,
  BackupSink,
  BackupSource,
} from './backup-types.ts';
import { MAX_IMPORTED_THREADS, remapThread } from './thread-entry.ts';

/** Chunks per CHNK section. */
const CHUNK_SLICE = 512;
/** Vectors per VECT section: the store's batches of ~32 merged, so a section's hash covers a useful amount. */
const VECTOR_SLICE = 2048;

export interface StoreSourceOptions {
  /** The model whose vectors to export (the store may hold vectors of several); none exports no vectors. */
  model?: BackupModel;
  /** Export only this collection (id, see core/collections.ts); none exports every document. */
  collection?: string;
  /** The collection records to name in the manifest (so an import can recreate their names). */
  collections?: BackupManifest['collections'];
  appVersion?: string;
  /**
   * Also export the persisted index pages of the model's vector set (for other readers of the format: this
   * importer rebuilds the index from the vectors instead of trusting pages from a file).
   * Ignored when exporting one collection: the index covers them all.
   */
  includeIndex?: boolean;
  /**
   * Also export the saved answer threads (every readable one; an unreadable one is skipped and counted). Only for
   * a whole-library export: a thread cites passages of any collection, and a collection's file is meant to carry
   * that collection alone.
   */
  threads?: boolean;
}

export interface StoreBackupSource extends BackupSource {
  /** Saved threads left out because they could not be read (known once describe() ran). */
  skippedThreads(): number;
}

/**
 * A library read out of a Store one document at a time (its text, chunks, terms and vectors), so memory holds one
 * document, whatever the library's size. describe() makes a first pass to count chunks and vectors (the manifest
 * states them up front), so vectors are read twice.
 */
export function storeBackupSource(store: Store, options: StoreSourceOptions = {}): StoreBackupSource {
  const model = options.model;
  let documents: Promise<DocumentRecord[]> | undefined;
  let threads: Promise<ReadableThreads> | undefined;
  let skipped = 0;
  const listThreads = () =>
    (threads ??= options.threads
      ? readableThreads(store).then((read) => {
          skipped = read.skipped;
          return read;
        })
      : Promise.resolve({ threads: [], skipped: 0 }));
  const wanted = (doc: DocumentRecord) => options.collection === undefined || collectionOf(doc) === options.collection;
  const listDocuments = () =>
    (documents ??= store.listDocuments().then((list) => list.filter(wanted).sort((a, b) => a.id - b.id)));
  return {
    skippedThreads: () => skipped,
    async describe() {
      const list = await listDocuments();
      let chunks = 0;
      let vectors = 0;
      for (const document of list) {
        const { chunkIds, rows } = await readDocument(store, document.id, model, false);
        chunks += chunkIds.length;
        vectors += rows.size;
      }
      const pages = await indexPages(store, options);
      const saved = (await listThreads()).threads;
      return {
        appVersion: options.appVersion ?? 'unknown',
        collection: options.collection ?? '*',
        ...(options.collections ? { collections: options.collections } : {}),
        model: model ?? null,
        counts: {
          documents: list.length,
          chunks,
          vectors,
          indexPages: pages.length,
          ...(saved.length > 0 && { threads: saved.length }),
        },
      };
    },
    async *entries() {
      for (const document of await listDocuments()) {
        const text = (await store.getText(document.id)) ?? null;
        const pictures = (await store.listDocumentPictures(document.id)).flatMap(
          (row) => checkPicture(row, document.id) ?? [],
        );
        yield { kind: 'document', document, text, ...(pictures.length > 0 && { pictures }) };
        const { chunks, termsOf, rows } = await readDocument(store, document.id, model, true);
        for (let from = 0; from < chunks.length; from += CHUNK_SLICE) {
          yield {
            kind: 'chunks',
            docId: document.id,
            chunks: chunks
              .slice(from, from + CHUNK_SLICE)
              .map((chunk) => ({ ...chunk, terms: termsOf.get(chunk.id) ?? [] })),
          };
        }
        if (!model) continue;
        const sorted = [...rows.entries()].sort((a, b) => a[0] - b[0]);
        for (let from = 0; from < sorted.length; from += VECTOR_SLICE) {
          const slice = sorted.slice(from, from + VECTOR_SLICE);
          const data = new Float32Array(slice.length * model.dims);
          slice.forEach(([, vector], i) => data.set(vector, i * model.dims));
          const batch: VectorBatch = {
            docId: document.id,
            fingerprint: model.fingerprint,
            dims: model.dims,
            chunkIds: Uint32Array.from(slice, ([id]) => id),
            vectors: data,
          };
          yield { kind: 'vectors', batch };
        }
      }
      for (const thread of (await listThreads()).threads) yield { kind: 'thread', thread };
      for (const page of await indexPages(store, options)) yield { kind: 'indexPage', page };
    },
  };
}

interface ReadableThreads {
  /** Oldest first, so an import lists them as they were. */
  threads: ThreadContent[];
  skipped: number;
}

/** The saved threads that read back valid (what the saved-threads service would show); the others are counted. */
async function readableThreads(store: Store): Promise<ReadableThreads> {
  const threads: ThreadContent[] = [];
  let skipped = 0;
  const fail = (reason: string) => new TroveError('STORAGE_FAILED', reason);
  for (const row of await store.listThreads()) {
    try {
      if (row.unreadable || !isThreadId(row.id)) throw fail('unreadable');
      threads.push(checkThreadContent(row.content, fail));
    } catch {
      skipped++;
    }
  }
  threads.sort((a, b) => a.savedAt - b.savedAt);
  return { threads, skipped };
}

/** One document's chunks (with records when asked), terms and vectors of the model (one per chunk, the last wins). */
async function readDocument(store: Store, docId: number, model: BackupModel | undefined, records: boolean) {
  const terms = await store.termsOf(docId);
  const termsOf = new Map(terms.map((row) => [row.chunkId, row.terms]));
  const chunkIds = [...termsOf.keys()].sort((a, b) => a - b);
  const chunks: ChunkRecord[] = records
    ? (await store.chunksOf(docId)).filter((c) => termsOf.has(c.id)).sort((a, b) => a.id - b.id)
    : [];
  const rows = new Map<number, Float32Array>();
  if (model) {
    for (const batch of await store.vectorBatchesOf(docId, model.fingerprint)) {
      if (batch.dims !== model.dims) continue;
      batch.chunkIds.forEach((id, i) => {
        if (termsOf.has(id)) rows.set(id, batch.vectors.subarray(i * batch.dims, (i + 1) * batch.dims));
      });
    }
  }
  return { chunkIds, chunks, termsOf, rows };
}

/** The persisted index pages of the model's vector set, when asked for and current (stale pages are rebuilt anyway). */
async function indexPages(store: Store, options: StoreSourceOptions): Promise<BackupIndexPage[]> {
  // The index holds every collection's vectors: only a whole-library export can carry it.
  if (!options.includeIndex || !options.model || options.collection !== undefined) return [];
  const set = options.model.fingerprint;
  const stored = await store.readIndex(set);
  if (!stored || stored.version !== (await store.vectorsVersion())) return [];
  return stored.pages.map((page) => ({ set, name: page.name, bytes: page.bytes }));
}

export interface StoreImportResult {
  /** Old id -> new id. */
  documentIds: Map<number, number>;
  chunkIds: Map<number, number>;
  /** Ids of the saved threads written (each a fresh id). */
  threadIds: string[];
  /** Saved threads in the file that failed their checks, and those beyond MAX_IMPORTED_THREADS: left out. */
  refusedThreads: number;
  threadsOverLimit: number;
}

/**
 * Writes a library into a Store through its public methods: createDocument, addChunks (chunks with terms),
 * addVectors (vectors as read, with chunk ids mapped), markReady. On abort it deletes the documents it created,
 * so a failed import leaves the store as it was.
 */
export interface StoreSinkOptions {
  /** Put every imported document into this collection (id) instead of the one it had. */
  collection?: string;
  newThreadId?: () => string;
}

export function storeBackupSink(
  store: Store,
  options: StoreSinkOptions = {},
): BackupSink & { result: StoreImportResult } {
  const result: StoreImportResult = {
    documentIds: new Map(),
    chunkIds: new Map(),
    threadIds: [],
    refusedThreads: 0,
    threadsOverLimit: 0,
  };
  const newThreadId = options.newThreadId ?? (() => globalThis.crypto.randomUUID());
  /** A fresh id no saved thread has: an import never replaces a thread already in the library. */
  const freeThreadId = async () => {
    for (;;) {
      const id = newThreadId();
      if (isThreadId(id) && !(await store.getThread(id))) return id;
    }
  };
  let open: { old: DocumentRecord; newId: number } | undefined;
  const finishDocument = async () => {
    const old = open?.old;
    if (open && old && old.status !== 'ingesting') await store.markReady(open.newId, old.chunkCount);
    // A failed document stays failed with its reason (the app offers Retry); an 'ingesting' one is resumed.
    if (open && old?.status === 'failed')
      await store.updateDocument(open.newId, { status: 'failed', error: old.error, attempts: old.attempts });
    open = undefined;
  };
  return {
    result,
    async begin(_manifest: BackupManifest) {},
    async write(entry: BackupEntry) {
      switch (entry.kind) {
        case 'document': {
          await finishDocument();
          const {
            id,
            status: _status,
            chunkCount: _count,
            attempts: _attempts,
            error: _error,
            replaces,
            ...rest
          } = entry.document;
          const record: NewDocument = { ...rest };
          if (options.collection !== undefined) record.collection = options.collection;
          // A new version being indexed points at the document it replaces, which came earlier in the file.
          const replaced = replaces === undefined ? undefined : result.documentIds.get(replaces);
          if (replaced !== undefined) record.replaces = replaced;
          const text = entry.text ?? { text: '', blocks: [] };
          const newId = await store.createDocument(record, { text: text.text, blocks: text.blocks });
          result.documentIds.set(id, newId);
          open = { old: entry.document, newId };
          for (const picture of entry.pictures ?? []) await store.putPicture({ ...picture, docId: newId });
          return;
        }
        case 'chunks': {
          const newDocId = result.documentIds.get(entry.docId)!;
          const chunks: NewChunk[] = entry.chunks.map(
            ({ id: _id, docId: _doc, ...chunk }) => chunk as Omit<ChunkRecord, 'id' | 'docId'> & { terms: string[] },
          );
          const ids = await store.addChunks(newDocId, chunks);
          entry.chunks.forEach((chunk, i) => result.chunkIds.set(chunk.id, ids[i]));
          return;
        }
        case 'vectors': {
          const { batch } = entry;
          await store.addVectors({
            ...batch,
            docId: result.documentIds.get(batch.docId)!,
            chunkIds: batch.chunkIds.map((id) => result.chunkIds.get(id)!),
          });
          return;
        }
        case 'thread': {
          await finishDocument();
          if (result.threadIds.length >= MAX_IMPORTED_THREADS) {
            result.threadsOverLimit++;
            return;
          }
          const content = remapThread(entry.thread, result.documentIds, result.chunkIds);
          // New ids may be longer than the old: a thread at the size limit could pass it.
          if (new TextEncoder().encode(JSON.stringify(content)).byteLength > MAX_THREAD_BYTES) {
            result.refusedThreads++;
            return;
          }
          const id = await freeThreadId();
          await store.putThread({ id, content });
          result.threadIds.push(id);
          return;
        }
        case 'refusedThread':
          await finishDocument();
          result.refusedThreads++;
          return;
        case 'indexPage':
          // Never written: a page pairs chunk ids with vectors, and nothing short of rebuilding it can show that
          // each id still has its own vector. With no current pages the vector set is rebuilt from the vectors
          // just written (each checked by the reader) when the library next opens.
          await finishDocument();
          return;
      }
    },
    async end() {
      await finishDocument();
    },
    async abort() {
      for (const id of result.threadIds) await store.deleteThread(id).catch(() => undefined);
      for (const newId of result.documentIds.values()) await store.deleteDocument(newId).catch(() => undefined);
    },
  };
}
