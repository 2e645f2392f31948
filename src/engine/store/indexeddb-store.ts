// Store on IndexedDB (via idb). Runs in the worker, and in Node tests on fake-indexeddb.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { TroveError, isQuotaError } from '../errors.ts';
import { SCHEMA_VERSION, migrate } from './schema.ts';
import type {
  ChunkRecord,
  ChunkTerms,
  StoredIndex,
  DocumentRecord,
  DocumentText,
  NewChunk,
  NewDocument,
  Store,
  VectorBatch,
} from './store.ts';

interface TermsRow {
  chunkId: number;
  docId: number;
  /** Terms joined by spaces: one string clones far faster than an array of thousands of strings. */
  terms: string;
}

interface VectorRow extends VectorBatch {
  key?: number;
}

export interface TroveDB extends DBSchema {
  documents: { key: number; value: DocumentRecord };
  texts: { key: number; value: DocumentText };
  chunks: { key: number; value: ChunkRecord; indexes: { byDoc: number } };
  terms: { key: number; value: TermsRow; indexes: { byDoc: number } };
  vectors: { key: number; value: VectorRow; indexes: { byDoc: number; byFingerprint: string } };
  settings: { key: string; value: unknown };
  indexPages: { key: [string, string]; value: PageRow; indexes: { bySet: string } };
}

interface PageRow {
  set: string;
  name: string;
  bytes: Uint8Array;
}

/** Settings key of the vectors version counter; the page row that records which version an index reflects. */
const VECTORS_VERSION_KEY = '#vectors-version';
const INDEX_VERSION_PAGE = '#version';

export class IndexedDbStore implements Store {
  private constructor(private readonly db: IDBPDatabase<TroveDB>) {}

  /** Opens (creating or migrating) the database; uses the global `indexedDB` (fake-indexeddb in Node tests). */
  static async open(name = 'trove'): Promise<IndexedDbStore> {
    try {
      const db: IDBPDatabase<TroveDB> = await openDB<TroveDB>(name, SCHEMA_VERSION, {
        upgrade(database, oldVersion, _newVersion, transaction) {
          migrate(database, oldVersion, transaction);
        },
        blocking() {
          // Another tab wants a newer schema: let it proceed.
          db.close();
        },
      });
      return new IndexedDbStore(db);
    } catch (error) {
      throw storageError(error);
    }
  }

  async createDocument(doc: NewDocument, text: Omit<DocumentText, 'docId'>): Promise<number> {
    return guard(async () => {
      const tx = this.db.transaction(['documents', 'texts'], 'readwrite');
      return abortOnError(tx, async () => {
        const record = { ...doc, status: 'ingesting', chunkCount: 0 } as DocumentRecord;
        // autoIncrement with a keyPath writes the new key into the stored record.
        const id = await tx.objectStore('documents').add(record);
        await tx.objectStore('texts').put({ docId: id, ...text });
        return id;
      });
    });
  }

  async addChunks(
    docId: number,
    chunks: NewChunk[],
    vectors?: Omit<VectorBatch, 'docId' | 'chunkIds'>,
  ): Promise<number[]> {
    if (vectors && vectors.vectors.length !== chunks.length * vectors.dims) {
      throw new TroveError('INVALID_ARGUMENT', `expected ${chunks.length} vectors of ${vectors.dims} dims`);
    }
    return guard(async () => {
      const tx = this.db.transaction(['chunks', 'terms', 'vectors', 'settings'], 'readwrite');
      return abortOnError(tx, async () => {
        const chunkStore = tx.objectStore('chunks');
        const ids: number[] = [];
        for (const { terms, ...chunk } of chunks) {
          const id = await chunkStore.add({ ...chunk, docId } as ChunkRecord);
          await tx.objectStore('terms').put({ chunkId: id, docId, terms: terms.join(' ') });
          ids.push(id);
        }
        if (vectors) {
          await tx.objectStore('vectors').add({ ...vectors, docId, chunkIds: Uint32Array.from(ids) });
          await bumpVectorsVersion(tx.objectStore('settings'));
        }
        return ids;
      });
    });
  }

  async addVectors(batch: VectorBatch): Promise<void> {
    await guard(async () => {
      const tx = this.db.transaction(['documents', 'vectors', 'settings'], 'readwrite');
      // The document may have been deleted while its vectors were computed: then drop them.
      if (await tx.objectStore('documents').get(batch.docId)) {
        await tx.objectStore('vectors').add({ ...batch });
        await bumpVectorsVersion(tx.objectStore('settings'));
      }
      await tx.done;
    });
  }

  async markReady(docId: number, chunkCount: number): Promise<void> {
    await guard(async () => {
      const tx = this.db.transaction('documents', 'readwrite');
      const doc = await tx.store.get(docId);
      if (!doc) throw new TroveError('NOT_FOUND', `No document with id ${docId}.`);
      await tx.store.put({ ...doc, status: 'ready', chunkCount });
      await tx.done;
    });
  }

  async deleteDocument(docId: number): Promise<void> {
    await guard(async () => {
      const tx = this.db.transaction(['documents', 'texts', 'chunks', 'terms', 'vectors', 'settings'], 'readwrite');
      await bumpVectorsVersion(tx.objectStore('settings'));
      await tx.objectStore('documents').delete(docId);
      await tx.objectStore('texts').delete(docId);
      await deleteByDoc(tx.objectStore('chunks'), docId);
      await deleteByDoc(tx.objectStore('terms'), docId);
      await deleteByDoc(tx.objectStore('vectors'), docId);
      await tx.done;
    });
  }

