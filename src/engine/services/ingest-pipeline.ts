// The ingest pipeline: parse → chunk → embed → store → index, one document at a time in the work queue; resuming
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
import type { ParseContext } from '../ingest/file-parsing.ts';
import type { ActiveModel } from '../library/active-model.ts';
import { DEFAULT_COLLECTION, collectionOf } from '../core/collections.ts';
import { readCollections } from '../library/collections.ts';
import type { ChunkRecord, DocumentRecord, NewChunk, NewDocument, Store } from '../store/store.ts';
import type { ChunkDraft, ChunkerOptions, DocumentFormat, ParsedDocument, TextBlock } from '../core/types.ts';
import type { WorkQueue } from '../library/work-queue.ts';
import { redactForIndex, redactorFor } from '../privacy/redaction-settings.ts';

/** MIME types for originals the browser gave no type for (by parsed format). */
const ORIGINAL_TYPES: Partial<Record<DocumentFormat, string>> = {
  pdf: 'application/pdf',
  markdown: 'text/markdown',
  html: 'text/html',
  text: 'text/plain',
};

/** Chunks embedded and written per transaction: large enough to batch well, small enough to cancel quickly. */
const BATCH_SIZE = 32;

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

export class IngestPipeline {
  private readonly jobs = new Map<string, AbortController>();
  private readonly jobDoc = new Map<string, number>();
  /** Documents being resumed or retried (queued or running), so none is queued twice. */
  private readonly resuming = new Set<number>();

  constructor(private readonly ctx: IngestContext) {}

