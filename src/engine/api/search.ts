// Searching the library: the query's options (mode, filter, fusion, diversity) and the results with their scores.
import type { DocumentFormat, FieldValue, SearchMode } from '../core/types.ts';

/** How weighted fusion puts each list's scores on one scale before weighting. */
export type ScoreNormalization = 'minmax' | 'zscore';

export type FusionSettings =
  | { method: 'rrf'; /** RRF k (default 60). */ k?: number }
  | {
      method: 'weighted';
      /** Weight of the vector side, 0..1; keyword gets 1 − alpha. 0 ranks as keyword search, 1 as semantic search. */
      alpha: number;
      normalization?: ScoreNormalization;
    };

/** Narrows a search: every field given must match (a list matches when any of its values does). */
export interface SearchFilter {
  collections?: string[];
  documentIds?: number[];
  formats?: DocumentFormat[];
  /** Documents with at least one of these tags. */
  tags?: string[];
  languages?: string[];
  /** Documents whose folder is one of these or inside one of them. */
  folders?: string[];
  /** Added at or after / before this time (ms since 1970). */
  addedFrom?: number;
  addedTo?: number;
}

export interface SearchOptions {
  mode?: SearchMode;
  k?: number;
  /** Only these documents (none = all); the same as filter.documentIds. */
  documentIds?: number[];
  filter?: SearchFilter;
  /** Hybrid mode: how the keyword and vector lists are fused (default: RRF with the rrfK setting). */
  fusion?: FusionSettings;
  /** Maximal marginal relevance over the fused list (lambda 1 = no change, lower = more diverse). */
  mmr?: { lambda: number };
}

export interface ScoreBreakdown {
  /** Final score used for the ordering (RRF sum in hybrid mode). */
  score: number;
  bm25?: number;
  bm25Rank?: number;
  cosine?: number;
  vectorRank?: number;
  /** Cross-encoder score (a logit) and 1-based rank after reranking, when the results were reranked. */
  rerank?: number;
  rerankRank?: number;
}

export interface SearchResult {
  chunkId: number;
  documentId: number;
  documentName: string;
  format: DocumentFormat;
  text: string;
  start: number;
  end: number;
  page?: number;
  headingPath: string[];
  /** A table row / JSON object: its 1-based row and metadata fields. */
  row?: number;
  fields?: Record<string, FieldValue>;
  /** [start, end) ranges within `text` to highlight (query term matches). */
  highlights: Array<[number, number]>;
  scores: ScoreBreakdown;
}

/** A picture among the results: found by the image–text model, by the text OCR read in it, or both (fused). */
export interface PictureHit {
  documentId: number;
  /** 0: the document is this picture; 1, 2, …: a picture inside the document (a PDF, DOCX or EPUB), in order. */
  n: number;
  documentName: string;
  /** Fused score (reciprocal rank fusion of the picture and OCR lists); orders the strip. */
  score: number;
  /** Cosine of the query and the picture in the image model's space, when the model found it. */
  cosine?: number;
  /** 1-based rank among the passages' pictures, when OCR text of this picture matched. */
  ocrRank?: number;
  /** 1-based page of the document the picture is on, when it sits inside one. */
  page?: number;
  /** What `page` counts: pages (PDF) or chapters (EPUB, whose pages depend on the reader). */
  pageUnit?: 'page' | 'chapter';
  thumbnailWidth: number;
  thumbnailHeight: number;
}

export interface SearchResponse {
  query: string;
  /** Mode actually used: semantic/hybrid fall back to keyword when the model is unavailable. */
  mode: SearchMode;
  requestedMode: SearchMode;
  results: SearchResult[];
  tookMs: number;
  /** Set when the mode had to fall back, for the UI to say why. */
  notice?: string;
  /** Pictures found by what they show and by their OCR text; absent while image search is off. */
  pictures?: PictureHit[];
}

export interface SearchApi {
  search(query: string, options?: SearchOptions): Promise<SearchResponse>;
}
