// The library health report: the seed's red flags, each either found (with what to do, and a one-click fix where
// the engine has one) or explained as impossible by construction.
import { TroveError } from '../core/errors.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { Serving } from '../library/active-model.ts';
import type { LibraryCatalogue } from '../library/catalogue.ts';
import type { WorkQueue } from '../library/work-queue.ts';
import type { ChunkRecord, DocumentRecord, Store } from '../store/store.ts';
import type { VectorSet } from '../library/vector-set.ts';
import type { HealthCheck, HealthReport } from '../api/index.ts';

export interface HealthInput {
  store: Store;
  docs: ReadonlyMap<number, DocumentRecord>;
  chunksOf: (docId: number) => readonly number[];
  serving: { embedder: Embedder; set: VectorSet } | null;
  /** Fingerprint of the model the last evaluation ran with, if any (see EVALUATION_KEY). */
  lastEvaluatedFingerprint: string | undefined;
}

/** Vectors whose L2 norm is further than this from 1 count as unnormalised (float32 rounding is ~1e-7). */
const NORM_TOLERANCE = 1e-3;
/** Documents whose vectors are read to check norms. */
const NORM_SAMPLE_DOCS = 20;
const MAX_LISTED = 50;
/** Where the engine records the fingerprint of the model of the last evaluation run. */
const EVALUATION_KEY = 'last-evaluation';

export interface LibraryHealthParts {
  /** The content store (throws while locked). */
  store: () => Store;
  catalogue: LibraryCatalogue;
  queue: WorkQueue;
  serving: () => Serving | null;
  deleteDocument: (id: number) => Promise<void>;
}

/** The health report of the open library, its one-click fix, and the record of the last evaluation it checks. */
export class LibraryHealth {
  constructor(private readonly parts: LibraryHealthParts) {}

  async report(): Promise<HealthReport> {
    const { catalogue } = this.parts;
    const store = this.parts.store();
    return healthReport({
      store,
      docs: catalogue.docs,
      chunksOf: (id) => catalogue.chunksOf(id),
      serving: this.parts.serving(),
      lastEvaluatedFingerprint: await store.getSetting<string>(EVALUATION_KEY),
    });
  }

  /** Applies a report's one-click fix; returns the documents it deleted. */
  async fix(fix: 'delete-duplicate-documents'): Promise<number[]> {
    const { catalogue } = this.parts;
    if (fix !== 'delete-duplicate-documents') throw new TroveError('INVALID_ARGUMENT', `Unknown fix "${String(fix)}".`);
    const ids = await wholeDuplicateDocuments({
      store: this.parts.store(),
      docs: catalogue.docs,
      chunksOf: (id) => catalogue.chunksOf(id),
    });
    for (const id of ids) await this.parts.deleteDocument(id);
    return ids;
  }

  /** Records which model's vectors the last evaluation ran with (the report says when they changed since). */
  recordEvaluation(fingerprint: string): Promise<void> {
    return this.parts.queue.enqueue(() => this.parts.store().putSetting(EVALUATION_KEY, fingerprint));
  }
}

