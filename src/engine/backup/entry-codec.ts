// One BackupEntry <-> one section payload, and the rules a sequence of entries must follow (shared by the writer,
// which refuses to write a file the reader would refuse, and the reader).
import type { TroveError } from '../core/errors.ts';
import type { VectorBatch } from '../store/store.ts';
import type { BackupChunk, BackupCounts, BackupEntry, BackupManifest } from './backup-types.ts';
import {
  headedBinary,
  jsonBytes,
  littleEndianBytes,
  parseJson,
  readFloat32,
  readUint32,
  splitHeadedBinary,
  type SectionKind,
} from './container.ts';
import { checkChunk, checkDocument, checkText } from '../store/record-schema.ts';
import { pictureJson, picturesFromJson } from './picture-entry.ts';
import { threadFromJson, threadJson } from './thread-entry.ts';

type Fail = (reason: string) => TroveError;

export function encodeEntry(entry: BackupEntry): [SectionKind, Uint8Array] {
  switch (entry.kind) {
    case 'document':
      return [
        'DOCU',
        jsonBytes({
          document: entry.document,
          text: entry.text,
          ...(entry.pictures?.length && { pictures: entry.pictures.map(pictureJson) }),
        }),
      ];
    case 'chunks':
      return ['CHNK', jsonBytes({ docId: entry.docId, chunks: entry.chunks })];
    case 'vectors': {
      const { docId, fingerprint, dims, chunkIds, vectors } = entry.batch;
      const head = { docId, fingerprint, dims, count: chunkIds.length };
      return ['VECT', headedBinary(head, [littleEndianBytes(chunkIds), littleEndianBytes(vectors)])];
    }
    case 'indexPage':
      return ['IDXP', headedBinary({ set: entry.page.set, name: entry.page.name }, [entry.page.bytes])];
    case 'thread':
      return ['THRD', threadJson(entry.thread)];
    case 'refusedThread':
      throw new Error('A refused saved thread is never written.');
  }
}

export function decodeEntry(kind: SectionKind, payload: Uint8Array, fail: Fail): BackupEntry {
  switch (kind) {
    case 'DOCU': {
      const value = parseJson(payload, 'document', fail);
      if (!isRecord(value)) throw fail('a document section is not an object');
      const document = checkDocument(value.document, fail);
      const text = value.text === null ? null : checkText(value.text, document.id, fail);
      const pictures = picturesFromJson(value, document.id, fail);
      return pictures.length > 0
        ? { kind: 'document', document, text, pictures }
        : { kind: 'document', document, text };
    }
    case 'CHNK': {
      const value = parseJson(payload, 'chunk list', fail) as { docId?: unknown; chunks?: unknown };
      if (!isRecord(value) || !isId(value.docId) || !Array.isArray(value.chunks))
        throw fail('a chunk list is malformed');
      const docId = value.docId;
      const chunks: BackupChunk[] = value.chunks.map((chunk: unknown) => checkChunk(chunk, docId, fail));
      return { kind: 'chunks', docId, chunks };
    }
    case 'VECT': {
      const { head, body } = splitHeadedBinary(payload, fail);
      const h = head as { docId?: unknown; fingerprint?: unknown; dims?: unknown; count?: unknown };
      if (
        !isRecord(h) ||
        !isId(h.docId) ||
        typeof h.fingerprint !== 'string' ||
        !isId(h.dims) ||
        h.dims === 0 ||
        !isId(h.count)
      ) {
        throw fail('a vector batch header is malformed');
      }
      const idBytes = h.count * 4;
      if (body.byteLength !== idBytes + h.count * h.dims * 4) {
        throw fail(
          `a vector batch of document ${h.docId} holds ${body.byteLength} bytes, not ${h.count} × ${h.dims} dims`,
        );
      }
      const batch: VectorBatch = {
        docId: h.docId,
        fingerprint: h.fingerprint,
        dims: h.dims,
        chunkIds: readUint32(body.subarray(0, idBytes)),
        vectors: readFloat32(body.subarray(idBytes)),
      };
      return { kind: 'vectors', batch };
    }
    case 'IDXP': {
      const { head, body } = splitHeadedBinary(payload, fail);
      const h = head as { set?: unknown; name?: unknown };
      if (!isRecord(h) || typeof h.set !== 'string' || typeof h.name !== 'string')
        throw fail('an index page header is malformed');
      return { kind: 'indexPage', page: { set: h.set, name: h.name, bytes: body.slice() } };
    }
    case 'THRD':
      return threadFromJson(payload);
    default:
      throw fail(`a ${kind} section appears where an entry was expected`);
  }
}

/** Checks order and consistency of entries: ids unique, chunks and vectors under the current document, dims. */
export class EntryRules {
  readonly counts: Required<BackupCounts> = { documents: 0, chunks: 0, vectors: 0, indexPages: 0, threads: 0 };
  private readonly documentIds = new Set<number>();
  private currentDoc: number | undefined;
  /** Chunks of the current document without a vector yet. */
  private currentChunks = new Set<number>();
  private readonly chunkIds = new Set<number>();
  private pagesStarted = false;
  private threadsStarted = false;

