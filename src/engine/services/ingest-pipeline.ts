// The ingest pipeline: parse → chunk → embed → store → index in the work queue, small files several to a write
// transaction (a folder costs one write per batch, not several per file), large ones in chunk batches; resuming
// documents a closed tab left half-written (from the chunks already stored); Retry of failed documents; and the
// back-fill of vectors for chunks stored while the model was unavailable.
//
// The rule it keeps: a document that reached the store is never deleted to recover from an error. It is marked
// 'failed' with the reason (its text and stored chunks kept, Retry offered), or left 'ingesting' to be resumed.
// Only the user deletes documents (Delete, or Cancel of the job that is adding it).
import type { EngineSettings, FileInput, IngestProgress } from '../api/index.ts';
import type { Embedder } from '../embed/embedder.ts';
import { getModelSpec } from '../models/model-registry.ts';
import { estimateTokens } from '../models/token-estimate.ts';
import { TroveError, isAbort, isTransient, throwIfAborted, toErrorInfo } from '../core/errors.ts';
import type { LibraryCatalogue } from '../library/catalogue.ts';
import { MAX_RESUME_ATTEMPTS } from '../core/limits.ts';
import { documentLanguage, termsOf } from '../ingest/document-language.ts';
import { keptOriginal, type OriginalCopy } from '../ingest/kept-original.ts';
import { splicePassages } from '../ingest/passage-splice.ts';
import type { ParseContext } from '../ingest/file-parsing.ts';
import type { ActiveModel } from '../library/active-model.ts';
import { PassageReuse } from '../library/passage-reuse.ts';
import { DEFAULT_COLLECTION } from '../core/collections.ts';
import { readCollections } from '../library/collections.ts';
import type { ChunkRecord, DocumentRecord, NewChunk, NewDocument, Store, WholeDocument } from '../store/store.ts';
import type { ChunkDraft, ChunkerOptions, DocumentFormat, ParsedDocument, TextBlock } from '../core/types.ts';
import type { WorkQueue } from '../library/work-queue.ts';
import { redactForIndex, redactorFor } from '../privacy/redaction-settings.ts';

/**
 * Chunks embedded per model run, and of a large document written per transaction, unless the embedder prefers
 * another size: large enough to batch well, small enough to cancel quickly.
 */
const BATCH_SIZE = 32;
/** A write batch of small documents ends after this many bytes of files… */
const WRITE_BATCH_BYTES = 4 * 1024 * 1024;
/** …or this much work, so that a crash loses at most about a second of it. */
const WRITE_BATCH_MS = 750;
/** Larger documents are written as they are embedded, in chunk batches: their progress shows, and they resume. */
const WHOLE_DOCUMENT_MAX_CHUNKS = 128;
const WHOLE_DOCUMENT_MAX_BYTES = 1024 * 1024;
const KEYWORD_ONLY_NOTE = 'Keyword search only for now: vectors will be added when the model loads.';
/** Redacts only a name and folder (see identify). */
const EMPTY_DOCUMENT: ParsedDocument = { format: 'text', text: '', blocks: [] };

export type ParseFn = (
  data: Uint8Array,
  fileName: string,
  mimeType: string,
  signal?: AbortSignal,
  context?: ParseContext,
) => Promise<ParsedDocument>;
export type ChunkFn = (
  doc: ParsedDocument,
  options: ChunkerOptions,
  signal?: AbortSignal,
) => ChunkDraft[] | Promise<ChunkDraft[]>;

export interface IngestContext {
  store: () => Store;
  catalogue: LibraryCatalogue;
  model: Pick<ActiveModel, 'embedder' | 'settled' | 'markFailed' | 'refresh'>;
  queue: WorkQueue;
  settings: () => EngineSettings;
  parse: ParseFn;
  chunk: ChunkFn;
  /** Persists vector pages and applies the index policy after vectors changed; never throws. */
  vectorsChanged: () => Promise<void>;
  /** Progress of every job, for the engine's job listeners. */
  announce: (progress: IngestProgress) => void;
}

type Report = (progress: IngestProgress) => void;

/** A file waiting for its turn in the work queue. */
interface QueuedFile {
  file: FileInput;
  signal: AbortSignal;
  report: Report;
  /** Reports the final progress and resolves the file's promise. */
  finish: (final: IngestProgress) => void;
  /** Its task's place in the work queue (see WorkQueue.lastTicket). */
  ticket: number;
  /** Taken by a task (its own, or the one whose batch it joined). */
  taken: boolean;
  identity?: FileIdentity;
}

interface FileIdentity {
  collection: string;
  sha256: string;
  /** Name and folder as they will be stored (redacted when redaction is on). */
  name: string;
  folder?: string;
}

/** A small document ready to be written whole with its batch. */
interface WholeFile {
  queued: QueuedFile;
  identity: FileIdentity;
  document: WholeDocument;
}

/** A parsed, chunked document too large for a write batch. */
interface LargeDocument {
  newDoc: NewDocument;
  parsed: ParsedDocument;
  drafts: ChunkDraft[];
  original?: OriginalCopy;
}

type PreparedStep =
  { kind: 'finished' } | { kind: 'whole'; whole: WholeFile } | { kind: 'large'; large: LargeDocument };

