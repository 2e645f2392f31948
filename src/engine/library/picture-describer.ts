// Describing pictures with an image model: a picture document's own picture (n = 0) and the pictures inside a PDF,
// DOCX or EPUB (n ≥ 1, with their page), each decoded, embedded by the image tower and stored with a thumbnail in
// the model's space; and which documents a space still lacks. A picture that cannot be described keeps its
// document's text and is named through `fail`; it never fails the document.
import type { ImageEmbedder } from '../embed/image-model-holder.ts';
import { decodePicture } from '../ingest/pictures/decode-picture.ts';
import { holdsInnerPictures, scanInnerPictures, type InnerPictureFormat } from '../ingest/pictures/inner-pictures.ts';
import { makeThumbnail } from '../ingest/pictures/thumbnail.ts';
import { TroveError, isAbort, toErrorInfo } from '../core/errors.ts';
import type { DocumentRecord, PictureRecord, Store } from '../store/store.ts';
import { addNoInnerPictures, readNoInnerPictures } from './inner-picture-scans.ts';
import { pictureKey, splitRows, type PictureVectors } from './picture-vectors.ts';
import type { WorkQueue } from './work-queue.ts';

/** A PDF, DOCX or EPUB document to look through for pictures (its bytes when at hand). */
export interface InnerHolder {
  docId: number;
  name: string;
  format: InnerPictureFormat;
  bytes?: Uint8Array;
}

export interface PictureDescriberContext {
  store: () => Store;
  docs: () => ReadonlyMap<number, DocumentRecord>;
  queue: WorkQueue;
  vectors: PictureVectors;
  /** Names the last picture that could not be described (the image model's status shows it). */
  fail: (message: string) => void;
  /** A picture was stored (the status counts move). */
  described: () => void;
}

export class PictureDescriber {
  constructor(private readonly ctx: PictureDescriberContext) {}

  /** The ready picture documents. */
  pictureDocuments(): DocumentRecord[] {
    return [...this.ctx.docs().values()].filter((d) => d.format === 'image' && d.status === 'ready');
  }

  /** The ready picture documents not described in a space yet. */
  missing(vectors: ReadonlyMap<string, PictureRecord>): DocumentRecord[] {
    return this.pictureDocuments().filter((d) => !vectors.has(pictureKey(d.id, 0)));
  }

  /**
   * A picture document's own picture, decoded and thumbnailed once and described by each model given (during a
   * switch: the new one and the one still answering).
   */
  async describeFile(
    embedders: readonly ImageEmbedder[],
    docId: number,
    bytes: Uint8Array,
    name: string,
  ): Promise<void> {
    try {
      const decoded = await decodePicture(bytes, name);
      const thumbnail = await makeThumbnail(decoded);
      for (const embedder of embedders) {
        const [vector] = splitRows(await embedder.embedImages([decoded]), embedder.dims);
        await this.store({
          docId,
          n: 0,
          fingerprint: embedder.fingerprint,
          dims: embedder.dims,
          vector,
          thumbnail: { ...thumbnail, bytes: exactBuffer(thumbnail.bytes) },
          width: decoded.width,
          height: decoded.height,
        });
      }
    } catch (error) {
      if (isAbort(error)) throw error;
      // A picture that cannot be decoded or embedded keeps its OCR text; the status names the last such failure.
      this.ctx.fail(`“${name}”: ${toErrorInfo(error).message}`);
    }
  }

  /**
   * The ready PDF, DOCX and EPUB documents whose pictures this image model has not embedded: neither a picture row
   * of theirs (n ≥ 1) in its space, nor on the list of documents found to hold none; and whose original is kept
   * (without it there is nothing to look through).
   */
  async unscanned(vectors: ReadonlyMap<string, PictureRecord>): Promise<InnerHolder[]> {
    const store = this.ctx.store();
    const none = await readNoInnerPictures(store);
    const embedded = new Set<number>();
    for (const picture of vectors.values()) if (picture.n > 0) embedded.add(picture.docId);
    const candidates = [...this.ctx.docs().values()].filter(
      (d) => d.status === 'ready' && holdsInnerPictures(d.format) && !embedded.has(d.id) && !none.has(d.id),
    );
    if (candidates.length === 0) return [];
    const kept = new Set(await store.originalIds());
    return candidates.flatMap((d) =>
      kept.has(d.id) && holdsInnerPictures(d.format) ? [{ docId: d.id, name: d.name, format: d.format }] : [],
    );
  }

  /**
   * Looks through each document for pictures inside it and embeds them (n ≥ 1, with page); the documents found to
   * hold none are listed once for the batch. Bytes come with the document, or from `read` (one at a time).
   */
  async describeInside(
    embedders: readonly ImageEmbedder[],
    docs: readonly InnerHolder[],
    read?: (docId: number) => Promise<Uint8Array | undefined>,
  ): Promise<void> {
    const none: number[] = [];
    try {
      for (const doc of docs) {
        const bytes = doc.bytes ?? (await read?.(doc.docId));
        if (!bytes) continue;
        const stored = await this.describeInner(embedders, doc.docId, bytes, doc.name, doc.format);
        if (stored === 0) none.push(doc.docId);
      }
    } finally {
      if (none.length > 0) {
        const docs = this.ctx.docs();
        await this.ctx.queue
          .enqueue(() => addNoInnerPictures(this.ctx.store(), none, (id) => docs.has(id)))
          .catch(() => undefined); // not listed: looked through again next time, nothing lost
      }
    }
  }

  /**
   * A document's inner pictures, looked for once and described by each model given; how many were found
   * (undefined: it could not be read now).
   */
  private async describeInner(
    embedders: readonly ImageEmbedder[],
    docId: number,
    bytes: Uint8Array,
    name: string,
    format: InnerPictureFormat,
  ): Promise<number | undefined> {
    let pictures;
    try {
      ({ pictures } = await scanInnerPictures(bytes, name, format));
    } catch (error) {
      if (isAbort(error)) throw error;
      this.ctx.fail(`“${name}”: ${toErrorInfo(error).message}`);
      // A document that cannot be opened for pictures (its text was read) will not do better with the same bytes:
      // it is listed as holding none. Anything else (out of memory, a module that failed to load) is tried again.
      return error instanceof TroveError && ['PARSE_FAILED', 'FILE_TOO_LARGE'].includes(error.code) ? 0 : undefined;
    }
    if (pictures.length === 0) return 0;
    try {
      const thumbnails = [];
      for (const inner of pictures) thumbnails.push(await makeThumbnail(inner.picture));
      for (const embedder of embedders) {
        const vectors = splitRows(await embedder.embedImages(pictures.map((p) => p.picture)), embedder.dims);
        for (const [i, inner] of pictures.entries()) {
          await this.store({
            docId,
            n: inner.n,
            fingerprint: embedder.fingerprint,
            dims: embedder.dims,
            vector: vectors[i]!,
            thumbnail: { ...thumbnails[i]!, bytes: exactBuffer(thumbnails[i]!.bytes) },
            width: inner.width,
            height: inner.height,
            ...(inner.page !== undefined && { page: inner.page }),
          });
        }
      }
      return pictures.length;
    } catch (error) {
      if (isAbort(error)) throw error;
      // Deleted meanwhile, or the model failed: the status names it; the document keeps its text.
      this.ctx.fail(`“${name}”: ${toErrorInfo(error).message}`);
      return undefined;
    }
  }

  private async store(record: PictureRecord): Promise<void> {
    await this.ctx.queue.enqueue(() => this.ctx.store().putPicture(record));
    await this.ctx.vectors.stored(record);
    this.ctx.described();
  }
}

function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
