// Store on IndexedDB (via idb). Runs in the worker, and in Node tests on fake-indexeddb.
import { openDB, type IDBPDatabase } from 'idb';
import { TroveError, isQuotaError } from '../core/errors.ts';
import { SCHEMA_VERSION, migrate, type ChangeRow, type TermsRow, type TroveDB } from './schema.ts';
import type {
  LibraryChanges,
  StaleListener,
  ChunkRecord,
  ChunkTerms,
  StoredIndex,
  DocumentRecord,
  DocumentText,
  NewChunk,
  NewDocument,
  OriginalFile,
  PictureRecord,
  ResealedRecords,
  Store,
  ThreadRow,
  VectorBatch,
  WholeDocument,
} from './store.ts';

/** Settings key of the vectors version counter; the page row that records which version an index reflects. */
const VECTORS_VERSION_KEY = '#vectors-version';
const LIBRARY_VERSION_KEY = '#library-version';
const INDEX_VERSION_PAGE = '#version';
/** Change-log entries kept: a tab further behind than this reloads the whole library instead of catching up. */
const CHANGE_LOG_LENGTH = 10_000;
const SETTINGS_DOC = -1;

export interface OpenOptions {
  /** Told when this connection was closed under us (schema upgrade in another tab, or the browser). */
  onStale?: StaleListener;
}

export class IndexedDbStore implements Store {
  /** Set once the connection was closed under us: every later call fails with LIBRARY_STALE. */
  private staleReason: 'upgrade' | 'terminated' | 'closed' | undefined;

  private constructor(private readonly db: IDBPDatabase<TroveDB>) {}

  /** Opens (creating or migrating) the database; uses the global `indexedDB` (fake-indexeddb in Node tests). */
  static async open(name = 'trove', options: OpenOptions = {}): Promise<IndexedDbStore> {
    let store: IndexedDbStore | undefined;
    const stale = (reason: 'upgrade' | 'terminated') => {
      if (store) store.staleReason = reason;
      options.onStale?.(reason);
    };
    try {
      const db: IDBPDatabase<TroveDB> = await openDB<TroveDB>(name, SCHEMA_VERSION, {
        upgrade(database, oldVersion, _newVersion, transaction) {
          migrate(database, oldVersion, transaction);
        },
        blocking() {
          // Another tab wants a newer schema: let it proceed, and stop writing with this (older) code.
          db.close();
          stale('upgrade');
        },
        terminated() {
          stale('terminated');
        },
      });
      store = new IndexedDbStore(db);
      return store;
    } catch (error) {
      throw storageError(error);
    }
  }

  /** Maps failures to TroveErrors, and refuses everything once the connection is stale. */
  private guard<T>(operation: () => Promise<T>): Promise<T> {
    if (this.staleReason) return Promise.reject(staleError(this.staleReason));
    return guard(operation).catch((error: unknown) => {
      throw this.staleReason ? staleError(this.staleReason) : error;
    });
  }

  async reserveIds(kind: 'documents' | 'chunks', count: number): Promise<number> {
    if (!Number.isSafeInteger(count) || count < 1) throw new TroveError('INVALID_ARGUMENT', 'Reserve at least one id.');
    return this.guard(async () => {
      const tx = this.db.transaction(kind, 'readwrite');
      const store = tx.objectStore(kind) as unknown as {
        add(value: object): Promise<IDBValidKey>;
        delete(key: number): Promise<void>;
      };
      return abortOnError(tx, async () => {
        // The key generator is the only counter the store's own writes also use: a placeholder row takes its next
        // value, a second one at first + count - 1 moves it past the range, and both are deleted before commit.
        const first = (await store.add({})) as number;
        const last = first + count - 1;
        if (count > 1) await store.add({ id: last });
        await store.delete(first);
        if (count > 1) await store.delete(last);
        return first;
      });
    });
  }