/** Small documents prepared for one write transaction. */
class WriteBatch {
  private wholes: WholeFile[] = [];
  private keys = new Set<string>();
  bytes = 0;
  /** The embedder of the whole batch: chosen at its first document (undefined until then), null when none. */
  embedder: Embedder | null | undefined;
  /** Why the batch has no vectors from some point on (the model broke). */
  note: string | undefined;
  /** Passages lined up for the next model run: which document, which row of its vectors. */
  pending: Array<{ whole: WholeFile; row: number }> = [];

  add(whole: WholeFile): void {
    this.wholes.push(whole);
    this.bytes += whole.queued.file.data.byteLength;
    for (const key of identityKeys(whole.identity)) this.keys.add(key);
  }

  /** Whether a document of the batch has the same content, or the same name in the same folder. */
  holds(identity: FileIdentity): boolean {
    return identityKeys(identity).some((key) => this.keys.has(key));
  }

  take(): WholeFile[] {
    const wholes = this.wholes;
    this.wholes = [];
    this.keys = new Set();
    this.bytes = 0;
    return wholes;
  }
}

function identityKeys({ collection, sha256, name, folder }: FileIdentity): string[] {
  return [`${collection}\u0000${sha256}`, `${collection}\u0000${folder ?? ''}\u0000${name}`];
}

export class IngestPipeline {
  private readonly jobs = new Map<string, AbortController>();
  private readonly jobDoc = new Map<string, number>();
  /** Documents being resumed or retried (queued or running), so none is queued twice. */
  private readonly resuming = new Set<number>();
  /** Files whose task has not started, by ticket. */
  private readonly waiting = new Map<number, QueuedFile>();

  constructor(private readonly ctx: IngestContext) {}

  /**
   * Queues files; resolves with each file's final progress, in order. `announce: false` keeps their progress off the
   * page's job list (a live folder's scan reports its files in the folder's own row).
   */
  async ingest(
    files: FileInput[],
    onProgress: Report,
    options: { announce?: boolean } = {},
  ): Promise<IngestProgress[]> {
    this.ctx.store(); // LOCKED while locked
    const report = this.reporter(onProgress, options.announce ?? true);
    return Promise.all(
      files.map((file) => {
        const controller = new AbortController();
        this.jobs.set(file.jobId, controller);
        report({ jobId: file.jobId, fileName: file.name, stage: 'queued', fraction: 0 });
        return new Promise<IngestProgress>((resolve) => {
          const queued: QueuedFile = {
            file,
            signal: controller.signal,
            report,
            ticket: 0,
            taken: false,
            finish: (final) => {
              this.jobs.delete(file.jobId);
              this.jobDoc.delete(file.jobId);
              report(final);
              resolve(final);
            },
          };
          // Each file has its place in the queue; the task of the first file of a run takes the files after it
          // into its write batch, and their own tasks are then dropped.
          this.ctx.queue
            .enqueueUnless(
              () => queued.taken,
              () => this.ingestFrom(queued),
            )
            .catch((error: unknown) => {
              // The task never ran (library stale, lock refused): the file fails with the reason.
              if (queued.taken) return;
              this.take(queued);
              queued.finish({
                jobId: file.jobId,
                fileName: file.name,
                stage: 'failed',
                fraction: 1,
                error: toErrorInfo(error),
              });
            });
          queued.ticket = this.ctx.queue.lastTicket;
          this.waiting.set(queued.ticket, queued);
        });
      }),
    );
  }

  cancel(jobId: string): void {
    this.jobs.get(jobId)?.abort();
  }

  /** Stops every job working on a document (it is being deleted). */
  cancelDocument(docId: number): void {
    for (const [jobId, id] of this.jobDoc) if (id === docId) this.jobs.get(jobId)?.abort();
  }

  /** Queues a resume of every document left 'ingesting' (a closed tab, a dead worker). Reads the store under the lock. */
  resumeInterrupted(): Promise<void> {
    return this.ctx.queue.enqueue(async () => {
      for (const doc of await this.ctx.store().listDocuments()) {
        // Another tab cannot be writing it: we hold the writer lock, and each ingest is one task under it.
        if (doc.status === 'ingesting') void this.resume(doc.id, 'resume');
      }
    });
  }

  /** Indexes a failed document again, continuing after its stored chunks. */
  async retry(docId: number): Promise<IngestProgress> {
    this.ctx.store(); // LOCKED while locked
    const doc = this.ctx.catalogue.docs.get(docId);
    if (!doc) throw new TroveError('NOT_FOUND', `No document with id ${docId}.`);
    return this.resume(docId, 'retry');
  }

  /** Embeds chunks stored without vectors (model was unavailable, or changed). Runs in the queue. */
  async backfill(): Promise<void> {
    const { catalogue, model } = this.ctx;
    const store = this.ctx.store();
    const embedder = model.embedder;
    const vectors = catalogue.vectors;
    if (!embedder || vectors?.fingerprint !== embedder.fingerprint || catalogue.pendingVectors === 0) return;
    let changed = false;
    try {
      for (const docId of [...catalogue.docs.keys()]) {
        const missing = catalogue.chunksOf(docId).filter((id) => !vectors.has(id));
        const size = embedBatchSize(embedder);
        for (let from = 0; from < missing.length; from += size) {
          if (model.embedder !== embedder || catalogue.vectors !== vectors || !catalogue.docs.has(docId)) return;
          const chunks = await store.getChunks(missing.slice(from, from + size));
          if (chunks.length === 0) continue;
          let data: Float32Array;
          try {
            data = await embedder.embedPassages(chunks.map((c) => c.text));
          } catch (error) {
            model.markFailed(error);
            return;
          }
          const ids = Uint32Array.from(chunks.map((c) => c.id));
          await store.addVectors({
            docId,
            fingerprint: embedder.fingerprint,
            dims: embedder.model.dims,
            chunkIds: ids,
            vectors: data,
          });
          catalogue.addVectors(ids, data, vectors);
          changed = true;
          model.refresh();
        }
      }
    } finally {
      if (changed) await this.ctx.vectorsChanged();
    }
  }

