// Live folders: a folder on disk whose files the library follows (new, changed, renamed, deleted), read through a
// FolderSource the caller provides (the File System Access API in the browser, the file system in the CLI).
import type { ErrorInfo } from '../core/errors.ts';

/** A file of the folder as its listing gives it: metadata only, so a scan with no changes reads no contents. */
export interface FolderEntry {
  /** Relative to the folder, '/'-separated, e.g. "notes/2024/a.md". */
  path: string;
  size: number;
  /** Modification time (ms). */
  lastModified: number;
}

/** Reads a folder; the engine never reaches the disk itself. */
export interface FolderSource {
  /** Every supported file under the folder (metadata only). */
  list(): Promise<FolderEntry[]>;
  /** One file's bytes, and its metadata at the time of reading. */
  read(path: string): Promise<{ data: ArrayBuffer; size: number; lastModified: number }>;
}

export interface FolderSyncOptions {
  /** Collection the folder's documents live in (default: the default collection). */
  collection?: string;
  /**
   * The folder's name as documents record it: they are stored with folder "<root>/<sub-folders>" and their file
   * name, as when the folder is dropped. Absent: the whole relative path is the document's name (as `trove ingest`).
   */
  root?: string;
  /** Keep the documents of files deleted from the folder (default: remove them). */
  keepDeleted?: boolean;
  /**
   * Stops the scan: between files while listing and hashing, and the files being added or replaced are cancelled
   * (what was added before stays; a file cut off is not stored, a replacement cut off leaves the old version).
   */
  signal?: AbortSignal;
  /** Names the scan for stopFolderSync (a signal cannot cross to the worker). */
  scanId?: string;
  /** Called before each file is read or applied. */
  onProgress?: (progress: FolderSyncProgress) => void;
}

export interface FolderSyncProgress {
  phase: 'listing' | 'hashing' | 'applying';
  done: number;
  total: number;
  path?: string;
}

export interface FolderSyncSummary {
  /** Paths added as documents. */
  added: string[];
  /** Paths whose content changed: their documents were replaced, reusing unchanged passages' vectors. */
  changed: string[];
  /** Files moved or renamed (same content): their documents were re-pathed, nothing parsed or embedded. */
  renamed: Array<{ from: string; to: string }>;
  /**
   * Files moved and edited at once (same file name, similar size, other content): their documents replaced at the
   * new place, as a changed file's (tags and collection kept, unchanged passages reused); also in `changed`.
   */
  movedAndChanged: Array<{ from: string; to: string }>;
  /** Files gone from the folder: their documents removed, or kept (keepDeleted). */
  deleted: string[];
  keptDeleted: string[];
  /** Files whose size and modification time (or, when those differ, content) are as recorded. */
  unchanged: number;
  /** Files not added, with why (e.g. the same content is already in the collection under another name). */
  skipped: Array<{ path: string; reason: string }>;
  failed: Array<{ path: string; error: ErrorInfo }>;
  /** File contents read (to hash or to index). A scan with no changes reads none. */
  filesRead: number;
  /** Passages sent to the model, and passages whose stored vector was reused (same text). */
  passagesEmbedded: number;
  passagesReused: number;
  /** True when the scan was stopped (signal) before it was complete: what was applied stays. */
  stopped: boolean;
}

export interface FolderSyncApi {
  /**
   * Brings the library in line with a folder: compares its listing with the documents recorded under it (path,
   * size, modification time; SHA-256 only where those differ or a file may have moved), then adds, replaces,
   * re-paths and removes documents, and says what changed.
   */
  syncFolder(
    source: FolderSource,
    options?: FolderSyncOptions,
    /** As options.onProgress, for a caller across the worker boundary (a function cannot be inside options). */
    onProgress?: (progress: FolderSyncProgress) => void,
  ): Promise<FolderSyncSummary>;
  /**
   * Seals a live folder's record (kept by the page in a database of its own) under the library lock, bound to the
   * folder's id; undefined for a library without the lock (its records are kept as they are). LOCKED while locked.
   */
  sealFolderRecord(folderId: string, record: object): Promise<Uint8Array | undefined>;
  /** Stops the scan started with this scanId, as its signal would; it then answers with `stopped: true`. */
  stopFolderSync(scanId: string): Promise<void>;
  /** Opens what sealFolderRecord sealed for the same folder id; DECRYPT_FAILED when it was changed or moved. */
  openFolderRecord(folderId: string, sealed: Uint8Array): Promise<unknown>;
}
