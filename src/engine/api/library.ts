// The library: documents, their passages and originals, collections, tags, and news of changes made elsewhere.
import type { ErrorInfo } from '../core/errors.ts';
import type { DocumentFormat, TextBlock } from '../core/types.ts';
import type { RedactionSummary } from './redaction.ts';

export interface DocumentSummary {
  id: number;
  name: string;
  format: DocumentFormat;
  /** Bytes of the original file. */
  size: number;
  addedAt: number;
  chunkCount: number;
  pageCount?: number;
  /** 'ingesting' (being indexed, or waiting to resume), 'ready', or 'failed' (text kept: Retry or Delete). */
  status: 'ingesting' | 'ready' | 'failed';
  /** True when every chunk has a vector from the current model. */
  embedded: boolean;
  warnings?: string[];
  /** Why the document failed (status 'failed'). */
  error?: ErrorInfo;
  /** Resume or retry attempts since the document last completed. */
  attempts?: number;
  collection: string;
  tags: string[];
  title?: string;
  /** SHA-256 of the file's bytes (hex). */
  sha256?: string;
  /** The file's modification time (ms), when known. */
  modifiedAt?: number;
  language?: string;
  folder?: string;
  /** What PII redaction replaced in this document (counts and placeholder positions, never the values). */
  redactions?: RedactionSummary;
}

export interface CollectionSummary {
  id: string;
  name: string;
  createdAt: number;
  documents: number;
  /** Searchable passages. */
  passages: number;
}

export interface DocumentContent {
  id: number;
  name: string;
  format: DocumentFormat;
  title?: string;
  text: string;
  blocks: TextBlock[];
  pageCount?: number;
  /** Whether the original file's bytes are kept (getOriginal answers). */
  hasOriginal?: boolean;
}

/** A kept original file (bytes as added). */
export interface OriginalDocument {
  name: string;
  type: string;
  bytes: ArrayBuffer;
}

export interface PassageListItem {
  chunkId: number;
  /** 0-based position of the passage in its document. */
  index: number;
  text: string;
  /** [start, end) in the document's stored text. */
  start: number;
  end: number;
  page?: number;
}

export interface PassagePage {
  documentId: number;
  /** Passages the document has (stored so far, for one still being added). */
  total: number;
  offset: number;
  passages: PassageListItem[];
}

export interface LibraryStats {
  documents: number;
  chunks: number;
  vectors: number;
  /** How the keyword index was loaded at start-up: its persisted snapshot, or rebuilt from every passage's terms. */
  keywordIndex?: 'snapshot' | 'terms';
  /** The vector index in use, once a model's vectors are loaded. */
  index?: {
    kind: 'flat' | 'hnsw';
    quantization: 'none' | 'int8' | 'binary';
    bytesPerVector: number;
    /** True when it was loaded from its persisted pages rather than rebuilt. */
    loadedFromPages: boolean;
  };
  /** Most of the library (by size) is not English: the UI suggests a multilingual model. */
  mostlyNonEnglish?: boolean;
}

/** Library-wide news for the page. */
export type LibraryEvent =
  /** Another tab changed the library; this engine has caught up (lists and results may differ now). */
  | { type: 'changed' }
  /** This engine can no longer write (schema upgraded in another tab): the page must reload. */
  | { type: 'stale'; message: string }
  /** Another tab locked the library: this engine forgot its key and content too; unlock to go on. */
  | { type: 'locked' }
  /** The model runtime broke for good (a WebAssembly trap): the page must start a fresh worker. */
  | { type: 'runtime-broken'; message: string };

export interface LibraryApi {
  listDocuments(): Promise<DocumentSummary[]>;
  /** A document's whole text and structure (for the viewer). */
  getDocument(id: number): Promise<DocumentContent>;
  /** A document's original file as it was added, when kept (setting keepOriginals); undefined otherwise. */
  getOriginal(id: number): Promise<OriginalDocument | undefined>;
  /** A document's passages in document order, `limit` (at most 500) from `offset`, with how many it has in all. */
  listPassages(documentId: number, offset: number, limit: number): Promise<PassagePage>;
  /** Adds, removes or sets tags on documents. */
  setTags(documentIds: number[], tags: string[], mode: 'add' | 'remove' | 'set'): Promise<void>;
  deleteDocument(id: number): Promise<void>;
  /** Deletes several documents in one write task (the vector index is persisted once, not per document). */
  deleteDocuments(ids: number[]): Promise<void>;
  listCollections(): Promise<CollectionSummary[]>;
  createCollection(name: string): Promise<CollectionSummary>;
  renameCollection(id: string, name: string): Promise<void>;
  /** Deletes a collection with all its documents (the default collection is emptied, not removed). */
  deleteCollection(id: string): Promise<void>;
  stats(): Promise<LibraryStats>;
  onLibraryEvent(listener: (event: LibraryEvent) => void): Promise<void>;
}
