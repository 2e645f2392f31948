// The Store interface: everything Trove keeps between visits. The IndexedDB implementation is in indexeddb-store.ts.
import type { ErrorInfo } from '../core/errors.ts';
import type { DocumentFormat, FieldValue, TextBlock } from '../core/types.ts';
import type { RedactionSummary } from '../api/redaction.ts';

/**
 * 'ingesting' until the last chunk batch is written (found 'ingesting' at start-up: interrupted, so resumed);
 * 'failed' when indexing could not finish: its text and stored chunks are kept for Retry, it is not searchable.
 */
export type DocumentStatus = 'ingesting' | 'ready' | 'failed';

export interface DocumentRecord {
  id: number;
  name: string;
  format: DocumentFormat;
  size: number;
  addedAt: number;
  status: DocumentStatus;
  chunkCount: number;
  /** Times indexing was resumed after an interruption, or retried; reset when it completes. */
  attempts?: number;
  /** Why the document is 'failed' (or why its last attempt failed). */
  error?: ErrorInfo;
  /** Collection id (see core/collections.ts); absent means the default collection. */
  collection?: string;
  /** User tags, normalised (lower case, sorted). */
  tags?: string[];
  /** SHA-256 of the file's bytes, hex: the same file added twice is recognised. */
  sha256?: string;
  /** The file's own modification time (ms), when the browser gave one. */
  modifiedAt?: number;
  /** MIME type the browser reported. */
  mimeType?: string;
  /** Folder path inside a dropped folder, e.g. "notes/2024". */
  folder?: string;
  /** Detected language (ISO 639-1), when known. */
  language?: string;
  /** While being indexed as the new version of another document: that document's id (see replaceDocument). */
  replaces?: number;
  pageCount?: number;
  title?: string;
  warnings?: string[];
  /** What PII redaction replaced (counts and placeholder positions in the stored text; never the values). */
  redactions?: RedactionSummary;
}

/** The parsed text of a document, kept so interrupted ingests can resume and results can show context. */
export interface DocumentText {
  docId: number;
  text: string;
  blocks: TextBlock[];
}

export interface ChunkRecord {
  id: number;
  docId: number;
  text: string;
  start: number;
  end: number;
  page?: number;
  headingPath: string[];
  tokenCount: number;
  /** Table row / JSON object chunks: 1-based row and metadata fields. */
  row?: number;
  fields?: Record<string, FieldValue>;
}

/** A chunk to write: the record without its id, plus its analysed terms for the keyword index. */
export interface NewChunk extends Omit<ChunkRecord, 'id' | 'docId'> {
  terms: string[];
  /** An id from reserveIds('chunks', …); absent: the store assigns the next one. */
  id?: number;
}

/** The analysed terms of one chunk, read back at start-up to rebuild the keyword index without re-tokenising. */
export interface ChunkTerms {
  chunkId: number;
  docId: number;
  terms: string[];
}

/** Vectors for a batch of chunks, stored as one binary buffer (never JSON). */
export interface VectorBatch {
  docId: number;
  /** Which model made these vectors (see model-registry fingerprint); vectors of other models are never mixed. */
  fingerprint: string;
  dims: number;
  chunkIds: Uint32Array;
  /** chunkIds.length × dims floats, L2-normalised. */
  vectors: Float32Array;
}

/** A persisted vector index: its pages, and the vectors version (see Store.vectorsVersion) they reflect. */
export interface StoredIndex {
  version: number;
  pages: Array<{ name: string; bytes: Uint8Array }>;
}

/** A document's original file, as it was added (kept when the keepOriginals setting is on). */
export interface OriginalFile {
  docId: number;
  name: string;
  /** MIME type (the browser's, or guessed from the format); may be empty. */
  type: string;
  bytes: ArrayBuffer;
}

export type NewDocument = Omit<DocumentRecord, 'id' | 'status' | 'chunkCount' | 'attempts' | 'error'> & {
  /** An id from reserveIds('documents', 1); absent: the store assigns the next one. */
  id?: number;
};

/**
 * A picture's image-tower vector and its thumbnail: a picture document's own (n = 0) or the nth picture inside a
 * document (n ≥ 1), once per image model that embedded it (a model switch fills the new space while the old one
 * serves). Kept apart from passage vectors: another model, another dimension, another index.
 */
