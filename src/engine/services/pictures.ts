// Pictures found by what they show. When the user turns image search on, the image–text model (CLIP family) is
// loaded; each picture document added, and each picture inside an added PDF, DOCX or EPUB (and those added before,
// from their kept originals), is decoded, embedded by the image tower and stored with a thumbnail in its model's
// own vector space (store `pictures`, keyed by document, n and fingerprint). A text query is embedded by the text
// tower and its pictures are fused with the pictures whose OCR text the passages matched; a picture can be the query
// too. OCR runs as before, whatever this does. Choosing another image model is blue/green: the old model and its
// space keep answering while the new model describes every picture; then the new space serves and the old one goes.
//
//   embed/image-model-holder.ts          loading, cancelling, retiring and releasing the models
//   library/picture-describer.ts         describing pictures (documents' own and inside them) in a model's space
//   library/picture-vectors.ts           the stored picture vectors of a space, and the nearest to a query
//   library/served-picture-space.ts      which space answers, remembered across restarts
//   library/inner-picture-scans.ts       the documents looked through and found to hold no pictures
//   ingest/pictures/                     decoding, thumbnails, pictures inside documents, kept originals' metadata
import type {
  EngineSettings,
  ImageModelStatus,
  ImageQueryResponse,
  PictureHit,
  PictureView,
  SearchFilter,
  SearchOptions,
  SearchResponse,
} from '../api/index.ts';
import type { FileInput, IngestProgress } from '../api/ingest.ts';
import type { EmbedDevice } from '../api/model-spec.ts';
import { TroveError, isAbort, toErrorInfo } from '../core/errors.ts';
import { ImageModelHolder, type ImageEmbedder, type ImageModelLoader } from '../embed/image-model-holder.ts';
import type { FileParsing } from '../ingest/file-parsing.ts';
import { decodePicture, sniffPicture } from '../ingest/pictures/decode-picture.ts';
import { holdsInnerPictures } from '../ingest/pictures/inner-pictures.ts';
import { PictureDescriber, type InnerHolder } from '../library/picture-describer.ts';
import { PICTURE_K, PictureVectors, pictureKey, splitRows, type PictureRef } from '../library/picture-vectors.ts';
import { readServedSpace, serveSpace } from '../library/served-picture-space.ts';
import type { WorkQueue } from '../library/work-queue.ts';
import { getImageModelSpec } from '../models/image-model-registry.ts';
import { isActive } from '../retrieve/filters.ts';
import { MAX_PICTURE_N, checkPicture } from '../store/picture-record.ts';
import type { DocumentRecord, Store } from '../store/store.ts';

export interface PicturesContext {
  store: () => Store;
  settings: () => EngineSettings;
  docs: () => ReadonlyMap<number, DocumentRecord>;
  queue: WorkQueue;
  /** The engine's parse step: OCR of a query picture. */
  parse: FileParsing['parse'];
  /** The engine's text search (the passages a query picture's OCR text finds). */
  search: (query: string, options: SearchOptions) => Promise<SearchResponse>;
  /** Deletes a model's downloaded files from the browser's model cache; bytes freed. */
  removeCached: (target: { repo: string; revision: string; localOnly: boolean }) => Promise<number>;
}

const RRF_K = 60;
/** How often the image model's status is pushed while pictures are being described. */
const STATUS_INTERVAL_MS = 500;
/** Documents looked through for inner pictures between two writes of the "none inside" list. */
const BACKFILL_BATCH = 25;

export class PictureService {
  private readonly model: ImageModelHolder;
  private readonly vectors: PictureVectors;
  private readonly describer: PictureDescriber;
  private readonly listeners = new Set<(status: ImageModelStatus) => void>();
  private backfilling?: Promise<void>;
  /** A backfill was asked for while one ran (for another model, perhaps): run again when it ends. */
  private backfillAgain = false;
  private announcing?: ReturnType<typeof setTimeout>;
  /** The fingerprint whose space was last found complete (every picture described): it answers queries. */
  private complete?: string;

