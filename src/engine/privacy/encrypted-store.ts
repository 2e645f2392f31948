// A Store that encrypts what it hands to another Store (by delegation): the library lock.
//
// Sealed (AES-GCM envelopes, see crypto.ts), each bound to its place (record-context.ts: kind, field, document
// id, chunk id), so a record swapped or moved on disk fails to open instead of showing under another document:
//   documents: name, title, warnings      → sealed JSON in `name`; title/warnings left out      (document id)
//              tags, sha256, error message → each sealed in its own field, so a patch seals only itself (a
//                                            file's hash would let anyone with the disk confirm a known file)
//   texts:     text and blocks            → sealed JSON in `text`; blocks = []                   (document id)
//   chunks:    text, headingPath, fields  → sealed JSON in `text`; headingPath = [], no fields   (document + chunk id)
//   terms:     the analysed terms         → one sealed string as the only term                   (document + chunk id)
//   vectors:   the Float32 vectors        → sealed bytes reinterpreted as floats (see packVectors) (document id,
//                                            fingerprint, real dims, SHA-256 of the batch's chunk ids)
//   indexPages: every page's bytes        → sealed bytes                                         (set, page name)
//   originals: name and type; the bytes   → sealed JSON in `name`, type ''; sealed bytes         (document id)
//   pictures:  vector; thumbnail bytes    → sealed bytes in `sealedVector`, vector empty; sealed (document id,
//                                            thumbnail bytes                                        fingerprint)
//   threads:   everything but the id      → sealed JSON in `content`                             (thread id)
// Ids are reserved from the inner store before sealing (reserveIds), so the id a record is bound to is its own.
// A record that fails to open marks its document 'failed' with the reason and is left out of reads; nothing is
// deleted. Libraries sealed before this binding are re-sealed on unlock (resealLegacyRecords).
// Plain, because the store needs them to work or they reveal no content: ids, docId links, chunk offsets, page
// numbers and token counts, document format/size/dates/status/chunk counts, model fingerprints and dims, chunk ids
// of vector batches, index set and page names, the vectors version counter, and settings (preferences, and the
// KeyFile itself under LOCK_SETTING). Settings can be sealed per key with `sealSetting` (the library lock seals
// those privacy/sealed-settings.ts names).
//
// Envelopes go into string fields as one-byte strings (one char per byte: IndexedDB stores them at one byte each).
// Everything is encrypted before the inner store is called, so its transactions never wait on crypto.
import { TroveError } from '../core/errors.ts';
import type {
  LibraryChanges,
  ChunkRecord,
  ChunkTerms,
  DocumentRecord,
  DocumentText,
  NewChunk,
  NewDocument,
  OriginalFile,
  PictureRecord,
  Replacement,
  ResealedRecords,
  Store,
  StoredIndex,
  ThreadRow,
  VectorBatch,
  WholeDocument,
} from '../store/store.ts';
import type { TextBlock } from '../core/types.ts';
import {
  ENVELOPE_VERSION,
  LEGACY_ENVELOPE_VERSION,
  RecordCipher,
  bytesToLatin1,
  changePassphrase,
  createKeyFile,
  envelopeVersion,
  latin1ToBytes,
  unlockKeyFile,
  type KeyFile,
  type KeyOptions,
} from './crypto.ts';
import {
  INTEGRITY_MESSAGE,
  hashChunkIds,
  integrityError,
  legacyContextBindsPlace,
  legacyRecordContext,
  recordContext,
  type RecordPlace,
} from './record-context.ts';

/** Settings key of the KeyFile: its presence marks the library as encrypted. */
export const LOCK_SETTING = '#lock';
const SEALED_SETTING = '#sealed';
/** Settings key whose value is RECORD_BINDING once every record is sealed bound to its place (written last). */
export const RECORD_BINDING_SETTING = '#record-binding';
const RECORD_BINDING = 2;
const VECTOR_MAGIC = 0x56454e43; // "VENC": marks a packed, sealed vector batch

export interface EncryptedStoreOptions extends KeyOptions {
  /** Settings whose values are sealed too (default: none; the engine reads preferences before unlocking). */
  sealSetting?: (key: string) => boolean;
}

interface DocumentSecrets {
  name: string;
  title?: string;
  warnings?: string[];
  folder?: string;
}

export class EncryptedStore implements Store {
  private cipher: RecordCipher | undefined;
  /** Documents already marked 'failed' for a refused record in this session (each is written once). */
  private readonly markedDamaged = new Set<number>();

  private constructor(
    private readonly inner: Store,
    cipher: RecordCipher,
    private keyFile: KeyFile,
    private readonly sealSetting: (key: string) => boolean,
    /** While true, version 1 records of documents, texts, chunks, terms and vectors open (until re-sealed). */
    private legacyAccepted: boolean,
  ) {
    this.cipher = cipher;
  }

  /** Whether the store holds an encrypted library (a KeyFile). Reads nothing else. */
  static async isEncrypted(inner: Store): Promise<boolean> {
    return (await inner.getSetting<KeyFile>(LOCK_SETTING)) !== undefined;
  }