  private reporter(onProgress?: Report, announce = true): Report {
    return (progress) => {
      if (announce) this.ctx.announce(progress);
      if (!onProgress) return;
      try {
        onProgress(progress);
      } catch {
        /* the page went away; the work goes on */
      }
    };
  }

  private take(queued: QueuedFile): void {
    queued.taken = true;
    this.waiting.delete(queued.ticket);
  }

  /**
   * Ingests `first` and the files queued right after it, while they are small: their documents, text, chunks,
   * vectors and originals are written in one transaction per batch (bounded by bytes and time, so a crash loses
   * at most one batch: its files are simply not there, and adding the folder again skips the ones that are). A large
   * document is written as it is embedded, in chunk batches, and resumes from them after a crash.
   */
  private async ingestFrom(first: QueuedFile): Promise<void> {
    const started = Date.now();
    const batch = new WriteBatch();
    const collections = new Set((await readCollections(this.ctx.store())).map((c) => c.id));
    let queued: QueuedFile | undefined = first;
    try {
      while (queued) {
        this.take(queued);
        const step = await this.prepareFile(queued, collections, batch);
        if (step.kind === 'whole') batch.add(step.whole);
        else if (step.kind === 'large') {
          await this.commit(batch);
          await this.ingestLarge(queued, step.large);
          break;
        }
        if (batch.bytes >= WRITE_BATCH_BYTES || Date.now() - started >= WRITE_BATCH_MS) break;
        queued = await this.nextInBatch(queued, batch);
      }
      await this.commit(batch);
    } catch (error) {
      // Only a failure outside one file's work (the store went away) gets here: the batch's files fail with it.
      for (const whole of batch.take()) whole.queued.finish(failed(whole.queued.file, error));
      if (!first.taken) throw error;
    }
  }

  /** The file queued right after `previous`, when it can join the batch (small, and not a duplicate within it). */
  private async nextInBatch(previous: QueuedFile, batch: WriteBatch): Promise<QueuedFile | undefined> {
    let next = this.waiting.get(previous.ticket + 1);
    // Files cancelled while they waited end here, without splitting the batch.
    while (next?.signal.aborted) {
      this.take(next);
      next.finish({ jobId: next.file.jobId, fileName: next.file.name, stage: 'cancelled', fraction: 1 });
      next = this.waiting.get(next.ticket + 1);
    }
    if (!next || next.file.data.byteLength > WHOLE_DOCUMENT_MAX_BYTES) return undefined;
    // A replacement is written as it is embedded (it swaps in at the end); it starts a batch of its own.
    if (next.file.onDuplicate === 'replace' || next.file.replaces !== undefined) return undefined;
    // A file the same as one in this batch waits for the batch to be stored, so the catalogue knows the first one.
    try {
      return batch.holds(await this.identify(next)) ? undefined : next;
    } catch {
      return undefined; // its own task reports why
    }
  }

  /** What a file is known by for duplicates: its collection, its bytes' hash, its name and folder as stored. */
  private async identify(queued: QueuedFile): Promise<FileIdentity> {
    if (queued.identity) return queued.identity;
    const { file } = queued;
    const redactor = redactorFor(this.ctx.settings(), file);
    // A redacted document is stored under its redacted name and folder: compare like with like.
    const place = redactor ? redactForIndex(redactor, EMPTY_DOCUMENT, file.name, file.folder) : file;
    queued.identity = {
      collection: file.collection ?? DEFAULT_COLLECTION,
      sha256: await sha256Hex(file.data),
      name: place.name,
      folder: place.folder,
    };
    return queued.identity;
  }