  constructor(
    loader: ImageModelLoader | undefined,
    private readonly ctx: PicturesContext,
  ) {
    this.model = new ImageModelHolder(loader, ctx.settings, () => this.announce());
    this.vectors = new PictureVectors(ctx.store, ctx.docs);
    this.describer = new PictureDescriber({
      store: ctx.store,
      docs: ctx.docs,
      queue: ctx.queue,
      vectors: this.vectors,
      fail: (message) => this.model.fail(message),
      described: () => this.announceSoon(),
    });
  }

  async status(): Promise<ImageModelStatus> {
    const settings = this.ctx.settings();
    const spec = getImageModelSpec(settings.imageModelId);
    const embedder = this.model.embedder;
    const device: EmbedDevice = embedder?.device ?? 'wasm';
    const dtype = spec.dtype[device];
    let pictures = 0;
    let waiting = 0;
    if (embedder) {
      const vectors = await this.vectors.of(embedder.fingerprint).catch(() => undefined);
      pictures = vectors ? [...vectors.values()].filter((p) => this.ctx.docs().has(p.docId)).length : 0;
      waiting = vectors ? this.describer.missing(vectors).length : 0;
      if (vectors) waiting += (await this.describer.unscanned(vectors).catch(() => [])).length;
    }
    const retired = this.model.retired;
    const { state } = this.model;
    return {
      ...(retired &&
        settings.imageSearch && {
          switching: {
            fromModelId: retired.model.id,
            waiting: embedder ? waiting : this.describer.pictureDocuments().length,
          },
        }),
      state: settings.imageSearch ? (embedder && state === 'ready' ? 'ready' : state) : 'off',
      modelId: spec.id,
      sizeMB: spec.sizeMB[dtype] ?? spec.sizeMB.fp32,
      progress: state === 'loading' ? this.model.progress : undefined,
      device: embedder?.device,
      error: this.model.error,
      pictures,
      waiting,
    };
  }

  onStatus(listener: (status: ImageModelStatus) => void): void {
    this.listeners.add(listener);
  }

  /** Loads the model (image search must be on), then embeds the pictures added before it was there. */
  async load(): Promise<ImageModelStatus> {
    void this.restoreRetired();
    await this.model.ready();
    void this.backfill().catch(() => undefined);
    return this.status();
  }

  cancel(): void {
    this.model.cancel();
  }

  /** Releases the image model and deletes its downloaded files (pictures already described stay). */
  async deleteModel(): Promise<number> {
    this.vectors.forget();
    await this.model.release({ stopLoading: true });
    const freed = await this.ctx.removeCached(getImageModelSpec(this.ctx.settings().imageModelId));
    this.announce();
    return freed;
  }

  /**
   * Image search turned off: the models are released. Another image model chosen: the loaded one retires (keeps
   * answering) and the chosen one loads and describes every picture in its own space.
   */
  async settingsChanged(): Promise<void> {
    if (this.model.unwanted) {
      this.vectors.forget();
      await this.model.release({ stopLoading: false });
      return;
    }
    if (!this.model.replaced) return;
    await this.model.retire();
    void this.load().catch(() => undefined); // the status says why it did not load; the old model still answers
  }

  /**
   * The model whose space answers a query: during a switch the retiring one, until the new space is complete;
   * otherwise the chosen one. Undefined while neither is loaded.
   */
  private answering(): ImageEmbedder | undefined {
    const fresh = this.model.embedder;
    const old = this.model.retired;
    return old && (!fresh || this.complete !== fresh.fingerprint) ? old : fresh;
  }

  /** After a restart in the middle of a switch: the model of the space still served loads again to answer. */
  private async restoreRetired(): Promise<void> {
    const served = await readServedSpace(this.ctx.store()).catch(() => undefined);
    if (served && served.modelId !== this.ctx.settings().imageModelId) {
      if (await this.model.restoreRetired(served.modelId)) this.announce();
    }
  }

  /** A text search's answer with its picture strip (when image search is on). */
  async withPictures(query: string, options: SearchOptions, response: SearchResponse): Promise<SearchResponse> {
    const pictures = await this.searchPictures(query, options, response);
    return pictures ? { ...response, pictures } : response;
  }