  async createDocument(doc: NewDocument, text: Omit<DocumentText, 'docId'>): Promise<number> {
    return this.guard(async () => {
      const tx = this.db.transaction(['documents', 'texts', 'settings', 'changes'], 'readwrite');
      return abortOnError(tx, async () => {
        const record = { ...doc, status: 'ingesting', chunkCount: 0 } as DocumentRecord;
        // autoIncrement with a keyPath writes the new key into the stored record.
        const id = await tx.objectStore('documents').add(record);
        await tx.objectStore('texts').put({ docId: id, ...text });
        await logChange(tx, id);
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
    return this.guard(async () => {
      const tx = this.db.transaction(['documents', 'chunks', 'terms', 'vectors', 'settings', 'changes'], 'readwrite');
      return abortOnError(tx, async () => {
        // A document deleted meanwhile (another tab, or a delete racing this batch) gets no orphan chunks.
        if (!(await tx.objectStore('documents').get(docId)))
          throw new TroveError('NOT_FOUND', `No document with id ${docId}.`);
        const chunkStore = tx.objectStore('chunks');
        const ids: number[] = [];
        for (const { terms, ...chunk } of chunks) {
          const id = await chunkStore.add({ ...chunk, docId } as ChunkRecord);
          await tx.objectStore('terms').put({ chunkId: id, docId, terms: terms.join(' ') });
          ids.push(id);
        }
        if (vectors) {
          await tx.objectStore('vectors').add({ ...vectors, docId, chunkIds: Uint32Array.from(ids) });
          await bumpCounter(tx.objectStore('settings'), VECTORS_VERSION_KEY);
        }
        await logChange(tx, docId);
        return ids;
      });
    });
  }

  async addDocuments(documents: readonly WholeDocument[]): Promise<Array<{ docId: number; chunkIds: number[] }>> {
    for (const { chunks, vectors } of documents) {
      if (vectors && vectors.vectors.length !== chunks.length * vectors.dims) {
        throw new TroveError('INVALID_ARGUMENT', `expected ${chunks.length} vectors of ${vectors.dims} dims`);
      }
    }
    if (documents.length === 0) return [];
    return this.guard(async () => {
      const tx = this.db.transaction(
        ['documents', 'texts', 'chunks', 'terms', 'vectors', 'originals', 'settings', 'changes'],
        'readwrite',
      );
      return abortOnError(tx, async () => {
        const written: Array<{ docId: number; chunkIds: number[] }> = [];
        let vectorsAdded = false;
        for (const { doc, text, chunks, vectors, original } of documents) {
          const record = { ...doc, status: 'ready', chunkCount: chunks.length } as DocumentRecord;
          const docId = await tx.objectStore('documents').add(record);
          await tx.objectStore('texts').put({ docId, ...text });
          const chunkIds: number[] = [];
          for (const { terms, ...chunk } of chunks) {
            const id = await tx.objectStore('chunks').add({ ...chunk, docId } as ChunkRecord);
            await tx.objectStore('terms').put({ chunkId: id, docId, terms: terms.join(' ') });
            chunkIds.push(id);
          }
          if (vectors && chunkIds.length > 0) {
            await tx.objectStore('vectors').add({ ...vectors, docId, chunkIds: Uint32Array.from(chunkIds) });
            vectorsAdded = true;
          }
          if (original) await tx.objectStore('originals').put({ ...original, docId });
          written.push({ docId, chunkIds });
        }
        if (vectorsAdded) await bumpCounter(tx.objectStore('settings'), VECTORS_VERSION_KEY);
        await logChange(
          tx,
          written.map((w) => w.docId),
        );
        return written;
      });
    });
  }

  async addVectors(batch: VectorBatch): Promise<void> {
    await this.guard(async () => {
      const tx = this.db.transaction(['documents', 'vectors', 'settings', 'changes'], 'readwrite');
      await abortOnError(tx, async () => {
        // The document may have been deleted while its vectors were computed: then drop them.
        if (await tx.objectStore('documents').get(batch.docId)) {
          await tx.objectStore('vectors').add({ ...batch });
          await bumpCounter(tx.objectStore('settings'), VECTORS_VERSION_KEY);
          await logChange(tx, batch.docId);
        }
      });
    });
  }

  async markReady(docId: number, chunkCount: number): Promise<void> {
    await this.updateRecord(docId, (doc) => ({ ...doc, status: 'ready', chunkCount, attempts: 0, error: undefined }));
  }

  async updateDocument(
    docId: number,
    patch: Partial<Pick<DocumentRecord, 'status' | 'attempts' | 'error' | 'tags' | 'collection' | 'modifiedAt'>>,
  ): Promise<void> {
    await this.updateRecord(docId, (doc) => ({ ...doc, ...patch }));
  }

  async replaceDocument(oldId: number, newId: number, chunkCount: number): Promise<void> {
    await this.guard(async () => {
      const tx = this.db.transaction(
        ['documents', 'texts', 'chunks', 'terms', 'vectors', 'settings', 'changes', 'originals', 'pictures'],
        'readwrite',
      );
      await abortOnError(tx, async () => {
        const fresh = await tx.objectStore('documents').get(newId);
        if (!fresh) throw new TroveError('NOT_FOUND', `No document with id ${newId}.`);
        await tx
          .objectStore('documents')
          .put({ ...fresh, replaces: undefined, status: 'ready', chunkCount, attempts: 0, error: undefined });
        await bumpCounter(tx.objectStore('settings'), VECTORS_VERSION_KEY);
        await tx.objectStore('documents').delete(oldId);
        await tx.objectStore('texts').delete(oldId);
        await tx.objectStore('originals').delete(oldId);
        await deletePicturesByDoc(tx.objectStore('pictures'), oldId);
        await deleteByDoc(tx.objectStore('chunks'), oldId);
        await deleteByDoc(tx.objectStore('terms'), oldId);
        await deleteByDoc(tx.objectStore('vectors'), oldId);
        await logChange(tx, oldId);
        await logChange(tx, newId);
      });
    });
  }

  private async updateRecord(docId: number, change: (doc: DocumentRecord) => DocumentRecord): Promise<void> {
    await this.guard(async () => {
      const tx = this.db.transaction(['documents', 'settings', 'changes'], 'readwrite');
      await abortOnError(tx, async () => {
        const doc = await tx.objectStore('documents').get(docId);
        if (!doc) throw new TroveError('NOT_FOUND', `No document with id ${docId}.`);
        await tx.objectStore('documents').put(change(doc));
        await logChange(tx, docId);
      });
    });
  }

  getDocument(docId: number): Promise<DocumentRecord | undefined> {
    return this.guard(() => this.db.get('documents', docId));
  }

  async deleteDocument(docId: number): Promise<void> {
    await this.guard(async () => {
      const tx = this.db.transaction(
        ['documents', 'texts', 'chunks', 'terms', 'vectors', 'settings', 'changes', 'originals', 'pictures'],
        'readwrite',
      );
      await abortOnError(tx, async () => {
        await bumpCounter(tx.objectStore('settings'), VECTORS_VERSION_KEY);
        await tx.objectStore('documents').delete(docId);
        await tx.objectStore('texts').delete(docId);
        await tx.objectStore('originals').delete(docId);
        await deletePicturesByDoc(tx.objectStore('pictures'), docId);
        await deleteByDoc(tx.objectStore('chunks'), docId);
        await deleteByDoc(tx.objectStore('terms'), docId);
        await deleteByDoc(tx.objectStore('vectors'), docId);
        await logChange(tx, docId);
      });
    });
  }

  async clearChunks(docId: number): Promise<void> {
    await this.guard(async () => {
      const tx = this.db.transaction(['documents', 'chunks', 'terms', 'vectors', 'settings', 'changes'], 'readwrite');
      await abortOnError(tx, async () => {
        await bumpCounter(tx.objectStore('settings'), VECTORS_VERSION_KEY);
        await deleteByDoc(tx.objectStore('chunks'), docId);
        await deleteByDoc(tx.objectStore('terms'), docId);
        await deleteByDoc(tx.objectStore('vectors'), docId);
        const doc = await tx.objectStore('documents').get(docId);
        if (doc) await tx.objectStore('documents').put({ ...doc, status: 'ingesting', chunkCount: 0 });
        await logChange(tx, docId);
      });
    });
  }

  listDocuments(): Promise<DocumentRecord[]> {
    return this.guard(() => this.db.getAll('documents'));
  }

  getText(docId: number): Promise<DocumentText | undefined> {
    return this.guard(() => this.db.get('texts', docId));
  }

  async getChunks(ids: readonly number[]): Promise<ChunkRecord[]> {
    return this.guard(async () => {
      const tx = this.db.transaction('chunks');
      const rows = await Promise.all(ids.map((id) => tx.store.get(id)));
      await tx.done;
      return rows.filter((row): row is ChunkRecord => row !== undefined);
    });
  }

  async chunksOf(docId: number): Promise<ChunkRecord[]> {
    const rows = await this.guard(() => this.db.getAllFromIndex('chunks', 'byDoc', docId));
    return rows.sort((a, b) => a.id - b.id);
  }

  async termsOf(docId: number): Promise<ChunkTerms[]> {
    const rows = await this.guard(() => this.db.getAllFromIndex('terms', 'byDoc', docId));
    return rows.map(termsFromRow).sort((a, b) => a.chunkId - b.chunkId);
  }

  async allTerms(): Promise<ChunkTerms[]> {
    const rows = await this.guard(() => this.db.getAll('terms'));
    return rows.map(termsFromRow);
  }

  vectorBatches(fingerprint: string): Promise<VectorBatch[]> {
    return this.guard(() => this.db.getAllFromIndex('vectors', 'byFingerprint', fingerprint));
  }

  async vectorBatchesOf(docId: number, fingerprint: string): Promise<VectorBatch[]> {
    const rows = await this.guard(() => this.db.getAllFromIndex('vectors', 'byDoc', docId));
    return rows.filter((row) => row.fingerprint === fingerprint);
  }

  async vectorFingerprints(): Promise<string[]> {
    return this.guard(async () => {
      const found: string[] = [];
      const tx = this.db.transaction('vectors');
      let cursor = await tx.store.index('byFingerprint').openKeyCursor(null, 'nextunique');
      while (cursor) {
        found.push(cursor.key);
        cursor = await cursor.continue();
      }
      await tx.done;
      return found;
    });
  }

  async resealRecords(docId: number, records: ResealedRecords): Promise<void> {
    await this.guard(async () => {
      const tx = this.db.transaction(['documents', 'texts', 'chunks', 'terms', 'vectors'], 'readwrite');
      await abortOnError(tx, async () => {
        const { name, tags, sha256, errorMessage, text } = records;
        const doc = await tx.objectStore('documents').get(docId);
        if (doc && (name || tags || sha256 || errorMessage)) {
          const next = { ...doc };
          if (name && doc.name === name.before) next.name = name.after;
          if (tags && sameStrings(doc.tags, tags.before)) next.tags = tags.after;
          if (sha256 && doc.sha256 === sha256.before) next.sha256 = sha256.after;
          if (errorMessage && doc.error?.message === errorMessage.before)
            next.error = { ...doc.error, message: errorMessage.after };
          await tx.objectStore('documents').put(next);
        }
        const stored = text && (await tx.objectStore('texts').get(docId));
        if (text && stored && stored.text === text.before)
          await tx.objectStore('texts').put({ ...stored, text: text.after });
        for (const change of records.chunks ?? []) {
          const row = await tx.objectStore('chunks').get(change.id);
          if (row?.docId === docId && row.text === change.before)
            await tx.objectStore('chunks').put({ ...row, text: change.after });
        }
        for (const change of records.terms ?? []) {
          const row = await tx.objectStore('terms').get(change.chunkId);
          if (row?.docId === docId && row.terms === change.before.join(' '))
            await tx.objectStore('terms').put({ ...row, terms: change.after.join(' ') });
        }
        if (records.vectors?.length) {
          const vectors = tx.objectStore('vectors');
          for (const row of await vectors.index('byDoc').getAll(docId)) {
            const change = records.vectors.find(
              (c) =>
                c.fingerprint === row.fingerprint &&
                c.before.dims === row.dims &&
                sameBytes(c.chunkIds, row.chunkIds) &&
                sameBytes(c.before.vectors, row.vectors),
            );
            if (change) await vectors.put({ ...row, dims: change.after.dims, vectors: change.after.vectors });
          }
        }
      });
    });
  }

  async vectorsVersion(): Promise<number> {
    return ((await this.guard(() => this.db.get('settings', VECTORS_VERSION_KEY))) as number | undefined) ?? 0;
  }

  async libraryVersion(): Promise<number> {
    return ((await this.guard(() => this.db.get('settings', LIBRARY_VERSION_KEY))) as number | undefined) ?? 0;
  }

  async changesSince(version: number): Promise<LibraryChanges> {
    return this.guard(async () => {
      const tx = this.db.transaction(['settings', 'changes']);
      const current = ((await tx.objectStore('settings').get(LIBRARY_VERSION_KEY)) as number | undefined) ?? 0;
      if (current === version) return { version, docIds: [], settings: false };
      const rows = await tx.objectStore('changes').getAll(IDBKeyRange.lowerBound(version, true));
      await tx.done;
      // The log must reach back to the version after ours, or some changes are unknown.
      if (current < version || rows.length === 0 || rows[0].version !== version + 1)
        return { version: current, gap: true };
      const docIds = new Set<number>();
      let settings = false;
      for (const row of rows) {
        for (const docId of row.docIds ?? [row.docId]) {
          if (docId === SETTINGS_DOC) settings = true;
          else docIds.add(docId);
        }
      }
      return { version: current, docIds: [...docIds], settings };
    });
  }

  async writeIndexPages(
    set: string,
    pages: Array<{ name: string; bytes: Uint8Array }>,
    removedPages: string[],
    version: number,
  ): Promise<void> {
    await this.guard(async () => {
      const tx = this.db.transaction('indexPages', 'readwrite');
      await abortOnError(tx, async () => {
        for (const name of removedPages) await tx.store.delete([set, name]);
        for (const page of pages) await tx.store.put({ set, name: page.name, bytes: page.bytes });
        await tx.store.put({ set, name: INDEX_VERSION_PAGE, bytes: u32(version) });
      });
    });
  }

  async readIndex(set: string): Promise<StoredIndex | undefined> {
    const rows = await this.guard(() => this.db.getAllFromIndex('indexPages', 'bySet', set));
    const versionRow = rows.find((row) => row.name === INDEX_VERSION_PAGE);
    if (!versionRow) return undefined;
    const version = new DataView(versionRow.bytes.buffer, versionRow.bytes.byteOffset, 4).getUint32(0, true);
    return { version, pages: rows.filter((row) => row !== versionRow).map(({ name, bytes }) => ({ name, bytes })) };
  }

  async deleteVectorSet(fingerprint: string): Promise<void> {
    await this.guard(async () => {
      const tx = this.db.transaction(['vectors', 'indexPages', 'settings', 'changes'], 'readwrite');
      await abortOnError(tx, async () => {
        const vectorKeys = await tx.objectStore('vectors').index('byFingerprint').getAllKeys(fingerprint);
        for (const key of vectorKeys) await tx.objectStore('vectors').delete(key);
        const pageKeys = await tx.objectStore('indexPages').index('bySet').getAllKeys(fingerprint);
        for (const key of pageKeys) await tx.objectStore('indexPages').delete(key);
        await bumpCounter(tx.objectStore('settings'), VECTORS_VERSION_KEY);
        await logChange(tx, SETTINGS_DOC);
      });
    });
  }

  async deleteIndex(set: string): Promise<void> {
    await this.guard(async () => {
      const tx = this.db.transaction('indexPages', 'readwrite');
      const keys = await tx.store.index('bySet').getAllKeys(set);
      await Promise.all(keys.map((key) => tx.store.delete(key)));
      await tx.done;
    });
  }

  async getSetting<T>(key: string): Promise<T | undefined> {
    return (await this.guard(() => this.db.get('settings', key))) as T | undefined;
  }

  async putSetting<T>(key: string, value: T): Promise<void> {
    await this.guard(async () => {
      const tx = this.db.transaction(['settings', 'changes'], 'readwrite');
      await abortOnError(tx, async () => {
        await tx.objectStore('settings').put(value, key);
        await logChange(tx, SETTINGS_DOC);
      });
    });
  }

  async putOriginal(original: OriginalFile): Promise<void> {
    await this.guard(async () => {
      const tx = this.db.transaction(['documents', 'originals'], 'readwrite');
      await abortOnError(tx, async () => {
        // A document deleted meanwhile gets no orphan original.
        if (!(await tx.objectStore('documents').get(original.docId))) {
          throw new TroveError('NOT_FOUND', `No document with id ${original.docId}.`);
        }
        await tx
          .objectStore('originals')
          .put({ docId: original.docId, name: original.name, type: original.type, bytes: original.bytes });
      });
    });
  }

  getOriginal(docId: number): Promise<OriginalFile | undefined> {
    return this.guard(() => this.db.get('originals', docId));
  }

  async deleteOriginal(docId: number): Promise<void> {
    await this.guard(() => this.db.delete('originals', docId));
  }

  originalIds(): Promise<number[]> {
    return this.guard(() => this.db.getAllKeys('originals'));
  }

  async putPicture(picture: PictureRecord): Promise<void> {
    await this.guard(async () => {
      const tx = this.db.transaction(['documents', 'pictures', 'settings', 'changes'], 'readwrite');
      await abortOnError(tx, async () => {
        // A document deleted meanwhile gets no orphan picture.
        if (!(await tx.objectStore('documents').get(picture.docId))) {
          throw new TroveError('NOT_FOUND', `No document with id ${picture.docId}.`);
        }
        await tx.objectStore('pictures').put(picture);
        await logChange(tx, picture.docId);
      });
    });
  }

  async getPicture(docId: number, n: number): Promise<PictureRecord | undefined> {
    // Arrays sort after strings, so [docId, n, []] bounds every fingerprint of picture n.
    const range = IDBKeyRange.bound([docId, n], [docId, n, []]);
    return this.guard(async () => (await this.db.getAll('pictures', range, 1))[0]);
  }

  async listDocumentPictures(docId: number): Promise<PictureRecord[]> {
    return this.guard(() => this.db.getAllFromIndex('pictures', 'byDoc', docId));
  }

  async listPictures(fingerprint: string): Promise<PictureRecord[]> {
    return this.guard(() => this.db.getAllFromIndex('pictures', 'byFingerprint', fingerprint));
  }

  async pictureFingerprints(): Promise<string[]> {
    return this.guard(async () => {
      const fingerprints: string[] = [];
      let cursor = await this.db.transaction('pictures').store.index('byFingerprint').openKeyCursor(null, 'nextunique');
      while (cursor) {
        fingerprints.push(cursor.key);
        cursor = await cursor.continue();
      }
      return fingerprints;
    });
  }

  async deletePicturesOf(fingerprint: string, describedIn?: string): Promise<number> {
    return this.guard(async () => {
      const tx = this.db.transaction(['pictures', 'settings', 'changes'], 'readwrite');
      return abortOnError(tx, async () => {
        const pictures = tx.objectStore('pictures');
        const all = await pictures.index('byFingerprint').getAllKeys(fingerprint);
        const keys: typeof all = [];
        for (const key of all) {
          if (describedIn === undefined || (await pictures.count([key[0], key[1], describedIn])) > 0) keys.push(key);
        }
        await Promise.all(keys.map((key) => pictures.delete(key)));
        // Other tabs holding this space re-read it.
        if (keys.length > 0) await logChange(tx, -1);
        return keys.length;
      });
    });
  }

  async putThread(row: ThreadRow): Promise<void> {
    await this.guard(() => this.db.put('threads', { id: row.id, content: row.content }));
  }

  getThread(id: string): Promise<ThreadRow | undefined> {
    return this.guard(() => this.db.get('threads', id));
  }

  listThreads(): Promise<ThreadRow[]> {
    return this.guard(() => this.db.getAll('threads'));
  }

  async deleteThread(id: string): Promise<void> {
    await this.guard(() => this.db.delete('threads', id));
  }

  close(): void {
    this.staleReason ??= 'closed';
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

interface SettingsStore {
  get(key: string): Promise<unknown>;
  put(value: unknown, key: string): Promise<unknown>;
}

async function bumpCounter(settings: SettingsStore, key: string): Promise<number> {
  const next = ((((await settings.get(key)) as number | undefined) ?? 0) + 1) >>> 0;
  await settings.put(next, key);
  return next;
}

/** Bumps the library version and logs which documents changed, in the caller's transaction; trims the log. */
async function logChange(
  tx: {
    objectStore(name: 'settings'): SettingsStore;
    objectStore(name: 'changes'): {
      put(value: ChangeRow): Promise<unknown>;
      delete(range: IDBKeyRange): Promise<void>;
    };
  },
  docIds: number | number[],
): Promise<void> {
  const version = await bumpCounter(tx.objectStore('settings'), LIBRARY_VERSION_KEY);
  const changes = tx.objectStore('changes');
  await changes.put(
    Array.isArray(docIds) ? { version, docId: docIds[0] ?? SETTINGS_DOC, docIds } : { version, docId: docIds },
  );
  if (version > CHANGE_LOG_LENGTH && version % 256 === 0)
    await changes.delete(IDBKeyRange.upperBound(version - CHANGE_LOG_LENGTH));
}

function sameStrings(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((value, i) => value === b[i]);
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function termsFromRow(row: TermsRow): ChunkTerms {
  return { chunkId: row.chunkId, docId: row.docId, terms: row.terms ? row.terms.split(' ') : [] };
}

function staleError(reason: 'upgrade' | 'terminated' | 'closed'): TroveError {
  if (reason === 'closed') return new TroveError('LIBRARY_STALE', 'The library was closed.');
  return new TroveError(
    'LIBRARY_STALE',
    reason === 'upgrade'
      ? 'Trove was updated in another tab: reload this page to keep working.'
      : 'The browser closed the library database: reload this page to keep working.',
  );
}

/** Deletes every row of a store whose byDoc index matches. */
async function deleteByDoc(
  store: { index(name: 'byDoc'): { getAllKeys(query: number): Promise<number[]> }; delete(key: number): Promise<void> },
  docId: number,
): Promise<void> {
  const keys = await store.index('byDoc').getAllKeys(docId);
  await Promise.all(keys.map((key) => store.delete(key)));
}

async function deletePicturesByDoc(
  store: {
    index(name: 'byDoc'): { getAllKeys(query: number): Promise<Array<[number, number, string]>> };
    delete(key: [number, number, string]): Promise<void>;
  },
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