  /** Checks, parses, redacts, chunks and (small documents) embeds a file; stores nothing. */
  private async prepareFile(queued: QueuedFile, collections: Set<string>, batch: WriteBatch): Promise<PreparedStep> {
    const { file, signal, report } = queued;
    const { model } = this.ctx;
    const base = { jobId: file.jobId, fileName: file.name };
    try {
      throwIfAborted(signal);
      const limitMB = this.ctx.settings().maxFileMB;
      if (file.data.byteLength > limitMB * 1024 * 1024) {
        const size = (file.data.byteLength / (1024 * 1024)).toFixed(0);
        throw new TroveError(
          'FILE_TOO_LARGE',
          `“${file.name}” is ${size} MB; the limit is ${limitMB} MB (setting maxFileMB).`,
        );
      }
      const identity = await this.identify(queued);
      const { collection, sha256 } = identity;
      if (!collections.has(collection)) {
        throw new TroveError('NOT_FOUND', `There is no collection “${collection}” to add “${file.name}” to.`);
      }
      // The same bytes are never embedded twice; another version of the same file waits for the user's choice.
      const duplicate =
        file.replaces !== undefined ? this.replaceTarget(file, collection) : this.findDuplicate(identity);
      // 'replace' replaces either (the same bytes come again when a table is indexed with other text fields).
      const replacing = duplicate !== undefined && (file.onDuplicate === 'replace' || file.replaces !== undefined);
      if (duplicate && file.onDuplicate !== 'keep-both' && !replacing) {
        queued.finish({
          ...base,
          stage: 'skipped',
          fraction: 1,
          duplicateOf: duplicate,
          note:
            duplicate.reason === 'same-content'
              ? `Skipped: same as “${duplicate.name}”, already in the library.`
              : `Another version of “${duplicate.name}” is in the library: replace it, or keep both.`,
        });
        return { kind: 'finished' };
      }
      report({ ...base, stage: 'parsing', fraction: 0.02 });
      const original = await this.ctx.parse(new Uint8Array(file.data), file.name, file.type, signal, {
        ocrMode: this.ctx.settings().ocrMode,
        textFields: file.textFields,
        onProgress: (p) =>
          report({
            ...base,
            stage: 'parsing',
            fraction: 0.02 + 0.08 * (p.done / Math.max(1, p.total)),
            note: `Reading text (OCR): page ${p.done} of ${p.total}`,
          }),
      });
      const language = await documentLanguage(original);
      // PII redaction: from here on only the redacted text and name exist (stored, chunked, embedded, shown).
      const redactor = redactorFor(this.ctx.settings(), file);
      const redacted = redactor && redactForIndex(redactor, original, file.name, file.folder);
      const parsed = { ...(redacted?.parsed ?? original), language };
      // Wait for a model that is still loading, so chunks get their vectors in the same pass.
      await model.settled();
      throwIfAborted(signal);
      const newDoc: NewDocument = {
        name: redacted?.name ?? file.name,
        format: parsed.format,
        size: file.data.byteLength,
        addedAt: Date.now(),
        pageCount: parsed.pageCount,
        title: parsed.title,
        warnings: parsed.warnings,
        collection,
        // A live folder's new version of a file keeps the tags given to its document.
        tags: (file.replaces !== undefined && this.ctx.catalogue.docs.get(file.replaces)?.tags) || [],
        sha256,
        mimeType: file.type || undefined,
        modifiedAt: file.lastModified,
        folder: redacted ? redacted.folder : file.folder,
        language,
        replaces: replacing ? duplicate.id : undefined,
        redactions: redacted?.summary,
      };
      // Kept for the page view and "open original"; never for a redacted file (its bytes hold what redaction
      // removed). Deleted with the document (same transaction).
      const kept =
        this.ctx.settings().keepOriginals && !redacted
          ? keptOriginal(file, parsed, this.ctx.settings().keepPictureMetadata)
          : undefined;
      if (kept?.note) newDoc.warnings = [...(newDoc.warnings ?? []), kept.note];
      const originalCopy = kept?.original;
      const drafts =
        (replacing && (await this.splicedDrafts(duplicate.id, parsed, signal))) ||
        (await this.chunkText(parsed, model.embedder, signal));
      const large: LargeDocument = { newDoc, parsed, drafts, original: originalCopy };
      if (replacing || drafts.length > WHOLE_DOCUMENT_MAX_CHUNKS || file.data.byteLength > WHOLE_DOCUMENT_MAX_BYTES) {
        return { kind: 'large', large };
      }
      const chunks: NewChunk[] = drafts.map((draft) => ({ ...draft, terms: termsOf(draft.text, parsed) }));
      const whole: WholeFile = {
        queued,
        identity,
        document: { doc: newDoc, text: { text: parsed.text, blocks: parsed.blocks }, chunks, original: originalCopy },
      };
      // Passages of several small files share model runs: a page of a few passages alone would batch poorly.
      const embedding = this.queueEmbedding(whole, batch);
      await this.embedPending(batch, false);
      report({
        ...base,
        stage: embedding ? 'embedding' : 'indexing',
        fraction: 0.9,
        chunksDone: chunks.length,
        chunksTotal: chunks.length,
      });
      return { kind: 'whole', whole };
    } catch (error) {
      queued.finish(isAbort(error) ? { ...base, stage: 'cancelled', fraction: 1 } : failed(file, error));
      return { kind: 'finished' };
    }
  }

  /**
   * Lines up a small document's passages for the batch's embedder (fixed for the batch: model swaps wait for the
   * queue); false when there is none.
   */
  private queueEmbedding(whole: WholeFile, batch: WriteBatch): boolean {
    if (batch.embedder === undefined) batch.embedder = this.ctx.model.embedder;
    const embedder = batch.embedder;
    const { chunks } = whole.document;
    if (!embedder || chunks.length === 0) return !!embedder;
    const dims = embedder.model.dims;
    whole.document.vectors = {
      fingerprint: embedder.fingerprint,
      dims,
      vectors: new Float32Array(chunks.length * dims),
    };
    chunks.forEach((_, row) => batch.pending.push({ whole, row }));
    return true;
  }