  /**
   * After an ingest: embeds the picture documents it added, and the pictures inside the PDF, DOCX and EPUB documents
   * it added (while image search is on); answers its results.
   */
  async afterIngest<Results extends readonly IngestProgress[]>(
    files: readonly FileInput[],
    results: Results,
  ): Promise<Results> {
    if (!this.ctx.settings().imageSearch || !this.model.available) return results;
    const byJob = new Map(files.map((f) => [f.jobId, f]));
    const added: Array<{ docId: number; bytes: Uint8Array; name: string }> = [];
    const holders: InnerHolder[] = [];
    for (const r of results) {
      const file = byJob.get(r.jobId);
      if (r.stage !== 'done' || r.documentId === undefined || !file) continue;
      const bytes = new Uint8Array(file.data);
      const format = this.ctx.docs().get(r.documentId)?.format;
      if (format === 'image' || (format === undefined && sniffPicture(bytes))) {
        added.push({ docId: r.documentId, bytes, name: file.name });
      } else if (format !== undefined && holdsInnerPictures(format)) {
        holders.push({ docId: r.documentId, bytes, name: file.name, format });
      }
    }
    if (added.length === 0 && holders.length === 0) return results;
    let embedder: ImageEmbedder;
    try {
      embedder = await this.model.ready();
    } catch {
      return results; // the status says why; the documents stay searchable by their OCR text
    }
    // During a switch the retiring model describes them too: it answers until the new space is complete.
    const models = [embedder, ...(this.model.retired ? [this.model.retired] : [])];
    for (const picture of added) await this.describer.describeFile(models, picture.docId, picture.bytes, picture.name);
    await this.describer.describeInside(models, holders);
    return results;
  }

  /** Pictures for a text search: the image model's list fused with the pictures whose OCR text matched. */
  private async searchPictures(
    query: string,
    options: SearchOptions,
    response: SearchResponse,
  ): Promise<PictureHit[] | undefined> {
    const settings = this.ctx.settings();
    if (!settings.imageSearch || !this.model.available || !query.trim()) return undefined;
    let embedder = this.answering();
    if (!embedder) {
      // A search never waits for a download: it starts the load (unless the last one failed: its status says why)
      // and the passages answer meanwhile. A model that can only come from local files loads quickly: that wait
      // is taken, so the first search after start-up already shows pictures.
      if (this.model.state === 'unavailable') return [];
      const loading = this.model.ready();
      loading.catch(() => undefined);
      const local = getImageModelSpec(settings.imageModelId).localOnly || !settings.allowRemoteModels;
      if (!local) return [];
      try {
        embedder = await loading;
      } catch (error) {
        if (isAbort(error)) throw error;
        return [];
      }
    }
    const filter = filterOf(options);
    let vectorHits: Array<PictureRef & { cosine: number }> = [];
    try {
      const [queryVector] = splitRows(await embedder.embedTexts([query]), embedder.dims);
      vectorHits = await this.vectors.nearest(embedder.fingerprint, queryVector, filter);
    } catch (error) {
      if (isAbort(error)) throw error;
      this.model.fail(toErrorInfo(error).message);
    }
    // The picture documents whose text (OCR) the query's words matched, in the order their best passage ranks. A
    // vector-only match is left out: nearest passages always exist, and would put every picture in the strip.
    const ocrOrder: number[] = [];
    for (const result of response.results) {
      const matched = result.scores.bm25 !== undefined && result.highlights.length > 0;
      if (result.format === 'image' && matched && !ocrOrder.includes(result.documentId)) {
        ocrOrder.push(result.documentId);
      }
    }
    // OCR text belongs to picture documents (n = 0): pictures inside documents are found by the image model only.
    const fused = new Map<string, PictureRef & { score: number; cosine?: number; ocrRank?: number }>();
    vectorHits.forEach((hit, i) =>
      fused.set(pictureKey(hit.docId, hit.n), { ...hit, score: 1 / (RRF_K + i + 1), cosine: hit.cosine }),
    );
    ocrOrder.forEach((docId, i) => {
      const key = pictureKey(docId, 0);
      const entry = fused.get(key) ?? { docId, n: 0, score: 0 };
      fused.set(key, { ...entry, score: entry.score + 1 / (RRF_K + i + 1), ocrRank: i + 1 });
    });
    return [...fused.values()]
      .sort((a, b) => b.score - a.score)
      .slice(0, PICTURE_K)
      .flatMap((entry) => {
        const doc = this.ctx.docs().get(entry.docId);
        return doc ? [this.hit(doc, entry)] : [];
      });
  }