export interface PictureRecord {
  docId: number;
  /** 0: the document is this picture; 1, 2, …: the pictures inside it, in document order. */
  n: number;
  /** The image model's fingerprint (image-model-registry imageModelFingerprint). */
  fingerprint: string;
  dims: number;
  /** dims floats, L2-normalised. */
  vector: Float32Array;
  /** Re-encoded from pixels: no metadata of the original file. */
  thumbnail: { type: 'image/webp' | 'image/png'; width: number; height: number; bytes: ArrayBuffer };
  /** The picture's own size in pixels. */
  width: number;
  height: number;
  /** 1-based page of the document the picture is on, when it sits inside one. */
  page?: number;
  /** Under the library lock: the sealed vector (vector is then empty) and thumbnail bytes (see encrypted-store). */
  sealedVector?: ArrayBuffer;
}

/**
 * A saved answer thread as stored: its id, and the rest as one value. The saved-threads service validates the
 * value field by field when it is read back (store/thread-record.ts); the encrypted store seals it whole.
 */
export interface ThreadRow {
  id: string;
  content: unknown;
  /** Set by a store that could not open the stored value (the encrypted store: it failed its integrity check). */
  unreadable?: string;
}

/** A stored value to replace, only if it is still `before` (another tab may have rewritten it meanwhile). */
export interface Replacement<T> {
  before: T;
  after: T;
}

/** Sealed fields of one document's records, re-sealed in place (see Store.resealRecords). */
export interface ResealedRecords {
  name?: Replacement<string>;
  tags?: Replacement<string[]>;
  sha256?: Replacement<string>;
  errorMessage?: Replacement<string>;
  text?: Replacement<string>;
  chunks?: Array<{ id: number } & Replacement<string>>;
  /** Terms as the store returns them (termsOf). */
  terms?: Array<{ chunkId: number } & Replacement<string[]>>;
  vectors?: Array<
    { fingerprint: string; chunkIds: Uint32Array } & Replacement<{ dims: number; vectors: Float32Array }>
  >;
}

/** A small document written whole, already 'ready': its record, text, chunks with terms, vectors and original. */
export interface WholeDocument {
  doc: NewDocument;
  text: Omit<DocumentText, 'docId'>;
  chunks: NewChunk[];
  vectors?: Omit<VectorBatch, 'docId' | 'chunkIds'>;
  original?: Omit<OriginalFile, 'docId'>;
}

/** What changed since a library version: the documents to re-read ('gap' when the log no longer reaches back). */
export type LibraryChanges = { version: number; docIds: number[]; settings: boolean } | { version: number; gap: true };

/** Called when this connection must stop writing: another tab upgraded the schema, or the browser closed it. */
export type StaleListener = (reason: 'upgrade' | 'terminated') => void;