  /**
   * Turns on encryption for an EMPTY store (a plain library must be re-ingested or migrated first: mixing plain
   * and sealed records is refused rather than half-done). The passphrase cannot be recovered.
   */
  static async create(inner: Store, passphrase: string, options: EncryptedStoreOptions = {}): Promise<EncryptedStore> {
    if (await EncryptedStore.isEncrypted(inner)) {
      throw new TroveError('INVALID_ARGUMENT', 'This library is already encrypted; unlock it instead.');
    }
    if ((await inner.listDocuments()).length > 0) {
      throw new TroveError('INVALID_ARGUMENT', 'Encryption can only be turned on for an empty library.');
    }
    const { keyFile, cipher } = await createKeyFile(passphrase, options);
    await inner.putSetting(RECORD_BINDING_SETTING, RECORD_BINDING);
    await inner.putSetting(LOCK_SETTING, keyFile);
    const store = new EncryptedStore(inner, cipher, keyFile, options.sealSetting ?? (() => false), false);
    // Threads saved before the lock was turned on are sealed with it (a plain one would not open under the lock).
    for (const row of await inner.listThreads()) if (!isSealedThread(row)) await store.putThread(row);
    return store;
  }

  /**
   * Opens an encrypted library. A wrong passphrase throws WRONG_PASSPHRASE having read only the KeyFile. A library
   * sealed before records were bound to their place is re-sealed first (resumable: see resealLegacyRecords).
   */
  static async unlock(
    inner: Store,
    passphrase: string,
    options: Pick<EncryptedStoreOptions, 'sealSetting'> = {},
  ): Promise<EncryptedStore> {
    const keyFile = await inner.getSetting<KeyFile>(LOCK_SETTING);
    if (!keyFile) throw new TroveError('NOT_FOUND', 'This library is not encrypted.');
    const cipher = await unlockKeyFile(keyFile, passphrase);
    const bound = (await inner.getSetting<number>(RECORD_BINDING_SETTING)) === RECORD_BINDING;
    const store = new EncryptedStore(inner, cipher, keyFile, options.sealSetting ?? (() => false), !bound);
    if (!bound) await store.resealLegacyRecords();
    return store;
  }

  /** Re-wraps the data key under a new passphrase (no record is re-encrypted). */
  async changePassphrase(oldPassphrase: string, newPassphrase: string, options: KeyOptions = {}): Promise<void> {
    this.key(); // refuse when locked
    const next = await changePassphrase(this.keyFile, oldPassphrase, newPassphrase, options);
    await this.inner.putSetting(LOCK_SETTING, next);
    this.keyFile = next;
  }

  /** Forgets the key: every later call throws LOCKED until a new EncryptedStore.unlock(). */
  lock(): void {
    this.cipher = undefined;
  }

  get locked(): boolean {
    return this.cipher === undefined;
  }

  async reserveIds(kind: 'documents' | 'chunks', count: number): Promise<number> {
    this.key();
    return this.inner.reserveIds(kind, count);
  }

  async createDocument(doc: NewDocument, text: Omit<DocumentText, 'docId'>): Promise<number> {
    const cipher = this.key();
    const { id: given, name, title, warnings, folder, ...plain } = doc;
    const id = given ?? (await this.inner.reserveIds('documents', 1));
    const secrets: DocumentSecrets = {
      name,
      ...(title !== undefined && { title }),
      ...(warnings !== undefined && { warnings }),
      ...(folder !== undefined && { folder }),
    };
    const [sealedDoc, sealedText, sealedFields] = await Promise.all([
      cipher.seal(secrets, recordContext({ kind: 'document', field: 'secrets', docId: id })),
      cipher.seal({ text: text.text, blocks: text.blocks }, recordContext({ kind: 'text', field: 'text', docId: id })),
      sealDocumentFields(cipher, id, plain),
    ]);
    const stored = await this.inner.createDocument(
      { ...plain, ...sealedFields, id, name: bytesToLatin1(sealedDoc) },
      { text: bytesToLatin1(sealedText), blocks: [] },
    );
    if (stored !== id) throw new TroveError('INTERNAL', 'The store did not keep the reserved document id.');
    return stored;
  }

  async addChunks(
    docId: number,
    chunks: NewChunk[],
    vectors?: Omit<VectorBatch, 'docId' | 'chunkIds'>,
  ): Promise<number[]> {
    const cipher = this.key();
    if (vectors && vectors.vectors.length !== chunks.length * vectors.dims) {
      throw new TroveError('INVALID_ARGUMENT', `expected ${chunks.length} vectors of ${vectors.dims} dims`);
    }
    const missing = chunks.filter((c) => c.id === undefined).length;
    const first = missing > 0 ? await this.inner.reserveIds('chunks', missing) : 0;
    let next = first;
    const ids = chunks.map((c) => c.id ?? next++);
    const sealedChunks = await Promise.all(
      chunks.map(async ({ text, headingPath, fields, terms, ...plain }, i): Promise<NewChunk> => {
        const chunkId = ids[i]!;
        const [sealedText, sealedTerms] = await Promise.all([
          cipher.seal(
            fields ? { text, headingPath, fields } : { text, headingPath },
            recordContext({ kind: 'chunk', field: 'content', docId, chunkId }),
          ),
          cipher.seal(terms.join(' '), recordContext({ kind: 'terms', field: 'terms', docId, chunkId })),
        ]);
        return {
          ...plain,
          id: chunkId,
          text: bytesToLatin1(sealedText),
          headingPath: [],
          terms: [bytesToLatin1(sealedTerms)],
        };
      }),
    );
    const sealedVectors =
      vectors && chunks.length > 0
        ? await packVectors(cipher, docId, vectors.fingerprint, vectors.dims, vectors.vectors, Uint32Array.from(ids))
        : undefined;
    const stored = await this.inner.addChunks(
      docId,
      sealedChunks,
      sealedVectors && { fingerprint: vectors!.fingerprint, ...sealedVectors },
    );
    if (stored.some((id, i) => id !== ids[i]))
      throw new TroveError('INTERNAL', 'The store did not keep the reserved chunk ids.');
    return stored;
  }

