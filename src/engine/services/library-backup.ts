// Backup and restore of the app's library as one .trove file (format in backup/), and the storage checks around
// them. The engine hands this module its store, queue and serving model; the worker hands it the browser's
// storage estimate (the engine stays DOM-free). Both jobs run in the work queue, so no ingest interleaves.
// An export with a passphrase is an encrypted file around the .trove (privacy/encrypted-file.ts); an encrypted
// library exports encrypted unless a plain file is asked for, since a plain file can be read by anyone who has it.
import type { BackupManifest, BackupModel } from '../backup/backup-types.ts';
import { importBackup } from '../backup/read-backup.ts';
import { storeBackupSink, storeBackupSource } from '../backup/store-backup.ts';
import { backupToBlob, writeBackup } from '../backup/write-backup.ts';
import { decryptPieces, encryptPieces, isEncryptedFile, openEncryptedFile } from '../privacy/encrypted-file.ts';
import { MIN_PASSPHRASE_LENGTH } from '../privacy/library-lock.ts';
import type { LibraryCatalogue } from '../library/catalogue.ts';
import { DEFAULT_COLLECTION, type CollectionRecord } from '../core/collections.ts';
import { readCollections, saveCollections } from '../library/collections.ts';
import { TroveError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import type { WorkQueue } from '../library/work-queue.ts';
import type { ExportOptions, ImportOptions, ImportSummary, StorageEstimate, StorageStatus } from '../api/index.ts';
import type { BackupProgress } from '../api/backup.ts';

export type StorageProbe = () => Promise<StorageEstimate>;

/** An import needs room for its records and their index entries while the old data stays: about twice the file. */
export const IMPORT_SPACE_FACTOR = 2;

export interface LibraryBackupDeps {
  /** The content store (throws while locked). */
  store: () => Store;
  /** The content store while the library is open, else null (the storage status is shown while locked too). */
  openStore: () => Store | null;
  catalogue: LibraryCatalogue;
  queue: WorkQueue;
  /** The model whose vectors answer searches now (null while none is known: then any file's vectors are accepted). */
  servingModel: () => BackupModel | null;
  /** Writes the in-memory vector index's pages, so an export carries the current ones. */
  persistVectors: () => Promise<void>;
  /** Brings memory up to date with what an import wrote (catalogue, vectors, back-fill). Runs in the queue. */
  reload: () => Promise<void>;
  storage?: StorageProbe;
  appVersion?: string;
  /** True when the library is encrypted (its exports are encrypted unless a plain one is asked for). */
  encrypted?: () => boolean;
}

export class LibraryBackups {
  private readonly jobs = new Map<string, AbortController>();

  constructor(private readonly deps: LibraryBackupDeps) {}

  /** What the browser says about storage, and the kept original files' share of it. */
  async storageStatus(): Promise<StorageStatus> {
    const status = await this.estimate();
    // The kept documents' sizes (keys only, no bytes read).
    const ids = await this.deps
      .openStore()
      ?.originalIds()
      .catch(() => undefined); // undefined while locked
    if (!ids) return status;
    const originalsBytes = ids.reduce((sum, id) => sum + (this.deps.catalogue.docs.get(id)?.size ?? 0), 0);
    return { ...status, originals: ids.length, originalsBytes };
  }

  /** Refuses with STORAGE_FULL when `bytes` (times the factor) would not fit in what the browser says is left. */
  async ensureRoom(bytes: number, what: string): Promise<void> {
    const status = await this.estimate();
    const needed = bytes * IMPORT_SPACE_FACTOR;
    if (status.available !== undefined && needed > status.available) {
      throw new TroveError(
        'STORAGE_FULL',
        `${what} needs about ${formatMB(needed)} of browser storage, but only ${formatMB(status.available)} is left ` +
          `(${formatMB(status.usage ?? 0)} of ${formatMB(status.quota ?? 0)} used). Nothing was changed: free some space (delete documents or collections) and try again.`,
      );
    }
  }

  /** The library (or one collection) as a .trove file (a Blob crosses comlink; the page downloads it). */
  exportLibrary(options: ExportOptions = {}, onProgress?: (progress: BackupProgress) => void): Promise<Blob> {
    this.deps.store(); // LOCKED while locked
    const { passphrase } = options;
    const refused = this.exportRefusal(options);
    if (refused) return Promise.reject(refused);
    return this.withJob(options.jobId, (signal) =>
      this.deps.queue.enqueue(async () => {
        const store = this.deps.store();
        const collections = await readCollections(store);
        if (options.collection !== undefined && !collections.some((c) => c.id === options.collection)) {
          throw new TroveError('NOT_FOUND', `No collection “${options.collection}”.`);
        }
        await this.deps.persistVectors();
        const model = this.deps.servingModel();
        const named =
          options.collection === undefined ? collections : collections.filter((c) => c.id === options.collection);
        const source = storeBackupSource(store, {
          ...(model ? { model } : {}),
          ...(options.collection !== undefined ? { collection: options.collection } : {}),
          collections: named.map(({ id, name, createdAt }) => ({ id, name, createdAt })),
          appVersion: this.deps.appVersion ?? 'unknown',
          includeIndex: true,
          // Saved threads go only with the whole library: they cite passages of any collection, and a
          // collection's file carries that collection alone.
          threads: options.collection === undefined,
        });
        const progress =
          onProgress && ((p: BackupProgress) => onProgress({ ...p, skippedThreads: source.skippedThreads() }));
        if (passphrase === undefined) return backupToBlob(source, { onProgress: progress, signal });
        const pieces: BlobPart[] = [];
        for await (const piece of encryptPieces(writeBackup(source, { onProgress: progress, signal }), passphrase))
          pieces.push(piece as Uint8Array<ArrayBuffer>);
        return new Blob(pieces, { type: 'application/octet-stream' });
      }),
    );
  }

  /** Why this export is refused: a short passphrase, or a plain export of an encrypted library not asked for. */
  private exportRefusal({ passphrase, plain }: ExportOptions): TroveError | undefined {
    if (passphrase !== undefined) {
      if (typeof passphrase !== 'string' || passphrase.length < MIN_PASSPHRASE_LENGTH)
        return new TroveError(
          'INVALID_ARGUMENT',
          `The export's passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters.`,
        );
    } else if (this.deps.encrypted?.() && plain !== true) {
      return new TroveError(
        'INVALID_ARGUMENT',
        'This library is encrypted: give the export a passphrase, or ask for a plain export (anyone with a plain file can read the whole library).',
      );
    }
    return undefined;
  }

  /**
   * Reads a .trove file into the library: verifies all of it first, then checks model and space, then writes.
   * A refused, corrupt or cancelled import leaves the library as it was.
   */
  importLibrary(
    file: Blob,
    options: ImportOptions = {},
    onProgress?: (progress: BackupProgress) => void,
  ): Promise<ImportSummary> {
    this.deps.store(); // LOCKED while locked
    const fileName = options.fileName ?? ((file as { name?: string }).name || 'The file');
    return this.withJob(options.jobId, (signal) =>
      this.deps.queue.enqueue(async () => {
        const store = this.deps.store();
        const existing = await readCollections(store);
        if (options.collection !== undefined && !existing.some((c) => c.id === options.collection)) {
          throw new TroveError('NOT_FOUND', `No collection “${options.collection}”.`);
        }
        // An encrypted file: its passphrase is checked before anything else is read.
        const start = new Uint8Array(await file.slice(0, 8).arrayBuffer());
        const encrypted = isEncryptedFile(start)
          ? await openEncryptedFile(file, options.passphrase ?? '', fileName)
          : undefined;
        const open = () => (encrypted ? decryptPieces(encrypted, file, fileName) : file);
        let reembedding = false;
        const created: CollectionRecord[] = [];
        const accept = async (manifest: BackupManifest) => {
          reembedding = this.checkModel(manifest, fileName, options.onModelMismatch ?? 'refuse');
          await this.ensureRoom(file.size, `Importing ${fileName}`);
          if (options.collection === undefined) created.push(...missingCollections(manifest, existing));
        };
        const sink = storeBackupSink(store, options.collection !== undefined ? { collection: options.collection } : {});
        let manifest: BackupManifest;
        let began = false;
        try {
          // Collection records go first, so a document is never stored in a collection that does not exist.
          manifest = await importBackup(
            open,
            {
              ...sink,
              begin: async (m) => {
                began = true;
                if (created.length > 0) await saveCollections(store, [...existing, ...created]);
                await sink.begin(m);
              },
            },
            { fileName, onProgress, signal, accept },
          );
        } catch (error) {
          if (began) {
            // The sink deleted what it wrote; the collections it added go too.
            if (created.length > 0) await saveCollections(store, existing).catch(() => undefined);
            await this.deps.reload().catch(() => undefined);
          }
          throw error;
        }
        await this.deps.reload();
        return {
          documents: manifest.counts.documents,
          passages: manifest.counts.chunks,
          vectors: manifest.counts.vectors,
          reembedding,
          createdCollections: created.map((c) => c.id),
          threads: sink.result.threadIds.length,
          refusedThreads: sink.result.refusedThreads,
          threadsOverLimit: sink.result.threadsOverLimit,
        };
      }),
    );
  }

  private async estimate(): Promise<StorageStatus> {
    const estimate = (await this.deps.storage?.().catch(() => undefined)) ?? {};
    const { usage, quota } = estimate;
    const known = typeof usage === 'number' && typeof quota === 'number' && quota > 0;
    return { ...estimate, known, ...(known ? { available: Math.max(0, quota - usage) } : {}) };
  }

  /** Cancels an export or import by its jobId (what it wrote is undone). */
  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    job?.abort(new TroveError('CANCELLED'));
    return job !== undefined;
  }

  /** True when the file's vectors must be re-embedded; throws MODEL_MISMATCH when that is refused. */
  private checkModel(manifest: BackupManifest, fileName: string, policy: 'refuse' | 're-embed'): boolean {
    const serving = this.deps.servingModel();
    const theirs = manifest.model;
    if (!serving || !theirs || manifest.counts.vectors === 0)
      return theirs === null && manifest.counts.chunks > 0 && serving !== null;
    if (theirs.fingerprint === serving.fingerprint) return false;
    if (policy === 're-embed') return true;
    throw new TroveError(
      'MODEL_MISMATCH',
      `${fileName} was made with the model “${theirs.id ?? theirs.fingerprint}”, but this library uses “${serving.id ?? serving.fingerprint}”: ` +
        `their vectors cannot be searched together. Nothing was imported. Import it anyway to embed its passages again with the current model, ` +
        `or switch to “${theirs.id ?? theirs.fingerprint}” in Settings first.`,
    );
  }

  private async withJob<T>(jobId: string | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    if (jobId !== undefined) this.jobs.set(jobId, controller);
    try {
      return await run(controller.signal);
    } finally {
      if (jobId !== undefined) this.jobs.delete(jobId);
    }
  }
}

/** Collection records the file names that this library lacks, under a free id and name. */
function missingCollections(manifest: BackupManifest, existing: CollectionRecord[]): CollectionRecord[] {
  const ids = new Set(existing.map((c) => c.id));
  const names = new Set(existing.map((c) => c.name.toLowerCase()));
  const created: CollectionRecord[] = [];
  for (const record of manifest.collections ?? []) {
    if (record.id === DEFAULT_COLLECTION || ids.has(record.id)) continue;
    let name = record.name;
    for (let n = 2; names.has(name.toLowerCase()); n++) name = `${record.name} (${n})`;
    // The id is free here: keep it, since the file's documents name it.
    ids.add(record.id);
    names.add(name.toLowerCase());
    created.push({ id: record.id, name, createdAt: record.createdAt });
  }
  return created;
}

function formatMB(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.max(0.1, bytes / 1e6).toFixed(1)} MB`;
}
