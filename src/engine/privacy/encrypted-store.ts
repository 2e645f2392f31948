// A Store that encrypts what it hands to another Store (by delegation): the library lock.
//
// Sealed (AES-GCM envelopes, see crypto.ts), each with a context string so records cannot be swapped:
//   documents: name, title, warnings      → sealed JSON in `name`; title/warnings left out      (context "doc")
//              tags, sha256, error message → each sealed in its own field, so a patch seals only itself
//                                            ("doc-tags", "doc-sha256", "doc-error"; a file's hash would let
//                                            anyone with the disk confirm that a known file is in the library)
//   texts:     text and blocks            → sealed JSON in `text`; blocks = []                   ("text")
//   chunks:    text, headingPath, fields  → sealed JSON in `text`; headingPath = [], no fields   ("chunk:<docId>")
//   terms:     the analysed terms         → one sealed string as the only term                   ("terms:<docId>")
//   vectors:   the Float32 vectors        → sealed bytes reinterpreted as floats (see packVectors) ("vectors:<docId>:<fingerprint>")
//   indexPages: every page's bytes        → sealed bytes                                         ("page:<set>/<name>")
//   originals: name and type; the bytes   → sealed JSON in `name`, type ''; sealed bytes         ("original:<docId>", "original-bytes:<docId>")
// Plain, because the store needs them to work or they reveal no content: ids, docId links, chunk offsets, page
// numbers and token counts, document format/size/dates/status/chunk counts, model fingerprints and dims, chunk ids
// of vector batches, index set and page names, the vectors version counter, and settings (preferences, and the
// KeyFile itself under LOCK_SETTING). Settings can be sealed per key with `sealSetting`.
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
  Store,
  StoredIndex,
  VectorBatch,
  WholeDocument,
} from '../store/store.ts';
import type { TextBlock } from '../core/types.ts';
import {
  RecordCipher,
  bytesToLatin1,
  changePassphrase,
  createKeyFile,
  latin1ToBytes,
  unlockKeyFile,
  type KeyFile,
  type KeyOptions,
} from './crypto.ts';