  /**
   * Writes the documents one at a time (sealing a chunk binds it to its document's id, which only the write that
   * creates the document knows); when one fails, those this call created are removed again, so the batch is kept
   * whole or not at all, as in one transaction.
   */
  async addDocuments(documents: readonly WholeDocument[]): Promise<Array<{ docId: number; chunkIds: number[] }>> {
    const written: Array<{ docId: number; chunkIds: number[] }> = [];
    try {
      for (const { doc, text, chunks, vectors, original } of documents) {
        const docId = await this.createDocument(doc, text);
        written.push({ docId, chunkIds: [] });
        if (original) await this.putOriginal({ ...original, docId });
        if (chunks.length > 0) written[written.length - 1].chunkIds = await this.addChunks(docId, chunks, vectors);
        await this.markReady(docId, chunks.length);
      }
      return written;
    } catch (error) {
      for (const { docId } of written) await this.inner.deleteDocument(docId).catch(() => undefined);
      throw error;
    }
  }

  async addVectors(batch: VectorBatch): Promise<void> {
    const cipher = this.key();
    if (batch.chunkIds.length === 0) return this.inner.addVectors(batch);
    const sealed = await packVectors(cipher, batch.docId, batch.fingerprint, batch.dims, batch.vectors, batch.chunkIds);
    await this.inner.addVectors({ ...batch, ...sealed });
  }

  async markReady(docId: number, chunkCount: number): Promise<void> {
    this.key();
    return this.inner.markReady(docId, chunkCount);
  }

  async deleteDocument(docId: number): Promise<void> {
    this.key();
    return this.inner.deleteDocument(docId);
  }

  async clearChunks(docId: number): Promise<void> {
    this.key();
    return this.inner.clearChunks(docId);
  }

  async listDocuments(): Promise<DocumentRecord[]> {
    this.key();
    const docs = await this.inner.listDocuments();
    return Promise.all(docs.map((doc) => this.openDocument(doc)));
  }

  async getDocument(docId: number): Promise<DocumentRecord | undefined> {
    this.key();
    const doc = await this.inner.getDocument(docId);
    return doc && this.openDocument(doc);
  }

  async updateDocument(
    docId: number,
    patch: Partial<Pick<DocumentRecord, 'status' | 'attempts' | 'error' | 'tags' | 'collection' | 'modifiedAt'>>,
  ): Promise<void> {
    const cipher = this.key();
    return this.inner.updateDocument(docId, { ...patch, ...(await sealDocumentFields(cipher, docId, patch)) });
  }

  async replaceDocument(oldId: number, newId: number, chunkCount: number): Promise<void> {
    this.key();
    return this.inner.replaceDocument(oldId, newId, chunkCount);
  }

  async chunksOf(docId: number): Promise<ChunkRecord[]> {
    this.key();
    return this.openRows(await this.inner.chunksOf(docId), (row) => this.openChunk(row));
  }

  async termsOf(docId: number): Promise<ChunkTerms[]> {
    this.key();
    return this.openRows(await this.inner.termsOf(docId), (row) => this.openTerms(row));
  }

  async vectorBatchesOf(docId: number, fingerprint: string): Promise<VectorBatch[]> {
    this.key();
    return this.openRows(await this.inner.vectorBatchesOf(docId, fingerprint), (row) => this.openBatch(row));
  }

  async libraryVersion(): Promise<number> {
    this.key();
    return this.inner.libraryVersion();
  }

  async changesSince(version: number): Promise<LibraryChanges> {
    this.key();
    return this.inner.changesSince(version);
  }

  async deleteVectorSet(fingerprint: string): Promise<void> {
    this.key();
    return this.inner.deleteVectorSet(fingerprint);
  }

  async getText(docId: number): Promise<DocumentText | undefined> {
    this.key();
    const row = await this.inner.getText(docId);
    if (!row) return undefined;
    try {
      const { text, blocks } = (await this.open({ kind: 'text', field: 'text', docId }, row.text)) as {
        text: string;
        blocks: TextBlock[];
      };
      return { docId: row.docId, text, blocks };
    } catch (error) {
      if (!isDecryptFailure(error)) throw error;
      await this.markDamaged([docId]);
      throw integrityError(error);
    }
  }

  async getChunks(ids: readonly number[]): Promise<ChunkRecord[]> {
    this.key();
    return this.openRows(await this.inner.getChunks(ids), (row) => this.openChunk(row));
  }

  async allTerms(): Promise<ChunkTerms[]> {
    this.key();
    return this.openRows(await this.inner.allTerms(), (row) => this.openTerms(row));
  }

