// Connects the .trove format to the current Store interface: a BackupSource that reads a library out of a
// Store, and a BackupSink that writes one into a Store through its public methods. Ids are assigned anew on
// import (the Store has no way to write given ids) and mapped consistently; vectors are written byte for byte.
import type { ChunkRecord, DocumentRecord, NewChunk, NewDocument, Store, VectorBatch } from '../store/store.ts';
import type { BackupEntry, BackupIndexPage, BackupManifest, BackupModel, BackupSink, BackupSource } from './backup-types.ts';

/** Chunks read per getChunks call and per CHNK section. */
const CHUNK_SLICE = 512;
/** Vectors per VECT section: the store's batches of ~32 merged, so a section's hash covers a useful amount. */
const VECTOR_SLICE = 2048;

export interface StoreSourceOptions {
  /** The model whose vectors to export (the store may hold vectors of several); none exports no vectors. */
  model?: BackupModel;
  collection?: string;
  appVersion?: string;
  /** Also export the persisted index pages of the model's vector set (loaded as-is on import when ids are kept). */
  includeIndex?: boolean;
}

/**
 * A library read out of a Store. The Store has no cursor over all chunks or over one document's vectors, so
 * this loads every chunk's terms (as the engine does at start-up) and every vector batch of the model up front;
 * texts and chunk records are read one document at a time.
 */
