// Live folders: brings the documents recorded under a folder in line with the folder as it is now. The documents
// themselves are the record (path from folder and name, size, modification time, SHA-256), so nothing else is kept.
// A scan lists the folder (metadata only), hashes only the files library/folder-diff.ts names, then applies the
// diff through the existing paths: new files are ingested; changed files replace their document atomically (the
// old version answers until the new one is complete) and reuse the vectors of unchanged passages; moved files get
// a re-pathed copy of their document (text, passages, terms and vectors copied, nothing parsed or embedded) swapped
// in atomically; deleted files' documents are removed, or kept when asked.
import type {
  EngineSettings,
  FileInput,
  FolderEntry,
  FolderSource,
  FolderSyncOptions,
  FolderSyncSummary,
  IngestProgress,
} from '../api/index.ts';
import { DEFAULT_COLLECTION, collectionOf } from '../core/collections.ts';
import { TroveError, throwIfAborted, toErrorInfo } from '../core/errors.ts';
import type { ActiveModel } from '../library/active-model.ts';
import type { LibraryCatalogue } from '../library/catalogue.ts';
import { diffFolder, pathsToHash, type RecordedFile } from '../library/folder-diff.ts';
import type { WorkQueue } from '../library/work-queue.ts';
import type { DocumentRecord, NewChunk, NewDocument, Store } from '../store/store.ts';

/** Files read ahead and handed to one ingest call: the pipeline writes small ones several to a transaction. */
const INGEST_GROUP_FILES = 64;
const INGEST_GROUP_BYTES = 16 * 1024 * 1024;
/** Bytes of files read while hashing kept for applying, so a changed file is read once. */
const READ_CACHE_BYTES = 64 * 1024 * 1024;
/** Passages copied per write when a document is re-pathed. */
const COPY_BATCH = 256;
const MAX_PATH_LENGTH = 4096;
const FINAL_STAGES: ReadonlySet<IngestProgress['stage']> = new Set(['done', 'skipped', 'failed', 'cancelled']);

export interface FolderSyncContext {
  store: () => Store;
  catalogue: LibraryCatalogue;
  queue: WorkQueue;
  model: Pick<ActiveModel, 'embedder' | 'refresh'>;
  settings: () => EngineSettings;
  vectorsChanged: () => Promise<void>;
  ingest: (files: FileInput[], onProgress: (progress: IngestProgress) => void) => Promise<IngestProgress[]>;
  /** Cancels an ingest job: a file cut off is not stored, a replacement cut off leaves the old version. */
  cancel: (jobId: string) => void;
  deleteDocuments: (ids: number[]) => Promise<void>;
}

type FileContent = { data: ArrayBuffer; size: number; lastModified: number };

export class FolderSync {
  /** Folders being scanned (collection and root): one scan of a folder at a time. */
  private readonly scanning = new Set<string>();
  /** Scans that can be stopped by id (stopFolderSync), with what stops them. */
  private readonly stoppers = new Map<string, AbortController>();
  private jobs = 0;

  constructor(private readonly ctx: FolderSyncContext) {}