  constructor(
    private readonly manifest: Pick<BackupManifest, 'model'>,
    private readonly fail: Fail,
  ) {}

  check(entry: BackupEntry): void {
    const fail = this.fail;
    if (entry.kind !== 'indexPage' && this.pagesStarted) throw fail('a document entry follows the index pages');
    const isThread = entry.kind === 'thread' || entry.kind === 'refusedThread';
    if (!isThread && entry.kind !== 'indexPage' && this.threadsStarted)
      throw fail('a document entry follows the saved threads');
    switch (entry.kind) {
      case 'document': {
        const id = entry.document.id;
        if (this.documentIds.has(id)) throw fail(`document ${id} appears twice`);
        this.documentIds.add(id);
        this.currentDoc = id;
        this.currentChunks = new Set();
        this.counts.documents++;
        return;
      }
      case 'chunks':
        if (entry.docId !== this.currentDoc)
          throw fail(`chunks of document ${entry.docId} are not under that document`);
        for (const chunk of entry.chunks) {
          if (this.chunkIds.has(chunk.id)) throw fail(`chunk ${chunk.id} appears twice`);
          this.chunkIds.add(chunk.id);
          this.currentChunks.add(chunk.id);
        }
        this.counts.chunks += entry.chunks.length;
        return;
      case 'vectors': {
        const { docId, fingerprint, dims, chunkIds, vectors } = entry.batch;
        const model = this.manifest.model;
        if (!model) throw fail('it holds vectors but its manifest names no model');
        if (fingerprint !== model.fingerprint)
          throw fail(`a vector batch was made by "${fingerprint}", not "${model.fingerprint}"`);
        if (dims !== model.dims) throw fail(`a vector batch has ${dims} dims; the manifest says ${model.dims}`);
        if (vectors.length !== chunkIds.length * dims)
          throw fail(`a vector batch has ${vectors.length} floats for ${chunkIds.length} × ${dims}`);
        if (docId !== this.currentDoc) throw fail(`vectors of document ${docId} are not under that document`);
        const problem = vectorProblem(vectors, dims, model.normalized !== false);
        if (problem !== undefined)
          throw fail(`the vector of chunk ${chunkIds[problem.row]} of document ${docId} ${problem.reason}`);
        for (const id of chunkIds) {
          if (!this.currentChunks.delete(id))
            throw fail(`a vector is for chunk ${id}, which is not a chunk of document ${docId} or already has one`);
        }
        this.counts.vectors += chunkIds.length;
        return;
      }
      case 'indexPage':
        this.pagesStarted = true;
        this.counts.indexPages++;
        return;
      case 'thread':
      case 'refusedThread':
        this.threadsStarted = true;
        this.counts.threads++;
        return;
    }
  }

  /** Differences between the entries seen and the counts declared, in words (empty when they agree). */
  mismatch(declared: BackupCounts): string | undefined {
    for (const key of ['documents', 'chunks', 'vectors', 'indexPages'] as const) {
      if (declared[key] !== this.counts[key])
        return `it declares ${declared[key]} ${key} but holds ${this.counts[key]}`;
    }
    // Files written before saved threads travelled declare none.
    const threads = declared.threads ?? 0;
    if (threads !== this.counts.threads) return `it declares ${threads} saved threads but holds ${this.counts.threads}`;
    return undefined;
  }
}

/** Allowed distance of a normalised vector's L2 norm from 1 (float32 rounding stays far below it). */
export const NORM_TOLERANCE = 1e-3;

/**
 * The first row of `vectors` that search cannot use: a NaN or infinite component, or (for a model whose vectors
 * are L2-normalised) a norm away from 1, which would let one vector outrank every honest one. An all-zero row is
 * allowed: a static model gives it to a passage with no word it knows (a nav bar of "Prev Up Next"), and it scores 0
 * against every query, outranking nothing.
 */
export function vectorProblem(
  vectors: Float32Array,
  dims: number,
  normalized: boolean,
): { row: number; reason: string } | undefined {
  for (let row = 0; row * dims < vectors.length; row++) {
    let squares = 0;
    for (let i = row * dims; i < (row + 1) * dims; i++) {
      const x = vectors[i];
      if (!Number.isFinite(x)) return { row, reason: `holds ${x} (every component must be a finite number)` };
      squares += x * x;
    }
    const norm = Math.sqrt(squares);
    if (normalized && norm !== 0 && Math.abs(norm - 1) > NORM_TOLERANCE)
      return { row, reason: `has length ${norm.toPrecision(6)}, not 1 (the model's vectors are normalised)` };
  }
  return undefined;
}

export function isCounts(value: unknown): value is BackupCounts {
  return (
    isRecord(value) &&
    ['documents', 'chunks', 'vectors', 'indexPages'].every((key) => isId(value[key])) &&
    (value.threads === undefined || isId(value.threads))
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}