export interface Store {
  /**
   * Reserves `count` consecutive ids of documents or chunks, never handed out again (not by the store either), and
   * returns the first: a caller that must know a record's id before writing it (to seal it bound to that id).
   */
  reserveIds(kind: 'documents' | 'chunks', count: number): Promise<number>;
  /** Creates a document in state 'ingesting' with its text, in one transaction. */
  createDocument(doc: NewDocument, text: Omit<DocumentText, 'docId'>): Promise<number>;
  /**
   * Writes a batch of chunks, their terms and (when a model is loaded) their vectors in ONE transaction,
   * so an interrupted ingest never leaves chunks without the vectors that were computed for them, or the reverse.
   */
  addChunks(docId: number, chunks: NewChunk[], vectors?: Omit<VectorBatch, 'docId' | 'chunkIds'>): Promise<number[]>;
  /**
   * Writes several small documents whole and 'ready' in ONE transaction with one change-log entry, so a folder of
   * many files costs one write per batch; a crash keeps all of the batch or none of it. Returns, per document in
   * order, its id and its chunks' ids.
   */
  addDocuments(documents: readonly WholeDocument[]): Promise<Array<{ docId: number; chunkIds: number[] }>>;
  /** Adds vectors for chunks that were stored without them (model was unavailable at ingest time). */
  addVectors(batch: VectorBatch): Promise<void>;
  markReady(docId: number, chunkCount: number): Promise<void>;
  /** Changes status, attempts, error, tags, collection or file time of a document (never its content). */
  updateDocument(
    docId: number,
    patch: Partial<Pick<DocumentRecord, 'status' | 'attempts' | 'error' | 'tags' | 'collection' | 'modifiedAt'>>,
  ): Promise<void>;
  /**
   * Completes a replacement in ONE transaction: the new version becomes 'ready' and the old one (document, text,
   * chunks, terms, vectors) is deleted. A failure before this leaves the old version whole.
   */
  replaceDocument(oldId: number, newId: number, chunkCount: number): Promise<void>;
  getDocument(docId: number): Promise<DocumentRecord | undefined>;
  /** Removes a document with its text, chunks, terms and vectors, in one transaction. */
  deleteDocument(docId: number): Promise<void>;
  /** Removes the chunks, terms and vectors of a document but keeps it and its text (to redo an interrupted ingest). */
  clearChunks(docId: number): Promise<void>;
  listDocuments(): Promise<DocumentRecord[]>;
  getText(docId: number): Promise<DocumentText | undefined>;
  getChunks(ids: readonly number[]): Promise<ChunkRecord[]>;
  /** A document's stored chunks in the order they were written (to resume an interrupted ingest). */
  chunksOf(docId: number): Promise<ChunkRecord[]>;
  /** A document's chunk terms (to bring one document into memory after another tab changed it). */
  termsOf(docId: number): Promise<ChunkTerms[]>;
  /** A document's vector batches of one model. */
  vectorBatchesOf(docId: number, fingerprint: string): Promise<VectorBatch[]>;
  /** Every chunk's terms (for the keyword index at start-up). */
  allTerms(): Promise<ChunkTerms[]>;
  /** Every vector batch made by the model with this fingerprint. */
  vectorBatches(fingerprint: string): Promise<VectorBatch[]>;
  /** The fingerprints that have stored vectors. */
  vectorFingerprints(): Promise<string[]>;
  /**
   * Replaces sealed values of one document's records in ONE transaction, each only where the stored value is still
   * its `before` (re-sealing under a stronger binding; contents, ids, counters and the change log are unchanged).
   */
  resealRecords(docId: number, records: ResealedRecords): Promise<void>;
  /**
   * A counter bumped in the same transaction as every change to stored vectors (add, delete). A persisted index
   * whose version differs missed a change (the tab closed between the two writes) and is rebuilt from the vectors.
   */
  vectorsVersion(): Promise<number>;
  /** Writes changed pages of the index `set` (e.g. a model fingerprint) and deletes removed ones, in one transaction. */
  writeIndexPages(
    set: string,
    pages: Array<{ name: string; bytes: Uint8Array }>,
    removedPages: string[],
    version: number,
  ): Promise<void>;
  readIndex(set: string): Promise<StoredIndex | undefined>;
  /** Deletes every stored vector of one model, and its persisted index (after a model switch completed). */
  deleteVectorSet(fingerprint: string): Promise<void>;
  /** Drops a persisted index (e.g. when switching from flat to HNSW). */
  deleteIndex(set: string): Promise<void>;
  /**
   * A counter bumped in the same transaction as every change to the library (documents, chunks, vectors,
   * settings), with a log of which document changed. Tabs use it to catch up with each other's writes.
   */
  libraryVersion(): Promise<number>;
  changesSince(version: number): Promise<LibraryChanges>;
  getSetting<T>(key: string): Promise<T | undefined>;
  putSetting<T>(key: string, value: T): Promise<void>;
  close(): void;
  /** Keeps a document's original bytes (replacing any). deleteDocument and replaceDocument remove them with the document. */
  putOriginal(original: OriginalFile): Promise<void>;
  getOriginal(docId: number): Promise<OriginalFile | undefined>;
  deleteOriginal(docId: number): Promise<void>;
  /** The documents whose original is kept (keys only: cheap). */
  originalIds(): Promise<number[]>;
  /**
   * Keeps a picture's vector and thumbnail under [docId, n, fingerprint] (replacing any); deleteDocument and
   * replaceDocument remove a document's pictures with it.
   */
  putPicture(picture: PictureRecord): Promise<void>;
  /** Picture n of a document as any image model stored it (thumbnail, size and page are the same in each). */
  getPicture(docId: number, n: number): Promise<PictureRecord | undefined>;
  /** Every picture of one document, every n and every image model. */
  listDocumentPictures(docId: number): Promise<PictureRecord[]>;
  /** Every picture made by the image model with this fingerprint. */
  listPictures(fingerprint: string): Promise<PictureRecord[]>;
  /** The image models (fingerprints) that have stored pictures (keys only: cheap). */
  pictureFingerprints(): Promise<string[]>;
  /**
   * Drops one image model's pictures (a space no longer served); with `describedIn`, only those that space has too
   * (the same document and n), so a picture that could not be described again keeps its thumbnail. How many went.
   */
  deletePicturesOf(fingerprint: string, describedIn?: string): Promise<number>;
  /** Keeps a saved answer thread (replacing the one with its id). Independent of documents: no change-log entry. */
  putThread(row: ThreadRow): Promise<void>;
  getThread(id: string): Promise<ThreadRow | undefined>;
  listThreads(): Promise<ThreadRow[]>;
  deleteThread(id: string): Promise<void>;
}