  async vectorBatches(fingerprint: string): Promise<VectorBatch[]> {
    this.key();
    return this.openRows(await this.inner.vectorBatches(fingerprint), (row) => this.openBatch(row));
  }

  async vectorFingerprints(): Promise<string[]> {
    this.key();
    return this.inner.vectorFingerprints();
  }

  /** Refused: re-sealing writes envelopes to the inner store (resealLegacyRecords); values given here would go in plain. */
  async resealRecords(_docId: number, _records: ResealedRecords): Promise<void> {
    throw new TroveError('INVALID_ARGUMENT', 'Sealed records are re-sealed by the encrypted store itself.');
  }

  async vectorsVersion(): Promise<number> {
    this.key();
    return this.inner.vectorsVersion();
  }

  async writeIndexPages(
    set: string,
    pages: Array<{ name: string; bytes: Uint8Array }>,
    removedPages: string[],
    version: number,
  ): Promise<void> {
    const cipher = this.key();
    const sealed = await Promise.all(
      pages.map(async (page) => ({
        name: page.name,
        bytes: await cipher.seal(
          page.bytes,
          recordContext({ kind: 'index-page', field: 'bytes', set, name: page.name }),
        ),
      })),
    );
    await this.inner.writeIndexPages(set, sealed, removedPages, version);
  }

  /** A persisted index with a page that fails to open reads as absent: it is derived data, rebuilt from the records. */
  async readIndex(set: string): Promise<StoredIndex | undefined> {
    const cipher = this.key();
    const stored = await this.inner.readIndex(set);
    if (!stored) return undefined;
    try {
      const pages = await Promise.all(
        stored.pages.map(async (page) => {
          const [context, legacy] = this.contexts({ kind: 'index-page', field: 'bytes', set, name: page.name });
          return { name: page.name, bytes: await cipher.openBytes(page.bytes, context, legacy) };
        }),
      );
      return { version: stored.version, pages };
    } catch (error) {
      if (!isDecryptFailure(error)) throw error;
      return undefined;
    }
  }

  async deleteIndex(set: string): Promise<void> {
    this.key();
    return this.inner.deleteIndex(set);
  }

  async getSetting<T>(key: string): Promise<T | undefined> {
    if (key === LOCK_SETTING || !this.sealSetting(key)) return this.inner.getSetting<T>(key);
    this.key();
    const row = await this.inner.getSetting<{ [SEALED_SETTING]: string }>(key);
    if (row === undefined) return undefined;
    // Stored before this key was sealed: given back as it is (sealPlainSettings seals it at unlock).
    if (!isSealedSettingRow(row)) return row as T;
    return ((await this.open({ kind: 'setting', field: 'value', key }, row[SEALED_SETTING])) as { value: T }).value;
  }

  async putSetting<T>(key: string, value: T): Promise<void> {
    if (key === LOCK_SETTING || key === RECORD_BINDING_SETTING)
      throw new TroveError('INVALID_ARGUMENT', 'The lock records are managed by the encrypted store.');
    if (!this.sealSetting(key)) return this.inner.putSetting(key, value);
    const sealed = await this.key().seal({ value }, recordContext({ kind: 'setting', field: 'value', key }));
    await this.inner.putSetting(key, { [SEALED_SETTING]: bytesToLatin1(sealed) });
  }

  /** Seals the values of these keys that are still stored plain (written before the key was sealed). */
  async sealPlainSettings(keys: readonly string[]): Promise<void> {
    this.key();
    for (const key of keys) {
      if (!this.sealSetting(key)) continue;
      const row = await this.inner.getSetting<unknown>(key);
      if (row !== undefined && !isSealedSettingRow(row)) await this.putSetting(key, row);
    }
  }

  close(): void {
    this.cipher = undefined;
    this.inner.close();
  }

  async putOriginal(original: OriginalFile): Promise<void> {
    const cipher = this.key();
    const docId = original.docId;
    const [meta, bytes] = await Promise.all([
      cipher.seal(
        { name: original.name, type: original.type },
        recordContext({ kind: 'original', field: 'meta', docId }),
      ),
      cipher.seal(new Uint8Array(original.bytes), recordContext({ kind: 'original', field: 'bytes', docId })),
    ]);
    await this.inner.putOriginal({
      docId,
      name: bytesToLatin1(meta),
      type: '',
      bytes: exactBuffer(bytes),
    });
  }

  async getOriginal(docId: number): Promise<OriginalFile | undefined> {
    const cipher = this.key();
    const row = await this.inner.getOriginal(docId);
    if (!row) return undefined;
    const [metaContext, metaLegacy] = this.contexts({ kind: 'original', field: 'meta', docId });
    const [bytesContext, bytesLegacy] = this.contexts({ kind: 'original', field: 'bytes', docId });
    const [meta, bytes] = await Promise.all([
      cipher.open(latin1ToBytes(row.name), metaContext, metaLegacy) as Promise<{ name: string; type: string }>,
      cipher.openBytes(new Uint8Array(row.bytes), bytesContext, bytesLegacy),
    ]);
    return { docId, name: meta.name, type: meta.type, bytes: exactBuffer(bytes) };
  }

  async deleteOriginal(docId: number): Promise<void> {
    this.key();
    return this.inner.deleteOriginal(docId);
  }