  /** Embeds the batch's waiting passages in model runs of the preferred size (the last one shorter when `all`). */
  private async embedPending(batch: WriteBatch, all: boolean): Promise<void> {
    const embedder = batch.embedder;
    if (!embedder) return;
    const size = embedBatchSize(embedder);
    const dims = embedder.model.dims;
    while (batch.pending.length >= size || (all && batch.pending.length > 0)) {
      const run = batch.pending.splice(0, size);
      let vectors: Float32Array;
      try {
        vectors = await embedder.embedPassages(run.map(({ whole, row }) => whole.document.chunks[row].text));
      } catch (error) {
        // The model broke: keep indexing by keyword; the vectors come with the back-fill.
        this.ctx.model.markFailed(error);
        batch.embedder = null;
        batch.note = `The model stopped working (${toErrorInfo(error).message}); vectors will be added when it is available again.`;
        for (const { whole } of [...run, ...batch.pending]) whole.document.vectors = undefined;
        batch.pending = [];
        return;
      }
      run.forEach(({ whole, row }, i) =>
        whole.document.vectors?.vectors.set(vectors.subarray(i * dims, (i + 1) * dims), row * dims),
      );
    }
  }

  /**
   * Writes the batch's documents in one transaction, then brings them into memory and tells once (model status,
   * vector pages). When the batch write fails, each file is written on its own, so one bad file fails alone.
   */
  private async commit(batch: WriteBatch): Promise<void> {
    await this.embedPending(batch, true);
    const wholes = batch.take().filter((whole) => {
      if (!whole.queued.signal.aborted) return true;
      const { file } = whole.queued;
      whole.queued.finish({ jobId: file.jobId, fileName: file.name, stage: 'cancelled', fraction: 1 });
      return false;
    });
    if (wholes.length === 0) return;
    const written = await this.writeWhole(wholes, batch.note);
    if (written.length === 0) return;
    const { catalogue, model } = this.ctx;
    const set = catalogue.vectors;
    for (const { whole, docId, chunkIds } of written) {
      const { doc, chunks, vectors } = whole.document;
      catalogue.docs.set(docId, { ...doc, id: docId, status: 'ready', chunkCount: chunks.length });
      chunkIds.forEach((id, i) => catalogue.addChunk(docId, id, chunks[i].terms));
      if (vectors && set?.fingerprint === vectors.fingerprint) catalogue.addVectors(chunkIds, vectors.vectors, set);
    }
    model.refresh();
    await this.ctx.vectorsChanged();
    const keywordOnly = model.embedder ? undefined : KEYWORD_ONLY_NOTE;
    for (const { whole, docId, note } of written) {
      const { file } = whole.queued;
      const count = whole.document.chunks.length;
      whole.queued.finish({
        jobId: file.jobId,
        fileName: file.name,
        documentId: docId,
        stage: 'done',
        fraction: 1,
        chunksDone: count,
        chunksTotal: count,
        note:
          [batch.note ?? (whole.document.vectors ? undefined : keywordOnly), note].filter(Boolean).join(' ') ||
          undefined,
      });
    }
  }

  /** Stores whole documents: together, or one by one when that fails (dropping an original there is no room for). */
  private async writeWhole(
    wholes: WholeFile[],
    note: string | undefined,
  ): Promise<Array<{ whole: WholeFile; docId: number; chunkIds: number[]; note?: string }>> {
    const store = this.ctx.store();
    try {
      const ids = await store.addDocuments(wholes.map((w) => w.document));
      return wholes.map((whole, i) => ({ whole, ...ids[i] }));
    } catch (error) {
      if (wholes.length > 1) {
        const written = [];
        for (const whole of wholes) written.push(...(await this.writeWhole([whole], note)));
        return written;
      }
      const [whole] = wholes;
      // No room for the copy (a large PDF, little text) is no reason to fail the document: it is indexed without.
      if (whole.document.original && error instanceof TroveError && error.code === 'STORAGE_FULL') {
        whole.document.original = undefined;
        const written = await this.writeWhole([whole], note);
        return written.map((w) => ({ ...w, note: 'The original file was not kept: browser storage is full.' }));
      }
      whole.queued.finish(failed(whole.queued.file, error));
      return [];
    }
  }

  /** A large document: stored first, then chunk batches written as they are embedded (resumable from them). */
  private async ingestLarge(queued: QueuedFile, large: LargeDocument): Promise<void> {
    const { catalogue } = this.ctx;
    const store = this.ctx.store();
    const { file, signal, report } = queued;
    const base = { jobId: file.jobId, fileName: file.name };
    const { newDoc, parsed, drafts } = large;
    let docId: number | undefined;
    try {
      docId = await store.createDocument(newDoc, { text: parsed.text, blocks: parsed.blocks });
      const id = docId;
      let originalNote: string | undefined;
      if (large.original) {
        await store.putOriginal({ docId: id, ...large.original }).catch((error: unknown) => {
          if (!(error instanceof TroveError && error.code === 'STORAGE_FULL')) throw error;
          originalNote = 'The original file was not kept: browser storage is full.';
        });
      }
      this.jobDoc.set(file.jobId, id);
      catalogue.docs.set(id, { ...newDoc, id, status: 'ingesting', chunkCount: 0 });
      const outcome = await this.indexDocument(
        id,
        parsed,
        signal,
        (done, total, embedding) =>
          report({
            ...base,
            documentId: id,
            stage: embedding ? 'embedding' : 'indexing',
            fraction: 0.1 + 0.9 * (done / Math.max(1, total)),
            chunksDone: done,
            chunksTotal: total,
          }),
        drafts,
      );
      queued.finish({
        ...base,
        documentId: id,
        stage: 'done',
        fraction: 1,
        chunksDone: outcome.chunks,
        chunksTotal: outcome.chunks,
        chunksReused: outcome.reused || undefined,
        note: [outcome.note, originalNote].filter(Boolean).join(' ') || undefined,
      });
    } catch (error) {
      if (docId !== undefined) {
        // Cancel means "don't add this file": remove what was stored. Any other error keeps the document.
        if (isAbort(error)) await this.forgetQuietly(docId);
        else await this.markFailed(docId, error);
      }
      queued.finish({
        ...base,
        documentId: docId,
        stage: isAbort(error) ? 'cancelled' : 'failed',
        fraction: 1,
        ...(isAbort(error) ? {} : { error: toErrorInfo(error) }),
      });
    }
  }

