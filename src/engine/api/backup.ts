// Backup and storage: the library (or a collection) as a .trove file and back, and the site's storage use.

export interface BackupProgress {
  phase: 'export' | 'verify' | 'import';
  /** Bytes written or read so far. */
  bytes: number;
  /** Bytes in all, when known (reading a file of known size). */
  totalBytes?: number;
  documents: number;
  chunks: number;
  vectors: number;
  /** Documents in all (from the manifest). */
  totalDocuments: number;
  /** Saved answer threads written or read so far. */
  threads?: number;
  /** Export: saved threads left out because they could not be read (damaged, or not written by Trove). */
  skippedThreads?: number;
}

/** What the browser says about this origin's storage (navigator.storage), as the worker reads it. */
export interface StorageEstimate {
  /** Bytes used by this origin. */
  usage?: number;
  /** Bytes this origin may use. */
  quota?: number;
  /** True when the browser will not evict the library under storage pressure. */
  persisted?: boolean;
}

export interface StorageStatus extends StorageEstimate {
  /** False where the browser gives no estimate (then nothing is refused for lack of space). */
  known: boolean;
  /** quota - usage, when both are known. */
  available?: number;
  /** Documents whose original file is kept, and those files' bytes (part of usage); absent while locked. */
  originals?: number;
  originalsBytes?: number;
}

export interface ExportOptions {
  /** Export only this collection (id); none exports every collection. */
  collection?: string;
  /**
   * Encrypts the file under this passphrase (PBKDF2-SHA-256 and AES-GCM, as the library lock): without it the
   * file is plain, and anyone with it can read the library. An encrypted library refuses a plain export unless
   * `plain` asks for one.
   */
  passphrase?: string;
  /** Asks for a plain export of an encrypted library (readable by anyone with the file). */
  plain?: boolean;
  /** Names the job for cancelBackup(). */
  jobId?: string;
}

export interface ImportOptions {
  /** Put every imported document into this collection (id) instead of the collections named in the file. */
  collection?: string;
  /** Names the job for cancelBackup(). */
  jobId?: string;
  /** Named in messages; e.g. the picked file's name. */
  fileName?: string;
  /** The passphrase of an encrypted file (WRONG_PASSPHRASE, nothing written, when it is missing or wrong). */
  passphrase?: string;
  /**
   * When the file's vectors come from another model than the one in use: 'refuse' (default) with MODEL_MISMATCH,
   * or 're-embed': import the documents and let the current model embed them again (keyword search works at once).
   */
  onModelMismatch?: 'refuse' | 're-embed';
}

export interface ImportSummary {
  documents: number;
  passages: number;
  vectors: number;
  /** Set when the file's vectors were made by another model and the passages are being embedded again. */
  reembedding: boolean;
  /** Collections created for the imported documents (ids). */
  createdCollections: string[];
  /** Saved answer threads added (each under a fresh id; citations moved to the imported passages). */
  threads: number;
  /** Saved threads in the file that failed their checks: left out. */
  refusedThreads: number;
  /** Saved threads beyond what one import adds (MAX_IMPORTED_THREADS): left out. */
  threadsOverLimit: number;
}

export interface BackupApi {
  /** The library, or one collection, as a .trove file (documents, passages, vectors, index, checksums). */
  exportLibrary(options?: ExportOptions, onProgress?: (progress: BackupProgress) => void): Promise<Blob>;
  /** Verifies a .trove file, then adds it to the library; refused (MODEL_MISMATCH, STORAGE_FULL, IMPORT_INVALID) before anything is written. */
  importLibrary(
    file: Blob,
    options?: ImportOptions,
    onProgress?: (progress: BackupProgress) => void,
  ): Promise<ImportSummary>;
  /** Cancels an export or import by the jobId given in its options (an import undoes what it wrote). */
  cancelBackup(jobId: string): Promise<void>;
  /** Storage used and allowed for this site, and whether it is persistent (from the browser, when it says). */
  storageStatus(): Promise<StorageStatus>;
}