  async clearChunks(docId: number): Promise<void> {
    await guard(async () => {
      const tx = this.db.transaction(['documents', 'chunks', 'terms', 'vectors', 'settings'], 'readwrite');
      await bumpVectorsVersion(tx.objectStore('settings'));
      await deleteByDoc(tx.objectStore('chunks'), docId);
      await deleteByDoc(tx.objectStore('terms'), docId);
      await deleteByDoc(tx.objectStore('vectors'), docId);
      const doc = await tx.objectStore('documents').get(docId);
      if (doc) await tx.objectStore('documents').put({ ...doc, status: 'ingesting', chunkCount: 0 });
      await tx.done;
    });
  }

  listDocuments(): Promise<DocumentRecord[]> {
    return guard(() => this.db.getAll('documents'));
  }

  getText(docId: number): Promise<DocumentText | undefined> {
    return guard(() => this.db.get('texts', docId));
  }

  async getChunks(ids: readonly number[]): Promise<ChunkRecord[]> {
    return guard(async () => {
      const tx = this.db.transaction('chunks');
      const rows = await Promise.all(ids.map((id) => tx.store.get(id)));
      await tx.done;
      return rows.filter((row): row is ChunkRecord => row !== undefined);
    });
  }

  async allTerms(): Promise<ChunkTerms[]> {
    const rows = await guard(() => this.db.getAll('terms'));
    return rows.map((row) => ({ chunkId: row.chunkId, docId: row.docId, terms: row.terms ? row.terms.split(' ') : [] }));
  }

  vectorBatches(fingerprint: string): Promise<VectorBatch[]> {
    return guard(() => this.db.getAllFromIndex('vectors', 'byFingerprint', fingerprint));
  }

  async vectorsVersion(): Promise<number> {
    return ((await guard(() => this.db.get('settings', VECTORS_VERSION_KEY))) as number | undefined) ?? 0;
  }

  async writeIndexPages(
    set: string,
    pages: Array<{ name: string; bytes: Uint8Array }>,
    removedPages: string[],
    version: number,
  ): Promise<void> {
    await guard(async () => {
      const tx = this.db.transaction('indexPages', 'readwrite');
      await abortOnError(tx, async () => {
        for (const name of removedPages) await tx.store.delete([set, name]);
        for (const page of pages) await tx.store.put({ set, name: page.name, bytes: page.bytes });
        await tx.store.put({ set, name: INDEX_VERSION_PAGE, bytes: u32(version) });
      });
    });
  }

  async readIndex(set: string): Promise<StoredIndex | undefined> {
    const rows = await guard(() => this.db.getAllFromIndex('indexPages', 'bySet', set));
    const versionRow = rows.find((row) => row.name === INDEX_VERSION_PAGE);
    if (!versionRow) return undefined;
    const version = new DataView(versionRow.bytes.buffer, versionRow.bytes.byteOffset, 4).getUint32(0, true);
    return { version, pages: rows.filter((row) => row !== versionRow).map(({ name, bytes }) => ({ name, bytes })) };
  }

  async deleteIndex(set: string): Promise<void> {
    await guard(async () => {
      const tx = this.db.transaction('indexPages', 'readwrite');
      const keys = await tx.store.index('bySet').getAllKeys(set);
      await Promise.all(keys.map((key) => tx.store.delete(key)));
      await tx.done;
    });
  }

  async getSetting<T>(key: string): Promise<T | undefined> {
    return (await guard(() => this.db.get('settings', key))) as T | undefined;
  }

  async putSetting<T>(key: string, value: T): Promise<void> {
    await guard(() => this.db.put('settings', value, key));
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Runs a transaction body and commits; on any error aborts the transaction, so nothing of it is kept.
 * (A write that throws synchronously, e.g. DataCloneError, does not abort the transaction by itself.)
 */
async function abortOnError<T>(tx: { abort(): void; done: Promise<void> }, body: () => Promise<T>): Promise<T> {
  try {
    const result = await body();
    await tx.done;
    return result;
  } catch (error) {
    tx.done.catch(() => undefined);
    try {
      tx.abort();
    } catch {
      /* already finished */
    }
    throw error;
  }
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value >>> 0, true);
  return bytes;
}

async function bumpVectorsVersion(settings: {
  get(key: string): Promise<unknown>;
  put(value: unknown, key: string): Promise<unknown>;
}): Promise<void> {
  const current = ((await settings.get(VECTORS_VERSION_KEY)) as number | undefined) ?? 0;
  await settings.put((current + 1) >>> 0, VECTORS_VERSION_KEY);
}

/** Deletes every row of a store whose byDoc index matches. */
async function deleteByDoc(
  store: { index(name: 'byDoc'): { getAllKeys(query: number): Promise<number[]> }; delete(key: number): Promise<void> },
  docId: number,
): Promise<void> {
  const keys = await store.index('byDoc').getAllKeys(docId);
  await Promise.all(keys.map((key) => store.delete(key)));
}

/** Maps IndexedDB failures to TroveErrors the UI can explain (quota first: it is the one users can act on). */
async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw storageError(error);
  }
}

function storageError(error: unknown): unknown {
  if (error instanceof TroveError) return error;
  if (isQuotaError(error) || isQuotaError((error as { cause?: unknown })?.cause)) {
    return new TroveError('STORAGE_FULL', undefined, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TroveError('STORAGE_FAILED', `The browser database failed: ${message}`, { cause: error });
}