  async sync(source: FolderSource, options: FolderSyncOptions = {}): Promise<FolderSyncSummary> {
    this.ctx.store(); // LOCKED while locked
    const collection = options.collection ?? DEFAULT_COLLECTION;
    const root = options.root === undefined ? undefined : checkedRoot(options.root);
    if (this.ctx.settings().redactPii) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        'Folders cannot be kept in sync while PII redaction is on: redacted names cannot be matched to the files.',
      );
    }
    const key = `${collection}\u0000${root ?? ''}`;
    if (this.scanning.has(key)) throw new TroveError('INVALID_ARGUMENT', 'This folder is being scanned already.');
    const { scanId } = options;
    if (scanId !== undefined && (typeof scanId !== 'string' || scanId.length > 200 || this.stoppers.has(scanId))) {
      throw new TroveError('INVALID_ARGUMENT', 'A scan id must be a short string, not one in use.');
    }
    const stopper = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
    this.scanning.add(key);
    if (scanId !== undefined) this.stoppers.set(scanId, stopper);
    try {
      return await this.scan(source, collection, root, { ...options, signal });
    } finally {
      this.scanning.delete(key);
      if (scanId !== undefined) this.stoppers.delete(scanId);
    }
  }

  /** Stops a scan started with this id; nothing when it is over (or never began). */
  stop(scanId: string): void {
    this.stoppers.get(scanId)?.abort();
  }

  private async scan(
    source: FolderSource,
    collection: string,
    root: string | undefined,
    options: FolderSyncOptions,
  ): Promise<FolderSyncSummary> {
    const { signal, onProgress } = options;
    const summary: FolderSyncSummary = {
      added: [],
      changed: [],
      renamed: [],
      movedAndChanged: [],
      deleted: [],
      keptDeleted: [],
      unchanged: 0,
      skipped: [],
      failed: [],
      filesRead: 0,
      passagesEmbedded: 0,
      passagesReused: 0,
      stopped: false,
    };
    const progress = (phase: 'listing' | 'hashing' | 'applying', done: number, total: number, path?: string) => {
      try {
        // A page's callback answers with a promise (comlink): one that fails must not go unhandled either.
        const answer: unknown = onProgress?.({ phase, done, total, path });
        if (answer instanceof Promise) answer.catch(() => undefined);
      } catch {
        /* the page went away; the scan goes on */
      }
    };
    progress('listing', 0, 0);
    const recorded = this.recorded(collection, root);
    let listed: unknown;
    try {
      listed = await source.list();
    } catch (error) {
      if (signal?.aborted) return { ...summary, stopped: true };
      throw error;
    }
    if (signal?.aborted) return { ...summary, stopped: true };
    const listing = checkedListing(listed, summary);
    // An empty listing is more often a folder that is gone (an unplugged disk) than one emptied on purpose.
    if (listing.length === 0 && recorded.size > 0) {
      throw new TroveError(
        'NOT_FOUND',
        `The folder lists no files, so its ${recorded.size} documents are kept. If it was emptied on purpose, delete them in the library.`,
      );
    }
    const limitBytes = this.ctx.settings().maxFileMB * 1024 * 1024;
    const tooLarge = new Set(listing.filter((entry) => entry.size > limitBytes).map((entry) => entry.path));
    for (const path of tooLarge) {
      summary.failed.push({
        path,
        error: { code: 'FILE_TOO_LARGE', message: `“${path}” is larger than the limit (setting maxFileMB).` },
      });
    }
    // A file whose new version is still being indexed (a scan or a tab interrupted mid-replacement: the engine
    // resumes it) is left to that; replacing it again would leave two documents at its path.
    const replacing = new Set<number>();
    for (const doc of this.ctx.catalogue.docs.values()) if (doc.replaces !== undefined) replacing.add(doc.replaces);
    const busy = new Set([...recorded].filter(([, { doc }]) => replacing.has(doc.id)).map(([path]) => path));
    for (const path of busy) {
      summary.skipped.push({ path, reason: 'Its new version is still being indexed; the next scan checks it again.' });
    }
    const recordedFiles = [...recorded.values()].map(({ file }) => file).filter((file) => !busy.has(file.path));
    const readable = listing.filter((entry) => !tooLarge.has(entry.path) && !busy.has(entry.path));

    // Hash what may have changed; a file that cannot be read is reported, and its document left as it is.
    const cache = new Map<string, FileContent>();
    let cached = 0;
    const hashes = new Map<string, string>();
    const unreadable = new Set<string>();
    const toHash = pathsToHash(recordedFiles, readable);
    try {
      for (const [i, path] of toHash.entries()) {
        throwIfAborted(signal);
        progress('hashing', i, toHash.length, path);
        const content = await this.read(source, path, summary);
        if (!content) {
          unreadable.add(path);
          continue;
        }
        hashes.set(path, await sha256Hex(content.data));
        if (cached + content.data.byteLength <= READ_CACHE_BYTES) {
          cache.set(path, content);
          cached += content.data.byteLength;
        }
      }
    } catch (error) {
      if (signal?.aborted) return { ...summary, stopped: true };
      throw error;
    }
    const diff = diffFolder(
      recordedFiles,
      readable.filter((entry) => !unreadable.has(entry.path)),
      hashes,
    );
    // A file that could not be read or is too large keeps its document: it is neither changed nor deleted.
    const untouchable = new Set([...unreadable, ...tooLarge]);
    diff.deleted = diff.deleted.filter((path) => !untouchable.has(path));
    summary.unchanged = diff.unchanged.length;
    // Touched files (newer time, same bytes) get their new time, so the next scan does not read them again.
    const touched = diff.unchanged.filter((path) => hashes.has(path));
    if (touched.length > 0) {
      const times = new Map(readable.map((entry) => [entry.path, entry.lastModified]));
      await this.retime(touched.map((path) => ({ docId: recorded.get(path)!.doc.id, modifiedAt: times.get(path)! })));
    }

    const total =
      diff.renamed.length + diff.movedAndChanged.length + diff.changed.length + diff.added.length + diff.deleted.length;
    let done = 0;
    /** Counted once a file is applied (or failed): the folder's row shows how far the scan is. */
    const applied = (path?: string) => progress('applying', ++done, total, path);
    progress('applying', 0, total);
    const take = async (path: string): Promise<FileContent | undefined> => {
      const content = cache.get(path);
      cache.delete(path);
      return content ?? (await this.read(source, path, summary));
    };
    try {
      for (const { from, to } of diff.renamed) {
        throwIfAborted(signal);
        const entry = readable.find((e) => e.path === to)!;
        const doc = recorded.get(from)!.doc;
        try {
          await this.repath(doc.id, placeOf(to, root), entry.lastModified);
          summary.renamed.push({ from, to });
        } catch (error) {
          summary.failed.push({ path: to, error: toErrorInfo(error) });
        }
        applied(to);
      }
      for (const { from, to } of diff.movedAndChanged) {
        throwIfAborted(signal);
        const content = await take(to);
        if (content) {
          const file = this.fileInput(to, root, collection, content, recorded.get(from)!.doc.id);
          const result = (await this.handOff([file], signal))[0];
          this.account(summary, to, result, 'changed', signal);
          if (result?.stage === 'done') summary.movedAndChanged.push({ from, to });
          throwIfAborted(signal);
        }
        applied(to);
      }
      for (const path of diff.changed) {
        throwIfAborted(signal);
        const content = await take(path);
        if (content) {
          const file = this.fileInput(path, root, collection, content, recorded.get(path)!.doc.id);
          this.account(summary, path, (await this.handOff([file], signal))[0], 'changed', signal);
          throwIfAborted(signal);
        }
        applied(path);
      }
      let group: FileInput[] = [];
      let groupBytes = 0;
      const flush = async () => {
        if (group.length === 0) return;
        const files = group;
        group = [];
        groupBytes = 0;
        const paths = new Map(files.map((file) => [file.jobId, pathOf(file, root)]));
        const results = await this.handOff(files, signal, (jobId) => applied(paths.get(jobId)));
        results.forEach((result, i) => this.account(summary, pathOf(files[i]!, root), result, 'added', signal));
        throwIfAborted(signal);
      };
      for (const path of diff.added) {
        throwIfAborted(signal);
        const content = await take(path);
        if (!content) {
          applied(path);
          continue;
        }
        group.push(this.fileInput(path, root, collection, content));
        groupBytes += content.data.byteLength;
        if (group.length >= INGEST_GROUP_FILES || groupBytes >= INGEST_GROUP_BYTES) await flush();
      }
      await flush();
      throwIfAborted(signal);
      if (options.keepDeleted) summary.keptDeleted = diff.deleted;
      else if (diff.deleted.length > 0) {
        await this.ctx.deleteDocuments(diff.deleted.map((path) => recorded.get(path)!.doc.id));
        summary.deleted = diff.deleted;
      }
      if (done < total) progress('applying', total, total);
    } catch (error) {
      if (signal?.aborted) return { ...summary, stopped: true };
      throw error;
    }
    return summary;
  }

  /**
   * Files handed to the ingest pipeline; a stop cancels those not finished. The pipeline keeps what was stored
   * consistent: a file cut off is removed whole, a replacement cut off leaves the old version answering.
   */
  private async handOff(
    files: FileInput[],
    signal: AbortSignal | undefined,
    onFinished?: (jobId: string) => void,
  ): Promise<IngestProgress[]> {
    throwIfAborted(signal);
    const stop = () => {
      for (const file of files) this.ctx.cancel(file.jobId);
    };
    signal?.addEventListener('abort', stop, { once: true });
    const finished = new Set<string>();
    const onProgress = (progress: IngestProgress) => {
      if (!FINAL_STAGES.has(progress.stage) || finished.has(progress.jobId)) return;
      finished.add(progress.jobId);
      onFinished?.(progress.jobId);
    };
    try {
      return await this.ctx.ingest(files, onProgress);
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  /** The documents recorded under the folder, by path (the newest one where several share a path). */
  private recorded(
    collection: string,
    root: string | undefined,
  ): Map<string, { doc: DocumentRecord; file: RecordedFile }> {
    const byPath = new Map<string, { doc: DocumentRecord; file: RecordedFile }>();
    for (const doc of this.ctx.catalogue.docs.values()) {
      // Half-replaced and redacted documents are not a file's record: they are left alone.
      if (collectionOf(doc) !== collection || doc.replaces !== undefined || doc.redactions || !doc.sha256) continue;
      const path = recordedPath(doc, root);
      if (path === undefined) continue;
      const before = byPath.get(path);
      if (before && before.doc.id > doc.id) continue;
      byPath.set(path, {
        doc,
        file: { path, size: doc.size, lastModified: doc.modifiedAt, sha256: doc.sha256 },
      });
    }
    return byPath;
  }

  private async read(source: FolderSource, path: string, summary: FolderSyncSummary): Promise<FileContent | undefined> {
    try {
      const content = await source.read(path);
      if (
        !content ||
        !(content.data instanceof ArrayBuffer) ||
        !Number.isFinite(content.lastModified) ||
        !Number.isFinite(content.size)
      ) {
        throw new TroveError('INVALID_ARGUMENT', `The folder gave no readable content for “${path}”.`);
      }
      summary.filesRead++;
      return content;
    } catch (error) {
      summary.failed.push({ path, error: toErrorInfo(error) });
      return undefined;
    }
  }

  private fileInput(
    path: string,
    root: string | undefined,
    collection: string,
    content: FileContent,
    replaces?: number,
  ): FileInput {
    return {
      jobId: `sync-${++this.jobs}-${Date.now().toString(36)}`,
      type: '',
      data: content.data,
      lastModified: content.lastModified,
      collection,
      ...placeOf(path, root),
      ...(replaces !== undefined && { replaces }),
    };
  }

  private account(
    summary: FolderSyncSummary,
    path: string,
    result: IngestProgress | undefined,
    as: 'added' | 'changed',
    signal?: AbortSignal,
  ): void {
    if (result?.stage === 'done') {
      summary[as].push(path);
      const reused = result.chunksReused ?? 0;
      summary.passagesReused += reused;
      if (this.ctx.model.embedder) summary.passagesEmbedded += (result.chunksTotal ?? 0) - reused;
    } else if (result?.stage === 'cancelled' && signal?.aborted) {
      // Stopped: the file is simply not added yet; the next scan finds it again.
    } else if (result?.stage === 'skipped') {
      summary.skipped.push({ path, reason: result.note ?? 'Already in the library.' });
    } else {
      summary.failed.push({
        path,
        error: result?.error ?? { code: 'CANCELLED', message: result?.note ?? 'Not added.' },
      });
    }
  }

  /** Records files' new modification times (content unchanged). */
  private retime(files: Array<{ docId: number; modifiedAt: number }>): Promise<void> {
    return this.ctx.queue.enqueue(async () => {
      const store = this.ctx.store();
      const { docs } = this.ctx.catalogue;
      for (const { docId, modifiedAt } of files) {
        const doc = docs.get(docId);
        if (!doc) continue;
        await store.updateDocument(docId, { modifiedAt });
        docs.set(docId, { ...doc, modifiedAt });
      }
    });
  }

  /**
   * Gives a document a new place: a copy under the new name and folder (its text, passages, terms, vectors and
   * original) swapped in for it in one transaction, as a replacement is. Until then the old one answers; a failure
   * removes the partial copy and leaves the old document whole.
   */
  private repath(docId: number, place: { name: string; folder?: string }, modifiedAt: number): Promise<number> {
    return this.ctx.queue.enqueue(async () => {
      const store = this.ctx.store();
      const { catalogue, model } = this.ctx;
      const doc = await store.getDocument(docId);
      if (!doc || doc.status !== 'ready') {
        throw new TroveError('NOT_FOUND', `The document of “${place.name}” changed meanwhile; the next scan adds it.`);
      }
      const text = await store.getText(docId);
      if (!text) throw new TroveError('NOT_FOUND', `The text of “${doc.name}” is not stored.`);
      const { id: _id, status: _s, chunkCount: _c, attempts: _a, error: _e, folder: _f, ...kept } = doc;
      const newDoc: NewDocument = { ...kept, ...place, modifiedAt, replaces: docId };
      const newId = await store.createDocument(newDoc, { text: text.text, blocks: text.blocks });
      catalogue.docs.set(newId, { ...newDoc, id: newId, status: 'ingesting', chunkCount: 0 });
      let chunkCount: number;
      try {
        const chunks = await store.chunksOf(docId);
        chunkCount = chunks.length;
        const newIds = new Map<number, number>();
        const terms = new Map((await store.termsOf(docId)).map((row) => [row.chunkId, row.terms]));
        const set = catalogue.vectors;
        const rows = new Map<number, Float32Array>();
        if (set) {
          for (const batch of await store.vectorBatchesOf(docId, set.fingerprint)) {
            const { dims } = batch;
            batch.chunkIds.forEach((id, i) => rows.set(id, batch.vectors.subarray(i * dims, (i + 1) * dims)));
          }
        }
        for (let from = 0; from < chunks.length; from += COPY_BATCH) {
          const slice = chunks.slice(from, from + COPY_BATCH);
          const copies: NewChunk[] = slice.map(({ id, docId: _doc, ...chunk }) => ({
            ...chunk,
            terms: terms.get(id) ?? [],
          }));
          const withVectors = set !== null && slice.every((chunk) => rows.has(chunk.id));
          let vectors: Float32Array | undefined;
          if (set && withVectors) {
            vectors = new Float32Array(slice.length * set.dims);
            slice.forEach((chunk, i) => vectors!.set(rows.get(chunk.id)!, i * set.dims));
          }
          const ids = await store.addChunks(
            newId,
            copies,
            set && vectors ? { fingerprint: set.fingerprint, dims: set.dims, vectors } : undefined,
          );
          ids.forEach((id, i) => {
            newIds.set(slice[i]!.id, id);
            catalogue.addChunk(newId, id, copies[i]!.terms);
          });
          if (set && vectors) catalogue.addVectors(ids, vectors, set);
        }
        // Vectors of other models (the one still serving during a model switch) move with their passages too.
        for (const fingerprint of await store.vectorFingerprints()) {
          if (fingerprint === set?.fingerprint) continue;
          for (const batch of await store.vectorBatchesOf(docId, fingerprint)) {
            const chunkIds = Uint32Array.from(batch.chunkIds, (id) => newIds.get(id) ?? 0);
            if (chunkIds.includes(0)) continue;
            await store.addVectors({ ...batch, docId: newId, chunkIds });
          }
        }
        const original = await store.getOriginal(docId);
        if (original) await store.putOriginal({ ...original, docId: newId, name: place.name });
        await store.replaceDocument(docId, newId, chunks.length);
      } catch (error) {
        await store.deleteDocument(newId).catch(() => undefined);
        catalogue.forget(newId);
        throw error;
      }
      catalogue.forget(docId);
      catalogue.docs.set(newId, { ...newDoc, id: newId, replaces: undefined, status: 'ready', chunkCount });
      model.refresh();
      await this.ctx.vectorsChanged();
      return newId;
    });
  }
}

/** A document's path relative to the folder, or undefined when it is not under it. */
function recordedPath(doc: DocumentRecord, root: string | undefined): string | undefined {
  const folder = doc.folder ?? '';
  if (root === undefined) return folder ? `${folder}/${doc.name}` : doc.name;
  if (folder === root) return doc.name;
  if (folder.startsWith(`${root}/`)) return `${folder.slice(root.length + 1)}/${doc.name}`;
  return undefined;
}

/** Where a file of the folder is stored: its name and folder (see FolderSyncOptions.root). */
function placeOf(path: string, root: string | undefined): { name: string; folder?: string } {
  if (root === undefined) return { name: path };
  const parts = path.split('/');
  const name = parts.pop()!;
  return { name, folder: [root, ...parts].join('/') };
}

function pathOf(file: FileInput, root: string | undefined): string {
  if (root === undefined) return file.name;
  const sub = (file.folder ?? root).slice(root.length + 1);
  return sub ? `${sub}/${file.name}` : file.name;
}

function checkedRoot(root: unknown): string {
  if (typeof root !== 'string' || !validPath(root)) {
    throw new TroveError('INVALID_ARGUMENT', 'A folder name must be a relative path without “.” or “..” parts.');
  }
  return root;
}

/** The listing, field by field: entries that are not a relative file path with a size and a time are reported. */
function checkedListing(listing: unknown, summary: FolderSyncSummary): FolderEntry[] {
  if (!Array.isArray(listing)) throw new TroveError('INVALID_ARGUMENT', 'The folder listing is not a list of files.');
  const seen = new Set<string>();
  const entries: FolderEntry[] = [];
  for (const item of listing as unknown[]) {
    const entry = item as Partial<FolderEntry> | null;
    const path = typeof entry?.path === 'string' ? entry.path : '';
    const fine =
      validPath(path) &&
      !seen.has(path) &&
      Number.isSafeInteger(entry?.size) &&
      entry!.size! >= 0 &&
      Number.isFinite(entry?.lastModified);
    if (!fine) {
      summary.failed.push({
        path: path.slice(0, 200) || '(unnamed)',
        error: { code: 'INVALID_ARGUMENT', message: 'The folder listed this file without a valid path, size or time.' },
      });
      continue;
    }
    seen.add(path);
    entries.push({ path, size: entry!.size!, lastModified: entry!.lastModified! });
  }
  return entries;
}

function validPath(path: string): boolean {
  if (path.length === 0 || path.length > MAX_PATH_LENGTH || path.includes('\\') || path.includes('\u0000'))
    return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
