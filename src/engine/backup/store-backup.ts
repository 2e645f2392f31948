// Connects the .trove format to the current Store interface: a BackupSource that reads a library out of a
// Store, and a BackupSink that writes one into a Store through its public methods. Ids are assigned anew on
// import (the Store has no way to write given ids) and mapped consistently; vectors are written byte for byte.
import { collectionOf } from '../core/collections.ts';
import { checkPicture } from '../store/picture-record.ts';
import type { ChunkRecord, DocumentRecord, NewChunk, NewDocument, Store, VectorBatch } from '../store/store.ts';
import type {
  BackupEntry,
  BackupIndexPage,
  BackupManifest,
  BackupModel,
  BackupSink,
  BackupSource,
} from './backup-types.ts';

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
}

/**
 * A library read out of a Store one document at a time (its text, chunks, terms and vectors), so memory holds one
 * document, whatever the library's size. describe() makes a first pass to count chunks and vectors (the manifest
 * states them up front), so vectors are read twice.
 */
export function storeBackupSource(store: Store, options: StoreSourceOptions = {}): BackupSource {
  const model = options.model;
  let documents: Promise<DocumentRecord[]> | undefined;
  const wanted = (doc: DocumentRecord) => options.collection === undefined || collectionOf(doc) === options.collection;
  const listDocuments = () =>
    (documents ??= store.listDocuments().then((list) => list.filter(wanted).sort((a, b) => a.id - b.id)));
  return {
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
      return {
        appVersion: options.appVersion ?? 'unknown',
        collection: options.collection ?? '*',
        ...(options.collections ? { collections: options.collections } : {}),
        model: model ?? null,
        counts: { documents: list.length, chunks, vectors, indexPages: pages.length },
      };
    },
    async *entries() {
      for (const document of await listDocuments()) {
        const text = (await store.getText(document.id)) ?? null;
        const picture = checkPicture(await store.getPicture(document.id), document.id);
        yield { kind: 'document', document, text, ...(picture && { picture }) };
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
      for (const page of await indexPages(store, options)) yield { kind: 'indexPage', page };
    },
  };
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
}

/**
 * Writes a library into a Store through its public methods: createDocument, addChunks (chunks with terms),
 * addVectors (vectors as read, with chunk ids mapped), markReady. On abort it deletes the documents it created,
 * so a failed import leaves the store as it was.
 */
export interface StoreSinkOptions {
  /** Put every imported document into this collection (id) instead of the one it had. */
  collection?: string;
}

export function storeBackupSink(
  store: Store,
  options: StoreSinkOptions = {},
): BackupSink & { result: StoreImportResult } {
  const result: StoreImportResult = { documentIds: new Map(), chunkIds: new Map() };
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
          if (entry.picture) await store.putPicture({ ...entry.picture, docId: newId });
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
      for (const newId of result.documentIds.values()) await store.deleteDocument(newId).catch(() => undefined);
    },
  };
}
