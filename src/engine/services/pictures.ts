// Pictures found by what they show. When the user turns image search on, the image–text model (CLIP family) is
// loaded; each picture document added (and those added before, from their kept originals) is decoded, embedded by
// the image tower and stored with a thumbnail in its own vector space (store `pictures`, keyed by document,
// fingerprinted by the image model). A text query is embedded by the text tower and its pictures are fused with the
// pictures whose OCR text the passages matched; a picture can be the query too. OCR runs as before, whatever this does.
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
import { TroveError, isAbort, toErrorInfo } from '../core/errors.ts';
import type { ClipEmbedder } from '../embed/clip-embedder.ts';
import { decodePicture, sniffPicture } from '../ingest/pictures/decode-picture.ts';
import { makeThumbnail } from '../ingest/pictures/thumbnail.ts';
import type { WorkQueue } from '../library/work-queue.ts';
import { getImageModelSpec } from '../models/image-model-registry.ts';
import { documentMatches, isActive } from '../retrieve/filters.ts';
import { checkPicture } from '../store/picture-record.ts';
import type { DocumentRecord, PictureRecord, Store } from '../store/store.ts';
import type { FileParsing } from '../ingest/file-parsing.ts';
import type { EmbedDevice } from '../api/model-spec.ts';

/** What the engine needs of an image–text model (ClipEmbedder, or a test's stand-in built on it). */
export type ImageEmbedder = Pick<
  ClipEmbedder,
  'model' | 'device' | 'dtype' | 'fingerprint' | 'dims' | 'embedImages' | 'embedTexts' | 'dispose'
>;

export interface ImageModelLoadOptions {
  modelId: string;
  allowRemoteModels: boolean;
  localModelPath: string;
  device: EngineSettings['device'];
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** The engine's parse step (the ingest pipeline's, with the user's OCR choice). */
type ParseFn = FileParsing['parse'];

export type ImageModelLoader = (options: ImageModelLoadOptions) => Promise<ImageEmbedder>;

export interface PicturesContext {
  store: () => Store;
  settings: () => EngineSettings;
  docs: () => ReadonlyMap<number, DocumentRecord>;
  queue: WorkQueue;
  /** The engine's parse step: OCR of a query picture. */
  parse: ParseFn;
  /** The engine's text search (the passages a query picture's OCR text finds). */
  search: (query: string, options: SearchOptions) => Promise<SearchResponse>;
  /** Deletes a model's downloaded files from the browser's model cache; bytes freed. */
  removeCached: (target: { repo: string; revision: string; localOnly: boolean }) => Promise<number>;
}

/** Pictures in the strip of a text search, and answers to an image query. */
const PICTURE_K = 12;
/** Pictures whose cosine is this far below the best one are left out (CLIP cosines cluster; irrelevant ones trail). */
const RELATIVE_MARGIN = 0.1;
const RRF_K = 60;

interface LoadedSet {
  store: Store;
  fingerprint: string;
  version: number;
  vectors: Map<number, PictureRecord>;
}

export class PictureService {
  private embedder?: ImageEmbedder;
  private loading?: Promise<ImageEmbedder>;
  private controller?: AbortController;
  private state: ImageModelStatus['state'] = 'idle';
  private progress?: number;
  private error?: string;
  private readonly listeners = new Set<(status: ImageModelStatus) => void>();
  private set?: LoadedSet;
  private backfilling?: Promise<void>;

  constructor(
    private readonly loader: ImageModelLoader | undefined,
    private readonly ctx: PicturesContext,
  ) {}

  async status(): Promise<ImageModelStatus> {
    const settings = this.ctx.settings();
    const spec = getImageModelSpec(settings.imageModelId);
    const device: EmbedDevice = this.embedder?.device ?? 'wasm';
    const dtype = spec.dtype[device];
    let pictures = 0;
    let waiting = 0;
    if (this.embedder && this.embedder.model.id === spec.id) {
      const set = await this.loadedSet(this.embedder.fingerprint).catch(() => undefined);
      pictures = set ? [...set.vectors.keys()].filter((id) => this.ctx.docs().has(id)).length : 0;
      const images = [...this.ctx.docs().values()].filter((d) => d.format === 'image' && d.status === 'ready');
      waiting = images.filter((d) => !set?.vectors.has(d.id)).length;
    }
    return {
      state: settings.imageSearch ? (this.embedder && this.state === 'ready' ? 'ready' : this.state) : 'off',
      modelId: spec.id,
      sizeMB: spec.sizeMB[dtype] ?? spec.sizeMB.fp32,
      progress: this.state === 'loading' ? this.progress : undefined,
      device: this.embedder?.device,
      error: this.error,
      pictures,
      waiting,
    };
  }