/** Settings key of the KeyFile: its presence marks the library as encrypted. */
export const LOCK_SETTING = '#lock';
const SEALED_SETTING = '#sealed';
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

  private constructor(
    private readonly inner: Store,
    cipher: RecordCipher,
    private keyFile: KeyFile,
    private readonly sealSetting: (key: string) => boolean,
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
    await inner.putSetting(LOCK_SETTING, keyFile);
    return new EncryptedStore(inner, cipher, keyFile, options.sealSetting ?? (() => false));
  }

  /** Opens an encrypted library. A wrong passphrase throws WRONG_PASSPHRASE having read only the KeyFile. */
  static async unlock(
    inner: Store,
    passphrase: string,
    options: Pick<EncryptedStoreOptions, 'sealSetting'> = {},
  ): Promise<EncryptedStore> {
    const keyFile = await inner.getSetting<KeyFile>(LOCK_SETTING);
    if (!keyFile) throw new TroveError('NOT_FOUND', 'This library is not encrypted.');
    const cipher = await unlockKeyFile(keyFile, passphrase);
    return new EncryptedStore(inner, cipher, keyFile, options.sealSetting ?? (() => false));
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

  async createDocument(doc: NewDocument, text: Omit<DocumentText, 'docId'>): Promise<number> {
    const cipher = this.key();
    const { name, title, warnings, folder, ...plain } = doc;
    const secrets: DocumentSecrets = {
      name,
      ...(title !== undefined && { title }),
      ...(warnings !== undefined && { warnings }),
      ...(folder !== undefined && { folder }),
    };
    const [sealedDoc, sealedText, sealedFields] = await Promise.all([
      cipher.seal(secrets, 'doc'),
      cipher.seal({ text: text.text, blocks: text.blocks }, 'text'),
      sealDocumentFields(cipher, plain),
    ]);
    return this.inner.createDocument(
      { ...plain, ...sealedFields, name: bytesToLatin1(sealedDoc) },
      { text: bytesToLatin1(sealedText), blocks: [] },
    );
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
    const sealedChunks = await Promise.all(
      chunks.map(async ({ text, headingPath, fields, terms, ...plain }): Promise<NewChunk> => {
        const [sealedText, sealedTerms] = await Promise.all([
          cipher.seal(fields ? { text, headingPath, fields } : { text, headingPath }, `chunk:${docId}`),
          cipher.seal(terms.join(' '), `terms:${docId}`),
        ]);
        return { ...plain, text: bytesToLatin1(sealedText), headingPath: [], terms: [bytesToLatin1(sealedTerms)] };
      }),
    );
    const sealedVectors =
      vectors && chunks.length > 0
        ? await packVectors(cipher, docId, vectors.fingerprint, vectors.dims, vectors.vectors, chunks.length)
        : undefined;
    return this.inner.addChunks(
      docId,
      sealedChunks,
      sealedVectors && { fingerprint: vectors!.fingerprint, ...sealedVectors },
    );
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
    const rows = batch.chunkIds.length;
    if (rows === 0) return this.inner.addVectors(batch);
    const sealed = await packVectors(cipher, batch.docId, batch.fingerprint, batch.dims, batch.vectors, rows);
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
    const cipher = this.key();
    const docs = await this.inner.listDocuments();
    return Promise.all(docs.map((doc) => openDocument(cipher, doc)));
  }

  async getDocument(docId: number): Promise<DocumentRecord | undefined> {
    const cipher = this.key();
    const doc = await this.inner.getDocument(docId);
    return doc && openDocument(cipher, doc);
  }

  async updateDocument(
    docId: number,
    patch: Partial<Pick<DocumentRecord, 'status' | 'attempts' | 'error' | 'tags' | 'collection'>>,
  ): Promise<void> {
    const cipher = this.key();
    return this.inner.updateDocument(docId, { ...patch, ...(await sealDocumentFields(cipher, patch)) });
  }

  async replaceDocument(oldId: number, newId: number, chunkCount: number): Promise<void> {
    this.key();
    return this.inner.replaceDocument(oldId, newId, chunkCount);
  }

  async chunksOf(docId: number): Promise<ChunkRecord[]> {
    const cipher = this.key();
    return Promise.all((await this.inner.chunksOf(docId)).map((row) => openChunk(cipher, row)));
  }

  async termsOf(docId: number): Promise<ChunkTerms[]> {
    const cipher = this.key();
    return Promise.all((await this.inner.termsOf(docId)).map((row) => openTerms(cipher, row)));
  }

  async vectorBatchesOf(docId: number, fingerprint: string): Promise<VectorBatch[]> {
    const cipher = this.key();
    return Promise.all((await this.inner.vectorBatchesOf(docId, fingerprint)).map((row) => openBatch(cipher, row)));
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
    const cipher = this.key();
    const row = await this.inner.getText(docId);
    if (!row) return undefined;
    const { text, blocks } = (await cipher.open(latin1ToBytes(row.text), 'text')) as {
      text: string;
      blocks: TextBlock[];
    };
    return { docId: row.docId, text, blocks };
  }

  async getChunks(ids: readonly number[]): Promise<ChunkRecord[]> {
    const cipher = this.key();
    return Promise.all((await this.inner.getChunks(ids)).map((row) => openChunk(cipher, row)));
  }

  async allTerms(): Promise<ChunkTerms[]> {
    const cipher = this.key();
    return Promise.all((await this.inner.allTerms()).map((row) => openTerms(cipher, row)));
  }

  async vectorBatches(fingerprint: string): Promise<VectorBatch[]> {
    const cipher = this.key();
    return Promise.all((await this.inner.vectorBatches(fingerprint)).map((row) => openBatch(cipher, row)));
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
        bytes: await cipher.seal(page.bytes, `page:${set}/${page.name}`),
      })),
    );
    await this.inner.writeIndexPages(set, sealed, removedPages, version);
  }

  async readIndex(set: string): Promise<StoredIndex | undefined> {
    const cipher = this.key();
    const stored = await this.inner.readIndex(set);
    if (!stored) return undefined;
    const pages = await Promise.all(
      stored.pages.map(async (page) => ({
        name: page.name,
        bytes: await cipher.openBytes(page.bytes, `page:${set}/${page.name}`),
      })),
    );
    return { version: stored.version, pages };
  }

  async deleteIndex(set: string): Promise<void> {
    this.key();
    return this.inner.deleteIndex(set);
  }

  async getSetting<T>(key: string): Promise<T | undefined> {
    if (key === LOCK_SETTING || !this.sealSetting(key)) return this.inner.getSetting<T>(key);
    const cipher = this.key();
    const row = await this.inner.getSetting<{ [SEALED_SETTING]: string }>(key);
    if (row === undefined) return undefined;
    return ((await cipher.open(latin1ToBytes(row[SEALED_SETTING]), `setting:${key}`)) as { value: T }).value;
  }

  async putSetting<T>(key: string, value: T): Promise<void> {
    if (key === LOCK_SETTING)
      throw new TroveError('INVALID_ARGUMENT', 'The lock record is managed by the encrypted store.');
    if (!this.sealSetting(key)) return this.inner.putSetting(key, value);
    const sealed = await this.key().seal({ value }, `setting:${key}`);
    await this.inner.putSetting(key, { [SEALED_SETTING]: bytesToLatin1(sealed) });
  }

  close(): void {
    this.cipher = undefined;
    this.inner.close();
  }

  async putOriginal(original: OriginalFile): Promise<void> {
    const cipher = this.key();
    const [meta, bytes] = await Promise.all([
      cipher.seal({ name: original.name, type: original.type }, `original:${original.docId}`),
      cipher.seal(new Uint8Array(original.bytes), `original-bytes:${original.docId}`),
    ]);
    await this.inner.putOriginal({
      docId: original.docId,
      name: bytesToLatin1(meta),
      type: '',
      bytes: exactBuffer(bytes),
    });
  }

  async getOriginal(docId: number): Promise<OriginalFile | undefined> {
    const cipher = this.key();
    const row = await this.inner.getOriginal(docId);
    if (!row) return undefined;
    const [meta, bytes] = await Promise.all([
      cipher.open(latin1ToBytes(row.name), `original:${docId}`) as Promise<{ name: string; type: string }>,
      cipher.openBytes(new Uint8Array(row.bytes), `original-bytes:${docId}`),
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

  private key(): RecordCipher {
    if (!this.cipher) throw new TroveError('LOCKED');
    return this.cipher;
  }
}

/** The bytes of a view as an ArrayBuffer of exactly their length (copied only when the view is part of a larger buffer). */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer)
    return bytes.buffer;
  return bytes.slice().buffer as ArrayBuffer;
}