/** Cost: one read of every chunk (linear in the library), plus the vectors of a sample of documents. */
export async function healthReport(input: HealthInput): Promise<HealthReport> {
  const { store, docs, serving } = input;
  const checks: HealthCheck[] = [];
  checks.push({
    id: 'mixed-fingerprints',
    status: 'impossible',
    title: 'Vectors of different models mixed',
    detail:
      'Impossible by construction: every stored vector batch carries the fingerprint of the model that made it, the ' +
      'index of one fingerprint is built only from batches with that fingerprint, and a search embeds the query with ' +
      'the model whose fingerprint the searched index has (after a model switch the old vectors answer until the ' +
      'new ones are complete, never a mix).',
  });

  // Norms of a sample of stored vectors of the serving model.
  if (!serving) {
    checks.push({
      id: 'unnormalised-vectors',
      status: 'unknown',
      title: 'Unnormalised vectors',
      detail: 'No model vectors are loaded yet.',
    });
  } else {
    let sampled = 0;
    let off = 0;
    const offDocs = new Set<number>();
    const ids = [...docs.keys()];
    const step = Math.max(1, Math.floor(ids.length / NORM_SAMPLE_DOCS));
    for (let i = 0; i < ids.length && sampled < 10_000; i += step) {
      for (const batch of await store.vectorBatchesOf(ids[i], serving.set.fingerprint)) {
        for (let row = 0; row < batch.chunkIds.length; row++) {
          let sum = 0;
          for (let d = row * batch.dims; d < (row + 1) * batch.dims; d++) sum += batch.vectors[d] * batch.vectors[d];
          sampled++;
          if (Math.abs(Math.sqrt(sum) - 1) > NORM_TOLERANCE) {
            off++;
            offDocs.add(ids[i]);
          }
        }
      }
    }
    checks.push({
      id: 'unnormalised-vectors',
      status: off ? 'warning' : 'ok',
      title: 'Unnormalised vectors',
      count: off,
      documentIds: [...offDocs].slice(0, MAX_LISTED),
      detail: off
        ? `${off} of ${sampled} sampled vectors do not have length 1: cosine scores of those passages are off. Re-embed them (switch the model and back, or delete and add the documents).`
        : `${sampled} sampled vectors all have length 1 (the embedder normalises every vector before it is stored).`,
    });
  }

  // One pass over every passage: source metadata, token budget, duplicate text.
  const budget = serving?.embedder.maxPassageTokens;
  let passages = 0;
  let orphans = 0;
  let over = 0;
  const overDocs = new Set<number>();
  const firstByText = new Map<string, number>();
  let duplicates = 0;
  const duplicateDocs = new Map<number, number>(); // doc → its passages that repeat an earlier one
  for (const [docId, doc] of docs) {
    const ids = input.chunksOf(docId);
    if (ids.length === 0) continue;
    const chunks: ChunkRecord[] = await store.getChunks(ids);
    for (const chunk of chunks) {
      passages++;
      if (!doc.name || chunk.docId !== docId) orphans++;
      if (budget !== undefined && chunk.tokenCount > budget) {
        over++;
        overDocs.add(docId);
      }
      const key = chunk.text.replace(/\s+/g, ' ').trim().toLowerCase();
      const first = firstByText.get(key);
      if (first === undefined) firstByText.set(key, docId);
      else {
        duplicates++;
        duplicateDocs.set(docId, (duplicateDocs.get(docId) ?? 0) + 1);
      }
    }
  }
  checks.push({
    id: 'missing-source',
    status: orphans ? 'warning' : 'impossible',
    title: 'Passages without source metadata',
    count: orphans,
    detail: orphans
      ? `${orphans} passages have no document name.`
      : 'Impossible by construction: a passage is stored with its document id, offsets, page and heading path in the ' +
        'same transaction as its document, and deleting a document deletes its passages in one transaction.',
  });
  checks.push({
    id: 'over-token-budget',
    status: budget === undefined ? 'unknown' : over ? 'warning' : 'ok',
    title: "Passages over the model's token budget",
    count: over,
    documentIds: [...overDocs].slice(0, MAX_LISTED),
    detail:
      budget === undefined
        ? 'The model is not loaded: its token budget is unknown.'
        : over
          ? `${over} passages have more than ${budget} tokens and were truncated when embedded (their end is found only by keyword); ` +
            'ingest cuts passages to the model in use, so these came from a model with a longer budget. ' +
            `Lower the passage size in Settings to at most ${budget} tokens and add those documents again.`
          : `Every passage fits the model's ${budget} tokens.`,
  });
  // A document whose every passage repeats an earlier one can go; the engine deletes those.
  const whole = [...duplicateDocs].filter(([docId, n]) => n === input.chunksOf(docId).length).map(([docId]) => docId);
  checks.push({
    id: 'duplicate-passages',
    status: duplicates ? 'warning' : 'ok',
    title: 'Duplicate passages',
    count: duplicates,
    documentIds: [...duplicateDocs.keys()].slice(0, MAX_LISTED),
    detail: duplicates
      ? `${duplicates} passages repeat the text of another passage (they crowd the results).` +
        (whole.length ? ` ${whole.length} documents consist only of repeated passages.` : '')
      : 'No two passages have the same text.',
    fix: whole.length
      ? {
          id: 'delete-duplicate-documents',
          label: `Delete ${whole.length} duplicate document${whole.length === 1 ? '' : 's'}`,
        }
      : undefined,
  });
  const current = serving?.set.fingerprint;
  checks.push({
    id: 'no-evaluation',
    status: !current ? 'unknown' : input.lastEvaluatedFingerprint === current ? 'ok' : 'warning',
    title: 'No evaluation since the last model change',
    detail: !current
      ? 'No model vectors are loaded yet.'
      : input.lastEvaluatedFingerprint === current
        ? 'The last evaluation ran with the current model.'
        : input.lastEvaluatedFingerprint
          ? 'The model changed since the last evaluation: run one to see whether retrieval got better or worse.'
          : 'Retrieval has never been evaluated on this library: load a test set (eval.jsonl or BEIR) to measure it.',
  });
  return { checkedAt: Date.now(), passages, checks };
}

/** The documents the duplicate fix deletes: those whose every passage repeats an earlier passage. */
export async function wholeDuplicateDocuments(
  input: Pick<HealthInput, 'store' | 'docs' | 'chunksOf'>,
): Promise<number[]> {
  const seen = new Set<string>();
  const out: number[] = [];
  for (const docId of input.docs.keys()) {
    const ids = input.chunksOf(docId);
    if (ids.length === 0) continue;
    const keys = (await input.store.getChunks(ids)).map((c) => c.text.replace(/\s+/g, ' ').trim().toLowerCase());
    if (keys.every((k) => seen.has(k))) out.push(docId);
    for (const k of keys) seen.add(k);
  }
  return out;
}