  /** A picture as the query: similar pictures (by the image tower) and passages mentioning what OCR read in it. */
  async searchByImage(data: ArrayBuffer, fileName: string, options: SearchOptions = {}): Promise<ImageQueryResponse> {
    this.ctx.store(); // LOCKED while locked
    const bytes = new Uint8Array(data);
    if (!sniffPicture(bytes)) {
      throw new TroveError('INVALID_ARGUMENT', `“${fileName}” is not a PNG, JPEG, WebP or GIF picture.`);
    }
    let pictures: PictureHit[] = [];
    if (this.ctx.settings().imageSearch && this.model.available) {
      const embedder = this.answering() ?? (await this.model.ready());
      const decoded = await decodePicture(bytes, fileName);
      const [vector] = splitRows(await embedder.embedImages([decoded]), embedder.dims);
      const hits = await this.vectors.nearest(embedder.fingerprint, vector, filterOf(options));
      pictures = hits.flatMap((hit, i) => {
        const doc = this.ctx.docs().get(hit.docId);
        return doc ? [this.hit(doc, { ...hit, score: 1 / (RRF_K + i + 1) })] : [];
      });
    }
    let ocrText = '';
    try {
      const parsed = await this.ctx.parse(bytes.slice(), fileName, '', undefined, { ocrMode: 'always' });
      ocrText = parsed.text.trim();
    } catch (error) {
      if (isAbort(error)) throw error;
      // No OCR here (turned off, or unreadable): similar pictures still answer.
    }
    const passages = ocrText ? await this.ctx.search(ocrText.slice(0, 1000), options) : undefined;
    return { pictures, ocrText, passages };
  }