  async originalIds(): Promise<number[]> {
    this.key();
    return this.inner.originalIds();
  }

  async putPicture(picture: PictureRecord): Promise<void> {
    const cipher = this.key();
    const place = { kind: 'picture', docId: picture.docId, n: picture.n, fingerprint: picture.fingerprint } as const;
    const [vector, thumbnail] = await Promise.all([
      cipher.seal(
        new Uint8Array(picture.vector.buffer, picture.vector.byteOffset, picture.vector.byteLength),
        recordContext({ ...place, field: 'vector' }),
      ),
      cipher.seal(new Uint8Array(picture.thumbnail.bytes), recordContext({ ...place, field: 'thumbnail' })),
    ]);
    await this.inner.putPicture({
      ...picture,
      vector: new Float32Array(0),
      sealedVector: exactBuffer(vector),
      thumbnail: { ...picture.thumbnail, bytes: exactBuffer(thumbnail) },
    });
  }

  async getPicture(docId: number, n: number): Promise<PictureRecord | undefined> {
    const row = await this.inner.getPicture(docId, n);
    return row && this.openPicture(row);
  }

  async listDocumentPictures(docId: number): Promise<PictureRecord[]> {
    return this.openPictures(await this.inner.listDocumentPictures(docId));
  }

  async listPictures(fingerprint: string): Promise<PictureRecord[]> {
    return this.openPictures(await this.inner.listPictures(fingerprint));
  }

  async pictureFingerprints(): Promise<string[]> {
    this.key();
    return this.inner.pictureFingerprints();
  }

  async deletePicturesOf(fingerprint: string, describedIn?: string): Promise<number> {
    this.key();
    return this.inner.deletePicturesOf(fingerprint, describedIn);
  }

  private async openPictures(rows: PictureRecord[]): Promise<PictureRecord[]> {
    const opened = await Promise.all(rows.map((row) => this.openPicture(row)));
    return opened.filter((p): p is PictureRecord => p !== undefined);
  }

  /** A sealed picture opened; undefined (left out of reads, nothing deleted) when it fails to open here. */
  private async openPicture(row: PictureRecord): Promise<PictureRecord | undefined> {
    const cipher = this.key();
    if (!row.sealedVector) return undefined; // a plain row in a sealed library is not trusted
    const place = { kind: 'picture', docId: row.docId, n: row.n, fingerprint: row.fingerprint } as const;
    try {
      const [vector, thumbnail] = await Promise.all([
        cipher.openBytes(new Uint8Array(row.sealedVector), recordContext({ ...place, field: 'vector' })),
        cipher.openBytes(new Uint8Array(row.thumbnail.bytes), recordContext({ ...place, field: 'thumbnail' })),
      ]);
      const { sealedVector: _sealed, ...plain } = row;
      return {
        ...plain,
        vector: new Float32Array(exactBuffer(vector)),
        thumbnail: { ...row.thumbnail, bytes: exactBuffer(thumbnail) },
      };
    } catch {
      return undefined;
    }
  }

  async putThread(row: ThreadRow): Promise<void> {
    const cipher = this.key();
    const sealed = await cipher.seal({ content: row.content }, recordContext(threadPlace(row.id)));
    await this.inner.putThread({ id: row.id, content: bytesToLatin1(sealed) });
  }

  async getThread(id: string): Promise<ThreadRow | undefined> {
    this.key();
    const row = await this.inner.getThread(id);
    return row && this.openThread(row);
  }

  async listThreads(): Promise<ThreadRow[]> {
    this.key();
    return Promise.all((await this.inner.listThreads()).map((row) => this.openThread(row)));
  }

  async deleteThread(id: string): Promise<void> {
    this.key();
    return this.inner.deleteThread(id);
  }

  /** A sealed thread opened; one that fails to open (or was stored plain) is marked unreadable, never deleted. */
  private async openThread(row: ThreadRow): Promise<ThreadRow> {
    const id = row.id;
    if (typeof id !== 'string' || !isSealedThread(row)) {
      return { id: String(id), content: undefined, unreadable: 'It is not sealed under the library lock.' };
    }
    try {
      const opened = await this.open(threadPlace(id), row.content as string);
      if (typeof opened !== 'object' || opened === null) throw integrityError();
      return { id, content: (opened as { content?: unknown }).content };
    } catch (error) {
      if (!isDecryptFailure(error)) throw error;
      return { id, content: undefined, unreadable: THREAD_INTEGRITY_MESSAGE };
    }
  }

  /**
   * Re-seals every record of documents, texts, chunks, terms and vectors still sealed with the coarser version 1
   * context (and seals tags, hashes and error messages stored plain by older versions), one document per
   * transaction; then writes RECORD_BINDING_SETTING. Interrupted, it resumes at the next unlock: each record
   * carries its envelope version, and records already re-sealed are skipped. A record that does not open under its
   * old context is left as it is (it is damaged either way, and is refused when read).
   */
  async resealLegacyRecords(): Promise<{ documents: number; records: number }> {
    this.key();
    const fingerprints = await this.inner.vectorFingerprints();
    let documents = 0;
    let records = 0;
    for (const doc of await this.inner.listDocuments()) {
      const resealed = await this.resealDocument(doc, fingerprints);
      if (resealed > 0) documents++;
      records += resealed;
    }
    await this.inner.putSetting(RECORD_BINDING_SETTING, RECORD_BINDING);
    this.legacyAccepted = false;
    return { documents, records };
  }