type SealedFields = Pick<DocumentRecord, 'tags' | 'sha256' | 'error'>;

/** Seals the tags, hash and error message present in `fields` (absent ones stay absent; codes stay plain). */
async function sealDocumentFields(cipher: RecordCipher, fields: SealedFields): Promise<SealedFields> {
  const sealed: SealedFields = {};
  const { tags, sha256, error } = fields;
  if (tags !== undefined && tags.length > 0) sealed.tags = [bytesToLatin1(await cipher.seal(tags, 'doc-tags'))];
  if (sha256 !== undefined) sealed.sha256 = bytesToLatin1(await cipher.seal(sha256, 'doc-sha256'));
  if (error !== undefined)
    sealed.error = { ...error, message: bytesToLatin1(await cipher.seal(error.message, 'doc-error')) };
  return sealed;
}

/** A sealed envelope as a latin1 string ("TE", version 1); libraries locked before these fields were sealed hold plain values. */
function isSealed(value: string): boolean {
  return value.charCodeAt(0) === 0x54 && value.charCodeAt(1) === 0x45 && value.charCodeAt(2) === 1;
}

async function openDocumentFields(cipher: RecordCipher, doc: DocumentRecord): Promise<SealedFields> {
  const opened: SealedFields = {};
  if (doc.tags?.length === 1 && isSealed(doc.tags[0]!))
    opened.tags = (await cipher.open(latin1ToBytes(doc.tags[0]!), 'doc-tags')) as string[];
  if (doc.sha256 !== undefined && isSealed(doc.sha256))
    opened.sha256 = await cipher.openString(latin1ToBytes(doc.sha256), 'doc-sha256');
  if (doc.error !== undefined && isSealed(doc.error.message)) {
    opened.error = { ...doc.error, message: await cipher.openString(latin1ToBytes(doc.error.message), 'doc-error') };
  }
  return opened;
}