  async getPicture(documentId: number, n = 0): Promise<PictureView | undefined> {
    const store = this.ctx.store();
    if (!Number.isInteger(n) || n < 0 || n > MAX_PICTURE_N) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        `No picture number ${String(n)}: pictures are numbered 0 to ${MAX_PICTURE_N}.`,
      );
    }
    const doc = this.ctx.docs().get(documentId);
    if (!doc) return undefined;
    const picture = checkPicture(await store.getPicture(documentId, n), documentId);
    if (!picture || picture.n !== n) return undefined;
    return {
      documentId,
      n,
      documentName: doc.name,
      thumbnail: { ...picture.thumbnail },
      width: picture.width,
      height: picture.height,
      page: picture.page,
      ...(picture.page !== undefined && { pageUnit: doc.format === 'epub' ? 'chapter' : 'page' }),
      ...(await this.pictureText(documentId, picture.page, n)),
    };
  }

  /**
   * A picture document's OCR text; for a picture inside a document, the text of its page when it has one, and
   * where it lies (to open the document there).
   */
  private async pictureText(
    documentId: number,
    page: number | undefined,
    n: number,
  ): Promise<Pick<PictureView, 'ocrText' | 'pageSpan'>> {
    const text = await this.ctx.store().getText(documentId);
    if (!text) return { ocrText: '' };
    if (n === 0) return { ocrText: text.text };
    if (page === undefined) return { ocrText: '' };
    const onPage = text.blocks.filter((block) => block.page === page);
    if (onPage.length === 0) return { ocrText: '' };
    const span = { start: onPage[0].start, end: onPage[onPage.length - 1].end };
    return { ocrText: text.text.slice(span.start, span.end), pageSpan: span };
  }

  /**
   * Embeds, from their kept originals, the ready picture documents that have no picture yet and the pictures inside
   * the documents not yet looked through (see unscanned). One run at a time; a run whose model is no longer the
   * chosen one (switched again, or image search turned off) stops at the next document, and a run asked for
   * meanwhile starts when it ends, with the model chosen then.
   */
  private backfill(): Promise<void> {
    if (this.backfilling) {
      this.backfillAgain = true;
      return this.backfilling;
    }
    this.backfilling = this.backfillOnce().finally(() => {
      this.backfilling = undefined;
      this.announce();
      if (this.backfillAgain && this.ctx.settings().imageSearch) {
        this.backfillAgain = false;
        void this.backfill().catch(() => undefined);
      }
    });
    return this.backfilling;
  }

  private async backfillOnce(): Promise<void> {
    this.backfillAgain = false;
    const embedder = await this.model.ready();
    const chosen = () => this.model.embedder === embedder;
    const store = this.ctx.store();
    for (const doc of this.describer.missing(await this.vectors.of(embedder.fingerprint))) {
      if (!chosen()) return;
      const original = await store.getOriginal(doc.id);
      if (original) await this.describer.describeFile([embedder], doc.id, new Uint8Array(original.bytes), doc.name);
    }
    // One document's original in memory at a time; the "no pictures" list written every BACKFILL_BATCH documents,
    // so an interrupted run keeps most of its work and the writes stay few.
    const holders = await this.describer.unscanned(await this.vectors.of(embedder.fingerprint));
    for (let at = 0; at < holders.length; at += BACKFILL_BATCH) {
      if (!chosen()) return;
      const batch = holders.slice(at, at + BACKFILL_BATCH);
      await this.describer.describeInside([embedder], batch, async (docId) => {
        const original = chosen() ? await store.getOriginal(docId) : undefined;
        return original && new Uint8Array(original.bytes);
      });
    }
    // Every picture that can be described again has been tried (one that failed is named in the status, and must
    // not hold a switch open for good): this space serves. The other spaces' copies of what it holds go; a picture
    // it could not describe keeps its old row.
    if (!chosen()) return;
    await serveSpace(
      this.ctx.store,
      this.ctx.queue,
      { modelId: embedder.model.id, fingerprint: embedder.fingerprint },
      chosen,
    );
    if (!chosen()) return;
    this.complete = embedder.fingerprint;
    this.vectors.forget();
    await this.model.dropRetired();
  }

  private hit(
    doc: DocumentRecord,
    entry: PictureRef & { score: number; cosine?: number; ocrRank?: number },
  ): PictureHit {
    const picture = this.vectors.held(doc.id, entry.n);
    return {
      documentId: doc.id,
      n: entry.n,
      documentName: doc.name,
      score: entry.score,
      ...(entry.cosine !== undefined && { cosine: entry.cosine }),
      ...(entry.ocrRank !== undefined && { ocrRank: entry.ocrRank }),
      ...(picture?.page !== undefined && { page: picture.page, pageUnit: doc.format === 'epub' ? 'chapter' : 'page' }),
      thumbnailWidth: picture?.thumbnail.width ?? 0,
      thumbnailHeight: picture?.thumbnail.height ?? 0,
    };
  }

  /**
   * The status after a picture is described: at most one push per STATUS_INTERVAL_MS, the last one always sent,
   * so the counts move while thousands of pictures are described without a status read per picture.
   */
  private announceSoon(): void {
    if (this.announcing) return;
    this.announcing = setTimeout(() => {
      this.announcing = undefined;
      this.announce();
    }, STATUS_INTERVAL_MS);
  }

  private announce(): void {
    if (this.listeners.size === 0) return;
    void this.status()
      .then((status) => this.listeners.forEach((listener) => listener(status)))
      .catch(() => undefined);
  }
}

function filterOf(options: SearchOptions): SearchFilter | undefined {
  const wanted: SearchFilter = { ...options.filter };
  if (options.documentIds?.length) wanted.documentIds = [...(wanted.documentIds ?? []), ...options.documentIds];
  return isActive(wanted) ? wanted : undefined;
}