  /** Resumes (after an interruption) or retries (after a failure) a stored document as a visible job. */
  private resume(docId: number, why: 'resume' | 'retry'): Promise<IngestProgress> {
    const doc = this.ctx.catalogue.docs.get(docId);
    const jobId = `${why}-${docId}-${Date.now().toString(36)}`;
    const base = {
      jobId,
      fileName: doc?.name ?? `document ${docId}`,
      documentId: docId,
      resumed: true,
      size: doc?.size,
    };
    const report = this.reporter();
    if (this.resuming.has(docId)) {
      return Promise.resolve({ ...base, stage: 'cancelled' as const, fraction: 1, note: 'Already being indexed.' });
    }
    this.resuming.add(docId);
    const controller = new AbortController();
    this.jobs.set(jobId, controller);
    report({ ...base, stage: 'queued', fraction: 0 });
    return this.ctx.queue
      .enqueue(() => this.resumeNow(docId, why, controller.signal, base, report))
      .catch((error: unknown) => {
        const final: IngestProgress = { ...base, stage: 'failed', fraction: 1, error: toErrorInfo(error) };
        report(final);
        return final;
      })
      .finally(() => {
        this.resuming.delete(docId);
        this.jobs.delete(jobId);
        this.jobDoc.delete(jobId);
      });
  }

  private async resumeNow(
    docId: number,
    why: 'resume' | 'retry',
    signal: AbortSignal,
    base: Pick<IngestProgress, 'jobId' | 'fileName' | 'documentId' | 'resumed' | 'size'>,
    report: Report,
  ): Promise<IngestProgress> {
    const store = this.ctx.store();
    const { catalogue } = this.ctx;
    this.jobDoc.set(base.jobId, docId);
    // Read afresh under the lock: another tab may have finished, failed or deleted it meanwhile.
    const doc = await store.getDocument(docId);
    if (!doc || doc.status === 'ready' || (why === 'resume' && doc.status !== 'ingesting')) {
      const final: IngestProgress = { ...base, stage: 'done', fraction: 1, note: 'Nothing left to do.' };
      report(final);
      return final;
    }
    // Count the attempt before working, so an attempt that kills the tab counts too.
    const attempts = why === 'retry' ? 1 : (doc.attempts ?? 0) + 1;
    if (attempts > MAX_RESUME_ATTEMPTS) {
      const error = new TroveError(
        'INTERNAL',
        `Indexing “${doc.name}” was interrupted ${attempts - 1} times, so Trove stopped retrying it on start-up. ` +
          'Its text is kept: Retry, or Delete it.',
      );
      await this.markFailed(docId, error, attempts - 1);
      const final: IngestProgress = { ...base, stage: 'failed', fraction: 1, error: toErrorInfo(error) };
      report(final);
      return final;
    }
    try {
      await store.updateDocument(docId, { status: 'ingesting', attempts, error: undefined });
      catalogue.docs.set(docId, { ...doc, status: 'ingesting', attempts, error: undefined });
      report({ ...base, stage: 'parsing', fraction: 0.05, note: 'Resuming from the stored text.' });
      const text = await store.getText(docId);
      if (!text)
        throw new TroveError('NOT_FOUND', `The text of “${doc.name}” was not stored, so it cannot be indexed again.`);
      await this.ctx.model.settled();
      const outcome = await this.indexDocument(
        docId,
        { ...text, format: doc.format, language: doc.language },
        signal,
        (done, total, embedding) =>
          report({
            ...base,
            stage: embedding ? 'embedding' : 'indexing',
            fraction: 0.1 + 0.9 * (done / Math.max(1, total)),
            chunksDone: done,
            chunksTotal: total,
          }),
      );
      const final: IngestProgress = {
        ...base,
        stage: 'done',
        fraction: 1,
        chunksDone: outcome.chunks,
        chunksTotal: outcome.chunks,
        chunksReused: outcome.reused || undefined,
        note: outcome.note,
      };
      report(final);
      return final;
    } catch (error) {
      const info = toErrorInfo(error);
      if (info.code !== 'LIBRARY_STALE') {
        // A cancelled resume keeps the document too: the user asked to stop the work, not to delete the file.
        const keepTrying =
          why === 'resume' && !isAbort(error) && (isTransient(error) || attempts < MAX_RESUME_ATTEMPTS);
        if (keepTrying) await this.recordAttemptError(docId, error);
        else await this.markFailed(docId, error, attempts);
      }
      const final: IngestProgress = {
        ...base,
        stage: isAbort(error) ? 'cancelled' : 'failed',
        fraction: 1,
        error: info,
      };
      report(final);
      return final;
    }
  }

