// Pictures found by what they show: the image–text model's state, pictures beside the passages of a search, a
// picture as the query, and one picture with its thumbnail and OCR text for the viewer.
import type { PictureHit, SearchOptions, SearchResponse } from './search.ts';

export type ImageModelState = 'off' | 'idle' | 'loading' | 'ready' | 'unavailable';

export interface ImageModelStatus {
  state: ImageModelState;
  modelId: string;
  /** Download size of both towers at the dtype this device would use, MB. */
  sizeMB?: number;
  /** 0..1 while downloading and starting. */
  progress?: number;
  device?: string;
  error?: string;
  /** Pictures embedded in this library (this model), and picture documents still waiting for it. */
  pictures: number;
  waiting: number;
  /**
   * While another image model is replacing the one before (blue/green): the model still answering queries, and the
   * pictures the new one has yet to describe. Absent when no switch is under way.
   */
  switching?: { fromModelId: string; waiting: number };
}

/** A picture for the viewer: its thumbnail (re-encoded, no metadata) and the text OCR read in it. */
export interface PictureView {
  documentId: number;
  /** 0: a picture document; 1, 2, …: a picture inside the document. */
  n: number;
  documentName: string;
  thumbnail: { type: string; width: number; height: number; bytes: ArrayBuffer };
  width: number;
  height: number;
  page?: number;
  /** What `page` counts: pages (PDF) or chapters (EPUB). */
  pageUnit?: 'page' | 'chapter';
  /** A picture document: the text OCR read in it. A picture inside a document: the text of its page (or empty). */
  ocrText: string;
  /** A picture inside a document with a known page: where that page's text lies in the document's text. */
  pageSpan?: { start: number; end: number };
}

export interface ImageQueryResponse {
  /** Pictures like the query picture, most similar first. */
  pictures: PictureHit[];
  /** What OCR read in the query picture (empty when nothing), and the passages that mention it. */
  ocrText: string;
  passages?: SearchResponse;
}

export interface PicturesApi {
  /** The image model's state (never starts a download). */
  imageModelStatus(): Promise<ImageModelStatus>;
  onImageModelStatus(listener: (status: ImageModelStatus) => void): Promise<void>;
  /** Downloads and starts the image model (image search must be on); then embeds pictures added before. */
  loadImageModel(): Promise<ImageModelStatus>;
  cancelImageModel(): Promise<void>;
  /** Releases the image model and deletes its downloaded files; bytes freed (pictures described stay stored). */
  deleteImageModel(): Promise<number>;
  /** A picture's thumbnail and text (n: 0, the default, a picture document's own); undefined when none (yet). */
  getPicture(documentId: number, n?: number): Promise<PictureView | undefined>;
  /** A picture as the query: similar pictures, and passages mentioning what OCR read in it. */
  searchByImage(data: ArrayBuffer, fileName: string, options?: SearchOptions): Promise<ImageQueryResponse>;
}