  private async resealDocument(doc: DocumentRecord, fingerprints: string[]): Promise<number> {
    const docId = doc.id;
    const records: ResealedRecords = {};
    let count = 0;
    const counted = <T>(replacement: Replacement<T> | undefined) => {
      if (replacement) count++;
      return replacement;
    };
    records.name = counted(await this.resealString({ kind: 'document', field: 'secrets', docId }, doc.name));
    if (doc.tags?.length) {
      const tags = doc.tags;
      const after =
        tags.length === 1 && isSealed(tags[0]!)
          ? await this.resealString({ kind: 'document', field: 'tags', docId }, tags[0]!)
          : { before: '', after: bytesToLatin1(await this.key().seal(tags, recordContext(docPlace('tags', docId)))) };
      if (after) records.tags = counted({ before: tags, after: [after.after] });
    }
    if (doc.sha256 !== undefined)
      records.sha256 = counted(await this.resealString(docPlace('sha256', docId), doc.sha256, true));
    if (doc.error !== undefined)
      records.errorMessage = counted(await this.resealString(docPlace('error', docId), doc.error.message, true));
    const text = await this.inner.getText(docId);
    if (text) records.text = counted(await this.resealString({ kind: 'text', field: 'text', docId }, text.text));
    records.chunks = [];
    for (const row of await this.inner.chunksOf(docId)) {
      const place: RecordPlace = { kind: 'chunk', field: 'content', docId, chunkId: row.id };
      const change = await this.resealString(place, row.text);
      if (change) records.chunks.push({ id: row.id, ...change });
    }
    records.terms = [];
    for (const row of await this.inner.termsOf(docId)) {
      const place: RecordPlace = { kind: 'terms', field: 'terms', docId, chunkId: row.chunkId };
      const change = await this.resealString(place, row.terms.join(' '));
      if (change) records.terms.push({ chunkId: row.chunkId, before: row.terms, after: [change.after] });
    }
    records.vectors = [];
    for (const fingerprint of fingerprints) {
      for (const row of await this.inner.vectorBatchesOf(docId, fingerprint)) {
        const change = await this.resealBatch(row);
        if (change) records.vectors.push(change);
      }
    }
    count += records.chunks.length + records.terms.length + records.vectors.length;
    if (count > 0) await this.inner.resealRecords(docId, records);
    return count;
  }

  /** A version 1 envelope (or, with `plainToo`, a value older versions stored plain) sealed anew; else undefined. */
  private async resealString(
    place: RecordPlace,
    stored: string,
    plainToo = false,
  ): Promise<Replacement<string> | undefined> {
    const cipher = this.key();
    const version = envelopeVersion(latin1ToBytes(stored));
    if (version === ENVELOPE_VERSION) return undefined;
    let value: unknown = stored;
    if (version === LEGACY_ENVELOPE_VERSION) {
      try {
        value = await cipher.open(latin1ToBytes(stored), '', legacyRecordContext(place));
      } catch (error) {
        if (isDecryptFailure(error)) return undefined;
        throw error;
      }
    } else if (!plainToo) {
      return undefined;
    }
    return { before: stored, after: bytesToLatin1(await cipher.seal(value as object, recordContext(place))) };
  }

  private async resealBatch(row: VectorBatch): Promise<VectorReplacement | undefined> {
    if (row.chunkIds.length === 0) return undefined;
    const packed = readPacked(row);
    if (!packed || envelopeVersion(packed.envelope) !== LEGACY_ENVELOPE_VERSION) return undefined;
    let vectors: Float32Array;
    try {
      vectors = await this.key().openFloat32(
        packed.envelope,
        '',
        legacyRecordContext(await vectorPlace(row.docId, row.fingerprint, packed.dims, row.chunkIds)),
      );
    } catch (error) {
      if (isDecryptFailure(error)) return undefined;
      throw error;
    }
    const after = await packVectors(this.key(), row.docId, row.fingerprint, packed.dims, vectors, row.chunkIds);
    return {
      fingerprint: row.fingerprint,
      chunkIds: row.chunkIds,
      before: { dims: row.dims, vectors: row.vectors },
      after,
    };
  }

  /** [context, legacy context or undefined]: a version 1 record of this place opens only where that is still safe. */
  private contexts(place: RecordPlace): [string, string | undefined] {
    const legacy = this.legacyAccepted || legacyContextBindsPlace(place) ? legacyRecordContext(place) : undefined;
    return [recordContext(place), legacy];
  }

  private open(place: RecordPlace, stored: string): Promise<unknown> {
    const [context, legacy] = this.contexts(place);
    return this.key().open(latin1ToBytes(stored), context, legacy);
  }