  /**
   * Chunks, embeds and stores a document whose record exists, continuing after the chunks already stored when
   * they are a prefix of this chunking (else they are cleared and it starts over from the text).
   */
  private async indexDocument(
    docId: number,
    parsed: { text: string; blocks: TextBlock[]; format: DocumentFormat; language?: string },
    signal: AbortSignal,
    onBatch: (done: number, total: number, embedding: boolean) => void,
    chunked?: ChunkDraft[],
  ): Promise<{ chunks: number; reused: number; note?: string }> {
    const { catalogue, model } = this.ctx;
    const store = this.ctx.store();
    // The embedder is fixed for the whole document: model swaps wait for the queue, so it stays valid.
    let embedder: Embedder | null = model.embedder;
    let note: string | undefined;
    const drafts = chunked ?? (await this.chunkText(parsed, embedder, signal));
    const size = embedBatchSize(embedder);
    const from = await this.restoreStoredPrefix(docId, drafts);
    const reuse = await this.reusableVectors(docId, embedder);
    let reused = 0;
    onBatch(from, drafts.length, !!embedder);
    for (let start = from; start < drafts.length; start += size) {
      throwIfAborted(signal);
      const batch: NewChunk[] = drafts
        .slice(start, start + size)
        .map((draft) => ({ ...draft, terms: termsOf(draft.text, parsed) }));
      let vectors: Float32Array | undefined;
      if (embedder) {
        const current = embedder;
        try {
          const run = await reuse.vectorsFor(
            batch.map((c) => c.text),
            (texts) => current.embedPassages(texts, { signal }),
          );
          vectors = run.vectors;
          reused += run.reused;
        } catch (error) {
          if (isAbort(error)) throw error;
          // The model broke mid-document: keep indexing by keyword; its vectors come with the back-fill.
          model.markFailed(error);
          embedder = null;
          note = `The model stopped working (${toErrorInfo(error).message}); vectors will be added when it is available again.`;
        }
      }
      throwIfAborted(signal);
      const ids = await store.addChunks(
        docId,
        batch,
        vectors && embedder ? { fingerprint: embedder.fingerprint, dims: embedder.model.dims, vectors } : undefined,
      );
      ids.forEach((id, i) => catalogue.addChunk(docId, id, batch[i].terms));
      const set = catalogue.vectors;
      if (vectors && embedder && set?.fingerprint === embedder.fingerprint) catalogue.addVectors(ids, vectors, set);
      model.refresh();
      onBatch(Math.min(start + size, drafts.length), drafts.length, !!embedder);
    }
    const record = catalogue.docs.get(docId);
    const replaced = record?.replaces;
    if (replaced !== undefined && catalogue.docs.has(replaced)) {
      // The new version is complete: swap it in and remove the old one in one transaction.
      await store.replaceDocument(replaced, docId, drafts.length);
      catalogue.forget(replaced);
    } else {
      await store.markReady(docId, drafts.length);
    }
    if (record) {
      catalogue.docs.set(docId, {
        ...record,
        replaces: undefined,
        status: 'ready',
        chunkCount: drafts.length,
        attempts: 0,
        error: undefined,
      });
    }
    // From here the document is complete: nothing below may fail it (a failed page write only costs a rebuild).
    await this.ctx.vectorsChanged();
    model.refresh();
    if (!note && !model.embedder) note = KEYWORD_ONLY_NOTE;
    return { chunks: drafts.length, reused, note };
  }

  /** The vectors of the document a replacement replaces, by passage text (none for other documents). */
  private async reusableVectors(docId: number, embedder: Embedder | null): Promise<PassageReuse> {
    const dims = embedder?.model.dims ?? 0;
    const replaced = this.ctx.catalogue.docs.get(docId)?.replaces;
    if (!embedder || replaced === undefined) return PassageReuse.none(dims);
    return PassageReuse.of(this.ctx.store(), replaced, embedder.fingerprint, dims);
  }

  /**
   * A replacement's passages with the replaced document's kept outside the edit (see passage-splice.ts), so their
   * vectors are reused; undefined when there is no model, or the old version is not complete or does not qualify.
   */
  private async splicedDrafts(
    replaced: number,
    parsed: ParsedDocument,
    signal: AbortSignal,
  ): Promise<ChunkDraft[] | undefined> {
    const { catalogue } = this.ctx;
    const embedder = this.ctx.model.embedder;
    // Kept passages must be the current model's (its tokenizer cut them, its vectors are there to reuse).
    const current = embedder && catalogue.vectors?.fingerprint === embedder.fingerprint;
    if (!current || catalogue.docs.get(replaced)?.status !== 'ready' || !catalogue.isEmbedded(replaced))
      return undefined;
    const store = this.ctx.store();
    const [text, chunks] = await Promise.all([store.getText(replaced), store.chunksOf(replaced)]);
    if (!text) return undefined;
    return splicePassages(
      { text: text.text, blocks: text.blocks, chunks },
      parsed,
      (run) => this.chunkText(run, embedder, signal),
      this.chunkBudget(embedder),
    );
  }

  /** Chunks a document's text for the embedder in use (its tokenizer and token budget). */
  private chunkText(
    parsed: { text: string; blocks: TextBlock[]; format: DocumentFormat; language?: string },
    embedder: Embedder | null,
    signal: AbortSignal,
  ): ChunkDraft[] | Promise<ChunkDraft[]> {
    const budget = this.chunkBudget(embedder);
    return this.ctx.chunk(
      parsed as ParsedDocument,
      {
        maxTokens: budget,
        overlapTokens: Math.min(this.ctx.settings().chunkOverlapTokens, Math.floor(budget / 2)),
        countTokens: embedder ? (text) => embedder.countTokens(text) : estimateTokens,
      },
      signal,
    );
  }

