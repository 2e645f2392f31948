// Plain data shapes shared by every engine stage. No DOM, no React: these cross the worker boundary.

/** Formats the ingest pipeline understands. */
export type DocumentFormat = 'pdf' | 'markdown' | 'html' | 'text' | 'docx' | 'csv' | 'json' | 'epub' | 'code' | 'image';

/** A metadata value kept from a table row or JSON object (nested values are flattened to dotted keys). */
export type FieldValue = string | number | boolean | null;

/** A structural span of a parsed document, as offsets into `ParsedDocument.text`. */
export interface TextBlock {
  start: number;
  end: number;
  /**
   * 'record': one CSV/TSV row or JSON object, a passage of its own (never merged with its neighbours).
   * 'code': a run of source lines (split at blank lines and top-level definitions), cut by lines, not sentences.
   */
  kind: 'heading' | 'paragraph' | 'record' | 'code';
  /** Heading level 1-6 (only for kind 'heading'). */
  level?: number;
  /** 1-based PDF page (or OCR'd image page) the block sits on. */
  page?: number;
  /** For 'record': 1-based row (CSV/TSV data row, JSONL line, or index in a JSON array). */
  row?: number;
  /** For 'record': the non-text fields of the row/object, kept as metadata. */
  fields?: Record<string, FieldValue>;
}

/** What a parser returns: the plain text a user will see, plus its structure. */
export interface ParsedDocument {
  format: DocumentFormat;
  text: string;
  /** Headings and paragraphs in document order; offsets into `text`, non-overlapping. */
  blocks: TextBlock[];
  title?: string;
  pageCount?: number;
  /** Non-fatal notes for the user (e.g. "page 3 has no text layer"). */
  warnings?: string[];
  /** Detected language (ISO 639-1), when the parser or a detector knows it. */
  language?: string;
  /** Programming language of a 'code' document (e.g. 'typescript'). */
  codeLanguage?: string;
  /** 1-based pages whose text came from OCR (images, scanned PDF pages). */
  ocrPages?: number[];
}

/** Per-file progress a parser may report (OCR: one step per page). */
export interface ParseProgress {
  stage: 'ocr';
  done: number;
  total: number;
}

export interface Parser {
  /** Short name for messages, e.g. "PDF". */
  readonly name: string;
  readonly format: DocumentFormat;
  /** Whether this parser handles a file with this name (lower-cased extension) and MIME type. */
  accepts(fileName: string, mimeType: string): boolean;
  /** Throws a TroveError (code PARSE_FAILED / EMPTY_DOCUMENT / UNSUPPORTED_FORMAT) on bad input. */
  parse(
    data: Uint8Array,
    fileName: string,
    signal?: AbortSignal,
    onProgress?: (progress: ParseProgress) => void,
  ): Promise<ParsedDocument>;
}

/** A passage cut from a document, before it is stored. */
export interface ChunkDraft {
  text: string;
  /** Character offsets into the parsed document text: text === doc.text.slice(start, end). */
  start: number;
  end: number;
  /** Headings above this chunk, outermost first. */
  headingPath: string[];
  /** 1-based page of the chunk's first character (PDF only). */
  page?: number;
  /** Tokens by the embedding model's tokenizer (or the estimate used when no model is loaded). */
  tokenCount: number;
  /** For a table row / JSON object: its 1-based row and its metadata fields (see TextBlock). */
  row?: number;
  fields?: Record<string, FieldValue>;
}

export interface ChunkerOptions {
  /** Upper bound on tokens per chunk (the model's budget, minus special tokens and prefix). */
  maxTokens: number;
  /** Tokens repeated from the end of the previous chunk at the start of the next one. */
  overlapTokens: number;
  countTokens: (text: string) => number;
  /** Upper bound on characters per chunk (default maxTokens × 8): WordPiece counts a long unknown word as one token. */
  maxChars?: number;
}

export interface Chunker {
  chunk(doc: ParsedDocument, options: ChunkerOptions): ChunkDraft[];
}

/** One scored item in a ranked list. */
export interface Hit {
  id: number;
  score: number;
}

/** Predicate over chunk ids, applied during search (not after). */
export type IdFilter = (id: number) => boolean;

export interface VectorSearchOptions {
  /** HNSW: candidate list size for this search (exact indexes ignore it). */
  ef?: number;
}

export interface VectorIndex {
  readonly dims: number;
  readonly size: number;
  /** vectors holds ids.length rows of `dims` floats, L2-normalised. */
  add(ids: ArrayLike<number>, vectors: Float32Array): void;
  remove(ids: ArrayLike<number>): void;
  has(id: number): boolean;
  search(query: Float32Array, k: number, filter?: IdFilter, options?: VectorSearchOptions): Hit[];
}

export interface LexicalIndex {
  readonly size: number;
  /** Adds a document's analysed terms (repeats kept: they are the term frequencies). */
  add(id: number, terms: readonly string[]): void;
  remove(id: number): void;
  has(id: number): boolean;
  search(queryTerms: readonly string[], k: number, filter?: IdFilter): Hit[];
}

export type SearchMode = 'hybrid' | 'semantic' | 'keyword';