  private async openDocument(doc: DocumentRecord): Promise<DocumentRecord> {
    const { title: _t, warnings: _w, folder: _f, tags: _g, sha256: _s, error: _e, ...plain } = doc;
    try {
      const secrets = (await this.open(docPlace('secrets', doc.id), doc.name)) as DocumentSecrets;
      const { name, title, warnings, folder } = secrets;
      return {
        ...plain,
        ...(await this.openDocumentFields(doc)),
        name,
        ...(title !== undefined && { title }),
        ...(warnings !== undefined && { warnings }),
        ...(folder !== undefined && { folder }),
      };
    } catch (error) {
      if (!isDecryptFailure(error)) throw error;
      // Shown, never silently dropped: the person sees which document is damaged and can remove or re-add it.
      return {
        ...plain,
        name: `Damaged document ${doc.id}`,
        status: 'failed',
        error: { code: 'DECRYPT_FAILED', message: INTEGRITY_MESSAGE },
      };
    }
  }

  /** Tags, hash and error message. Values stored plain by older versions are accepted only until re-sealing. */
  private async openDocumentFields(doc: DocumentRecord): Promise<SealedFields> {
    const opened: SealedFields = {};
    const sealedOrPlain = (value: string) => {
      if (isSealed(value) || this.legacyAccepted) return isSealed(value);
      throw integrityError();
    };
    if (doc.tags !== undefined && doc.tags.length > 0) {
      if (doc.tags.length === 1 && isSealed(doc.tags[0]!))
        opened.tags = (await this.open(docPlace('tags', doc.id), doc.tags[0]!)) as string[];
      else if (this.legacyAccepted) opened.tags = doc.tags;
      else throw integrityError();
    }
    if (doc.sha256 !== undefined)
      opened.sha256 = sealedOrPlain(doc.sha256)
        ? await this.openText(docPlace('sha256', doc.id), doc.sha256)
        : doc.sha256;
    if (doc.error !== undefined) {
      const message = sealedOrPlain(doc.error.message)
        ? await this.openText(docPlace('error', doc.id), doc.error.message)
        : doc.error.message;
      opened.error = { ...doc.error, message };
    }
    return opened;
  }

  private async openText(place: RecordPlace, stored: string): Promise<string> {
    const value = await this.open(place, stored);
    if (typeof value !== 'string') throw integrityError();
    return value;
  }

  private async openChunk(row: ChunkRecord): Promise<ChunkRecord> {
    const place: RecordPlace = { kind: 'chunk', field: 'content', docId: row.docId, chunkId: row.id };
    const { text, headingPath, fields } = (await this.open(place, row.text)) as Pick<
      ChunkRecord,
      'text' | 'headingPath' | 'fields'
    >;
    return fields ? { ...row, text, headingPath, fields } : { ...row, text, headingPath };
  }

  private async openTerms(row: ChunkTerms): Promise<ChunkTerms> {
    // The inner store splits stored terms at spaces; joining gives the sealed string back exactly.
    const place: RecordPlace = { kind: 'terms', field: 'terms', docId: row.docId, chunkId: row.chunkId };
    const joined = await this.openText(place, row.terms.join(' '));
    return { chunkId: row.chunkId, docId: row.docId, terms: joined ? joined.split(' ') : [] };
  }

  private async openBatch(row: VectorBatch): Promise<VectorBatch> {
    const { docId, fingerprint, chunkIds } = row;
    if (chunkIds.length === 0) return { docId, fingerprint, dims: row.dims, chunkIds, vectors: row.vectors };
    const packed = readPacked(row);
    if (!packed) {
      throw new TroveError(
        'DECRYPT_FAILED',
        'A stored vector batch is not encrypted: the library mixes plain and encrypted records.',
      );
    }
    const [context, legacy] = this.contexts(await vectorPlace(docId, fingerprint, packed.dims, chunkIds));
    const vectors = await this.key().openFloat32(packed.envelope, context, legacy);
    if (vectors.length !== chunkIds.length * packed.dims)
      throw new TroveError('DECRYPT_FAILED', 'A stored vector batch has the wrong size.');
    return { docId, fingerprint, dims: packed.dims, chunkIds, vectors };
  }

  /** Opens each row; rows that fail are left out and their documents marked 'failed' (nothing is deleted). */
  private async openRows<R extends { docId: number }, T>(rows: R[], open: (row: R) => Promise<T>): Promise<T[]> {
    const damaged = new Set<number>();
    const opened = await Promise.all(
      rows.map(async (row) => {
        try {
          return await open(row);
        } catch (error) {
          if (!isDecryptFailure(error)) throw error;
          damaged.add(row.docId);
          return undefined;
        }
      }),
    );
    if (damaged.size > 0) await this.markDamaged(damaged);
    return opened.filter((row): row is Awaited<T> => row !== undefined);
  }

  /** Marks documents 'failed' with the integrity message, once each (a failed write is not retried here). */
  private async markDamaged(docIds: Iterable<number>): Promise<void> {
    const cipher = this.key();
    for (const docId of docIds) {
      if (this.markedDamaged.has(docId)) continue;
      this.markedDamaged.add(docId);
      const doc = await this.inner.getDocument(docId);
      if (!doc || (doc.status === 'failed' && doc.error?.code === 'DECRYPT_FAILED')) continue;
      const message = bytesToLatin1(await cipher.seal(INTEGRITY_MESSAGE, recordContext(docPlace('error', docId))));
      await this.inner
        .updateDocument(docId, { status: 'failed', error: { code: 'DECRYPT_FAILED', message } })
        .catch(() => undefined);
    }
  }