async function openDocument(cipher: RecordCipher, doc: DocumentRecord): Promise<DocumentRecord> {
  const { name, title, warnings, folder } = (await cipher.open(latin1ToBytes(doc.name), 'doc')) as DocumentSecrets;
  const { title: _t, warnings: _w, folder: _f, ...plain } = doc;
  return {
    ...plain,
    ...(await openDocumentFields(cipher, doc)),
    name,
    ...(title !== undefined && { title }),
    ...(warnings !== undefined && { warnings }),
    ...(folder !== undefined && { folder }),
  };
}

async function openChunk(cipher: RecordCipher, row: ChunkRecord): Promise<ChunkRecord> {
  const { text, headingPath, fields } = (await cipher.open(latin1ToBytes(row.text), `chunk:${row.docId}`)) as Pick<
    ChunkRecord,
    'text' | 'headingPath' | 'fields'
  >;
  return fields ? { ...row, text, headingPath, fields } : { ...row, text, headingPath };
}

async function openTerms(cipher: RecordCipher, row: ChunkTerms): Promise<ChunkTerms> {
  // The inner store splits stored terms at spaces; joining gives the sealed string back exactly.
  const joined = await cipher.openString(latin1ToBytes(row.terms.join(' ')), `terms:${row.docId}`);
  return { chunkId: row.chunkId, docId: row.docId, terms: joined ? joined.split(' ') : [] };
}

async function openBatch(cipher: RecordCipher, row: VectorBatch): Promise<VectorBatch> {
  if (row.chunkIds.length === 0)
    return {
      docId: row.docId,
      fingerprint: row.fingerprint,
      dims: row.dims,
      chunkIds: row.chunkIds,
      vectors: row.vectors,
    };
  const { dims, vectors } = await unpackVectors(cipher, row);
  return { docId: row.docId, fingerprint: row.fingerprint, dims, chunkIds: row.chunkIds, vectors };
}

/**
 * Seals a vector batch and reshapes it to pass through a Store that checks vectors.length === rows × dims:
 * [u32 magic][u32 real dims][u32 envelope length][envelope][zero padding] as a Float32Array of rows × packedDims.
 * The real dims are plain (they are the model's, not the user's); the floats themselves are inside the envelope.
 */
async function packVectors(
  cipher: RecordCipher,
  docId: number,
  fingerprint: string,
  dims: number,
  vectors: Float32Array,
  rows: number,
): Promise<{ dims: number; vectors: Float32Array }> {
  const envelope = await cipher.seal(vectors, `vectors:${docId}:${fingerprint}`);
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

async function unpackVectors(cipher: RecordCipher, row: VectorBatch): Promise<{ dims: number; vectors: Float32Array }> {
  const bytes = new Uint8Array(row.vectors.buffer, row.vectors.byteOffset, row.vectors.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || view.getUint32(0, true) !== VECTOR_MAGIC) {
    throw new TroveError(
      'DECRYPT_FAILED',
      'A stored vector batch is not encrypted: the library mixes plain and encrypted records.',
    );
  }
  const dims = view.getUint32(4, true);
  const length = view.getUint32(8, true);
  if (12 + length > bytes.length) throw new TroveError('DECRYPT_FAILED');
  const vectors = await cipher.openFloat32(bytes.subarray(12, 12 + length), `vectors:${row.docId}:${row.fingerprint}`);
  if (vectors.length !== row.chunkIds.length * dims)
    throw new TroveError('DECRYPT_FAILED', 'A stored vector batch has the wrong size.');
  return { dims, vectors };
}