  /** Queues files; resolves with each file's final progress, in order. */
  async ingest(files: FileInput[], onProgress: Report): Promise<IngestProgress[]> {
    this.ctx.store(); // LOCKED while locked
    const report = this.reporter(onProgress);
    return Promise.all(
      files.map((file) => {
        const controller = new AbortController();
        this.jobs.set(file.jobId, controller);
        report({ jobId: file.jobId, fileName: file.name, stage: 'queued', fraction: 0 });
        return this.ctx.queue
          .enqueue(() => this.ingestFile(file, controller.signal, report))
          .catch((error: unknown) => {
            // The task never ran (library stale, lock refused): the file fails with the reason.
            this.jobs.delete(file.jobId);
            const final: IngestProgress = {
              jobId: file.jobId,
              fileName: file.name,
              stage: 'failed',
              fraction: 1,
              error: toErrorInfo(error),
            };
            report(final);
            return final;
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
        for (let from = 0; from < missing.length; from += BATCH_SIZE) {
          if (model.embedder !== embedder || catalogue.vectors !== vectors || !catalogue.docs.has(docId)) return;
          const chunks = await store.getChunks(missing.slice(from, from + BATCH_SIZE));
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

  private reporter(onProgress?: Report): Report {
    return (progress) => {
      this.ctx.announce(progress);
      if (!onProgress) return;
      try {
        onProgress(progress);
      } catch {
        /* the page went away; the work goes on */
      }
    };
  }

  private async ingestFile(file: FileInput, signal: AbortSignal, report: Report): Promise<IngestProgress> {
    const { catalogue, model } = this.ctx;
    const store = this.ctx.store();
    const base = { jobId: file.jobId, fileName: file.name };
    let docId: number | undefined;
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
      const collection = file.collection ?? DEFAULT_COLLECTION;
      if (!(await readCollections(this.ctx.store())).some((c) => c.id === collection)) {
        throw new TroveError('NOT_FOUND', `There is no collection “${collection}” to add “${file.name}” to.`);
      }
      // The same bytes are never embedded twice; another version of the same file waits for the user's choice.
      // 'replace' replaces either (the same bytes come again when a table is indexed with other text fields).
      const sha256 = await sha256Hex(file.data);
      const duplicate = this.findDuplicate(collection, file, sha256);
      if (duplicate && file.onDuplicate !== 'keep-both' && file.onDuplicate !== 'replace') {
        const skipped: IngestProgress = {
          ...base,
          stage: 'skipped',
          fraction: 1,
          duplicateOf: duplicate,
          note:
            duplicate.reason === 'same-content'
              ? `Skipped: same as “${duplicate.name}”, already in the library.`
              : `Another version of “${duplicate.name}” is in the library: replace it, or keep both.`,
        };
        report(skipped);
        return skipped;
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
      const parsed = redacted?.parsed ?? original;
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
        tags: [],
        sha256,
        mimeType: file.type || undefined,
        modifiedAt: file.lastModified,
        folder: redacted ? redacted.folder : file.folder,
        language,
        replaces: duplicate && file.onDuplicate === 'replace' ? duplicate.id : undefined,
        redactions: redacted?.summary,
      };
      docId = await store.createDocument(newDoc, { text: parsed.text, blocks: parsed.blocks });
      const id = docId;
      // Kept for the page view and "open original"; never for a redacted file
      // (its bytes hold what redaction removed). Deleted with the document (same transaction).
      // No room for the copy (a large PDF, little text) is no reason to fail the document: it is indexed without.
      let originalNote: string | undefined;
      if (this.ctx.settings().keepOriginals && !redacted) {
        await store
          .putOriginal({
            docId: id,
            name: file.name,
            type: file.type || ORIGINAL_TYPES[parsed.format] || '',
            bytes: file.data,
          })
          .catch((error: unknown) => {
            if (!(error instanceof TroveError && error.code === 'STORAGE_FULL')) throw error;
            originalNote = 'The original file was not kept: browser storage is full.';
          });
      }
      this.jobDoc.set(file.jobId, id);
      catalogue.docs.set(id, { ...newDoc, id, status: 'ingesting', chunkCount: 0 });
      const outcome = await this.indexDocument(id, { ...parsed, language }, signal, (done, total, embedding) =>
        report({
          ...base,
          documentId: id,
          stage: embedding ? 'embedding' : 'indexing',
          fraction: 0.1 + 0.9 * (done / Math.max(1, total)),
          chunksDone: done,
          chunksTotal: total,
        }),
      );
      const done: IngestProgress = {
        ...base,
        documentId: id,
        stage: 'done',
        fraction: 1,
        chunksDone: outcome.chunks,
        chunksTotal: outcome.chunks,
        note: [outcome.note, originalNote].filter(Boolean).join(' ') || undefined,
      };
      report(done);
      return done;
    } catch (error) {
      const final: IngestProgress = {
        ...base,
        documentId: docId,
        stage: isAbort(error) ? 'cancelled' : 'failed',
        fraction: 1,
      };
      if (docId !== undefined) {
        // Cancel means "don't add this file": remove what was stored. Any other error keeps the document.
        if (isAbort(error)) await this.forgetQuietly(docId);
        else await this.markFailed(docId, error);
      }
      if (!isAbort(error)) final.error = toErrorInfo(error);
      report(final);
      return final;
    } finally {
      this.jobs.delete(file.jobId);
      this.jobDoc.delete(file.jobId);
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
  ): Promise<{ chunks: number; note?: string }> {
    const { catalogue, model } = this.ctx;
    const store = this.ctx.store();
    // The embedder is fixed for the whole document: model swaps wait for the queue, so it stays valid.
    let embedder: Embedder | null = model.embedder;
    let note: string | undefined;
    const budget = this.chunkBudget(embedder);
    const counter = embedder;
    const drafts = await this.ctx.chunk(
      parsed as ParsedDocument,
      {
        maxTokens: budget,
        overlapTokens: Math.min(this.ctx.settings().chunkOverlapTokens, Math.floor(budget / 2)),
        countTokens: counter ? (text) => counter.countTokens(text) : estimateTokens,
      },
      signal,
    );
    const from = await this.restoreStoredPrefix(docId, drafts);
    onBatch(from, drafts.length, !!embedder);
    for (let start = from; start < drafts.length; start += BATCH_SIZE) {
      throwIfAborted(signal);
      const batch: NewChunk[] = drafts
        .slice(start, start + BATCH_SIZE)
        .map((draft) => ({ ...draft, terms: termsOf(draft.text, parsed) }));
      let vectors: Float32Array | undefined;
      if (embedder) {
        try {
          vectors = await embedder.embedPassages(
            batch.map((c) => c.text),
            { signal },
          );
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
      onBatch(Math.min(start + BATCH_SIZE, drafts.length), drafts.length, !!embedder);
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
    if (!note && !model.embedder) note = 'Keyword search only for now: vectors will be added when the model loads.';
    return { chunks: drafts.length, note };
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

  /** A document of the collection with the same bytes, or else with the same name and folder. */
  private findDuplicate(collection: string, file: FileInput, sha256: string): IngestProgress['duplicateOf'] {
    let sameName: DocumentRecord | undefined;
    for (const doc of this.ctx.catalogue.docs.values()) {
      if (collectionOf(doc) !== collection || doc.replaces !== undefined) continue;
      if (doc.sha256 === sha256) return { id: doc.id, name: doc.name, reason: 'same-content' };
      if (doc.name === file.name && (doc.folder ?? '') === (file.folder ?? '')) sameName = doc;
    }
    return sameName && { id: sameName.id, name: sameName.name, reason: 'same-name' };
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

async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
