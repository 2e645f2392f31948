// Plain data that a .trove library file holds, and the two small interfaces that connect it to a library:
// a BackupSource yields entries to write, a BackupSink receives entries read back. No store, no engine here.
import type { ChunkRecord, DocumentRecord, DocumentText, PictureRecord, VectorBatch } from '../store/store.ts';
import type { BackupProgress } from '../api/backup.ts';
import type { ThreadContent } from '../store/thread-record.ts';

/** The format version this code writes and the only one it reads. Bump on any incompatible change. */
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupModel {
  /** Registry id of the model (e.g. "bge-small-en-v1.5"), when known; the fingerprint is what must match. */
  id?: string;
  fingerprint: string;
  dims: number;
  /** false when the model's vectors are not L2-normalised; absent means normalised (every model Trove ships). */
  normalized?: boolean;
}

export interface BackupCounts {
  documents: number;
  chunks: number;
  vectors: number;
  indexPages: number;
  /** Saved answer threads (THRD sections, refused ones included); absent in files that hold none. */
  threads?: number;
}

/** The first section of a file: what it holds, so a reader can refuse a mismatch before reading the rest. */
export interface BackupManifest {
  format: 'trove-library';
  formatVersion: number;
  /** ISO 8601. */
  createdAt: string;
  appVersion: string;
  /** Id of the collection exported, or "*" for every document (each keeps its collection id). */
  collection: string;
  /** Collection records (id, name, created) of the documents in the file, when the exporter gave them. */
  collections?: Array<{ id: string; name: string; createdAt: number }>;
  /** The model of the vectors in the file; null when it holds none. */
  model: BackupModel | null;
  counts: BackupCounts;
}

/** A chunk with its analysed terms (the keyword index is rebuilt from them without re-tokenising). */
export interface BackupChunk extends ChunkRecord {
  terms: string[];
}

/** A persisted index page of the vector index `set` (e.g. a model fingerprint), valid only with the same chunk ids. */
export interface BackupIndexPage {
  set: string;
  name: string;
  bytes: Uint8Array;
}

/**
 * What a file holds, in file order. Every document's chunks and vectors follow it and come before the next
 * document, so a reader keeps only one document in memory; saved threads come after all documents (so an import
 * knows every new passage id their citations need), and index pages come last.
 */
export type BackupEntry =
  /** pictures: the document's own picture (n = 0) or the pictures inside it, as each image model stored them. */
  | { kind: 'document'; document: DocumentRecord; text: DocumentText | null; pictures?: PictureRecord[] }
  | { kind: 'chunks'; docId: number; chunks: BackupChunk[] }
  | { kind: 'vectors'; batch: VectorBatch }
  | { kind: 'indexPage'; page: BackupIndexPage }
  | { kind: 'thread'; thread: ThreadContent }
  /** A saved thread in a file that failed its checks: counted and left out, the rest of the file still imports. */
  | { kind: 'refusedThread'; reason: string };

export interface BackupSource {
  /** Everything in the manifest except what the writer fills in (format, version, date). */
  describe(): Promise<Omit<BackupManifest, 'format' | 'formatVersion' | 'createdAt'>>;
  entries(signal?: AbortSignal): AsyncIterable<BackupEntry>;
}

export interface BackupSink {
  begin(manifest: BackupManifest): Promise<void>;
  write(entry: BackupEntry): Promise<void>;
  /** All entries were written and the file was complete. */
  end(): Promise<void>;
  /** Reading or writing failed after begin(): undo what was written, so existing data is left as it was. */
  abort(error: unknown): Promise<void>;
}

export interface BackupOptions {
  onProgress?: (progress: BackupProgress) => void;
  signal?: AbortSignal;
  /** Named in error messages, e.g. "library.trove". */
  fileName?: string;
}