export function storeBackupSource(store: Store, options: StoreSourceOptions = {}): BackupSource {
  let loaded: Promise<Loaded> | undefined;
  const load = () => (loaded ??= loadLibrary(store, options));
  return {
    async describe() {
      const { documents, chunksOf, vectorsOf, pages } = await load();
      let chunks = 0;
      let vectors = 0;
      for (const doc of documents) {
        chunks += chunksOf.get(doc.id)?.length ?? 0;
        vectors += vectorsOf.get(doc.id)?.size ?? 0;
      }
      return {
        appVersion: options.appVersion ?? 'unknown',
        collection: options.collection ?? 'default',
        model: options.model ?? null,
        counts: { documents: documents.length, chunks, vectors, indexPages: pages.length },
      };
    },
    async *entries() {
      const { documents, chunksOf, termsOf, vectorsOf, pages } = await load();
      const model = options.model;
      for (const document of documents) {
        yield { kind: 'document', document, text: (await store.getText(document.id)) ?? null };
        const ids = chunksOf.get(document.id) ?? [];
        for (let from = 0; from < ids.length; from += CHUNK_SLICE) {
          const records = await store.getChunks(ids.slice(from, from + CHUNK_SLICE));
          records.sort((a, b) => a.id - b.id);
          yield {
            kind: 'chunks',
            docId: document.id,
            chunks: records.map((chunk) => ({ ...chunk, terms: termsOf.get(chunk.id) ?? [] })),
          };
        }
        const vectors = vectorsOf.get(document.id);
        if (!model || !vectors) continue;
        const rows = [...vectors.entries()].sort((a, b) => a[0] - b[0]);
        for (let from = 0; from < rows.length; from += VECTOR_SLICE) {
          const slice = rows.slice(from, from + VECTOR_SLICE);
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
      for (const page of pages) yield { kind: 'indexPage', page };
    },
  };
}

interface Loaded {
  documents: DocumentRecord[];
  chunksOf: Map<number, number[]>;
  termsOf: Map<number, string[]>;
  /** docId -> chunkId -> vector (views into the stored batches). */
  vectorsOf: Map<number, Map<number, Float32Array>>;
  pages: BackupIndexPage[];
}

async function loadLibrary(store: Store, options: StoreSourceOptions): Promise<Loaded> {
  const documents = (await store.listDocuments()).sort((a, b) => a.id - b.id);
  const known = new Set(documents.map((doc) => doc.id));
  const chunksOf = new Map<number, number[]>();
  const termsOf = new Map<number, string[]>();
  for (const row of await store.allTerms()) {
    if (!known.has(row.docId)) continue;
    termsOf.set(row.chunkId, row.terms);
    const list = chunksOf.get(row.docId);
    if (list) list.push(row.chunkId);
    else chunksOf.set(row.docId, [row.chunkId]);
  }
  for (const list of chunksOf.values()) list.sort((a, b) => a - b);
  const vectorsOf = new Map<number, Map<number, Float32Array>>();
  const pages: BackupIndexPage[] = [];
  const model = options.model;
  if (model) {
    for (const batch of await store.vectorBatches(model.fingerprint)) {
      if (batch.dims !== model.dims) continue;
      let rows = vectorsOf.get(batch.docId);
      if (!rows) vectorsOf.set(batch.docId, (rows = new Map()));
      // A later batch for the same chunk wins, as it does in the index.
      batch.chunkIds.forEach((id, i) => {
        if (termsOf.has(id)) rows.set(id, batch.vectors.subarray(i * batch.dims, (i + 1) * batch.dims));
      });
    }
    if (options.includeIndex) {
      const stored = await store.readIndex(model.fingerprint);
      // Pages that missed a vector change would be rebuilt at load anyway: export them only when current.
      if (stored && stored.version === (await store.vectorsVersion())) {
        for (const page of stored.pages) pages.push({ set: model.fingerprint, name: page.name, bytes: page.bytes });
      }
    }
  }
  return { documents, chunksOf, termsOf, vectorsOf, pages };
}

export interface StoreImportResult {
  /** Old id -> new id. */
  documentIds: Map<number, number>;
  chunkIds: Map<number, number>;
  /** Whether the index pages were written (only when every chunk kept its id). */
  indexPagesWritten: boolean;
}

/**
 * Writes a library into a Store through its public methods: createDocument, addChunks (chunks with terms),
 * addVectors (vectors as read, with chunk ids mapped), markReady. On abort it deletes the documents it created,
 * so a failed import leaves the store as it was.
 */
export function storeBackupSink(store: Store): BackupSink & { result: StoreImportResult } {
  const result: StoreImportResult = { documentIds: new Map(), chunkIds: new Map(), indexPagesWritten: false };
  const pages: BackupIndexPage[] = [];
  let open: { old: DocumentRecord; newId: number } | undefined;
  /** Index pages hold chunk ids: they are only valid in a store that was empty and kept every id. */
  let storeWasEmpty = false;
  const finishDocument = async () => {
    if (open && open.old.status === 'ready') await store.markReady(open.newId, open.old.chunkCount);
    open = undefined;
  };
  return {
    result,
    async begin(_manifest: BackupManifest) {
      storeWasEmpty = (await store.listDocuments()).length === 0;
    },
    async write(entry: BackupEntry) {
      switch (entry.kind) {
        case 'document': {
          await finishDocument();
          const { id, status: _status, chunkCount: _count, ...rest } = entry.document;
          const text = entry.text ?? { text: '', blocks: [] };
          const newId = await store.createDocument(rest as NewDocument, { text: text.text, blocks: text.blocks });
          result.documentIds.set(id, newId);
          open = { old: entry.document, newId };
          return;
        }
        case 'chunks': {
          const newDocId = result.documentIds.get(entry.docId)!;
          const chunks: NewChunk[] = entry.chunks.map(({ id: _id, docId: _doc, ...chunk }) => chunk as Omit<ChunkRecord, 'id' | 'docId'> & { terms: string[] });
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
          await finishDocument();
          pages.push(entry.page);
          return;
      }
    },
    async end() {
      await finishDocument();
      const idsKept = [...result.chunkIds].every(([from, to]) => from === to);
      if (pages.length > 0 && idsKept && storeWasEmpty) {
        const bySet = new Map<string, BackupIndexPage[]>();
        for (const page of pages) bySet.set(page.set, [...(bySet.get(page.set) ?? []), page]);
        const version = await store.vectorsVersion();
        for (const [set, setPages] of bySet) {
          await store.deleteIndex(set); // pages of an older, larger index must not linger
          await store.writeIndexPages(set, setPages, [], version);
        }
        result.indexPagesWritten = true;
      }
    },
    async abort() {
      for (const newId of result.documentIds.values()) await store.deleteDocument(newId).catch(() => undefined);
    },
  };
}