  /**
   * Brings a document's stored chunks into memory when they are the start of `drafts` (same offsets), and returns
   * how many drafts they cover; otherwise clears them so the document is indexed from the start.
   */
  private async restoreStoredPrefix(docId: number, drafts: ChunkDraft[]): Promise<number> {
    const store = this.ctx.store();
    const { catalogue } = this.ctx;
    const stored: ChunkRecord[] = await store.chunksOf(docId);
    if (stored.length === 0) return 0;
    const isPrefix =
      stored.length <= drafts.length &&
      stored.every((chunk, i) => chunk.start === drafts[i].start && chunk.end === drafts[i].end);
    catalogue.removeChunks(docId);
    if (!isPrefix) {
      await store.clearChunks(docId);
      return 0;
    }
    for (const row of await store.termsOf(docId)) catalogue.addChunk(docId, row.chunkId, row.terms);
    const set = catalogue.vectors;
    if (set)
      for (const batch of await store.vectorBatchesOf(docId, set.fingerprint))
        catalogue.addVectors(batch.chunkIds, batch.vectors, set);
    return stored.length;
  }

  /** A document of the collection with the same bytes, or else with the same name and folder (map lookups). */
  private findDuplicate(identity: FileIdentity): IngestProgress['duplicateOf'] {
    const { docs } = this.ctx.catalogue;
    const { collection, sha256, name, folder } = identity;
    const sameContent = docs.withContent(collection, sha256).find((doc) => doc.replaces === undefined);
    if (sameContent) return { id: sameContent.id, name: sameContent.name, reason: 'same-content' };
    const sameName = docs
      .atPlace(collection, folder, name)
      .filter((doc) => doc.replaces === undefined)
      .at(-1);
    return sameName && { id: sameName.id, name: sameName.name, reason: 'same-name' };
  }

  /** The document a file names to replace: it must be a complete document of the file's collection. */
  private replaceTarget(file: FileInput, collection: string): NonNullable<IngestProgress['duplicateOf']> {
    const doc = this.ctx.catalogue.docs.get(file.replaces ?? -1);
    if (!doc || doc.replaces !== undefined || (doc.collection ?? DEFAULT_COLLECTION) !== collection) {
      throw new TroveError('NOT_FOUND', `“${file.name}” names no document of its collection to replace.`);
    }
    return { id: doc.id, name: doc.name, reason: 'same-name' };
  }

  /** Token budget per chunk: the setting, capped by what the model can read after its passage prefix. */
  private chunkBudget(embedder: Embedder | null): number {
    const settings = this.ctx.settings();
    let modelLimit = embedder?.maxPassageTokens;
    if (modelLimit === undefined) {
      const spec = getModelSpec(settings.modelId);
      modelLimit = spec.maxTokens - 2 - (spec.passagePrefix ? estimateTokens(spec.passagePrefix) : 0); // [CLS], [SEP]
    }
    return Math.max(16, Math.min(settings.chunkTokens, modelLimit));
  }

  /** Marks a document failed (kept, not searchable, Retry offered). Never throws: the store may be what failed. */
  private async markFailed(docId: number, error: unknown, attempts?: number): Promise<void> {
    const { catalogue } = this.ctx;
    const info = toErrorInfo(error);
    catalogue.removeChunks(docId);
    const record = catalogue.docs.get(docId);
    const patch: Partial<DocumentRecord> = { status: 'failed', error: info };
    if (attempts !== undefined) patch.attempts = attempts;
    if (record) catalogue.docs.set(docId, { ...record, ...patch });
    this.ctx.model.refresh();
    try {
      await this.ctx.store().updateDocument(docId, patch);
    } catch {
      // Left 'ingesting' in the store: the next start resumes it and counts the attempt.
    }
  }

  private async recordAttemptError(docId: number, error: unknown): Promise<void> {
    const { catalogue } = this.ctx;
    catalogue.removeChunks(docId);
    const info = toErrorInfo(error);
    const record = catalogue.docs.get(docId);
    if (record) catalogue.docs.set(docId, { ...record, status: 'ingesting', error: info });
    this.ctx.model.refresh();
    await this.ctx
      .store()
      .updateDocument(docId, { error: info })
      .catch(() => undefined);
  }

  private async forgetQuietly(docId: number): Promise<void> {
    try {
      await this.ctx.store().deleteDocument(docId);
      this.ctx.catalogue.forget(docId);
      this.ctx.model.refresh();
      await this.ctx.vectorsChanged();
    } catch {
      // Could not delete: keep it visible as failed rather than half-present.
      await this.markFailed(
        docId,
        new TroveError('CANCELLED', 'Cancelled; the partly added document could not be removed.'),
      );
    }
  }
}

function embedBatchSize(embedder: Embedder | null): number {
  return embedder?.preferredBatchSize ?? BATCH_SIZE;
}

function failed(file: FileInput, error: unknown): IngestProgress {
  return { jobId: file.jobId, fileName: file.name, stage: 'failed', fraction: 1, error: toErrorInfo(error) };
}

async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