  onStatus(listener: (status: ImageModelStatus) => void): void {
    this.listeners.add(listener);
  }

  /** Loads the model (image search must be on), then embeds the pictures added before it was there. */
  async load(): Promise<ImageModelStatus> {
    await this.ready();
    void this.backfill().catch(() => undefined);
    return this.status();
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** Releases the image model and deletes its downloaded files (pictures already described stay). */
  async deleteModel(): Promise<number> {
    this.controller?.abort();
    const old = this.embedder;
    this.embedder = undefined;
    this.set = undefined;
    this.state = 'idle';
    await old?.dispose();
    const freed = await this.ctx.removeCached(getImageModelSpec(this.ctx.settings().imageModelId));
    this.announce();
    return freed;
  }

  /** Image search turned off or another image model chosen: the loaded one is released. */
  async settingsChanged(): Promise<void> {
    const settings = this.ctx.settings();
    if (this.embedder && (!settings.imageSearch || this.embedder.model.id !== settings.imageModelId)) {
      const old = this.embedder;
      this.embedder = undefined;
      this.set = undefined;
      this.state = 'idle';
      await old.dispose();
      this.announce();
    }
  }

  /** A text search's answer with its picture strip (when image search is on). */
  async withPictures(query: string, options: SearchOptions, response: SearchResponse): Promise<SearchResponse> {
    const pictures = await this.searchPictures(query, options, response);
    return pictures ? { ...response, pictures } : response;
  }

  /** After an ingest: embeds the picture documents it added (while image search is on); answers its results. */
  async afterIngest<Results extends readonly IngestProgress[]>(
    files: readonly FileInput[],
    results: Results,
  ): Promise<Results> {
    if (!this.ctx.settings().imageSearch || !this.loader) return results;
    const byJob = new Map(files.map((f) => [f.jobId, f]));
    const added = results.flatMap((r) => {
      const file = byJob.get(r.jobId);
      if (r.stage !== 'done' || r.documentId === undefined || !file) return [];
      const bytes = new Uint8Array(file.data);
      return sniffPicture(bytes) ? [{ docId: r.documentId, bytes, name: file.name }] : [];
    });
    if (added.length === 0) return results;
    let embedder: ImageEmbedder;
    try {
      embedder = await this.ready();
    } catch {
      return results; // the status says why; the documents stay searchable by their OCR text
    }
    for (const picture of added) await this.embedOne(embedder, picture.docId, picture.bytes, picture.name);
    return results;
  }

  /** Pictures for a text search: the image model's list fused with the pictures whose OCR text matched. */
  private async searchPictures(
    query: string,
    options: SearchOptions,
    response: SearchResponse,
  ): Promise<PictureHit[] | undefined> {
    if (!this.ctx.settings().imageSearch || !this.loader || !query.trim()) return undefined;
    let embedder = this.embedder;
    const settings = this.ctx.settings();
    if (!embedder || embedder.model.id !== settings.imageModelId) {
      // A search never waits for a download: it starts the load (unless the last one failed: its status says why)
      // and the passages answer meanwhile. A model that can only come from local files loads quickly: that wait
      // is taken, so the first search after start-up already shows pictures.
      if (this.state === 'unavailable') return [];
      const loading = this.ready();
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
    let vectorHits: Array<{ docId: number; cosine: number }> = [];
    try {
      const [queryVector] = splitRows(await embedder.embedTexts([query]), embedder.dims);
      vectorHits = await this.nearest(embedder.fingerprint, queryVector, filter);
    } catch (error) {
      if (isAbort(error)) throw error;
      this.fail(error);
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
    const set = this.set;
    const fused = new Map<number, { score: number; cosine?: number; ocrRank?: number }>();
    vectorHits.forEach((hit, i) => fused.set(hit.docId, { score: 1 / (RRF_K + i + 1), cosine: hit.cosine }));
    ocrOrder.forEach((docId, i) => {
      const entry = fused.get(docId) ?? { score: 0 };
      fused.set(docId, { ...entry, score: entry.score + 1 / (RRF_K + i + 1), ocrRank: i + 1 });
    });
    return [...fused.entries()]
      .sort((a, b) => b[1].score - a[1].score)
      .slice(0, PICTURE_K)
      .flatMap(([docId, entry]) => {
        const doc = this.ctx.docs().get(docId);
        if (!doc) return [];
        return [this.hit(doc, entry, set?.vectors.get(docId))];
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
    if (this.ctx.settings().imageSearch && this.loader) {
      const embedder = await this.ready();
      const decoded = await decodePicture(bytes, fileName);
      const [vector] = splitRows(await embedder.embedImages([decoded]), embedder.dims);
      const hits = await this.nearest(embedder.fingerprint, vector, filterOf(options));
      pictures = hits.flatMap((hit, i) => {
        const doc = this.ctx.docs().get(hit.docId);
        return doc
          ? [this.hit(doc, { score: 1 / (RRF_K + i + 1), cosine: hit.cosine }, this.set?.vectors.get(hit.docId))]
          : [];
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

  async getPicture(documentId: number): Promise<PictureView | undefined> {
    const store = this.ctx.store();
    const doc = this.ctx.docs().get(documentId);
    if (!doc) return undefined;
    const picture = checkPicture(await store.getPicture(documentId), documentId);
    if (!picture) return undefined;
    const text = await store.getText(documentId);
    return {
      documentId,
      documentName: doc.name,
      thumbnail: { ...picture.thumbnail },
      width: picture.width,
      height: picture.height,
      page: picture.page,
      ocrText: text?.text ?? '',
    };
  }

  /** The model, loaded once (concurrent callers share the load). */
  private ready(): Promise<ImageEmbedder> {
    const settings = this.ctx.settings();
    if (!settings.imageSearch) {
      return Promise.reject(new TroveError('INVALID_ARGUMENT', 'Image search is off: turn it on in Settings first.'));
    }
    if (!this.loader) return Promise.reject(new TroveError('MODEL_UNAVAILABLE', 'Image search is not available here.'));
    if (this.embedder && this.embedder.model.id === settings.imageModelId) return Promise.resolve(this.embedder);
    if (this.loading) return this.loading;
    const controller = (this.controller = new AbortController());
    this.state = 'loading';
    this.progress = 0;
    this.error = undefined;
    this.announce();
    const loader = this.loader;
    const loading = (this.loading = loader({
      modelId: settings.imageModelId,
      allowRemoteModels: settings.allowRemoteModels,
      localModelPath: settings.localModelPath,
      device: settings.device,
      signal: controller.signal,
      onProgress: (fraction) => {
        this.progress = fraction;
        this.announce();
      },
    })
      .then((embedder) => {
        this.embedder = embedder;
        this.state = 'ready';
        return embedder;
      })
      .catch((error: unknown) => {
        this.state = isAbort(error) ? 'idle' : 'unavailable';
        this.error = isAbort(error) ? undefined : toErrorInfo(error).message;
        throw error;
      })
      .finally(() => {
        this.loading = undefined;
        this.controller = undefined;
        this.announce();
      }));
    return loading;
  }

  /** Embeds the ready picture documents that have no picture yet, from their kept originals. */
  private backfill(): Promise<void> {
    this.backfilling ??= (async () => {
      const embedder = await this.ready();
      const set = await this.loadedSet(embedder.fingerprint);
      const store = this.ctx.store();
      const missing = [...this.ctx.docs().values()].filter(
        (d) => d.format === 'image' && d.status === 'ready' && !set.vectors.has(d.id),
      );
      for (const doc of missing) {
        const original = await store.getOriginal(doc.id);
        if (original) await this.embedOne(embedder, doc.id, new Uint8Array(original.bytes), doc.name);
      }
    })().finally(() => {
      this.backfilling = undefined;
      this.announce();
    });
    return this.backfilling;
  }

  private async embedOne(embedder: ImageEmbedder, docId: number, bytes: Uint8Array, name: string): Promise<void> {
    try {
      const decoded = await decodePicture(bytes, name);
      const [vector] = splitRows(await embedder.embedImages([decoded]), embedder.dims);
      const thumbnail = await makeThumbnail(decoded);
      const record: PictureRecord = {
        docId,
        fingerprint: embedder.fingerprint,
        dims: embedder.dims,
        vector,
        thumbnail: { ...thumbnail, bytes: exactBuffer(thumbnail.bytes) },
        width: decoded.width,
        height: decoded.height,
      };
      await this.ctx.queue.enqueue(() => this.ctx.store().putPicture(record));
      const set = this.set;
      if (set && set.fingerprint === record.fingerprint) {
        set.vectors.set(docId, record);
        set.version = await set.store.libraryVersion();
      }
    } catch (error) {
      if (isAbort(error)) throw error;
      // A picture that cannot be decoded or embedded keeps its OCR text; the status names the last such failure.
      this.error = `“${name}”: ${toErrorInfo(error).message}`;
      this.announce();
    }
  }

  /** Pictures of the live documents passing the filter, by cosine, within RELATIVE_MARGIN of the best. */
  private async nearest(
    fingerprint: string,
    query: Float32Array,
    filter: SearchFilter | undefined,
  ): Promise<Array<{ docId: number; cosine: number }>> {
    const set = await this.loadedSet(fingerprint);
    const docs = this.ctx.docs();
    const scored: Array<{ docId: number; cosine: number }> = [];
    for (const [docId, picture] of set.vectors) {
      const doc = docs.get(docId);
      if (!doc || doc.status !== 'ready' || (filter && !documentMatches(doc, filter))) continue;
      let cosine = 0;
      for (let d = 0; d < query.length; d++) cosine += query[d] * picture.vector[d];
      scored.push({ docId, cosine });
    }
    scored.sort((a, b) => b.cosine - a.cosine);
    const best = scored[0]?.cosine ?? 0;
    return scored.filter((s) => s.cosine > 0 && s.cosine >= best - RELATIVE_MARGIN).slice(0, PICTURE_K);
  }

  /** The stored pictures of one image model, re-read when the library changed (another tab, a delete, an import). */
  private async loadedSet(fingerprint: string): Promise<LoadedSet> {
    const store = this.ctx.store();
    const version = await store.libraryVersion();
    const current = this.set;
    if (current && current.store === store && current.fingerprint === fingerprint && current.version === version) {
      return current;
    }
    const vectors = new Map<number, PictureRecord>();
    for (const row of await store.listPictures(fingerprint)) {
      const picture = checkPicture(row);
      if (picture && picture.fingerprint === fingerprint) vectors.set(picture.docId, picture);
    }
    this.set = { store, fingerprint, version, vectors };
    return this.set;
  }

  private hit(
    doc: DocumentRecord,
    entry: { score: number; cosine?: number; ocrRank?: number },
    picture: PictureRecord | undefined,
  ): PictureHit {
    return {
      documentId: doc.id,
      documentName: doc.name,
      score: entry.score,
      ...(entry.cosine !== undefined && { cosine: entry.cosine }),
      ...(entry.ocrRank !== undefined && { ocrRank: entry.ocrRank }),
      ...(picture?.page !== undefined && { page: picture.page }),
      thumbnailWidth: picture?.thumbnail.width ?? 0,
      thumbnailHeight: picture?.thumbnail.height ?? 0,
    };
  }

  private fail(error: unknown): void {
    this.error = toErrorInfo(error).message;
    this.announce();
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

function splitRows(flat: Float32Array, dims: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let at = 0; at < flat.length; at += dims) rows.push(flat.slice(at, at + dims));
  return rows;
}

function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * The parse step with image search on: a picture in which OCR found no text (or OCR is off) is still a document,
 * found by what it shows; its text is its file name, so it is listed, filtered and found by name like any other.
 */
export function withPictureDocuments(parse: ParseFn, imageSearch: () => boolean): ParseFn {
  return async (data, fileName, mimeType, signal, context) => {
    try {
      return await parse(data, fileName, mimeType, signal, context);
    } catch (error) {
      const noText = error instanceof TroveError && ['EMPTY_DOCUMENT', 'UNSUPPORTED_FORMAT'].includes(error.code);
      if (!noText || !imageSearch() || !sniffPicture(data)) throw error;
      const text = `Picture: ${fileName}`;
      return {
        format: 'image',
        text,
        blocks: [{ start: 0, end: text.length, kind: 'paragraph', page: 1 }],
        pageCount: 1,
        warnings: ['No text was recognised in this picture: it is found by its name and by what it shows.'],
      };
    }
  };
}