  /**
   * Seals a record kept outside this store (the page's live-folder records) as the store's own are: bound to its
   * place, so it opens only there. LOCKED while locked.
   */
  async sealOutside(place: RecordPlace, value: object): Promise<Uint8Array> {
    return this.key().seal(value, recordContext(place));
  }

  /** Opens what sealOutside sealed for the same place; DECRYPT_FAILED when it was changed or moved. */
  async openOutside(place: RecordPlace, envelope: Uint8Array): Promise<unknown> {
    return this.key().open(envelope, recordContext(place));
  }

  private key(): RecordCipher {
    if (!this.cipher) throw new TroveError('LOCKED');
    return this.cipher;
  }
}

type VectorReplacement = NonNullable<ResealedRecords['vectors']>[number];

const isDecryptFailure = (error: unknown) => error instanceof TroveError && error.code === 'DECRYPT_FAILED';

const threadPlace = (threadId: string): RecordPlace => ({ kind: 'thread', field: 'content', threadId });

const isSealedThread = (row: ThreadRow) => typeof row.content === 'string' && isSealed(row.content);

const THREAD_INTEGRITY_MESSAGE =
  'It failed the integrity check: it was changed or moved on disk, or sealed with another key. Nothing was deleted.';

const docPlace = (field: 'secrets' | 'tags' | 'sha256' | 'error', docId: number): RecordPlace => ({
  kind: 'document',
  field,
  docId,
});

async function vectorPlace(
  docId: number,
  fingerprint: string,
  dims: number,
  chunkIds: Uint32Array,
): Promise<RecordPlace> {
  return { kind: 'vectors', field: 'vectors', docId, fingerprint, dims, chunkIdsHash: await hashChunkIds(chunkIds) };
}

/** A settings row written by putSetting for a sealed key (an object holding only the envelope). */
function isSealedSettingRow(row: unknown): boolean {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return false;
  const keys = Object.keys(row);
  const value = (row as Record<string, unknown>)[SEALED_SETTING];
  return keys.length === 1 && typeof value === 'string' && isSealed(value);
}

/** The bytes of a view as an ArrayBuffer of exactly their length (copied only when the view is part of a larger buffer). */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer)
    return bytes.buffer;
  return bytes.slice().buffer as ArrayBuffer;
}

type SealedFields = Pick<DocumentRecord, 'tags' | 'sha256' | 'error'>;

/** Seals the tags, hash and error message present in `fields` (absent ones stay absent; codes stay plain). */
async function sealDocumentFields(cipher: RecordCipher, docId: number, fields: SealedFields): Promise<SealedFields> {
  const sealed: SealedFields = {};
  const { tags, sha256, error } = fields;
  const seal = async (field: 'tags' | 'sha256' | 'error', value: string | string[]) =>
    bytesToLatin1(await cipher.seal(value, recordContext(docPlace(field, docId))));
  if (tags !== undefined && tags.length > 0) sealed.tags = [await seal('tags', tags)];
  if (sha256 !== undefined) sealed.sha256 = await seal('sha256', sha256);
  if (error !== undefined) sealed.error = { ...error, message: await seal('error', error.message) };
  return sealed;
}

/** A sealed envelope as a latin1 string ("TE", version 1 or 2); libraries locked before these fields were sealed hold plain values. */
function isSealed(value: string): boolean {
  return (
    value.charCodeAt(0) === 0x54 &&
    value.charCodeAt(1) === 0x45 &&
    (value.charCodeAt(2) === ENVELOPE_VERSION || value.charCodeAt(2) === LEGACY_ENVELOPE_VERSION)
  );
}

/**
 * Seals a vector batch and reshapes it to pass through a Store that checks vectors.length === rows × dims:
 * [u32 magic][u32 real dims][u32 envelope length][envelope][zero padding] as a Float32Array of rows × packedDims.
 * The real dims are plain (they are the model's, not the user's); the floats themselves are inside the envelope,
 * bound to the document, the model, the real dims and the chunk ids they belong to.
 */
async function packVectors(
  cipher: RecordCipher,
  docId: number,
  fingerprint: string,
  dims: number,
  vectors: Float32Array,
  chunkIds: Uint32Array,
): Promise<{ dims: number; vectors: Float32Array }> {
  const rows = chunkIds.length;
  const place = await vectorPlace(docId, fingerprint, dims, chunkIds);
  const envelope = await cipher.seal(vectors, recordContext(place));
  const needed = 12 + envelope.length;
  const packedDims = Math.ceil(needed / 4 / rows);
  const bytes = new Uint8Array(rows * packedDims * 4);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, VECTOR_MAGIC, true);
  view.setUint32(4, dims, true);
  view.setUint32(8, envelope.length, true);
  bytes.set(envelope, 12);
  return { dims: packedDims, vectors: new Float32Array(bytes.buffer) };
}

/** The real dims and the envelope of a packed batch, or undefined when it is not one. */
function readPacked(row: VectorBatch): { dims: number; envelope: Uint8Array } | undefined {
  const bytes = new Uint8Array(row.vectors.buffer, row.vectors.byteOffset, row.vectors.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || view.getUint32(0, true) !== VECTOR_MAGIC) return undefined;
  const dims = view.getUint32(4, true);
  const length = view.getUint32(8, true);
  if (12 + length > bytes.length) return undefined;
  return { dims, envelope: bytes.subarray(12, 12 + length) };
}
